"""Database records as the engine's frozen dataclasses, and a round as its document.

Database ids are integers; the round document names everything by string, so ids are
written as their decimal form (offer 17 is ``"17"``) and read back the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from solver import model as m
from solver.document import round_to_dict

from .models import (
    Assignment,
    Environment,
    Offer,
    Preference,
    Round,
    Student,
    StudentRegion,
)


def _location(record: Offer | Student) -> m.Location | None:
    return None if record.lat is None or record.lon is None else m.Location(record.lat,
                                                                          record.lon)


def offer_model(o: Offer) -> m.Offer:
    return m.Offer(
        id=str(o.id), company_id=str(o.company_id), title=o.title, levels=tuple(o.levels),
        pathways=tuple(o.pathways), qualifications=tuple(o.qualifications), sector=o.sector,
        region=o.region, location=_location(o), capacity=o.capacity,
        reserved_priority=o.reserved_priority,
        environment_id=None if o.environment_id is None else str(o.environment_id),
        start=o.start, end=o.end)


def student_model(s: Student, preferences: Sequence[int] = ()) -> m.Student:
    return m.Student(
        id=str(s.id), school_id=str(s.school_id), level=s.level, pathways=tuple(s.pathways),
        qualification=s.qualification, sector=s.sector, regions=tuple(s.regions),
        location=_location(s), max_travel_km=s.max_travel_km, priority=s.priority,
        available_from=s.available_from, available_until=s.available_until,
        preferences=tuple(str(o) for o in preferences))


def round_offers(session: Session, rnd: Round) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.round_id == rnd.id)
                                .order_by(Offer.id)))


def round_student_filter(rnd: Round) -> ColumnElement[bool]:
    """A school's round takes its students; a regional round those who accept the region;
    a province-wide round (neither set, admins only) every student."""
    if rnd.school_id is not None:
        return Student.school_id == rnd.school_id
    if rnd.region is not None:
        return Student.id.in_(select(StudentRegion.student_id).where(
            StudentRegion.region == rnd.region))
    return true()


def round_students(session: Session, rnd: Round) -> list[Student]:
    return list(session.scalars(select(Student).where(round_student_filter(rnd))
                                .order_by(Student.id)))


def round_model(session: Session, rnd: Round) -> m.Round:
    offers = round_offers(session, rnd)
    students = round_students(session, rnd)
    ranked: dict[int, list[int]] = {}
    for pref in session.scalars(select(Preference).where(Preference.round_id == rnd.id)
                                .order_by(Preference.student_id, Preference.rank)):
        ranked.setdefault(pref.student_id, []).append(pref.offer_id)
    env_ids = sorted({o.environment_id for o in offers if o.environment_id is not None})
    environments = [session.get(Environment, e) for e in env_ids]
    policy = m.Policy(objective=rnd.objective,  # type: ignore[arg-type]
                      priority_first=rnd.priority_first, place_unranked=rnd.place_unranked,
                      max_preferences=rnd.max_preferences, seed=rnd.seed,
                      time_limit_s=rnd.time_limit_s)
    pins = tuple(m.Pin(str(a.student_id), str(a.offer_id)) for a in session.scalars(
        select(Assignment).where(Assignment.round_id == rnd.id, Assignment.pinned)
        .order_by(Assignment.student_id)))
    return m.Round(
        id=str(rnd.id), name=rnd.name, policy=policy, pinned=pins,
        environments=tuple(m.Environment(str(e.id), e.name, e.capacity)
                           for e in environments if e is not None),
        offers=tuple(offer_model(o) for o in offers),
        students=tuple(student_model(s, ranked.get(s.id, ())) for s in students))


def round_document(session: Session, rnd: Round) -> dict[str, Any]:
    return round_to_dict(round_model(session, rnd))


__all__ = ["offer_model", "round_document", "round_model", "student_model"]
