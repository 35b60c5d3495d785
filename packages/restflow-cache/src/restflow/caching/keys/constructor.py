"""Key constructors: a class of key fields that builds the full cache key of a call.

Layout: ``namespace::version::function-id::partition…::suffix``. Every part is encoded
injectively (no value can contain ``::``), so two different calls never share a key, and
the text does not depend on the process or its hash seed. The suffix (the non-partition
fields) is hashed when longer than ``max_key_suffix_length``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

import restflow.caching.registry as registry
from restflow.caching.keys.context import KeyContext
from restflow.caching.keys.encoding import SEPARATOR, digest, encode
from restflow.caching.keys.fields import (
    ArgsKeyField,
    ConstantKeyField,
    ContextKeyField,
    HostKeyField,
    KeyField,
    Part,
    QueryParamsKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
)
from restflow.caching.keys.signature import SignatureInfo
from restflow.caching.keys.versions import VersionSweep

__all__ = [
    "SEPARATOR",
    "BoundKey",
    "DefaultKeyConstructor",
    "InlineKeyConstructor",
    "KeyConstructor",
    "field_names",
]

_EMPTY_SUFFIX = "_"
_META_OPTIONS = (
    "namespace",
    "version",
    "key_identifier",
    "max_key_suffix_length",
    "hash_suffix_on_overflow",
)


class _Options:
    def __init__(self, meta: Any, parent: _Options | None, owner: str) -> None:
        unknown = sorted(
            name for name in vars(meta) if not name.startswith("_") and name not in _META_OPTIONS
        )
        if unknown:
            raise TypeError(
                f"{owner}.Meta has unknown option(s) {', '.join(unknown)}; "
                f"known: {', '.join(_META_OPTIONS)}."
            )
        for name in _META_OPTIONS:
            inherited = getattr(parent, name, None) if parent else None
            setattr(self, name, getattr(meta, name, inherited))
        self.namespace: str | None
        self.version: Any
        self.key_identifier: str | None
        self.max_key_suffix_length: int | None
        self.hash_suffix_on_overflow: bool | None
        if self.namespace is not None and (
            not isinstance(self.namespace, str) or not self.namespace
        ):
            raise TypeError(
                f"{owner}.Meta.namespace must be a non-empty str, got {self.namespace!r}."
            )
        if self.version is not None:
            encode(self.version)


class _KeyConstructorMeta(type):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        cls = super().__new__(mcs, name, bases, attrs)
        fields: dict[str, KeyField] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "key_fields", {}))
        for attr, value in attrs.items():
            if isinstance(value, KeyField):
                value.attr = attr
                value.owner = name
                fields[attr] = value
        cls.key_fields = fields  # type: ignore[attr-defined]
        parent = getattr(cls, "_meta", None)
        cls._meta = _Options(attrs.get("Meta", object), parent, name)  # type: ignore[attr-defined]
        return cls


class KeyConstructor(metaclass=_KeyConstructorMeta):
    """A class whose attributes are key fields.

    ``Meta`` options: ``namespace`` (default: the ``NAMESPACE`` setting), ``version``
    (default ``1``; bump it to retire every entry, then :meth:`wipe_previous_versions`
    frees the old ones), ``key_identifier`` (replaces the
    function id, so several functions can share entries), ``max_key_suffix_length`` and
    ``hash_suffix_on_overflow`` (defaults from ``CACHE_SETTINGS``).
    """

    key_fields: ClassVar[dict[str, KeyField]]
    _meta: ClassVar[_Options]

    @classmethod
    def bind(cls, func: Callable[..., Any] | None, identifier: str) -> BoundKey:
        """Compile the fields for ``func`` (``None``: a view, no signature) once."""
        return BoundKey(cls, SignatureInfo(func) if func is not None else None, identifier)

    @classmethod
    def wipe(cls, **partition_values: Any) -> int:
        """Delete the entries of every function keyed by this constructor; returns a count or -1.

        ``UserKey.wipe(user_id=42)`` deletes only that partition (leading partition
        fields, named as the functions' arguments), in every function.
        """
        return registry.wipe(cls, **partition_values)

    @classmethod
    async def awipe(cls, **partition_values: Any) -> int:
        """Async twin of :meth:`wipe`."""
        return await registry.awipe(cls, **partition_values)

    @classmethod
    def wipe_previous_versions(
        cls, versions: Iterable[Any] | None = None, *, dry_run: bool = False
    ) -> int:
        """Delete what every function keyed by this constructor wrote under older versions.

        ``versions``: the previous ``Meta.version`` values to remove (default: every version
        but the current one). Returns a count, or -1 when the backend cannot count (see
        :meth:`CachedWrapper.wipe_previous_versions`). ``dry_run`` counts without deleting.
        """
        return registry.wipe_previous_versions(cls, versions, dry_run=dry_run)

    @classmethod
    async def awipe_previous_versions(
        cls, versions: Iterable[Any] | None = None, *, dry_run: bool = False
    ) -> int:
        """Async twin of :meth:`wipe_previous_versions`."""
        return await registry.awipe_previous_versions(cls, versions, dry_run=dry_run)


def InlineKeyConstructor(
    fields: Mapping[str, KeyField], *, name: str = "InlineKeyConstructor", **meta: Any
) -> type[KeyConstructor]:
    """Build a :class:`KeyConstructor` class from a dict of fields (and ``Meta`` options)."""
    bad = [k for k, v in fields.items() if not isinstance(v, KeyField)]
    if bad:
        raise TypeError(f"InlineKeyConstructor: {', '.join(bad)} are not key fields.")
    attrs: dict[str, Any] = dict(fields)
    attrs["Meta"] = type("Meta", (), meta)
    return _KeyConstructorMeta(name, (KeyConstructor,), attrs)


class DefaultKeyConstructor(KeyConstructor):
    """Every argument of the call (``self``/``cls`` excluded)."""

    arguments = ArgsKeyField("*")


def _request_getter(sig: SignatureInfo | None) -> Callable[[KeyContext], Any]:
    if sig is not None and sig.has("request") and "request" in sig.names:
        get = sig.getter("request")
        return lambda ctx: ctx.request if ctx.request is not None else get(ctx.args, ctx.kwargs)
    if sig is not None and sig.bound_first == "self":
        return lambda ctx: (
            ctx.request if ctx.request is not None else getattr(ctx.args[0], "request", None)
        )
    return lambda ctx: ctx.request


class BoundKey:
    """A constructor compiled for one function: builds keys and prefixes for its calls."""

    def __init__(
        self, constructor: type[KeyConstructor], sig: SignatureInfo | None, identifier: str
    ) -> None:
        self.constructor = constructor
        self.sig = sig
        meta = constructor._meta
        self.identifier = encode(meta.key_identifier or identifier)
        request_of = _request_getter(sig)
        self.partition_fields: list[KeyField] = []
        self._restorable = [
            (field.func, field.restore)
            for field in constructor.key_fields.values()
            if isinstance(field, ContextKeyField) and field.restore is not None
        ]
        partitions: list[Part] = []
        suffix: list[Part] = []
        for field in constructor.key_fields.values():
            part = field.compile(sig, request_of)
            if field.partition:
                self.partition_fields.append(field)
                partitions.append(part)
            else:
                suffix.append(part)
        self._partitions = partitions
        self._suffix = suffix
        self.head = ""
        self.max_suffix = 0
        self.hash_overflow = True
        self._build: Callable[[KeyContext], str] = self._unresolved

    def _unresolved(self, ctx: KeyContext) -> str:
        raise RuntimeError("BoundKey.resolve() must run before keys are built.")

    def resolve(self, namespace: str, max_suffix: int, hash_overflow: bool) -> None:
        """Fix the settings-dependent parts (namespace, suffix limits); called on first use."""
        meta = self.constructor._meta
        ns = encode(meta.namespace or namespace)
        self.version = meta.version if meta.version is not None else 1
        version = encode(self.version)
        self.namespace = ns
        self.head = SEPARATOR.join((ns, version, self.identifier))
        self.max_suffix = meta.max_key_suffix_length or max_suffix
        overflow = meta.hash_suffix_on_overflow
        self.hash_overflow = hash_overflow if overflow is None else overflow
        self._build = self._compile_builder()

    def _compile_builder(self) -> Callable[[KeyContext], str]:
        head, sep = self.head, SEPARATOR
        partitions, suffix = self._partitions, self._suffix
        finish = self._finish_suffix
        if not partitions and len(suffix) == 1:
            only, start, limit = suffix[0], head + sep, self.max_suffix

            def build_one(ctx: KeyContext) -> str:
                text = only(ctx)
                return start + (text if len(text) <= limit else finish(text))

            return build_one
        if not partitions and not suffix:
            text = f"{head}{sep}{_EMPTY_SUFFIX}"
            return lambda ctx: text

        def build(ctx: KeyContext) -> str:
            parts = [head]
            parts.extend(p(ctx) for p in partitions)
            parts.append(finish(sep.join([s(ctx) for s in suffix])) if suffix else _EMPTY_SUFFIX)
            return sep.join(parts)

        return build

    def _finish_suffix(self, text: str) -> str:
        if len(text) <= self.max_suffix:
            return text
        if not self.hash_overflow:
            raise ValueError(
                f"cache key suffix of {self.identifier} is {len(text)} characters, over "
                f"max_key_suffix_length={self.max_suffix}, and hash_suffix_on_overflow is off."
            )
        return "!h" + digest(text)

    def key(self, ctx: KeyContext) -> str:
        """The full key of one call."""
        return self._build(ctx)

    def capture(self) -> Callable[[], contextlib.AbstractContextManager[None]]:
        """The context values this key reads, now; the result re-enters them (another thread).

        Only ``ContextKeyField``\\ s with ``restore=`` are captured.
        """
        values = [(restore, func()) for func, restore in self._restorable]

        @contextlib.contextmanager
        def restored() -> Iterator[None]:
            with contextlib.ExitStack() as stack:
                for restore, value in values:
                    stack.enter_context(restore(value))
                yield

        return restored

    def version_sweep(self, versions: Iterable[Any] | None) -> VersionSweep:
        """What a previous-versions wipe of this function removes (``versions``: all if None)."""
        where = f"wipe_previous_versions() of {self.identifier}"
        return VersionSweep(self.namespace, self.identifier, self.version, versions, where)

    def partition_parts(self, ctx: KeyContext) -> list[str]:
        """The partition parts of one call (for generation counters)."""
        return [p(ctx) for p in self._partitions]

    def prefix(self, values: Mapping[str, Any]) -> tuple[str, int]:
        """The key prefix for ``delete_by_prefix(**values)`` and how many partitions it fixes.

        Values are named by argument (``user_id=…``) or field attribute; they must fix a
        leading run of the partition fields (constants fill themselves in). ``TypeError``
        names what is wrong.
        """
        remaining = dict(values)
        parts: list[str] = []
        for field in self.partition_fields:
            names = field_names(field)
            given = [n for n in names if n in remaining]
            if given:
                parts.append(_encode_given(field, remaining.pop(given[0])))
                for n in given[1:]:
                    remaining.pop(n)
            elif isinstance(field, ConstantKeyField):
                parts.append(field.compile(None, lambda ctx: None)(KeyContext((), {})))
            else:
                break
        if remaining:
            order = ", ".join("/".join(field_names(f)) for f in self.partition_fields) or "(none)"
            raise TypeError(
                f"delete_by_prefix() of {self.identifier}: {', '.join(sorted(remaining))} "
                f"do not name a leading partition field; partitions in order: {order}."
            )
        prefix = SEPARATOR.join([self.head, *parts]) + SEPARATOR
        return prefix, len(parts)


def field_names(field: KeyField) -> list[str]:
    """The names a caller may give ``field``'s value under: its argument/kwarg name, its attribute.

    Only fields reading one value can be given (``ArgsKeyField("x")``,
    ``ViewKwargsKeyField("pk")``, ``QueryParamsKeyField("page")``, constants, request and
    context values, the host).
    """
    names = [field.attr]
    read: list[str] | None = None
    if isinstance(field, ArgsKeyField) and field.single:
        read = field.names
    elif isinstance(field, ViewKwargsKeyField | QueryParamsKeyField):
        read = field.names if field.names and len(field.names) == 1 else None
    if read:
        names.insert(0, read[0])
    if isinstance(field, ConstantKeyField | RequestValueKeyField | HostKeyField | ContextKeyField):
        names.append(field.name)
    return list(dict.fromkeys(names))


def _encode_given(field: KeyField, value: Any) -> str:
    if isinstance(field, ArgsKeyField) and field.normalizer is not None and not field.path:
        value = field.normalizer(value)  # with path=, the caller gives the final value
    elif isinstance(field, ViewKwargsKeyField | QueryParamsKeyField):
        names = field.names or []
        if len(names) == 1 and isinstance(field, ViewKwargsKeyField):
            value = {names[0]: value}  # the field's own shape: {"pk": 3}
        elif len(names) == 1:  # a query parameter reads as a list of its values
            listed = [] if value is None else value if isinstance(value, list | tuple) else [value]
            value = {names[0]: list(listed)}
    text = encode(value)
    return digest(text) if field.hash else text
