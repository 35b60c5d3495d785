"""APIView and AsyncAPIView helpers, side by side on the sync and async paths."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from restflow.pagination import LimitOffsetPagination
from restflow.views import APIView, AsyncAPIView
from viewtests.asgi import request
from viewtests.models import Product, Review
from viewtests.serializers import ProductCreateSerializer, ProductNameSerializer, ProductSerializer

PATHS = ["sync", "async"]


@pytest.fixture
def products(db) -> list[Product]:
    return [
        Product.objects.create(name=name, price=price)
        for name, price in [("apple", 3), ("banana", 5), ("cherry", 12)]
    ]


class _Other(serializers.Serializer):
    pass


def _view(cls: type, **attrs: Any) -> Any:
    view = type("V", (cls,), attrs)()
    view.request = APIRequestFactory().get("/")
    view.format_kwarg = None
    return view


class TestSerializerGetters:
    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_direction_fallback_table(self, base):
        plain = _view(base, serializer_class=ProductSerializer)
        assert plain.get_serializer_class() is ProductSerializer
        assert plain.get_request_serializer_class() is ProductSerializer
        assert plain.get_response_serializer_class() is ProductSerializer
        split = _view(
            base,
            serializer_class=ProductSerializer,
            request_serializer_class=ProductCreateSerializer,
            response_serializer_class=ProductNameSerializer,
        )
        assert split.get_serializer_class() is ProductSerializer
        assert split.get_request_serializer_class() is ProductCreateSerializer
        assert split.get_response_serializer_class() is ProductNameSerializer
        assert type(split.get_serializer(direction="request")) is ProductCreateSerializer
        assert type(split.get_serializer(direction="response")) is ProductNameSerializer
        assert type(split.get_serializer()) is ProductSerializer

    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_overridden_get_serializer_class_is_the_fallback_of_both_directions(self, base):
        view = _view(base, get_serializer_class=lambda self: ProductNameSerializer)
        assert type(view.get_serializer(direction="request")) is ProductNameSerializer
        assert type(view.get_serializer(direction="response")) is ProductNameSerializer

    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_explicit_serializer_class_wins(self, base):
        view = _view(base, serializer_class=ProductSerializer)
        assert type(view.get_serializer(serializer_class=_Other)) is _Other

    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_missing_serializer_class_names_the_view(self, base):
        view = _view(base)
        with pytest.raises(ImproperlyConfigured, match="V has no serializer_class"):
            view.get_serializer()

    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_unknown_direction_is_refused(self, base):
        view = _view(base, serializer_class=ProductSerializer)
        with pytest.raises(ValueError, match="direction"):
            view.get_serializer(direction="sideways")

    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_get_context_override_reaches_every_serializer(self, base):
        def get_context(self: Any) -> dict[str, Any]:
            return {"request": self.request, "extra": 1}

        view = _view(base, serializer_class=ProductSerializer, get_context=get_context)
        assert view.get_serializer().context["extra"] == 1

    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_default_context_is_drfs(self, base):
        view = _view(base, serializer_class=ProductSerializer)
        assert set(view.get_serializer().context) == {"request", "format", "view"}

    @pytest.mark.parametrize("base", [APIView, AsyncAPIView])
    def test_get_pagination_class_reads_drfs_default_when_unset(self, base):
        view = _view(base)
        with override_settings(
            REST_FRAMEWORK={
                "DEFAULT_PAGINATION_CLASS": "restflow.pagination.LimitOffsetPagination",
                "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
            }
        ):
            assert view.get_pagination_class() is LimitOffsetPagination
            # code reading the attribute (schema generators) sees the same default
            assert view.pagination_class is LimitOffsetPagination
        assert view.get_pagination_class() is None
        assert _view(base, pagination_class=None).get_pagination_class() is None


class TestHelpersEndToEnd:
    @pytest.mark.parametrize("path", PATHS)
    def test_paginated_response(self, products, path):
        response = request("GET", f"/helpers/{path}/", query={"page": 2})
        assert response.status == 200
        assert response.json["count"] == 3
        assert [row["name"] for row in response.json["results"]] == ["cherry"]

    @pytest.mark.parametrize("path", PATHS)
    def test_validated_serializer_then_serialized_response(self, db, path):
        response = request("POST", f"/helpers/{path}/", {"name": "fig", "price": 4})
        assert response.status == 201
        # validated by request_serializer_class, rendered by serializer_class
        assert set(response.json) == {"id", "name", "price", "in_stock", "category"}
        assert Product.objects.filter(name="fig").exists()

    @pytest.mark.parametrize("path", PATHS)
    def test_invalid_input_is_a_400_in_the_envelope(self, db, path):
        response = request("POST", f"/helpers/{path}/", {"name": "fig", "price": 0})
        assert response.status == 400
        assert response.json["error"]["details"] == {"price": ["must be positive"]}

    @pytest.mark.parametrize("path", PATHS)
    def test_default_pagination_class_is_honoured(self, products, path):
        url = f"/helpers/default-pages/{path}/"
        assert isinstance(request("GET", url).json, list)
        with override_settings(
            REST_FRAMEWORK={
                "DEFAULT_PAGINATION_CLASS": "viewtests.views.SmallPages",
                "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
            }
        ):
            paged = request("GET", url, query={"page": 2}).json
        assert paged["count"] == 3
        assert [row["name"] for row in paged["results"]] == ["cherry"]

    @pytest.mark.parametrize("path", PATHS)
    def test_paginated_response_passes_headers_through_with_and_without_pages(self, products, path):
        url = f"/helpers/default-pages/{path}/"
        assert request("GET", url).headers["x-source"] == "catalog"  # pagination off
        with override_settings(
            REST_FRAMEWORK={
                "DEFAULT_PAGINATION_CLASS": "viewtests.views.SmallPages",
                "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
            }
        ):
            paged = request("GET", url, query={"page": 2})
        assert paged.json["count"] == 3
        assert paged.headers["x-source"] == "catalog"

    @pytest.mark.parametrize("path", PATHS)
    def test_get_serializer_context_override_is_honoured(self, db, path):
        assert request("GET", f"/helpers/context/{path}/").json == {"name": "x", "tenant": "acme"}

    @pytest.mark.parametrize("path", PATHS)
    def test_post_fetches_on_a_page_cost_one_query(self, products, path):
        for product in products:
            for seq, rating in enumerate([1, 2, 3]):
                Review.objects.create(product=product, rating=rating + product.price, seq=seq)
        with CaptureQueriesContext(connection) as queries:
            response = request("GET", f"/helpers/post-fetch/{path}/")
        assert response.status == 200
        # count, page, one PostFetch query
        assert len(queries) == 3
        first = response.json["results"][0]
        assert first["reviews"] == [{"rating": 6}, {"rating": 5}]  # latest two by seq

    def test_async_surface_of_a_serializer_is_awaited(self, db):
        from viewtests.serializers import AsyncSurfaceProductSerializer

        AsyncSurfaceProductSerializer.calls.clear()
        response = request("POST", "/helpers/async-surface/", {"name": "fig", "price": 2})
        assert response.status == 201
        assert AsyncSurfaceProductSerializer.calls == ["ais_valid", "asave", "adata"]

    def test_sync_service_called_through_a_thread(self, products):
        assert request("GET", "/helpers/service/").json == {"value": 3}


class TestAsyncSafety:
    def test_a_sync_query_on_the_loop_is_caught(self, db):
        """Django's async-unsafe escape hatch is never set in these tests: a slip would be a 500 here."""

        class Slip(AsyncAPIView):
            serializer_class = ProductNameSerializer

            async def get(self, request: Any) -> Any:
                return self.serialized_response(list(Product.objects.all()), many=True)

        from asgiref.sync import async_to_sync

        response = async_to_sync(Slip.as_view())(APIRequestFactory().get("/"))
        assert response.status_code == 500
        assert response.data["error"]["code"] == "internal_error"
