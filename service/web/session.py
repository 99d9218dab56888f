"""Web sign-in and CSRF, shared by every web surface: the session holds a token's hash and a
per-session secret.

Only the hash of the API token is kept in the (signed, not encrypted) cookie, so the cookie
never reveals a usable token. Each request is let in by ``identity.principal_for`` like an
API request, so revoking the token signs every web session out, and failed sign-ins are
throttled per address as failed API calls are. The CSRF secret is compared on every POST.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Collection

from flask import Request, g, session
from flask_babel import gettext as _

from service import texts
from service.errors import Problem
from service.identity.principals import Principal, hash_token
from service.identity.signin import SESSION_TOKEN, admit, principal_for
from service.models import Role

CSRF_FIELD = "csrf_token"


class SignInRefused(Exception):
    """The token is unknown or revoked (401), belongs to a role the surface does not serve
    (403), or the address failed too often (429); ``message`` is for the person."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None
                 ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _too_many(exc: Problem) -> SignInRefused:
    wait = exc.headers.get("Retry-After", "60")
    return SignInRefused(429, _("Too many failed sign-ins from this address. Try again in "
                                "%(wait)s seconds.", wait=wait),
                         {"Retry-After": wait})


def sign_in(token: str, surface: str, roles: Collection[Role], refused_role: str
            ) -> Principal:
    """Check a pasted token and start a fresh session for it on ``surface``."""
    token = token.strip()
    if not token:
        raise SignInRefused(401, _("This token is unknown or has been withdrawn."))
    try:
        principal = admit(hash_token(token), surface)
    except Problem as exc:
        if exc.status == 429:
            raise _too_many(exc) from None
        raise SignInRefused(401, _("This token is unknown or has been withdrawn.")) from None
    if principal.role not in roles:
        g.pop("principal", None)
        raise SignInRefused(403, refused_role % {
            "role": texts.label(texts.ROLES, principal.role).lower()})
    # A new session on sign-in: nothing planted before (a fixed CSRF secret) carries over.
    session.clear()
    session[SESSION_TOKEN] = hash_token(token)
    session["csrf"] = secrets.token_urlsafe(32)
    return principal


def sign_out() -> None:
    session.clear()


def signed_in(request: Request, surface: str, roles: Collection[Role]) -> Principal | None:
    """The session's principal on ``surface``; None (and the session ended) when its token
    was revoked or its role is not served here. 429 passes on as a ``Problem``."""
    if not isinstance(session.get(SESSION_TOKEN), str):
        return None
    try:
        principal = principal_for(request, surface)
    except Problem as exc:
        if exc.status == 429:
            raise
        principal = None
    if principal is None or principal.role not in roles:
        session.clear()  # stale: the token was revoked
        g.pop("principal", None)
        return None
    return principal


def current() -> Principal:
    principal: Principal = g.principal
    return principal


def csrf_token() -> str:
    """The session's CSRF secret, made on first use (the sign-in form needs one too)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_valid(submitted: str | None) -> bool:
    expected = session.get("csrf")
    return (isinstance(expected, str) and isinstance(submitted, str)
            and hmac.compare_digest(expected.encode(), submitted.encode()))
