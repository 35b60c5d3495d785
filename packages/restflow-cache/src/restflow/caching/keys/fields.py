"""Key fields: each pulls one piece of a call (an argument, a request value, a schema) as text.

A field is declared on a :class:`~restflow.caching.keys.KeyConstructor` and compiled once,
when the constructor is bound to a function: the compiled part is a plain function from a
:class:`KeyContext` to the part's text. ``partition=True`` moves the part into the key
prefix (wipeable with ``delete_by_prefix``); ``hash=True`` stores a digest of the part.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings

from restflow.caching.keys.context import KeyContext
from restflow.caching.keys.encoding import digest, encode
from restflow.caching.keys.signature import MissingArgument, SignatureInfo

__all__ = [
    "ArgsKeyField",
    "ConstantKeyField",
    "ContextKeyField",
    "HostKeyField",
    "KeyField",
    "Part",
    "QueryParamsKeyField",
    "RequestValueKeyField",
    "ViewKwargsKeyField",
]

Part = Callable[[KeyContext], str]
"""A compiled field: the text of its part of the key for one call."""

RequestGetter = Callable[[KeyContext], Any]


def _attr_path(path: str | None) -> Callable[[Any], Any] | None:
    if not path:
        return None
    getter = operator.attrgetter(path)

    def follow(value: Any) -> Any:
        if isinstance(value, Mapping):
            for name in path.split("."):
                value = value[name] if isinstance(value, Mapping) else getattr(value, name)
            return value
        return getter(value)

    return follow


def _names_text(names: list[str] | None) -> str:
    return "'*'" if names is None else ", ".join(map(repr, names))


class KeyField:
    """Base class: override :meth:`compile_value` (returns ``ctx -> value``)."""

    needs_request = False

    def __init__(self, *, partition: bool = False, hash: bool = False) -> None:
        self.partition = bool(partition)
        self.hash = bool(hash)
        self.attr = ""
        self.owner = ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()})"

    def describe(self) -> str:
        """A short text naming what the field reads (for errors and ``repr``)."""
        return ""

    def _error(self, message: str) -> TypeError:
        where = f"{self.owner}.{self.attr}" if self.owner else type(self).__name__
        return TypeError(f"{where} ({type(self).__name__}): {message}")

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        """Return ``ctx -> value`` for one bound function; raise ``TypeError`` for bad declarations."""
        raise NotImplementedError

    def compile(self, sig: SignatureInfo | None, request_of: RequestGetter) -> Part:
        """Return the compiled part (encoded and, with ``hash=True``, digested)."""
        value_of = self.compile_value(sig, request_of)
        if self.hash:
            return lambda ctx: digest(encode(value_of(ctx)))
        return lambda ctx: encode(value_of(ctx))


class ConstantKeyField(KeyField):
    """A fixed ``name``/``value`` pair on every call (environment labels, feature stamps)."""

    def __init__(self, name: str, value: Any, **options: Any) -> None:
        super().__init__(**options)
        self.name = name
        self.value = value
        encode(value)  # TypeError now for a value without a stable text

    def describe(self) -> str:
        return f"{self.name!r}, {self.value!r}"

    def compile(self, sig: SignatureInfo | None, request_of: RequestGetter) -> Part:
        text = encode(self.value)
        if self.hash:
            text = digest(text)
        return lambda ctx: text

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        value = self.value
        return lambda ctx: value


class ArgsKeyField(KeyField):
    """Function arguments: one name, a list of names, or ``"*"`` (every argument).

    ``path="a.b"`` reads an attribute (or mapping item) path off the argument;
    ``normalizer`` maps the value to something with a stable text. Names that the
    function does not accept are a ``TypeError`` at decoration.
    """

    def __init__(
        self,
        name: str | Iterable[str],
        *,
        path: str | None = None,
        normalizer: Callable[[Any], Any] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if isinstance(name, str):
            self.names: list[str] | None = None if name == "*" else [name]
            self.single = name != "*"
        else:
            self.names = list(name)
            self.single = False
            if not self.names or not all(isinstance(n, str) for n in self.names):
                raise TypeError(f"ArgsKeyField names must be non-empty strings, got {name!r}.")
        self.path = path
        self.normalizer = normalizer

    def describe(self) -> str:
        return _names_text(self.names)

    def _argument(self, sig: SignatureInfo, name: str) -> Callable[[KeyContext], Any]:
        get = sig.getter(name)

        def read(ctx: KeyContext) -> Any:
            try:
                return get(ctx.args, ctx.kwargs)
            except MissingArgument:
                raise TypeError(
                    f"{sig.qualname}() was called without argument {name!r}, which its cache "
                    f"key ({self.owner}.{self.attr}) needs."
                ) from None

        return read

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        if sig is None:
            raise self._error("reads function arguments, but is used without a function.")
        names = sig.key_arguments() if self.names is None else self.names
        missing = [n for n in names if not sig.has(n)]
        if missing:
            raise self._error(
                f"{sig.qualname}() has no argument {', '.join(map(repr, missing))}; "
                f"its arguments are {', '.join(sig.names) or '(none)'}."
            )
        readers = [self._argument(sig, n) for n in names]
        follow = _attr_path(self.path)
        normalizer = self.normalizer

        def finish(value: Any) -> Any:
            if follow is not None:
                value = follow(value)
            if normalizer is not None:
                value = normalizer(value)
            return value

        if self.single:
            read = readers[0]
            return lambda ctx: finish(read(ctx))
        pairs = list(zip(names, readers, strict=True))
        extra = sig.var_keyword is not None and self.names is None
        known = set(names)

        def read_all(ctx: KeyContext) -> Any:
            values = {n: finish(r(ctx)) for n, r in pairs}
            if extra:
                values.update((k, finish(v)) for k, v in ctx.kwargs.items() if k not in known)
            return values

        return read_all

    def compile(self, sig: SignatureInfo | None, request_of: RequestGetter) -> Part:
        """Plain arguments compile to a direct encoder (the hot path of default keys)."""
        if (
            sig is None
            or self.path
            or self.normalizer is not None
            or (self.names is None and sig.var_keyword is not None)
        ):
            return super().compile(sig, request_of)
        self.compile_value(sig, request_of)  # validates the names
        names = sorted(sig.key_arguments() if self.names is None else self.names)
        getters = [sig.getter(n) for n in names]
        qualname, where = sig.qualname, f"{self.owner}.{self.attr}"

        def missing(exc: MissingArgument) -> TypeError:
            return TypeError(
                f"{qualname}() was called without argument {exc.args[0]!r}, which its cache "
                f"key ({where}) needs."
            )

        hashed = self.hash
        if self.single:
            (get,) = getters

            def one(ctx: KeyContext) -> str:
                try:
                    text = encode(get(ctx.args, ctx.kwargs))
                except MissingArgument as exc:
                    raise missing(exc) from None
                return digest(text) if hashed else text

            return one
        labels = [encode(n) + "=" for n in names]
        if len(names) == 1:
            (get,) = getters
            label = "{" + labels[0]

            def single(ctx: KeyContext) -> str:
                try:
                    text = label + encode(get(ctx.args, ctx.kwargs)) + "}"
                except MissingArgument as exc:
                    raise missing(exc) from None
                return digest(text) if hashed else text

            return single
        pairs = list(zip(labels, getters, strict=True))

        def several(ctx: KeyContext) -> str:
            args, kwargs = ctx.args, ctx.kwargs
            try:
                text = "{" + ",".join([lb + encode(g(args, kwargs)) for lb, g in pairs]) + "}"
            except MissingArgument as exc:
                raise missing(exc) from None
            return digest(text) if hashed else text

        return several


class RequestValueKeyField(KeyField):
    """A value read off the request by dotted path, e.g. ``"user.id"``; absent -> ``None``."""

    needs_request = True

    def __init__(self, name: str, attr: str, **options: Any) -> None:
        super().__init__(**options)
        self.name = name
        self.attr_path = attr

    def describe(self) -> str:
        return f"{self.name!r}, {self.attr_path!r}"

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        parts = self.attr_path.split(".")
        return lambda ctx: _follow(request_of(ctx), parts)

    def compile(self, sig: SignatureInfo | None, request_of: RequestGetter) -> Part:
        if self.hash:
            return super().compile(sig, request_of)
        parts = self.attr_path.split(".")
        return lambda ctx: encode(_follow(request_of(ctx), parts))  # one call less per key


def _follow(value: Any, parts: list[str]) -> Any:
    """The attribute path ``parts`` off ``value``; ``None`` as soon as a step is missing or None."""
    for part in parts:
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


class HostKeyField(KeyField):
    """The host the request was sent to, port included, as ``request.get_host()`` reads it.

    The raw value ``get_host()`` would validate: ``X-Forwarded-Host`` under
    ``USE_X_FORWARDED_HOST``, else ``Host``, else ``SERVER_NAME:SERVER_PORT``. The port must
    be in the key because ``ALLOWED_HOSTS`` ignores it. Validation is left to the view: a
    response built from the host (absolute URLs) calls ``get_host()``, which refuses a host
    outside ``ALLOWED_HOSTS`` (a 400) before anything is stored, and a response that never
    reads the host is the same whatever it is. ``None`` when the call has no request.
    """

    needs_request = True

    def __init__(self, name: str = "host", **options: Any) -> None:
        super().__init__(**options)
        self.name = name

    def describe(self) -> str:
        return repr(self.name)

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        def read(ctx: KeyContext) -> Any:
            request = request_of(ctx)
            return None if request is None else raw_host(request.META)

        return read


def raw_host(meta: Mapping[str, Any]) -> str:
    """The host header Django's ``get_host()`` reads from ``meta``, before it validates it."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return str(meta["HTTP_X_FORWARDED_HOST"])
    if "HTTP_HOST" in meta:
        return str(meta["HTTP_HOST"])
    return f"{meta.get('SERVER_NAME', '')}:{meta.get('SERVER_PORT', '')}"


class ContextKeyField(KeyField):
    """A value of the running context, read on every call: ``func()``.

    E.g. ``ContextKeyField("language", get_language, restore=translation.override)``: the
    language a ``LocaleMiddleware`` activated for this request. ``restore(value)`` is a
    context manager that makes ``value`` current again: background (STALE) refreshes run in
    it, so they compute the entry they replace; without it, a refresh that finds another
    value in its thread does not write.
    """

    needs_request = True  # not an argument: a key with it cannot be rebuilt from arguments

    def __init__(
        self,
        name: str,
        func: Callable[[], Any],
        *,
        restore: Callable[[Any], AbstractContextManager[Any]] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if not callable(func) or not (restore is None or callable(restore)):
            raise TypeError(
                f"ContextKeyField({name!r}) needs callables, got func={func!r}, "
                f"restore={restore!r}."
            )
        self.name = name
        self.func = func
        self.restore = restore

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        func = self.func
        return lambda ctx: func()

    def describe(self) -> str:
        return f"{self.name!r}, {getattr(self.func, '__qualname__', self.func)!s}"


def _query_params(request: Any) -> Any:
    params = getattr(request, "query_params", None)
    return params if params is not None else getattr(request, "GET", {})


class _NamedValuesField(KeyField):
    """A field reading named values (query parameters, URL kwargs): a list of names or ``"*"``."""

    def __init__(self, names: str | Iterable[str] = "*", **options: Any) -> None:
        super().__init__(**options)
        if isinstance(names, str):
            self.names: list[str] | None = None if names == "*" else [names]
        else:
            self.names = list(names)

    def describe(self) -> str:
        return _names_text(self.names)


class QueryParamsKeyField(_NamedValuesField):
    """Query-string parameters: a list of names or ``"*"``; repeated values all count."""

    needs_request = True

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        names = self.names

        def read(ctx: KeyContext) -> Any:
            params = _query_params(request_of(ctx))
            keys = sorted(params) if names is None else names
            getlist = getattr(params, "getlist", None)
            if getlist is None:
                return {k: params.get(k) for k in keys}
            return {k: getlist(k) for k in keys}

        return read


class ViewKwargsKeyField(_NamedValuesField):
    """The view's URL kwargs (``cache_response``): a list of names or ``"*"``."""

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        names = self.names

        def read(ctx: KeyContext) -> Any:
            kwargs = getattr(ctx.view, "kwargs", None) or ctx.kwargs
            keys = sorted(kwargs) if names is None else names
            return {k: kwargs.get(k) for k in keys}

        return read
