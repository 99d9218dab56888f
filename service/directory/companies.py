"""Companies: the public directory, KvK numbers unique, recognised qualifications."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.directory.records import (
    assign,
    audit_save,
    before_change,
    contains_words,
)
from service.directory.reference import check_record
from service.errors import field_error
from service.identity.principals import Principal
from service.models import (
    Company,
)


def company_query(filters: dict[str, Any]) -> Select[Company]:
    stmt = select(Company).order_by(Company.id)
    for key in ("region", "kvk_number"):
        if key in filters:
            stmt = stmt.where(getattr(Company, key) == filters[key])
    if "q" in filters:
        stmt = stmt.where(contains_words(Company.name, filters["q"]))
    return stmt


def save_company(session: Session, actor: Principal | None,
                 company: Company, data: dict[str, Any]) -> Company:
    check_record(session, data)
    if "kvk_number" in data:
        other = session.scalar(select(Company.id).where(Company.kvk_number == data["kvk_number"]))
        if other is not None and other != company.id:
            raise field_error("kvk_number", f"company {other} already has this KvK number", 409)
    if "qualifications" in data:
        data = {**data, "qualifications": sorted(set(data["qualifications"]))}
    before = before_change(company, data)
    assign(company, data)
    session.add(company)
    session.flush()
    audit_save(session, actor, company, before, list(data))
    return company
