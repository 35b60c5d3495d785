"""Fast paths through other libraries' internals: the only place restflow.core uses them.

Each path does what a public API does, for less, by reading or writing an
internal of Django, DRF or asgiref. Each is detected once, at import: it is
on only when the internals exist with the shape this module expects, and
``RESTFLOW_FAST_PATHS=0`` in the environment (read at import) turns all of
them off. Off, restflow takes the public path: the same result (the tests
call both and compare), more time.

- :data:`RENDER`: :func:`render_json` renders a DRF ``Response`` by DRF's own
  ``JSONRenderer`` to the same bytes and headers as ``response.render()``,
  skipping work whose answer does not change between requests (re-parsing the
  media type for ``indent``, building an encoder, re-validating the
  ``Content-Type`` value). It reads ``_post_render_callbacks`` and writes the
  validated header entry into ``response.headers._store``. Public path:
  ``response.render()``.
- :data:`HOP`: :func:`run_sync` runs a sync call on the thread
  ``sync_to_async(thread_sensitive=True)`` would pick, picked by the same
  rules from asgiref's own state (``AsyncToSync.executors``,
  ``SyncToAsync.thread_sensitive_context``, ``context_to_thread_executor``,
  ``loop_thread_executors``, ``deadlock_context``, ``single_thread_executor``,
  ``threadlocal``), without asgiref's per-call bookkeeping. Context variables
  the call sets stay in its thread. Wherever asgiref would create a thread or
  refuse the call, it calls ``sync_to_async``. Public path: ``sync_to_async``.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from asgiref.sync import AsyncToSync, SyncToAsync, sync_to_async
from django.http.response import HttpResponseBase, ResponseHeaders
from django.template.response import SimpleTemplateResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils import encoders

_R = TypeVar("_R")

ENABLED = os.environ.get("RESTFLOW_FAST_PATHS", "1").strip() != "0"
"""False when ``RESTFLOW_FAST_PATHS=0``: every path below is off."""


def _uses(function: object, *names: str) -> bool:
    """Whether ``function``'s code reads the attributes ``names`` (the shape it expects)."""
    code = getattr(function, "__code__", None)
    return code is not None and set(names) <= set(code.co_names)


# -- RENDER: DRF's JSON rendering without its per-call set-up ---------------------


def _detect_render() -> bool:
    try:
        headers = ResponseHeaders({"Content-Type": "text/plain"})
        store = headers._store
    except Exception:
        return False
    return store == {"content-type": ("Content-Type", "text/plain")} and _uses(
        SimpleTemplateResponse.render, "_post_render_callbacks"
    )


RENDER = ENABLED and _detect_render()
"""Whether :func:`render_json` may be used (else: ``response.render()``)."""

_MEMO_SIZE = 64  # accepted media types come from the client's Accept header

_plain_responses: dict[type, bool] = {}
_plain_renderers: dict[type, bool] = {}
_indents: dict[str, tuple[Any, ...]] = {}  # media type -> (indent,) or () when it names none
_encoders: dict[tuple[Any, ...], json.JSONEncoder] = {}
_content_types: dict[str, tuple[str, str]] = {}  # value -> the validated header entry


def _is_plain_response(cls: type) -> bool:
    plain = _plain_responses.get(cls)
    if plain is None:
        plain = _plain_responses[cls] = (
            issubclass(cls, Response)
            and cls.render is SimpleTemplateResponse.render
            and cls.rendered_content is Response.rendered_content
        )
    return plain


def _is_plain_renderer(cls: type) -> bool:
    plain = _plain_renderers.get(cls)
    if plain is None:
        plain = _plain_renderers[cls] = (
            issubclass(cls, JSONRenderer)
            and cls.render is JSONRenderer.render
            and cls.get_indent is JSONRenderer.get_indent
        )
    return plain


_FROM_CONTEXT = object()


def _indent(renderer: JSONRenderer, media_type: str, context: dict[str, Any]) -> Any:
    """``renderer.get_indent(media_type, context)``, with the media type's answer remembered."""
    known = _indents.get(media_type)
    if known is None:
        probe = renderer.get_indent(media_type, {"indent": _FROM_CONTEXT})
        # The media type names no usable indent: the context decides, as in DRF.
        known = () if probe is _FROM_CONTEXT else (probe,)
        if len(_indents) < _MEMO_SIZE:
            _indents[media_type] = known
    return known[0] if known else context.get("indent")


def _encoder(renderer: JSONRenderer, indent: Any) -> json.JSONEncoder:
    if indent is None:
        separators = (",", ":") if renderer.compact else (", ", ": ")
    else:
        separators = (",", ": ")
    options = {
        "skipkeys": False,
        "ensure_ascii": renderer.ensure_ascii,
        "check_circular": True,
        "allow_nan": not renderer.strict,
        "indent": indent,
        "separators": separators,
        "default": None,
        "sort_keys": False,
    }
    encoder_class = renderer.encoder_class
    if encoder_class is not encoders.JSONEncoder:  # a user's encoder may keep state: build anew
        return encoder_class(**options)
    key = (renderer.ensure_ascii, renderer.strict, indent, separators)
    encoder = _encoders.get(key)
    if encoder is None:
        encoder = _encoders[key] = encoder_class(**options)
    return encoder


def _set_content_type(response: HttpResponseBase, value: str) -> None:
    entry = _content_types.get(value)
    if entry is None:
        response["Content-Type"] = value  # Django validates the value once
        entry = response.headers._store["content-type"]
        if len(_content_types) < _MEMO_SIZE:
            _content_types[value] = entry
        return
    response.headers._store["content-type"] = entry


def render_json(response: HttpResponseBase) -> bool:
    """Render ``response`` as ``response.render()`` would, if DRF's JSON path applies."""
    if not _is_plain_response(type(response)):
        return False
    untyped: Any = response
    renderer = getattr(untyped, "accepted_renderer", None)
    media_type = getattr(untyped, "accepted_media_type", None)
    context = getattr(untyped, "renderer_context", None)
    if renderer is None or not media_type or context is None:
        return False  # DRF's own path raises its assertion messages
    if (
        not _is_plain_renderer(type(renderer))
        or untyped.is_rendered
        or untyped._post_render_callbacks  # they may replace the response: DRF's path
    ):
        return False
    context["response"] = response
    content_type = untyped.content_type
    if content_type is None:
        charset = renderer.charset
        media = renderer.media_type
        content_type = media if charset is None else f"{media}; charset={charset}"
    data = untyped.data
    if data is None:
        response.headers.pop("Content-Type", None)  # DRF sets, then drops it for an empty body
        body = b""
    else:
        _set_content_type(response, content_type)
        text = _encoder(renderer, _indent(renderer, media_type, context)).encode(data)
        body = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()
    untyped.content = body
    return True


# -- HOP: asgiref's thread choice without its per-call bookkeeping -----------------

_HOP_STATE = (
    "executors",
    "thread_sensitive_context",
    "context_to_thread_executor",
    "loop_thread_executors",
    "deadlock_context",
    "single_thread_executor",
)


def _detect_hop() -> bool:
    """asgiref's ``SyncToAsync.__call__`` picks its thread from the state this path reads."""
    try:
        ok = (
            _uses(SyncToAsync.__call__, *_HOP_STATE)
            and _uses(SyncToAsync.thread_handler, "threadlocal", "main_event_loop")
            and isinstance(SyncToAsync.thread_sensitive_context, contextvars.ContextVar)
            and isinstance(SyncToAsync.deadlock_context, contextvars.ContextVar)
            and isinstance(SyncToAsync.single_thread_executor, Executor)
            and isinstance(SyncToAsync.threadlocal, threading.local)
            and isinstance(AsyncToSync.loop_thread_executors, dict)
            and hasattr(SyncToAsync.context_to_thread_executor, "get")
            and isinstance(AsyncToSync.executors._storage._data, contextvars.ContextVar)
        )
    except AttributeError:
        return False
    return ok


HOP = ENABLED and _detect_hop()
"""Whether :func:`run_sync` may pick the thread itself (else: ``sync_to_async``)."""

if HOP:
    _OUTER_SYNC_THREAD = AsyncToSync.executors
    # The context variable behind that asgiref ``Local``: empty in this context means the
    # ``Local`` has no ``current`` either; reading it first spares the ``Local``'s lock.
    _OUTER_SYNC_THREAD_VAR: contextvars.ContextVar[Any] = AsyncToSync.executors._storage._data
    _LOOP_EXECUTORS = AsyncToSync.loop_thread_executors
    _CONTEXT = SyncToAsync.thread_sensitive_context
    _CONTEXT_EXECUTORS = SyncToAsync.context_to_thread_executor
    _DEADLOCK = SyncToAsync.deadlock_context
    _SHARED_THREAD = SyncToAsync.single_thread_executor
    _THREAD_STATE = SyncToAsync.threadlocal


def _executor(loop: asyncio.AbstractEventLoop) -> tuple[Executor | None, bool]:
    """The executor ``sync_to_async(thread_sensitive=True)`` would use right now.

    Returns ``(executor, shared)``; ``executor`` is ``None`` where asgiref has
    to take over (create a context's thread, or refuse a call that would
    deadlock). ``shared`` is true for asgiref's process-wide sync thread.
    """
    outer = None
    if _OUTER_SYNC_THREAD_VAR.get(None) is not None:
        outer = getattr(_OUTER_SYNC_THREAD, "current", None)
    if outer:
        return outer, False
    context = _CONTEXT.get(None)
    if context:
        if getattr(context, "_exited", False):
            return None, False
        return _CONTEXT_EXECUTORS.get(context), False
    own = _LOOP_EXECUTORS.get(loop)
    if own:
        return own, False
    if _DEADLOCK.get(False):
        return None, False
    return _SHARED_THREAD, True


def _start(executor: Executor, func: Callable[..., Any], work: Callable[[], None]) -> None:
    """Hand ``work`` (which runs ``func``) to ``executor``: the one place tests count hops."""
    executor.submit(work)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the caller stopped waiting; the call ran to its end anyway
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


async def run_sync(func: Callable[..., _R], /, *args: Any, **kwargs: Any) -> _R:
    """Run ``func(*args, **kwargs)`` on the thread ``sync_to_async(thread_sensitive=True)`` picks.

    Only call it when :data:`HOP` is true.
    """
    loop = asyncio.get_running_loop()
    executor, shared = _executor(loop)
    if executor is None:
        return await sync_to_async(func, thread_sensitive=True)(*args, **kwargs)
    future: asyncio.Future[_R] = loop.create_future()
    if shared:  # as asgiref does: a nested bridge in that thread must not queue behind us
        _DEADLOCK.set(True)
    context = contextvars.copy_context()

    def work() -> None:
        if getattr(_THREAD_STATE, "main_event_loop", None) is not loop:
            _THREAD_STATE.main_event_loop = loop  # async_to_sync inside ``func`` uses this loop
            _THREAD_STATE.main_event_loop_pid = os.getpid()
        result: Any = None
        error: BaseException | None = None
        try:
            result = context.run(func, *args, **kwargs)
        except BaseException as raised:
            error = raised
        try:
            loop.call_soon_threadsafe(_settle, future, result, error)
        except RuntimeError:  # the loop closed while the call ran: nobody is waiting
            pass

    try:
        _start(executor, func, work)
    finally:
        if shared:
            _DEADLOCK.set(False)
    return await future
