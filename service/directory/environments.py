"""Learning environments (leerbedrijf locations shared by partner companies)."""

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
    Company,
    Environment,
)


def environment_query(filters: dict[str, Any]) -> Select[Environment]:
    stmt = select(Environment).order_by(Environment.id)
    if "region" in filters:
        stmt = stmt.where(Environment.region == filters["region"])
    return stmt


def save_environment(session: Session, actor: Principal | None, environment: Environment,
                     data: dict[str, Any]) -> Environment:
    check_record(session, data)
    fields = list(data)
    before = before_change(environment, data)
    data = dict(data)
    if "partner_ids" in data:
        ids = list(dict.fromkeys(data.pop("partner_ids")))
        partners = list(session.scalars(select(Company).where(Company.id.in_(ids))))
        missing = sorted(set(ids) - {c.id for c in partners})
        if missing:
            raise field_error("partner_ids", f"no company with id {missing[0]}")
        environment.partners = sorted(partners, key=lambda c: ids.index(c.id))
    assign(environment, data)
    session.add(environment)
    session.flush()
    audit_save(session, actor, environment, before, fields)
    return environment
