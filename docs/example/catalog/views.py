"""The catalogue's API: async views on restflow-views, every restflow package in use.

- ``ProductViewSet``: CRUD with ``ActionConfig`` (a list serializer, a write serializer,
  a detail serializer), a ``FilterSet``, page-number pagination and the
  ``latest_reviews`` ``PostFetch`` (three latest reviews per product, one query per page).
- ``ReviewViewSet``: list, create, retrieve; count-less ``FastPageNumberPagination``.
- ``CategoryViewSet``: ``cache_response``; ``StatsView``: ``cache_result``. The
  ``InvalidationRule``\\ s in ``catalog.cached`` drop both after a write.
- ``TopRatedView``: throttled (``ScopedRateThrottle``, scope ``top-rated``, counted in the
  ``security`` cache).
- ``ProductEventsView`` (server-sent events) and ``ProductExportView`` (NDJSON) stream
  the filtered products.

Reads are open; writes need a JWT access token (``IsAuthenticatedOrReadOnly``, the
default permission in ``example.settings``; ``JWTAuthentication`` is the default authenticator).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from django.db import IntegrityError
from django.db.models import Avg, Count, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.cached import catalogue_stats
from catalog.filters import ProductFilterSet, ReviewFilterSet
from catalog.models import Category, Product, Review
from catalog.serializers import (
    CategorySerializer,
    ProductDetailSerializer,
    ProductListSerializer,
    ProductWriteSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
    StatsSerializer,
    TopRatedSerializer,
    as_float,
)
from restflow.caching import cache_response
from restflow.filters import RestflowFilterBackend
from restflow.pagination import FastPageNumberPagination, PageNumberPagination
from restflow.permissions import AllowAny
from restflow.responses import NDJSONResponse, ServerSentEvent, SSEResponse
from restflow.throttling import ScopedRateThrottle
from restflow.views import (
    ActionConfig,
    AsyncAPIView,
    AsyncCreateModelMixin,
    AsyncGenericViewSet,
    AsyncListAPIView,
    AsyncListModelMixin,
    AsyncModelViewSet,
    AsyncRetrieveModelMixin,
    PostFetch,
)

STREAM_FIELDS = ("id", "name", "price", "in_stock", "category_id")
PRODUCT_EVENT_SCHEMA = {
    "type": "object",
    "description": "One server-sent event.",
    "properties": {
        "event": {"type": "string", "enum": ["product", "end"]},
        "id": {"type": "string", "description": "The product's id (`product` events)."},
        "data": {
            "type": "string",
            "description": "JSON: a product (id, name, price, in_stock, category_id), "
            'or `{"count": n}` for the `end` event.',
        },
    },
    "required": ["event", "data"],
}


class ProductPagination(PageNumberPagination):
    """Ten products a page; ``?page_size=`` up to 50."""

    page_size = 10
    page_size_query_param = "page_size"
    max_page_size = 50


class ReviewPagination(FastPageNumberPagination):
    """Twenty reviews a page, without a ``COUNT`` query."""

    page_size = 20


latest_reviews = PostFetch(
    queryset=Review.objects.all(),
    to_attr="latest_reviews",
    values=["id", "rating", "comment", "created_at"],
    order_by=("-created_at", "-id"),
    limit=3,
    product_id="id",
)


class ProductViewSet(AsyncModelViewSet):
    """``/api/products/``: list and filter freely; create, update and delete with a token."""

    queryset = Product.objects.select_related("category").order_by("id")
    serializer_class = ProductDetailSerializer
    request_serializer_class = ProductWriteSerializer
    pagination_class = ProductPagination
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet
    post_fetches = [latest_reviews]
    action_configs = {
        "list": ActionConfig(response_serializer_class=ProductListSerializer),
        "retrieve": ActionConfig(filter_backends=[]),
        "update": ActionConfig(filter_backends=[]),
        "partial_update": ActionConfig(filter_backends=[]),
        "destroy": ActionConfig(filter_backends=[]),
    }

    async def aperform_update(self, serializer: Any) -> None:
        """Save, then attach the latest reviews the response shows."""
        product = await serializer.asave()
        await latest_reviews.afetch(product)

    async def aperform_create(self, serializer: Any) -> None:
        """Save, then attach the (empty) latest reviews the response shows."""
        product = await serializer.asave()
        await latest_reviews.afetch(product)


class ReviewViewSet(
    AsyncListModelMixin, AsyncCreateModelMixin, AsyncRetrieveModelMixin, AsyncGenericViewSet
):
    """``/api/reviews/``: list and filter; post a review of a product with a token."""

    queryset = Review.objects.select_related("author").order_by("id")
    serializer_class = ReviewSerializer
    pagination_class = ReviewPagination
    filter_backends = [RestflowFilterBackend]
    filterset_class = ReviewFilterSet
    action_configs = {
        "create": ActionConfig(request_serializer_class=ReviewCreateSerializer),
        "retrieve": ActionConfig(filter_backends=[]),
    }

    async def aperform_create(self, serializer: Any) -> None:
        """The author is the logged-in user.

        The product may be deleted between validation and the insert (a concurrent
        ``DELETE``): that is the client's 400, not a 500.
        """
        try:
            await serializer.asave(author=self.request.user)
        except IntegrityError:
            raise ValidationError({"product": ["The product no longer exists."]}) from None


class CategoryViewSet(AsyncListModelMixin, AsyncCreateModelMixin, AsyncGenericViewSet):
    """``/api/categories/``: the list is cached (``cache_response``) until the next write."""

    queryset = Category.objects.order_by("id")
    serializer_class = CategorySerializer
    pagination_class = None

    @cache_response(300, timing_headers=True)
    async def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await super().list(request, *args, **kwargs)


class StatsView(AsyncAPIView):
    """``GET /api/stats/``: catalogue figures from a ``cache_result`` function."""

    permission_classes = [AllowAny]
    response_serializer_class = StatsSerializer

    async def get(self, request: Request) -> Response:
        stats, meta = await catalogue_stats.aget_with_metadata()
        return Response(stats, headers={"X-Cache-Status": meta["cache_status"]})


class SecurityCacheScopedThrottle(ScopedRateThrottle):
    """``ScopedRateThrottle`` counting in the ``security`` cache, apart from cached responses."""

    cache_alias = "security"


class TopRatedView(AsyncListAPIView):
    """``GET /api/top-rated/``: the ten best-rated products; throttled per client."""

    serializer_class = TopRatedSerializer
    pagination_class = None
    permission_classes = [AllowAny]
    throttle_classes = [SecurityCacheScopedThrottle]  # type: ignore[list-item]  # not DRF's class
    throttle_scope = "top-rated"

    def get_queryset(self) -> QuerySet[Any]:
        best: QuerySet[Any] = (
            Product.objects.annotate(average_rating=Avg("reviews__rating"))
            .annotate(review_count=Count("reviews"))
            .filter(review_count__gt=0)
            .order_by("-average_rating", "-review_count", "id")[:10]
        )
        return best

    async def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        rows = [
            {**row, "average_rating": as_float(row["average_rating"])}
            async for row in self.get_queryset().values(
                "id", "name", "average_rating", "review_count"
            )
        ]
        return Response(TopRatedSerializer(rows, many=True).data)


async def _filtered_products(request: Request) -> QuerySet[Any]:
    filterset = ProductFilterSet(request=request)
    return await filterset.afilter_queryset(Product.objects.order_by("id"))


class ProductEventsView(AsyncAPIView):
    """``GET /api/events/products/``: the filtered products as server-sent events."""

    permission_classes = [AllowAny]
    filterset_class = ProductFilterSet

    @extend_schema(
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                PRODUCT_EVENT_SCHEMA,
                description="One `product` event per product, then an `end` event.",
            )
        }
    )
    async def get(self, request: Request) -> SSEResponse:
        products = await _filtered_products(request)

        async def events() -> AsyncIterator[ServerSentEvent]:
            count = 0
            async for row in products.values(*STREAM_FIELDS):
                count += 1
                yield ServerSentEvent(data=row, event="product", id=str(row["id"]))
            yield ServerSentEvent(data={"count": count}, event="end")

        return SSEResponse(events())


class ProductExportView(AsyncAPIView):
    """``GET /api/export/products/``: the filtered products as NDJSON, one per line."""

    permission_classes = [AllowAny]
    filterset_class = ProductFilterSet

    @extend_schema(
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="One JSON object per line."
            )
        }
    )
    async def get(self, request: Request) -> NDJSONResponse:
        products = await _filtered_products(request)
        return NDJSONResponse(products.values(*STREAM_FIELDS).aiterator())
