"""People signed in on a web surface: each session is a token of its own, ended by signing out,
by its idle timeout or lifetime, or by revoking the person's access.

A sign-in (a one-time link, or the school's OpenID Connect provider) mints a ``session`` token
for the person's role and scope that expires after the session lifetime; the session cookie
holds only its hash, and every page is let in by ``signin.principal_for`` as before. So a
session ends the way any token does: revoked (signing out, the idle timeout, revoking the
person's access) or expired (the absolute lifetime). Everything is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from service.audit.log import now, record, record_bulk
from service.identity.principals import Principal, hash_token, parse_scope
from service.identity.tokens import require_issuer
from service.models import TOKEN_SESSION, ApiToken, Role, SignInLink, Student


def start_session(session: Session, role: str, scope: str, lifetime: dt.timedelta,
                  surface: str, how: str) -> ApiToken:
    """A new session token for ``role``/``scope``; its hash goes into the session cookie.

    The secret is thrown away at once: the hash is all a session ever needs, so no one can
    hold the session's token as a bearer token. ``how`` says how the person signed in
    ("link", "oidc"), for the audit log."""
    principal = parse_scope(session, role, scope)
    row = ApiToken(token_hash=hash_token(secrets.token_urlsafe(32)), role=principal.role.value,
                   scope=principal.scope, expires_at=now() + lifetime, purpose=TOKEN_SESSION)
    session.add(row)
    session.flush()
    record(session, Principal(principal.role, principal.scope, row.id, surface),
           "session.start", row, None,
           {"role": row.role, "scope": row.scope, "via": how, "expires_at": row.expires_at})
    return row


def end_session(session: Session, token_hash: str, surface: str, reason: str) -> bool:
    """Revoke the session token with this hash (signing out: ``reason`` "sign-out", or the
    idle timeout: "idle"); False when it is no session token or already ended. A session
    signed in with an API token (tests, tools) leaves that token alone."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash,
                                                ApiToken.purpose == TOKEN_SESSION))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now()
    session.flush()
    record(session, Principal(Role(row.role), row.scope, row.id, surface), "session.end", row,
           {"revoked_at": None}, {"revoked_at": row.revoked_at, "reason": reason})
    return True


def revoke_access(session: Session, actor: Principal | None, role: str, scope: str
                  ) -> tuple[int, int]:
    """End everything that lets the person ``role``/``scope`` in: their tokens (API and
    sessions: every open session ends on its next page) and their unused sign-in links.

    Staff only, a coordinator for students in scope (as issuing a token); ``actor`` None is
    the command line. Returns (tokens revoked, links revoked)."""
    if actor is not None:
        require_issuer(session, actor, role, scope)
    parse_scope(session, role, scope)
    at = now()
    tokens = list(session.scalars(select(ApiToken).where(
        ApiToken.role == role, ApiToken.scope == scope, ApiToken.revoked_at.is_(None))))
    for row in tokens:
        row.revoked_at = at
    links = cast(CursorResult[Any], session.execute(update(SignInLink).where(
        SignInLink.role == role, SignInLink.scope == scope, SignInLink.used_at.is_(None),
        SignInLink.revoked_at.is_(None)).values(revoked_at=at))).rowcount
    session.flush()
    for row in tokens:
        record(session, actor, "token.revoke", row, {"revoked_at": None},
               {"revoked_at": at, "reason": "access revoked"})
    school_id = None
    if role == Role.STUDENT.value:
        student = session.get(Student, int(scope.partition(":")[2]))
        school_id = student.school_id if student is not None else None
    record_bulk(session, actor, "access.revoke", "token",
                {"role": role, "scope": scope, "tokens": len(tokens), "links": links},
                school_id=school_id)
    return len(tokens), links


def oidc_student(session: Session, school_id: int, number: object) -> Student | None:
    """The student a school's OpenID Connect provider vouched for: the configured claim
    carries the student number, matched within that school only (numbers are unique per
    school, not across schools); an erased student signs in no more."""
    if not isinstance(number, str) or not number.strip():
        return None
    return session.scalar(select(Student).where(
        Student.school_id == school_id, Student.student_number == number.strip(),
        Student.erased_at.is_(None)))


def oidc_person(session: Session, school_id: int, claims: Mapping[str, Any],
                student_claim: str, coordinator_claim: str | None = None,
                coordinator_value: str | None = None) -> tuple[str, str] | None:
    """Whom a school's provider vouched for, as (role, scope): a coordinator of that school
    when the school configured a coordinator claim and value (an entitlement such as
    ``eduperson_entitlement`` holding it, as a text or in a list), else the student whose
    number ``student_claim`` carries; None for neither."""
    if coordinator_claim and coordinator_value:
        held = claims.get(coordinator_claim)
        values = [held] if isinstance(held, str) else held if isinstance(held, list) else []
        if coordinator_value in values:
            return Role.COORDINATOR.value, f"school:{school_id}"
    student = oidc_student(session, school_id, claims.get(student_claim))
    return None if student is None else (Role.STUDENT.value, f"student:{student.id}")
