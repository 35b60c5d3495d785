"""``manage.py restflow_cache_wipe``: wipe one namespace, or everything restflow wrote.

``--previous-versions`` (with ``--namespace`` or ``--all``) removes only the entries cached
functions wrote under older ``Meta.version`` values (``--old-version V`` names them).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from restflow.caching.keys.constructor import SEPARATOR, KeyConstructor
from restflow.caching.keys.encoding import encode
from restflow.caching.registry import all_wrappers
from restflow.caching.settings import CACHE_SETTINGS
from restflow.caching.stores import get_store


def _constructor_namespaces() -> set[str]:
    found: set[str] = set()
    pending = [KeyConstructor]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls._meta.namespace:
            found.add(cls._meta.namespace)
    return found


class Command(BaseCommand):
    help = (
        "Delete restflow cache entries: one namespace (--namespace) or every namespace "
        "restflow knows (--all); with --previous-versions only what cached functions wrote "
        "under older Meta.version values. --dry-run counts instead of deleting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--namespace", help="the namespace to wipe")
        target.add_argument(
            "--all", action="store_true", help="every namespace of every known cached function"
        )
        parser.add_argument(
            "--alias", action="append", help="cache alias (repeatable; default: every one used)"
        )
        parser.add_argument("--dry-run", action="store_true", help="count, do not delete")
        parser.add_argument(
            "--previous-versions",
            action="store_true",
            help="only entries of Meta.version values older than the current one, per cached "
            "function of the namespace(s)",
        )
        parser.add_argument(
            "--old-version",
            action="append",
            dest="versions",
            metavar="VERSION",
            help="with --previous-versions: the old version to wipe (repeatable; default: all)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wrappers = all_wrappers()
        aliases = options["alias"] or sorted(
            {CACHE_SETTINGS.CACHE_ALIAS} | {w.cache_alias for w in wrappers if w.cache_alias}
        )
        if options["namespace"]:
            namespaces = {options["namespace"]}
        else:
            namespaces = {CACHE_SETTINGS.NAMESPACE} | _constructor_namespaces()
        dry = options["dry_run"]
        verb = "would delete" if dry else "deleted"
        if options["versions"] and not options["previous_versions"]:
            raise CommandError("--old-version needs --previous-versions.")
        if options["previous_versions"]:
            self._wipe_previous_versions(
                wrappers, options["namespace"], options["alias"], options["versions"], dry
            )
            return
        for alias in aliases:
            try:
                store = get_store(alias)
            except Exception as exc:
                raise CommandError(str(exc)) from exc
            for namespace in sorted(namespaces):
                count = store.delete_prefix(encode(namespace) + SEPARATOR, dry_run=dry)
                self.stdout.write(f"{alias}: namespace {namespace!r}: {verb} {_amount(count)}")

    def _wipe_previous_versions(
        self,
        wrappers: list[Any],
        namespace: str | None,
        aliases: list[str] | None,
        versions: list[str] | None,
        dry: bool,
    ) -> None:
        verb = "would delete" if dry else "deleted"
        seen: set[tuple[str, str, str]] = set()
        for wrapper in sorted(wrappers, key=lambda w: w.identifier):
            try:
                store = wrapper.runtime().store
            except Exception as exc:
                raise CommandError(f"{wrapper.identifier}: {exc}") from exc
            key = wrapper.key
            if namespace is not None and key.namespace != encode(namespace):
                continue
            if aliases and store.alias not in aliases:
                continue
            if (store.alias, key.namespace, key.identifier) in seen:
                continue  # functions sharing a key_identifier share entries
            seen.add((store.alias, key.namespace, key.identifier))
            try:
                count = wrapper.wipe_previous_versions(versions, dry_run=dry)
            except (TypeError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"{store.alias}: {wrapper.identifier} (current version {key.version!r}): "
                f"{verb} {_amount(count)} of previous versions"
            )


def _amount(count: int) -> str:
    if count < 0:
        return "an unknown number of entries (generation counters: the backend cannot list keys)"
    return f"{count} entr{'y' if count == 1 else 'ies'}"
