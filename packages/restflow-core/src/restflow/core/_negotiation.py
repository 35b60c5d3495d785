"""Content negotiation remembered per view class, for the common case.

DRF negotiates on every request: it parses the ``Accept`` header and builds
the query dict to look for ``?format=``. For a given view class the answer
depends only on the ``Accept`` header and the renderer classes, so the loop
remembers it — bounded, so client input cannot grow the memo without limit.
Anything unusual (a format suffix or query parameter, a custom negotiator,
overridden negotiation hooks, a very long header) takes DRF's full path.
"""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

_MEMO_PER_CLASS = 64
_ACCEPT_MAX = 256
_HOOKS = ("perform_content_negotiation", "get_content_negotiator", "get_renderers")

_plain_classes: dict[type, bool] = {}
_memo: dict[type, dict[tuple[str, tuple[type, ...]], tuple[int, str]]] = {}


def _is_plain(cls: type) -> bool:
    plain = _plain_classes.get(cls)
    if plain is None:
        plain = _plain_classes[cls] = all(
            getattr(cls, hook) is getattr(APIView, hook) for hook in _HOOKS
        )
    return plain


def negotiate(view: APIView, request: Request) -> tuple[Any, str]:
    """Return ``(renderer, media_type)`` exactly as ``view.perform_content_negotiation`` would."""
    cls = type(view)
    meta = request.META  # DRF's Request hands over the Django request's
    accept = meta.get("HTTP_ACCEPT", "*/*")
    override = api_settings.URL_FORMAT_OVERRIDE
    if (
        view.format_kwarg
        or view.content_negotiation_class is not DefaultContentNegotiation
        or not _is_plain(cls)
        or len(accept) > _ACCEPT_MAX
        or (override and override in meta.get("QUERY_STRING", ""))
    ):
        return view.perform_content_negotiation(request)
    renderer_classes = tuple(view.renderer_classes)
    key = (accept, renderer_classes)
    per_class = _memo.get(cls)
    if per_class is None:
        per_class = _memo[cls] = {}
    hit = per_class.get(key)
    if hit is not None:  # get_renderers() is DRF's own here: build only the chosen renderer
        return renderer_classes[hit[0]](), hit[1]
    # what perform_content_negotiation does (a 406 raises: not kept)
    renderers = view.get_renderers()
    negotiator = view.get_content_negotiator()
    renderer, media_type = negotiator.select_renderer(request, renderers, None)
    if len(per_class) < _MEMO_PER_CLASS:
        index = next(i for i, candidate in enumerate(renderers) if candidate is renderer)
        per_class[key] = (index, media_type)
    return renderer, media_type
