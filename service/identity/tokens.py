"""Managing API tokens: issue, list, revoke and rotate, each audited.

Admins manage every token. A coordinator may issue, see, revoke and rotate only *student*
tokens of students in their scope: a coordinator token for another school, or a company
token (companies belong to no coordinator), would let them act outside their scope.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    cast,
    delete,
    false,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session

from service.audit.log import now, record, record_bulk, utc
from service.directory.students import can_see_student, student_filter
from service.errors import Problem, field_error
from service.identity.principals import Principal, hash_token, parse_scope, scope_record_id
from service.models import STAFF, ApiToken, Company, Role, School, SignInLink, Student


def token_filter(p: Principal) -> ColumnElement[bool]:
    if p.role == Role.ADMIN:
        return true()
    if p.role == Role.COORDINATOR:
        scopes = select(literal("student:") + cast(Student.id, String)).where(student_filter(p))
        return (ApiToken.role == Role.STUDENT.value) & ApiToken.scope.in_(scopes)
    return false()


def token_query(p: Principal, filters: dict[str, Any]) -> Select[ApiToken]:
    stmt = select(ApiToken).where(token_filter(p)).order_by(ApiToken.id)
    for key in ("role", "scope"):
        if key in filters:
            stmt = stmt.where(getattr(ApiToken, key) == filters[key])
    if "revoked" in filters:
        revoked = ApiToken.revoked_at.is_not(None)
        stmt = stmt.where(revoked if filters["revoked"] else ~revoked)
    return stmt


def visible_token(session: Session, p: Principal, token_id: int, lock: bool = False
                  ) -> ApiToken:
    """The token's row if ``p`` manages it; ``lock`` holds it so two revocations take turns."""
    stmt = select(ApiToken).where(ApiToken.id == token_id, token_filter(p))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    row = session.scalar(stmt)
    if row is None:
        raise Problem(404, f"no token with id {token_id}")
    return row


def create_token(session: Session, p: Principal, data: dict[str, Any]) -> tuple[ApiToken, str]:
    """A new token for ``data``'s role and scope; the secret is in the answer only."""
    role, scope = data["role"], data.get("scope", "")
    require_issuer(session, p, role, scope)
    try:
        return new_token(session, role, scope, p, expires_at=data.get("expires_at"))
    except ValueError as exc:
        raise field_error("scope", str(exc)) from None


def require_issuer(session: Session, p: Principal, role: str, scope: str) -> None:
    """Whether ``p`` may give access to ``role``/``scope`` (a token or a sign-in link): staff
    only; a coordinator only to students in scope (403 for another role, 422 naming the
    scope for a student out of reach)."""
    p.require(*STAFF)
    if p.role == Role.COORDINATOR:
        if role != Role.STUDENT.value:
            raise Problem(403, "coordinators issue student tokens only",
                          [{"field": "role", "location": "json", "message": "must be student"}])
        kind, _, value = scope.partition(":")
        ident = scope_record_id(value)
        if kind != "student" or ident is None:
            raise field_error("scope", "a student token needs scope student:<id>")
        # The body names the student, not the URL: a student out of reach is invalid input
        # (422), never the undocumented 404 of a missing page.
        student = session.get(Student, ident)
        if student is None or not can_see_student(p, student):
            raise field_error("scope", f"no student with id {ident} in your scope")


def revoke_token(session: Session, actor: Principal | None, row: ApiToken) -> ApiToken:
    if row.revoked_at is not None:
        raise Problem(409, f"token {row.id} is already revoked")
    row.revoked_at = now()
    session.flush()
    record(session, actor, "token.revoke", row, {"revoked_at": None},
           {"revoked_at": row.revoked_at})
    return row


def rotate_token(session: Session, p: Principal, row: ApiToken) -> tuple[ApiToken, str]:
    """Replace a token: the new one has the same role, scope and expiry, the old one is
    revoked."""
    if row.revoked_at is not None:
        raise Problem(409, f"token {row.id} is revoked: issue a new one instead")
    if row.expires_at is not None and utc(row.expires_at) <= now():
        raise Problem(409, f"token {row.id} has expired: issue a new one instead")
    fresh, secret = new_token(session, row.role, row.scope, p, expires_at=row.expires_at)
    row.revoked_at = now()
    session.flush()
    record(session, p, "token.rotate", row, {"revoked_at": None},
           {"revoked_at": row.revoked_at, "replaced_by": fresh.id})
    return fresh, secret


def revoke_student_tokens(session: Session, actor: Principal | None, student_id: int) -> int:
    """Delete a student's tokens and sign-in links (erasure): the scope names the student,
    nothing else does."""
    scope = f"student:{student_id}"
    session.execute(delete(SignInLink).where(SignInLink.role == Role.STUDENT.value,
                                             SignInLink.scope == scope))
    rows = list(session.scalars(select(ApiToken).where(
        ApiToken.role == Role.STUDENT.value, ApiToken.scope == scope)))
    for row in rows:
        record(session, actor, "token.delete", row, {"role": row.role, "scope": row.scope},
               None)
        session.delete(row)
    session.flush()
    return len(rows)


def issue_tokens(session: Session, role: str, scopes: list[str],
                 actor: Principal | None = None) -> list[str]:
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
        ids = [scope_record_id(p.value) for p in principals]
        if None in ids:
            raise ValueError(f"a {first.kind} scope needs a numeric id")
        wanted = {i for i in ids if i is not None}
        # All ids of the table rather than an IN list: SQLite caps bound parameters.
        found = set(session.scalars(select(model.id)))
        if wanted - found:
            raise ValueError(f"no {first.kind} with id {min(wanted - found)}")
    tokens = ["lp_" + secrets.token_urlsafe(32) for _ in scopes]
    session.execute(insert(ApiToken), [
        {"token_hash": hash_token(t), "role": first.role.value, "scope": p.scope}
        for t, p in zip(tokens, principals, strict=True)])
    record_bulk(session, actor, "token.create", "token",
                {"role": first.role.value, "tokens": len(tokens)})
    return tokens


def new_token(session: Session, role: str, scope: str, actor: Principal | None = None,
              expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Store a new token for ``role``/``scope``, audited; the secret is returned only here.

    ``expires_at`` (optional) must lie in the future: a token born expired is a mistake."""
    principal = parse_scope(session, role, scope)
    if expires_at is not None and utc(expires_at) <= now():
        raise field_error("expires_at", "must be in the future")
    token = "lp_" + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=hash_token(token), role=principal.role.value,
                   scope=principal.scope, expires_at=expires_at)
    session.add(row)
    session.flush()
    record(session, actor, "token.create", row, None,
           {"role": row.role, "scope": row.scope})
    return row, token


def issue_token(session: Session, role: str, scope: str,
                expires_at: dt.datetime | None = None) -> str:
    """Store a new token for ``role``/``scope`` and return it: the only time it is seen."""
    return new_token(session, role, scope, expires_at=expires_at)[1]
