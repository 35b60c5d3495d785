"""``django_q`` against a real django-q2 cluster on Redis (started once for the module).

The test process gets ``django_q`` in ``INSTALLED_APPS`` and the cluster's
``Q_CLUSTER`` for the module only (enqueueing imports django-q2's models).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import modify_settings, override_settings

from dispatchtests.workers import (
    QUEUE,
    delete_matching,
    new_key,
    read,
    require_redis_url,
    running_worker,
    wait_until,
    worker_env,
)
from restflow.caching.dispatchers import Task, get_dispatcher
from restflow.caching.dispatchers.base import Dispatcher

PATHS = ["sync", "async"]


@pytest.fixture(scope="module")
def redis_url() -> str:
    return require_redis_url()


@pytest.fixture(scope="module")
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    delete_matching(client, f"{QUEUE}*")
    delete_matching(client, f"django_q:{QUEUE}*")


@pytest.fixture(scope="module", autouse=True)
def q_settings(redis_url: str) -> Iterator[None]:
    import worker_settings

    cluster = {**worker_settings.Q_CLUSTER, "name": QUEUE, "redis": redis_url}
    with (
        override_settings(Q_CLUSTER=cluster),
        modify_settings(INSTALLED_APPS={"append": "django_q"}),
    ):
        from django_q.conf import Conf

        configured = Conf.REDIS  # django-q2 reads Q_CLUSTER once, when first imported
        if configured != redis_url:
            pytest.fail("django_q.conf was imported before these tests configured Q_CLUSTER.")
        yield


@pytest.fixture(scope="module")
def worker(
    redis_url: str, client: redis.Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("django_q")
    env = worker_env(RF_DISPATCH_DB=str(folder / "q.sqlite3"))
    django = [sys.executable, "-m", "django"]
    migrate = subprocess.run(
        [*django, "migrate", "--verbosity", "0"],
        env=env,
        cwd=str(Path(__file__).parent),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    with running_worker("django_q", [*django, "qcluster"], "running.", folder, env) as log:
        yield log


def dispatcher(**config: Any) -> Dispatcher:
    return get_dispatcher("django_q", config)


def set_task(key: str, value: str) -> Task:
    return Task("dispatchtests.tasks:redis_set", {"key": key, "value": value}, f"set {key}")


def fail_task(key: str, failures: int) -> Task:
    return Task("dispatchtests.tasks:redis_fail_until", {"key": key, "failures": failures})


def test_django_q_passes_its_checks_with_the_app_and_a_cluster() -> None:
    assert dispatcher().check() == []


@pytest.mark.parametrize("path", PATHS)
def test_django_q_cluster_runs_the_dispatched_batch(
    path: str, client: redis.Redis, worker: Path
) -> None:
    gone, made = new_key(), new_key()
    client.set(gone, "cached", ex=600)
    batch = [Task("dispatchtests.tasks:redis_delete", {"key": gone}), set_task(made, path)]
    if path == "sync":
        dispatcher().dispatch(batch)
    else:
        asyncio.run(dispatcher().adispatch(batch))
    wait_until(lambda: read(client, made) == path and read(client, gone) is None)


def test_django_q_cluster_runs_an_async_task_function(client: redis.Redis, worker: Path) -> None:
    key = new_key()
    dispatcher().dispatch([Task("dispatchtests.tasks:aredis_set", {"key": key, "value": "a"})])
    wait_until(lambda: read(client, key) == "a")


def test_django_q_retries_only_the_failed_tasks(client: redis.Redis, worker: Path) -> None:
    flaky, steady = new_key(), new_key()
    counter = Task("dispatchtests.tasks:redis_fail_until", {"key": steady, "failures": 0})
    dispatcher(max_retries=2).dispatch([fail_task(flaky, 2), counter])
    wait_until(lambda: read(client, flaky) == "3", what="the third attempt")
    assert read(client, f"{steady}:attempts") == "1"


def test_django_q_gives_up_after_max_retries(client: redis.Redis, worker: Path) -> None:
    key, marker = new_key(), new_key()
    dispatcher(max_retries=1).dispatch([fail_task(key, 5)])
    wait_until(lambda: read(client, f"{key}:attempts") == "2", what="the retry")
    dispatcher().dispatch([set_task(marker, "after")])
    wait_until(lambda: read(client, marker) == "after")
    assert read(client, f"{key}:attempts") == "2"
    assert read(client, key) is None
    wait_until(
        lambda: "gave up on 1 task(s) failed" in worker.read_text(errors="replace"),
        what="the cluster to log giving up",
    )


def test_django_q_honours_the_cluster_group_and_timeout(client: redis.Redis) -> None:
    from django_q.signing import SignedPackage

    other = f"{QUEUE}-unserved"
    dispatcher(cluster=other, group="invalidations", timeout=9).dispatch([set_task(new_key(), "x")])
    try:
        [raw] = client.lrange(f"django_q:{other}:q", 0, -1)
        package = SignedPackage.loads(raw)
        assert package["func"] == "restflow.caching.dispatchers.django_q.run_batch_job"
        assert package["group"] == "invalidations"
        assert package["timeout"] == 9
        assert package["args"][0][0]["kwargs"]["value"] == "x"
    finally:
        client.delete(f"django_q:{other}:q")
