"""``BaseThrottle``: the throttle interface and DRF's client identity (``get_ident``)."""

from __future__ import annotations

from typing import Any

from rest_framework.settings import api_settings

from restflow.core import acall, async_twin, mark_loop_safe

__all__ = ["BaseThrottle"]


class BaseThrottle:
    """A throttle: ``allow_request(request, view)`` (and optionally ``aallow_request``), ``wait()``.

    Shaped like DRF's ``BaseThrottle``, so it fits ``throttle_classes`` of
    DRF's ``APIView`` and of restflow's async views alike. A subclass that
    implements only ``allow_request`` answers ``aallow_request`` too; one that
    overrides ``allow_request`` of a shipped throttle gets its override on the
    async path.
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        """Whether ``request`` may proceed; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__qualname__}.allow_request() must be overridden")

    @async_twin
    async def aallow_request(self, request: Any, view: Any) -> bool:
        """Async surface of ``allow_request``: a sync-only throttle answers it in one thread
        hop (none when ``allow_request`` is marked ``restflow.core.mark_loop_safe``)."""
        return bool(await acall(self.allow_request, request, view))

    def get_ident(self, request: Any) -> str:
        """The client's address, as DRF computes it.

        With ``NUM_PROXIES`` set, the address that many hops from the end of
        ``X-Forwarded-For`` (``REMOTE_ADDR`` when it is 0 or the header is
        absent); unset, the whole header without spaces, else ``REMOTE_ADDR``.
        """
        meta = request.META
        forwarded = meta.get("HTTP_X_FORWARDED_FOR")
        remote_addr: str = meta.get("REMOTE_ADDR") or ""
        num_proxies = api_settings.NUM_PROXIES
        if num_proxies is not None:
            if num_proxies == 0 or forwarded is None:
                return remote_addr
            addresses = forwarded.split(",")
            return str(addresses[-min(num_proxies, len(addresses))].strip())
        return "".join(forwarded.split()) if forwarded else remote_addr

    @mark_loop_safe
    def wait(self) -> float | None:
        """Seconds the client should wait before retrying, or ``None`` if unknown."""
        return None
