"""Filter field declarations: one class per value type.

A field says which query parameters a FilterSet accepts for one value and
how each maps to the ORM. Values are converted and validated by the DRF
field the filter field wraps (``min_value=``, ``max_length=``, ``choices=``
and other DRF keyword arguments are passed through).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeAlias

from rest_framework import serializers

__all__ = [
    "BooleanField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "Field",
    "FloatField",
    "IPAddressField",
    "IntegerField",
    "ListField",
    "MultipleChoiceField",
    "StringField",
    "TimeField",
    "UUIDField",
]

LookupSpec = str | Sequence[str | Mapping[str, str]]
FilterBy = str | Callable[[Any], Any]
DrfField: TypeAlias = "serializers.Field[Any, Any, Any, Any]"


class Field:
    """A filter on one value; subclasses fix the value type.

    Args:
        lookups: lookup names (``"gte"``), category names (``"comparison"``),
            ``"__all__"``, or ``{"alias": "lookup"}`` dicts. Each adds a
            parameter ``<name>__<lookup>`` (``<name><separator><alias>`` for
            aliases). The bare ``<name>`` parameter always exists.
        filter_by: what the bare parameter filters with: an ORM expression
            (``"name__icontains"``), or a callable given the value and
            returning a ``Q`` or a dict of ORM keyword arguments.
        db_field: the ORM path the lookup variants build on (default: the
            attribute name).
        method: a FilterSet method name or a callable ``(queryset, name,
            value)`` returning a ``Q`` or a queryset (may be async).
        allow_negate: add ``<param>!`` parameters (default: ``Meta.allow_negate``).
        negate: the filter always excludes what it matches.
        required: a request without the parameter is a 400.
        lookup_separator: between the name and an alias (default ``"__"``).
        help_text: the parameter's description; ``lookup_help_text`` maps a
            lookup (or alias) to its own description.
        max_list_size: most values a list parameter takes (default
            ``Meta.max_list_size``).
        **kwargs: passed to the DRF field that validates the value.
    """

    drf_field_class: ClassVar[type[DrfField]] = serializers.CharField
    categories: ClassVar[frozenset[str]] = frozenset({"basic"})
    base_lookup: ClassVar[str] = "exact"
    schema: ClassVar[dict[str, str]] = {"type": "string"}

    _counter: ClassVar[int] = 0

    def __init__(
        self,
        *,
        lookups: LookupSpec | None = None,
        filter_by: FilterBy | None = None,
        db_field: str | None = None,
        method: str | Callable[..., Any] | None = None,
        allow_negate: bool | None = None,
        negate: bool = False,
        required: bool = False,
        lookup_separator: str | None = None,
        help_text: str | None = None,
        lookup_help_text: Mapping[str, str] | None = None,
        max_list_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.lookups = lookups
        self.filter_by = filter_by
        self.db_field = db_field
        self.method = method
        self.allow_negate = allow_negate
        self.negate = negate
        self.required = required
        self.lookup_separator = lookup_separator
        self.help_text = help_text
        self.lookup_help_text = dict(lookup_help_text or {})
        self.max_list_size = max_list_size
        self.kwargs = kwargs
        Field._counter += 1
        self._order = Field._counter

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe_kwargs()})"

    def _describe_kwargs(self) -> str:
        shown = {
            key: value
            for key, value in vars(self).items()
            if not key.startswith("_") and value not in (None, False, {}, ())
        }
        return ", ".join(f"{key}={value!r}" for key, value in shown.items())

    def with_options(self, **options: Any) -> Field:
        """A copy of this field with some constructor arguments replaced."""
        clone = type(self).__new__(type(self))
        vars(clone).update(vars(self))
        clone.kwargs = dict(self.kwargs)
        for key, value in options.items():
            if key in _OPTIONS or key in vars(clone):
                setattr(clone, key, dict(value or {}) if key == "lookup_help_text" else value)
            else:
                clone.kwargs[key] = value
        return clone

    def build_drf_field(self) -> DrfField:
        """The DRF field that converts and validates one value."""
        return self.drf_field_class(**self.kwargs)

    def value_schema(self) -> dict[str, Any]:
        """OpenAPI schema of one value."""
        return dict(self.schema)


_OPTIONS = frozenset(
    {
        "lookups",
        "filter_by",
        "db_field",
        "method",
        "allow_negate",
        "negate",
        "required",
        "lookup_separator",
        "help_text",
        "lookup_help_text",
        "max_list_size",
        "base_lookup",
    }
)

_NUMBER = frozenset({"basic", "comparison"})


class StringField(Field):
    """Text; allows the ``text``, ``postgres`` and opt-in ``unsafe`` lookups."""

    drf_field_class = serializers.CharField
    categories = frozenset({"basic", "text", "postgres", "unsafe"})


class IntegerField(Field):
    """An integer; allows ``comparison`` lookups."""

    drf_field_class = serializers.IntegerField
    categories = _NUMBER
    schema = {"type": "integer"}


class FloatField(Field):
    """A float; allows ``comparison`` lookups."""

    drf_field_class = serializers.FloatField
    categories = _NUMBER
    schema = {"type": "number"}


class DecimalField(Field):
    """A ``Decimal``; ``max_digits``/``decimal_places`` default to unbounded."""

    drf_field_class = serializers.DecimalField
    categories = _NUMBER
    schema = {"type": "string", "format": "decimal"}

    def build_drf_field(self) -> DrfField:
        kwargs = {"max_digits": None, "decimal_places": None, **self.kwargs}
        return self.drf_field_class(**kwargs)


class BooleanField(Field):
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``, ``on``/``off``)."""

    drf_field_class = serializers.BooleanField
    schema = {"type": "boolean"}


class DateField(Field):
    """An ISO date; allows ``comparison`` and ``date`` lookups."""

    drf_field_class = serializers.DateField
    categories = frozenset({"basic", "comparison", "date"})
    schema = {"type": "string", "format": "date"}


class TimeField(Field):
    """An ISO time; allows ``comparison`` and ``time`` lookups."""

    drf_field_class = serializers.TimeField
    categories = frozenset({"basic", "comparison", "time"})
    schema = {"type": "string", "format": "time"}


class DateTimeField(Field):
    """An ISO date-time; allows ``comparison``, ``date`` and ``time`` lookups."""

    drf_field_class = serializers.DateTimeField
    categories = DateField.categories | TimeField.categories
    schema = {"type": "string", "format": "date-time"}


class DurationField(Field):
    """A duration (``[DD] [HH:[MM:]]ss[.uuuuuu]`` or ISO 8601); allows ``comparison``."""

    drf_field_class = serializers.DurationField
    categories = _NUMBER
    schema = {"type": "string", "format": "duration"}


class UUIDField(Field):
    """A UUID."""

    drf_field_class = serializers.UUIDField
    schema = {"type": "string", "format": "uuid"}


class EmailField(Field):
    """An e-mail address; allows ``text`` lookups."""

    drf_field_class = serializers.EmailField
    categories = frozenset({"basic", "text"})
    schema = {"type": "string", "format": "email"}


class IPAddressField(Field):
    """An IPv4 or IPv6 address; allows ``text`` lookups."""

    drf_field_class = serializers.IPAddressField
    categories = frozenset({"basic", "text"})
    schema = {"type": "string", "format": "ip"}


class ChoiceField(Field):
    """One of ``choices`` (values, ``(value, label)`` pairs or a ``TextChoices``)."""

    drf_field_class = serializers.ChoiceField

    def value_schema(self) -> dict[str, Any]:
        field = self.build_drf_field()
        assert isinstance(field, serializers.ChoiceField)
        return {"type": "string", "enum": [str(key) for key in field.choices]}


class MultipleChoiceField(ChoiceField):
    """Several of ``choices``, repeated or comma-separated; matches any of them (``in``)."""

    base_lookup = "in"
    drf_field_class = serializers.ChoiceField


class ListField(Field):
    """Several values (repeated or comma-separated) converted by ``child``.

    ``child`` is a filter field, a DRF field or a Python type (default
    ``str``); a DRF field or a type becomes a filter field once, when the
    FilterSet compiles (``get_fields()`` shows it resolved). The bare
    parameter matches any of the values (``in``); on a PostgreSQL
    ``ArrayField`` it compares the whole array, and the ``pg_array`` lookups
    (``contains``, ``overlaps``, ``contained_by``) apply.
    """

    categories = frozenset({"basic", "pg_array"})
    base_lookup = "in"

    def __init__(self, child: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.child = child

    def child_field(self) -> Field:
        """The child as a filter field (``StringField`` when there is none)."""
        child = self.child
        if child is None:
            return StringField()
        if not isinstance(child, Field):
            raise TypeError(
                f"ListField(child={child!r}) is resolved when its FilterSet compiles; "
                "use the field FilterSet.get_fields() returns."
            )
        return child

    def build_drf_field(self) -> DrfField:
        return self.child_field().build_drf_field()

    def value_schema(self) -> dict[str, Any]:
        return self.child_field().value_schema()
