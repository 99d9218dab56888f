"""Database records as the engine's frozen dataclasses, and a round as its document.

Database ids are integers; the round document names everything by string, so ids are
written as their decimal form (offer 17 is ``"17"``) and read back the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
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
    mask_to_pathways,
)
from .rounds import participants


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


def round_student_models(session: Session, rnd: Round,
                         ranked: dict[int, list[int]]) -> tuple[m.Student, ...]:
    """The round's students as engine records, read as plain rows rather than ORM objects:
    a province round has 60,000 of them, and building ORM objects would triple the load."""
    members = participants(rnd)
    regions: dict[int, list[str]] = {}
    for student_id, region in session.execute(
            select(StudentRegion.student_id, StudentRegion.region)
            .join(Student, Student.id == StudentRegion.student_id).where(members)
            .order_by(StudentRegion.student_id, StudentRegion.position)):
        regions.setdefault(student_id, []).append(region)
    rows = session.execute(select(Student.__table__).where(members).order_by(Student.id))
    return tuple(m.Student(
        id=str(r.id), school_id=str(r.school_id), level=r.level,
        pathways=tuple(mask_to_pathways(r.pathway_mask)), qualification=r.qualification,
        sector=r.sector, regions=tuple(regions.get(r.id, ())),
        location=None if r.lat is None or r.lon is None else m.Location(r.lat, r.lon),
        max_travel_km=r.max_travel_km, priority=r.priority, available_from=r.available_from,
        available_until=r.available_until,
        preferences=tuple(str(o) for o in ranked.get(r.id, ()))) for r in rows)


def round_model(session: Session, rnd: Round) -> m.Round:
    offers = round_offers(session, rnd)
    ranked: dict[int, list[int]] = {}
    # Plain rows, not ORM objects: a province round has some 400,000 preferences.
    for student_id, offer_id in session.execute(
            select(Preference.student_id, Preference.offer_id)
            .where(Preference.round_id == rnd.id)
            .order_by(Preference.student_id, Preference.rank)):
        ranked.setdefault(student_id, []).append(offer_id)
    env_ids = sorted({o.environment_id for o in offers if o.environment_id is not None})
    environments = list(session.scalars(select(Environment).where(Environment.id.in_(env_ids))
                                        .order_by(Environment.id))) if env_ids else []
    policy = m.Policy(**{k: getattr(rnd, k) for k in m.POLICY_FIELDS})
    pins = tuple(m.Pin(str(a.student_id), str(a.offer_id)) for a in session.scalars(
        select(Assignment).where(Assignment.round_id == rnd.id, Assignment.pinned)
        .order_by(Assignment.student_id)))
    return m.Round(
        id=str(rnd.id), name=rnd.name, policy=policy, pinned=pins,
        environments=tuple(m.Environment(str(e.id), e.name, e.capacity)
                           for e in environments if e is not None),
        offers=tuple(offer_model(o) for o in offers),
        students=round_student_models(session, rnd, ranked))


def round_document(session: Session, rnd: Round) -> dict[str, Any]:
    return round_to_dict(round_model(session, rnd))


__all__ = ["offer_model", "round_document", "round_model", "student_model"]
