"""Who sees what: one place for the scoping rules every view applies.

Schools and companies form a public directory (every role reads them); offers and students
belong to tenants. A record outside the caller's scope is reported missing (404) so its
existence does not leak; a role that may never take an action gets 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, exists, false, select, true
from sqlalchemy.orm import Session

from .auth import Principal
from .errors import Problem
from .models import STAFF, Base, Offer, OfferStatus, Role, Student, StudentRegion

M = TypeVar("M", bound=Base)


def get_or_404(session: Session, model: type[M], ident: int) -> M:
    obj = session.get(model, ident)
    if obj is None:
        raise Problem(404, f"no {model.__name__.lower()} with id {ident}")
    return obj


def offer_filter(p: Principal) -> ColumnElement[bool]:
    if p.is_staff:
        return true()
    if p.role == Role.COMPANY:
        return Offer.company_id == p.company_id
    return Offer.status == OfferStatus.OPEN.value  # students browse open offers only


def can_see_offer(p: Principal, offer: Offer) -> bool:
    if p.is_staff:
        return True
    if p.role == Role.COMPANY:
        return offer.company_id == p.company_id
    return offer.status == OfferStatus.OPEN.value


def visible_offer(session: Session, p: Principal, offer_id: int, lock: bool = False) -> Offer:
    """The offer if ``p`` may see it; ``lock`` reads it afresh and holds its row (FOR UPDATE)
    until the transaction ends, so a check made on it still holds at commit."""
    offer = session.get(Offer, offer_id, with_for_update=lock or None, populate_existing=lock)
    if offer is None or not can_see_offer(p, offer):
        raise Problem(404, f"no offer with id {offer_id}")
    return offer


def require_offer_writer(p: Principal, company_id: int | None) -> None:
    """Staff write any offer; a company only its own; students none."""
    p.require(*STAFF, Role.COMPANY)
    if p.role == Role.COMPANY and company_id is not None and company_id != p.company_id:
        raise Problem(403, "a company token creates and edits only its own offers",
                      [{"field": "company_id", "location": "json",
                        "message": "must be the token's own company"}])


def student_filter(p: Principal) -> ColumnElement[bool]:
    if p.role == Role.ADMIN:
        return true()
    if p.role == Role.COORDINATOR:
        if p.region is not None:
            return exists(select(StudentRegion.student_id).where(
                StudentRegion.student_id == Student.id, StudentRegion.region == p.region))
        return Student.school_id == p.school_id
    if p.role == Role.STUDENT:
        return Student.id == p.student_id
    return false()


def can_see_student(p: Principal, student: Student) -> bool:
    if p.role == Role.ADMIN:
        return True
    if p.role == Role.COORDINATOR:
        if p.region is not None:
            return p.region in student.regions
        return student.school_id == p.school_id
    return p.role == Role.STUDENT and student.id == p.student_id


def visible_student(session: Session, p: Principal, student_id: int,
                    lock: bool = False) -> Student:
    """The student if ``p`` may see them; ``lock`` as for offers."""
    student = session.get(Student, student_id, with_for_update=lock or None,
                          populate_existing=lock)
    if student is None or not can_see_student(p, student):
        raise Problem(404, f"no student with id {student_id}")
    return student


def require_student_writer(p: Principal, data: dict[str, Any]) -> None:
    """Only staff write students, and coordinators only into their own school or region."""
    p.require(*STAFF)
    if p.school_id is not None and data.get("school_id", p.school_id) != p.school_id:
        raise Problem(403, "a school coordinator manages only the school's own students",
                      [{"field": "school_id", "location": "json",
                        "message": "must be the token's own school"}])
    if p.region is not None and "regions" in data and p.region not in data["regions"]:
        raise Problem(403, "a regional coordinator manages only students in the region",
                      [{"field": "regions", "location": "json",
                        "message": f"must include {p.region}"}])
