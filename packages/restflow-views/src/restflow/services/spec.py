"""``ServiceSpec`` and ``SelectorSpec``: what a service view runs, checked when declared."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from restflow.core import is_async_callable
from restflow.services.breaker import CircuitBreaker
from restflow.services.injection import BASE_NAMES, Injection, callable_label

__all__ = ["SelectorSpec", "ServiceSpec", "as_selector_spec", "as_service_spec"]


def _checked_timeout(value: object, owner: str) -> float | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise TypeError(f"{owner}(timeout={value!r}): a positive number of seconds, or None.")
    return float(value)


def _checked_names(value: Iterable[str], owner: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value)
    for name in names:
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"{owner}(url_kwargs=...): {name!r} is not a keyword argument name.")
    return names


def _checked_serializer(value: object, owner: str, name: str) -> None:
    if value is not None and not isinstance(value, type):
        raise TypeError(f"{owner}({name}={value!r}): a serializer class, or None.")


@dataclass(frozen=True, slots=True)
class _Spec:
    """What both specs share: the callable, how it is called, and its output."""

    output_serializer: type | None = None
    url_kwargs: tuple[str, ...] = ()
    timeout: float | None = None
    breaker: CircuitBreaker | None = None
    injection: Injection = field(init=False, repr=False, compare=False)
    is_async: bool = field(init=False, repr=False, compare=False)

    def _prepare(self, func: Any, role: str) -> None:
        owner = type(self).__name__
        object.__setattr__(self, "injection", Injection.of(func, role=role))
        object.__setattr__(self, "is_async", is_async_callable(func))
        object.__setattr__(self, "url_kwargs", _checked_names(self.url_kwargs, owner))
        object.__setattr__(self, "timeout", _checked_timeout(self.timeout, owner))
        if self.timeout is not None and not self.is_async:
            raise TypeError(
                f"{owner}(timeout=...): {callable_label(func)} is sync and cannot be interrupted; "
                "a timeout needs an async def callable."
            )
        _checked_serializer(self.output_serializer, owner, "output_serializer")
        if self.breaker is not None and not isinstance(self.breaker, CircuitBreaker):
            raise TypeError(f"{owner}(breaker={self.breaker!r}): a CircuitBreaker, or None.")

    @property
    def label(self) -> str:
        """The callable's name, for error messages."""
        return callable_label(self.target)

    @property
    def target(self) -> Callable[..., Any]:
        raise NotImplementedError

    def check_names(self, available: Iterable[str], *, instance: bool = False) -> None:
        """``TypeError`` when the callable needs a name the view never gives.

        The view gives ``request``, ``user``, ``view``, ``available`` (its lookup
        argument) and ``url_kwargs``; ``data`` to services; ``instance`` when
        ``instance`` (the view fetches one).
        """
        is_service = isinstance(self, ServiceSpec)
        names = {*BASE_NAMES, *self.url_kwargs, *available}
        names |= {"data"} if is_service else set()
        names |= {"instance"} if instance else set()
        self.injection.check(self.target, names, role="service" if is_service else "selector")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceSpec(_Spec):
    """A service (a callable that changes state) and how a view runs it.

    ``service`` receives the keyword arguments it declares among ``data``
    (the validated input), ``instance``, ``request``, ``user``, ``view`` and
    the URL keyword arguments named in ``url_kwargs`` (plus the view's lookup
    argument). ``atomic`` (default) runs it in one database transaction on
    ``using``, sync or async. ``input_serializer`` validates the body into
    ``data``; ``output_serializer`` renders the result (``None``: the
    result as it is, or no body when it is ``None``). ``timeout``: seconds
    before a 504.
    """

    service: Callable[..., Any]
    atomic: bool = True
    using: str | None = None
    input_serializer: type | None = None
    success_status: int | None = None

    def __post_init__(self) -> None:
        self._prepare(self.service, "service")
        if not isinstance(self.atomic, bool):
            raise TypeError(f"ServiceSpec(atomic={self.atomic!r}): True or False.")
        if self.using is not None and not isinstance(self.using, str):
            raise TypeError(f"ServiceSpec(using={self.using!r}): a database alias, or None.")
        _checked_serializer(self.input_serializer, "ServiceSpec", "input_serializer")
        status = self.success_status
        if status is not None and (type(status) is not int or not 200 <= status <= 299):
            raise TypeError(f"ServiceSpec(success_status={status!r}): an int from 200 to 299.")

    @property
    def target(self) -> Callable[..., Any]:
        return self.service


@dataclass(frozen=True, slots=True, kw_only=True)
class SelectorSpec(_Spec):
    """A selector (a callable that reads) and how a view renders what it returns.

    ``selector`` receives the names it declares, as a service does (without
    ``data``); it returns an object, a list or a queryset. Selectors run
    outside any transaction.
    """

    selector: Callable[..., Any]

    def __post_init__(self) -> None:
        self._prepare(self.selector, "selector")

    @property
    def target(self) -> Callable[..., Any]:
        return self.selector


def as_service_spec(value: object, owner: str) -> ServiceSpec:
    """A spec from a ``ServiceSpec`` or a bare callable (atomic, no serializers)."""
    if isinstance(value, ServiceSpec):
        return value
    if isinstance(value, SelectorSpec):
        raise TypeError(f"{owner}: a SelectorSpec where a service is expected.")
    if callable(value):
        return ServiceSpec(service=value)
    raise TypeError(f"{owner}: a ServiceSpec or a callable, not {value!r}.")


def as_selector_spec(value: object, owner: str) -> SelectorSpec:
    """A spec from a ``SelectorSpec`` or a bare callable."""
    if isinstance(value, SelectorSpec):
        return value
    if isinstance(value, ServiceSpec):
        raise TypeError(f"{owner}: a ServiceSpec where a selector is expected.")
    if callable(value):
        return SelectorSpec(selector=value)
    raise TypeError(f"{owner}: a SelectorSpec or a callable, not {value!r}.")
