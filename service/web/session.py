"""Web sessions and CSRF, shared by every web surface: the session holds a token's hash, a
per-session CSRF secret and the moment of its last page.

A sign-in (``service.web.signin``: a one-time link or the school's OpenID Connect) mints a
session token through ``identity.sessions`` and keeps only its hash in the (signed, not
encrypted) cookie, so the cookie never reveals a usable token. Each request is let in by
``identity.principal_for`` like an API request, so revoking the token (signing out, revoking
the person's access) ends the session, and its expiry is the session's absolute lifetime;
a session unused for ``SESSION_IDLE_MINUTES`` is ended here. The CSRF secret is compared on
every POST.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Collection, Mapping
from typing import Any

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from service.errors import Problem
from service.extensions import db
from service.identity.principals import Principal
from service.identity.sessions import end_session
from service.identity.signin import SESSION_TOKEN, principal_for
from service.models import Role


class CookieFirstSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, looking for the cookie before building the signer.

    Flask builds the cookie's serializer (itsdangerous, with its key derivation) on every
    request, before it looks whether the request carries a session cookie at all; an API
    request never does, and that was 3 % of a preference submission's CPU in the worker
    (docs/PERFORMANCE.md, "Where issue 16 stands: session 8"). Without the cookie the
    session is the same fresh, empty one Flask would give; with it, Flask's own path."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


CSRF_FIELD = "csrf_token"
# The session's last page, in whole seconds since the epoch (the idle timeout).
SEEN = "seen"


def open_session(token_hash: str) -> None:
    """Start a fresh session for the token with this hash (a sign-in by link or by the
    school's OpenID Connect): nothing planted before (a fixed CSRF secret, a half-done
    sign-in's state) carries over."""
    session.clear()
    session[SESSION_TOKEN] = token_hash
    session["csrf"] = secrets.token_urlsafe(32)
    session[SEEN] = int(time.time())


def sign_out(surface: str) -> None:
    """End the session: its session token is revoked (audited), then the cookie emptied."""
    token_hash = session.get(SESSION_TOKEN)
    if isinstance(token_hash, str):
        with db.transaction() as s:
            end_session(s, token_hash, surface, "sign-out")
    session.clear()


def _idle(config: Mapping[str, Any]) -> bool:
    """Whether the session went unused longer than ``SESSION_IDLE_MINUTES``. A session set
    up without the moment (tests, tools) counts from its first page."""
    seen = session.get(SEEN)
    if not isinstance(seen, int):
        return False
    idle_s: float = config["SESSION_IDLE_MINUTES"] * 60
    return time.time() - seen > idle_s


def signed_in(request: Request, surface: str, roles: Collection[Role]) -> Principal | None:
    """The session's principal on ``surface``; None (and the session ended) when its token
    was revoked or its role is not served here. 429 passes on as a ``Problem``."""
    token_hash = session.get(SESSION_TOKEN)
    if not isinstance(token_hash, str):
        return None
    if _idle(current_app.config):
        with db.transaction() as s:
            end_session(s, token_hash, surface, "idle")
        session.clear()
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
    seen = session.get(SEEN)
    # Written back at most once a minute: a cookie per page is not needed for the timeout.
    if not isinstance(seen, int) or time.time() - seen >= 60:
        session[SEEN] = int(time.time())
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
