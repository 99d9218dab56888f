"""Who takes part in a round: the one statement of the rule, for the lifecycle (a student's
list), loading a round for the engine, importing a round document and the dashboard's counts."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true

from service.models import Round, Student, StudentRegion


def participants(rnd: Round) -> ColumnElement[bool]:
    """Who takes part in a round, as a filter on students: a school's round takes its
    students; a regional round those who accept the region; a province-wide round (neither
    set, admins only) every student. The one statement of this rule."""
    if rnd.school_id is not None:
        return Student.school_id == rnd.school_id
    if rnd.region is not None:
        return Student.id.in_(select(StudentRegion.student_id).where(
            StudentRegion.region == rnd.region))
    return true()
