"""``manage.py restflow_cache_wipe``: wipe one namespace, or everything restflow wrote."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from restflow.caching.keys.constructor import SEPARATOR, KeyConstructor
from restflow.caching.keys.encoding import encode


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
        "restflow knows (--all). --dry-run counts instead of deleting."
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

    def handle(self, *args: Any, **options: Any) -> None:
        from restflow.caching.registry import all_wrappers
        from restflow.caching.settings import CACHE_SETTINGS
        from restflow.caching.stores import get_store

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
        for alias in aliases:
            try:
                store = get_store(alias)
            except Exception as exc:
                raise CommandError(str(exc)) from exc
            for namespace in sorted(namespaces):
                count = store.delete_prefix(encode(namespace) + SEPARATOR, dry_run=dry)
                amount = (
                    "an unknown number of entries (generation counters: the backend cannot "
                    "list keys)"
                    if count < 0
                    else f"{count} entr{'y' if count == 1 else 'ies'}"
                )
                self.stdout.write(f"{alias}: namespace {namespace!r}: {verb} {amount}")
