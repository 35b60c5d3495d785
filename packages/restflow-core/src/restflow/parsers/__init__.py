"""restflow.parsers: request parsers that answer hostile bodies with a 400 (part of restflow-core).

restflow's views use :class:`JSONParser` in place of DRF's out of the box; a
plain DRF view gets it by naming it in ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``.
"""

from restflow.parsers.json import JSONParser
from restflow.parsers.substitution import ParsersMixin, substitute_parsers

__all__ = ["JSONParser", "ParsersMixin", "substitute_parsers"]
