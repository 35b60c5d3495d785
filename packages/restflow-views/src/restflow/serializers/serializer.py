"""``Serializer``: DRF's serializer with annotation-declared fields and an async surface."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, get_error_detail
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

from restflow.core import acall_hook, is_async_callable
from restflow.serializers._classify import read_needs_thread, validators_are_safe, write_mode
from restflow.serializers._fieldcache import FieldPrototypes
from restflow.serializers._methods import field_method_mode
from restflow.serializers._plan import NO_PLAN, row_plan
from restflow.serializers._steps import Mode, Step, run_sync
from restflow.serializers._surface import AsyncSurface, State
from restflow.serializers.declare import TypedSerializerMetaclass
from restflow.serializers.listing import ListSerializer
from restflow.serializers.validated import ValidatedData

__all__ = ["Serializer"]

_LIST_KWARGS_REMOVE = serializers.LIST_SERIALIZER_KWARGS_REMOVE
_LIST_KWARGS = serializers.LIST_SERIALIZER_KWARGS


def _record(state: State, name: str, exc: Exception) -> None:
    state.values.pop(name, None)
    if isinstance(exc, ValidationError):
        state.errors[name] = exc.detail
    elif isinstance(exc, DjangoValidationError):
        state.errors[name] = get_error_detail(exc)


def _field_step(field: Any, state: State) -> None:
    name = field.field_name
    try:
        state.values[name] = field.run_validation(field.get_value(state.data))
    except (ValidationError, DjangoValidationError, SkipField) as exc:
        _record(state, name, exc)


async def _afield_step(field: Any, state: State) -> None:
    name = field.field_name
    try:
        state.values[name] = await acall_hook(field, "run_validation", field.get_value(state.data))
    except (ValidationError, DjangoValidationError, SkipField) as exc:
        _record(state, name, exc)


def _method_step(name: str, method: Any, state: State) -> None:
    if name in state.values:
        try:
            state.values[name] = method(state.values[name])
        except (ValidationError, DjangoValidationError, SkipField) as exc:
            _record(state, name, exc)


async def _amethod_step(name: str, method: Any, state: State) -> None:
    if name in state.values:
        try:
            state.values[name] = await method(state.values[name])
        except (ValidationError, DjangoValidationError, SkipField) as exc:
            _record(state, name, exc)


def _finish_step(fields: list[Any], set_value: Any, state: State) -> None:
    if state.errors:
        raise ValidationError(state.errors)
    result = ValidatedData()
    values = state.values
    for field in fields:
        if field.field_name in values:
            set_value(result, field.source_attrs, values[field.field_name])
    state.result = result


def _mapping_step(serializer: Any, state: State) -> None:
    if not isinstance(state.data, Mapping):
        message = serializer.error_messages["invalid"].format(datatype=type(state.data).__name__)
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")


def _refuse_async_method_fields(serializer: Any, readable: list[tuple[Any, Any]]) -> None:
    """``SerializerMethodField`` calls ``get_<name>`` synchronously: an async one is an error."""
    for field, _ in readable:
        if isinstance(field, serializers.SerializerMethodField):
            method = getattr(serializer, field.method_name, None)
            if method is not None and is_async_callable(method):
                raise TypeError(
                    f"{type(serializer).__qualname__}.{field.method_name}() is declared "
                    "'async def'; SerializerMethodField calls it synchronously. Compute the value "
                    "before serializing (a PostFetch, a queryset annotation) or make it sync."
                )


_DRF_GET_FIELDS = (
    serializers.Serializer.get_fields,
    serializers.ModelSerializer.get_fields,
    FieldPrototypes.get_fields,  # DRF's, served from prototypes
)


def _plannable(cls: type) -> bool:
    """Whether rows of ``cls`` may be represented by a plan (see ``_plan.py``).

    Only while the class keeps restflow's ``to_representation`` and DRF's way
    of building ``fields``: a plan reproduces exactly those.
    """
    return (
        getattr(cls, "to_representation", None) is Serializer.to_representation
        and getattr(cls, "get_fields", None) in _DRF_GET_FIELDS
        and getattr(cls, "fields", None) is serializers.Serializer.fields
    )


class Serializer(AsyncSurface, serializers.Serializer, metaclass=TypedSerializerMetaclass):
    """A DRF ``Serializer`` whose annotations declare fields, with a full async surface.

    ``name: str`` declares ``CharField()``; ``bio: str | None`` allows null;
    ``extra: str = Field(write_only=True)`` passes options. Validation,
    saving and representation have async twins (``ais_valid``, ``asave``,
    ``await serializer.adata``…) that await async ``validate_<name>`` and
    ``validate`` and take a thread only for sync code that may block.
    """

    _annotated_fields: tuple[str, ...] = ()
    # whether rows may be represented by a plan (``_plan.py``): decided for each class once
    _restflow_plannable = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._restflow_plannable = _plannable(cls)

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> Any:
        """``Serializer(many=True)``: restflow's async ``ListSerializer`` unless Meta names one."""
        list_kwargs: dict[str, Any] = {}
        for key in _LIST_KWARGS_REMOVE:
            value = kwargs.pop(key, None)
            if value is not None:
                list_kwargs[key] = value
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({key: value for key, value in kwargs.items() if key in _LIST_KWARGS})
        meta = getattr(cls, "Meta", None)
        list_class = getattr(meta, "list_serializer_class", ListSerializer)
        return list_class(*args, **list_kwargs)

    # -- plans -----------------------------------------------------------

    def _own_head_steps(self, is_async: bool) -> list[Step]:
        return self._field_steps(is_async=is_async)

    def _field_steps(self, *, is_async: bool) -> list[Step]:
        cls = type(self)
        partial = functools.partial
        steps: list[Step] = [Step(Mode.LOOP, partial(_mapping_step, self))]
        fields = [field for field in self.fields.values() if not field.read_only]
        for field in fields:
            name: str = field.field_name  # type: ignore[assignment]  # bound fields have a name
            if is_async:
                mode = write_mode(field, f"{cls.__qualname__}.{name}")
                if mode is Mode.ASYNC:
                    steps.append(Step(Mode.ASYNC, partial(_afield_step, field)))
                else:
                    steps.append(Step(mode, partial(_field_step, field)))
            else:
                validators_are_safe(field.validators, f"{cls.__qualname__}.{name}")  # refuses async
                steps.append(Step(Mode.LOOP, partial(_field_step, field)))
            method_name = "validate_" + name
            method_mode = field_method_mode(cls, method_name)
            if method_mode is None:
                continue
            method = getattr(self, method_name)
            if method_mode is Mode.ASYNC:
                if not is_async:
                    raise TypeError(
                        f"{cls.__qualname__}.{method_name}() is declared 'async def'; the sync "
                        "path cannot await it. Call 'ais_valid()' instead, or make it sync."
                    )
                steps.append(Step(Mode.ASYNC, partial(_amethod_step, name, method)))
            else:
                steps.append(Step(method_mode, partial(_method_step, name, method)))
        steps.append(Step(Mode.LOOP, partial(_finish_step, fields, self.set_value)))
        return steps

    def _default_run_validators(self) -> object:
        return serializers.Serializer.run_validators

    def _default_validate(self) -> object:
        return serializers.Serializer.validate

    def _empty_validated(self) -> Any:
        return ValidatedData()

    def _saved_data(self, kwargs: dict[str, Any]) -> Any:
        return ValidatedData({**self.validated_data, **kwargs})

    def _fast_representation(self, instance: Any) -> Any:
        plan = row_plan(self, instance)
        return NO_PLAN if plan is None else plan(instance)

    def _representation_needs_thread(self) -> bool:
        readable = (field for field in self.fields.values() if not field.write_only)
        return any(read_needs_thread(field) for field in readable)

    # -- DRF methods kept in step with the async twins -------------------

    def to_internal_value(self, data: Any) -> Any:
        """Primitive input → ``ValidatedData``; refuses async ``validate_<name>`` methods."""
        state = State(data)
        run_sync(self._plan("own"), state)
        return state.result

    async def ato_internal_value(self, data: Any) -> Any:
        """Async ``to_internal_value``: fields validated in one pass, async methods awaited."""
        return await super().ato_internal_value(data)

    def to_representation(self, instance: Any) -> Any:
        """DRF's ``to_representation``, reading the readable fields once per serializer, not per row.

        A flat serializer of plain column fields uses its compiled plan (``_plan.py``).
        """
        plan = row_plan(self, instance)
        if plan is not None:
            return plan(instance)
        fields = self.fields
        cached = self.__dict__.get("_restflow_readable")
        if cached is None or cached[0] != len(fields):
            readable: list[tuple[Any, Any]] = [
                (field, field.field_name) for field in fields.values() if not field.write_only
            ]
            _refuse_async_method_fields(self, readable)
            cached = self.__dict__["_restflow_readable"] = (len(fields), readable)
        ret: dict[str, Any] = {}
        for field, name in cached[1]:
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret

    async def ato_representation(self, instance: Any) -> Any:
        """``to_representation`` on the async path: on the loop unless a field may block."""
        return await super().ato_representation(instance)

    @property
    def validated_data(self) -> Any:
        """The validated input as :class:`ValidatedData` (attribute access, ``to_json()``)."""
        data = super().validated_data
        if type(data) is dict:
            data = self._validated_data = ValidatedData(data)
        return data
