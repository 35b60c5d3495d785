"""``ListSerializer``: what ``many=True`` builds, with the same async surface as ``Serializer``."""

from __future__ import annotations

from typing import Any, cast

from asgiref.sync import sync_to_async
from django.db.models import QuerySet
from django.db.models.manager import BaseManager
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings
from rest_framework.utils import html

from restflow.core import HookMode, acall_hook, hook_mode
from restflow.pagination._aio import alist
from restflow.serializers._classify import read_needs_thread, write_mode
from restflow.serializers._methods import refuse_on_sync_path
from restflow.serializers._plan import NO_PLAN, represent_rows
from restflow.serializers._steps import Mode, Step
from restflow.serializers._surface import AsyncSurface, State

__all__ = ["ListSerializer"]


def _list_error(serializer: Any, key: str, code: str, **format_kwargs: Any) -> ValidationError:
    message = serializer.error_messages[key].format(**format_kwargs)
    return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code=code)


class ListSerializer(AsyncSurface, serializers.ListSerializer):
    """DRF's ``ListSerializer`` with ``ais_valid``, ``asave`` and ``await serializer.adata``.

    Items are validated in one pass: on the event loop when the child needs
    no I/O, in a single thread hop for the whole list when it does, and
    awaited item by item only when the child has async hooks.
    """

    # -- I/O-free pieces shared by both paths ----------------------------

    def _check_items(self, data: Any) -> list[Any]:
        """The input as a list, or the list-level ``ValidationError`` DRF would raise."""
        if html.is_html_input(data):
            data = html.parse_html_list(data, default=[])
        if not isinstance(data, list):
            raise _list_error(self, "not_a_list", "not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and not data:
            raise _list_error(self, "empty", "empty")
        max_length = getattr(self, "max_length", None)
        min_length = getattr(self, "min_length", None)
        if max_length is not None and len(data) > max_length:
            raise _list_error(self, "max_length", "max_length", max_length=max_length)
        if min_length is not None and len(data) < min_length:
            raise _list_error(self, "min_length", "min_length", min_length=min_length)
        return data

    @staticmethod
    def _finish_items(values: list[Any], errors: dict[int, Any], count: int) -> list[Any]:
        if errors:
            if api_settings.LIST_SERIALIZER_ERRORS_AS_DICT:
                raise ValidationError(cast(Any, errors))
            raise ValidationError([errors.get(index, {}) for index in range(count)])
        return values

    def to_internal_value(self, data: Any) -> Any:
        """Validate every item with ``run_child_validation``; errors keyed by index."""
        items = self._check_items(data)
        values: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(items):
            try:
                values.append(self.run_child_validation(item))
            except ValidationError as exc:
                errors[index] = exc.detail
        return self._finish_items(values, errors, len(items))

    async def ato_internal_value(self, data: Any) -> Any:
        """Async ``to_internal_value``: one pass, as few thread hops as the child allows."""
        return await super().ato_internal_value(data)

    async def arun_child_validation(self, data: Any) -> Any:
        """Validate one item on the async path (the child's ``arun_validation`` when it has one)."""
        return await acall_hook(self.child, "run_validation", data)

    # -- plans -----------------------------------------------------------

    def _own_head_steps(self, is_async: bool) -> list[Step]:
        if not is_async:
            return [Step(Mode.LOOP, self._items_step)]
        child_mode = hook_mode(self, "run_child_validation")
        if child_mode is HookMode.NATIVE:  # restflow's own: the child decides
            mode = write_mode(self.child, type(self).__qualname__)
        elif child_mode is HookMode.AWAIT:
            mode = Mode.ASYNC
        else:  # a sync override of run_child_validation
            mode = Mode.LOOP if child_mode is HookMode.LOOP else Mode.THREAD
        if mode is Mode.ASYNC:
            return [Step(Mode.ASYNC, self._aitems_step)]
        return [Step(mode, self._items_step)]

    def _items_step(self, state: State) -> None:
        state.result = ListSerializer.to_internal_value(self, state.data)

    async def _aitems_step(self, state: State) -> None:
        items = self._check_items(state.data)
        values: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(items):
            try:
                values.append(await acall_hook(self, "run_child_validation", item))
            except ValidationError as exc:
                errors[index] = exc.detail
        state.result = self._finish_items(values, errors, len(items))

    def _default_run_validators(self) -> object:
        return serializers.ListSerializer.run_validators

    def _default_validate(self) -> object:
        return serializers.ListSerializer.validate

    def _empty_validated(self) -> Any:
        return []

    def _empty_errors(self) -> Any:
        return []

    def _saved_data(self, kwargs: dict[str, Any]) -> Any:
        return [{**attrs, **kwargs} for attrs in self.validated_data]

    # -- saving ----------------------------------------------------------

    def create(self, validated_data: Any) -> Any:
        """Create every item with the child's ``create``; refuses an async one (use ``asave``)."""
        refuse_on_sync_path(self.child, "create", "asave()")
        return self._create_all(validated_data)

    async def acreate(self, validated_data: Any) -> Any:
        """Create every item with the child's ``create``; one thread hop for all sync creates."""
        mode = hook_mode(self.child, "create")
        if mode is HookMode.THREAD:
            return await sync_to_async(self._create_all, thread_sensitive=True)(validated_data)
        return [await acall_hook(self.child, "create", attrs) for attrs in validated_data]

    def _create_all(self, validated_data: Any) -> list[Any]:
        child: Any = self.child
        return [child.create(attrs) for attrs in validated_data]

    async def aupdate(self, instance: Any, validated_data: Any) -> Any:
        """Not supported by default, as in DRF: override ``update`` or ``aupdate``."""
        raise NotImplementedError(
            f"{type(self).__name__}: serializers with many=True do not support multiple update "
            "by default, only multiple create. Subclass ListSerializer and define update() or "
            "aupdate() to say how insertions and deletions are handled."
        )

    # -- representation --------------------------------------------------

    async def _aprepare(self, data: Any) -> Any:
        """Evaluate a manager or an unevaluated queryset with the async ORM."""
        if isinstance(data, BaseManager):
            data = data.all()
        if isinstance(data, QuerySet):
            return await alist(data)
        return data if isinstance(data, (list, tuple)) else list(data)

    def to_representation(self, data: Any) -> Any:
        """DRF's list representation; rows of a flat child serializer go through its plan."""
        rows = data.all() if isinstance(data, BaseManager) else data
        if not isinstance(rows, (list, tuple)):
            rows = list(rows)  # evaluated once, read twice when a row has no plan
        represented = represent_rows(self.child, rows)
        if represented is not NO_PLAN:
            return represented
        return serializers.ListSerializer.to_representation(self, rows)

    async def ato_representation(self, data: Any) -> Any:
        """Async list representation: on the loop unless the child may block.

        Declared beside ``to_representation`` on purpose: the more derived of a
        hook and its ``a``-twin is the one the async path runs.
        """
        return await super().ato_representation(data)

    def _fast_representation(self, rows: Any) -> Any:
        if not isinstance(rows, (list, tuple)):
            return NO_PLAN  # read only once: DRF's path takes it
        return represent_rows(self.child, rows)

    def _representation_needs_thread(self) -> bool:
        return read_needs_thread(self.child)
