"""restflow-cache in each combination: LocMem alone, and Redis shared by two processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from combo_support.session import KEY_PREFIX

pytestmark = [pytest.mark.requires("restflow-cache"), pytest.mark.django_db(transaction=True)]

HERE = Path(__file__).resolve().parent


def test_cache_result_hits_and_a_model_save_invalidates_on_locmem() -> None:
    from combo_support.cached import book_title
    from combo_support.models import Book

    book = Book.objects.create(title="Dune", pages=600, genre="sf")
    assert book_title(book.pk) == "Dune"
    Book.objects.filter(pk=book.pk).update(title="changed behind the cache's back")
    value, meta = book_title.get_with_metadata(book.pk)
    assert (value, str(meta["cache_status"]).upper()) == ("Dune", "HIT")
    book.title = "Dune Messiah"
    book.save()  # the rule deletes the entry once the (auto)commit happened
    assert book_title(book.pk) == "Dune Messiah"


def test_a_rolled_back_save_invalidates_nothing() -> None:
    from django.db import transaction

    from combo_support.cached import book_title
    from combo_support.models import Book

    book = Book.objects.create(title="Emma", pages=400, genre="sf")
    assert book_title(book.pk) == "Emma"

    def save_then_fail() -> None:
        with transaction.atomic():
            book.title = "Persuasion"
            book.save()
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        save_then_fail()
    _, meta = book_title.get_with_metadata(book.pk)
    assert str(meta["cache_status"]).upper() == "HIT"


_OTHER_PROCESS = """
import sys
sys.path.insert(0, {here!r})
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "restflow.core",
                    "combo_support"],
    CACHES={{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            "redis": {{"BACKEND": "django_redis.cache.RedisCache", "LOCATION": {url!r},
                       "KEY_PREFIX": {prefix!r}}}}},
    DATABASES={{}},
)
django.setup()
from combo_support.cached import shared_pid
print(shared_pid("x"))
"""


def _other_process() -> int:
    script = _OTHER_PROCESS.format(here=str(HERE), url=os.environ["REDIS_URL"], prefix=KEY_PREFIX)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.requires("django-redis", "redis")
def test_two_processes_sharing_redis_see_each_others_entries_and_invalidations() -> None:
    from django.core.cache import caches

    from combo_support.cached import shared_pid

    assert "RedisCache" in type(caches["redis"]).__name__
    shared_pid.invalidate_all()
    assert shared_pid("x") == os.getpid()  # computed here
    assert _other_process() == os.getpid()  # a hit in the other process
    shared_pid.invalidate_all()
    other = _other_process()  # a miss there: it computes and stores its own pid
    assert other != os.getpid()
    assert shared_pid("x") == other  # and this process now hits the other's entry
