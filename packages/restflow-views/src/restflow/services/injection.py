"""Keyword injection: each service or selector receives only the names it declares.

The callable's signature is read once, when its spec is made
(:class:`Injection`); per request :meth:`Injection.kwargs` picks the declared
names out of what the view has (``request``, ``user``, ``view``, URL
keyword arguments; ``data`` for services; ``instance`` where the view fetches
one). Parameters must be keyword
parameters (``def create_author(*, data, user)``); one the view can never
supply is a ``TypeError`` naming the callable, unless it has a default.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BASE_NAMES", "Injection", "callable_label"]

# What every service view can hand a callable, besides URL keyword arguments.
BASE_NAMES = frozenset({"request", "user", "view"})

_KEYWORD_KINDS = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def callable_label(func: object) -> str:
    """A name for error messages: ``module.qualname`` where there is one."""
    target = func.func if isinstance(func, functools.partial) else func
    name = getattr(target, "__qualname__", None) or type(target).__qualname__
    module = getattr(target, "__module__", None)
    return f"{module}.{name}" if module else name


@dataclass(frozen=True, slots=True)
class Injection:
    """The keyword names a callable takes, read once from its signature."""

    names: frozenset[str]
    required: frozenset[str]
    takes_all: bool  # declares ``**kwargs``: receives every available name

    @classmethod
    def of(cls, func: Callable[..., Any], *, role: str = "service") -> Injection:
        """Read ``func``'s signature; ``TypeError`` naming it if it cannot be called by keyword."""
        if not callable(func):
            raise TypeError(f"the {role} must be a callable, not {func!r}.")
        try:
            signature = inspect.signature(func)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"cannot read the signature of {role} {callable_label(func)}: {exc}"
            ) from exc
        names: set[str] = set()
        required: set[str] = set()
        takes_all = False
        for parameter in signature.parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                takes_all = True
            elif parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                continue
            elif parameter.kind not in _KEYWORD_KINDS:
                raise TypeError(
                    f"{role} {callable_label(func)}: parameter {parameter.name!r} is positional-only; "
                    "services and selectors receive keyword arguments."
                )
            else:
                names.add(parameter.name)
                if parameter.default is inspect.Parameter.empty:
                    required.add(parameter.name)
        return cls(frozenset(names), frozenset(required), takes_all)

    def check(self, func: object, available: Iterable[str], *, role: str = "service") -> None:
        """``TypeError`` naming ``func`` and the parameter when a required name is never available."""
        offered = frozenset(available)
        unknown = sorted(self.required - offered)
        if unknown:
            raise TypeError(
                f"{role} {callable_label(func)} declares parameter {unknown[0]!r}, "
                f"which this view never passes (it passes: {', '.join(sorted(offered))}; "
                "declare URL keyword arguments with url_kwargs=...)."
            )

    def kwargs(self, available: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments for one call: the declared names found in ``available``."""
        if self.takes_all:
            return dict(available)
        return {name: available[name] for name in self.names if name in available}
