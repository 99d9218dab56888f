"""Students: who sees and writes them (the scope rules), their queries and their rules.

Admins see every student; a coordinator their school's or region's; a student themself.
A student outside the caller's scope is reported missing (404).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, exists, false, select, true
from sqlalchemy.orm import Session

from service.directory.places import locate
from service.directory.records import (
    assign,
    audit_save,
    before_change,
    must_exist,
)
from service.directory.reference import check_record
from service.errors import Problem, field_error
from service.identity.principals import Principal
from service.models import (
    STAFF,
    Role,
    School,
    Student,
    StudentRegion,
    pathways_to_mask,
)


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



class StudentScope(Protocol):
    """What the scope rule reads of a student: an ORM ``Student`` or a plain row's fields
    (the preference submission's hot path reads no ORM objects)."""

    @property
    def id(self) -> int: ...
    @property
    def school_id(self) -> int: ...
    @property
    def regions(self) -> Sequence[str]: ...


def can_see_student(p: Principal, student: StudentScope) -> bool:
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


def save_student(session: Session, actor: Principal | None,
                 student: Student, data: dict[str, Any]) -> Student:
    check_record(session, data)
    school_id = data.get("school_id", student.school_id)
    must_exist(session, School, school_id, "school_id")
    number = data.get("student_number", student.student_number)
    other = session.scalar(select(Student.id).where(Student.school_id == school_id,
                                                    Student.student_number == number))
    if other is not None and other != student.id:
        raise field_error("student_number", f"student {other} of this school has this number",
                          409)
    # The location is audited with every save: a changed place may move a derived one.
    audited = {**data, "location": data.get("location")}
    before = before_change(student, audited)
    old_place = student.home_place
    assign(student, data)
    locate(session, student, student.home_place, student.regions, data, old_place)
    for name, message in student_rule_errors({"available_from": student.available_from,
                                              "available_until": student.available_until}):
        raise field_error(name, message)
    session.add(student)
    session.flush()
    # Field names only: record() never stores a student's values.
    audit_save(session, actor, student, before, list(audited))
    return student
