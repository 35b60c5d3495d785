"""docs/settings.md stays complete: every setting, option and system check id is on it.

The lists come from the code: each section's registered defaults, the options
classes' fields, the ids written in the packages' sources and their former ids.
A table row is a line starting with ``| `name` ``; a section is the text under a
heading up to the next heading of the same or a higher level.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGE = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
SOURCES = {
    path: path.read_text(encoding="utf-8") for path in sorted(REPO.glob("packages/*/src/**/*.py"))
}
HEADING = re.compile(r"^(#+) (.*)$", re.M)
ROW = re.compile(r"^\| `([^`]+)` \|(.*)$", re.M)
CHECK_ID = re.compile(r"[\"'](restflow_[a-z]+\.[EW]\d{3})[\"']")


def section(title: str) -> str:
    """The text under the heading ``title``, up to the next heading of its level or above."""
    headings = list(HEADING.finditer(PAGE))
    for index, heading in enumerate(headings):
        if heading.group(2) != title:
            continue
        level = len(heading.group(1))
        end = next(
            (h.start() for h in headings[index + 1 :] if len(h.group(1)) <= level), len(PAGE)
        )
        return PAGE[heading.end() : end]
    raise AssertionError(f"docs/settings.md has no heading {title!r}")


def rows(title: str) -> dict[str, str]:
    """The table rows under ``title`` (not its subsections'): first cell -> the rest of the row."""
    own = HEADING.split(section(title), maxsplit=1)[0]
    return dict(ROW.findall(own))


def literal(value: Any) -> str | None:
    """How the page writes a default (Python syntax, double quotes), or None for prose."""
    if isinstance(value, str):
        return json.dumps(value)
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, timedelta):
        return None  # written as the timedelta(...) call a user would type
    if isinstance(value, tuple):
        inner = ", ".join(str(literal(item)) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(str(literal(item)) for item in value) + "]"
    if isinstance(value, dict) and not value:
        return "{}"
    return None


def in_sources(pattern: str) -> set[str]:
    return {match for text in SOURCES.values() for match in re.findall(pattern, text)}


# -- RESTFLOW_SETTINGS ------------------------------------------------------------

SECTIONS = {
    "JWT": ("restflow-jwt", "restflow.authentication.settings", "jwt_settings"),
    "CACHE": ("restflow-cache", "restflow.caching.settings", "CACHE_SETTINGS"),
    "SCHEMA": ("restflow-spectacular", "restflow.spectacular.settings", "SCHEMA_SETTINGS"),
}


def test_every_registered_section_has_its_heading() -> None:
    registered = in_sources(r"register_section\(\s*\"([A-Z_]+)\"")
    assert registered == set(SECTIONS)
    for name in registered:
        section(f"`{name}`")


@pytest.mark.parametrize(
    "name",
    [pytest.param(name, marks=pytest.mark.requires(dist)) for name, (dist, *_) in SECTIONS.items()],
)
def test_every_key_of_a_section_is_listed_with_its_default(name: str) -> None:
    _, module, attribute = SECTIONS[name]
    defaults = getattr(importlib.import_module(module), attribute).defaults
    listed = rows(f"`{name}`")
    assert set(listed) == set(defaults), "docs/settings.md must list exactly the section's keys"
    for key, default in defaults.items():
        written = literal(default)
        if written is not None:
            assert f"`{written}`" in listed[key], f"{name}.{key}: the page must show {written}"


@pytest.mark.requires("restflow-core")
def test_every_renamed_section_is_listed() -> None:
    renamed = importlib.import_module("restflow.settings").RENAMED_SECTIONS
    listed = rows("Renamed sections")
    assert set(listed) == set(renamed)
    for old, new in renamed.items():
        assert f"`{new}`" in listed[old]


def test_every_environment_variable_is_listed() -> None:
    variables = in_sources(r"os\.environ\.get\(\"(RESTFLOW_[A-Z_]+)\"")
    assert variables and variables <= set(rows("Environment"))


# -- the Django and DRF settings restflow reads -------------------------------------


def test_every_django_and_drf_setting_read_is_listed() -> None:
    listed = set(rows("Django and DRF settings"))
    drf: set[str] = set()
    django: set[str] = set()
    for path, text in SOURCES.items():
        if path.name != "simplejwt.py":  # simplejwt's own api_settings, not DRF's
            drf |= set(re.findall(r"api_settings\.([A-Z][A-Z_]+)", text))
        if re.search(r"^from django\.conf import settings$", text, re.M):
            django |= set(re.findall(r"(?<![\w.])settings\.([A-Z][A-Z_]+)", text))
            django |= set(re.findall(r"getattr\(\s*settings,\s*\"([A-Z][A-Z_]+)\"", text))
    assert drf and django
    missing = sorted((drf | django) - listed)
    assert not missing, f"docs/settings.md does not list the settings {missing}"


# -- attributes and options ---------------------------------------------------------

VIEW_ATTRIBUTES = {
    "timeout",
    "action_configs",
    "post_fetches",
    "request_serializer_class",
    "response_serializer_class",
    "pagination_class",
    "spec",
    "service_specs",
    "throttle_scope",
    "filterset_class",
    "filterset_schema_methods",
    "schema_error_responses",
    "schema_success_status",
    "schema_many",
}
THROTTLE_ATTRIBUTES = {"scope", "rate", "THROTTLE_RATES", "cache_alias", "cache"}


def test_the_view_attributes_restflow_reads_are_listed() -> None:
    assert set(rows("View attributes")) == VIEW_ATTRIBUTES | THROTTLE_ATTRIBUTES
    for name in VIEW_ATTRIBUTES:
        assert any(f'"{name}"' in text or f" {name}:" in text for text in SOURCES.values()), name


@pytest.mark.requires("restflow-views")
def test_the_throttle_attributes_exist() -> None:
    throttle = importlib.import_module("restflow.throttling").SimpleRateThrottle
    assert all(hasattr(throttle, name) for name in THROTTLE_ATTRIBUTES)


def _fields(cls: type) -> set[str]:
    return {field.name for field in dataclasses.fields(cls) if field.init}


@pytest.mark.requires("restflow-views")
def test_every_action_config_field_and_post_fetch_argument_is_listed() -> None:
    views = importlib.import_module("restflow.views")
    assert set(rows("`ActionConfig`")) == _fields(views.ActionConfig)
    arguments = set(inspect.signature(views.PostFetch).parameters) - {"join"}
    assert set(rows("`PostFetch`")) == arguments | {"join"}


@pytest.mark.requires("restflow-views")
def test_every_spec_and_breaker_option_is_listed() -> None:
    services = importlib.import_module("restflow.services")
    listed = rows("Services")
    spec_fields = _fields(services.ServiceSpec) | _fields(services.SelectorSpec)
    assert set(listed) - _fields(services.CircuitBreaker) == spec_fields
    breaker = section("Services").split("`CircuitBreaker(name, ...)`", 1)[1]
    assert {name for name, _ in ROW.findall(breaker)} == _fields(services.CircuitBreaker)


@pytest.mark.requires("restflow-filters")
def test_every_filterset_meta_option_is_listed_with_its_default() -> None:
    options = importlib.import_module("restflow.filters.options").FilterSetOptions
    listed = rows("FilterSet `Meta`")
    assert set(listed) == _fields(options)
    for field in dataclasses.fields(options):
        if field.default is not dataclasses.MISSING:
            assert f"`{literal(field.default)}`" in listed[field.name], field.name


@pytest.mark.requires("restflow-cache")
def test_every_key_constructor_meta_option_is_listed() -> None:
    constructor = importlib.import_module("restflow.caching.keys.constructor")
    assert set(rows("`KeyConstructor` `Meta`")) == set(constructor._META_OPTIONS)


# -- system checks ------------------------------------------------------------------

FORMER_IDS_MODULES = {
    "restflow.settings.checks": "restflow-core",
    "restflow.authentication.checks": "restflow-jwt",
    "restflow.caching.checks": "restflow-cache",
    "restflow.caching.dispatchers.checks": "restflow-cache",
    "restflow.throttling.checks": "restflow-views",
    "restflow.filters.checks": "restflow-filters",
}


def _current_ids() -> set[str]:
    """The ids the sources write, but for the former ids in the ``FORMER_IDS`` tables."""
    former = {
        old
        for table in in_sources(r"(?s)FORMER_IDS = \{(.*?)\}")
        for old in re.findall(r":\s*(?:\n\s*)?\"([^\"]+)\"", table)
    }
    return in_sources(CHECK_ID.pattern) - former


def test_every_check_id_in_the_sources_is_listed_and_nothing_else() -> None:
    assert set(rows("System checks")) == _current_ids()


def test_check_ids_follow_the_app_labels() -> None:
    labels = in_sources(r"(?m)^\s+label = \"(restflow_[a-z]+)\"$") | {"restflow_filters"}
    for check_id in _current_ids():
        assert check_id.split(".")[0] in labels, f"{check_id} does not start with an app label"


def test_every_module_with_former_ids_is_checked_below() -> None:
    found = set()
    for path, text in SOURCES.items():
        if "FORMER_IDS = " in text:
            parts = path.with_suffix("").parts
            found.add(".".join(parts[parts.index("src") + 1 :]))
    assert found == set(FORMER_IDS_MODULES)


@pytest.mark.parametrize(
    "module",
    [
        pytest.param(name, marks=pytest.mark.requires(dist))
        for name, dist in FORMER_IDS_MODULES.items()
    ],
)
def test_every_former_id_is_in_the_rename_table(module: str) -> None:
    former: dict[str, str] = importlib.import_module(module).FORMER_IDS
    listed = rows("Renamed check ids")
    for new, old in former.items():
        assert old in listed, f"the rename table lacks {old}"
        assert listed[old].strip() == f"`{new}` |", f"{old} must map to {new}"
