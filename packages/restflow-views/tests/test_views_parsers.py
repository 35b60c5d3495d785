"""Every restflow view family parses JSON with restflow's parser: a too deep body is a 400.

Sync views (``APIView``, ``GenericAPIView``, the sync viewsets) through Django's
test client; async ones (``AsyncAPIView``, the async generics and viewsets)
through Django's ASGI handler. All keep DRF's default parser classes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework import parsers as drf_parsers
from rest_framework.views import APIView as DRFAPIView

import restflow.views
from restflow.parsers import JSONParser
from viewtests.asgi import request

pytestmark = pytest.mark.django_db

LIMIT = JSONParser.max_depth


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post(path: str, url: str, body: str) -> tuple[int, Any]:
    if path == "async":
        result = request("POST", url, body=body.encode())
        return result.status, result.json
    response = Client().post(url, body, content_type="application/json")
    return response.status_code, response.json()


# (path, url): restflow-views' view families, sync and async side by side
ENDPOINTS = [
    ("sync", "/parsers/sync/"),  # APIView
    ("async", "/parsers/async/"),  # AsyncAPIView
    ("sync", "/parsers/sync-generic/"),  # GenericAPIView
    ("async", "/products/create/"),  # AsyncCreateAPIView
    ("sync", "/sync-vs/products/"),  # ModelViewSet
    ("async", "/vs/products/"),  # AsyncModelViewSet
]


@pytest.mark.parametrize(("path", "url"), ENDPOINTS)
@pytest.mark.parametrize("depth", [LIMIT + 1, 1_000, 2_000, 100_000])
def test_a_deeply_nested_body_is_a_400_parse_error(path: str, url: str, depth: int) -> None:
    status, body = post(path, url, nested(depth))
    assert status == 400
    assert (body["error"]["code"], body["error"]["details"]) == ("parse_error", None)
    assert "nested too deeply" in body["error"]["message"]


@pytest.mark.parametrize(
    ("path", "url"), [(p, u) for p, u in ENDPOINTS if u.startswith("/parsers/")]
)
def test_a_body_at_the_limit_is_echoed(path: str, url: str) -> None:
    body = nested(LIMIT)
    assert post(path, url, body) == (200, json.loads(body))


VIEW_CLASSES = [
    getattr(restflow.views, name)
    for name in restflow.views.__all__
    if isinstance(getattr(restflow.views, name), type)
    and issubclass(getattr(restflow.views, name), DRFAPIView)
]


@pytest.mark.parametrize("view_class", VIEW_CLASSES, ids=lambda cls: cls.__name__)
def test_every_view_class_swaps_drfs_json_parser(view_class: type[DRFAPIView]) -> None:
    assert len(VIEW_CLASSES) > 20
    assert [type(parser) for parser in view_class().get_parsers()] == [
        JSONParser,
        drf_parsers.FormParser,
        drf_parsers.MultiPartParser,
    ]
