"""Dashboard sign-in and CSRF: the session holds a token's hash and a per-session secret.

Only the hash of the API token is kept in the (signed, not encrypted) cookie, so the cookie
never reveals a usable token; each request finds the token again by that hash, so deleting
the token signs every dashboard session out. The CSRF secret is compared on every POST.
"""

from __future__ import annotations

import hmac
import secrets

from flask import g, session
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import texts
from ..auth import Principal, hash_token
from ..models import STAFF, ApiToken, Role

CSRF_FIELD = "csrf_token"


class SignInRefused(Exception):
    """The token is unknown (401) or belongs to a role the dashboard does not serve (403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def principal_for(db_session: Session, token_hash: str) -> Principal | None:
    row = db_session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    return None if row is None else Principal(Role(row.role), row.scope)


def sign_in(db_session: Session, token: str) -> Principal:
    """Check a pasted token and start a fresh session for it."""
    token_hash = hash_token(token.strip())
    principal = principal_for(db_session, token_hash) if token.strip() else None
    if principal is None:
        raise SignInRefused(401, _("This token is unknown or has been withdrawn."))
    if principal.role not in STAFF:
        raise SignInRefused(403, _("The dashboard is for coordinators and administrators "
                                   "only; a token for a %(role)s gives no access here.",
                                   role=texts.label(texts.ROLES, principal.role).lower()))
    # A new session on sign-in: nothing planted before (a fixed CSRF secret) carries over.
    session.clear()
    session["token_hash"] = token_hash
    session["csrf"] = secrets.token_urlsafe(32)
    return principal


def sign_out() -> None:
    session.clear()


def signed_in(db_session: Session) -> Principal | None:
    """The session's principal, if its token still exists and is a staff token."""
    token_hash = session.get("token_hash")
    if not isinstance(token_hash, str):
        return None
    principal = principal_for(db_session, token_hash)
    if principal is None or principal.role not in STAFF:
        session.clear()  # stale: the token was revoked
        return None
    return principal


def current() -> Principal:
    principal: Principal = g.dashboard_principal
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
