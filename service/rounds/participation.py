"""Who takes part in a round: the one statement of the rule, for the lifecycle (a student's
list), loading a round for the engine, importing a round document, the dashboard's counts
and which shared rounds a coordinator sees."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import ColumnElement, and_, exists, or_, select, true

from service.models import Round, Student, StudentRegion


def participants(rnd: Round) -> ColumnElement[bool]:
    """Who takes part in a round, as a filter on students: a school's round takes its
    students; a regional round those who accept the region; a province-wide round (neither
    set, admins only) every student. The one statement of this rule; `takes_part` is the
    same rule with the round as a column instead of a value."""
    if rnd.school_id is not None:
        return Student.school_id == rnd.school_id
    if rnd.region is not None:
        return Student.id.in_(select(StudentRegion.student_id).where(
            StudentRegion.region == rnd.region))
    return true()


class RoundScope(Protocol):
    """What the participation rule reads of a round: an ORM ``Round`` or plain values."""

    @property
    def school_id(self) -> int | None: ...
    @property
    def region(self) -> str | None: ...


def takes_part_as_read(rnd: RoundScope, school_id: int, regions: Sequence[str]) -> bool:
    """`participants` for one student already read (their school and regions): the same
    rule in Python, so the preference submission's hot path can read the student with a
    statement that does not change with the round (compiled once, docs/PERFORMANCE.md)."""
    if rnd.school_id is not None:
        return school_id == rnd.school_id
    if rnd.region is not None:
        return rnd.region in regions
    return True


def takes_part() -> ColumnElement[bool]:
    """`participants` correlated on both tables: true for a (round, student) pair when the
    student takes part in the round. For questions across rounds ("which rounds include
    these students"), where the round is a row of the query rather than a loaded value."""
    return or_(
        and_(Round.school_id.is_not(None), Student.school_id == Round.school_id),
        and_(Round.school_id.is_(None), Round.region.is_not(None),
             exists(select(StudentRegion.student_id).where(
                 StudentRegion.student_id == Student.id,
                 StudentRegion.region == Round.region))),
        and_(Round.school_id.is_(None), Round.region.is_(None)),
    )
