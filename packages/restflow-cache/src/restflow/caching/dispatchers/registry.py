"""The dispatcher registry: names to ``Dispatcher`` classes, and ``get_dispatcher``."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from restflow.caching.dispatchers.base import Dispatcher
from restflow.caching.settings import CACHE_SETTINGS, RESERVED_DISPATCHER_KEYS

__all__ = [
    "DEFAULT_DISPATCHER",
    "build_dispatcher",
    "built_dispatchers",
    "get_dispatcher",
    "known_dispatchers",
    "register_dispatcher",
    "settings_defaults",
]

DEFAULT_DISPATCHER = "inline"

# Built-ins by dotted path: a broker module is imported only when it is named.
_BUILTINS: dict[str, str] = {
    "inline": "restflow.caching.dispatchers.inline.InlineDispatcher",
    "threadpool": "restflow.caching.dispatchers.threadpool.ThreadPoolDispatcher",
    "asyncio": "restflow.caching.dispatchers.asyncio.AsyncioDispatcher",
    "celery": "restflow.caching.dispatchers.celery.CeleryDispatcher",
    "rq": "restflow.caching.dispatchers.rq.RQDispatcher",
    "django_rq": "restflow.caching.dispatchers.django_rq.DjangoRQDispatcher",
    "django_q": "restflow.caching.dispatchers.django_q.DjangoQDispatcher",
    "dramatiq": "restflow.caching.dispatchers.dramatiq.DramatiqDispatcher",
}
_REGISTRY: dict[str, type[Dispatcher] | str] = dict(_BUILTINS)
_LOCK = threading.Lock()

# every dispatcher built by get_dispatcher, for the start-up system check
_BUILT: weakref.WeakSet[Dispatcher] = weakref.WeakSet()


def register_dispatcher(name: str, cls: type[Dispatcher]) -> None:
    """Make ``cls`` available as ``dispatcher=name``; re-registering a name replaces it.

    Raises ``TypeError`` if ``cls`` is not a ``Dispatcher`` subclass.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"register_dispatcher: the name must be a non-empty str, got {name!r}.")
    if not (isinstance(cls, type) and issubclass(cls, Dispatcher)):
        raise TypeError(f"register_dispatcher({name!r}, …): {cls!r} is not a Dispatcher subclass.")
    with _LOCK:
        _REGISTRY[name] = cls


def known_dispatchers() -> list[str]:
    """The registered names, sorted."""
    return sorted(_REGISTRY)


def _class_for(name: str) -> type[Dispatcher]:
    entry = _REGISTRY.get(name)
    if entry is None:
        if "." in name or ":" in name:  # a dotted path to a Dispatcher subclass
            return _import_class(name)
        raise ImproperlyConfigured(
            f"Unknown dispatcher {name!r}. Known dispatchers: {', '.join(known_dispatchers())}; "
            "register your own with register_dispatcher(name, cls) or give its dotted path."
        )
    if isinstance(entry, str):
        cls: type[Dispatcher] = import_string(entry)
        with _LOCK:
            _REGISTRY[name] = cls
        return cls
    return entry


def _import_class(path: str) -> type[Dispatcher]:
    try:
        cls = import_string(path.replace(":", "."))
    except ImportError as exc:
        raise ImproperlyConfigured(f"Cannot import the dispatcher {path!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Dispatcher)):
        raise ImproperlyConfigured(f"The dispatcher {path!r} is not a Dispatcher subclass.")
    return cls


def get_dispatcher(
    spec: str | type[Dispatcher] | Dispatcher | None = None,
    config: Mapping[str, Any] | None = None,
) -> Dispatcher:
    """Resolve ``spec`` (a registered name, a dotted path, a class or an instance) to a dispatcher.

    ``None`` means ``"inline"``. ``config`` is passed to the class; an unknown
    name, a missing broker extra (with the pip command) or an invalid config
    raise ``ImproperlyConfigured``. An instance is returned as is (giving it
    a config too is an error). The dispatcher is checked at ``manage.py check``.
    """
    dispatcher = build_dispatcher(spec, config)
    _BUILT.add(dispatcher)
    return dispatcher


def build_dispatcher(
    spec: str | type[Dispatcher] | Dispatcher | None = None,
    config: Mapping[str, Any] | None = None,
) -> Dispatcher:
    """:func:`get_dispatcher` without remembering the dispatcher for the system check."""
    if isinstance(spec, Dispatcher):
        if config:
            raise ImproperlyConfigured(
                f"get_dispatcher: {spec!r} is already built; pass the config to its class instead."
            )
        return spec
    if spec is None:
        spec = DEFAULT_DISPATCHER
    if isinstance(spec, str):
        cls = _class_for(spec)
    elif isinstance(spec, type) and issubclass(spec, Dispatcher):
        cls = spec
    else:
        raise ImproperlyConfigured(
            f"A dispatcher is a name, a dotted path, a Dispatcher subclass or instance; got {spec!r}."
        )
    if config is not None and not isinstance(config, Mapping):
        raise ImproperlyConfigured(
            f"dispatcher_config for {cls.__name__} must be a dict, got {config!r}."
        )
    return cls(**{**settings_defaults(cls.name), **dict(config or {})})


def settings_defaults(name: str) -> dict[str, Any]:
    """``RESTFLOW_SETTINGS["CACHE"]["DISPATCHER_SETTINGS"][name]`` as config (keys lower-cased).

    ``RAISE_EXCEPTION`` and the reference library's worker entry points are settings of
    their own, not config: they are left out.
    """
    if not name:
        return {}
    block = CACHE_SETTINGS.DISPATCHER_SETTINGS.get(name) or {}
    return {
        str(key).lower(): value
        for key, value in block.items()
        if str(key).upper() not in RESERVED_DISPATCHER_KEYS
    }


def built_dispatchers() -> list[Dispatcher]:
    """The dispatchers :func:`get_dispatcher` returned that are still alive."""
    return list(_BUILT)
