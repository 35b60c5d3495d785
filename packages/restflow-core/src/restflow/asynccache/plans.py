"""The cache operations as Redis commands: I/O-free plans and their two drivers.

A plan is a generator: it yields a :class:`Step` (one command, or several sent in one
round trip), receives the reply, and returns the operation's result. :func:`run` drives
a plan on a sync redis-py client, :func:`arun` on an asyncio one; nothing else differs
between the two sides.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from restflow.asynccache.dialects import EXPIRED, Dialect

__all__ = [
    "Plan",
    "PrefixScan",
    "Step",
    "add",
    "arun",
    "delete",
    "delete_if_equal",
    "delete_many",
    "delete_matching",
    "get",
    "get_many",
    "has_key",
    "hit",
    "run",
    "set_",
    "set_many",
]

_T = TypeVar("_T")
Command = tuple[str, tuple[Any, ...], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Step:
    """Commands sent in one round trip; several go through a pipeline."""

    commands: tuple[Command, ...]
    transaction: bool = False

    def send(self, client: Any) -> Any:
        """Send to ``client``: the reply (a list for several), or its awaitable."""
        if len(self.commands) == 1:
            name, args, kwargs = self.commands[0]
            return getattr(client, name)(*args, **kwargs)
        pipe = client.pipeline(transaction=self.transaction)
        for name, args, kwargs in self.commands:
            getattr(pipe, name)(*args, **kwargs)
        return pipe.execute()


Plan = Generator[Step, Any, _T]


def one(name: str, *args: Any, **kwargs: Any) -> Step:
    """A step of one command."""
    return Step(((name, args, kwargs),))


def run(client: Any, plan: Plan[_T]) -> _T:
    """Carry out ``plan`` on a sync redis-py client."""
    try:
        step = next(plan)
        while True:
            step = plan.send(step.send(client))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


async def arun(client: Any, plan: Plan[_T]) -> _T:
    """Carry out ``plan`` on a ``redis.asyncio`` client."""
    try:
        step = next(plan)
        while True:
            step = plan.send(await step.send(client))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


# -- the operations ----------------------------------------------------------------------


def get(dialect: Dialect, key: str, default: Any = None) -> Plan[Any]:
    raw = yield one("get", dialect.key(key))
    return default if raw is None else dialect.loads(raw)


def get_many(dialect: Dialect, keys: Iterable[str]) -> Plan[dict[str, Any]]:
    made = {dialect.key(key): key for key in keys}
    if not made:
        return {}
    raws = yield one("mget", list(made))
    return {
        made[full]: dialect.loads(raw)
        for full, raw in zip(made, raws, strict=True)
        if raw is not None
    }


def _set_command(dialect: Dialect, key: str, value: Any, timeout: Any) -> Command:
    full = dialect.key(key)
    expiry = dialect.expiry(timeout)
    if expiry == EXPIRED:
        return ("delete", (full,), {})
    return ("set", (full, dialect.dumps(value)), expiry)  # type: ignore[return-value]


def set_(dialect: Dialect, key: str, value: Any, timeout: Any) -> Plan[None]:
    yield Step((_set_command(dialect, key, value, timeout),))


def set_many(dialect: Dialect, data: dict[str, Any], timeout: Any) -> Plan[None]:
    commands = tuple(_set_command(dialect, key, value, timeout) for key, value in data.items())
    if commands:
        yield Step(commands)


def add(dialect: Dialect, key: str, value: Any, timeout: Any) -> Plan[bool]:
    full = dialect.key(key)
    expiry = dialect.expiry(timeout)
    if expiry != EXPIRED:
        return bool((yield one("set", full, dialect.dumps(value), nx=True, **expiry)))  # type: ignore[arg-type]
    if dialect.expired_add == "exists":
        return not (yield one("exists", full))
    added = bool((yield one("set", full, dialect.dumps(value), nx=True)))
    if added:
        yield one("delete", full)
    return added


def delete(dialect: Dialect, key: str) -> Plan[bool]:
    return bool((yield one("delete", dialect.key(key))))


def delete_many(dialect: Dialect, keys: Iterable[str]) -> Plan[None]:
    made = [dialect.key(key) for key in keys]
    if made:
        yield one("delete", *made)


def has_key(dialect: Dialect, key: str) -> Plan[bool]:
    return bool((yield one("exists", dialect.key(key))))


def hit(dialect: Dialect, key: str, ttl: int) -> Plan[int]:
    """Create the counter at 0 for ``ttl`` seconds unless it exists, then add one: atomic."""
    full = dialect.key(key)
    create = ("set", (full, 0), {"ex": ttl, "nx": True})
    replies = yield Step((create, ("incr", (full,), {})), transaction=True)
    return int(replies[1])


_DELETE_IF_EQUAL = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end"
)


def delete_if_equal(dialect: Dialect, key: str, value: Any) -> Plan[bool]:
    """Delete ``key`` only while it holds ``value`` (one atomic script)."""
    encoded = dialect.dumps(value)
    return bool((yield one("eval", _DELETE_IF_EQUAL, 1, dialect.key(key), encoded)))


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\*?[]" else c for c in text)


@dataclass(frozen=True)
class PrefixScan:
    """Which keys a prefix wipe deletes: those starting with ``prefix``, holding ``infix``
    somewhere after it, that ``keep`` accepts (given the cache key); ``dry_run`` only counts."""

    prefix: str
    infix: str = ""
    keep: Callable[[str], bool] | None = None
    dry_run: bool = False
    batch_size: int = 500
    """Keys asked for per ``SCAN`` and deleted per ``UNLINK``."""

    def selects(self, key: str) -> bool:
        """Whether the cache key ``key`` is one to delete."""
        rest = key[len(self.prefix) :] if key.startswith(self.prefix) else None
        return rest is not None and self.infix in rest and (self.keep is None or self.keep(key))


def delete_matching(dialect: Dialect, scan: PrefixScan) -> Plan[int]:
    """SCAN for the keys ``scan`` selects and UNLINK them in batches; how many (or found)."""
    full = dialect.key(scan.prefix)
    offset = len(full) - len(scan.prefix)
    pattern = _glob_escape(full) + "*" + (_glob_escape(scan.infix) + "*" if scan.infix else "")
    cursor, count, batch = 0, 0, []
    while True:
        cursor, found = yield one("scan", cursor, match=pattern, count=scan.batch_size)
        for raw in found:
            name = raw.decode() if isinstance(raw, bytes) else raw
            if scan.keep is None or scan.keep(name[offset:]):
                batch.append(raw)
        if batch and (len(batch) >= scan.batch_size or not cursor):
            count += len(batch) if scan.dry_run else (yield one("unlink", *batch))
            batch = []
        if not cursor:
            return count
