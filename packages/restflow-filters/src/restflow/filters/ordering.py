"""Ordering through a FilterSet: ``?order_by=name,-price``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rest_framework.exceptions import ValidationError

__all__ = ["OrderField"]

OrderChoice = str | tuple[str, str]


class OrderField:
    """The ordering parameter: comma-separated keys, ``-key`` for descending.

    Args:
        fields: keys the client may order by, each a name (key and model
            field alike) or a ``(key, model_field)`` pair; ``model_field``
            may start with ``-`` to make the key's natural order descending.
        labels: key → human label, used in the schema description.
        default: keys applied when the request gives none.
        override_order_direction: when true, the client's ``-`` prefix is
            accepted but ignored: each key always orders in its declared
            direction.

    The client's order is kept (``?order_by=name,-price`` orders by name
    first). An unknown key is a 400 listing the accepted ones.
    """

    def __init__(
        self,
        fields: Iterable[OrderChoice],
        *,
        labels: Mapping[str, str] | None = None,
        default: Sequence[str] = (),
        override_order_direction: bool = False,
        help_text: str | None = None,
    ) -> None:
        self.choices: dict[str, str] = {}
        for entry in fields:
            key, model_field = (entry, entry) if isinstance(entry, str) else entry
            if not isinstance(key, str) or not isinstance(model_field, str):
                raise TypeError(
                    f"OrderField: each entry must be a name or a (key, model_field) pair of "
                    f"strings, got {entry!r}."
                )
            self.choices[key] = model_field
        self.labels = dict(labels or {})
        self.default = tuple(default)
        self.override_order_direction = override_order_direction
        self.help_text = help_text
        for key in (*self.labels, *(name.lstrip("-") for name in self.default)):
            if key not in self.choices:
                raise TypeError(
                    f"OrderField: {key!r} is not one of the ordering keys {sorted(self.choices)}."
                )

    def __repr__(self) -> str:
        return f"OrderField({list(self.choices.items())!r})"

    def parse(self, raws: Sequence[Any]) -> list[str]:
        """The ORM ``order_by`` arguments for the raw parameter values; 400 on unknown keys."""
        keys = [part.strip() for raw in raws for part in str(raw).split(",") if part.strip()]
        ordering: list[str] = []
        unknown: list[str] = []
        seen: set[str] = set()
        for key in keys:
            descending = key.startswith("-")
            bare = key[1:] if descending else key
            model_field = self.choices.get(bare)
            if model_field is None:
                unknown.append(key)
                continue
            if bare in seen:
                continue
            seen.add(bare)
            ordering.append(self._direction(model_field, descending))
        if unknown:
            accepted = ", ".join(f"{key}, -{key}" for key in self.choices)
            raise ValidationError(
                [f"Unknown ordering key {key!r}; accepted: {accepted}." for key in unknown]
            )
        return ordering

    def default_ordering(self) -> list[str]:
        """The ORM ordering applied when the request gives none."""
        return self.parse(self.default) if self.default else []

    def _direction(self, model_field: str, descending: bool) -> str:
        if self.override_order_direction or not descending:
            return model_field
        return model_field[1:] if model_field.startswith("-") else f"-{model_field}"

    def schema(self) -> dict[str, Any]:
        """OpenAPI schema of the parameter (an array of keys, comma-separated)."""
        keys = [signed for key in self.choices for signed in (key, f"-{key}")]
        return {"type": "array", "items": {"type": "string", "enum": keys}}

    def description(self) -> str:
        """What the parameter does, with the keys' labels."""
        if self.help_text:
            return self.help_text
        names = ", ".join(
            f"{key} ({self.labels[key]})" if key in self.labels else key for key in self.choices
        )
        return f"Comma-separated ordering keys, '-' for descending: {names}."
