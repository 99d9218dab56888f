"""Schools: the public directory of schools, their codes unique."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.directory.records import (
    assign,
    audit_save,
    before_change,
)
from service.directory.reference import check_record
from service.errors import field_error
from service.identity.principals import Principal
from service.models import (
    School,
)


def school_query(filters: dict[str, Any]) -> Select[School]:
    stmt = select(School).order_by(School.id)
    for key in ("region", "code"):
        if key in filters:
            stmt = stmt.where(getattr(School, key) == filters[key])
    return stmt


def _unique_school_code(session: Session, code: str, own_id: int | None) -> None:
    other = session.scalar(select(School.id).where(School.code == code))
    if other is not None and other != own_id:
        raise field_error("code", f"school {other} already has code {code!r}", 409)


def save_school(session: Session, actor: Principal | None,
                school: School, data: dict[str, Any]) -> School:
    check_record(session, data)
    if "code" in data:
        _unique_school_code(session, data["code"], school.id)
    before = before_change(school, data)
    assign(school, data)
    session.add(school)
    session.flush()
    audit_save(session, actor, school, before, list(data))
    return school
