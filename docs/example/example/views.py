"""The example's index page: what it serves, as links."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.permissions import AllowAny
from restflow.views import AsyncAPIView

ENDPOINTS = {
    "products": "api/products/",
    "reviews": "api/reviews/",
    "categories": "api/categories/",
    "stats": "api/stats/",
    "top_rated": "api/top-rated/",
    "product_events": "api/events/products/",
    "product_export": "api/export/products/",
    "orders": "api/orders/",
    "shipping_quote": "api/shipping/quote/",
    "token": "api/auth/token/",
    "refresh": "api/auth/refresh/",
    "logout": "api/auth/blacklist/",
    "schema": "api/schema/",
    "docs": "api/docs/",
}


class IndexSerializer(serializers.Serializer[Any]):
    """The index: one absolute URL per endpoint."""

    locals().update({name: serializers.URLField() for name in ENDPOINTS})


class IndexView(AsyncAPIView):
    """``GET /``: links to every endpoint of the example."""

    permission_classes = [AllowAny]
    authentication_classes = []
    response_serializer_class = IndexSerializer

    async def get(self, request: Request) -> Response:
        base = request.build_absolute_uri("/")
        return Response({name: f"{base}{path}" for name, path in ENDPOINTS.items()})
