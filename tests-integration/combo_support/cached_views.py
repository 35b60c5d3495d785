"""An async viewset whose list and detail responses restflow-cache stores; a Book save drops them.

Its own URLconf (``urlpatterns``): tests-integration/test_views_cache.py points
``ROOT_URLCONF`` here, so the shared ``combo_support.urls`` stays as it is.
"""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from combo_support.async_views import BookSerializer, TwoPerPage
from combo_support.models import Book
from restflow.caching import (
    DefaultResponseKeyConstructor,
    InvalidationRule,
    ViewKwargsKeyField,
    cache_response,
)
from restflow.views import AsyncModelViewSet


class BookListKey(DefaultResponseKeyConstructor):
    class Meta:
        namespace = "restflow-it-views"


class BookDetailKey(DefaultResponseKeyConstructor):
    book = ViewKwargsKeyField("pk", partition=True)

    class Meta:
        namespace = "restflow-it-views"


class CachedBooks(AsyncModelViewSet):
    """Every list page is dropped by any Book write; a detail by a write of that book."""

    queryset = Book.objects.all()
    serializer_class = BookSerializer
    pagination_class = TwoPerPage
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    filter_backends: list[Any] = []

    @cache_response(
        300,
        key_constructor=BookListKey,
        invalidates_on=[InvalidationRule("combo_support.Book", invalidate_all=True)],
    )
    async def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await super().list(request, *args, **kwargs)

    @cache_response(
        300,
        key_constructor=BookDetailKey,
        invalidates_on=[InvalidationRule("combo_support.Book", field_mapping={"pk": "id"})],
    )
    async def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await super().retrieve(request, *args, **kwargs)


router = SimpleRouter()
router.register("cached-books", CachedBooks, basename="cached-book")
urlpatterns = router.urls
