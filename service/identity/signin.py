"""The one way in: a bearer token or a web session becomes a principal.

Every surface calls :func:`principal_for`: the API with the request's bearer token, a web
surface with the token hash its signed session cookie holds (set by a sign-in, which checks
the pasted token through :func:`admit` too). Either way the token must exist, not be revoked
and not be past its expiry (``expires_at``, when it has one); a failure is counted per client
address and, past ``AUTH_FAILURE_LIMIT``, the address is refused with 429 before any look-up.
The principal is kept in ``g.principal`` for the request, and names its token and surface, so
the audit log says who acted and where.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from typing import Any, Protocol

from flask import Request, g, request, session
from sqlalchemy import bindparam, select

from service.audit.log import now, utc
from service.errors import Problem
from service.extensions import db, driver_rows, pg_sql
from service.identity.principals import Principal, hash_token
from service.identity.throttling import count_auth_failure, refuse_if_failing_auth
from service.models import TOKEN_SESSION, ApiToken, Role

API = "api"
# The session cookie's key for the signed-in token's hash (never the token itself).
SESSION_TOKEN = "token_hash"


def principal_for(request: Request, surface: str = API) -> Principal:
    """The request's principal: the API reads the bearer token, a web surface its session.

    Answers 401 (no, or an unknown, revoked or expired token) or 429 (too many failures) as a
    ``Problem``; a web surface turns those into its own pages.
    """
    if surface == API:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(401, "a bearer token is required",
                          headers={"WWW-Authenticate": "Bearer"})
        return admit(hash_token(token.strip()), surface)
    token_hash = session.get(SESSION_TOKEN)
    if not isinstance(token_hash, str):
        raise Problem(401, "not signed in")
    return admit(token_hash, surface)


def admit(token_hash: str, surface: str) -> Principal:
    """The principal of the token with this hash, if it may act; counted when it may not."""
    refuse_if_failing_auth()
    # A plain row through a statement built once (compiled once per process), not an ORM
    # object: this runs before every API request. Still read on every request, so a revoked
    # token is refused at once.
    conn = db.session.connection()
    params = {"token_hash": token_hash}
    if conn.dialect.name == "postgresql":
        # On psycopg's cursor, prepared once per connection (extensions.driver_rows).
        found = driver_rows(conn, _TOKEN_PG, params)
        row: Any = _TokenRow._make(found[0]) if found else None
    else:
        row = conn.execute(_TOKEN, params).first()
    if (row is None or row.revoked_at is not None or expired(row)
            or (surface == API and row.purpose == TOKEN_SESSION)):
        # A revoked or expired token is refused like an unknown one, and counts as a failure
        # alike; so is a web session's token offered to the API (its secret never left the
        # server, only its hash did, in the session cookie).
        count_auth_failure()
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if surface == API else {}
        raise Problem(401, "the bearer token is not valid", headers=headers)
    principal = Principal(Role(row.role), row.scope, row.id, surface)
    g.principal = principal
    return principal


_TOKEN = (select(ApiToken.id, ApiToken.role, ApiToken.scope, ApiToken.revoked_at,
                 ApiToken.expires_at, ApiToken.purpose)
          .where(ApiToken.token_hash == bindparam("token_hash")))
_TOKEN_PG = pg_sql(_TOKEN)
_TokenRow = namedtuple("_TokenRow", _TOKEN.selected_columns.keys())  # type: ignore[misc]


class _Expiring(Protocol):
    @property
    def expires_at(self) -> dt.datetime | None: ...


def expired(row: _Expiring) -> bool:
    return row.expires_at is not None and utc(row.expires_at) <= now()


def authenticate() -> None:
    """Before every API request: the bearer token's principal, or 401."""
    principal_for(request)


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal

