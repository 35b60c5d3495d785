"""Cache settings written for the reference library load and mean the same (issue 19,
item 11): ``KEY_HASH_ALGORITHM``, ``DISPATCHER_SETTINGS`` and ``DISPATCHER_RAISE_EXCEPTION``,
under the section's old name ``CACHE_SETTINGS`` as that library's projects have it."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from restflow.caching import ArgsKeyField, Dispatcher, KeyConstructor, Task, cache_result
from restflow.caching.dispatchers import get_dispatcher
from restflow.caching.settings import CACHE_SETTINGS


def cache_settings(**values: Any) -> Any:
    return override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": values})


def hashed_key() -> str:
    class Hashed(KeyConstructor):
        scope = ArgsKeyField("scope", hash=True)

    @cache_result(key_constructor=Hashed, ttl=60)
    def report(scope: str) -> str:
        return scope

    return report.get_cache_key("full")


# -- KEY_HASH_ALGORITHM ------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["sha256", "blake2b", "md5"])
def test_hashed_key_parts_use_the_named_algorithm(algorithm: str) -> None:
    with cache_settings(KEY_HASH_ALGORITHM=algorithm):
        key = hashed_key()
    expected = hashlib.new(algorithm, b"full").hexdigest()
    assert key.endswith(expected)


def test_md5_stays_the_default_so_existing_keys_keep_their_names() -> None:
    assert hashed_key().endswith(hashlib.md5(b"full").hexdigest())


def test_a_callable_algorithm_gives_the_digest() -> None:
    with cache_settings(KEY_HASH_ALGORITHM=lambda text: f"x{len(text)}"):
        assert hashed_key().endswith("x4")


@pytest.mark.parametrize("bad", ["sha-nope", "shake_128", 42, ""])
def test_an_unknown_algorithm_is_refused_naming_the_key(bad: Any) -> None:
    with (
        cache_settings(KEY_HASH_ALGORITHM=bad),
        pytest.raises(ImproperlyConfigured, match="KEY_HASH_ALGORITHM"),
    ):
        CACHE_SETTINGS.KEY_HASH_ALGORITHM  # noqa: B018


# -- DISPATCHER_SETTINGS ------------------------------------------------------------


def test_per_dispatcher_defaults_apply_to_every_dispatcher_of_that_name() -> None:
    with cache_settings(DISPATCHER_SETTINGS={"threadpool": {"MAX_WORKERS": 2}}):
        assert get_dispatcher("threadpool").config["max_workers"] == 2
        # a rule's own dispatcher_config wins
        assert get_dispatcher("threadpool", {"max_workers": 3}).config["max_workers"] == 3
    assert get_dispatcher("threadpool").config["max_workers"] == 4


def test_the_reference_library_s_default_blocks_load() -> None:
    reference = {
        "celery": {
            "TASK_NAME": "restflow.caching.tasks.task_run_cache_rules",
            "QUEUE": None,
            "RAISE_EXCEPTION": None,
        },
        "threadpool": {"MAX_WORKERS": 4, "RAISE_EXCEPTION": None},
        "django_rq": {
            "QUEUE": "default",
            "FUNCTION_PATH": "restflow.caching.tasks.run_cache_rules",
            "RAISE_EXCEPTION": None,
        },
        "inline": {"RAISE_EXCEPTION": None},
    }
    with cache_settings(DISPATCHER_SETTINGS=reference):
        assert get_dispatcher("threadpool").config["max_workers"] == 4
        assert get_dispatcher("inline").config["max_retries"] == 0


def test_an_unknown_key_in_a_block_is_refused_naming_it() -> None:
    with (
        cache_settings(DISPATCHER_SETTINGS={"threadpool": {"MAX_WORKRS": 2}}),
        pytest.raises(ImproperlyConfigured, match=r"max_workrs"),
    ):
        get_dispatcher("threadpool")


def test_another_worker_entry_point_is_refused_with_the_reason() -> None:
    with (
        cache_settings(DISPATCHER_SETTINGS={"django_rq": {"FUNCTION_PATH": "mine.run"}}),
        pytest.raises(ImproperlyConfigured, match="FUNCTION_PATH"),
    ):
        CACHE_SETTINGS.DISPATCHER_SETTINGS  # noqa: B018


@pytest.mark.parametrize("bad", [[], {"threadpool": []}, {3: {}}])
def test_a_malformed_dispatcher_settings_is_refused(bad: Any) -> None:
    with (
        cache_settings(DISPATCHER_SETTINGS=bad),
        pytest.raises(ImproperlyConfigured, match="DISPATCHER_SETTINGS"),
    ):
        CACHE_SETTINGS.DISPATCHER_SETTINGS  # noqa: B018


# -- DISPATCHER_RAISE_EXCEPTION ------------------------------------------------------


class Failing(Dispatcher):
    name: ClassVar[str] = "failing"

    def send(self, payload: list[dict[str, Any]]) -> None:
        raise RuntimeError("queue unreachable")


TASKS = [Task("restflow.caching.dispatchers.base:run_task", {"path": "x:y", "kwargs": {}})]


def test_failures_are_logged_not_raised_by_default(caplog: pytest.LogCaptureFixture) -> None:
    Failing().dispatch(TASKS)
    assert "queue unreachable" in caplog.text


@pytest.mark.parametrize("path", ["sync", "async"])
def test_raise_exception_makes_dispatch_raise_after_logging(path: str) -> None:
    import asyncio

    def send() -> None:
        if path == "sync":
            Failing().dispatch(TASKS)
        else:
            asyncio.run(Failing().adispatch(TASKS))

    with (
        cache_settings(DISPATCHER_RAISE_EXCEPTION=True),
        pytest.raises(RuntimeError, match="queue unreachable"),
    ):
        send()


def test_a_dispatcher_block_overrides_the_global_switch() -> None:
    settings = {
        "DISPATCHER_RAISE_EXCEPTION": True,
        "DISPATCHER_SETTINGS": {"failing": {"RAISE_EXCEPTION": False}},
    }
    with cache_settings(**settings):
        Failing().dispatch(TASKS)  # logged only
    only_this = {"DISPATCHER_SETTINGS": {"failing": {"RAISE_EXCEPTION": True}}}
    with cache_settings(**only_this), pytest.raises(RuntimeError):
        Failing().dispatch(TASKS)
