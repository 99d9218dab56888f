"""One-time sign-in links, for people whose school or company has no OpenID Connect.

A link carries a random secret (``ll_…``), stored as its SHA-256 like a token; it names a role
and scope (``student:17``, ``company:3``, a coordinator's school), who made it, and when it
expires (``SIGNIN_LINK_DAYS``, 14 by default). Opening it shows a button; only pressing it
(a POST) uses the link, so a mail scanner that follows links does not burn it. Using it starts
a session (``sessions.start_session``) and marks the link used: it works once. A link that is
unknown, used, expired or revoked is refused like an unknown token, counted per address by
the same throttle. Making, using and revoking a link is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.orm import Session

from service.audit.log import now, record, record_bulk, utc
from service.directory.students import student_filter
from service.errors import Problem
from service.identity.principals import Principal, hash_token, parse_scope
from service.identity.sessions import start_session
from service.identity.throttling import count_auth_failure, refuse_if_failing_auth
from service.identity.tokens import require_issuer
from service.models import ApiToken, Company, Role, School, SignInLink, Student

PREFIX = "ll_"
DEFAULT_DAYS = 14
# Where a link opens: the path under the service's base URL.
PATH = "/inloggen/link/"


def link_url(base_url: str, secret: str) -> str:
    return base_url.rstrip("/") + PATH + secret


def mailed_links(base_url: str, days: int = DEFAULT_DAYS
                 ) -> Callable[[Session, Sequence[Student]], list[str]]:
    """A builder for the messages feature (``messages.events.use_signin_links``): a new
    link for each student a message goes to, made by the system in the messages' own
    transaction, so the links exist only if the messages are queued; all of an event's
    links in one insert and one audit event (``create_links``)."""
    def build(session: Session, students: Sequence[Student]) -> list[str]:
        secrets_ = create_links(session, None, Role.STUDENT.value,
                                [f"student:{s.id}" for s in students], days)
        return [link_url(base_url, secret) for secret in secrets_]
    return build


def made_by(actor: Principal | None) -> str:
    """Who made a link, as the audit log names an actor."""
    if actor is None:
        return "system"
    return actor.role.value + (f":{actor.scope}" if actor.scope else "")


def create_link(session: Session, actor: Principal | None, role: str, scope: str,
                days: int = DEFAULT_DAYS) -> tuple[SignInLink, str]:
    """A new link for ``role``/``scope``; its secret is returned only here.

    ``actor`` None is the command line; staff may make links as they may issue tokens (a
    coordinator for students in scope only). ValueError for a role or scope that names no
    record."""
    if actor is not None:
        require_issuer(session, actor, role, scope)
    principal = parse_scope(session, role, scope)
    secret = PREFIX + secrets.token_urlsafe(32)
    row = SignInLink(token_hash=hash_token(secret), role=principal.role.value,
                     scope=principal.scope, created_by=made_by(actor),
                     expires_at=now() + dt.timedelta(days=days))
    session.add(row)
    session.flush()
    record(session, actor, "link.create", row, None,
           {"role": row.role, "scope": row.scope, "expires_at": row.expires_at})
    return row, secret


def create_links(session: Session, actor: Principal | None, role: str,
                 scopes: Sequence[str], days: int = DEFAULT_DAYS,
                 school_id: int | None = None) -> list[str]:
    """One link per scope (every student of a school: thousands), in one insert and one
    audit event; the secrets in the order of ``scopes``. The caller chose the scopes from
    records that exist and that ``actor`` may reach (``people``)."""
    if not scopes:
        return []
    parse_scope(session, role, scopes[0])
    expires = now() + dt.timedelta(days=days)
    secrets_ = [PREFIX + secrets.token_urlsafe(32) for _ in scopes]
    session.execute(insert(SignInLink), [
        {"token_hash": hash_token(s), "role": role, "scope": scope, "expires_at": expires,
         "created_by": made_by(actor)} for s, scope in zip(secrets_, scopes, strict=True)])
    record_bulk(session, actor, "link.create", "signin_link",
                {"role": role, "links": len(scopes), "expires_at": expires.isoformat()},
                school_id=school_id)
    return secrets_


def people(session: Session, actor: Principal | None, role: str,
           school_id: int | None = None) -> list[tuple[str, str, str]]:
    """Whom bulk links go to: (scope, label, school name) per person, in a stable order.

    Students (not erased) of ``school_id``, or of the actor's scope, with their student
    number; companies (staff other than coordinators, or the command line) with their name.
    """
    if role == Role.STUDENT.value:
        stmt = (select(Student.id, Student.student_number, School.name)
                .join(School, School.id == Student.school_id)
                .where(Student.erased_at.is_(None)).order_by(Student.school_id, Student.id))
        if school_id is not None:
            stmt = stmt.where(Student.school_id == school_id)
        if actor is not None:
            stmt = stmt.where(student_filter(actor))
        return [(f"student:{i}", number, school) for i, number, school in session.execute(stmt)]
    if role == Role.COMPANY.value:
        if actor is not None and actor.role != Role.ADMIN:
            raise Problem(403, "only administrators make links for companies")
        return [(f"company:{i}", name, "") for i, name in
                session.execute(select(Company.id, Company.name).order_by(Company.id))]
    raise ValueError("links in bulk are made for students or companies")


def usable(row: SignInLink | None) -> bool:
    return (row is not None and row.used_at is None and row.revoked_at is None
            and utc(row.expires_at) > now())


def find_link(session: Session, secret: str) -> SignInLink | None:
    """The usable link with this secret, without using it (the page with the button); an
    unusable one counts as a failed sign-in of the address, and 429 comes first."""
    refuse_if_failing_auth()
    row = session.scalar(select(SignInLink).where(SignInLink.token_hash == hash_token(secret)))
    if not usable(row):
        count_auth_failure()
        return None
    return row


def use_link(session: Session, secret: str, lifetime: dt.timedelta, surface: str
             ) -> ApiToken:
    """Use the link: mark it used (once, even when two requests race) and start the
    person's session; the session token. 401 for a link that can not be used, 429 for an
    address that failed too often."""
    row = find_link(session, secret)
    if row is None:
        raise Problem(401, "the sign-in link is not valid")
    # Only the request whose update finds it unused gets the session.
    taken = cast(CursorResult[Any], session.execute(update(SignInLink).where(
        SignInLink.id == row.id, SignInLink.used_at.is_(None)).values(used_at=now()))).rowcount
    if taken != 1:
        count_auth_failure()
        raise Problem(401, "the sign-in link is not valid")
    token = start_session(session, row.role, row.scope, lifetime, surface, "link")
    session.refresh(row)
    row.session_token_id = token.id
    session.flush()
    record(session, Principal(Role(row.role), row.scope, token.id, surface), "link.use", row,
           {"used_at": None}, {"used_at": row.used_at, "session_token_id": token.id})
    return token
