"""restflow.core: the sync/async fall-back helper and the async dispatch loop.

Every public name is importable from here. The fall-back helper is imported
at once; the rest is imported on first use, so that ``import restflow.core``
(done by Django while loading ``INSTALLED_APPS``) never imports DRF's views
early. ``AsyncAPIView`` is a deprecated alias of :class:`BaseAsyncAPIView`:
applications import ``AsyncAPIView`` from ``restflow.views``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from restflow.core.__about__ import __version__
from restflow.core.fallback import (
    HookMode,
    acall,
    acall_hook,
    achain_hooks,
    afirst_hook,
    async_twin,
    call,
    call_hook,
    hook_mode,
    hook_name,
    is_async_callable,
    is_loop_safe,
    mark_loop_safe,
    reaches_async,
    register_async_twin,
)

if TYPE_CHECKING:
    from restflow.core.cycles import release_on_close
    from restflow.core.dispatch import AsyncAPIView, BaseAsyncAPIView
    from restflow.core.hop import queue_sync, run_sync
    from restflow.core.testing import count_hops

__all__ = [
    "AsyncAPIView",
    "BaseAsyncAPIView",
    "HookMode",
    "__version__",
    "acall",
    "acall_hook",
    "achain_hooks",
    "afirst_hook",
    "async_twin",
    "call",
    "call_hook",
    "count_hops",
    "hook_mode",
    "hook_name",
    "is_async_callable",
    "is_loop_safe",
    "mark_loop_safe",
    "queue_sync",
    "reaches_async",
    "register_async_twin",
    "release_on_close",
    "run_sync",
]

_LAZY = {
    "AsyncAPIView": "restflow.core.dispatch",
    "BaseAsyncAPIView": "restflow.core.dispatch",
    "count_hops": "restflow.core.testing",
    "queue_sync": "restflow.core.hop",
    "release_on_close": "restflow.core.cycles",
    "run_sync": "restflow.core.hop",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'restflow.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
