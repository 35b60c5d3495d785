"""Views under test: sync and async components mixed on purpose."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import filters, permissions, serializers, throttling
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination
from rest_framework.parsers import FormParser
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from restflow.core import mark_loop_safe
from restflow.pagination import FastPageNumberPagination, PageNumberPagination
from restflow.views import (
    ActionConfig,
    APIView,
    AsyncAPIView,
    AsyncCreateAPIView,
    AsyncDestroyAPIView,
    AsyncListAPIView,
    AsyncListCreateAPIView,
    AsyncModelViewSet,
    AsyncRetrieveAPIView,
    AsyncRetrieveDestroyAPIView,
    AsyncRetrieveUpdateAPIView,
    AsyncRetrieveUpdateDestroyAPIView,
    AsyncUpdateAPIView,
    ModelViewSet,
    PostFetch,
)
from viewtests.models import Product, Review
from viewtests.serializers import (
    AsyncSurfaceProductSerializer,
    ContextEchoSerializer,
    ProductCreateSerializer,
    ProductLinkSerializer,
    ProductNameSerializer,
    ProductSerializer,
    ProductWithReviewsSerializer,
)


class SmallPages(PageNumberPagination):
    page_size = 2


class SmallFastPages(FastPageNumberPagination):
    page_size = 2
    page_size_query_param = "size"
    max_page_size = 3


class DRFSmallPages(DRFPageNumberPagination):
    page_size = 2


def latest_reviews() -> PostFetch:
    return PostFetch(
        queryset=Review.objects.all(),
        to_attr="latest",
        values=["rating"],
        order_by=("-seq",),
        limit=2,
        product_id="id",
    )


# -- helpers on APIView / AsyncAPIView ---------------------------------------


class SyncProductsView(APIView):
    """The seed's sync example: paginated_response and validated_serializer."""

    serializer_class = ProductSerializer
    request_serializer_class = ProductCreateSerializer
    pagination_class = SmallPages

    def get(self, request: Any) -> Response:
        return self.paginated_response(Product.objects.all())

    def post(self, request: Any) -> Response:
        serializer = self.validated_serializer()
        product = serializer.save()
        return self.serialized_response(product, status=201)


class AsyncProductsView(AsyncAPIView):
    """The async twin of SyncProductsView."""

    serializer_class = ProductSerializer
    request_serializer_class = ProductCreateSerializer
    pagination_class = SmallPages

    async def get(self, request: Any) -> Response:
        return await self.apaginated_response(Product.objects.all())

    async def post(self, request: Any) -> Response:
        serializer = await self.avalidated_serializer()
        product = await Product.objects.acreate(**serializer.validated_data)
        return await self.aserialized_response(product, status=201)


class SyncDefaultPaginationView(APIView):
    serializer_class = ProductNameSerializer

    def get(self, request: Any) -> Response:
        return self.paginated_response(Product.objects.all(), headers={"X-Source": "catalog"})


class AsyncDefaultPaginationView(AsyncAPIView):
    serializer_class = ProductNameSerializer

    async def get(self, request: Any) -> Response:
        return await self.apaginated_response(
            Product.objects.all(), headers={"X-Source": "catalog"}
        )


class _TenantContext:
    """Overrides DRF's get_serializer_context (not get_context)."""

    serializer_class = ContextEchoSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["tenant"] = "acme"
        return context


class SyncContextView(_TenantContext, APIView):
    def get(self, request: Any) -> Response:
        return self.serialized_response({"name": "x"})


class AsyncContextView(_TenantContext, AsyncAPIView):
    async def get(self, request: Any) -> Response:
        return await self.aserialized_response({"name": "x"})


class AsyncPostFetchView(AsyncAPIView):
    serializer_class = ProductWithReviewsSerializer
    pagination_class = SmallPages

    async def get(self, request: Any) -> Response:
        return await self.apaginated_response(
            Product.objects.all(), post_fetches=[latest_reviews()]
        )


class SyncPostFetchView(APIView):
    serializer_class = ProductWithReviewsSerializer
    pagination_class = SmallPages

    def get(self, request: Any) -> Response:
        return self.paginated_response(Product.objects.all(), post_fetches=[latest_reviews()])


class AsyncSurfaceView(AsyncAPIView):
    serializer_class = AsyncSurfaceProductSerializer

    async def post(self, request: Any) -> Response:
        serializer = await self.avalidated_serializer()
        product = await serializer.asave()
        return await self.aserialized_response(product, status=201)


# -- generics ----------------------------------------------------------------


class ProductList(AsyncListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = SmallPages


class ProductFastList(AsyncListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = SmallFastPages


class ProductDRFPagesList(AsyncListAPIView):
    """A plain DRF paginator on the async path (one thread hop)."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = DRFSmallPages


class ProductUnpaginatedList(AsyncListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductNameSerializer
    pagination_class = None


class ProductPostFetchList(AsyncListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductWithReviewsSerializer
    pagination_class = SmallPages
    post_fetches = [latest_reviews()]


class OnlyInStock:
    """A native async filter backend (as restflow-filters' backend is)."""

    async def afilter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset.filter(in_stock=True)

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        raise AssertionError("the async path must await afilter_queryset")


class ProductSearchList(AsyncListAPIView):
    """A native async backend then DRF's sync SearchFilter and OrderingFilter."""

    queryset = Product.objects.all()
    serializer_class = ProductNameSerializer
    pagination_class = None
    filter_backends = [OnlyInStock, filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["name"]
    ordering_fields = ["price", "name"]


class AsyncQuerysetList(AsyncListAPIView):
    """``get_queryset`` defined ``async def``."""

    serializer_class = ProductNameSerializer
    pagination_class = None

    async def get_queryset(self) -> Any:
        cheap = [p.pk async for p in Product.objects.filter(price__lt=10)]
        return Product.objects.filter(pk__in=cheap)


class AsyncQuerysetDetail(AsyncRetrieveAPIView):
    serializer_class = ProductNameSerializer

    async def get_queryset(self) -> Any:
        return Product.objects.filter(in_stock=True)


class ProductCreate(AsyncCreateAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductLinkSerializer


class ProductCreateSplit(AsyncCreateAPIView):
    """Validates with one serializer, answers with another."""

    queryset = Product.objects.all()
    request_serializer_class = ProductCreateSerializer
    response_serializer_class = ProductSerializer


class ProductCreateSyncHook(AsyncCreateAPIView):
    """A DRF-style sync ``perform_create`` override on an async view."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer

    def perform_create(self, serializer: Any) -> None:
        serializer.save(name=serializer.validated_data["name"].upper())


class ProductCreateAsyncSurface(AsyncCreateAPIView):
    queryset = Product.objects.all()
    serializer_class = AsyncSurfaceProductSerializer


class ProductRetrieve(AsyncRetrieveAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer


class ProductUpdate(AsyncUpdateAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer


class ProductDestroy(AsyncDestroyAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer


class ProductListCreate(AsyncListCreateAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = None


class ProductRetrieveUpdate(AsyncRetrieveUpdateAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer


class ProductRetrieveDestroy(AsyncRetrieveDestroyAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer


class IsOwnerAsync(permissions.BasePermission):
    """Native async object permission."""

    async def ahas_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return obj.owner_id is not None and obj.owner_id == request.user.id


class IsOwnerSync(permissions.BasePermission):
    """Sync object permission that reads the database (runs in a thread)."""

    message = "Only the owner may do this."

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        fresh = Product.objects.get(pk=obj.pk)  # a sync query: must not run on the loop
        return fresh.owner_id is not None and fresh.owner_id == request.user.id


class OwnedDetailAsyncPermission(AsyncRetrieveUpdateDestroyAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    permission_classes = [IsOwnerAsync]


class OwnedDetailSyncPermission(AsyncRetrieveUpdateDestroyAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    permission_classes = [IsOwnerSync]


class ProductBySlug(AsyncRetrieveAPIView):
    """lookup_field/lookup_url_kwarg: ``/by-name/<name>/``."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    lookup_field = "name"
    lookup_url_kwarg = "product_name"


# -- viewsets ----------------------------------------------------------------


@mark_loop_safe
def _name_upper(name: str) -> str:
    return name.upper()


class ProductViewSet(AsyncModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = SmallPages
    action_configs = {
        "list": ActionConfig(response_serializer_class=ProductNameSerializer),
        "destroy": ActionConfig(permission_classes=[permissions.IsAdminUser]),
        "cheap": ActionConfig(pagination_class=None),
    }

    @action(detail=True, methods=["post"])
    async def restock(self, request: Any, pk: Any = None) -> Response:
        product = await self.aget_object()
        product.in_stock = True
        await product.asave(update_fields=["in_stock"])
        return await self.aserialized_response(product)

    @action(detail=False)
    async def cheap(self, request: Any) -> Response:
        queryset = await self.afilter_queryset(Product.objects.filter(price__lt=10))
        return await self.apaginated_response(queryset)


class FastProductViewSet(AsyncModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    action_configs = {"list": ActionConfig(pagination_class=SmallFastPages)}


class SyncProductViewSet(ModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = SmallPages
    action_configs = {"list": ActionConfig(response_serializer_class=ProductNameSerializer)}

    @action(detail=False)
    def names(self, request: Any) -> Response:
        return self.serialized_response(
            self.get_queryset(), many=True, serializer_class=ProductNameSerializer
        )


class EchoSerializer(serializers.Serializer):
    value = serializers.IntegerField()


class CounterThread:
    """A sync service the async view calls through the fall-back rule (seed 004)."""

    @staticmethod
    def count() -> int:
        return Product.objects.count()


class ServiceView(AsyncAPIView):
    serializer_class = EchoSerializer

    async def get(self, request: Any) -> Response:
        value = await sync_to_async(CounterThread.count)()
        return await self.aserialized_response({"value": value})


class AlwaysThrottled(throttling.BaseThrottle):
    """A plain DRF throttle (sync): always refuses, asks to wait 7 seconds."""

    def allow_request(self, request: Any, view: Any) -> bool:
        return False

    def wait(self) -> float:
        return 7.0


class NamesRenderer(BaseRenderer):
    """Plain text: the ``name`` of each row, one per line."""

    media_type = "text/plain"
    format = "txt"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return "\n".join(row["name"] for row in data).encode()


class ConfiguredViewSet(AsyncModelViewSet):
    """Every request needs a user, except where an ActionConfig says otherwise."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = None
    permission_classes = [permissions.IsAuthenticated]
    action_configs = {
        "list": ActionConfig(
            permission_classes=[permissions.AllowAny], filter_backends=[OnlyInStock]
        ),
        "create": ActionConfig(authentication_classes=[]),
        "retrieve": ActionConfig(throttle_classes=[AlwaysThrottled]),
        "update": ActionConfig(request_serializer_class=ProductCreateSerializer),
    }


class _PerAction:
    """queryset, parser_classes and renderer_classes chosen per action (issue 19, item 4)."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    pagination_class = None
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    action_configs = {
        "list": ActionConfig(
            queryset=Product.objects.filter(in_stock=True),
            renderer_classes=[NamesRenderer],
        ),
        "create": ActionConfig(parser_classes=[FormParser]),
    }


class AsyncPerActionViewSet(_PerAction, AsyncModelViewSet):
    pass


class SyncPerActionViewSet(_PerAction, ModelViewSet):
    pass


class SyncOverridesList(AsyncListAPIView):
    """DRF-style sync overrides of filter_queryset and get_paginated_response on an async view."""

    queryset = Product.objects.all()
    serializer_class = ProductNameSerializer
    pagination_class = SmallPages

    def filter_queryset(self, queryset: Any) -> Any:
        # a sync query: this override must run in a thread
        cheapest = Product.objects.order_by("price").first()
        return queryset.exclude(pk=cheapest.pk) if cheapest else queryset

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response["X-Total"] = str(self.paginator.page.paginator.count)
        return response


class SyncGetObjectDetail(AsyncRetrieveAPIView):
    """A DRF-style sync get_object (it queries) on an async view."""

    serializer_class = ProductNameSerializer

    def get_object(self) -> Any:
        return Product.objects.get(name=self.kwargs["name"])
