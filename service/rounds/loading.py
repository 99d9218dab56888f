"""Database records as the engine's frozen dataclasses, and a round as its document.

Database ids are integers; the round document names everything by string, so ids are
written as their decimal form (offer 17 is ``"17"``) and read back the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from service.models import (
    Assignment,
    Environment,
    Offer,
    OfferStatus,
    Preference,
    Round,
    Student,
    StudentRegion,
    mask_to_levels,
    mask_to_pathways,
)
from service.rounds.participation import participants
from solver import model as m
from solver.document import round_to_dict


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


def round_offer_filter(round_ids: int | Collection[int]) -> ColumnElement[bool]:
    """The offers a round allocates, counts and exports: its own except drafts, which a
    company has not offered yet (a student cannot list one either)."""
    which = (Offer.round_id == round_ids if isinstance(round_ids, int)
             else Offer.round_id.in_(round_ids))
    return which & (Offer.status != OfferStatus.DRAFT.value)


# A mask's decoded levels and pathways for the one-row calls (a preference PUT's offers and
# student): a mask is a small integer that always decodes the same, so one process-wide
# table serves every request (at most one entry per mask in use).
_LEVELS_OF_MASK: dict[int, tuple[int, ...]] = {}
_PATHWAYS_OF_MASK: dict[int, tuple[str, ...]] = {}


def _pathways_of(mask: int, cache: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    found = cache.get(mask)
    if found is None:
        found = cache[mask] = tuple(mask_to_pathways(mask))
    return found


def round_offer_models(session: Session, rnd: Round) -> tuple[m.Offer, ...]:
    """The round's offers as engine records, from plain rows (a province has 25,000)."""
    levels: dict[int, tuple[int, ...]] = {}
    pathways: dict[int, tuple[str, ...]] = {}
    out = []
    for r in session.execute(select(Offer.__table__).where(round_offer_filter(rnd.id))
                             .order_by(Offer.id)):
        out.append(offer_row_model(r, levels, pathways))
    return tuple(out)


def offer_row_model(r: Any, levels: dict[int, tuple[int, ...]] | None = None,
                    pathways: dict[int, tuple[str, ...]] | None = None) -> m.Offer:
    """An offer as the engine's record from a plain row of the offers table (``offer_model``
    without an ORM object); ``levels`` and ``pathways`` share the decoded masks across rows."""
    levels = _LEVELS_OF_MASK if levels is None else levels
    pathways = _PATHWAYS_OF_MASK if pathways is None else pathways
    lv = levels.get(r.level_mask)
    if lv is None:
        lv = levels[r.level_mask] = tuple(mask_to_levels(r.level_mask))
    return m.Offer(
        id=str(r.id), company_id=str(r.company_id), title=r.title, levels=lv,
        pathways=_pathways_of(r.pathway_mask, pathways),
        qualifications=tuple(r.qualifications), sector=r.sector, region=r.region,
        location=None if r.lat is None or r.lon is None else m.Location(r.lat, r.lon),
        capacity=r.capacity, reserved_priority=r.reserved_priority,
        environment_id=None if r.environment_id is None else str(r.environment_id),
        start=r.start, end=r.end)


def round_student_models(session: Session, rnd: Round,
                         ranked: dict[int, tuple[str, ...]]) -> tuple[m.Student, ...]:
    """The round's students as engine records, read as plain rows rather than ORM objects:
    a province round has 60,000 of them, and building ORM objects would triple the load.
    ``ranked``: each student's list, offer ids already as the engine's strings."""
    members = participants(rnd)
    regions: dict[int, tuple[str, ...]] = {}
    interned: dict[tuple[str, ...], tuple[str, ...]] = {}  # a few hundred distinct lists
    region_rows = session.execute(
        select(StudentRegion.student_id, StudentRegion.region)
        .join(Student, Student.id == StudentRegion.student_id).where(members)
        .order_by(StudentRegion.student_id, StudentRegion.position))
    for student_id, group in groupby(region_rows, key=itemgetter(0)):
        names = tuple(r[1] for r in group)
        regions[student_id] = interned.setdefault(names, names)
    pathways: dict[int, tuple[str, ...]] = {}
    rows = session.execute(select(Student.__table__).where(members).order_by(Student.id))
    return tuple(student_row_model(r, regions.get(r.id, ()), ranked.get(r.id, ()), pathways)
                 for r in rows)


def student_row_model(r: Any, regions: tuple[str, ...], preferences: tuple[str, ...] = (),
                      pathways: dict[int, tuple[str, ...]] | None = None) -> m.Student:
    """A student as the engine's record from a plain row of the students table
    (``student_model`` without an ORM object)."""
    pathways = _PATHWAYS_OF_MASK if pathways is None else pathways
    return m.Student(
        id=str(r.id), school_id=str(r.school_id), level=r.level,
        pathways=_pathways_of(r.pathway_mask, pathways),
        qualification=r.qualification, sector=r.sector, regions=regions,
        location=None if r.lat is None or r.lon is None else m.Location(r.lat, r.lon),
        max_travel_km=r.max_travel_km, priority=r.priority, available_from=r.available_from,
        available_until=r.available_until, preferences=preferences)


def round_model(session: Session, rnd: Round) -> m.Round:
    offers = round_offer_models(session, rnd)
    # Offer ids as the engine's strings once per offer, not once per preference.
    name = {int(o.id): o.id for o in offers}
    ranked: dict[int, tuple[str, ...]] = {}
    # Plain rows, not ORM objects: a province round has some 500,000 preferences.
    rows = session.execute(select(Preference.student_id, Preference.offer_id)
                           .where(Preference.round_id == rnd.id)
                           .order_by(Preference.student_id, Preference.rank))
    for student_id, group in groupby(rows, key=itemgetter(0)):
        ranked[student_id] = tuple(name.get(r[1]) or str(r[1]) for r in group)
    env_ids = sorted({int(o.environment_id) for o in offers if o.environment_id is not None})
    environments = list(session.scalars(select(Environment).where(Environment.id.in_(env_ids))
                                        .order_by(Environment.id))) if env_ids else []
    policy = m.Policy(**{k: getattr(rnd, k) for k in m.POLICY_FIELDS})
    pins = tuple(m.Pin(str(a.student_id), str(a.offer_id), a.rank) for a in session.scalars(
        select(Assignment).where(Assignment.round_id == rnd.id, Assignment.pinned)
        .order_by(Assignment.student_id)))
    return m.Round(
        id=str(rnd.id), name=rnd.name, policy=policy, pinned=pins,
        environments=tuple(m.Environment(str(e.id), e.name, e.capacity)
                           for e in environments if e is not None),
        offers=offers, students=round_student_models(session, rnd, ranked))


def round_document(session: Session, rnd: Round) -> dict[str, Any]:
    return round_to_dict(round_model(session, rnd))


__all__ = ["offer_model", "round_document", "round_model", "student_model"]
