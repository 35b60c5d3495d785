"""Give views restflow's parsers in place of DRF's, in one place per view family."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import parsers

from restflow.parsers.json import JSONParser

__all__ = ["ParsersMixin", "substitute_parsers"]

# DRF's parser class (exactly: a project's own subclass is its choice) -> restflow's.
_SUBSTITUTES: dict[type[parsers.BaseParser], type[parsers.BaseParser]] = {
    parsers.JSONParser: JSONParser,
}


def substitute_parsers(
    parser_classes: Iterable[type[parsers.BaseParser]],
) -> list[parsers.BaseParser]:
    """Instantiate ``parser_classes``, with DRF's ``JSONParser`` replaced by restflow's."""
    return [_SUBSTITUTES.get(parser_class, parser_class)() for parser_class in parser_classes]


class ParsersMixin:
    """A DRF view mixin: ``get_parsers()`` gives restflow's ``JSONParser`` where DRF's is named.

    restflow's async ``AsyncAPIView`` and restflow-views' sync views include it;
    add it to a plain DRF view (before ``APIView``) for the same effect, or name
    ``restflow.parsers.JSONParser`` in ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``.
    """

    parser_classes: Any

    def get_parsers(self) -> list[parsers.BaseParser]:
        """The view's parsers, DRF's ``JSONParser`` replaced by :class:`restflow.parsers.JSONParser`."""
        return substitute_parsers(self.parser_classes)
