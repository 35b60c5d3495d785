"""The postgres and pg_array lookup categories, on a real PostgreSQL.

These run in the PostgreSQL pass (``RESTFLOW_TEST_DB=postgres``, which the
hatch ``filters`` environment runs after the SQLite pass).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from conftest import ON_POSTGRES
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from filtertests.data import apply, names
from restflow.filters import FilterSet, IntegerField, ListField, StringField
from restflow.filters.checks import FORMER_IDS

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="runs in the PostgreSQL pass (RESTFLOW_TEST_DB=postgres)"
)


class TextSearch(FilterSet):
    title = StringField(lookups=["postgres"])
    body = StringField(lookups=["search"])


class Arrays(FilterSet):
    tags = ListField(child=str, lookups=["pg_array", "isnull"])
    scores = ListField(child=IntegerField(), lookups=["pg_array"], max_list_size=3)


@pytest.fixture
def articles(db: None) -> None:
    from pgfiltertests.models import Article

    Article.objects.create(
        title="Café au lait", body="the quick brown fox", tags=["drink", "hot"], scores=[1, 2]
    )
    Article.objects.create(title="Cafe noir", body="lazy dogs sleep", tags=["drink"], scores=[3])
    Article.objects.create(
        title="Tea time", body="a fox and a dog", tags=["hot", "leaf"], scores=[2, 3, 4]
    )


def _articles(filterset: type[FilterSet], data: dict[str, Any], mode: str) -> list[str]:
    from pgfiltertests.models import Article

    return names(apply(filterset, data, mode, Article.objects.all()))


@needs_postgres
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"title__unaccent": "Cafe au lait"}, ["Café au lait"]),
        ({"title__unaccent!": "Cafe au lait"}, ["Cafe noir", "Tea time"]),
        ({"title__trigram_similar": "Cafe noire"}, ["Cafe noir"]),
        ({"title__search": "time"}, ["Tea time"]),
        ({"body__search": "dogs"}, ["Cafe noir", "Tea time"]),
        ({"body__search!": "fox"}, ["Cafe noir"]),
    ],
)
def test_postgres_category_lookups(
    articles: None, mode: str, data: dict[str, str], expected: list[str]
) -> None:
    assert _articles(TextSearch, data, mode) == expected


@needs_postgres
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"tags": "drink"}, ["Cafe noir"]),
        ({"tags": "drink,hot"}, ["Café au lait"]),
        ({"tags__contains": "hot"}, ["Café au lait", "Tea time"]),
        ({"tags__contains": ["hot", "drink"]}, ["Café au lait"]),
        ({"tags__overlaps": "leaf,drink"}, ["Café au lait", "Cafe noir", "Tea time"]),
        ({"tags__contained_by": "drink,hot"}, ["Café au lait", "Cafe noir"]),
        ({"tags__contains!": "hot"}, ["Cafe noir"]),
        ({"scores__contains": "2"}, ["Café au lait", "Tea time"]),
        ({"scores__overlaps": "1,4"}, ["Café au lait", "Tea time"]),
        ({"scores__contained_by": "1,2,3"}, ["Café au lait", "Cafe noir"]),
    ],
)
def test_pg_array_category_lookups(
    articles: None, mode: str, data: dict[str, Any], expected: list[str]
) -> None:
    from pgfiltertests.models import Article

    class ModelArrays(Arrays):
        class Meta:
            model = Article

    assert _articles(ModelArrays, data, mode) == expected


@needs_postgres
def test_array_items_are_validated_and_capped(articles: None) -> None:
    assert Arrays(data={"scores__overlaps": "1,x"}).errors == {
        "scores__overlaps": ["Item 2: A valid integer is required."]
    }
    assert Arrays(data={"scores__contains": "1,2,3,4"}).errors == {
        "scores__contains": ["Give at most 3 values; got 4."]
    }


def test_postgres_lookups_without_contrib_postgres_fail_the_system_check() -> None:
    from restflow.filters.checks import check_postgres_lookups

    assert check_postgres_lookups in checks.registry.registry.get_checks()
    messages = [m for m in check_postgres_lookups() if m.id == "restflow_filters.E001"]
    culprits = {message.obj for message in messages}
    if ON_POSTGRES:
        assert messages == []
    else:
        assert TextSearch in culprits and Arrays in culprits
        assert "django.contrib.postgres" in messages[0].msg


@pytest.mark.skipif(ON_POSTGRES, reason="the check has nothing to say with contrib.postgres")
@pytest.mark.parametrize("silenced", ["restflow.filters.E001", "restflow_filters.E001"])
def test_the_former_and_the_current_id_both_silence_the_check(silenced: str) -> None:
    assert FORMER_IDS == {"restflow_filters.E001": "restflow.filters.E001"}
    with pytest.raises(SystemCheckError, match=r"restflow_filters\.E001"):
        call_command("check", tags=["compatibility"])
    with override_settings(SILENCED_SYSTEM_CHECKS=[silenced]):
        call_command("check", tags=["compatibility"])  # no SystemCheckError


_FRESH = """
import json
import django
from django.conf import settings
from django.core import checks

settings.configure(
    SECRET_KEY="check-registration-test",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=["django.contrib.contenttypes", "rest_framework", "restflow.core"],
)
django.setup()
import restflow.filters
from restflow.filters.checks import check_postgres_lookups

def registered():
    return check_postgres_lookups in checks.registry.registry.get_checks()

seen = {"after import": registered()}

class Plain(restflow.filters.FilterSet):
    name = restflow.filters.StringField(lookups=["text"])

seen["after a plain FilterSet"] = registered()

class Searching(restflow.filters.FilterSet):
    body = restflow.filters.StringField(lookups=["search"])

seen["after a postgres FilterSet"] = registered()
seen["errors"] = [m.id for m in checks.run_checks() if m.obj is Searching]
print(json.dumps(seen))
"""


def test_importing_restflow_filters_registers_no_check_the_first_postgres_filterset_does() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FRESH], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "after import": False,
        "after a plain FilterSet": False,
        "after a postgres FilterSet": True,
        "errors": ["restflow_filters.E001"],
    }
