"""``InvalidationRule``: model writes drop or rewarm entries on commit, through a dispatcher."""

from __future__ import annotations

import asyncio
import time
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from cachetests import invalidators
from cachetests.models import Author, Book
from restflow.caching import (
    CACHE_MISSING,
    ArgsKeyField,
    InvalidationRule,
    KeyConstructor,
    cache_result,
)
from restflow.caching.dispatchers import Dispatcher, run_task

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("detached_rules")]


class Recording(Dispatcher):
    """Records every batch, then runs it inline."""

    name: ClassVar[str] = "recording"
    batches: ClassVar[list[list[dict[str, Any]]]] = []

    def send(self, payload: list[dict[str, Any]]) -> None:
        Recording.batches.append(payload)
        for item in payload:
            run_task(item["path"], item["kwargs"])


def author_cache(**rule_options: Any) -> Any:
    runs: list[int] = []

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(Author, field_mapping={"author_id": "id"}, **rule_options)
        ],
    )
    def author_name(author_id: int) -> str:
        runs.append(author_id)
        return Author.objects.get(pk=author_id).name

    author_name.runs = runs  # type: ignore[attr-defined]
    return author_name


class TestOnCommit:
    def test_save_drops_the_entry_on_commit(self) -> None:
        wrapper = author_cache()
        ann = Author.objects.create(name="Ann")
        assert wrapper(ann.pk) == "Ann"
        with transaction.atomic():
            ann.name = "Anne"
            ann.save()
            assert wrapper.get_cache_only(ann.pk) == "Ann"  # not yet committed
        assert wrapper.get_cache_only(ann.pk) is CACHE_MISSING
        assert wrapper(ann.pk) == "Anne"

    def test_a_rolled_back_write_invalidates_nothing(self) -> None:
        wrapper = author_cache()
        ann = Author.objects.create(name="Ann")
        wrapper(ann.pk)

        def write_then_fail() -> None:
            with transaction.atomic():
                ann.name = "Anne"
                ann.save()
                raise RuntimeError("rollback")

        with pytest.raises(RuntimeError, match="rollback"):
            write_then_fail()
        assert wrapper.get_cache_only(ann.pk) == "Ann"

    def test_delete_inside_atomic_is_invalidated_on_commit(self) -> None:
        wrapper = author_cache()
        ann = Author.objects.create(name="Ann")
        pk = ann.pk
        wrapper(pk)
        with transaction.atomic():
            ann.delete()
            assert wrapper.get_cache_only(pk) == "Ann"
        assert wrapper.get_cache_only(pk) is CACHE_MISSING

    def test_on_commit_false_invalidates_at_once(self) -> None:
        wrapper = author_cache(on_commit=False)
        ann = Author.objects.create(name="Ann")
        wrapper(ann.pk)
        with transaction.atomic():
            ann.save()
            assert wrapper.get_cache_only(ann.pk) is CACHE_MISSING

    def test_async_save_invalidates(self) -> None:
        wrapper = author_cache()
        ann = Author.objects.create(name="Ann")

        async def go() -> Any:
            await wrapper.arefresh(ann.pk)
            return await wrapper.aget_cache_only(ann.pk)

        async def save_then_read() -> Any:
            ann.name = "Anne"
            await ann.asave()
            return await wrapper.aget_cache_only(ann.pk)

        assert asyncio.run(go()) == "Ann"
        assert asyncio.run(save_then_read()) is CACHE_MISSING


class TestWatchFields:
    def test_update_fields_without_a_watched_field_do_not_fire(self) -> None:
        wrapper = author_cache(watch_fields=["email"])
        ann = Author.objects.create(name="Ann")
        wrapper(ann.pk)
        ann.name = "Anne"
        ann.save(update_fields=["name"])
        assert wrapper.get_cache_only(ann.pk) == "Ann"
        ann.email = "a@x"
        ann.save(update_fields=["email"])
        assert wrapper.get_cache_only(ann.pk) is CACHE_MISSING

    def test_plain_save_fires_only_when_a_watched_value_changed(self) -> None:
        wrapper = author_cache(watch_fields=["email"])
        Author.objects.create(name="Ann")
        ann = Author.objects.get()
        wrapper(ann.pk)
        ann.name = "Anne"
        ann.save()
        assert wrapper.get_cache_only(ann.pk) == "Ann"
        ann.email = "a@x"
        ann.save()
        assert wrapper.get_cache_only(ann.pk) is CACHE_MISSING


class TestRewarm:
    def test_rewarm_recomputes_instead_of_deleting(self) -> None:
        wrapper = author_cache(rewarm=True)
        ann = Author.objects.create(name="Ann")
        wrapper(ann.pk)
        ann.name = "Anne"
        ann.save()
        assert wrapper.get_cache_only(ann.pk) == "Anne"
        assert wrapper.get_with_metadata(ann.pk)[1]["cache_status"] == "HIT"

    def test_rewarm_without_every_argument_is_improperly_configured(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="rewarm=True"):

            @cache_result(
                invalidates_on=[
                    InvalidationRule(Author, field_mapping={"author_id": "id"}, rewarm=True)
                ],
                key_constructor=type(
                    "K", (KeyConstructor,), {"a": ArgsKeyField("author_id", partition=True)}
                ),
            )
            def f(author_id: int, other: int) -> None: ...


class TestMappingShapes:
    def test_partition_mapping_drops_the_partition(self) -> None:
        class ByAuthor(KeyConstructor):
            author = ArgsKeyField("author_id", partition=True)
            page = ArgsKeyField("page")

        @cache_result(
            key_constructor=ByAuthor,
            ttl=60,
            invalidates_on=[InvalidationRule(Book, field_mapping={"author_id": "author_id"})],
        )
        def books(author_id: int, page: int) -> list[str]:
            return list(Book.objects.filter(author_id=author_id).values_list("title", flat=True))

        ann, bob = Author.objects.create(name="Ann"), Author.objects.create(name="Bob")
        books(ann.pk, 1), books(ann.pk, 2), books(bob.pk, 1)
        Book.objects.create(author=ann, title="T")
        assert books.get_cache_only(ann.pk, 1) is CACHE_MISSING
        assert books.get_cache_only(ann.pk, 2) is CACHE_MISSING
        assert books.get_cache_only(bob.pk, 1) == []

    def test_moving_a_row_invalidates_the_old_and_the_new_value(self) -> None:
        @cache_result(
            ttl=60,
            invalidates_on=[InvalidationRule(Book, field_mapping={"author_id": "author"})],
        )
        def count(author_id: int) -> int:
            return Book.objects.filter(author_id=author_id).count()

        ann, bob = Author.objects.create(name="Ann"), Author.objects.create(name="Bob")
        book = Book.objects.create(author=ann, title="T")
        book = Book.objects.get(pk=book.pk)
        assert (count(ann.pk), count(bob.pk)) == (1, 0)
        book.author = bob
        book.save()
        assert count.get_cache_only(ann.pk) is CACHE_MISSING
        assert count.get_cache_only(bob.pk) is CACHE_MISSING
        assert (count(ann.pk), count(bob.pk)) == (0, 1)

    def test_trigger_on_create_false_ignores_inserts(self) -> None:
        wrapper = author_cache(trigger_on_create=False)
        calls: list[str] = []
        wrapper.rules[0].dispatch = lambda task, using: calls.append(task.path)  # type: ignore[method-assign]
        ann = Author.objects.create(name="Bob")
        assert calls == []
        ann.save()
        assert len(calls) == 1

    def test_invalidate_when_and_negation(self) -> None:
        wrapper = author_cache(invalidate_when={"active": True, "!name": "skip"})
        fired: list[str] = []
        wrapper.rules[0].dispatch = lambda task, using: fired.append(task.description)  # type: ignore[method-assign]
        Author.objects.create(name="a", active=False)
        Author.objects.create(name="skip", active=True)
        Author.objects.create(name="b", active=True)
        assert len(fired) == 1 and "create" in fired[0]

    def test_require_args_skips_none_values(self) -> None:
        @cache_result(
            ttl=60,
            invalidates_on=[
                InvalidationRule(Author, field_mapping={"email": "email"}, require_args=["email"])
            ],
        )
        def by_email(email: str | None) -> int:
            return 1

        fired: list[Any] = []
        by_email.rules[0].dispatch = lambda task, using: fired.append(task.kwargs)  # type: ignore[method-assign]
        ann = Author.objects.create(name="a", email="x@y")
        assert fired[-1]["calls"] == [{"kind": "key", "values": {"email": "x@y"}}]
        rule = by_email.rules[0]
        ann.email = None  # type: ignore[assignment]
        assert rule.build_task(ann, {}, "update") is None


class TestInvalidators:
    @pytest.mark.parametrize(
        "invalidator",
        [
            invalidators.drop_author,
            "cachetests.invalidators.drop_author",
            "cachetests.invalidators:adrop_author",
        ],
    )
    def test_invalidator_callable_dotted_or_async(self, invalidator: Any) -> None:
        invalidators.SEEN.clear()

        @cache_result(ttl=60, invalidates_on=[InvalidationRule(Author, invalidator=invalidator)])
        def name(author_id: int) -> str:
            return Author.objects.get(pk=author_id).name

        ann = Author.objects.create(name="Ann")
        name(ann.pk)
        ann.save()
        assert name.get_cache_only(ann.pk) is CACHE_MISSING
        assert invalidators.SEEN[-1][1:] == (ann.pk, "update")

    def test_a_failing_invalidation_never_fails_the_write(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        @cache_result(
            ttl=60,
            invalidates_on=[InvalidationRule(Author, invalidator=invalidators.explode)],
        )
        def name(author_id: int) -> str:
            return "x"

        ann = Author.objects.create(name="Ann")
        ann.name = "Anne"
        ann.save()
        assert Author.objects.get().name == "Anne"
        assert "invalidator exploded" in caplog.text


class TestDispatch:
    def test_writes_of_one_transaction_go_out_as_one_batch(self) -> None:
        Recording.batches.clear()
        first = author_cache(dispatcher=Recording)
        ann, bob = Author.objects.create(name="Ann"), Author.objects.create(name="Bob")
        Recording.batches.clear()
        first(ann.pk), first(bob.pk)
        with transaction.atomic():
            ann.save()
            bob.save()
        assert len(Recording.batches) == 1 and len(Recording.batches[0]) == 2
        assert first.get_cache_only(ann.pk) is CACHE_MISSING

    def test_rules_on_the_default_dispatcher_share_one_batch(self) -> None:
        Recording.batches.clear()
        from django.test import override_settings

        from restflow.caching.dispatchers import register_dispatcher

        register_dispatcher("recording", Recording)
        with override_settings(RESTFLOW_SETTINGS={"CACHE": {"DEFAULT_DISPATCHER": "recording"}}):
            one = author_cache()

            @cache_result(
                ttl=60, invalidates_on=[InvalidationRule(Author, field_mapping={"pk": "id"})]
            )
            def two(pk: int) -> int:
                return pk

            ann = Author.objects.create(name="Ann")
            Recording.batches.clear()
            with transaction.atomic():
                ann.save()
                ann.save()
        assert len(Recording.batches) == 1 and len(Recording.batches[0]) == 4
        rules = {item["kwargs"]["rule"] for item in Recording.batches[0]}
        assert rules == {one.rules[0].id, two.rules[0].id}

    def test_threadpool_dispatcher_invalidates(self) -> None:
        wrapper = author_cache(dispatcher="threadpool")
        ann = Author.objects.create(name="Ann")
        wrapper(ann.pk)
        ann.save()
        deadline = time.monotonic() + 5
        while wrapper.get_cache_only(ann.pk) is not CACHE_MISSING and time.monotonic() < deadline:
            time.sleep(0.01)
        assert wrapper.get_cache_only(ann.pk) is CACHE_MISSING

    def test_dispatcher_config_is_passed(self) -> None:
        rule = InvalidationRule(
            Author,
            field_mapping={"author_id": "id"},
            dispatcher="inline",
            dispatcher_config={"max_retries": 2},
        )
        assert rule.get_dispatcher().config["max_retries"] == 2


class TestDeclarationErrors:
    def test_unknown_argument(self) -> None:
        with pytest.raises(ImproperlyConfigured, match=r"'nope'.*does not take"):
            cache_result(invalidates_on=[InvalidationRule(Author, field_mapping={"nope": "id"})])(
                lambda author_id: None
            )

    def test_unknown_model_field(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="has no field 'nope'"):
            cache_result(
                invalidates_on=[InvalidationRule(Author, field_mapping={"author_id": "nope"})]
            )(lambda author_id: None)

    def test_unknown_dispatcher_lists_the_known_ones(self) -> None:
        with pytest.raises(ImproperlyConfigured, match=r"Unknown dispatcher 'nope'.*inline"):
            InvalidationRule(Author, field_mapping={"author_id": "id"}, dispatcher="nope")

    def test_exactly_one_of_mapping_or_invalidator(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="exactly one"):
            InvalidationRule(Author)
        with pytest.raises(ImproperlyConfigured, match="exactly one"):
            InvalidationRule(Author, field_mapping={"a": "id"}, invalidator=print)

    def test_unknown_model_label(self) -> None:
        with pytest.raises(ImproperlyConfigured, match=r"unknown model 'cachetests\.Nope'"):
            cache_result(
                invalidates_on=[InvalidationRule("cachetests.Nope", field_mapping={"a": "id"})]
            )(lambda a: None)

    def test_mapping_that_covers_no_key_is_rejected(self) -> None:
        with pytest.raises(ImproperlyConfigured, match="covers neither"):
            cache_result(invalidates_on=[InvalidationRule(Author, field_mapping={"a": "id"})])(
                lambda a, b: None
            )
