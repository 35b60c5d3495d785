"""``AccessToken`` and ``RefreshToken``: signed JWTs with a type, a lifetime and a ``jti``.

Claim validation is I/O-free; the blacklist methods come in sync and async
twins (``blacklist``/``ablacklist``, ``rotate``/``arotate``, …) that differ
only in how they reach the blacklist backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar
from uuid import uuid4

from django.utils.crypto import salted_hmac

from restflow.authentication import _clock
from restflow.authentication._config import Config, get_config
from restflow.authentication.exceptions import TokenError

__all__ = ["AccessToken", "RefreshToken", "Token", "password_fingerprint"]

_T = TypeVar("_T", bound="Token")

_NUMBER = (int, float)
_REVOKE_SALT = "restflow.authentication.revoke"


def password_fingerprint(password_hash: str) -> str:
    """A short keyed digest of a user's password hash (the ``CHECK_REVOKE_TOKEN`` claim)."""
    return salted_hmac(_REVOKE_SALT, password_hash or "", algorithm="sha256").hexdigest()[:32]


def _number(payload: dict[str, Any], claim: str) -> float | None:
    value = payload.get(claim)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, _NUMBER):
        raise TokenError(f"The token's {claim!r} claim must be a number.", "claims")
    return value


def validate_claims(payload: dict[str, Any], config: Config, token_type: str, now: float) -> None:
    """Check time claims, issuer, audience, token type and ``jti``; raises ``TokenError``."""
    leeway = config.leeway
    exp = _number(payload, "exp")
    if exp is None:
        raise TokenError("The token has no 'exp' claim.", "claims")
    if exp <= now - leeway:
        raise TokenError("The token has expired.", "expired")
    nbf = _number(payload, "nbf")
    if nbf is not None and nbf > now + leeway:
        raise TokenError("The token is not valid yet.", "not_yet_valid")
    iat = _number(payload, "iat")
    if iat is not None and iat > now + leeway:
        raise TokenError("The token was issued in the future.", "not_yet_valid")
    if config.issuer is not None and payload.get("iss") != config.issuer:
        raise TokenError("The token was issued by another issuer.", "issuer")
    audience = payload.get("aud")
    if config.audience is not None:
        given = [audience] if isinstance(audience, str) else audience
        if not isinstance(given, list) or config.audience.isdisjoint(
            item for item in given if isinstance(item, str)
        ):
            raise TokenError("The token is meant for another audience.", "audience")
    elif audience is not None:
        raise TokenError("The token is meant for an audience this service is not.", "audience")
    if payload.get(config.type_claim) != token_type:
        raise TokenError(f"The token is not an {token_type} token.", "token_type")
    jti = payload.get(config.jti_claim)
    if not isinstance(jti, str) or not jti:
        raise TokenError("The token has no 'jti' claim.", "claims")


class Token:
    """A signed JWT of one type. Subclasses set ``token_type`` and ``lifetime_attr``.

    ``Token()`` starts a new token (``token_type``, ``iat``, ``exp``, ``jti``
    and, when configured, ``iss``/``aud``); ``Token(raw)`` verifies ``raw``
    (signature with the pinned algorithm, then claims) and raises
    :class:`TokenError` when it is not valid. ``str(token)`` is the encoded
    JWT. Claims read and write like a dict: ``token["user_id"]``.
    """

    token_type: ClassVar[str] = ""
    lifetime_attr: ClassVar[str] = ""

    __slots__ = ("_encoded", "config", "payload")

    def __init__(self, token: str | bytes | None = None) -> None:
        if not self.token_type:
            raise TypeError(f"{type(self).__qualname__} must set 'token_type'.")
        config = self.config = get_config()
        if token is None:
            now = int(_clock.now())
            lifetime = getattr(config, self.lifetime_attr)
            payload = {
                config.type_claim: self.token_type,
                "exp": now + lifetime,
                "iat": now,
                config.jti_claim: uuid4().hex,
            }
            if config.issuer is not None:
                payload["iss"] = config.issuer
            if config.audience is not None:
                audience = sorted(config.audience)
                payload["aud"] = audience[0] if len(audience) == 1 else audience
            self.payload: dict[str, Any] = payload
            self._encoded: str | None = None
        else:
            self.payload = config.signer.decode(token)
            validate_claims(self.payload, config, self.token_type, _clock.now())
            self._encoded = token if isinstance(token, str) else token.decode("ascii")

    @classmethod
    def verify(cls: type[_T], raw: str | bytes) -> _T:
        """Decode and validate ``raw`` (no blacklist I/O); raises :class:`TokenError`."""
        return cls(raw)

    @classmethod
    def for_user(cls: type[_T], user: Any) -> _T:
        """A new token for ``user`` carrying its id (``USER_ID_CLAIM`` ← ``USER_ID_FIELD``)."""
        token = cls()
        config = token.config
        user_id = getattr(user, config.user_id_field)
        token.payload[config.user_id_claim] = (
            user_id if isinstance(user_id, (int, str)) else str(user_id)
        )
        if config.check_revoke:
            token.payload[config.revoke_claim] = password_fingerprint(user.password)
        return token

    # -- the dict-like surface --------------------------------------------------

    def __str__(self) -> str:
        encoded = self._encoded
        if encoded is None:
            encoded = self._encoded = self.config.signer.encode(self.payload)
        return encoded

    def __repr__(self) -> str:
        return f"<{type(self).__name__} jti={self.jti!r}>"

    def __getitem__(self, claim: str) -> Any:
        return self.payload[claim]

    def __setitem__(self, claim: str, value: Any) -> None:
        self.payload[claim] = value
        self._encoded = None

    def __delitem__(self, claim: str) -> None:
        del self.payload[claim]
        self._encoded = None

    def __contains__(self, claim: object) -> bool:
        return claim in self.payload

    def __iter__(self) -> Iterator[str]:
        return iter(self.payload)

    def get(self, claim: str, default: Any = None) -> Any:
        """The claim's value, or ``default``."""
        return self.payload.get(claim, default)

    @property
    def jti(self) -> str:
        """The token's unique id (any token can be revoked by it)."""
        return self.payload[self.config.jti_claim]

    @property
    def exp(self) -> float:
        """Expiry as a Unix timestamp."""
        return self.payload["exp"]

    def set_not_before(self, timestamp: float) -> None:
        """Set ``nbf``: the token is refused before ``timestamp`` (Unix time)."""
        self["nbf"] = int(timestamp)

    # -- blacklist ----------------------------------------------------------------

    def blacklist(self) -> bool:
        """Revoke this token while it can validate; ``False`` when it was already revoked."""
        return bool(self.config.blacklist.add(self.jti, self.exp))

    async def ablacklist(self) -> bool:
        """Async twin of :meth:`blacklist`."""
        return bool(await self.config.blacklist.aadd(self.jti, self.exp))

    def is_blacklisted(self) -> bool:
        """Whether this token's ``jti`` is on the blacklist."""
        return bool(self.config.blacklist.contains(self.jti))

    async def ais_blacklisted(self) -> bool:
        """Async twin of :meth:`is_blacklisted`."""
        return bool(await self.config.blacklist.acontains(self.jti))

    def check_blacklist(self) -> None:
        """Raise :class:`TokenError` when blacklisting is on and this token is revoked."""
        if self.config.blacklist_enabled and self.is_blacklisted():
            raise TokenError("The token has been revoked.", "blacklisted")

    async def acheck_blacklist(self) -> None:
        """Async twin of :meth:`check_blacklist`."""
        if self.config.blacklist_enabled and await self.ais_blacklisted():
            raise TokenError("The token has been revoked.", "blacklisted")


class AccessToken(Token):
    """A short-lived token sent on every request (``ACCESS_TOKEN_LIFETIME``)."""

    token_type = "access"
    lifetime_attr = "access_lifetime"
    __slots__ = ()


_NOT_COPIED = frozenset({"exp", "iat", "nbf"})


class RefreshToken(Token):
    """A long-lived token traded for access tokens (``REFRESH_TOKEN_LIFETIME``)."""

    token_type = "refresh"
    lifetime_attr = "refresh_lifetime"
    __slots__ = ()

    @property
    def access_token(self) -> AccessToken:
        """A new access token carrying this token's user and custom claims."""
        return self._derive(AccessToken)

    def _derive(self, cls: type[_T]) -> _T:
        token = cls()
        config = self.config
        skip = _NOT_COPIED | {config.type_claim, config.jti_claim}
        for claim, value in self.payload.items():
            if claim not in skip:
                token.payload[claim] = value
        return token

    def _rotated(self, newly_blacklisted: bool) -> RefreshToken:
        if not newly_blacklisted:
            raise TokenError("The refresh token has already been used.", "blacklisted")
        return self._derive(RefreshToken)

    def _blacklists_on_rotation(self) -> bool:
        return self.config.blacklist_enabled and self.config.blacklist_after_rotation

    def rotate(self) -> RefreshToken:
        """A new refresh token for the same user; the old one is blacklisted atomically.

        With blacklisting on (``BLACKLIST_ENABLED`` and ``BLACKLIST_AFTER_ROTATION``)
        of two concurrent rotations of one token at most one succeeds; the
        other raises :class:`TokenError` (reason ``blacklisted``).
        """
        return self._rotated(self.blacklist() if self._blacklists_on_rotation() else True)

    async def arotate(self) -> RefreshToken:
        """Async twin of :meth:`rotate`."""
        return self._rotated(await self.ablacklist() if self._blacklists_on_rotation() else True)
