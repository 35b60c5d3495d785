"""Wiping the entries of previous ``Meta.version`` values: LocMem, a file cache, Redis."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from restflow.caching import (
    CACHE_MISSING,
    ArgsKeyField,
    CachedWrapper,
    InlineKeyConstructor,
    KeyConstructor,
    cache_result,
)

PATHS = ["sync", "async"]


def versioned(version: Any, alias: str, *, identifier: str = "priced") -> CachedWrapper:
    """The same cached function as deployed with ``Meta.version = version``."""
    key = InlineKeyConstructor(
        {"n": ArgsKeyField("n", partition=True)},
        name=f"PricedKey{version}",
        namespace="versions",
        version=version,
        key_identifier=identifier,
    )

    @cache_result(key_constructor=key, cache_alias=alias, ttl=60)
    def priced(n: int) -> str:
        return f"{n}@{version}"

    return priced  # type: ignore[no-any-return]


def wipe_previous(wrapper: Any, path: str, *args: Any, **kwargs: Any) -> int:
    if path == "async":
        return asyncio.run(wrapper.awipe_previous_versions(*args, **kwargs))
    return int(wrapper.wipe_previous_versions(*args, **kwargs))


def deployed(alias: str, *versions: Any) -> list[CachedWrapper]:
    """One wrapper per version, each with entries for n=1 and n=2; the last is current."""
    wrappers = [versioned(v, alias) for v in versions]
    for wrapper in wrappers:
        wrapper(1), wrapper(2)
    return wrappers


@pytest.mark.parametrize("path", PATHS)
class TestWipePreviousVersions:
    def test_old_entries_go_and_current_ones_stay(self, alias: str, path: str) -> None:
        old, current = deployed(alias, 1, 2)
        count = wipe_previous(current, path)
        assert count == (-1 if alias == "files" else 2)
        assert old.get_cache_only(1) is CACHE_MISSING and old.get_cache_only(2) is CACHE_MISSING
        assert (current.get_cache_only(1), current.get_cache_only(2)) == ("1@2", "2@2")

    def test_versions_limits_the_wipe(self, alias: str, path: str) -> None:
        first, second, current = deployed(alias, 1, 2, 3)
        count = wipe_previous(current, path, versions=[1])
        assert count == (-1 if alias == "files" else 2)
        assert first.get_cache_only(1) is CACHE_MISSING
        assert second.get_cache_only(1) == "1@2" and current.get_cache_only(1) == "1@3"

    def test_dry_run_counts_and_deletes_nothing(self, alias: str, path: str) -> None:
        old, current = deployed(alias, 1, 2)
        count = wipe_previous(current, path, dry_run=True)
        assert count == (-1 if alias == "files" else 2)
        assert old.get_cache_only(1) == "1@1"

    def test_other_functions_of_the_namespace_are_untouched(self, alias: str, path: str) -> None:
        neighbour = versioned(1, alias, identifier="neighbour")
        neighbour(1)
        _, current = deployed(alias, 1, 2)
        wipe_previous(current, path)
        assert neighbour.get_cache_only(1) == "1@1"

    def test_the_current_version_is_refused(self, alias: str, path: str) -> None:
        _, current = deployed(alias, 1, 2)
        with pytest.raises(ValueError, match=r"2 is the current Meta\.version"):
            wipe_previous(current, path, versions=[1, 2])

    def test_string_versions_on_a_backend_without_key_listing(self, alias: str, path: str) -> None:
        old, current = deployed(alias, "2024-01", "2024-06")
        if alias == "files":
            with pytest.raises(ValueError, match=r"cannot list keys.*pass them"):
                wipe_previous(current, path)
            assert wipe_previous(current, path, versions=["2024-01"]) == -1
        else:
            assert wipe_previous(current, path) == 2
        assert old.get_cache_only(1) is CACHE_MISSING and current.get_cache_only(1) == "1@2024-06"


class SharedKey(KeyConstructor):
    n = ArgsKeyField("n")

    class Meta:
        namespace = "versions-shared"
        version = 2


class SharedKeyV1(KeyConstructor):
    n = ArgsKeyField("n")

    class Meta:
        namespace = "versions-shared"
        version = 1


def shared_functions(alias: str) -> tuple[Any, Any, Any, Any]:
    def make(key: type[KeyConstructor], name: str) -> Any:
        def body(n: int) -> int:
            return n

        body.__qualname__ = name
        return cache_result(key_constructor=key, cache_alias=alias, ttl=60)(body)

    old_a, old_b = make(SharedKeyV1, "shared_a"), make(SharedKeyV1, "shared_b")
    old_a(1), old_b(1)
    new_a, new_b = make(SharedKey, "shared_a"), make(SharedKey, "shared_b")
    new_a(1), new_b(1)
    return old_a, old_b, new_a, new_b


@pytest.mark.parametrize("path", PATHS)
def test_key_constructor_wipes_previous_versions_of_every_function(alias: str, path: str) -> None:
    old_a, old_b, new_a, new_b = shared_functions(alias)
    if path == "async":
        count = asyncio.run(SharedKey.awipe_previous_versions())
    else:
        count = SharedKey.wipe_previous_versions()
    assert count == (-1 if alias == "files" else 2)
    assert old_a.get_cache_only(1) is CACHE_MISSING and old_b.get_cache_only(1) is CACHE_MISSING
    assert new_a.get_cache_only(1) == 1 and new_b.get_cache_only(1) == 1


def test_versions_must_be_a_list() -> None:
    _, current = deployed("default", 1, 2)
    with pytest.raises(TypeError, match="versions= must be a list"):
        current.wipe_previous_versions(versions="1")


def wipe(*args: str) -> str:
    out = io.StringIO()
    call_command("restflow_cache_wipe", *args, stdout=out)
    return out.getvalue()


class TestCommand:
    def test_dry_run_counts_the_previous_versions(self, alias: str) -> None:
        old, _ = deployed(alias, 1, 2)
        out = wipe("--namespace", "versions", "--previous-versions", "--dry-run", "--alias", alias)
        expected = "an unknown number" if alias == "files" else "would delete 2 entries"
        assert expected in out and "of previous versions" in out
        assert old.get_cache_only(1) == "1@1"

    def test_wipes_previous_versions_and_keeps_the_current(self, alias: str) -> None:
        old, current = deployed(alias, 1, 2)
        out = wipe("--all", "--previous-versions", "--alias", alias)
        assert "current version 2" in out
        assert old.get_cache_only(1) is CACHE_MISSING and current.get_cache_only(1) == "1@2"

    def test_old_version_names_the_versions(self, alias: str) -> None:
        first, second, _ = deployed(alias, 1, 2, 3)
        wipe("--namespace", "versions", "--previous-versions", "--old-version", "2")
        assert first.get_cache_only(1) == "1@1" and second.get_cache_only(1) is CACHE_MISSING

    def test_old_version_without_previous_versions_is_an_error(self) -> None:
        with pytest.raises(CommandError, match="needs --previous-versions"):
            wipe("--all", "--old-version", "1")

    def test_an_unlistable_version_is_a_command_error(self) -> None:
        deployed("files", "a", "b")
        with pytest.raises(CommandError, match="pass them"):
            wipe("--namespace", "versions", "--previous-versions", "--alias", "files")
