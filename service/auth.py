"""Bearer tokens, roles and scopes.

A token is shown once and stored as its SHA-256: tokens are long random strings, so a plain
hash (no salt, no slow KDF) is enough and lets a request find its token with one indexed look-up.

Scopes: admin ``""``; coordinator ``school:<id>`` or ``region:<name>``; company
``company:<id>``; student ``student:<id>``. A resource outside the caller's scope answers 404
(its existence is not revealed); an action the role may never take answers 403.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import g, request
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .errors import Problem
from .models import STAFF, ApiToken, Company, Role, School, Student

SCOPE_KINDS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: ("",),
    Role.COORDINATOR: ("school", "region"),
    Role.COMPANY: ("company",),
    Role.STUDENT: ("student",),
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    scope: str
    # The token's row id: the audit log names the actor by it, never by the token.
    token_id: int | None = None

    @property
    def kind(self) -> str:
        return self.scope.partition(":")[0]

    @property
    def value(self) -> str:
        return self.scope.partition(":")[2]

    def _id(self, kind: str) -> int | None:
        return int(self.value) if self.kind == kind else None

    @property
    def school_id(self) -> int | None:
        return self._id("school") if self.role == Role.COORDINATOR else None

    @property
    def region(self) -> str | None:
        return self.value if self.role == Role.COORDINATOR and self.kind == "region" else None

    @property
    def company_id(self) -> int | None:
        return self._id("company") if self.role == Role.COMPANY else None

    @property
    def student_id(self) -> int | None:
        return self._id("student") if self.role == Role.STUDENT else None

    @property
    def is_staff(self) -> bool:
        """Admins and coordinators: the roles that may see and set the priority flag."""
        return self.role in STAFF

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Problem(403, f"the {self.role} role may not do this")


def parse_scope(session: Session, role: str, scope: str) -> Principal:
    """Check a role and scope before a token is issued: the scope's record must exist."""
    try:
        parsed_role = Role(role)
    except ValueError:
        raise ValueError(f"role must be one of {', '.join(r.value for r in Role)}") from None
    principal = Principal(parsed_role, scope)
    kinds = SCOPE_KINDS[parsed_role]
    if principal.kind not in kinds or (kinds != ("",) and not principal.value):
        wanted = " or ".join(f"{k}:<{'name' if k == 'region' else 'id'}>" for k in kinds)
        raise ValueError(f"a {role} token needs scope {wanted or 'empty'!s}")
    model = {"school": School, "company": Company, "student": Student}.get(principal.kind)
    if model is not None and (not principal.value.isdigit()
                              or session.get(model, int(principal.value)) is None):
        raise ValueError(f"no {principal.kind} with id {principal.value!r}")
    return principal


def issue_tokens(session: Session, role: str, scopes: list[str]) -> list[str]:
    """Many tokens of one role at once (a demo issues thousands): the same checks as
    ``parse_scope``, with one query for all the scopes' records."""
    if not scopes:
        return []
    first = parse_scope(session, role, scopes[0])
    principals = [Principal(first.role, s) for s in scopes]
    models: dict[str, type[School] | type[Company] | type[Student]] = {
        "school": School, "company": Company, "student": Student}
    model = models.get(first.kind)
    if any(p.kind != first.kind for p in principals):
        raise ValueError(f"every scope must be of kind {first.kind!r}")
    if model is not None:
        if not all(p.value.isdigit() for p in principals):
            raise ValueError(f"a {first.kind} scope needs a numeric id")
        wanted = {int(p.value) for p in principals}
        # All ids of the table rather than an IN list: SQLite caps bound parameters.
        found = set(session.scalars(select(model.id)))
        if wanted - found:
            raise ValueError(f"no {first.kind} with id {min(wanted - found)}")
    tokens = ["lp_" + secrets.token_urlsafe(32) for _ in scopes]
    session.execute(insert(ApiToken), [
        {"token_hash": hash_token(t), "role": first.role.value, "scope": p.scope}
        for t, p in zip(tokens, principals, strict=True)])
    from .audit import record_bulk

    record_bulk(session, None, "token.create", "token",
                {"role": first.role.value, "tokens": len(tokens)})
    return tokens


def new_token(session: Session, role: str, scope: str,
              actor: Principal | None = None) -> tuple[ApiToken, str]:
    """Store a new token for ``role``/``scope``, audited; the secret is returned only here."""
    from .audit import record

    principal = parse_scope(session, role, scope)
    token = "lp_" + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=hash_token(token), role=principal.role.value,
                   scope=principal.scope)
    session.add(row)
    session.flush()
    record(session, actor, "token.create", row, None,
           {"role": row.role, "scope": row.scope})
    return row, token


def issue_token(session: Session, role: str, scope: str) -> str:
    """Store a new token for ``role``/``scope`` and return it: the only time it is seen."""
    return new_token(session, role, scope)[1]


def authenticate() -> None:
    """Before every API request: find the bearer token's principal or answer 401."""
    from .extensions import db
    from .hardening import count_auth_failure, refuse_if_failing_auth

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "a bearer token is required",
                      headers={"WWW-Authenticate": "Bearer"})
    refuse_if_failing_auth()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash ==
                                                   hash_token(token.strip())))
    if row is None or row.revoked_at is not None:
        # A revoked token is refused like an unknown one, and counts as a failure alike.
        count_auth_failure()
        raise Problem(401, "the bearer token is not valid",
                      headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    g.principal = Principal(Role(row.role), row.scope, row.id)


def current_principal() -> Principal:
    principal: Principal = g.principal
    return principal
