"""The student pages' SQL eligibility filter selects exactly the offers the engine's rule does.

Rounds are generated at random (levels, pathways, regions, qualification codes or sectors,
locations with and without a travel limit, periods, missing values of each), stored, and for
every student the offers ``service.rounds.choosing.eligible_for`` selects in the database are
compared with ``solver.eligibility.eligible`` on the same round loaded for the engine.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select

from service.extensions import db
from service.models import Company, Offer, Round, School, Student
from service.rounds.choosing import eligible_for
from service.rounds.loading import round_model, round_offer_filter
from solver.eligibility import build_arrays, eligible, great_circle_km

REGIONS = ["twente", "zwolle", "stedendriehoek"]
SECTORS = ["gastvrijheid", "zorg-welzijn"]
CODES = ["25180", "25603", "25480"]
DAY0 = dt.date(2027, 1, 1)


def maybe(rng: random.Random, value: object, p: float = 0.2) -> object:
    return None if rng.random() < p else value


def some(rng: random.Random, items: list[object], empty: bool = False) -> list[object]:
    chosen = [x for x in items if rng.random() < 0.5]
    return chosen if chosen or empty else [rng.choice(items)]


def generated_round(app: Flask, seed: int, n_students: int = 40, n_offers: int = 150) -> int:
    """A province-wide open round of random students and offers (some drafts, some closed)."""
    rng = random.Random(seed)

    def point() -> tuple[object, object]:
        if rng.random() < 0.15:
            return None, None
        return 52.4 + rng.uniform(-0.5, 0.5), 6.4 + rng.uniform(-0.7, 0.7)

    def period() -> tuple[object, object]:
        # Whole months from a few starts, so equal dates (the rule's edges) are common.
        start = DAY0 + dt.timedelta(days=30 * rng.randrange(0, 4))
        return maybe(rng, start), maybe(rng, start + dt.timedelta(days=30 * rng.randrange(0, 5)))

    with app.app_context(), db.transaction() as session:
        rnd = Round(name=f"random {seed}", status="open")
        school = School(name="S", code=f"s{seed}", region="twente")
        company = Company(name="C", kvk_number=f"{20000000 + seed}", qualifications=CODES)
        session.add_all([rnd, school, company])
        session.flush()
        for i in range(n_offers):
            lat, lon = point()
            start, end = period()
            offer = Offer(company_id=company.id, round_id=rnd.id, title=f"o{i}",
                          sector=rng.choice(SECTORS), region=rng.choice(REGIONS),
                          capacity=1, lat=lat, lon=lon, start=start, end=end,
                          status=rng.choice(["open", "open", "open", "closed", "draft"]))
            offer.levels = some(rng, [1, 2, 3, 4])  # type: ignore[arg-type]
            offer.pathways = some(rng, ["BOL", "BBL"])  # type: ignore[arg-type]
            offer.qualifications = some(rng, CODES, empty=True)  # type: ignore[arg-type]
            session.add(offer)
        for i in range(n_students):
            lat, lon = point()
            start, end = period()
            student = Student(school_id=school.id, student_number=f"n{i}",
                              level=rng.randint(1, 4), sector=rng.choice(SECTORS),
                              qualification=maybe(rng, rng.choice(CODES), 0.3),
                              lat=lat, lon=lon, available_from=start, available_until=end,
                              max_travel_km=maybe(rng, rng.uniform(2.0, 70.0), 0.3))
            student.pathways = some(rng, ["BOL", "BBL"])  # type: ignore[arg-type]
            student.regions = some(rng, REGIONS, empty=True)  # type: ignore[arg-type]
            session.add(student)
        return rnd.id


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_filter_selects_the_engines_eligible_offers(app: Flask, seed: int) -> None:
    round_id = generated_round(app, seed)
    with app.app_context():
        session = db.session
        rnd = session.get(Round, round_id)
        assert rnd is not None
        model = round_model(session, rnd)
        arrays = build_arrays(model)
        offer_ids = np.array([int(o.id) for o in model.offers])
        pairs = 0
        for student in session.scalars(select(Student).order_by(Student.id)):
            in_sql = set(session.scalars(select(Offer.id).where(
                round_offer_filter(round_id), eligible_for(session, student))))
            s = np.full(len(offer_ids), arrays.student_index[str(student.id)])
            by_engine = set(offer_ids[eligible(arrays, s, np.arange(len(offer_ids)))].tolist())
            assert in_sql == by_engine, f"student {student.id}"
            pairs += len(in_sql)
        # The data must exercise the rule: some pairs pass, most do not.
        assert 0 < pairs < len(offer_ids) * 40 / 2


def test_an_offer_exactly_at_the_travel_limit_is_eligible_in_sql_as_in_the_engine(
        app: Flask) -> None:
    """The distance at the limit's edge: the limit set to the engine's own distance for
    each pair, so any rounding difference between the SQL and NumPy would show."""
    points = [(52.2215, 6.8937), (52.2658, 6.7931), (52.5168, 6.0830), (51.9851, 5.8987),
              (52.3508, 6.6684), (52.1550, 6.7500)]
    with app.app_context(), db.transaction() as session:
        rnd = Round(name="edge", status="open")
        school = School(name="S", code="edge", region="twente")
        company = Company(name="C", kvk_number="29999999", qualifications=CODES)
        session.add_all([rnd, school, company])
        session.flush()
        offers = []
        for i, (lat, lon) in enumerate(points):
            offer = Offer(company_id=company.id, round_id=rnd.id, title=f"o{i}",
                          sector="gastvrijheid", region="twente", capacity=1, lat=lat,
                          lon=lon, status="open", qualifications=[])
            offer.levels, offer.pathways = [2], ["BOL"]
            session.add(offer)
            offers.append(offer)
        session.flush()
        checked = 0
        for lat, lon in points:
            for target in offers:
                km = float(great_circle_km(*np.radians([lat, lon, target.lat, target.lon])))
                student = Student(school_id=school.id, student_number=f"e{checked}", level=2,
                                  sector="gastvrijheid", lat=lat, lon=lon, max_travel_km=km)
                student.pathways, student.regions = ["BOL"], ["twente"]
                session.add(student)
                session.flush()
                found = set(session.scalars(select(Offer.id).where(
                    Offer.round_id == rnd.id, eligible_for(session, student))))
                assert target.id in found, (lat, lon, target.lat, target.lon, km)
                checked += 1
        session.rollback()
