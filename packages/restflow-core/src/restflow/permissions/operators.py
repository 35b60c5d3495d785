"""Permission combinators ``&``, ``|`` and ``~`` that work on the sync and the async path.

``A & B`` (``A``, ``B`` permission classes) builds an :class:`OperandHolder`
that DRF's ``get_permissions()`` instantiates like a class; the instance is an
:class:`AND`, :class:`OR` or :class:`NOT` exposing ``has_permission`` /
``has_object_permission`` (used by DRF's sync dispatch) and
``ahas_permission`` / ``ahas_object_permission`` (used by the async one).
Evaluation short-circuits on both paths.

Each operand is called in its own mode:

* sync path: :func:`restflow.core.fallback.call_hook` — the most derived of
  ``X`` / ``aX`` on the operand's class (:func:`~restflow.core.fallback.hook_name`)
  is called; an async one is bridged with ``async_to_sync``;
* async path: :func:`restflow.core.fallback.acall_hook` — a native ``aX`` is
  awaited on the loop, a sync ``X`` runs in a thread unless it is loop-safe.

Which operator wins when operands are mixed: Python asks the left operand
first, unless the right one's type subclasses the left one's and overrides
the reflected operator. restflow's metaclass subclasses DRF's and restflow's
holders subclass DRF's holders, so restflow's combinator results whenever a
restflow operand is on the left, and also for ``drf.AllowAny & IsAuthenticated``
(DRF class, restflow class) and ``(drf.A & drf.B) | (C & D)`` (DRF holder,
restflow holder of the same kind). DRF's own ``AND``/``OR`` results when the
left operand is a DRF class and the right one a restflow holder
(``drf.A & (C | D)``), or the left one a DRF holder and the right one a
restflow class. That object only has sync hooks: the async dispatch loop runs
it in one thread hop, where restflow operands still answer correctly
(async-only ones are bridged back to the loop) — correct, just not hop-free.
Put a restflow operand first to avoid the hop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import permissions as drf_permissions

from restflow.core.fallback import acall_hook, call_hook

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

__all__ = ["AND", "NOT", "OR", "OperandHolder", "SingleOperandHolder"]


# -- evaluating one operand -------------------------------------------------


def _check(operand: object, name: str, *args: Any) -> bool:
    """Run hook ``name`` of ``operand`` from sync code (the more derived of ``X`` / ``aX``)."""
    return bool(call_hook(operand, name, *args))


async def _acheck(operand: object, name: str, *args: Any) -> bool:
    """Run hook ``name`` of ``operand`` from async code, through the fall-back contract."""
    return bool(await acall_hook(operand, name, *args))


# -- the operators -------------------------------------------------------------


class AND:
    """Grants when both operands grant; the second is not asked once the first refuses."""

    def __init__(self, op1: Any, op2: Any) -> None:
        self.op1 = op1
        self.op2 = op2

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _check(self.op1, "has_permission", request, view) and _check(
            self.op2, "has_permission", request, view
        )

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return _check(self.op1, "has_object_permission", request, view, obj) and _check(
            self.op2, "has_object_permission", request, view, obj
        )

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return await _acheck(self.op1, "has_permission", request, view) and await _acheck(
            self.op2, "has_permission", request, view
        )

    async def ahas_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return await _acheck(
            self.op1, "has_object_permission", request, view, obj
        ) and await _acheck(self.op2, "has_object_permission", request, view, obj)


class OR:
    """Grants when either operand grants; the second is not asked once the first grants.

    For objects it follows DRF 3.15+: an operand grants an object only if it
    grants both ``has_permission`` and ``has_object_permission``.
    """

    def __init__(self, op1: Any, op2: Any) -> None:
        self.op1 = op1
        self.op2 = op2

    def has_permission(self, request: Request, view: APIView) -> bool:
        return _check(self.op1, "has_permission", request, view) or _check(
            self.op2, "has_permission", request, view
        )

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        for operand in (self.op1, self.op2):
            if _check(operand, "has_permission", request, view) and _check(
                operand, "has_object_permission", request, view, obj
            ):
                return True
        return False

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return await _acheck(self.op1, "has_permission", request, view) or await _acheck(
            self.op2, "has_permission", request, view
        )

    async def ahas_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        for operand in (self.op1, self.op2):
            if await _acheck(operand, "has_permission", request, view) and await _acheck(
                operand, "has_object_permission", request, view, obj
            ):
                return True
        return False


class NOT:
    """Negates its operand, hook by hook, as DRF's ``~`` does.

    ``has_object_permission`` is the negation of the operand's
    ``has_object_permission`` alone (so ``~A`` refuses every object when ``A``
    keeps the default object hook that grants).
    """

    def __init__(self, op1: Any) -> None:
        self.op1 = op1

    def has_permission(self, request: Request, view: APIView) -> bool:
        return not _check(self.op1, "has_permission", request, view)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return not _check(self.op1, "has_object_permission", request, view, obj)

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return not await _acheck(self.op1, "has_permission", request, view)

    async def ahas_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return not await _acheck(self.op1, "has_object_permission", request, view, obj)


# -- building combinations from classes --------------------------------------


class OperatorsMixin:
    """Gives ``&``, ``|``, ``~`` (and their reflected forms) that build restflow's holders."""

    def __and__(self, other: Any) -> OperandHolder:
        return OperandHolder(AND, self, other)

    def __or__(self, other: Any) -> OperandHolder:
        return OperandHolder(OR, self, other)

    def __rand__(self, other: Any) -> OperandHolder:
        return OperandHolder(AND, other, self)

    def __ror__(self, other: Any) -> OperandHolder:
        return OperandHolder(OR, other, self)

    def __invert__(self) -> SingleOperandHolder:
        return SingleOperandHolder(NOT, self)


class OperandHolder(OperatorsMixin, drf_permissions.OperandHolder):
    """``A & B`` / ``A | B`` before instantiation; calling it builds an :class:`AND` / :class:`OR`.

    A subclass of DRF's ``OperandHolder`` (equality and hashing as DRF's).
    """

    def __init__(self, operator_class: type[AND | OR], op1_class: Any, op2_class: Any) -> None:
        super().__init__(operator_class, op1_class, op2_class)  # type: ignore[arg-type]

    def __call__(self, *args: Any, **kwargs: Any) -> AND | OR:
        operator_class: Any = self.operator_class
        first = self.op1_class(*args, **kwargs)
        second = self.op2_class(*args, **kwargs)
        result: AND | OR = operator_class(first, second)
        return result


class SingleOperandHolder(OperatorsMixin, drf_permissions.SingleOperandHolder):
    """``~A`` before instantiation; calling it builds a :class:`NOT`."""

    def __init__(self, operator_class: type[NOT], op1_class: Any) -> None:
        super().__init__(operator_class, op1_class)  # type: ignore[arg-type]

    def __call__(self, *args: Any, **kwargs: Any) -> NOT:
        operator_class: Any = self.operator_class
        result: NOT = operator_class(self.op1_class(*args, **kwargs))
        return result
