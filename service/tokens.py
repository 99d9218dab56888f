"""Managing API tokens: issue, list, revoke and rotate, each audited.

Admins manage every token. A coordinator may issue, see, revoke and rotate only *student*
tokens of students in their scope: a coordinator token for another school, or a company
token (companies belong to no coordinator), would let them act outside their scope.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, false, literal, select, true
from sqlalchemy.orm import Session

from .access import student_filter, visible_student
from .audit import now, record
from .auth import Principal, new_token
from .errors import Problem, field_error
from .models import STAFF, ApiToken, Role, Student


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
    p.require(*STAFF)
    role, scope = data["role"], data.get("scope", "")
    if p.role == Role.COORDINATOR:
        if role != Role.STUDENT.value:
            raise Problem(403, "coordinators issue student tokens only",
                          [{"field": "role", "location": "json", "message": "must be student"}])
        kind, _, value = scope.partition(":")
        if kind != "student" or not value.isdigit():
            raise field_error("scope", "a student token needs scope student:<id>")
        visible_student(session, p, int(value))
    try:
        return new_token(session, role, scope, p)
    except ValueError as exc:
        raise field_error("scope", str(exc)) from None


def revoke_token(session: Session, actor: Principal | None, row: ApiToken) -> ApiToken:
    if row.revoked_at is not None:
        raise Problem(409, f"token {row.id} is already revoked")
    row.revoked_at = now()
    session.flush()
    record(session, actor, "token.revoke", row, {"revoked_at": None},
           {"revoked_at": row.revoked_at})
    return row


def rotate_token(session: Session, p: Principal, row: ApiToken) -> tuple[ApiToken, str]:
    """Replace a token: the new one has the same role and scope, the old one is revoked."""
    if row.revoked_at is not None:
        raise Problem(409, f"token {row.id} is revoked: issue a new one instead")
    fresh, secret = new_token(session, row.role, row.scope, p)
    row.revoked_at = now()
    session.flush()
    record(session, p, "token.rotate", row, {"revoked_at": None},
           {"revoked_at": row.revoked_at, "replaced_by": fresh.id})
    return fresh, secret


def revoke_student_tokens(session: Session, student_id: int) -> int:
    """Delete a student's tokens (erasure): the scope names the student, nothing else does."""
    rows = list(session.scalars(select(ApiToken).where(
        ApiToken.role == Role.STUDENT.value, ApiToken.scope == f"student:{student_id}")))
    for row in rows:
        record(session, None, "token.delete", row, {"role": row.role, "scope": row.scope},
               None)
        session.delete(row)
    session.flush()
    return len(rows)
