"""What a student chooses from: their rounds, the offers they are eligible for, their list.

The engine's six eligibility rules (docs/ENGINE.md, ``solver.eligibility.eligible``) are
written here once more, as one SQL filter for one student, so the student pages filter and
page the offers in the database instead of loading a province's 25,000 offers into Python.
``tests/service/test_student_eligibility.py`` compares this filter with the engine's rule on
generated rounds; the two must select the same offers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, selectinload

from service.directory.places import nearest_place, places_by_region
from service.directory.records import contains_words
from service.directory.students import visible_student
from service.errors import Problem, field_error
from service.identity.principals import Principal
from service.models import (
    Company,
    Offer,
    OfferStatus,
    Preference,
    Round,
    RoundStatus,
    Student,
    pathways_to_mask,
)
from service.rounds.lifecycle import submit_preferences
from service.rounds.loading import round_offer_filter
from service.rounds.participation import takes_part
from solver.eligibility import EARTH_RADIUS_KM, great_circle_km

# A student sees a round from the moment it takes lists until it is finished.
STUDENT_STATUSES = (RoundStatus.OPEN.value, RoundStatus.CLOSED.value,
                    RoundStatus.ALLOCATED.value, RoundStatus.PUBLISHED.value)
# On the sphere a degree of latitude is this many km, and no two points are closer than
# their latitude difference: the bounding box below never drops an offer within reach.
KM_PER_DEGREE = EARTH_RADIUS_KM * np.pi / 180


def student_rounds(session: Session, p: Principal) -> list[Round]:
    """The rounds the signed-in student takes part in (the one participation rule), newest
    first, while they are running."""
    return list(session.scalars(
        select(Round).join(Student, Student.id == p.student_id)
        .where(takes_part(), Round.status.in_(STUDENT_STATUSES))
        .order_by(Round.id.desc())))


def student_round(session: Session, p: Principal, round_id: int) -> Round:
    """One of the student's rounds; 404 for any other (its existence is not revealed)."""
    rnd = session.scalar(select(Round).join(Student, Student.id == p.student_id).where(
        Round.id == round_id, takes_part(), Round.status.in_(STUDENT_STATUSES)))
    if rnd is None:
        raise Problem(404, f"no round with id {round_id}")
    return rnd


def me(session: Session, p: Principal) -> Student:
    assert p.student_id is not None
    return visible_student(session, p, p.student_id)


def _json_list_has(session: Session, column: Any, value: str) -> ColumnElement[bool]:
    """``value`` is an element of the JSON list in ``column`` (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    fn = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    elements = fn(column).table_valued("value")
    return exists(select(literal(1)).select_from(elements).where(elements.c.value == value))


def distance_km(s: Student) -> ColumnElement[float] | None:
    """The haversine distance from the student's home to each offer, as
    ``solver.eligibility.great_circle_km`` computes it; NULL for an offer without location,
    None when the student has none."""
    if s.lat is None or s.lon is None:
        return None
    lat1, lon1 = float(np.radians(s.lat)), float(np.radians(s.lon))
    # Degrees to radians as NumPy's ``radians`` does it (a product with pi/180), not the
    # database's own function, so both sides compute the same floating-point numbers.
    per_degree = float(np.pi / 180)
    lat2, lon2 = Offer.lat * per_degree, Offer.lon * per_degree
    # Halving as a float product (exact, like the engine's / 2): an integer 2 would make
    # the SQL divide by a NUMERIC.
    dlat, dlon = func.sin((lat2 - lat1) * 0.5), func.sin((lon2 - lon1) * 0.5)
    # Grouped as great_circle_km groups it, sin² + (cos·cos)·sin², so the rounding is the
    # same (SQLAlchemy drops the parentheses of a product unless told to keep them).
    h = dlat * dlat + float(np.cos(lat1)) * func.cos(lat2) * (dlon * dlon).self_group()
    clipped = case((h > 1.0, 1.0), (h < 0.0, 0.0), else_=h)
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(clipped))


def within_km(s: Student, km: float) -> ColumnElement[bool]:
    """Offers with a known location at most ``km`` from the student's home: a latitude box
    first (cheap, never too narrow), then the exact distance."""
    dist = distance_km(s)
    if dist is None:
        return false()
    assert s.lat is not None
    span = km / KM_PER_DEGREE + 1e-9
    return and_(Offer.lat.is_not(None), Offer.lon.is_not(None),
                Offer.lat.between(s.lat - span, s.lat + span), dist <= km)


def eligible_for(session: Session, s: Student) -> ColumnElement[bool]:
    """The engine's six rules (docs/ENGINE.md) as a filter on offers, for one student."""
    level = Offer.level_mask.op("&")(1 << (s.level - 1)) != 0
    pathway = Offer.pathway_mask.op("&")(s.pathway_mask) != 0
    regions = s.regions
    region = Offer.region.in_(regions) if regions else false()
    listed = (_json_list_has(session, Offer.qualifications, s.qualification)
              if s.qualification is not None else false())
    coded = func.json_array_length(Offer.qualifications) > 0
    course = or_(and_(coded, listed), and_(~coded, Offer.sector == s.sector))
    rules = [level, pathway, region, course]
    if s.max_travel_km is not None and s.lat is not None and s.lon is not None:
        # An offer without a location passes, as in the engine (nan is never too far).
        rules.append(or_(Offer.lat.is_(None), Offer.lon.is_(None),
                         within_km(s, s.max_travel_km)))
    if s.available_from is not None and s.available_until is not None:
        rules.append(or_(Offer.start.is_(None), Offer.end.is_(None),
                         and_(Offer.start <= s.available_from,
                              Offer.end >= s.available_until)))
    return and_(*rules)


def offer_choices(session: Session, s: Student, rnd: Round, filters: dict[str, Any]
                  ) -> Select[Offer]:
    """The open offers of the round the student may list, filtered as asked (sector,
    qualification, pathway, distance, words), nearest first."""
    stmt = select(Offer).options(selectinload(Offer.company)).where(
        round_offer_filter(rnd.id),
                               Offer.status == OfferStatus.OPEN.value, eligible_for(session, s))
    if filters.get("sector"):
        stmt = stmt.where(Offer.sector == filters["sector"])
    if filters.get("qualification"):
        stmt = stmt.where(_json_list_has(session, Offer.qualifications,
                                         filters["qualification"]))
    if filters.get("pathway"):
        stmt = stmt.where(Offer.pathway_mask.op("&")(pathways_to_mask([filters["pathway"]]))
                          != 0)
    if filters.get("km") is not None:
        stmt = stmt.where(within_km(s, float(filters["km"])))
    for word in str(filters.get("q") or "").split():
        # Each word in the offer's title or its company's name.
        stmt = stmt.where(or_(contains_words(Offer.title, word), Offer.company_id.in_(
            select(Company.id).where(contains_words(Company.name, word)))))
    dist = distance_km(s)
    if dist is None:
        return stmt.order_by(Offer.id)
    return stmt.order_by(Offer.lat.is_(None) | Offer.lon.is_(None), dist, Offer.id)


def choice(session: Session, s: Student, rnd: Round, offer_id: int) -> Offer:
    """One offer the student may list in the round; 404 for any other."""
    offer = session.scalar(offer_choices(session, s, rnd, {}).where(Offer.id == offer_id))
    if offer is None:
        raise Problem(404, f"no offer with id {offer_id}")
    return offer


def listed(session: Session, s: Student, rnd: Round) -> list[Offer]:
    """The student's list in the round, best first: what the coordinator sees."""
    return list(session.scalars(
        select(Offer).join(Preference, Preference.offer_id == Offer.id)
        .where(Preference.round_id == rnd.id, Preference.student_id == s.id)
        .order_by(Preference.rank)))


def distances(s: Student, offers: list[Offer]) -> dict[int, float | None]:
    """Per offer: km from the student's home by the engine's one distance formula; None
    where either location is unknown."""
    known = [o for o in offers if o.lat is not None and o.lon is not None]
    out: dict[int, float | None] = {o.id: None for o in offers}
    if s.lat is None or s.lon is None or not known:
        return out
    lat = np.radians(np.array([o.lat for o in known], dtype=np.float64))
    lon = np.radians(np.array([o.lon for o in known], dtype=np.float64))
    km = great_circle_km(np.radians(np.full(len(known), s.lat)),
                         np.radians(np.full(len(known), s.lon)), lat, lon)
    out.update({o.id: float(d) for o, d in zip(known, km, strict=True)})
    return out


def place_names(session: Session, offers: list[Offer]) -> dict[int, str | None]:
    """Per offer: the reference place nearest to it within its region, for people."""
    places = places_by_region(session)
    return {o.id: (nearest_place(places.get(o.region, []), o.lat, o.lon)
                   if o.lat is not None and o.lon is not None else None) for o in offers}


def edited(ids: list[int], action: str, offer_id: int, position: int | None = None
           ) -> list[int]:
    """The list after one edit: add at the end, remove, move up or down one place, or move
    to a (1-based) position."""
    out = [i for i in ids if i != offer_id]
    if action == "add":
        if offer_id in ids:
            raise field_error("offer_id", "this offer is already on the list")
        return [*ids, offer_id]
    if offer_id not in ids:
        raise field_error("offer_id", "this offer is not on the list")
    at = ids.index(offer_id)
    if action == "remove":
        return out
    if action == "up":
        at = max(at - 1, 0)
    elif action == "down":
        at = min(at + 1, len(out))
    elif action == "move":
        if position is None or not 1 <= position <= len(ids):
            raise field_error("position", f"give a position from 1 to {len(ids)}")
        at = position - 1
    else:
        raise field_error("action", f"no list action {action!r}")
    return [*out[:at], offer_id, *out[at:]]


def change_list(session: Session, p: Principal, rnd: Round, action: str, offer_id: int,
                position: int | None = None) -> list[int]:
    """Apply one edit and save the whole list through the lifecycle's one preference rule
    (the API's ``PUT /rounds/{id}/preferences/{student}``): the same checks, the same
    audit event."""
    s = me(session, p)
    ids = [o.id for o in listed(session, s, rnd)]
    new = edited(ids, action, offer_id, position)
    if action == "add" and len(new) > rnd.max_preferences:
        raise field_error("offers", f"at most {rnd.max_preferences} preferences count in "
                                    "this round")
    submit_preferences(session, p, rnd, s.id, new)
    return new


__all__ = ["change_list", "choice", "distance_km", "distances", "edited", "eligible_for",
           "listed", "me", "offer_choices", "place_names", "student_round", "student_rounds"]
