"""DRF views filtered by restflow's backend (sync ListAPIView, async core view)."""

from __future__ import annotations

from typing import Any

from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from filtertests.models import Product
from restflow.core import AsyncAPIView
from restflow.filters import FilterSet, IntegerField, RestflowFilterBackend, StringField


class ProductFilterSet(FilterSet):
    name = StringField(lookups=["icontains"])
    stock = IntegerField(lookups=["comparison"])
    in_stock: bool

    class Meta:
        model = Product
        fields = ["status", "category", "supplier"]
        order_fields = ["name", "price"]


class StrictProductFilterSet(ProductFilterSet):
    class Meta(ProductFilterSet.Meta):
        strict = True


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "stock", "in_stock", "status"]


class ProductList(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet


class _Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "size"


class StrictProductList(ProductList):
    filterset_class = StrictProductFilterSet
    pagination_class = _Pages


class AsyncProductList(AsyncAPIView):
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = Product.objects.all()
        for backend in self.filter_backends:
            queryset = await backend().afilter_queryset(request, queryset, self)
        names = [product.name async for product in queryset]
        return Response(names)
