"""A FilterSet's ``Meta`` options, read and checked once at class creation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FilterSetOptions", "RelatedField"]

OPERATORS = ("AND", "OR", "XOR")


class RelatedField:
    """Filters on the fields of a related model, named ``<attr>__<field>``.

    ``fields`` is ``"__all__"`` or a list of the related model's field
    names; ``exclude`` leaves some out; ``lookups`` applies to each
    generated field. ``model`` may be left out when ``Meta.model`` has a
    relation of the attribute's name.
    """

    def __init__(
        self,
        model: type[Any] | None = None,
        fields: Sequence[str] | str = "__all__",
        exclude: Sequence[str] = (),
        **field_options: Any,
    ) -> None:
        self.model = model
        self.fields = fields
        self.exclude = tuple(exclude)
        self.field_options = field_options

    def __repr__(self) -> str:
        model = getattr(self.model, "__name__", None)
        return f"RelatedField({model}, fields={self.fields!r}, exclude={list(self.exclude)!r})"


@dataclass(slots=True)
class FilterSetOptions:
    """Everything ``Meta`` may set, with its default."""

    model: type[Any] | None = None
    fields: Sequence[str] | str = ()
    exclude: Sequence[str] = ()
    extra_kwargs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    related_fields: Mapping[str, Sequence[str] | str] | Sequence[str] = ()
    operator: str = "AND"
    allow_negate: bool = True
    preprocessors: Sequence[Callable[..., Any]] = ()
    postprocessors: Sequence[Callable[..., Any]] = ()
    strict: bool = False
    strict_ignore: Sequence[str] = ()
    max_list_size: int = 100
    lookup_separator: str = "__"
    order_param: str = "order_by"
    order_fields: Sequence[str | tuple[str, str]] = ()
    default_order_fields: Sequence[str] = ()
    order_field_labels: Mapping[str, str] = field(default_factory=dict)
    override_order_direction: bool = False

    @classmethod
    def from_meta(cls, owner: type, meta: type | None) -> FilterSetOptions:
        """Read ``meta``; ``TypeError`` naming ``owner`` for unknown or ill-typed options."""
        if meta is None:
            return cls()
        known = set(cls.__dataclass_fields__)
        given = {
            name: value
            for klass in reversed(meta.__mro__)
            if klass is not object
            for name, value in vars(klass).items()
            if not name.startswith("__")
        }
        unknown = sorted(set(given) - known)
        if unknown:
            raise TypeError(
                f"{owner.__qualname__}.Meta: unknown option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}."
            )
        options = cls(**given)
        options._validate_for(owner)
        return options

    def _validate_for(self, owner: type) -> None:
        where = f"{owner.__qualname__}.Meta"
        self.operator = str(self.operator).upper()
        if self.operator not in OPERATORS:
            raise TypeError(f"{where}.operator must be one of AND, OR, XOR; got {self.operator!r}.")
        if isinstance(self.fields, str) and self.fields != "__all__":
            raise TypeError(f"{where}.fields must be '__all__' or a list of names.")
        if self.fields and self.model is None:
            raise TypeError(f"{where}.fields needs Meta.model.")
        if self.related_fields and self.model is None:
            raise TypeError(f"{where}.related_fields needs Meta.model.")
        if not isinstance(self.max_list_size, int) or self.max_list_size < 1:
            raise TypeError(f"{where}.max_list_size must be a positive integer.")
        for name in ("preprocessors", "postprocessors"):
            for processor in getattr(self, name):
                if not callable(processor):
                    raise TypeError(f"{where}.{name}: {processor!r} is not callable.")
        for name in ("allow_negate", "strict", "override_order_direction"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{where}.{name} must be True or False.")
