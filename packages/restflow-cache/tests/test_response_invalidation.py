"""``cache_response(invalidates_on=[…])``: model writes drop cached responses, sync and async views."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from rest_framework.response import Response
from rest_framework.views import APIView

from cachetests.models import Author, Book
from cachetests.responses import fetch
from restflow.caching import (
    CACHE_MISSING,
    DefaultResponseKeyConstructor,
    InvalidationRule,
    QueryParamsKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
    cache_response,
    cache_result,
)
from restflow.core import AsyncAPIView

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("detached_rules")]


class AuthorKey(DefaultResponseKeyConstructor):
    author = ViewKwargsKeyField("pk", partition=True)


class BooksByAuthorKey(DefaultResponseKeyConstructor):
    author = QueryParamsKeyField("author", partition=True)


class Reader:
    is_authenticated = True
    is_active = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


def author_views(**options: Any) -> dict[str, Any]:
    """A detail view per path whose responses a save of the author drops."""

    def rules() -> list[InvalidationRule]:
        return [InvalidationRule(Author, field_mapping={"pk": "id"}, **options)]

    class SyncDetail(APIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(60, key_constructor=AuthorKey, invalidates_on=rules())
        def get(self, request: Any, pk: str) -> Response:
            return Response({"name": Author.objects.get(pk=pk).name})

    class AsyncDetail(AsyncAPIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(60, key_constructor=AuthorKey, invalidates_on=rules())
        async def get(self, request: Any, pk: str) -> Response:
            return Response({"name": (await Author.objects.aget(pk=pk)).name})

    return {"sync": SyncDetail, "async": AsyncDetail}


def book_list_views(rule: InvalidationRule, key: Any = BooksByAuthorKey) -> dict[str, Any]:
    """A list of book titles per path (``?author=`` filters), invalidated by ``rule``."""

    def titles(request: Any) -> list[str]:
        author = request.query_params.get("author")
        books = Book.objects.order_by("pk")
        return [b.title for b in (books.filter(author_id=author) if author else books)]

    class SyncList(APIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(60, key_constructor=key, invalidates_on=[rule])
        def get(self, request: Any) -> Response:
            return Response(titles(request))

    async_rule = InvalidationRule(
        rule.model_spec,
        field_mapping=rule.field_mapping or None,
        invalidate_all=rule.invalidate_all,
    )

    class AsyncList(AsyncAPIView):
        authentication_classes: list[Any] = []
        permission_classes: list[Any] = []

        @cache_response(60, key_constructor=key, invalidates_on=[async_rule])
        async def get(self, request: Any) -> Response:
            author = request.query_params.get("author")
            books = Book.objects.order_by("pk")
            if author:
                books = books.filter(author_id=author)
            return Response([b.title async for b in books])

    return {"sync": SyncList, "async": AsyncList}


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TestDetailInvalidation:
    def test_saving_the_object_drops_its_cached_detail(self, kind: str) -> None:
        view = author_views()[kind]
        ann = Author.objects.create(name="Ann")
        assert fetch(view, f"/authors/{ann.pk}", pk=str(ann.pk))["X-Cache-Status"] == "MISS"
        assert fetch(view, f"/authors/{ann.pk}", pk=str(ann.pk))["X-Cache-Status"] == "HIT"
        ann.name = "Anne"
        ann.save()
        again = fetch(view, f"/authors/{ann.pk}", pk=str(ann.pk))
        assert again["X-Cache-Status"] == "MISS" and b'"Anne"' in again.content

    def test_every_user_and_query_of_the_object_is_dropped_and_no_other(self, kind: str) -> None:
        view = author_views()[kind]
        ann, bob = Author.objects.create(name="Ann"), Author.objects.create(name="Bob")
        for url, user in [("/a", Reader(1)), ("/a?x=1", Reader(2)), ("/a", None)]:
            fetch(view, url, user=user, pk=str(ann.pk))
        fetch(view, "/b", pk=str(bob.pk))
        ann.save()
        for url, user in [("/a", Reader(1)), ("/a?x=1", Reader(2)), ("/a", None)]:
            assert fetch(view, url, user=user, pk=str(ann.pk))["X-Cache-Status"] == "MISS"
        assert fetch(view, "/b", pk=str(bob.pk))["X-Cache-Status"] == "HIT"

    def test_deleting_the_object_drops_its_cached_detail(self, kind: str) -> None:
        view = author_views()[kind]
        ann = Author.objects.create(name="Ann")
        pk = str(ann.pk)
        fetch(view, "/a", pk=pk)
        fetch(view, "/a?x=1", pk=pk)
        ann.delete()
        # LocMem counts what a wipe finds: nothing of author ``pk`` is left
        assert view.get.cache.delete_by_prefix(pk=pk) == 0

    def test_a_rolled_back_save_keeps_the_cached_response(self, kind: str) -> None:
        view = author_views()[kind]
        ann = Author.objects.create(name="Ann")
        fetch(view, "/a", pk=str(ann.pk))

        def save_then_fail() -> None:
            with transaction.atomic():
                ann.name = "Anne"
                ann.save()
                raise RuntimeError("roll back")

        with pytest.raises(RuntimeError):
            save_then_fail()
        assert fetch(view, "/a", pk=str(ann.pk))["X-Cache-Status"] == "HIT"

    def test_watch_fields_limit_the_rule_on_responses(self, kind: str) -> None:
        view = author_views(watch_fields=["name"])[kind]
        ann = Author.objects.create(name="Ann")
        fetch(view, "/a", pk=str(ann.pk))
        ann.email = "ann@example.com"
        ann.save(update_fields=["email"])
        assert fetch(view, "/a", pk=str(ann.pk))["X-Cache-Status"] == "HIT"
        ann.name = "Anne"
        ann.save(update_fields=["name"])
        assert fetch(view, "/a", pk=str(ann.pk))["X-Cache-Status"] == "MISS"


class TestListInvalidation:
    def test_invalidate_all_drops_every_cached_list_page(self, kind: str) -> None:
        view = book_list_views(InvalidationRule(Book, invalidate_all=True))[kind]
        ann = Author.objects.create(name="Ann")
        Book.objects.create(author=ann, title="One")
        for url in ["/books", "/books?page=2", f"/books?author={ann.pk}"]:
            assert fetch(view, url)["X-Cache-Status"] == "MISS"
        Book.objects.create(author=ann, title="Two")
        for url in ["/books", "/books?page=2", f"/books?author={ann.pk}"]:
            response = fetch(view, url)
            assert response["X-Cache-Status"] == "MISS", url
        assert b"Two" in fetch(view, "/books").content

    def test_a_query_parameter_partition_drops_only_that_filter(self, kind: str) -> None:
        rule = InvalidationRule(Book, field_mapping={"author": "author"})
        view = book_list_views(rule)[kind]
        ann, bob = Author.objects.create(name="Ann"), Author.objects.create(name="Bob")
        Book.objects.create(author=ann, title="One")
        Book.objects.create(author=bob, title="Other")
        fetch(view, f"/books?author={ann.pk}")
        fetch(view, f"/books?author={ann.pk}&page=2")
        fetch(view, f"/books?author={bob.pk}")
        Book.objects.create(author=ann, title="Two")
        fresh = fetch(view, f"/books?author={ann.pk}")
        assert fresh["X-Cache-Status"] == "MISS" and b"Two" in fresh.content
        assert fetch(view, f"/books?author={ann.pk}&page=2")["X-Cache-Status"] == "MISS"
        assert fetch(view, f"/books?author={bob.pk}")["X-Cache-Status"] == "HIT"


class TestInvalidateAllOnFunctions:
    def test_invalidate_all_rule_drops_every_entry_of_a_cached_function(self) -> None:
        @cache_result(ttl=60, invalidates_on=[InvalidationRule(Author, invalidate_all=True)])
        def count_named(name: str) -> int:
            return Author.objects.filter(name=name).count()

        assert (count_named("Ann"), count_named("Bob")) == (0, 0)
        Author.objects.create(name="Ann")
        assert count_named.get_cache_only("Ann") is CACHE_MISSING
        assert count_named.get_cache_only("Bob") is CACHE_MISSING
        assert count_named("Ann") == 1


def decorate_response(rule: InvalidationRule, key: Any = AuthorKey) -> Any:
    return cache_response(60, key_constructor=key, invalidates_on=[rule])(
        lambda view, request, pk: None
    )


class TestResponseDeclarationErrors:
    def test_a_mapping_naming_a_field_the_key_does_not_have(self) -> None:
        with pytest.raises(ImproperlyConfigured, match=r"'slug'.*AuthorKey does not have"):
            decorate_response(InvalidationRule(Author, field_mapping={"slug": "name"}))

    def test_a_missing_model_field(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="has no field 'nope'"):
            decorate_response(InvalidationRule(Author, field_mapping={"pk": "nope"}))

    def test_a_mapped_field_that_is_not_a_partition(self) -> None:
        class NoPartition(DefaultResponseKeyConstructor):
            author = ViewKwargsKeyField("pk")

        with pytest.raises(ImproperlyConfigured, match="leading partition fields"):
            decorate_response(InvalidationRule(Author, field_mapping={"pk": "id"}), key=NoPartition)

    def test_a_partition_after_an_unmapped_one_is_not_leading(self) -> None:
        class TwoPartitions(DefaultResponseKeyConstructor):
            tenant = RequestValueKeyField("tenant", "user.pk", partition=True)
            author = ViewKwargsKeyField("pk", partition=True)

        with pytest.raises(ImproperlyConfigured, match="partitions in order: tenant, author"):
            decorate_response(
                InvalidationRule(Author, field_mapping={"pk": "id"}), key=TwoPartitions
            )

    def test_require_args_must_be_mapped(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="require_args 'user' must be keys"):
            decorate_response(
                InvalidationRule(Author, field_mapping={"pk": "id"}, require_args=["user"])
            )

    def test_rewarm_cannot_rebuild_a_response(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="rewarm=True cannot rebuild a response"):
            decorate_response(InvalidationRule(Author, field_mapping={"pk": "id"}, rewarm=True))

    def test_invalidate_all_is_exclusive_with_the_other_forms(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="exactly one"):
            InvalidationRule(Author, field_mapping={"pk": "id"}, invalidate_all=True)
        with pytest.raises(ImproperlyConfigured, match="rewarm=True needs field_mapping"):
            InvalidationRule(Author, invalidate_all=True, rewarm=True)
