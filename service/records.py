"""Plain functions behind the views: queries and writes, each write one transaction.

No HTTP here: callers pass validated data (dicts from the schemas) and get models back;
rule violations raise ``Problem`` naming the field.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import Session

from .audit import ENTITY_TYPES, record, record_change, snapshot
from .errors import Problem, field_error
from .models import (
    Base,
    Company,
    Environment,
    Offer,
    OfferStatus,
    Round,
    School,
    Student,
    StudentRegion,
    levels_to_mask,
    pathways_to_mask,
)
from .placements import seats_taken

M = TypeVar("M", bound=Base)


def page(session: Session, stmt: Select[M], number: int, size: int) -> tuple[list[M], int]:
    """One page of ``stmt``'s rows and the total count across pages."""
    total = int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
                or 0)
    offset = (number - 1) * size
    if offset >= total:
        # A page past the end is empty; not asking keeps a huge page number's OFFSET from
        # overflowing the database driver.
        return [], total
    rows = session.scalars(stmt.offset(offset).limit(size)).all()
    return list(rows), total


def _assign(obj: Base, data: dict[str, Any]) -> None:
    for key, value in data.items():
        setattr(obj, key, value)


def _audit_save(session: Session, obj: Base, before: dict[str, Any] | None,
                fields: list[str]) -> None:
    """The save's event: every given field on create, the changed ones on update."""
    kind = ENTITY_TYPES[type(obj)]
    after = snapshot(obj, fields)
    if before is None:
        record(session, None, f"{kind}.create", obj, None, after)
    else:
        record_change(session, None, f"{kind}.update", obj, before, after)


def _before(obj: Base, data: dict[str, Any]) -> dict[str, Any] | None:
    """The fields ``data`` will change, as they are now; None for a record being created."""
    return snapshot(obj, data) if getattr(obj, "id", None) is not None else None


def delete_record(session: Session, obj: Base) -> None:
    """Delete a school, company, environment or student, audited in the same transaction."""
    record(session, None, f"{ENTITY_TYPES[type(obj)]}.delete", obj)
    session.delete(obj)
    session.flush()


def _must_exist(session: Session, model: type[M], ident: int | None, field: str) -> None:
    if ident is not None and session.get(model, ident) is None:
        raise field_error(field, f"no {model.__name__.lower()} with id {ident}")


# Schools ----------------------------------------------------------------------------------

def contains_words(column: Any, text: str) -> ColumnElement[bool]:
    """Every word of ``text`` somewhere in ``column``, ignoring case, on both backends."""
    words = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
             for w in text.lower().split()]
    return and_(true(), *(func.lower(column).like(f"%{w}%", escape="\\") for w in words))


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


def save_school(session: Session, school: School, data: dict[str, Any]) -> School:
    if "code" in data:
        _unique_school_code(session, data["code"], school.id)
    before = _before(school, data)
    _assign(school, data)
    session.add(school)
    session.flush()
    _audit_save(session, school, before, list(data))
    return school


# Environments -----------------------------------------------------------------------------

def environment_query(filters: dict[str, Any]) -> Select[Environment]:
    stmt = select(Environment).order_by(Environment.id)
    if "region" in filters:
        stmt = stmt.where(Environment.region == filters["region"])
    return stmt


def save_environment(session: Session, environment: Environment,
                     data: dict[str, Any]) -> Environment:
    fields = list(data)
    before = _before(environment, data)
    data = dict(data)
    if "partner_ids" in data:
        ids = list(dict.fromkeys(data.pop("partner_ids")))
        partners = list(session.scalars(select(Company).where(Company.id.in_(ids))))
        missing = sorted(set(ids) - {c.id for c in partners})
        if missing:
            raise field_error("partner_ids", f"no company with id {missing[0]}")
        environment.partners = sorted(partners, key=lambda c: ids.index(c.id))
    _assign(environment, data)
    session.add(environment)
    session.flush()
    _audit_save(session, environment, before, fields)
    return environment


# Companies --------------------------------------------------------------------------------

def company_query(filters: dict[str, Any]) -> Select[Company]:
    stmt = select(Company).order_by(Company.id)
    for key in ("region", "kvk_number"):
        if key in filters:
            stmt = stmt.where(getattr(Company, key) == filters[key])
    if "q" in filters:
        stmt = stmt.where(contains_words(Company.name, filters["q"]))
    return stmt


def save_company(session: Session, company: Company, data: dict[str, Any]) -> Company:
    if "kvk_number" in data:
        other = session.scalar(select(Company.id).where(Company.kvk_number == data["kvk_number"]))
        if other is not None and other != company.id:
            raise field_error("kvk_number", f"company {other} already has this KvK number", 409)
    if "qualifications" in data:
        data = {**data, "qualifications": sorted(set(data["qualifications"]))}
    before = _before(company, data)
    _assign(company, data)
    session.add(company)
    session.flush()
    _audit_save(session, company, before, list(data))
    return company


# Offers -----------------------------------------------------------------------------------

def offer_query(filters: dict[str, Any], scope: ColumnElement[bool]) -> Select[Offer]:
    stmt = select(Offer).where(scope).order_by(Offer.id)
    for key in ("region", "sector", "status", "company_id", "round_id", "environment_id"):
        if key in filters:
            stmt = stmt.where(getattr(Offer, key) == filters[key])
    if "q" in filters:
        stmt = stmt.where(contains_words(Offer.title, filters["q"]))
    if "level" in filters:
        stmt = stmt.where(Offer.level_mask.op("&")(levels_to_mask([filters["level"]])) != 0)
    if "pathway" in filters:
        stmt = stmt.where(Offer.pathway_mask.op("&")(pathways_to_mask([filters["pathway"]]))
                          != 0)
    return stmt


def offer_rule_errors(data: dict[str, Any], recognised: list[str]) -> list[tuple[str, str]]:
    """The rules that span an offer's fields and its company, as (field, message) pairs."""
    errors = []
    unrecognised = sorted(set(data.get("qualifications", ())) - set(recognised))
    if unrecognised:
        errors.append(("qualifications", "the company is not recognised (erkend) for "
                       + ", ".join(unrecognised)))
    capacity, reserved = data["capacity"], data.get("reserved_priority", 0)
    if reserved > capacity:
        errors.append(("reserved_priority", f"must not exceed capacity ({capacity})"))
    start, end = data.get("start"), data.get("end")
    if start is not None and end is not None and end < start:
        errors.append(("end", "must not be before start"))
    return errors


def save_offer(session: Session, offer: Offer, data: dict[str, Any]) -> Offer:
    """Create or update an offer; checks the rules that span fields and records."""
    company_id = data.get("company_id", offer.company_id)
    if company_id is None:
        raise field_error("company_id", "is required")
    company = session.get(Company, company_id)
    if company is None:
        raise field_error("company_id", f"no company with id {company_id}")
    _must_exist(session, Round, data.get("round_id"), "round_id")
    _must_exist(session, Environment, data.get("environment_id"), "environment_id")
    before = _before(offer, data)
    _assign(offer, data)
    for name, message in offer_rule_errors(
            {"qualifications": offer.qualifications, "capacity": offer.capacity,
             "reserved_priority": offer.reserved_priority, "start": offer.start,
             "end": offer.end}, company.qualifications):
        raise field_error(name, message)
    if offer.id is not None and "capacity" in data:
        # The offer's current round only: a follow-up carries accepted placements along as
        # pinned copies, which must not count twice.
        accepted = seats_taken(session, offer.round_id, Offer.id == offer.id)
        if offer.capacity < accepted:
            raise field_error("capacity", f"{accepted} placements are already accepted", 409)
    session.add(offer)
    session.flush()
    _audit_save(session, offer, before, list(data))
    return offer


def delete_offer(session: Session, offer: Offer) -> None:
    if offer.status != OfferStatus.DRAFT.value:
        raise Problem(409, "only a draft offer can be deleted; close it instead",
                      [{"field": "status", "location": "json", "message": "must be draft"}])
    delete_record(session, offer)


# Students ---------------------------------------------------------------------------------

def student_query(filters: dict[str, Any],
                  scope: ColumnElement[bool]) -> Select[Student]:
    stmt = select(Student).where(scope).order_by(Student.id)
    for key in ("sector", "level", "school_id", "student_number"):
        if key in filters:
            stmt = stmt.where(getattr(Student, key) == filters[key])
    if "pathway" in filters:
        stmt = stmt.where(Student.pathway_mask.op("&")(pathways_to_mask([filters["pathway"]]))
                          != 0)
    if "region" in filters:
        stmt = stmt.where(Student.id.in_(select(StudentRegion.student_id).where(
            StudentRegion.region == filters["region"])))
    return stmt


def student_rule_errors(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The rules that span a student's fields, as (field, message) pairs."""
    start, until = data.get("available_from"), data.get("available_until")
    if start is not None and until is not None and until < start:
        return [("available_until", "must not be before available_from")]
    return []


def save_student(session: Session, student: Student, data: dict[str, Any]) -> Student:
    school_id = data.get("school_id", student.school_id)
    _must_exist(session, School, school_id, "school_id")
    number = data.get("student_number", student.student_number)
    other = session.scalar(select(Student.id).where(Student.school_id == school_id,
                                                    Student.student_number == number))
    if other is not None and other != student.id:
        raise field_error("student_number", f"student {other} of this school has this number",
                          409)
    before = _before(student, data)
    _assign(student, data)
    for name, message in student_rule_errors({"available_from": student.available_from,
                                              "available_until": student.available_until}):
        raise field_error(name, message)
    session.add(student)
    session.flush()
    # Field names only: record() never stores a student's values.
    _audit_save(session, student, before, list(data))
    return student
