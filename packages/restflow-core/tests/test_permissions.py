"""restflow.permissions on DRF's sync path and on the async path, side by side.

The sync path is what DRF's ``check_permissions`` does: call
``permission.has_permission(...)`` from sync code (here in a worker thread,
as a sync view would). The async path is what the async dispatch loop does:
``await acall_hook(permission, "has_permission", ...)`` on the event loop.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission, PermissionsMixin, User
from django.core.exceptions import SynchronousOnlyOperation
from django.http import Http404
from django.test import override_settings
from rest_framework import exceptions, generics
from rest_framework import permissions as drf
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from coretests import perm_backend
from coretests.models import Note
from restflow.core.fallback import HookMode, acall_hook, hook_mode, is_loop_safe, mark_loop_safe
from restflow.permissions import (
    AND,
    NOT,
    OR,
    AllowAny,
    BasePermission,
    DjangoModelPermissions,
    DjangoModelPermissionsOrAnonReadOnly,
    DjangoObjectPermissions,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
    OperandHolder,
    SingleOperandHolder,
)
from testsupport.loops import where

PATHS = ("sync", "async")
VIEW = APIView()
OBJ = object()

# -- helpers -------------------------------------------------------------------

CALLS: list[tuple[str, str, str]] = []  # (operand label, hook, "loop" | "thread")


@pytest.fixture(autouse=True)
def _clear_records() -> Iterator[None]:
    CALLS.clear()
    perm_backend.CALLS.clear()
    yield
    CALLS.clear()
    perm_backend.CALLS.clear()


def make_request(method: str = "GET", user: Any = None) -> Request:
    request = Request(APIRequestFactory().generic(method, "/notes/"))
    request.user = AnonymousUser() if user is None else user
    return request


async def evaluate(path: str, permission: Any, hook: str, *args: Any) -> Any:
    """Run ``hook`` as DRF's sync dispatch would (in a worker thread) or as the async loop would."""
    if path == "sync":
        return await sync_to_async(getattr(permission, hook))(*args)
    return await acall_hook(permission, hook, *args)


# Operand kinds: restflow sync-only, restflow async-only, restflow with both sides
# natively (shaped like the standard classes), plain DRF sync, DRF-based async-only.
KINDS = ("rf-sync", "rf-async", "rf-native", "drf-sync", "drf-async")


@functools.cache
def operand(kind: str, grants: bool, grants_object: bool, label: str) -> type:
    """A permission class of ``kind`` answering ``grants`` / ``grants_object`` and recording its calls."""

    def has_permission(self: Any, request: Any, view: Any) -> bool:
        CALLS.append((label, "has_permission", where()))
        return grants

    def has_object_permission(self: Any, request: Any, view: Any, obj: Any) -> bool:
        CALLS.append((label, "has_object_permission", where()))
        return grants_object

    async def ahas_permission(self: Any, request: Any, view: Any) -> bool:
        CALLS.append((label, "has_permission", where()))
        return grants

    async def ahas_object_permission(self: Any, request: Any, view: Any, obj: Any) -> bool:
        CALLS.append((label, "has_object_permission", where()))
        return grants_object

    sync_hooks = {"has_permission": has_permission, "has_object_permission": has_object_permission}
    async_hooks = {
        "ahas_permission": ahas_permission,
        "ahas_object_permission": ahas_object_permission,
    }
    base: type
    if kind == "rf-sync":
        base, attrs = BasePermission, sync_hooks
    elif kind == "rf-async":
        base, attrs = BasePermission, async_hooks
    elif kind == "rf-native":
        mark_loop_safe(has_permission)
        mark_loop_safe(has_object_permission)
        base, attrs = BasePermission, {**sync_hooks, **async_hooks}
    elif kind == "drf-sync":
        base, attrs = drf.BasePermission, sync_hooks
    else:
        base, attrs = drf.BasePermission, async_hooks
    return type(f"{kind}-{label}-{grants}-{grants_object}", (base,), attrs)


def labels() -> list[str]:
    return [label for label, _, _ in CALLS]


# -- expressions: built with &, |, ~ and checked against a reference -----------

Expr = Any  # int (operand index) | ("and" | "or", Expr, Expr) | ("not", Expr)


def build(expr: Expr, leaves: list[type]) -> Any:
    if isinstance(expr, int):
        return leaves[expr]
    if expr[0] == "not":
        return ~build(expr[1], leaves)
    left, right = build(expr[1], leaves), build(expr[2], leaves)
    return left & right if expr[0] == "and" else left | right


def reference(expr: Expr, values: list[tuple[bool, bool]]) -> tuple[bool, bool]:
    """(has_permission, has_object_permission) per DRF 3.15+ semantics."""
    if isinstance(expr, int):
        return values[expr]
    if expr[0] == "not":
        grants, grants_object = reference(expr[1], values)
        return not grants, not grants_object
    (g1, o1), (g2, o2) = reference(expr[1], values), reference(expr[2], values)
    if expr[0] == "and":
        return g1 and g2, o1 and o2
    return g1 or g2, (g1 and o1) or (g2 and o2)


async def assert_truth_table(path: str, expr: Expr, kinds: tuple[str, ...]) -> None:
    request = make_request()
    for flat in itertools.product((True, False), repeat=2 * len(kinds)):
        values = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(kinds))]
        leaves = [
            operand(kind, grants, grants_object, "ABCDE"[i])
            for i, (kind, (grants, grants_object)) in enumerate(zip(kinds, values, strict=True))
        ]
        permission = build(expr, leaves)()
        expected = reference(expr, values)
        got = (
            await evaluate(path, permission, "has_permission", request, VIEW),
            await evaluate(path, permission, "has_object_permission", request, VIEW, OBJ),
        )
        assert got == expected, f"{expr} over {kinds} with {values}"
        assert all(type(result) is bool for result in got)


# -- truth tables ----------------------------------------------------------------


# Two plain DRF operands (or ``~`` on one) never reach restflow: DRF's own
# metaclass builds DRF's AND/OR/NOT. Every pair with a restflow side is here.
RESTFLOW_KINDS = tuple(kind for kind in KINDS if kind.startswith("rf-"))
PAIRS = [
    (left, right)
    for left, right in itertools.product(KINDS, KINDS)
    if left in RESTFLOW_KINDS or right in RESTFLOW_KINDS
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("left", "right"), PAIRS)
@pytest.mark.parametrize("operator", ["and", "or"])
async def test_binary_operator_truth_table(path: str, operator: str, left: str, right: str) -> None:
    await assert_truth_table(path, (operator, 0, 1), (left, right))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kind", RESTFLOW_KINDS)
async def test_not_truth_table(path: str, kind: str) -> None:
    await assert_truth_table(path, ("not", 0), (kind,))


def test_operators_between_plain_drf_classes_stay_drf_s_own() -> None:
    assert type(drf.AllowAny & drf.IsAuthenticated) is drf.OperandHolder
    assert type(~drf.AllowAny) is drf.SingleOperandHolder


NESTED: list[tuple[Expr, tuple[str, ...]]] = [
    (("and", 0, ("or", 1, ("not", 2))), ("rf-sync", "rf-async", "drf-sync")),
    (("and", ("or", 0, 1), ("not", 2)), ("rf-native", "drf-async", "rf-async")),
    (("or", ("not", ("and", 0, 1)), 2), ("drf-sync", "rf-native", "rf-sync")),
    (
        ("or", ("and", 0, 1), ("and", 2, ("not", 3))),
        ("rf-async", "drf-sync", "rf-sync", "rf-native"),
    ),
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("expr", "kinds"), NESTED)
async def test_nested_combination_truth_table(
    path: str, expr: Expr, kinds: tuple[str, ...]
) -> None:
    await assert_truth_table(path, expr, kinds)


# -- short-circuit -------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("first", "second"), PAIRS)
async def test_and_does_not_ask_the_second_operand_once_the_first_refuses(
    path: str, first: str, second: str
) -> None:
    permission = (operand(first, False, False, "A") & operand(second, True, True, "B"))()
    request = make_request()
    assert await evaluate(path, permission, "has_permission", request, VIEW) is False
    assert await evaluate(path, permission, "has_object_permission", request, VIEW, OBJ) is False
    assert labels() == ["A", "A"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("first", "second"), PAIRS)
async def test_and_asks_the_second_operand_when_the_first_grants(
    path: str, first: str, second: str
) -> None:
    permission = (operand(first, True, True, "A") & operand(second, False, False, "B"))()
    assert await evaluate(path, permission, "has_permission", make_request(), VIEW) is False
    assert labels() == ["A", "B"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("first", "second"), PAIRS)
async def test_or_does_not_ask_the_second_operand_once_the_first_grants(
    path: str, first: str, second: str
) -> None:
    permission = (operand(first, True, True, "A") | operand(second, False, False, "B"))()
    request = make_request()
    assert await evaluate(path, permission, "has_permission", request, VIEW) is True
    assert labels() == ["A"]
    CALLS.clear()
    assert await evaluate(path, permission, "has_object_permission", request, VIEW, OBJ) is True
    assert [(label, hook) for label, hook, _ in CALLS] == [
        ("A", "has_permission"),
        ("A", "has_object_permission"),
    ]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("first", "second"), PAIRS)
async def test_or_object_check_skips_the_object_hook_of_an_operand_refusing_the_request(
    path: str, first: str, second: str
) -> None:
    permission = (operand(first, False, True, "A") | operand(second, True, True, "B"))()
    assert (
        await evaluate(path, permission, "has_object_permission", make_request(), VIEW, OBJ) is True
    )
    assert [(label, hook) for label, hook, _ in CALLS] == [
        ("A", "has_permission"),
        ("B", "has_permission"),
        ("B", "has_object_permission"),
    ]


# -- where each kind of operand runs --------------------------------------------------

WHERE = {
    # kind: (on the sync path, on the async path)
    "rf-sync": ("thread", "thread"),
    "drf-sync": ("thread", "thread"),
    "rf-native": ("thread", "loop"),
    "rf-async": ("loop", "loop"),
    "drf-async": ("loop", "loop"),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kind", KINDS)
async def test_each_operand_runs_in_its_own_mode(path: str, kind: str) -> None:
    permission = (operand(kind, True, True, "A") & operand("rf-native", True, True, "B"))()
    await evaluate(path, permission, "has_permission", make_request(), VIEW)
    expected = WHERE[kind][PATHS.index(path)]
    assert CALLS[0] == ("A", "has_permission", expected)


# -- which operator builds the combination ----------------------------------------------


def test_mixed_restflow_and_drf_operands_build_restflow_combinators_in_either_order() -> None:
    for combination in (
        IsAuthenticated & drf.AllowAny,
        drf.AllowAny & IsAuthenticated,
        IsAuthenticated | drf.AllowAny,
        drf.AllowAny | IsAuthenticated,
        (drf.AllowAny & drf.IsAdminUser) & (IsAuthenticated | IsAdminUser),
        IsAuthenticated & (drf.AllowAny | drf.IsAdminUser),
    ):
        assert type(combination) is OperandHolder
    assert isinstance((IsAuthenticated & drf.AllowAny)(), AND)
    assert isinstance((drf.AllowAny | IsAuthenticated)(), OR)
    inverted = ~IsAuthenticated
    assert type(inverted) is SingleOperandHolder
    assert isinstance(inverted(), NOT)
    assert (drf.AllowAny & IsAuthenticated).op1_class is drf.AllowAny  # operand order kept
    assert type(~drf.AllowAny & ~IsAuthenticated) is OperandHolder


def test_where_drf_s_operator_answers_first_it_builds_drf_s_combination() -> None:
    # Documented limits: Python asks DRF first and DRF does not defer.
    assert type(drf.AllowAny & (IsAuthenticated | IsAdminUser)) is drf.OperandHolder
    assert type((drf.AllowAny | drf.IsAdminUser) & IsAuthenticated) is drf.OperandHolder


def test_combinations_are_drf_holders_with_drf_equality() -> None:
    assert isinstance(IsAuthenticated & IsAdminUser, drf.OperandHolder)
    assert isinstance(~IsAuthenticated, drf.SingleOperandHolder)
    assert (IsAuthenticated & IsAdminUser) == (IsAuthenticated & IsAdminUser)
    assert (IsAuthenticated & IsAdminUser) != (IsAuthenticated | IsAdminUser)


@pytest.mark.parametrize(
    "permission_class", [IsAuthenticated & IsAdminUser, IsAuthenticated | AllowAny, ~AllowAny]
)
def test_combined_permission_has_both_surfaces_and_is_native_async(permission_class: Any) -> None:
    permission = permission_class()
    for hook in ("has_permission", "has_object_permission"):
        assert callable(getattr(permission, hook))
        assert asyncio.iscoroutinefunction(getattr(permission, "a" + hook))
        assert hook_mode(permission, hook) is HookMode.NATIVE


@pytest.mark.parametrize("path", PATHS)
async def test_drf_left_operand_with_restflow_combination_gives_drf_and_still_evaluates(
    path: str,
) -> None:
    # DRF's metaclass answers first here: the result is DRF's AND, whose sync
    # hooks the async path runs in one thread hop; restflow operands inside it
    # (even async-only ones) still answer correctly.
    refuse_async = operand("rf-async", False, False, "B")
    grant_async = operand("rf-async", True, True, "C")
    combination = drf.IsAuthenticated & (refuse_async | grant_async)
    assert type(combination) is drf.OperandHolder
    permission = combination()
    assert await evaluate(path, permission, "has_permission", make_request(), VIEW) is False
    user = User(username="u")
    assert await evaluate(path, permission, "has_permission", make_request(user=user), VIEW) is True
    assert labels() == ["B", "C"]
    assert {place for _, _, place in CALLS} == {"loop"}  # async operands bridged back to the loop


# -- BasePermission: implement either side ----------------------------------------------


class SyncOnly(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        CALLS.append(("sync-only", "has_permission", where()))
        return request.method == "GET"


class LoopSafeSyncOnly(BasePermission):
    @mark_loop_safe
    def has_permission(self, request: Request, view: APIView) -> bool:
        CALLS.append(("loop-safe", "has_permission", where()))
        return request.method == "GET"


class AsyncOnly(BasePermission):
    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        CALLS.append(("async-only", "has_permission", where()))
        return request.method == "GET"

    async def ahas_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return obj == "mine"


class AsyncDefSyncName(BasePermission):
    async def has_permission(self, request: Request, view: APIView) -> bool:  # type: ignore[override]
        CALLS.append(("async-def", "has_permission", where()))
        return request.method == "GET"


class Nothing(BasePermission):
    pass


def test_sync_only_permission_bridges_nothing_on_the_sync_path() -> None:
    assert SyncOnly().has_permission(make_request("GET"), VIEW) is True
    assert SyncOnly().has_permission(make_request("POST"), VIEW) is False
    assert hook_mode(SyncOnly, "has_permission") is HookMode.THREAD


async def test_sync_only_permission_runs_in_a_thread_when_awaited_directly() -> None:
    assert await SyncOnly().ahas_permission(make_request("GET"), VIEW) is True
    assert await SyncOnly().ahas_permission(make_request("POST"), VIEW) is False
    assert CALLS == [("sync-only", "has_permission", "thread")] * 2


async def test_loop_safe_sync_only_permission_runs_on_the_loop() -> None:
    assert hook_mode(LoopSafeSyncOnly, "has_permission") is HookMode.LOOP
    assert await LoopSafeSyncOnly().ahas_permission(make_request("POST"), VIEW) is False
    assert await acall_hook(LoopSafeSyncOnly(), "has_permission", make_request("GET"), VIEW) is True
    assert CALLS == [("loop-safe", "has_permission", "loop")] * 2


def test_async_only_permission_is_bridged_on_the_sync_path() -> None:
    permission = AsyncOnly()
    assert permission.has_permission(make_request("GET"), VIEW) is True
    assert permission.has_permission(make_request("POST"), VIEW) is False
    assert permission.has_object_permission(make_request(), VIEW, "mine") is True
    assert permission.has_object_permission(make_request(), VIEW, "theirs") is False
    assert hook_mode(AsyncOnly, "has_permission") is HookMode.NATIVE


async def test_async_only_permission_is_awaited_on_the_loop() -> None:
    assert await acall_hook(AsyncOnly(), "has_permission", make_request("POST"), VIEW) is False
    assert CALLS == [("async-only", "has_permission", "loop")]


def test_async_def_under_the_sync_name_never_hands_drf_a_coroutine() -> None:
    permission = AsyncDefSyncName()
    # DRF's sync dispatch would have taken the (truthy) coroutine for a yes.
    assert permission.has_permission(make_request("POST"), VIEW) is False
    assert permission.has_permission(make_request("GET"), VIEW) is True
    assert hook_mode(AsyncDefSyncName, "has_permission") is HookMode.NATIVE


async def test_async_def_under_the_sync_name_is_awaited_on_the_loop() -> None:
    assert (
        await acall_hook(AsyncDefSyncName(), "has_permission", make_request("POST"), VIEW) is False
    )
    assert CALLS == [("async-def", "has_permission", "loop")]


def test_async_def_under_the_sync_name_and_the_async_twin_together_is_refused() -> None:
    with pytest.raises(TypeError, match="keep one"):

        class Both(BasePermission):
            async def has_permission(self, request: Request, view: APIView) -> bool:  # type: ignore[override]
                return True

            async def ahas_permission(self, request: Request, view: APIView) -> bool:
                return True


@pytest.mark.parametrize("path", PATHS)
async def test_hooks_nobody_implemented_grant(path: str) -> None:
    assert await evaluate(path, Nothing(), "has_permission", make_request("POST"), VIEW) is True
    assert (
        await evaluate(path, Nothing(), "has_object_permission", make_request(), VIEW, OBJ) is True
    )


class OnlyPostIsAuthenticated(IsAuthenticated):
    """Overrides only the sync hook of a class that has a native async one."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method == "POST"


class AsyncIsStaff(IsAuthenticated):
    """Overrides only the async hook of a class that has a native sync one."""

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_staff", False))


@pytest.mark.parametrize("path", PATHS)
async def test_overriding_one_side_of_a_standard_class_wins_on_both_paths(path: str) -> None:
    anonymous_post = make_request("POST")
    assert (
        await evaluate(path, OnlyPostIsAuthenticated(), "has_permission", anonymous_post, VIEW)
        is True
    )
    member = make_request("GET", User(username="member"))
    assert await evaluate(path, AsyncIsStaff(), "has_permission", member, VIEW) is False


async def test_overriding_one_side_also_wins_when_the_other_hook_is_called_directly() -> None:
    assert await OnlyPostIsAuthenticated().ahas_permission(make_request("POST"), VIEW) is True
    member = make_request("GET", User(username="member"))
    assert await sync_to_async(AsyncIsStaff().has_permission)(member, VIEW) is False


def test_which_side_is_implemented_is_decided_at_class_creation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from restflow.permissions import base

    def fail(*args: Any) -> None:
        raise AssertionError("decided again")

    monkeypatch.setattr(base, "_implemented_side", fail)
    assert AsyncOnly().has_permission(make_request("POST"), VIEW) is False
    assert SyncOnly().has_permission(make_request("GET"), VIEW) is True


# -- standard classes ---------------------------------------------------------------

ANON, MEMBER, STAFF = "anonymous", "member", "staff"


def user_for(kind: str) -> Any:
    if kind == ANON:
        return AnonymousUser()
    return User(username=kind, is_staff=kind == STAFF)


STANDARD = [
    # (restflow class, DRF class, {(user, method): expected})
    (
        AllowAny,
        drf.AllowAny,
        {(u, m): True for u in (ANON, MEMBER, STAFF) for m in ("GET", "POST")},
    ),
    (
        IsAuthenticated,
        drf.IsAuthenticated,
        {(u, m): u != ANON for u in (ANON, MEMBER, STAFF) for m in ("GET", "POST")},
    ),
    (
        IsAdminUser,
        drf.IsAdminUser,
        {(u, m): u == STAFF for u in (ANON, MEMBER, STAFF) for m in ("GET", "POST")},
    ),
    (
        IsAuthenticatedOrReadOnly,
        drf.IsAuthenticatedOrReadOnly,
        {(u, m): u != ANON or m == "GET" for u in (ANON, MEMBER, STAFF) for m in ("GET", "POST")},
    ),
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("restflow_class", "drf_class", "table"), STANDARD)
async def test_standard_classes_answer_like_drf(
    path: str, restflow_class: type, drf_class: type, table: dict[tuple[str, str], bool]
) -> None:
    for (user_kind, method), expected in table.items():
        request = make_request(method, user_for(user_kind))
        assert drf_class().has_permission(request, VIEW) is expected
        got = await evaluate(path, restflow_class(), "has_permission", request, VIEW)
        assert got is expected, (restflow_class.__name__, user_kind, method)
        assert (
            await evaluate(path, restflow_class(), "has_object_permission", request, VIEW, OBJ)
            is True
        )


@pytest.mark.parametrize(
    "permission_class", [AllowAny, IsAuthenticated, IsAdminUser, IsAuthenticatedOrReadOnly]
)
def test_request_only_standard_classes_are_native_and_their_sync_hook_loop_safe(
    permission_class: type,
) -> None:
    assert hook_mode(permission_class, "has_permission") is HookMode.NATIVE
    assert is_loop_safe(permission_class.has_permission)


@pytest.fixture
def no_thread_hops(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Any, func: Any, *args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"thread hop for {func!r}")

    monkeypatch.setattr(SyncToAsync, "__init__", refuse)


@pytest.mark.usefixtures("no_thread_hops")
@pytest.mark.parametrize(
    ("user_kind", "method", "expected", "expected_object"),
    [
        # On objects, & only ANDs the object hooks (IsAuthenticated's grants), and
        # | needs an operand granting both the request and the object.
        (ANON, "GET", False, True),
        (ANON, "POST", False, False),
        (MEMBER, "GET", True, True),
        (MEMBER, "POST", True, True),
        (STAFF, "POST", True, True),
    ],
)
async def test_documented_combination_runs_on_the_loop_without_hops(
    user_kind: str, method: str, expected: bool, expected_object: bool
) -> None:
    permission = (IsAuthenticated & (IsAdminUser | IsAuthenticatedOrReadOnly))()
    request = make_request(method, user_for(user_kind))
    assert await acall_hook(permission, "has_permission", request, VIEW) is expected
    got = await acall_hook(permission, "has_object_permission", request, VIEW, OBJ)
    assert got is expected_object
    # The sync path agrees (plain calls: every operand here has a sync hook).
    assert permission.has_permission(request, VIEW) is expected
    assert permission.has_object_permission(request, VIEW, OBJ) is expected_object


@pytest.mark.parametrize("path", PATHS)
async def test_standard_classes_combine_with_object_semantics_of_drf(path: str) -> None:
    member = make_request("GET", user_for(MEMBER))
    # ~AllowAny refuses the request; on objects it negates AllowAny's default (grant).
    assert await evaluate(path, (~AllowAny)(), "has_permission", member, VIEW) is False
    assert await evaluate(path, (~AllowAny)(), "has_object_permission", member, VIEW, OBJ) is False
    # IsAdminUser refuses the member's request, so its (granting) object hook does not count.
    owner_only = operand("rf-async", True, False, "owner")
    permission = (IsAdminUser | owner_only)()
    assert await evaluate(path, permission, "has_object_permission", member, VIEW, OBJ) is False
    staff = make_request("GET", user_for(STAFF))
    assert await evaluate(path, permission, "has_object_permission", staff, VIEW, OBJ) is True


# -- django.contrib.auth model permissions --------------------------------------------


class NoteListView(generics.GenericAPIView):  # type: ignore[type-arg]
    queryset = Note.objects.all()


def grant(user: User, codename: str) -> None:
    user.user_permissions.add(
        Permission.objects.get(codename=codename, content_type__app_label="coretests")
    )


@pytest.fixture
def users() -> dict[str, Any]:
    plain = User.objects.create_user("plain")
    adder = User.objects.create_user("adder")
    grant(adder, "add_note")
    editor = User.objects.create_user("editor")
    editors = Group.objects.create(name="editors")
    editors.permissions.add(Permission.objects.get(codename="change_note"))
    editor.groups.add(editors)
    inactive = User.objects.create_user("inactive", is_active=False)
    grant(inactive, "add_note")
    root = User.objects.create_superuser("root")
    return {"plain": plain, "adder": adder, "editor": editor, "inactive": inactive, "root": root}


def fresh(user: Any) -> Any:
    """The same user without Django's per-instance permission caches."""
    return User.objects.get(pk=user.pk) if isinstance(user, User) else user


MODEL_PERMS = {
    "GET": {"plain", "adder", "editor", "inactive", "root"},
    "HEAD": {"plain", "adder", "editor", "inactive", "root"},
    "OPTIONS": {"plain", "adder", "editor", "inactive", "root"},
    "POST": {"adder", "root"},
    "PUT": {"editor", "root"},
    "PATCH": {"editor", "root"},
    "DELETE": {"root"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", PATHS)
async def test_django_model_permissions_table(path: str, users: dict[str, Any]) -> None:
    everyone = {**users, "anonymous": AnonymousUser()}
    for method, allowed in MODEL_PERMS.items():
        for name, user in everyone.items():
            request = make_request(method, await sync_to_async(fresh)(user))
            expected = name in allowed
            oracle = await sync_to_async(drf.DjangoModelPermissions().has_permission)(
                request, NoteListView()
            )
            assert oracle is expected, (method, name)
            got = await evaluate(
                path, DjangoModelPermissions(), "has_permission", request, NoteListView()
            )
            assert got is expected, (path, method, name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", PATHS)
async def test_anon_read_only_variant_lets_anonymous_users_read(path: str) -> None:
    permission = DjangoModelPermissionsOrAnonReadOnly()
    assert (
        await evaluate(path, permission, "has_permission", make_request("GET"), NoteListView())
        is True
    )
    assert (
        await evaluate(path, permission, "has_permission", make_request("POST"), NoteListView())
        is False
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", PATHS)
async def test_unknown_method_is_405(path: str, users: dict[str, Any]) -> None:
    request = make_request("TRACE", users["root"])
    with pytest.raises(exceptions.MethodNotAllowed):
        await evaluate(path, DjangoModelPermissions(), "has_permission", request, NoteListView())


@pytest.mark.parametrize("path", PATHS)
async def test_ignore_model_permissions_lets_an_authenticated_user_through_without_queryset(
    path: str,
) -> None:
    class RootView(APIView):
        _ignore_model_permissions = True

    request = make_request("POST", User(username="member"))
    assert (
        await evaluate(path, DjangoModelPermissions(), "has_permission", request, RootView())
        is True
    )
    # ... but never an anonymous one (the user check comes first, as in DRF).
    assert (
        await evaluate(
            path, DjangoModelPermissions(), "has_permission", make_request("POST"), RootView()
        )
        is False
    )


@pytest.mark.parametrize("path", PATHS)
async def test_view_without_queryset_is_an_assertion(path: str) -> None:
    request = make_request("GET", User(username="member"))
    with pytest.raises(AssertionError, match=r"does not set `\.queryset`"):
        await evaluate(path, DjangoModelPermissions(), "has_permission", request, APIView())


@pytest.mark.parametrize("path", PATHS)
async def test_get_queryset_returning_none_is_an_assertion(path: str) -> None:
    class NoneView(generics.GenericAPIView):  # type: ignore[type-arg]
        def get_queryset(self) -> Any:
            return None

    request = make_request("GET", User(username="member"))
    with pytest.raises(AssertionError, match="returned None"):
        await evaluate(path, DjangoModelPermissions(), "has_permission", request, NoneView())


class AsyncQuerysetView(generics.GenericAPIView):  # type: ignore[type-arg]
    async def get_queryset(self) -> Any:  # type: ignore[override]
        CALLS.append(("view", "get_queryset", where()))
        return Note.objects.all()


class NativeQuerysetView(generics.GenericAPIView):  # type: ignore[type-arg]
    queryset = Note.objects.all()

    async def aget_queryset(self) -> Any:
        CALLS.append(("view", "aget_queryset", where()))
        return Note.objects.all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", PATHS)
async def test_async_def_get_queryset_is_awaited(path: str, users: dict[str, Any]) -> None:
    request = make_request("POST", users["adder"])
    assert (
        await evaluate(
            path, DjangoModelPermissions(), "has_permission", request, AsyncQuerysetView()
        )
        is True
    )
    assert [hook for _, hook, _ in CALLS] == ["get_queryset"]


@pytest.mark.django_db(transaction=True)
async def test_native_aget_queryset_is_awaited_on_the_async_path(users: dict[str, Any]) -> None:
    request = make_request("POST", users["adder"])
    assert (
        await acall_hook(DjangoModelPermissions(), "has_permission", request, NativeQuerysetView())
        is True
    )
    assert CALLS == [("view", "aget_queryset", "loop")]


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[Callable[..., Any]]:
    """Every function handed to ``sync_to_async`` while the test runs."""
    seen: list[Callable[..., Any]] = []
    original = SyncToAsync.__init__

    def spy(self: Any, func: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(func)
        original(self, func, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__init__", spy)
    return seen


def only_orm_hops(seen: list[Callable[..., Any]]) -> bool:
    """True when the only thread hops are the async ORM's own (Django runs SQLite queries in its executor)."""
    return all(getattr(func, "__module__", None) == "django.db.models.query" for func in seen)


@pytest.fixture
def no_sync_permission_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> bool:
        raise AssertionError("sync permission check on the async path")

    # Patched where Django defines them, next to their async twins, so the
    # "most derived definition wins" rule still sees the user's native ahas_perms.
    monkeypatch.setattr(PermissionsMixin, "has_perms", refuse)
    monkeypatch.setattr(PermissionsMixin, "has_perm", refuse)
    monkeypatch.setattr(ModelBackend, "has_perm", refuse)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_sync_permission_checks")
async def test_async_model_permissions_use_the_async_auth_api_and_no_thread_hop(
    users: dict[str, Any], hops: list[Callable[..., Any]]
) -> None:
    adder = await User.objects.aget(username="adder")
    editor = await User.objects.aget(username="editor")
    hops.clear()
    permission = DjangoModelPermissions()
    assert (
        await acall_hook(permission, "has_permission", make_request("POST", adder), NoteListView())
        is True
    )
    assert (
        await acall_hook(permission, "has_permission", make_request("PUT", adder), NoteListView())
        is False
    )
    assert (
        await acall_hook(permission, "has_permission", make_request("PUT", editor), NoteListView())
        is True
    )
    assert hops, "the permission rows were not read from the database"
    assert only_orm_hops(hops), hops


@pytest.mark.django_db(transaction=True)
async def test_sync_database_work_on_the_loop_would_have_failed(users: dict[str, Any]) -> None:
    # What the async twin avoids: the sync hook, run on the loop, trips Django's guard.
    adder = await User.objects.aget(username="adder")
    with pytest.raises(SynchronousOnlyOperation):
        DjangoModelPermissions().has_permission(make_request("POST", adder), NoteListView())


@pytest.mark.django_db(transaction=True)
async def test_plain_drf_model_permissions_in_a_combination_run_in_a_thread(
    users: dict[str, Any], hops: list[Callable[..., Any]]
) -> None:
    adder = await User.objects.aget(username="adder")
    hops.clear()
    permission = (IsAuthenticated & drf.DjangoModelPermissions)()
    assert (
        await acall_hook(permission, "has_permission", make_request("POST", adder), NoteListView())
        is True
    )
    assert [getattr(func, "__qualname__", "") for func in hops] == [
        "DjangoModelPermissions.has_permission"
    ]


# -- object permissions ----------------------------------------------------------

BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "coretests.perm_backend.NoteOwnerBackend",
]


class ViewingObjectPermissions(DjangoObjectPermissions):
    """Reading needs the object's view permission (the usual django-guardian set-up)."""

    perms_map = {
        **DjangoObjectPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class DrfViewingObjectPermissions(drf.DjangoObjectPermissions):
    perms_map = ViewingObjectPermissions.perms_map


@pytest.fixture
def notes(users: dict[str, Any]) -> dict[str, Note]:
    owner = users["plain"]
    return {
        "private": Note.objects.create(title="diary", owner=owner),
        "public": Note.objects.create(title="public notice", owner=owner),
    }


GRANT, REFUSE, HIDE = "grant", "403", "404"

OBJECT_CASES = [
    # (permission classes (restflow, DRF), user, note, method, outcome)
    ("viewing", "plain", "private", "GET", GRANT),
    ("viewing", "plain", "private", "PUT", GRANT),
    ("viewing", "plain", "private", "DELETE", GRANT),
    ("viewing", "adder", "private", "GET", HIDE),
    ("viewing", "adder", "private", "PUT", HIDE),
    ("viewing", "adder", "public", "HEAD", GRANT),
    ("viewing", "adder", "public", "PUT", REFUSE),
    ("viewing", "adder", "public", "DELETE", REFUSE),
    ("viewing", "root", "private", "DELETE", GRANT),
    ("default", "adder", "private", "GET", GRANT),
    ("default", "adder", "private", "PATCH", REFUSE),
    ("default", "plain", "private", "PATCH", GRANT),
]

OBJECT_CLASSES = {
    "viewing": (ViewingObjectPermissions, DrfViewingObjectPermissions),
    "default": (DjangoObjectPermissions, drf.DjangoObjectPermissions),
}


async def outcome(awaitable: Any) -> str:
    try:
        granted = await awaitable
    except Http404:
        return HIDE
    return GRANT if granted is True else REFUSE


@pytest.mark.django_db(transaction=True)
@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("classes", "user", "note", "method", "expected"), OBJECT_CASES)
async def test_django_object_permissions_404_versus_403(
    path: str,
    classes: str,
    user: str,
    note: str,
    method: str,
    expected: str,
    users: dict[str, Any],
    notes: dict[str, Note],
) -> None:
    restflow_class, drf_class = OBJECT_CLASSES[classes]
    request = make_request(method, await sync_to_async(fresh)(users[user]))
    obj = notes[note]
    oracle = sync_to_async(drf_class().has_object_permission)(request, NoteListView(), obj)
    assert await outcome(oracle) == expected
    drf_lookups = len(perm_backend.CALLS)
    perm_backend.CALLS.clear()
    request = make_request(method, await sync_to_async(fresh)(users[user]))
    got = evaluate(path, restflow_class(), "has_object_permission", request, NoteListView(), obj)
    assert await outcome(got) == expected
    mode = "sync@thread" if path == "sync" else "async@loop"
    # Same backend questions as DRF asks, each in the path's own mode.
    assert [mode] * drf_lookups == perm_backend.CALLS


@pytest.mark.django_db(transaction=True)
@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
@pytest.mark.usefixtures("no_sync_permission_checks")
async def test_async_object_permissions_ask_the_async_backend_on_the_loop(
    users: dict[str, Any], notes: dict[str, Note], hops: list[Callable[..., Any]]
) -> None:
    stranger = await User.objects.aget(username="adder")
    hops.clear()
    request = make_request("PUT", stranger)
    assert (
        await acall_hook(
            ViewingObjectPermissions(),
            "has_object_permission",
            request,
            NoteListView(),
            notes["public"],
        )
        is False
    )
    assert perm_backend.CALLS == ["async@loop", "async@loop"]  # change refused, then view granted
    assert hops and only_orm_hops(hops), hops


@pytest.mark.django_db(transaction=True)
@override_settings(AUTHENTICATION_BACKENDS=BACKENDS)
@pytest.mark.parametrize("path", PATHS)
async def test_object_permissions_through_combinators(
    path: str, users: dict[str, Any], notes: dict[str, Note]
) -> None:
    owner = await sync_to_async(fresh)(users["plain"])
    stranger = await sync_to_async(fresh)(users["adder"])
    guarded = (IsAuthenticated & ViewingObjectPermissions)()
    view = NoteListView()
    assert (
        await evaluate(
            path,
            guarded,
            "has_object_permission",
            make_request("GET", owner),
            view,
            notes["private"],
        )
        is True
    )
    with pytest.raises(Http404):
        await evaluate(
            path,
            guarded,
            "has_object_permission",
            make_request("GET", stranger),
            view,
            notes["private"],
        )
    # Staff or permitted: the stranger passes IsAdminUser's request check only when staff.
    either = (IsAdminUser | ViewingObjectPermissions)()
    public_put = make_request("PUT", stranger)
    assert (
        await evaluate(path, either, "has_object_permission", public_put, view, notes["public"])
        is False
    )
    stranger.is_staff = True
    assert (
        await evaluate(path, either, "has_object_permission", public_put, view, notes["public"])
        is True
    )


# -- import hygiene ------------------------------------------------------------------


def test_importing_the_package_touches_no_settings() -> None:
    code = (
        "import restflow.permissions as p\n"
        "assert p.IsAuthenticated & p.AllowAny is not None\n"
        "from django.conf import settings\n"
        "assert not settings.configured\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
