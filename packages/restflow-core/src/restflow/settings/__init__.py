"""restflow.settings: one ``RESTFLOW_SETTINGS`` dict, one section per package (restflow-core).

.. code-block:: python

    RESTFLOW_SETTINGS = {
        "JWT": {"SIGNING_KEY": "…", "LEEWAY": timedelta(seconds=5)},
        "CACHE": {...},
        "SCHEMA": {...},
    }

Section names are one upper-case word. A renamed section is still read under
its old name (:data:`RENAMED_SECTIONS`; ``"CACHE_SETTINGS"`` for ``"CACHE"``),
and the ``restflow_core.W001`` system check asks for the new one.

Core knows no section's keys. Each package registers its own section when
it is imported and reads values as attributes::

    JWT = register_section(
        "JWT",
        defaults={"SIGNING_KEY": None, "LEEWAY": 0, "BLACKLIST_BACKEND": "…"},
        types={"SIGNING_KEY": str, "LEEWAY": (int, timedelta)},
        import_strings={"BLACKLIST_BACKEND"},
    )
    JWT.LEEWAY

Like DRF's ``api_settings``: user values fall back to the defaults, dotted
paths named in ``import_strings`` are imported on first access, values are
cached until Django's ``setting_changed`` fires for ``RESTFLOW_SETTINGS``
(``override_settings`` in tests). Nothing reads Django settings at import.

A section is validated as a whole on its first access, and
:func:`validate_all` (run by the ``restflow_core.E002`` system check) validates
every section plus the top-level keys. Problems raise
:class:`SettingsError`, an ``ImproperlyConfigured`` naming the section, the
key and what was expected.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

__all__ = [
    "DOCUMENTED_SECTIONS",
    "OWNED_SECTIONS",
    "RENAMED_SECTIONS",
    "SETTING_NAME",
    "SettingsError",
    "SettingsSection",
    "given_section",
    "register_section",
    "reload",
    "used_old_names",
    "validate_all",
]

SETTING_NAME = "RESTFLOW_SETTINGS"

DOCUMENTED_SECTIONS = frozenset({"JWT", "CACHE"})
"""Sections accepted even when the package owning them is not installed or not imported."""

OWNED_SECTIONS: dict[str, str] = {
    "SCHEMA": "restflow-spectacular (add 'restflow.spectacular' to INSTALLED_APPS)",
}
"""Sections refused unless their package registered them: without it they would mean nothing."""

RENAMED_SECTIONS: dict[str, str] = {"CACHE_SETTINGS": "CACHE"}
"""Old section name -> current name. The old name is still read (never both at once)."""

TypeSpec: TypeAlias = type | tuple[type | None, ...] | None
Validator: TypeAlias = Callable[[Any], object]

_NONE_TYPE = type(None)
_SECTIONS: dict[str, SettingsSection] = {}


class SettingsError(ImproperlyConfigured):
    """``RESTFLOW_SETTINGS`` is invalid; ``problems`` holds one message per fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class SettingsSection:
    """One package's section of ``RESTFLOW_SETTINGS``, read as attributes.

    Build it with :func:`register_section`. ``section.KEY`` returns the
    user's value or the default, with import strings resolved; unknown
    attributes raise ``AttributeError``; an invalid section raises
    :class:`SettingsError` on first access.
    """

    def __init__(
        self,
        name: str,
        defaults: Mapping[str, Any],
        types: Mapping[str, TypeSpec] | None = None,
        import_strings: Iterable[str] = (),
        validators: Mapping[str, Validator] | None = None,
    ) -> None:
        self.name = name
        self.defaults = dict(defaults)
        self.import_strings = frozenset(import_strings)
        self.validators = dict(validators or {})
        self.types = {key: _normalize_types(name, key, spec) for key, spec in (types or {}).items()}
        for what, keys in (
            ("types", self.types),
            ("import_strings", self.import_strings),
            ("validators", self.validators),
        ):
            strays = sorted(set(keys) - set(self.defaults))
            if strays:
                raise ValueError(
                    f"register_section({name!r}): {what} names {', '.join(strays)}, "
                    "which have no default; every key needs one."
                )
        for key in self.import_strings:
            # A dotted path is what an import-string key is for.
            if key in self.types and str not in self.types[key]:
                self.types[key] = (str, *self.types[key])
        bad = [
            repr(key)
            for key in self.defaults
            if not isinstance(key, str)
            or key.startswith("_")
            or key in vars(self)
            or hasattr(type(self), key)
        ]
        if bad:
            raise ValueError(
                f"register_section({name!r}): keys {', '.join(bad)} cannot be read as attributes "
                "(not a str, private, or clashing with the section's own attributes); use "
                "UPPER_CASE keys."
            )
        self._user: Mapping[str, Any] | None = None
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<SettingsSection {self.name!r}>"

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self.defaults})

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._cache[key]
        except KeyError:
            pass
        if key not in self.defaults:
            raise AttributeError(
                f"{self._where()} has no key {key!r}{_did_you_mean(key, self.defaults)}; "
                f"known keys: {', '.join(sorted(self.defaults))}"
            )
        user = self.user_settings
        value = user[key] if key in user else self.defaults[key]
        if key in self.import_strings:
            value = self._import(key, value)
        self._cache[key] = value
        return value

    @property
    def user_settings(self) -> Mapping[str, Any]:
        """The user's dict for this section, validated; ``{}`` when not given."""
        if self._user is None:
            raw = _read_section(self.name)
            problems = self._problems(raw)
            if problems:
                raise SettingsError(problems)
            self._user = raw
        return self._user

    def reload(self) -> None:
        """Forget the cached user dict and resolved values."""
        self._user = None
        self._cache = {}

    def validate(self) -> None:
        """Check keys, types and validators, and import every import string.

        Raises :class:`SettingsError` listing every problem found.
        """
        problems = self._problems(_read_section(self.name))
        if not problems:
            for key in sorted(self.import_strings):
                try:
                    getattr(self, key)
                except SettingsError as exc:
                    problems.extend(exc.problems)
        if problems:
            raise SettingsError(problems)

    # -- internals -------------------------------------------------------------

    def _where(self, key: object = None) -> str:
        where = f"{SETTING_NAME}[{_given_name(self.name)!r}]"
        return where if key is None else f"{where}[{key!r}]"

    def _problems(self, raw: Mapping[Any, Any]) -> list[str]:
        problems: list[str] = []
        for key, value in raw.items():
            if key not in self.defaults:
                problems.append(
                    f"{self._where()} has an unknown key {key!r}"
                    f"{_did_you_mean(key, self.defaults)}; known keys: "
                    f"{', '.join(sorted(self.defaults))}"
                )
                continue
            expected = self._expected_types(key)
            if expected is not None and not _is_instance(value, expected):
                problems.append(
                    f"{self._where(key)} must be {_describe_types(expected)}, "
                    f"got {type(value).__name__}"
                )
                continue
            validator = self.validators.get(key)
            if validator is not None:
                try:
                    validator(value)
                except (ValueError, TypeError, ImproperlyConfigured) as exc:
                    problems.append(f"{self._where(key)}: {exc}")
        return problems

    def _expected_types(self, key: str) -> tuple[type, ...] | None:
        expected = self.types.get(key)
        if expected is not None and self.defaults[key] is None and _NONE_TYPE not in expected:
            expected = (*expected, _NONE_TYPE)  # a key whose default is None accepts None
        return expected

    def _import(self, key: str, value: Any) -> Any:
        if isinstance(value, str):
            return self._import_one(key, value)
        if isinstance(value, (list, tuple)):
            return [
                self._import_one(key, item) if isinstance(item, str) else item for item in value
            ]
        return value

    def _import_one(self, key: str, path: str) -> Any:
        try:
            return import_string(path)
        except ImportError as exc:
            raise SettingsError(
                [f"{self._where(key)}: cannot import {path!r} ({type(exc).__name__}: {exc})"]
            ) from exc


def register_section(
    name: str,
    *,
    defaults: Mapping[str, Any],
    types: Mapping[str, TypeSpec] | None = None,
    import_strings: Iterable[str] = (),
    validators: Mapping[str, Validator] | None = None,
) -> SettingsSection:
    """Declare the section ``RESTFLOW_SETTINGS[name]`` and return it.

    - ``defaults``: every key the section accepts, with its default.
    - ``types``: key → a type, ``None`` or a tuple of them; a user value of
      another type is an error (``bool`` never passes for ``int``, and a
      key whose default is ``None`` also accepts ``None``).
    - ``import_strings``: keys holding dotted paths (or lists of them),
      imported on first access; such keys always accept a ``str``.
    - ``validators``: key → callable given the user's value; raising
      ``ValueError``/``TypeError`` makes it an error with that message.

    Registering a name again replaces the earlier section (a module reload).
    Raises ``ValueError`` for keys named in ``types``, ``import_strings`` or
    ``validators`` that have no default.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"register_section: the section name must be a non-empty str, got {name!r}"
        )
    section = SettingsSection(name, defaults, types, import_strings, validators)
    _SECTIONS[name] = section
    return section


def reload() -> None:
    """Forget every section's cached values; runs on ``setting_changed``."""
    for section in _SECTIONS.values():
        section.reload()


def validate_all() -> None:
    """Validate ``RESTFLOW_SETTINGS``: its type, its top-level keys, every registered section.

    Sections named in :data:`DOCUMENTED_SECTIONS` are accepted (as dicts)
    even when no package registered them; one named in :data:`OWNED_SECTIONS`
    is an error naming its package until that package registers it; an old name
    (:data:`RENAMED_SECTIONS`) counts as its new one, and both at once are an
    error; any other unregistered name is an error. Raises :class:`SettingsError`
    listing every problem found.
    """
    root = _read_root()
    known = sorted(DOCUMENTED_SECTIONS | OWNED_SECTIONS.keys() | _SECTIONS.keys())
    problems: list[str] = []
    for given, value in root.items():
        name = RENAMED_SECTIONS.get(given, given)
        if name != given and name in root:
            problems.append(_both_names(given, name))
        elif name in OWNED_SECTIONS and name not in _SECTIONS:
            problems.append(
                f"{SETTING_NAME}[{given!r}] is read by {OWNED_SECTIONS[name]}, which is not "
                "loaded: install and load it, or remove the section (it would change nothing)"
            )
        elif name not in known:
            problems.append(
                f"{SETTING_NAME} has an unknown section {given!r}{_did_you_mean(given, known)}; "
                f"known: {', '.join(known)}"
            )
        elif name not in _SECTIONS and not isinstance(value, Mapping):
            problems.append(_not_a_dict(f"{SETTING_NAME}[{given!r}]", value))
    for section in list(_SECTIONS.values()):
        try:
            section.validate()
        except SettingsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SettingsError(list(dict.fromkeys(problems)))  # a problem once, however found


def _read_root() -> Mapping[Any, Any]:
    root = getattr(django_settings, SETTING_NAME, {})
    if not isinstance(root, Mapping):
        raise SettingsError([_not_a_dict(SETTING_NAME, root)])
    return root


def _old_name_in(root: Mapping[Any, Any], name: str) -> str | None:
    """The old name section ``name`` is given under in ``root``, if any."""
    for old, new in RENAMED_SECTIONS.items():
        if new == name and old in root:
            return old
    return None


def _given_name(name: str) -> str:
    """The name the user gave section ``name`` under: ``name``, or an old name of it."""
    root = getattr(django_settings, SETTING_NAME, None)
    if isinstance(root, Mapping) and name not in root:
        return _old_name_in(root, name) or name
    return name


def given_section(name: str) -> Mapping[Any, Any] | None:
    """The dict the user gave for section ``name`` (under its name or an old one), unvalidated.

    ``None`` when there is none, or it is not a dict. For a package that reads
    another's section without importing that package.
    """
    root = getattr(django_settings, SETTING_NAME, None)
    if not isinstance(root, Mapping):
        return None
    section = root.get(_given_name(name))
    return section if isinstance(section, Mapping) else None


def used_old_names() -> dict[str, str]:
    """The old section names ``RESTFLOW_SETTINGS`` uses: old name -> current name."""
    root = getattr(django_settings, SETTING_NAME, None)
    if not isinstance(root, Mapping):
        return {}
    return {old: new for old, new in RENAMED_SECTIONS.items() if old in root}


def _read_section(name: str) -> Mapping[Any, Any]:
    root = _read_root()
    old = _old_name_in(root, name)
    if old is not None and name in root:
        raise SettingsError([_both_names(old, name)])
    given = name if old is None else old
    section = root.get(given, {})
    if not isinstance(section, Mapping):
        raise SettingsError([_not_a_dict(f"{SETTING_NAME}[{given!r}]", section)])
    return section


def _both_names(old: str, new: str) -> str:
    return (
        f"{SETTING_NAME} has both {new!r} and {old!r}, its old name: keep only {new!r} "
        "(the old name is read only when the new one is absent)"
    )


def _not_a_dict(where: str, value: object) -> str:
    return f"{where} must be a dict, got {type(value).__name__}"


def _normalize_types(section: str, key: str, spec: TypeSpec) -> tuple[type, ...]:
    members = spec if isinstance(spec, tuple) else (spec,)
    normalized = tuple(_NONE_TYPE if member is None else member for member in members)
    for member in normalized:
        if not isinstance(member, type):
            raise ValueError(
                f"register_section({section!r}): types[{key!r}] must be a class, None or a "
                f"tuple of them, got {member!r}"
            )
    return normalized


def _is_instance(value: object, expected: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in expected:
        return False  # True is an int to Python, never to a setting
    return isinstance(value, expected)


def _describe_types(expected: tuple[type, ...]) -> str:
    names = ["None" if member is _NONE_TYPE else member.__name__ for member in expected]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _did_you_mean(key: object, choices: Iterable[str]) -> str:
    if not isinstance(key, str):
        return ""
    close = difflib.get_close_matches(key, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTING_NAME:
        reload()


setting_changed.connect(_on_setting_changed, dispatch_uid="restflow.settings.reload")
