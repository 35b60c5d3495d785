"""get_dispatcher, register_dispatcher, config validation, custom subclasses and system checks."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from restflow.caching.dispatchers import (
    Dispatcher,
    Task,
    _brokers,
    check_dispatcher,
    get_dispatcher,
    known_dispatchers,
    register_dispatcher,
    registry,
)
from restflow.caching.dispatchers import checks as dispatcher_checks
from restflow.caching.dispatchers._options import Option, at_least
from restflow.caching.dispatchers.asyncio import AsyncioDispatcher
from restflow.caching.dispatchers.base import Payload
from restflow.caching.dispatchers.broker import BrokerDispatcher
from restflow.caching.dispatchers.celery import CeleryDispatcher
from restflow.caching.dispatchers.django_q import DjangoQDispatcher
from restflow.caching.dispatchers.django_rq import DjangoRQDispatcher
from restflow.caching.dispatchers.dramatiq import DramatiqDispatcher
from restflow.caching.dispatchers.inline import InlineDispatcher
from restflow.caching.dispatchers.rq import RQDispatcher
from restflow.caching.dispatchers.threadpool import ThreadPoolDispatcher

BUILTINS = {
    "inline": (InlineDispatcher, {}),
    "threadpool": (ThreadPoolDispatcher, {}),
    "asyncio": (AsyncioDispatcher, {}),
    "celery": (CeleryDispatcher, {}),
    "rq": (RQDispatcher, {"url": "redis://127.0.0.1:1/0"}),
    "django_rq": (DjangoRQDispatcher, {}),
    "django_q": (DjangoQDispatcher, {}),
    "dramatiq": (DramatiqDispatcher, {}),
}


class ListDispatcher(Dispatcher):
    """A custom dispatcher: keeps the batches it is given."""

    name: ClassVar[str] = "list"
    options: ClassVar[dict[str, Option]] = {"limit": Option(int, 10, at_least(1))}

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self.batches: list[Payload] = []

    def send(self, payload: Payload) -> None:
        if len(self.batches) >= self.config["limit"]:
            raise RuntimeError("the list is full")
        self.batches.append(payload)


class NeedsMissingExtra(BrokerDispatcher):
    """A broker dispatcher whose module is not installed anywhere."""

    name: ClassVar[str] = "missing"
    requires: ClassVar[tuple[str, ...]] = ("restflow_no_such_broker_module",)


@pytest.fixture(autouse=True)
def _registry() -> Iterator[None]:
    saved = dict(registry._REGISTRY)
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


TASK = Task("dispatchtests.tasks:record", {"key": "k"}, "record k")


# --- resolving -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_every_builtin_name_resolves_to_its_class(name: str) -> None:
    cls, config = BUILTINS[name]
    dispatcher = get_dispatcher(name, config)
    assert type(dispatcher) is cls
    assert cls.name == name


def test_no_spec_means_inline() -> None:
    assert type(get_dispatcher(None)) is InlineDispatcher


def test_known_dispatchers_lists_the_builtins() -> None:
    assert set(BUILTINS) <= set(known_dispatchers())


def test_an_unknown_name_lists_the_known_names() -> None:
    with pytest.raises(ImproperlyConfigured, match="Unknown dispatcher 'kafka'") as info:
        get_dispatcher("kafka")
    for name in BUILTINS:
        assert name in str(info.value)


def test_a_class_and_a_dotted_path_resolve_like_a_name() -> None:
    assert type(get_dispatcher(ListDispatcher)) is ListDispatcher
    path = f"{__name__}:ListDispatcher"
    assert type(get_dispatcher(path, {"limit": 2})) is ListDispatcher


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("dispatchtests.nowhere:Thing", "Cannot import the dispatcher"),
        (f"{__name__}:TASK", "is not a Dispatcher subclass"),
        (42, "A dispatcher is a name, a dotted path"),
    ],
)
def test_a_spec_that_is_no_dispatcher_is_refused(spec: Any, match: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=match):
        get_dispatcher(spec)


def test_an_instance_is_returned_as_is_and_refuses_a_second_config() -> None:
    dispatcher = ListDispatcher(limit=3)
    assert get_dispatcher(dispatcher) is dispatcher
    with pytest.raises(ImproperlyConfigured, match="already built"):
        get_dispatcher(dispatcher, {"limit": 4})


def test_a_config_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="must be a dict"):
        get_dispatcher("inline", ["max_retries"])  # type: ignore[arg-type]


# --- config validation ---------------------------------------------------------------------------


def test_unknown_config_keys_are_named_with_the_accepted_ones() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        get_dispatcher("threadpool", {"workers": 2, "qeue": "x"})
    message = str(info.value)
    assert "ThreadPoolDispatcher ('threadpool' dispatcher)" in message
    assert "'qeue', 'workers'" in message
    assert "max_workers" in message


@pytest.mark.parametrize(
    ("name", "config", "match"),
    [
        ("inline", {"max_retries": -1}, "config 'max_retries' must be >= 0"),
        ("inline", {"max_retries": True}, "config 'max_retries' must be int"),
        ("threadpool", {"max_workers": "4"}, "config 'max_workers' must be int, got str"),
        ("celery", {"priority": 300}, "config 'priority' must be in 0..255"),
        ("celery", {"queue": " "}, "config 'queue' must be a non-empty string"),
        ("rq", {"url": 5}, "config 'url' must be str"),
        ("django_q", {"timeout": 0}, "config 'timeout' must be >= 1"),
        ("dramatiq", {"min_backoff": 1.5}, "config 'min_backoff' must be int"),
    ],
)
def test_invalid_config_values_are_named(name: str, config: dict[str, Any], match: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=match):
        get_dispatcher(name, config)


def test_every_fault_of_a_config_is_reported_at_once() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        get_dispatcher("inline", {"max_retries": -1, "retry_delay": "1s"})
    assert "max_retries" in str(info.value)
    assert "retry_delay" in str(info.value)


def test_defaults_fill_the_keys_not_given() -> None:
    dispatcher = get_dispatcher("celery", {"queue": "cache"})
    assert dispatcher.config["queue"] == "cache"
    assert dispatcher.config["max_retries"] == 3
    assert repr(dispatcher) == "<CeleryDispatcher {'queue': 'cache'}>"


# --- custom subclasses and register_dispatcher -------------------------------------------------


def test_a_registered_subclass_is_found_by_name_with_its_config() -> None:
    register_dispatcher("list", ListDispatcher)
    dispatcher = get_dispatcher("list", {"limit": 5})
    assert isinstance(dispatcher, ListDispatcher)
    assert dispatcher.config["limit"] == 5
    assert "list" in known_dispatchers()


def test_a_custom_dispatcher_receives_one_batch_per_dispatch() -> None:
    dispatcher = ListDispatcher()
    other = Task("dispatchtests.tasks:record", {"key": "o"})
    dispatcher.dispatch([TASK, other])
    dispatcher.dispatch([])
    assert dispatcher.batches == [[TASK.to_payload(), other.to_payload()]]


async def test_a_custom_dispatcher_receives_the_batch_on_the_async_path_too() -> None:
    dispatcher = ListDispatcher()
    await dispatcher.adispatch([TASK])
    assert dispatcher.batches == [[TASK.to_payload()]]


@pytest.mark.parametrize("path", ["sync", "async"])
def test_a_failing_send_is_logged_not_raised(path: str, caplog: pytest.LogCaptureFixture) -> None:
    dispatcher = ListDispatcher(limit=1)
    dispatcher.dispatch([TASK])
    with caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"):
        if path == "sync":
            dispatcher.dispatch([TASK])
        else:
            import asyncio

            asyncio.run(dispatcher.adispatch([TASK]))
    [record] = [r for r in caplog.records if r.name == "restflow.caching.dispatchers"]
    assert "could not run 1 task(s): record k" in record.getMessage()
    assert record.exc_info is not None and "the list is full" in str(record.exc_info[1])


def test_a_subclass_without_send_logs_that_it_must_implement_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Lazy(Dispatcher):
        name: ClassVar[str] = "lazy"

    with caplog.at_level(logging.ERROR, "restflow.caching.dispatchers"):
        Lazy().dispatch([TASK])
    assert "Lazy must implement send()" in caplog.text


def test_dispatch_refuses_what_is_not_a_task() -> None:
    with pytest.raises(TypeError, match="dispatchers run Task objects"):
        ListDispatcher().dispatch([{"path": "x:y"}])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("name", "cls", "match"),
    [("", ListDispatcher, "non-empty str"), ("x", object, "is not a Dispatcher subclass")],
)
def test_register_dispatcher_refuses_bad_arguments(name: str, cls: Any, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        register_dispatcher(name, cls)


# --- missing extras ------------------------------------------------------------------------------


def test_a_broker_whose_extra_is_missing_raises_with_the_pip_command() -> None:
    with pytest.raises(ImproperlyConfigured) as info:
        get_dispatcher(NeedsMissingExtra)
    assert "'restflow_no_such_broker_module' is not installed" in str(info.value)
    assert "pip install 'restflow-cache[restflow_no_such_broker_module]'" in str(info.value)


def test_require_names_the_extra_of_a_known_broker_module() -> None:
    assert _brokers.install_command("django-q") == "pip install 'restflow-cache[django-q]'"
    with pytest.raises(ImproperlyConfigured, match="pip install"):
        _brokers.require("restflow_no_such_broker_module")
    assert _brokers.missing("rq", "celery") is None


# --- system checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "config", "check_id"),
    [
        ("kafka", None, "restflow_caching.E101"),
        (NeedsMissingExtra, None, "restflow_caching.E102"),
        ("inline", {"max_retries": -1}, "restflow_caching.E103"),
        ("django_rq", {"queue": "nowhere"}, "restflow_caching.E104"),
    ],
)
def test_check_dispatcher_reports_each_problem_with_its_id(
    spec: Any, config: dict[str, Any] | None, check_id: str
) -> None:
    [error] = check_dispatcher(spec, config, obj="the rule")
    assert error.id == check_id
    assert error.level == checks.ERROR
    gc.collect()


def test_check_dispatcher_is_silent_for_a_sound_spec() -> None:
    assert check_dispatcher("threadpool", {"max_workers": 2}) == []


@override_settings(RQ_QUEUES={"cache": {"URL": "redis://127.0.0.1:1/0"}})
def test_django_rq_accepts_a_queue_of_rq_queues() -> None:
    assert DjangoRQDispatcher(queue="cache").check() == []
    [error] = DjangoRQDispatcher(queue="default").check()
    assert "'default' is not in settings.RQ_QUEUES (defined: 'cache')" in error.msg


def test_django_q_needs_its_app_and_a_cluster() -> None:
    messages = [error.msg for error in DjangoQDispatcher().check()]
    assert any("'django_q' is not in INSTALLED_APPS" in m for m in messages)
    assert any("Q_CLUSTER is not set" in m for m in messages)


@pytest.mark.parametrize(
    ("cls", "config", "match"),
    [
        (CeleryDispatcher, {"app": "dispatchtests.nowhere:app"}, "cannot import the Celery app"),
        (DramatiqDispatcher, {"broker": "dispatchtests.nowhere:b"}, "cannot import the dramatiq"),
    ],
)
def test_a_broker_object_path_that_does_not_import_fails_the_check(
    cls: type[Dispatcher], config: dict[str, Any], match: str
) -> None:
    [error] = cls(**config).check()
    assert error.id == "restflow_caching.E104"
    assert match in error.msg


def test_manage_py_check_reports_the_dispatchers_built_so_far() -> None:
    dispatcher = get_dispatcher("django_rq", {"queue": "restflow-check-queue"})
    ours = [(e.id, e.msg) for e in checks.run_checks(tags=["restflow"]) if e.obj is dispatcher]
    assert len(ours) == 1
    assert ours[0][0] == "restflow_caching.E104"
    assert "restflow-check-queue" in ours[0][1]
    del dispatcher
    gc.collect()  # a dispatcher nothing holds any more is not checked
    assert not [e for e in checks.run_checks(tags=["restflow"]) if "restflow-check-queue" in e.msg]


@pytest.mark.parametrize(
    ("settings", "check_id"),
    [
        ({"DEFAULT_DISPATCHER": "kafka"}, "restflow_caching.E101"),
        ({"DEFAULT_DISPATCHER_CONFIG": {"max_retries": -2}}, "restflow_caching.E103"),
        (
            {"DEFAULT_DISPATCHER": "django_rq", "DEFAULT_DISPATCHER_CONFIG": {"queue": "q"}},
            "restflow_caching.E104",
        ),
    ],
)
def test_manage_py_check_reports_a_bad_default_dispatcher_setting(
    settings: dict[str, Any], check_id: str
) -> None:
    with override_settings(RESTFLOW_SETTINGS={"CACHE": settings}):
        errors = [e for e in checks.run_checks(tags=["restflow"]) if "DEFAULT_DISPATCHER" in e.msg]
    assert [e.id for e in errors] == [check_id]


@pytest.mark.parametrize("silenced", ["restflow.caching.E101", "restflow_caching.E101"])
def test_the_former_and_the_current_id_both_silence_a_dispatcher_check(silenced: str) -> None:
    with override_settings(RESTFLOW_SETTINGS={"CACHE": {"DEFAULT_DISPATCHER": "kafka"}}):
        with pytest.raises(SystemCheckError, match=r"restflow_caching\.E101"):
            call_command("check", tags=["restflow"])
        with override_settings(SILENCED_SYSTEM_CHECKS=[silenced]):
            call_command("check", tags=["restflow"])  # no SystemCheckError


def test_the_dispatcher_ids_keep_their_numbers() -> None:
    assert dispatcher_checks.FORMER_IDS == {
        "restflow_caching.E101": "restflow.caching.E101",
        "restflow_caching.E102": "restflow.caching.E102",
        "restflow_caching.E103": "restflow.caching.E103",
        "restflow_caching.E104": "restflow.caching.E104",
    }


def test_the_default_dispatcher_setting_passes_the_check_when_sound() -> None:
    settings = {"DEFAULT_DISPATCHER": "threadpool", "DEFAULT_DISPATCHER_CONFIG": {"max_workers": 2}}
    with override_settings(RESTFLOW_SETTINGS={"CACHE": settings}):
        errors = [e for e in checks.run_checks(tags=["restflow"]) if "DEFAULT_DISPATCHER" in e.msg]
    assert errors == []


# --- declaring a subclass ------------------------------------------------------------------------


def test_a_subclass_with_a_name_that_is_not_a_string_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match=r"Bad\.name must be a str"):

        class Bad(Dispatcher):
            name = 3  # type: ignore[assignment]


def test_a_subclass_whose_options_are_not_options_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match=r"Bad.options\['queue'\] must be an Option"):

        class Bad(Dispatcher):
            options: ClassVar[dict[str, Any]] = {"queue": str}

    with pytest.raises(TypeError, match=r"Worse\.options must be a mapping"):

        class Worse(Dispatcher):
            options = ["queue"]  # type: ignore[assignment]


# --- rq connection -------------------------------------------------------------------------------


@pytest.mark.parametrize("config", [{}, {"url": "redis://127.0.0.1:1/0", "connection": "x.y:z"}])
def test_rq_needs_exactly_one_of_url_and_connection(config: dict[str, Any]) -> None:
    with pytest.raises(ImproperlyConfigured, match="exactly one of config 'url'"):
        get_dispatcher("rq", config)


def test_rq_connection_path_that_does_not_import_fails_the_check() -> None:
    [error] = RQDispatcher(connection="dispatchtests.nowhere:client").check()
    assert "cannot import the Redis connection" in error.msg
