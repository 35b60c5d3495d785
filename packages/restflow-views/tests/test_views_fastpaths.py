"""restflow.views' fast path (forgetting prefetched relations) gives what its public path gives.

After an update, relations prefetched with the instance may be stale: the
response must show them as they are now. The fast path empties Django's
prefetch cache of the instance; the public path, ``refresh_from_db()``,
reloads the instance. Both run on the same update, on both view paths.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db.models import Prefetch
from rest_framework import serializers

from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncUpdateAPIView, GenericAPIView, UpdateModelMixin, _fastpaths
from viewtests.models import Product, Review

pytestmark = pytest.mark.django_db(transaction=True)


class RatedProduct(serializers.ModelSerializer):
    ratings = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ["id", "name", "ratings"]

    def get_ratings(self, product: Product) -> list[int]:
        return [review.rating for review in product.reviews.all()]


class _Reviewed:
    """Prefetches the reviews; each update also adds a review the prefetch has not seen."""

    queryset = Product.objects.prefetch_related(Prefetch("reviews", Review.objects.order_by("id")))
    serializer_class = RatedProduct
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    def perform_update(self, serializer: Any) -> None:
        serializer.save()
        Review.objects.create(product=serializer.instance, rating=5)


class AsyncReviewed(_Reviewed, AsyncUpdateAPIView):
    pass


class SyncReviewed(_Reviewed, UpdateModelMixin, GenericAPIView):
    def put(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return self.update(request, *args, **kwargs)


def _product() -> Product:
    product = Product.objects.create(name="lamp")
    Review.objects.create(product=product, rating=3)
    return product


@pytest.mark.parametrize("path", ["sync", "async"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "public path"])
async def test_an_update_answers_with_the_relations_as_they_are_now(
    path: str, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_fastpaths, "FORGET_PREFETCHED", fast and _fastpaths.FORGET_PREFETCHED)
    product = await sync_to_async(_product)()
    request = AsyncAPIRequestFactory().put("/", {"name": "desk"})
    if path == "async":
        response = await AsyncReviewed.as_view()(request, pk=product.pk)
    else:
        response = await sync_to_async(SyncReviewed.as_view())(request, pk=product.pk)
    assert response.status_code == 200
    assert response.data == {"id": product.pk, "name": "desk", "ratings": [3, 5]}


def test_forgetting_and_refreshing_leave_the_same_instance() -> None:
    product = _product()
    prefetched = Product.objects.prefetch_related("reviews")
    fast, public = prefetched.get(pk=product.pk), prefetched.get(pk=product.pk)
    assert [r.rating for r in fast.reviews.all()] == [r.rating for r in public.reviews.all()] == [3]
    Review.objects.create(product=product, rating=4)
    _fastpaths._drop_prefetched(fast)
    public.refresh_from_db()
    assert [r.rating for r in fast.reviews.all()] == [r.rating for r in public.reviews.all()]
    assert [r.rating for r in fast.reviews.all()] == [3, 4]
