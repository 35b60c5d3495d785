"""DRF's standard permissions, each with a native async twin that needs no thread hop."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.http import Http404
from rest_framework import exceptions
from rest_framework import permissions as drf_permissions

from restflow.core.fallback import HookMode, acall_hook, call, hook_mode, mark_loop_safe
from restflow.permissions.base import BasePermission

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from rest_framework.request import Request
    from rest_framework.views import APIView

__all__ = [
    "SAFE_METHODS",
    "AllowAny",
    "DjangoModelPermissions",
    "DjangoModelPermissionsOrAnonReadOnly",
    "DjangoObjectPermissions",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
]

SAFE_METHODS: Sequence[str] = drf_permissions.SAFE_METHODS
"""The methods that only read, ``("GET", "HEAD", "OPTIONS")``: DRF's own tuple."""


# -- request-only checks (no I/O once the user is set) ----------------------


def _authenticated(request: Request) -> bool:
    user: Any = request.user
    return bool(user and user.is_authenticated)


def _staff(request: Request) -> bool:
    user: Any = request.user
    return bool(user and user.is_staff)


def _safe_or_authenticated(request: Request) -> bool:
    return request.method in SAFE_METHODS or _authenticated(request)


class AllowAny(BasePermission):
    """Grants every request."""

    @mark_loop_safe
    def has_permission(self, request: Request, view: APIView) -> bool:
        return True

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return True


class IsAuthenticated(BasePermission):
    """Grants authenticated users."""

    @mark_loop_safe
    def has_permission(self, request: Request, view: APIView) -> bool:
        return _authenticated(request)

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return _authenticated(request)


class IsAdminUser(BasePermission):
    """Grants users with ``is_staff``."""

    @mark_loop_safe
    def has_permission(self, request: Request, view: APIView) -> bool:
        return _staff(request)

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return _staff(request)


class IsAuthenticatedOrReadOnly(BasePermission):
    """Grants safe methods (GET, HEAD, OPTIONS) to anyone, the others to authenticated users."""

    @mark_loop_safe
    def has_permission(self, request: Request, view: APIView) -> bool:
        return _safe_or_authenticated(request)

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        return _safe_or_authenticated(request)


# -- django.contrib.auth permissions ---------------------------------------


async def _auser_has_perms(user: Any, perms: Sequence[str], *obj: Any) -> bool:
    """``user.has_perms`` for async code: ``ahas_perms`` when the user class has it natively."""
    return bool(await acall_hook(user, "has_perms", perms, *obj))


def _queryset_missing_message(permission: object) -> str:
    return (
        f"Cannot apply {type(permission).__name__} on a view that does not set "
        "`.queryset` or have a `.get_queryset()` method."
    )


def _queryset_none_message(view: object) -> str:
    return f"{type(view).__name__}.get_queryset() returned None"


class DjangoModelPermissions(BasePermission):
    """Grants according to ``django.contrib.auth`` model permissions (``add``/``change``/``delete``).

    As DRF's: the user must be authenticated (unless ``authenticated_users_only``
    is false), the view needs ``queryset`` or ``get_queryset()``, ``perms_map``
    maps methods to permission codes, an unknown method is a 405, and a view
    with ``_ignore_model_permissions`` is let through.

    The async twin awaits ``user.ahas_perms`` (Django's async auth backends)
    and an ``async def get_queryset`` / native ``aget_queryset``; a sync
    ``get_queryset`` is called on the event loop, so it must only build a lazy
    queryset (if it needs the database, make it ``async def``).
    """

    perms_map: ClassVar[dict[str, list[str]]] = {
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    authenticated_users_only: bool = True

    def get_required_permissions(self, method: str, model_cls: type[Model]) -> list[str]:
        """The permission codes ``method`` needs on ``model_cls``; ``MethodNotAllowed`` if unmapped."""
        return self._permission_codes(self.perms_map, method, model_cls)

    @staticmethod
    def _permission_codes(
        perms_map: dict[str, list[str]], method: str, model_cls: type[Model]
    ) -> list[str]:
        if method not in perms_map:
            raise exceptions.MethodNotAllowed(method)
        names = {"app_label": model_cls._meta.app_label, "model_name": model_cls._meta.model_name}
        return [code % names for code in perms_map[method]]

    def _queryset(self, view: APIView) -> QuerySet[Any]:
        untyped: Any = view
        assert hasattr(untyped, "get_queryset") or getattr(untyped, "queryset", None) is not None, (
            _queryset_missing_message(self)
        )
        if hasattr(untyped, "get_queryset"):
            queryset = call(untyped.get_queryset)
            assert queryset is not None, _queryset_none_message(view)
            return queryset  # type: ignore[no-any-return]
        return untyped.queryset  # type: ignore[no-any-return]

    async def _aqueryset(self, view: APIView) -> QuerySet[Any]:
        untyped: Any = view
        has_getter = hasattr(untyped, "get_queryset") or hasattr(untyped, "aget_queryset")
        assert has_getter or getattr(untyped, "queryset", None) is not None, (
            _queryset_missing_message(self)
        )
        if not has_getter:
            return untyped.queryset  # type: ignore[no-any-return]
        if hook_mode(untyped, "get_queryset") is HookMode.NATIVE:
            queryset = await untyped.aget_queryset()
        else:
            # Building a queryset is lazy: no thread hop for a sync get_queryset.
            queryset = untyped.get_queryset()
            if inspect.isawaitable(queryset):
                queryset = await queryset
        assert queryset is not None, _queryset_none_message(view)
        return queryset  # type: ignore[no-any-return]

    def _user_may_try(self, request: Request) -> bool:
        user: Any = request.user
        return bool(user) and (user.is_authenticated or not self.authenticated_users_only)

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not self._user_may_try(request):
            return False
        if getattr(view, "_ignore_model_permissions", False):
            return True
        queryset = self._queryset(view)
        perms = self.get_required_permissions(request.method, queryset.model)  # type: ignore[arg-type]
        user: Any = request.user
        return bool(user.has_perms(perms))

    async def ahas_permission(self, request: Request, view: APIView) -> bool:
        if not self._user_may_try(request):
            return False
        if getattr(view, "_ignore_model_permissions", False):
            return True
        queryset = await self._aqueryset(view)
        perms = self.get_required_permissions(request.method, queryset.model)  # type: ignore[arg-type]
        return await _auser_has_perms(request.user, perms)


class DjangoModelPermissionsOrAnonReadOnly(DjangoModelPermissions):
    """:class:`DjangoModelPermissions` that also lets anonymous users read."""

    authenticated_users_only = False


class DjangoObjectPermissions(DjangoModelPermissions):
    """Grants according to object permissions from an object-aware auth backend (e.g. django-guardian).

    As DRF's: a user lacking the permissions of the method on the object gets
    a 404 when they may not read it either (so its existence is not leaked),
    else a refusal (403). The async twin awaits the backends' ``ahas_perm``.
    """

    # Its own copy, so changing one class's map never changes the other's.
    perms_map: ClassVar[dict[str, list[str]]] = {
        method: list(codes) for method, codes in DjangoModelPermissions.perms_map.items()
    }

    def get_required_object_permissions(self, method: str, model_cls: type[Model]) -> list[str]:
        """The object permission codes ``method`` needs; ``MethodNotAllowed`` if unmapped."""
        return self._permission_codes(self.perms_map, method, model_cls)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        # has_permission has already checked that the user may try at all.
        model_cls = self._queryset(view).model
        user: Any = request.user
        method: str = request.method  # type: ignore[assignment]
        if user.has_perms(self.get_required_object_permissions(method, model_cls), obj):
            return True
        if method in SAFE_METHODS:
            raise Http404  # reading was what failed: hide the object
        if not user.has_perms(self.get_required_object_permissions("GET", model_cls), obj):
            raise Http404
        return False

    async def ahas_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        model_cls = (await self._aqueryset(view)).model
        user: Any = request.user
        method: str = request.method  # type: ignore[assignment]
        required = self.get_required_object_permissions(method, model_cls)
        if await _auser_has_perms(user, required, obj):
            return True
        if method in SAFE_METHODS:
            raise Http404
        read = self.get_required_object_permissions("GET", model_cls)
        if not await _auser_has_perms(user, read, obj):
            raise Http404
        return False
