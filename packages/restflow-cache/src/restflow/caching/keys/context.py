"""What a key field reads from: one call's arguments, and the request when there is one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["KeyContext"]


class KeyContext:
    """One call as key fields see it.

    ``args``/``kwargs`` are the cached function's arguments (for ``cache_response``:
    ``(request, *args)`` and the view's URL kwargs). ``request`` is the DRF/Django request
    when there is one, ``view`` the view instance for ``cache_response``.
    """

    __slots__ = ("args", "kwargs", "request", "view")

    def __init__(
        self,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        request: Any = None,
        view: Any = None,
    ) -> None:
        self.args = args
        self.kwargs = kwargs
        self.request = request
        self.view = view
