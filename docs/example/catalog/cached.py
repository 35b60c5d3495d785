"""Cached computations of the catalogue (restflow-cache).

``restflow.caching`` imports this module of every installed app at start-up, so the
invalidation rules below are known before the first write.

- ``catalogue_stats()`` is a ``cache_result`` function: the figures behind
  ``GET /api/stats/``.
- ``GET /api/categories/`` is cached by ``cache_response`` (``catalog.views``).

Both are dropped by the ``InvalidationRule``\\ s below after every committed write to a
category, a product or a review, so a write shows up on the next read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q

from catalog.models import Category, Product, Review
from catalog.serializers import as_float
from restflow.caching import CachedWrapper, InvalidationRule, cache_result


def wipe_catalogue_caches(wrapper: CachedWrapper, instance: Any, event: str) -> None:
    """Invalidator of the rules below: drop the stats and the cached category list."""
    from catalog.views import CategoryViewSet  # the view module imports this one

    wrapper.invalidate_all()
    CategoryViewSet.list.cache.invalidate_all()  # type: ignore[attr-defined]


def _rule(model: type[Any]) -> InvalidationRule:
    return InvalidationRule(model=model, invalidator=wipe_catalogue_caches)


@cache_result(  # type: ignore[untyped-decorator,unused-ignore]  # untyped in restflow-cache
    ttl=300, invalidates_on=[_rule(Category), _rule(Product), _rule(Review)]
)
async def catalogue_stats() -> dict[str, Any]:
    """Products, reviews and the average rating per category (three queries)."""
    categories = Category.objects.order_by("slug").annotate(
        product_count=Count("products", distinct=True),
        in_stock_count=Count("products", filter=Q(products__in_stock=True), distinct=True),
        review_count=Count("products__reviews"),
        average=Avg("products__reviews__rating"),
    )
    return {
        "products": await Product.objects.acount(),
        "reviews": await Review.objects.acount(),
        "categories": [
            {
                "slug": category.slug,
                "name": category.name,
                "products": category.product_count,
                "in_stock": category.in_stock_count,
                "reviews": category.review_count,
                "average_rating": as_float(category.average),
            }
            async for category in categories
        ],
    }
