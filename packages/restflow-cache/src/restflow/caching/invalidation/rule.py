"""``InvalidationRule``: a model's ``post_save``/``post_delete`` drop or rewarm cached entries.

The work runs in ``transaction.on_commit`` (a rolled-back write invalidates nothing) through
the rule's dispatcher, as a :class:`~restflow.caching.dispatchers.Task` whose JSON kwargs name
the rule and the values to invalidate. Tasks of one transaction that share a dispatcher are
sent as one batch (``batch=True``, the default).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model, signals
from django.utils.module_loading import import_string

import restflow.caching.invalidation.batching as batching
from restflow.caching.dispatchers import Dispatcher, Task, get_dispatcher
from restflow.caching.invalidation.planning import plan
from restflow.caching.registry import get_wrapper
from restflow.caching.settings import CACHE_SETTINGS

if TYPE_CHECKING:
    from restflow.caching.wrapper import CachedWrapper

__all__ = ["InvalidationRule", "all_rules", "get_rule", "resolve_pending_rules"]

logger = logging.getLogger("restflow.caching.invalidation")

INVALIDATE_TASK = "restflow.caching.invalidation.tasks:invalidate"
INVALIDATOR_TASK = "restflow.caching.invalidation.tasks:run_invalidator"

_RULES: dict[str, InvalidationRule] = {}
_PENDING: list[InvalidationRule] = []
_JSON_TYPES = (str, int, float, bool, type(None))


def get_rule(rule_id: str) -> InvalidationRule:
    """The rule named ``rule_id`` (``"module:function#index"``), importing its module if needed."""
    rule = _RULES.get(rule_id)
    if rule is None:
        get_wrapper(rule_id.partition("#")[0])
        rule = _RULES.get(rule_id)
    if rule is None:
        raise ImproperlyConfigured(f"invalidation rule {rule_id!r} is unknown in this process.")
    return rule


def all_rules() -> list[InvalidationRule]:
    """Every attached rule."""
    return list(_RULES.values())


def resolve_pending_rules() -> None:
    """Bind rules declared with a model label now that apps are loaded (called by ``ready()``)."""
    while _PENDING:
        _PENDING.pop(0)._bind_model()


def _jsonable(value: Any) -> Any:
    if isinstance(value, _JSON_TYPES):
        return value
    if isinstance(value, Model):
        return _jsonable(value.pk)
    return str(value)


class InvalidationRule:
    """Drop (or, with ``rewarm=True``, recompute) cached entries when ``model`` rows change.

    Give exactly one of:

    - ``field_mapping={"arg": "model_field"}``: the wrapped function's arguments taken from
      the saved row. Covering every argument of the key deletes that one entry; covering a
      leading run of partition fields deletes the partition (``delete_by_prefix``).
    - ``invalidator``: a callable or dotted path, called (by the dispatcher) as
      ``invalidator(wrapper, instance, event)`` with ``event`` in ``"create"``, ``"update"``,
      ``"delete"``; ``instance`` is rebuilt from the row's values. Async ones are awaited.
    - ``invalidate_all=True``: every write drops every entry of the function
      (``invalidate_all()``), e.g. all pages of a cached list.

    On a ``cache_response`` handler, ``field_mapping`` names the response key's fields (an
    attribute, or the URL kwarg/query parameter a one-name field reads, e.g. ``{"pk": "id"}``
    for ``ViewKwargsKeyField("pk", partition=True)``); they must be leading partition fields,
    and the write drops that partition (every user, format and query of product 3).

    Options: ``watch_fields`` (fire on update only when one of them changed: the fields in
    ``save(update_fields=…)``, else compared with the values loaded), ``rewarm``,
    ``dispatcher``/``dispatcher_config`` (default ``CACHE_SETTINGS.DEFAULT_DISPATCHER``),
    ``on_commit`` (default ``True``), ``trigger_on_create``, ``trigger_on_delete``,
    ``invalidate_when={"field": v, "!field": v}``, ``require_args`` (skip when one is
    ``None``), ``batch`` and ``raise_exception`` (errors while building the work propagate
    into the write instead of being logged).
    """

    def __init__(
        self,
        model: type[Model] | str,
        field_mapping: Mapping[str, str] | None = None,
        invalidator: Callable[..., Any] | str | None = None,
        *,
        invalidate_all: bool = False,
        watch_fields: Iterable[str] | None = None,
        rewarm: bool = False,
        dispatcher: str | type[Dispatcher] | Dispatcher | None = None,
        dispatcher_config: Mapping[str, Any] | None = None,
        on_commit: bool = True,
        trigger_on_create: bool = True,
        trigger_on_delete: bool = True,
        invalidate_when: Mapping[str, Any] | None = None,
        require_args: Iterable[str] | None = None,
        batch: bool = True,
        raise_exception: bool = False,
    ) -> None:
        given = [field_mapping is not None, invalidator is not None, bool(invalidate_all)]
        if sum(given) != 1:
            raise ImproperlyConfigured(
                "InvalidationRule needs exactly one of field_mapping=, invalidator= or "
                "invalidate_all=True."
            )
        if field_mapping is not None and (
            not isinstance(field_mapping, Mapping) or not field_mapping
        ):
            raise ImproperlyConfigured(
                f"InvalidationRule.field_mapping must be a non-empty dict, got {field_mapping!r}."
            )
        if invalidator is not None and not (isinstance(invalidator, str) or callable(invalidator)):
            raise ImproperlyConfigured(
                f"InvalidationRule.invalidator must be a callable or a dotted path, got "
                f"{invalidator!r}."
            )
        if rewarm and field_mapping is None:
            raise ImproperlyConfigured("InvalidationRule: rewarm=True needs field_mapping=.")
        self.model_spec = model
        self.model: type[Model] | None = None
        self.field_mapping = dict(field_mapping or {})
        self.invalidator = invalidator
        self.invalidate_all = bool(invalidate_all)
        self.watch_fields = list(watch_fields or [])
        self.rewarm = bool(rewarm)
        self.dispatcher = dispatcher
        self.dispatcher_config = dict(dispatcher_config) if dispatcher_config else None
        self.on_commit = bool(on_commit)
        self.trigger_on_create = bool(trigger_on_create)
        self.trigger_on_delete = bool(trigger_on_delete)
        self.invalidate_when = dict(invalidate_when or {})
        self.require_args = list(require_args or [])
        self.batch = bool(batch)
        self.raise_exception = bool(raise_exception)
        self._dispatcher: Dispatcher | None = None
        if dispatcher is not None:
            self._dispatcher = get_dispatcher(dispatcher, self.dispatcher_config)
        self.id = ""
        self.kind = ""
        self._wrapper: CachedWrapper | None = None
        self._invalidator: Callable[..., Any] | None = None
        self._tracked: list[str] = []
        self._fields: dict[str, Any] = {}

    def __repr__(self) -> str:
        label = self.model_spec if isinstance(self.model_spec, str) else self.model_spec.__name__
        return f"<InvalidationRule {self.id or '(unattached)'} on {label}>"

    @property
    def wrapper(self) -> CachedWrapper:
        """The cached function this rule invalidates."""
        if self._wrapper is None:
            raise RuntimeError(f"{self!r} is not attached to a cached function.")
        return self._wrapper

    # --- declaration -----------------------------------------------------------------------
    def attach(self, wrapper: CachedWrapper) -> None:
        """Attach to ``wrapper`` (``cache_result`` does it); checks the mapping against it."""
        if self._wrapper is not None and self._wrapper is not wrapper:
            raise ImproperlyConfigured(f"{self!r} is already attached to {self._wrapper!r}.")
        self._wrapper = wrapper
        self.id = f"{wrapper.identifier}#{wrapper.rules.index(self)}"
        self.kind = plan(wrapper, self.field_mapping, self.require_args, rewarm=self.rewarm)
        if self.invalidate_all:
            self.kind = "all"
        previous = _RULES.get(self.id)
        if previous is not None and previous is not self:
            previous.detach()  # the function was decorated again (a reload, a test)
        _RULES[self.id] = self
        if isinstance(self.model_spec, str) and not apps.ready:
            _PENDING.append(self)
        else:
            self._bind_model()

    def _bind_model(self) -> None:
        spec = self.model_spec
        where = f"InvalidationRule of {self.wrapper.identifier}"
        if isinstance(spec, str):
            try:
                model = apps.get_model(spec)
            except (LookupError, ValueError) as exc:
                raise ImproperlyConfigured(f"{where}: unknown model {spec!r} ({exc}).") from exc
        elif isinstance(spec, type) and issubclass(spec, Model):
            model = spec
        else:
            raise ImproperlyConfigured(
                f"{where}: model must be a model class or label, got {spec!r}."
            )
        self.model = model
        names = [*self.field_mapping.values(), *self.watch_fields]
        names += [name.lstrip("!") for name in self.invalidate_when]
        for name in names:
            try:
                self._fields[name] = model._meta.pk if name == "pk" else model._meta.get_field(name)
            except FieldDoesNotExist:
                raise ImproperlyConfigured(
                    f"{where}: {model._meta.label} has no field {name!r} "
                    f"(fields: {', '.join(f.name for f in model._meta.concrete_fields)})."
                ) from None
        self._tracked = sorted({self._fields[n].attname for n in names})
        uid = f"restflow.caching:{self.id}"
        signals.post_save.connect(self._on_save, sender=model, weak=False, dispatch_uid=uid)
        signals.post_delete.connect(self._on_delete, sender=model, weak=False, dispatch_uid=uid)
        if self._tracked:
            signals.post_init.connect(self._on_init, sender=model, weak=False, dispatch_uid=uid)

    def detach(self) -> None:
        """Disconnect the rule from its model's signals and forget it."""
        uid = f"restflow.caching:{self.id}"
        for signal in (signals.post_save, signals.post_delete, signals.post_init):
            signal.disconnect(sender=self.model, dispatch_uid=uid)
        if _RULES.get(self.id) is self:
            del _RULES[self.id]

    # --- signals ---------------------------------------------------------------------------
    def _on_init(self, sender: type[Model], instance: Model, **kwargs: Any) -> None:
        loaded = instance.__dict__
        snapshot = {a: loaded[a] for a in self._tracked if a in loaded}
        instance.__dict__.setdefault("_restflow_cache_initial", {})[self.id] = snapshot

    def _initial(self, instance: Model) -> dict[str, Any]:
        return instance.__dict__.get("_restflow_cache_initial", {}).get(self.id, {})

    def _on_save(
        self,
        sender: type[Model],
        instance: Model,
        created: bool = False,
        update_fields: Iterable[str] | None = None,
        raw: bool = False,
        **kwargs: Any,
    ) -> None:
        if raw or (created and not self.trigger_on_create):
            return
        before = {} if created else self._initial(instance)
        try:
            if (
                not created
                and self.watch_fields
                and not self._watched_changed(instance, before, update_fields)
            ):
                return
            self._fire(instance, before, "create" if created else "update")
        finally:
            if self._tracked:
                self._on_init(sender, instance)

    def _on_delete(self, sender: type[Model], instance: Model, **kwargs: Any) -> None:
        if self.trigger_on_delete:
            self._fire(instance, self._initial(instance), "delete")

    def _watched_changed(
        self, instance: Model, before: Mapping[str, Any], update_fields: Iterable[str] | None
    ) -> bool:
        watched = {self._fields[n].attname for n in self.watch_fields}
        if update_fields is not None:
            named = {getattr(self._model_field(n), "attname", n) for n in update_fields}
            return bool(watched & named)
        if not watched <= set(before):
            return True  # unknown previous values: assume changed
        return any(getattr(instance, a) != before[a] for a in watched)

    def _model_field(self, name: str) -> Any:
        assert self.model is not None
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def _when(self, instance: Model) -> bool:
        for name, expected in self.invalidate_when.items():
            value = getattr(instance, self._fields[name.lstrip("!")].attname)
            if name.startswith("!"):
                if value == expected:
                    return False
            elif value != expected:
                return False
        return True

    def _fire(self, instance: Model, before: Mapping[str, Any], event: str) -> None:
        try:
            if not self._when(instance):
                return
            task = self.build_task(instance, before, event)
        except Exception:
            if self.raise_exception:
                raise
            logger.exception("%r could not build its invalidation for %r", self, instance)
            return
        if task is None:
            return
        self.dispatch(task, instance._state.db or "default")

    # --- the work --------------------------------------------------------------------------
    def build_task(self, instance: Model, before: Mapping[str, Any], event: str) -> Task | None:
        """The task for one write (``None`` when there is nothing to do)."""
        if self.invalidator is not None:
            return Task(
                INVALIDATOR_TASK,
                {"rule": self.id, "instances": [_snapshot(instance)], "events": [event]},
                f"{self.id} invalidator ({event} {instance._meta.label} {instance.pk})",
            )
        calls = []
        seen: set[str] = set()
        current = {a: getattr(instance, a) for a in self._tracked}
        for source in (current, before):
            values = {}
            for arg, name in self.field_mapping.items():
                attname = self._fields[name].attname
                if attname not in source:
                    break
                values[arg] = _jsonable(source[attname])
            else:
                if any(values.get(a) is None for a in self.require_args):
                    continue
                text = json.dumps(values, sort_keys=True)
                if text not in seen:
                    seen.add(text)
                    calls.append({"kind": self.kind, "values": values})
        if not calls:
            return None
        return Task(
            INVALIDATE_TASK,
            {"rule": self.id, "calls": calls},
            f"{self.id} ({event} {instance._meta.label} {instance.pk})",
        )

    def get_dispatcher(self) -> Dispatcher:
        """The rule's dispatcher (the settings' default when none was given)."""
        if self._dispatcher is None:
            self._dispatcher = batching.default_dispatcher(
                CACHE_SETTINGS.DEFAULT_DISPATCHER, CACHE_SETTINGS.DEFAULT_DISPATCHER_CONFIG
            )
        return self._dispatcher

    def dispatch(self, task: Task, using: str) -> None:
        """Send ``task`` now or on commit of ``using``'s transaction."""
        dispatcher = self.get_dispatcher()
        if not self.on_commit:
            dispatcher.dispatch([task])
        else:
            batching.on_commit(dispatcher, task, using, batch=self.batch)

    def decode_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Turn JSON values back into the model fields' Python types (for rewarm calls)."""
        if not self.rewarm:
            return dict(values)
        out = {}
        for arg, value in values.items():
            field = self._fields[self.field_mapping[arg]]
            target = getattr(field, "target_field", field)
            out[arg] = value if value is None else target.to_python(value)
        return out

    def resolved_invalidator(self) -> Callable[..., Any]:
        """The invalidator callable (a dotted path is imported once)."""
        if self._invalidator is None:
            found = self.invalidator
            if isinstance(found, str):
                found = import_string(found.replace(":", "."))
            if not callable(found):
                raise ImproperlyConfigured(f"{self!r}: invalidator {found!r} is not callable.")
            self._invalidator = found
        return self._invalidator

    def rebuild(self, data: Mapping[str, Any]) -> Model:
        """An unsaved instance of the rule's model from :func:`_snapshot` data."""
        assert self.model is not None
        values = {}
        for field in self.model._meta.concrete_fields:
            if field.attname in data:
                raw = data[field.attname]
                values[field.attname] = None if raw is None else field.to_python(raw)
        return self.model(**values)

    def problems(self) -> list[str]:
        """What is wrong with the rule (for the system check); empty when fine."""
        found = []
        if self.invalidator is not None:
            try:
                self.resolved_invalidator()
            except (ImportError, ImproperlyConfigured) as exc:
                found.append(
                    f"{self!r}: invalidator {self.invalidator!r} cannot be imported: {exc}"
                )
        return found


def _snapshot(instance: Model) -> dict[str, Any]:
    loaded = instance.__dict__
    return {
        f.attname: None if loaded[f.attname] is None else f.value_to_string(instance)
        for f in instance._meta.concrete_fields
        if f.attname in loaded
    }
