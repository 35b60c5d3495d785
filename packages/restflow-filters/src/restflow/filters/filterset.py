"""``FilterSet``: declared once, compiled at class creation, applied per request."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple, cast

from django.apps import apps
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from restflow.core import acall, call
from restflow.filters._compile import Compiled, compile_filterset
from restflow.filters._params import Param, messages_of
from restflow.filters.checks import (
    filtersets_with_postgres_lookups as filtersets_with_postgres_lookups,
)
from restflow.filters.checks import remember_postgres_lookups
from restflow.filters.fields import Field
from restflow.filters.options import FilterSetOptions, RelatedField
from restflow.filters.ordering import OrderField
from restflow.filters.schema import parameters_for

__all__ = ["FilterSet", "InlineFilterSet"]

_REQUIRED = "This parameter is required."
_UNKNOWN = "Unknown filter parameter."


class FilterSet:
    """Declarative filters for a queryset, from query parameters.

    Declare fields with annotations (``price: int``), explicit fields
    (``price = IntegerField(lookups=["comparison"])``) or ``Meta.model`` with
    ``Meta.fields``; explicit wins over annotation, annotation over model.
    Each field accepts ``name``, ``name__<lookup>`` and their negations
    ``name!``/``name__<lookup>!``. Use it from code::

        ProductFilterSet(request=request).filter_queryset(Product.objects.all())
        await ProductFilterSet(data={"price__gte": "10"}).afilter_queryset(qs)

    or through :class:`~restflow.filters.RestflowFilterBackend`. Invalid
    values raise DRF's ``ValidationError`` with one entry per parameter (a
    400 in restflow's error envelope).

    Meta options: ``model``, ``fields`` (names or ``"__all__"``),
    ``exclude``, ``extra_kwargs``, ``related_fields``, ``operator`` (AND, OR,
    XOR), ``allow_negate``, ``preprocessors``/``postprocessors`` (callables
    ``(filterset, queryset) -> queryset``, sync or async), ``strict`` and
    ``strict_ignore``, ``max_list_size``, ``lookup_separator``,
    ``order_param``, ``order_fields``, ``default_order_fields``,
    ``order_field_labels``, ``override_order_direction``.
    """

    _compiled: ClassVar[Compiled | None] = None
    _options: ClassVar[FilterSetOptions] = FilterSetOptions()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._options = FilterSetOptions.from_meta(cls, getattr(cls, "Meta", None))
        cls._compiled = None
        if apps.models_ready or cls._options.model is None:
            cls._compile()

    @classmethod
    def _compile(cls) -> Compiled:
        compiled = cls._compiled
        if compiled is None:
            compiled = compile_filterset(cls, FilterSet, cls._options)
            cls._compiled = compiled
            if compiled.uses_postgres:
                remember_postgres_lookups(cls)
        return compiled

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        request: Any = None,
        *,
        ignore: Iterable[str] = (),
    ) -> None:
        if data is None and request is not None:
            data = getattr(request, "query_params", None)
            if data is None:
                data = request.GET
        self.data: Mapping[str, Any] = data if data is not None else {}
        self.request = request
        self.ignore = frozenset(ignore)
        self._cleaned: list[tuple[Param, Any]] | None = None
        self._ordering: list[str] | None = None
        self._errors: dict[str, list[str]] = {}

    # -- class-level description -------------------------------------------------

    @classmethod
    def get_fields(cls) -> dict[str, Any]:
        """Attribute name → filter field, after every declaration style is merged."""
        return dict(cls._compile().fields)

    @classmethod
    def get_parameters(cls) -> dict[str, Param]:
        """Every accepted query parameter, compiled, in declaration order."""
        return dict(cls._compile().params)

    @classmethod
    def schema_parameters(cls) -> list[dict[str, Any]]:
        """OpenAPI 3 query parameter objects for every accepted parameter."""
        return parameters_for(cls._compile())

    # -- validation -----------------------------------------------------------------

    @property
    def fields(self) -> Mapping[str, Any]:
        """Attribute name → filter field, read-only (as a DRF serializer's ``fields``)."""
        return MappingProxyType(self._compile().fields)

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        """Parse and validate the data; ``errors`` says what is wrong.

        With ``raise_exception=True`` invalid data raises DRF's ``ValidationError``
        (a 400 in the envelope), as ``Serializer.is_valid`` does.
        """
        if raise_exception:
            self._valid()
        else:
            self._validate()
        return not self._errors

    @property
    def errors(self) -> dict[str, list[str]]:
        """Parameter name → messages, for every invalid parameter."""
        self._validate()
        return self._errors

    @property
    def validated_data(self) -> dict[str, Any]:
        """Parameter name → converted value; raises ``ValidationError`` if invalid."""
        cleaned = self._valid()
        data = {param.name: value for param, value in cleaned}
        order_param = self._compile().order_param
        if self._ordering is not None and order_param is not None:
            data[order_param] = list(self._ordering)
        return data

    def model_dump(self) -> dict[str, Any]:
        """The validated parameters as a plain dict (``validated_data``)."""
        return self.validated_data

    def _valid(self) -> list[tuple[Param, Any]]:
        self._validate()
        if self._errors:
            raise ValidationError(self._errors)
        assert self._cleaned is not None
        return self._cleaned

    def _validate(self) -> None:
        if self._cleaned is not None:
            return
        compiled = self._compile()
        table = compiled.params
        strict = self._options.strict
        cleaned: list[tuple[Param, Any]] = []
        errors: dict[str, list[str]] = {}
        ordering: list[str] | None = None
        for key, raws in _items(self.data):
            param = table.get(key)
            if param is None:
                if key == compiled.order_param and compiled.ordering is not None:
                    try:
                        ordering = compiled.ordering.parse(raws)
                    except ValidationError as exc:
                        errors[key] = messages_of(exc)
                elif strict and key not in self.ignore and key not in self._options.strict_ignore:
                    errors[key] = [_UNKNOWN]
                continue
            if all(raw == "" or raw is None for raw in raws):
                continue
            try:
                cleaned.append((param, param.parse(raws)))
            except ValidationError as exc:
                errors[key] = messages_of(exc)
        if compiled.required:
            given = {param.attr for param, _ in cleaned}
            for attr in compiled.required:
                if attr not in given and not any(
                    name in errors for name in compiled.required[attr]
                ):
                    errors[attr] = [_REQUIRED]
        if ordering is None and compiled.ordering is not None:
            ordering = compiled.ordering.default_ordering()
        self._cleaned, self._errors, self._ordering = cleaned, errors, ordering

    # -- building the query --------------------------------------------------------

    def get_q(self) -> Q:
        """The combined ``Q`` of the declarative parameters (methods and ordering excluded)."""
        children = [child for child in self._conditions() if not isinstance(child, _Pending)]
        return Q(*children, _connector=self._options.operator)

    def _conditions(self) -> list[Any]:
        """Per parameter: a ``(key, value)`` child, a ``Q``, or a method call still to make.

        Plain conditions stay ``(key, value)`` tuples so the whole filter is
        one ``Q`` node, which the ORM adds in one pass (as ``.filter(**kwargs)``).
        """
        conditions: list[Any] = []
        for param, value in self._valid():
            if param.key is not None:
                if param.negated:
                    conditions.append(Q((param.key, value), _negated=True))
                else:
                    conditions.append((param.key, value))
            elif param.build is not None:
                conditions.append(_to_q(param, param.build(value)))
            else:
                conditions.append(_Pending(param, value))
        return conditions

    def _method(self, param: Param) -> Callable[..., Any]:
        method = param.method
        return getattr(self, method) if isinstance(method, str) else method  # type: ignore[return-value]

    def _take(
        self, param: Param, result: Any, queryset: QuerySet[Any], qs: list[Any]
    ) -> QuerySet[Any]:
        """Fold a method's result in: a ``Q`` joins the conditions, a queryset replaces ``queryset``."""
        if isinstance(result, Q):
            qs.append(~result if param.negated else result)
            return queryset
        if isinstance(result, QuerySet):
            if param.negated:
                raise TypeError(
                    f"{type(self).__qualname__}.{param.attr}: a negated method filter must "
                    "return a Q, not a queryset."
                )
            return result
        raise TypeError(
            f"{type(self).__qualname__}.{param.attr}: the method returned "
            f"{type(result).__name__}; it must return a Q or a queryset."
        )

    def _finish(self, queryset: QuerySet[Any], conditions: list[Any]) -> QuerySet[Any]:
        if conditions:
            queryset = queryset.filter(Q(*conditions, _connector=self._options.operator))
        if self._ordering:
            queryset = queryset.order_by(*self._ordering)
        return queryset

    # -- the two surfaces --------------------------------------------------------------

    def _steps(self, queryset: QuerySet[Any]) -> Generator[tuple[Any, tuple[Any, ...]], Any, Any]:
        """The whole filtering, I/O-free: yields each user callable to call, gets its result."""
        conditions = self._conditions()
        for processor in self._options.preprocessors:
            queryset = _checked(processor, (yield processor, (self, queryset)))
        qs: list[Any] = []
        for condition in conditions:
            if not isinstance(condition, _Pending):
                qs.append(condition)
                continue
            param, value = condition
            result = yield self._method(param), (queryset, param.name, value)
            queryset = self._take(param, result, queryset, qs)
        queryset = self._finish(queryset, qs)
        for processor in self._options.postprocessors:
            queryset = _checked(processor, (yield processor, (self, queryset)))
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Apply processors, filters and ordering; ``ValidationError`` on invalid input."""
        steps = self._steps(queryset)
        try:
            function, args = next(steps)
            while True:
                function, args = steps.send(call(function, *args))
        except StopIteration as done:
            return cast("QuerySet[Any]", done.value)

    async def afilter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Async twin of :meth:`filter_queryset`: async processors and methods are awaited."""
        steps = self._steps(queryset)
        try:
            function, args = next(steps)
            while True:
                function, args = steps.send(await acall(function, *args))
        except StopIteration as done:
            return cast("QuerySet[Any]", done.value)


class _Pending(NamedTuple):
    """A method filter's parameter and value, called when the queryset is known."""

    param: Param
    value: Any


def _items(data: Mapping[str, Any]) -> Iterable[tuple[str, list[Any]]]:
    lists = getattr(data, "lists", None)
    if lists is not None:
        return cast("Iterable[tuple[str, list[Any]]]", lists())
    return ((key, value if isinstance(value, list) else [value]) for key, value in data.items())


def _to_q(param: Param, built: Any) -> Q:
    if isinstance(built, Q):
        q = built
    elif isinstance(built, Mapping):
        q = Q(**built)
    else:
        raise TypeError(
            f"filter_by of {param.attr!r} returned {type(built).__name__}; "
            "it must return a Q or a dict of ORM keyword arguments."
        )
    return ~q if param.negated else q


def _checked(processor: Callable[..., Any], result: Any) -> QuerySet[Any]:
    if not isinstance(result, QuerySet):
        name = getattr(processor, "__qualname__", repr(processor))
        raise TypeError(f"The FilterSet processor {name} returned {result!r}; return a queryset.")
    return result


def InlineFilterSet(
    fields: Mapping[str, Any],
    *,
    name: str = "InlineFilterSet",
    base: type[FilterSet] = FilterSet,
    **meta: Any,
) -> type[FilterSet]:
    """Build a FilterSet class from a dict of fields (filter fields or annotations).

    ``meta`` holds ``Meta`` options: ``InlineFilterSet({"name": str}, model=Product)``.
    """
    namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": name}
    annotations: dict[str, Any] = {}
    for attr, value in fields.items():
        if isinstance(value, Field | OrderField | RelatedField):
            namespace[attr] = value
        else:
            annotations[attr] = value
    namespace["__annotations__"] = annotations
    if meta:
        namespace["Meta"] = type("Meta", (), meta)
    return type(name, (base,), namespace)
