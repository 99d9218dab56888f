"""Bearer tokens, roles and scopes.

A token is shown once and stored as its SHA-256: tokens are long random strings, so a plain
hash (no salt, no slow KDF) is enough and lets a request find its token with one indexed look-up.

Scopes: admin ``""``; coordinator ``school:<id>`` or ``region:<name>``; company
``company:<id>``; student ``student:<id>``. A resource outside the caller's scope answers 404
(its existence is not revealed); an action the role may never take answers 403.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.errors import Problem
from service.models import MAX_ID, STAFF, Company, Role, School, Student

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
    # Where the principal came in: "api", or a web surface such as "staff".
    surface: str | None = None

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
    ident = scope_record_id(principal.value)
    if model is not None and (ident is None or session.get(model, ident) is None):
        raise ValueError(f"no {principal.kind} with id {principal.value!r}")
    return principal


def scope_record_id(value: str) -> int | None:
    """The record id a scope names (``student:17`` → 17), or None when it names none: only
    ASCII digits (``isdigit`` admits ``²``) within the database's range."""
    if not re.fullmatch(r"[1-9][0-9]{0,9}", value) or int(value) > MAX_ID:
        return None
    return int(value)
