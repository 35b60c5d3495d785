"""A function's parameters, inspected once, and fast argument getters built from them."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Getter", "MissingArgument", "SignatureInfo"]

Getter = Callable[[tuple[Any, ...], Mapping[str, Any]], Any]

_EMPTY = inspect.Parameter.empty


class MissingArgument(LookupError):
    """A key field's argument was not given in this call (and has no default)."""


class SignatureInfo:
    """The parameters of a cached callable: names, positions, defaults."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.qualname = getattr(func, "__qualname__", repr(func))
        params = list(inspect.signature(func).parameters.values())
        self.positions: dict[str, int] = {}
        self.defaults: dict[str, Any] = {}
        self.names: list[str] = []
        self.var_keyword: str | None = None
        for index, param in enumerate(params):
            if param.kind is param.VAR_KEYWORD:
                self.var_keyword = param.name
                continue
            if param.kind is param.VAR_POSITIONAL:
                continue
            self.names.append(param.name)
            if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                self.positions[param.name] = index
            if param.default is not _EMPTY:
                self.defaults[param.name] = param.default
        first = params[0].name if params else None
        self.bound_first = first if first in ("self", "cls") else None
        """``self``/``cls`` when the callable is a method: never part of a default key."""

    def has(self, name: str) -> bool:
        """Whether ``name`` is a parameter, or can arrive through ``**kwargs``."""
        return name in self.names or self.var_keyword is not None

    def key_arguments(self) -> list[str]:
        """Every parameter a default key covers (all but ``self``/``cls``)."""
        return [name for name in self.names if name != self.bound_first]

    def getter(self, name: str, *, use_defaults: bool = True) -> Getter:
        """Return ``get(args, kwargs)`` reading argument ``name`` of one call.

        Raises :class:`MissingArgument` at call time when it is absent.
        """
        position = self.positions.get(name)
        has_default = use_defaults and name in self.defaults
        default = self.defaults.get(name)

        def get_keyword(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
            try:
                return kwargs[name]
            except KeyError:
                if has_default:
                    return default
                raise MissingArgument(name) from None

        if position is None:
            return get_keyword

        def get(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
            return args[position] if position < len(args) else get_keyword(args, kwargs)

        return get
