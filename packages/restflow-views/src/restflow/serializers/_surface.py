"""The async surface shared by restflow's ``Serializer`` and ``ListSerializer``.

Everything here that does no I/O is shared by the sync and async twins:
the checks before validation and saving, storing the outcome, and the
representation. The twins differ only where they await.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Literal

from asgiref.sync import sync_to_async
from django.core.exceptions import SynchronousOnlyOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.serializers import as_serializer_error

from restflow.core import HookMode, acall_hook, hook_mode
from restflow.serializers._classify import validators_are_safe
from restflow.serializers._methods import hook_step_mode, refuse_on_sync_path
from restflow.serializers._parent import ParentLink
from restflow.serializers._plan import NO_PLAN
from restflow.serializers._steps import Mode, Plan, Step, run_async, run_sync


class State:
    """What a validation plan reads and writes while it runs."""

    __slots__ = ("data", "errors", "result", "values")

    def __init__(self, data: Any) -> None:
        self.data = data
        self.values: dict[str, Any] = {}
        self.errors: dict[str, Any] = {}
        self.result: Any = None


def _thread(func: Any, /, *args: Any) -> Any:
    return sync_to_async(func, thread_sensitive=True)(*args)


class AsyncSurface:
    """``ais_valid``, ``arun_validation``, ``asave`` and ``adata`` for a DRF serializer class.

    Subclasses provide ``_own_head_steps(is_async)`` (turning input into
    ``state.result``), the empty values and the DRF defaults they compare
    against; the validators and ``validate`` steps are common.
    """

    # A ListSerializer's child holds its list weakly: no cycle per list response.
    parent = ParentLink()

    # Provided by the DRF serializer classes this is mixed into.
    initial_data: Any
    instance: Any
    _validated_data: Any
    _errors: Any
    _data: Any

    # -- plans -----------------------------------------------------------

    def _own_head_steps(self, is_async: bool) -> list[Step]:
        """Steps turning ``state.data`` into ``state.result`` (restflow's ``to_internal_value``)."""
        raise NotImplementedError

    def _head_steps(self, is_async: bool) -> list[Step]:
        """restflow's own head steps, or one step calling the user's ``to_internal_value``."""
        cls = type(self)
        if is_async:
            mode = hook_mode(cls, "to_internal_value")
            if mode is HookMode.NATIVE and _is_own(cls, "ato_internal_value"):
                return self._own_head_steps(True)
            if mode in (HookMode.NATIVE, HookMode.AWAIT):
                return [Step(Mode.ASYNC, self._aconvert_step)]
            step_mode = Mode.LOOP if mode is HookMode.LOOP else Mode.THREAD
            return [Step(step_mode, self._convert_step)]
        refuse_on_sync_path(self, "to_internal_value", "ais_valid()")
        if _is_own(cls, "to_internal_value"):
            return self._own_head_steps(False)
        return [Step(Mode.LOOP, self._convert_step)]

    def _convert_step(self, state: State) -> None:
        state.result = self.to_internal_value(state.data)  # type: ignore[attr-defined]

    async def _aconvert_step(self, state: State) -> None:
        state.result = await acall_hook(self, "to_internal_value", state.data)

    def _empty_validated(self) -> Any:
        raise NotImplementedError

    def _tail_steps(self, is_async: bool) -> list[Step]:
        cls: Any = type(self)
        steps: list[Step] = []
        validators = self.validators  # type: ignore[attr-defined]
        default_run_validators = self._default_run_validators()
        if is_async:
            mode = hook_step_mode(cls, "run_validators", default_run_validators)
            if mode is None and validators:
                mode = (
                    Mode.LOOP if validators_are_safe(validators, cls.__qualname__) else Mode.THREAD
                )
            if mode is Mode.ASYNC:
                steps.append(Step(Mode.ASYNC, self._arun_validators_step))
            elif mode is not None:
                steps.append(Step(mode, self._run_validators_step))
            mode = hook_step_mode(cls, "validate", self._default_validate())
            if mode is Mode.ASYNC:
                steps.append(Step(Mode.ASYNC, self._avalidate_step))
            elif mode is not None:
                steps.append(Step(mode, self._validate_step))
        else:
            refuse_on_sync_path(self, "run_validators", "ais_valid()")
            refuse_on_sync_path(self, "validate", "ais_valid()")
            if validators or cls.run_validators is not default_run_validators:
                steps.append(Step(Mode.LOOP, self._run_validators_step))
            if cls.validate is not self._default_validate():
                steps.append(Step(Mode.LOOP, self._validate_step))
        return steps

    def _default_run_validators(self) -> object:
        raise NotImplementedError

    def _default_validate(self) -> object:
        raise NotImplementedError

    def _plan(self, kind: str) -> Plan:
        """The cached plan ``kind``: ``own``/``head``/``full``; an ``a`` prefix for the async one."""
        plans: dict[str, Plan] | None = self.__dict__.get("_restflow_plans")
        if plans is None:
            plans = self.__dict__["_restflow_plans"] = {}
        plan = plans.get(kind)
        if plan is None:
            is_async = kind.startswith("a")
            if kind.endswith("own"):
                steps = self._own_head_steps(is_async)
            else:
                steps = self._head_steps(is_async)
            if kind.endswith("full"):
                steps = steps + self._tail_steps(is_async)
            plan = plans[kind] = Plan(steps)
        return plan

    def _validation_mode(self) -> Mode:
        """How validating this serializer as a nested field runs on the async path."""
        mode = hook_mode(self, "run_validation")
        if mode is HookMode.NATIVE and _is_own(type(self), "arun_validation"):
            return self._plan("afull").mode
        if mode in (HookMode.NATIVE, HookMode.AWAIT):
            return Mode.ASYNC
        return Mode.LOOP if mode is HookMode.LOOP else Mode.THREAD

    # -- tail steps ------------------------------------------------------

    def _run_validators_step(self, state: State) -> None:
        with _as_serializer_error():
            self.run_validators(state.result)  # type: ignore[attr-defined]

    async def _arun_validators_step(self, state: State) -> None:
        with _as_serializer_error():
            await acall_hook(self, "run_validators", state.result)

    def _validate_step(self, state: State) -> None:
        with _as_serializer_error():
            state.result = self.validate(state.result)  # type: ignore[attr-defined]
        assert state.result is not None, ".validate() should return the validated data"

    async def _avalidate_step(self, state: State) -> None:
        with _as_serializer_error():
            state.result = await acall_hook(self, "validate", state.result)
        assert state.result is not None, ".validate() should return the validated data"

    # -- validation ------------------------------------------------------

    def run_validation(self, data: Any = empty) -> Any:
        """DRF's ``run_validation``, refusing async user methods (use :meth:`arun_validation`)."""
        is_empty_value, data = self.validate_empty_values(data)  # type: ignore[attr-defined]
        if is_empty_value:
            return data
        state = State(data)
        run_sync(self._plan("full"), state)
        return state.result

    async def arun_validation(self, data: Any = empty) -> Any:
        """Validate ``data`` (a nested field's input, or the whole input) on the async path."""
        is_empty_value, data = self.validate_empty_values(data)  # type: ignore[attr-defined]
        if is_empty_value:
            return data
        state = State(data)
        await run_async(self._plan("afull"), state)
        return state.result

    async def ato_internal_value(self, data: Any) -> Any:
        """Turn primitive input into native values without the serializer-level validation."""
        state = State(data)
        await run_async(self._plan("aown"), state)
        return state.result

    def _check_can_validate(self) -> None:
        assert hasattr(self, "initial_data"), (
            f"{type(self).__name__}: is_valid()/ais_valid() need the 'data=' argument "
            "when the serializer is built."
        )

    def _store_outcome(self, result: Any, error: ValidationError | None) -> None:
        if error is None:
            self._validated_data = result
            self._errors = self._empty_errors()
        else:
            self._validated_data = self._empty_validated()
            self._errors = error.detail

    def _empty_errors(self) -> Any:
        return {}

    def _validity(self, raise_exception: bool) -> bool:
        if self._errors and raise_exception:
            raise ValidationError(self.errors)  # type: ignore[attr-defined]
        return not bool(self._errors)

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        """Validate ``initial_data``; refuses async user methods (use :meth:`ais_valid`)."""
        self._check_can_validate()
        if not hasattr(self, "_validated_data"):
            refuse_on_sync_path(self, "run_validation", "ais_valid()")
            try:
                result = self.run_validation(self.initial_data)
            except ValidationError as exc:
                self._store_outcome(None, exc)
            else:
                self._store_outcome(result, None)
        return self._validity(raise_exception)

    async def ais_valid(self, *, raise_exception: bool = False) -> bool:
        """Async ``is_valid``: async ``validate_<name>``/``validate`` awaited, sync I/O in one hop."""
        self._check_can_validate()
        if not hasattr(self, "_validated_data"):
            try:
                result = await acall_hook(self, "run_validation", self.initial_data)
            except ValidationError as exc:
                self._store_outcome(None, exc)
            else:
                self._store_outcome(result, None)
        return self._validity(raise_exception)

    # -- saving ----------------------------------------------------------

    def _saved_data(self, kwargs: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _check_can_save(self, kwargs: dict[str, Any]) -> None:
        name = type(self).__name__
        assert hasattr(self, "_errors"), f"{name}: call is_valid()/ais_valid() before saving."
        assert not self._errors, f"{name}: cannot save invalid data."
        assert "commit" not in kwargs, (
            f"{name}: save()/asave() take no 'commit' argument; read 'validated_data' to see "
            "the data before saving, and pass extra attributes as keywords: save(owner=user)."
        )
        assert not hasattr(self, "_data"), (
            f"{name}: cannot save after reading '.data'; read 'validated_data' instead."
        )

    def _set_saved(self, instance: Any, method: str) -> Any:
        assert instance is not None, f"{type(self).__name__}.{method}() returned None."
        self.instance = instance
        return instance

    def save(self, **kwargs: Any) -> Any:
        """Create or update ``instance``; refuses async ``create``/``update`` (use :meth:`asave`)."""
        self._check_can_save(kwargs)
        validated = self._saved_data(kwargs)
        if self.instance is not None:
            refuse_on_sync_path(self, "update", "asave()")
            return self._set_saved(self.update(self.instance, validated), "update")  # type: ignore[attr-defined]
        refuse_on_sync_path(self, "create", "asave()")
        return self._set_saved(self.create(validated), "create")  # type: ignore[attr-defined]

    async def asave(self, **kwargs: Any) -> Any:
        """Create or update ``instance`` through the user's own ``create``/``update`` (sync or async)."""
        self._check_can_save(kwargs)
        validated = self._saved_data(kwargs)
        if self.instance is not None:
            instance = await acall_hook(self, "update", self.instance, validated)
            return self._set_saved(instance, "update")
        return self._set_saved(await acall_hook(self, "create", validated), "create")

    async def acreate(self, validated_data: Any) -> Any:
        """Create an instance from ``validated_data``; override it, or a sync ``create``."""
        raise NotImplementedError(
            f"{type(self).__name__}: implement create() or acreate() to save new objects."
        )

    async def aupdate(self, instance: Any, validated_data: Any) -> Any:
        """Update ``instance`` from ``validated_data``; override it, or a sync ``update``."""
        raise NotImplementedError(
            f"{type(self).__name__}: implement update() or aupdate() to save changes."
        )

    # -- representation --------------------------------------------------

    def _fast_representation(self, instance: Any) -> Any:
        """The representation from a compiled plan, or ``NO_PLAN`` (see ``_plan.py``)."""
        return NO_PLAN

    def _representation_needs_thread(self) -> bool:
        raise NotImplementedError

    async def _aprepare(self, instance: Any) -> Any:
        """Load with the async ORM what ``to_representation`` would otherwise query (lists)."""
        return instance

    async def ato_representation(self, instance: Any) -> Any:
        """``to_representation`` on the async path.

        Runs on the event loop when every field is plain data; a field that
        runs code we cannot vouch for (a ``SerializerMethodField`` not marked
        loop-safe, a custom field) sends the whole object to one thread hop,
        as does a query Django refuses to run on the loop (an unprefetched
        relation, a deferred attribute).
        """
        mode = hook_mode(self, "to_representation")
        if mode is HookMode.NATIVE and _is_own(type(self), "ato_representation"):
            instance = await self._aprepare(instance)
            try:
                represented = self._fast_representation(instance)
            except SynchronousOnlyOperation:  # a deferred column: load it in the thread below
                represented = NO_PLAN
            if represented is not NO_PLAN:
                return represented
            if self._representation_needs_thread():
                return await _thread(self.to_representation, instance)  # type: ignore[attr-defined]
            try:
                return self.to_representation(instance)  # type: ignore[attr-defined]
            except SynchronousOnlyOperation:
                return await _thread(self.to_representation, instance)  # type: ignore[attr-defined]
        return await acall_hook(self, "to_representation", instance)

    def _check_data_ready(self) -> None:
        if hasattr(self, "initial_data") and not hasattr(self, "_validated_data"):
            raise AssertionError(
                f"{type(self).__name__}: call is_valid()/ais_valid() before reading '.data' "
                "of a serializer built with 'data='; or read '.initial_data'."
            )

    @property
    def data(self) -> Any:
        """DRF's ``data``; refuses an ``async def to_representation`` (use :attr:`adata`)."""
        if not hasattr(self, "_data"):
            refuse_on_sync_path(self, "to_representation", "await serializer.adata")
        return super().data  # type: ignore[misc]

    @property
    def adata(self) -> Coroutine[Any, Any, Any]:
        """``await serializer.adata``: ``data`` computed on the async path, then cached."""
        return self._adata()

    async def _adata(self) -> Any:
        self._check_data_ready()
        if not hasattr(self, "_data"):
            errors = getattr(self, "_errors", None)
            if self.instance is not None and not errors:
                self._data = await self.ato_representation(self.instance)
            elif hasattr(self, "_validated_data") and not errors:
                self._data = await self.ato_representation(self._validated_data)
            else:
                self._data = self.get_initial()  # type: ignore[attr-defined]
        return self.data


_OWN_CACHE: dict[tuple[type, str], bool] = {}


def _is_own(cls: type, name: str) -> bool:
    """Whether ``cls.name`` is still restflow's implementation (not a user override)."""
    key = (cls, name)
    own = _OWN_CACHE.get(key)
    if own is None:
        own = False
        for klass in cls.__mro__:
            if name in vars(klass):
                own = klass.__module__.startswith("restflow.serializers")
                break
        _OWN_CACHE[key] = own
    return own


class _as_serializer_error:
    """Re-raise validator errors the way DRF's ``run_validation`` does (non-field errors key)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Literal[False]:
        if exc is not None and isinstance(exc, (ValidationError, DjangoValidationError)):
            raise ValidationError(detail=as_serializer_error(exc)) from None
        return False
