"""Blacklist backends: LocMem, Redis (Django's and django-redis), the database; purge command."""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from conftest import Clock, need_cache, seconds_left
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from restflow.authentication import CacheBlacklistBackend, ModelBlacklistBackend
from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.models import BlacklistedToken

pytestmark = pytest.mark.django_db(transaction=True)

BACKENDS = ["locmem", "redis", "django_redis", "model"]


def _backend(name: str) -> BlacklistBackend:
    if name == "model":
        return ModelBlacklistBackend()
    alias = "default" if name == "locmem" else name
    need_cache(alias)
    return CacheBlacklistBackend(alias=alias, key_prefix=f"bl-test-{time.time_ns()}:")


def _jti() -> str:
    return f"jti-{time.time_ns()}"


@pytest.mark.parametrize("name", BACKENDS)
async def test_add_is_true_once_then_false_and_contains_sees_it(name: str) -> None:
    backend = _backend(name)
    jti, expires = _jti(), time.time() + 120
    assert await sync_to_async(backend.contains)(jti) is False
    assert await sync_to_async(backend.add)(jti, expires) is True
    assert await sync_to_async(backend.add)(jti, expires) is False
    assert await sync_to_async(backend.contains)(jti) is True
    assert await backend.acontains(jti) is True
    assert await backend.aadd(jti, expires) is False


@pytest.mark.parametrize("name", BACKENDS)
async def test_async_twins_agree_with_the_sync_methods(name: str) -> None:
    backend = _backend(name)
    jti = _jti()
    assert await backend.acontains(jti) is False
    assert await backend.aadd(jti, time.time() + 120) is True
    assert await backend.aadd(jti, time.time() + 120) is False
    assert await backend.acontains(jti) is True
    assert await sync_to_async(backend.contains)(jti) is True


@pytest.mark.parametrize("name", ["locmem", "redis", "django_redis"])
async def test_cache_backends_cost_no_thread_hop_on_the_async_path(
    name: str, hops: list[Any]
) -> None:
    backend = _backend(name)
    jti = _jti()
    await backend.aadd(jti, time.time() + 60)
    assert await backend.acontains(jti) is True
    assert hops == []


@pytest.fixture
def without_redis_asyncio(monkeypatch: pytest.MonkeyPatch) -> Any:
    """As if ``redis.asyncio`` were not installed (restflow.asynccache decides again after)."""
    from restflow.asynccache import _compat, reset_async_caches

    monkeypatch.setattr(_compat, "redis_asyncio", None)
    reset_async_caches()
    yield
    monkeypatch.undo()
    reset_async_caches()


@pytest.mark.usefixtures("without_redis_asyncio")
async def test_without_redis_asyncio_a_redis_blacklist_works_in_one_hop_per_call(
    hops: list[Any],
) -> None:
    from restflow.asynccache import Mode, async_cache

    backend = _backend("redis")
    assert async_cache("redis").mode is Mode.THREAD
    jti = _jti()
    assert await backend.aadd(jti, time.time() + 60) is True
    assert await backend.acontains(jti) is True
    assert len(hops) == 2
    assert await sync_to_async(backend.contains)(jti) is True


async def test_model_backend_takes_one_thread_hop_per_call(hops: list[Any]) -> None:
    backend = _backend("model")
    jti = _jti()
    await backend.aadd(jti, time.time() + 60)
    await backend.acontains(jti)
    assert len(hops) == 2


@pytest.mark.parametrize("name", ["locmem", "redis", "django_redis"])
async def test_a_cache_entry_lives_the_remaining_lifetime_and_a_second(name: str) -> None:
    backend: Any = _backend(name)
    jti, sync_jti = _jti(), _jti()
    await backend.aadd(jti, time.time() + 100)
    await sync_to_async(backend.add)(sync_jti, time.time() + 50)
    for key, lifetime in ((jti, 100), (sync_jti, 50)):
        assert lifetime - 1 <= seconds_left(backend, key) <= lifetime + 1  # + the 1 s margin


@pytest.mark.parametrize("name", ["locmem", "redis"])
def test_the_entry_of_an_expired_token_is_kept_only_the_one_second_margin(
    name: str, clock: Clock
) -> None:
    backend: Any = _backend(name)
    jti = _jti()
    backend.add(jti, clock.now - 0.5)  # expired (LEEWAY is 0): kept for the margin alone
    assert backend.contains(jti)
    assert 0 < seconds_left(backend, jti) <= 1  # then the cache forgets it


def test_model_backend_stores_expiry_and_cleanup_removes_only_expired_rows() -> None:
    backend = ModelBlacklistBackend()
    now = time.time()
    backend.add("old", now - 10)
    backend.add("live", now + 3600)
    row = BlacklistedToken.objects.get(jti="live")
    assert abs(row.expires_at.timestamp() - (now + 3600)) < 1
    assert row.expires_at.tzinfo is not None
    assert str(row) == "live"
    assert backend.purge_expired() == 1
    assert list(BlacklistedToken.objects.values_list("jti", flat=True)) == ["live"]


def test_purge_command_deletes_expired_rows_and_says_how_many() -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    future = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    BlacklistedToken.objects.create(jti="a", expires_at=past)
    BlacklistedToken.objects.create(jti="b", expires_at=past)
    BlacklistedToken.objects.create(jti="c", expires_at=future)
    out = io.StringIO()
    call_command("purge_blacklisted_tokens", stdout=out)
    assert "Deleted 2 expired blacklisted token(s)." in out.getvalue()
    assert list(BlacklistedToken.objects.values_list("jti", flat=True)) == ["c"]


def test_cache_backend_reads_its_alias_and_prefix_from_settings() -> None:
    from django.test import override_settings
    from jwt_settings import SIGNING_KEY

    jwt = {"SIGNING_KEY": SIGNING_KEY, "BLACKLIST_KEY_PREFIX": "p:", "BLACKLIST_CACHE_ALIAS": "x"}
    with override_settings(
        RESTFLOW_SETTINGS={"JWT": jwt},
        CACHES={
            **settings.CACHES,
            "x": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        },
    ):
        backend = CacheBlacklistBackend()
        assert (backend.alias, backend.key("j")) == ("x", "p:j")
        assert backend.add("j", time.time() + 60)
        assert caches["x"].get("p:j") == 1


def test_the_committed_migration_matches_the_model() -> None:
    out = io.StringIO()
    call_command("makemigrations", "restflow_authentication", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
