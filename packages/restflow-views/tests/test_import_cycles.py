"""restflow's paginators work when DRF's settings name them (fresh interpreters).

DRF's ``GenericAPIView`` reads ``DEFAULT_PAGINATION_CLASS`` in its class body,
and ``APIView`` reads the authentication/permission/throttle classes, while
``rest_framework.generics``/``views`` load: the modules those settings name must
not import them back. Each case runs in a new interpreter: in this one every
module is already imported.
"""

from __future__ import annotations

from typing import Any

import pytest

from testsupport.processes import fresh_django

_BODY = """
from rest_framework.generics import GenericAPIView
from rest_framework.settings import api_settings
from rest_framework.views import APIView

print(json.dumps({
    "setting": name(api_settings.DEFAULT_PAGINATION_CLASS),
    "GenericAPIView": name(GenericAPIView.pagination_class),
    "throttles": [name(item) for item in APIView.throttle_classes],
}))
"""


def run_fresh(rest_framework: dict[str, Any], first: list[str]) -> dict[str, Any]:
    """DRF configured with ``rest_framework`` in a new interpreter, after importing ``first``."""
    return dict(fresh_django(_BODY, rest_framework=rest_framework, first=first))


PAGINATORS = {
    "PageNumberPagination": "restflow.pagination.page_number.PageNumberPagination",
    "FastPageNumberPagination": "restflow.pagination.fast.FastPageNumberPagination",
    "LimitOffsetPagination": "restflow.pagination.limit_offset.LimitOffsetPagination",
    "CursorPagination": "restflow.pagination.cursor.CursorPagination",
}
ORDERS = {
    "drf-first": [],
    "dispatch-first": ["restflow.core.dispatch"],
    "restflow-views-first": ["restflow.views"],
    "class-first": ["restflow.pagination"],
}


@pytest.mark.parametrize("public", sorted(PAGINATORS))
def test_each_paginator_as_the_default_pagination_class(public: str) -> None:
    result = run_fresh(
        {"DEFAULT_PAGINATION_CLASS": f"restflow.pagination.{public}", "PAGE_SIZE": 10}, []
    )
    assert result["setting"] == result["GenericAPIView"] == PAGINATORS[public]


@pytest.mark.parametrize("order", ORDERS)
def test_the_fast_paginator_as_default_in_any_import_order(order: str) -> None:
    result = run_fresh(
        {
            "DEFAULT_PAGINATION_CLASS": "restflow.pagination.FastPageNumberPagination",
            "PAGE_SIZE": 10,
            "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.AllowAny"],
            "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
        },
        ORDERS[order],
    )
    assert result["GenericAPIView"] == PAGINATORS["FastPageNumberPagination"]
