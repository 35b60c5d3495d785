"""One I/O-bound GET: call a slow upstream service (~50 ms), answer its JSON inside ours.

``RestflowIO`` (``restflow.views.AsyncAPIView``) and the bare Django ``async def`` view
await the call with one ``aiohttp.ClientSession`` per worker process (created on the
worker's loop by the first request); DRF's sync ``APIView`` makes it with one
thread-safe ``urllib3.PoolManager`` per worker process, shared by the worker's threads.
The DRF-based views use the lean configuration of ``views.py``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import aiohttp
import urllib3
from django.http import HttpRequest, JsonResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from benchproject.views import _Lean
from restflow.views import AsyncAPIView

UPSTREAM_ENV = "RESTFLOW_BENCH_UPSTREAM"
_UPSTREAM = os.environ.get(UPSTREAM_ENV, "http://127.0.0.1:8999/")

_session: aiohttp.ClientSession | None = None
_pool = urllib3.PoolManager(maxsize=16, block=False, retries=False)


def _client() -> aiohttp.ClientSession:
    global _session
    if _session is None:  # no await between test and set: one session per worker loop
        _session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, ttl_dns_cache=None),
            timeout=aiohttp.ClientTimeout(total=10),
        )
    return _session


async def fetch_upstream() -> Any:
    """The outbound call, async: GET the upstream URL and decode its JSON."""
    async with _client().get(_UPSTREAM) as response:
        response.raise_for_status()
        return json.loads(await response.read())


def fetch_upstream_sync() -> Any:
    """The same call, blocking the calling thread."""
    response = _pool.request("GET", _UPSTREAM, timeout=10.0)
    if response.status != 200:
        raise RuntimeError(f"upstream answered {response.status}")
    return json.loads(response.data)


class RestflowIO(_Lean, AsyncAPIView):
    async def get(self, request: Any) -> Response:
        return Response({"ok": True, "upstream": await fetch_upstream()})


class DrfSyncIO(_Lean, APIView):
    def get(self, request: Any) -> Response:
        return Response({"ok": True, "upstream": fetch_upstream_sync()})


async def django_async_io(request: HttpRequest) -> JsonResponse:
    """The floor: a bare Django async view making the same call."""
    return JsonResponse({"ok": True, "upstream": await fetch_upstream()})
