"""RESTFLOW_SETTINGS: sections, defaults, validation, lazy import strings, reload."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils.module_loading import import_string

import restflow.settings as rf_settings
from restflow.settings import SettingsError, register_section, validate_all


def _positive(value: Any) -> None:
    if value <= 0:
        raise ValueError(f"must be positive, got {value!r}")


@pytest.fixture(autouse=True)
def isolated_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sections registered by a test disappear after it."""
    monkeypatch.setattr(rf_settings, "_SECTIONS", dict(rf_settings._SECTIONS))


@pytest.fixture
def demo() -> rf_settings.SettingsSection:
    return register_section(
        "DEMO",
        defaults={
            "NAME": "demo",
            "LEEWAY": 0,
            "ISSUER": None,
            "ENABLED": True,
            "TIMEOUT": 30,
            "BACKEND": "collections.OrderedDict",
            "PLUGINS": ["collections.Counter"],
        },
        types={
            "NAME": str,
            "LEEWAY": (int, timedelta),
            "ISSUER": str,
            "ENABLED": bool,
            "TIMEOUT": int,
            "BACKEND": type,
            "PLUGINS": (list, tuple),
        },
        import_strings={"BACKEND", "PLUGINS"},
        validators={"TIMEOUT": _positive},
    )


# -- defaults and overrides --------------------------------------------------


def test_defaults_when_nothing_is_configured(demo: rf_settings.SettingsSection) -> None:
    assert demo.NAME == "demo"
    assert demo.LEEWAY == 0
    assert demo.ISSUER is None


@override_settings(RESTFLOW_SETTINGS={"DEMO": {"LEEWAY": timedelta(seconds=5)}})
def test_user_value_wins_and_other_keys_keep_defaults(demo: rf_settings.SettingsSection) -> None:
    leeway = demo.LEEWAY
    assert leeway == timedelta(seconds=5)
    assert demo.NAME == "demo"


def test_override_settings_reloads_cached_values(demo: rf_settings.SettingsSection) -> None:
    assert demo.NAME == "demo"  # cached now
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"NAME": "first"}}):
        assert demo.NAME == "first"
        with override_settings(RESTFLOW_SETTINGS={"DEMO": {"NAME": "second"}}):
            assert demo.NAME == "second"
        assert demo.NAME == "first"
    assert demo.NAME == "demo"


def test_other_settings_changing_keep_the_cache(
    demo: rf_settings.SettingsSection, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real = rf_settings._read_section

    def counting_read(name: str) -> Any:
        reads.append(name)
        return real(name)

    monkeypatch.setattr(rf_settings, "_read_section", counting_read)
    assert demo.NAME == "demo"
    with override_settings(USE_TZ=False):
        assert demo.NAME == "demo"
        assert demo.LEEWAY == 0
    assert reads == ["DEMO"]


def test_a_user_value_of_none_is_kept_for_a_none_default(demo: rf_settings.SettingsSection) -> None:
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"ISSUER": None, "NAME": "x"}}):
        assert demo.ISSUER is None
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"ISSUER": "https://issuer"}}):
        assert demo.ISSUER == "https://issuer"


def test_unknown_attribute_is_an_attribute_error(demo: rf_settings.SettingsSection) -> None:
    with pytest.raises(
        AttributeError, match=r"RESTFLOW_SETTINGS\['DEMO'\] has no key 'LEWAY'.*'LEEWAY'"
    ):
        demo.LEWAY  # noqa: B018


def test_sections_are_independent(demo: rf_settings.SettingsSection) -> None:
    other = register_section("OTHER", defaults={"NAME": "other"})
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"NAME": "d"}, "OTHER": {"NAME": "o"}}):
        assert (demo.NAME, other.NAME) == ("d", "o")


# -- validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"LEEWAY": "5"},
            "RESTFLOW_SETTINGS['DEMO']['LEEWAY'] must be int or timedelta, got str",
        ),
        ({"TIMEOUT": True}, "RESTFLOW_SETTINGS['DEMO']['TIMEOUT'] must be int, got bool"),
        ({"ISSUER": 3}, "RESTFLOW_SETTINGS['DEMO']['ISSUER'] must be str or None, got int"),
        ({"NAME": None}, "RESTFLOW_SETTINGS['DEMO']['NAME'] must be str, got NoneType"),
        ({"BACKEND": 3}, "RESTFLOW_SETTINGS['DEMO']['BACKEND'] must be str or type, got int"),
        ({"TIMEOUT": -1}, "RESTFLOW_SETTINGS['DEMO']['TIMEOUT']: must be positive, got -1"),
    ],
)
def test_wrong_value_raises_naming_section_key_and_expectation(
    demo: rf_settings.SettingsSection, section: dict[str, Any], message: str
) -> None:
    with override_settings(RESTFLOW_SETTINGS={"DEMO": section}):
        with pytest.raises(ImproperlyConfigured) as info:
            demo.NAME  # noqa: B018  (any key: the whole section is validated)
        assert str(info.value) == message
        with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
            validate_all()


def test_unknown_key_raises_naming_it_with_a_suggestion(demo: rf_settings.SettingsSection) -> None:
    with (
        override_settings(RESTFLOW_SETTINGS={"DEMO": {"LEEWAY": 1, "TIMEOUTT": 5}}),
        pytest.raises(ImproperlyConfigured) as info,
    ):
        demo.LEEWAY  # noqa: B018
    message = str(info.value)
    assert message.startswith("RESTFLOW_SETTINGS['DEMO'] has an unknown key 'TIMEOUTT'")
    assert "did you mean 'TIMEOUT'?" in message
    assert "known keys: BACKEND, ENABLED, ISSUER, LEEWAY, NAME, PLUGINS, TIMEOUT" in message


def test_every_problem_of_a_section_is_reported(demo: rf_settings.SettingsSection) -> None:
    bad = {"NAME": 1, "ENABLED": "yes", "NOPE": 0}
    with override_settings(RESTFLOW_SETTINGS={"DEMO": bad}), pytest.raises(SettingsError) as info:
        validate_all()
    assert len(info.value.problems) == 3
    assert {p.split(" ")[0] for p in info.value.problems} == {
        "RESTFLOW_SETTINGS['DEMO']['NAME']",
        "RESTFLOW_SETTINGS['DEMO']['ENABLED']",
        "RESTFLOW_SETTINGS['DEMO']",
    }


@pytest.mark.parametrize("value", [None, ["JWT"], "JWT"])
def test_restflow_settings_must_be_a_dict(demo: rf_settings.SettingsSection, value: Any) -> None:
    expected = f"RESTFLOW_SETTINGS must be a dict, got {type(value).__name__}"
    with override_settings(RESTFLOW_SETTINGS=value):
        with pytest.raises(ImproperlyConfigured, match=expected):
            validate_all()
        with pytest.raises(ImproperlyConfigured, match=expected):
            demo.NAME  # noqa: B018


def test_a_section_must_be_a_dict(demo: rf_settings.SettingsSection) -> None:
    with override_settings(RESTFLOW_SETTINGS={"DEMO": [("NAME", "x")], "JWT": "nope"}):
        with pytest.raises(SettingsError) as info:
            validate_all()
        with pytest.raises(ImproperlyConfigured, match=r"\['DEMO'\] must be a dict, got list"):
            demo.NAME  # noqa: B018
    assert sorted(info.value.problems) == [
        "RESTFLOW_SETTINGS['DEMO'] must be a dict, got list",
        "RESTFLOW_SETTINGS['JWT'] must be a dict, got str",
    ]


def test_unknown_section_raises_naming_it_and_the_known_ones(
    demo: rf_settings.SettingsSection,
) -> None:
    with (
        override_settings(RESTFLOW_SETTINGS={"DEMOS": {}}),
        pytest.raises(ImproperlyConfigured) as info,
    ):
        validate_all()
    assert str(info.value) == (
        "RESTFLOW_SETTINGS has an unknown section 'DEMOS' (did you mean 'DEMO'?); "
        "known: CACHE, DEMO, JWT, SCHEMA"
    )


def test_a_schema_section_without_restflow_spectacular_is_refused_naming_it() -> None:
    rf_settings._SECTIONS.clear()  # as in an install without restflow-spectacular
    with (
        override_settings(RESTFLOW_SETTINGS={"SCHEMA": {"FILTER_METHODS": None}}),
        pytest.raises(SettingsError) as info,
    ):
        validate_all()
    [problem] = info.value.problems
    assert problem.startswith("RESTFLOW_SETTINGS['SCHEMA'] is read by restflow-spectacular")


def test_documented_sections_are_accepted_when_their_package_is_absent() -> None:
    rf_settings._SECTIONS.clear()  # as in an install of restflow-core alone
    config: dict[str, Any] = {"JWT": {"ANY_KEY": 1}, "CACHE": {}}
    with override_settings(RESTFLOW_SETTINGS=config):
        validate_all()  # raises SettingsError on any problem
    with (
        override_settings(RESTFLOW_SETTINGS={**config, "FOO": {}}),
        pytest.raises(SettingsError) as info,
    ):
        validate_all()
    assert [p.split(";")[0] for p in info.value.problems] == [
        "RESTFLOW_SETTINGS has an unknown section 'FOO'"
    ]


def test_a_registered_documented_section_is_validated() -> None:
    register_section("JWT", defaults={"LEEWAY": 0}, types={"LEEWAY": (int, timedelta)})
    with (
        override_settings(RESTFLOW_SETTINGS={"JWT": {"ANY_KEY": 1}}),
        pytest.raises(ImproperlyConfigured, match=r"\['JWT'\] has an unknown key 'ANY_KEY'"),
    ):
        validate_all()


def test_valid_settings_pass_validate_all(demo: rf_settings.SettingsSection) -> None:
    config = {
        "DEMO": {
            "LEEWAY": timedelta(seconds=1),
            "ISSUER": None,
            "TIMEOUT": 5,
            "BACKEND": dict,
            "PLUGINS": ("collections.Counter", list),
        },
        "JWT": {},
    }
    with override_settings(RESTFLOW_SETTINGS=config):
        validate_all()  # raises SettingsError on any problem
        assert demo.PLUGINS[1] is list


def test_fixing_the_settings_clears_the_error(demo: rf_settings.SettingsSection) -> None:
    with (
        override_settings(RESTFLOW_SETTINGS={"DEMO": {"NAME": 1}}),
        pytest.raises(ImproperlyConfigured),
    ):
        demo.NAME  # noqa: B018
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"NAME": "ok"}}):
        assert demo.NAME == "ok"


# -- import strings ------------------------------------------------------------


@pytest.fixture
def lazy_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = "restflow_settings_lazy_target"
    (tmp_path / f"{name}.py").write_text("class Backend:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    yield name
    sys.modules.pop(name, None)


def test_import_strings_are_resolved_lazily_and_once(
    demo: rf_settings.SettingsSection, lazy_module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    imports: list[str] = []

    def counting_import(path: str) -> Any:
        imports.append(path)
        return import_string(path)

    monkeypatch.setattr(rf_settings, "import_string", counting_import)
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"BACKEND": f"{lazy_module}.Backend"}}):
        assert demo.NAME == "demo"
        assert lazy_module not in sys.modules
        backend = demo.BACKEND
        assert backend is sys.modules[lazy_module].Backend
        assert demo.BACKEND is backend
    assert imports == [f"{lazy_module}.Backend"]


def test_import_string_lists_are_resolved_item_by_item(demo: rf_settings.SettingsSection) -> None:
    import collections

    plugins = demo.PLUGINS
    assert plugins == [collections.Counter]


def test_an_object_given_instead_of_a_path_is_used_as_is(demo: rf_settings.SettingsSection) -> None:
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"BACKEND": dict}}):
        assert demo.BACKEND is dict


def test_a_bad_import_string_fails_on_access_and_in_validate_all(
    demo: rf_settings.SettingsSection,
) -> None:
    with override_settings(RESTFLOW_SETTINGS={"DEMO": {"BACKEND": "no_such_module_xyz.Thing"}}):
        assert demo.NAME == "demo"  # the rest of the section still works
        expected = (
            r"RESTFLOW_SETTINGS\['DEMO'\]\['BACKEND'\]: cannot import 'no_such_module_xyz.Thing'"
        )
        with pytest.raises(ImproperlyConfigured, match=expected):
            demo.BACKEND  # noqa: B018
        with pytest.raises(ImproperlyConfigured, match=expected):
            validate_all()


# -- registration ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"defaults": {"A": 1}, "types": {"B": int}}, "types names B"),
        ({"defaults": {"A": 1}, "import_strings": {"C"}}, "import_strings names C"),
        ({"defaults": {"A": 1}, "validators": {"D": _positive}}, "validators names D"),
        ({"defaults": {"A": 1}, "types": {"A": list[int]}}, r"types\['A'\] must be a class"),
        ({"defaults": {"reload": 1}}, "'reload' cannot be read as attributes"),
        ({"defaults": {"_A": 1}}, "'_A' cannot be read as attributes"),
    ],
)
def test_register_section_rejects_inconsistent_declarations(
    kwargs: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        register_section("BAD", **kwargs)
    assert "BAD" not in rf_settings._SECTIONS


def test_registering_a_name_again_replaces_the_section() -> None:
    register_section("TWICE", defaults={"A": 1})
    second = register_section("TWICE", defaults={"A": 2, "B": 3})
    assert rf_settings._SECTIONS["TWICE"] is second
    with override_settings(RESTFLOW_SETTINGS={"TWICE": {"B": 4}}):
        validate_all()  # raises SettingsError on any problem
        assert (second.A, second.B) == (2, 4)


# -- import time -------------------------------------------------------------------


def _imports_without_settings(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_modules_import_without_configured_django_settings() -> None:
    _imports_without_settings(
        """
        import restflow.core.settings, restflow.core.typemap, restflow.core.checks
        from django.conf import settings
        section = restflow.core.settings.register_section("LATE", defaults={"A": 1})
        assert not settings.configured
        print("ok")
        """
    )


def test_the_settings_and_typemap_packages_import_without_configured_django_settings() -> None:
    _imports_without_settings(
        """
        import restflow.settings, restflow.settings.checks, restflow.typemap
        from django.conf import settings
        section = restflow.settings.register_section("LATE", defaults={"A": 1})
        assert not settings.configured
        print("ok")
        """
    )
