"""restflow.core: the sync/async fall-back helper and the async dispatch loop.

``AsyncAPIView`` is imported lazily so that ``import restflow.core`` (done by
Django while loading ``INSTALLED_APPS``) never imports DRF's views early.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from restflow.core.__about__ import __version__
from restflow.core.fallback import (
    HookMode,
    acall,
    acall_hook,
    afirst_hook,
    call,
    call_hook,
    hook_mode,
    is_async_callable,
    is_loop_safe,
    mark_loop_safe,
    reaches_async,
)

if TYPE_CHECKING:
    from restflow.core.dispatch import AsyncAPIView

__all__ = [
    "AsyncAPIView",
    "HookMode",
    "__version__",
    "acall",
    "acall_hook",
    "afirst_hook",
    "call",
    "call_hook",
    "hook_mode",
    "is_async_callable",
    "is_loop_safe",
    "mark_loop_safe",
    "reaches_async",
]


def __getattr__(name: str) -> Any:
    if name == "AsyncAPIView":
        from restflow.core.dispatch import AsyncAPIView

        return AsyncAPIView
    raise AttributeError(f"module 'restflow.core' has no attribute {name!r}")
