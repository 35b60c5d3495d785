"""Plain DRF serializers (the views must work with any DRF serializer)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from viewtests.models import Category, Product, Review


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price", "in_stock", "category"]


class ProductNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name"]


class ProductCreateSerializer(serializers.ModelSerializer):
    """A request-direction serializer: price must be positive."""

    class Meta:
        model = Product
        fields = ["name", "price"]

    def validate_price(self, value: int) -> int:
        if value <= 0:
            raise serializers.ValidationError("must be positive")
        return value


class ProductLinkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="product-detail")

    class Meta:
        model = Product
        fields = ["url", "id", "name", "price"]


class ProductWithReviewsSerializer(serializers.ModelSerializer):
    reviews = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "name", "reviews"]

    def get_reviews(self, obj: Product) -> Any:
        rows = obj.latest  # type: ignore[attr-defined]  (set by a PostFetch)
        return [row if isinstance(row, dict) else {"rating": row.rating} for row in rows]


class ContextEchoSerializer(serializers.Serializer):
    """Renders what the serializer context holds (for the context-override tests)."""

    name = serializers.CharField()
    tenant = serializers.SerializerMethodField()

    def get_tenant(self, obj: Any) -> Any:
        return self.context.get("tenant")


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "product", "rating"]


class AsyncSurfaceProductSerializer(ProductSerializer):
    """A DRF serializer with the async surface restflow's serializers have.

    Its sync ``is_valid``/``save``/``data`` refuse to run, so a test passes
    only if the view took the async surface.
    """

    calls: list[str] = []

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        raise AssertionError("the async view must call ais_valid")

    async def ais_valid(self, *, raise_exception: bool = False) -> bool:
        type(self).calls.append("ais_valid")
        # validation here reads no database: run DRF's on the loop
        return super().is_valid(raise_exception=raise_exception)

    def save(self, **kwargs: Any) -> Any:
        raise AssertionError("the async view must call asave")

    async def asave(self, **kwargs: Any) -> Any:
        type(self).calls.append("asave")
        self.instance = await Product.objects.acreate(**self.validated_data, **kwargs)
        return self.instance

    @property
    def adata(self) -> Any:
        async def read() -> Any:
            type(self).calls.append("adata")
            return serializers.ModelSerializer.data.fget(self)  # type: ignore[attr-defined]

        return read()
