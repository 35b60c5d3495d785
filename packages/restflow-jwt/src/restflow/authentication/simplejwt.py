"""``SimpleJWTAuthentication``: djangorestframework-simplejwt's validation, async user lookup.

Needs the ``simplejwt`` extra. The class is built on first access, because
simplejwt reads Django settings when its modules are imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.utils.translation import gettext_lazy as _

from restflow.authentication import _compat
from restflow.core import async_twin

__all__ = ["SimpleJWTAuthentication"]

if TYPE_CHECKING:
    from rest_framework.authentication import BaseAuthentication as SimpleJWTAuthentication

_built: type | None = None


def _build() -> type:
    module = _compat.require_simplejwt()
    AuthenticationFailed = _compat.require_simplejwt("exceptions").AuthenticationFailed

    base: Any = module.JWTAuthentication

    class SimpleJWTAuthentication(base):
        """simplejwt's ``JWTAuthentication`` with ``aauthenticate``.

        Header parsing and token validation run on the event loop; the user
        query (``get_user``) is the one thread hop.
        """

        @async_twin
        async def aauthenticate(self, request: Any) -> tuple[Any, Any] | None:
            """Async twin of ``authenticate`` (a subclass's sync-only override wins)."""
            header = self.get_header(request)
            if header is None:
                return None
            raw_token = self.get_raw_token(header)
            if raw_token is None:
                return None
            validated_token = self.get_validated_token(raw_token)
            return await self.aget_user(validated_token), validated_token

        async def aget_user(self, validated_token: Any) -> Any:
            """Async twin of simplejwt's ``get_user`` (same checks and messages)."""
            # simplejwt rebinds its settings object on setting_changed; read the one its own
            # get_user reads, at call time.
            api_settings = module.api_settings
            if type(self).get_user is not base.get_user:
                return await sync_to_async(self.get_user, thread_sensitive=True)(validated_token)
            try:
                user_id = validated_token[api_settings.USER_ID_CLAIM]
            except KeyError:
                raise module.InvalidToken(
                    _("Token contained no recognizable user identification")
                ) from None
            try:
                user = await self.user_model.objects.aget(**{api_settings.USER_ID_FIELD: user_id})
            except self.user_model.DoesNotExist:
                raise AuthenticationFailed(_("User not found"), code="user_not_found") from None
            if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
                raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
            if api_settings.CHECK_REVOKE_TOKEN:
                get_md5_hash_password = _compat.require_simplejwt("utils").get_md5_hash_password

                if validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
                    user.password
                ):
                    raise AuthenticationFailed(
                        _("The user's password has been changed."), code="password_changed"
                    )
            return user

    SimpleJWTAuthentication.__module__ = __name__
    return SimpleJWTAuthentication


def __getattr__(name: str) -> Any:
    global _built
    if name == "SimpleJWTAuthentication":
        if _built is None:
            _built = _build()
        return _built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
