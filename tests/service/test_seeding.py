"""`leerplek seed`: reference data loaded idempotently, and generated demo rounds as records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text

from seeds.generator import generate_round, load_reference
from service.cli import main
from service.extensions import db
from service.migrate import upgrade
from service.models import (
    Base,
    Company,
    Environment,
    Offer,
    Preference,
    RefPlace,
    RefQualification,
    RefRegion,
    RefSector,
    Round,
    School,
    Student,
)
from service.seeding import seed_demo, seed_directory, seed_reference

from .conftest import Factory

REFERENCE_TABLES = ("ref_regions", "ref_places", "ref_sectors", "ref_qualifications", "schools")


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    with app.app_context():
        return {t: sorted(tuple(r) for r in db.session.execute(
            text(f"SELECT * FROM {t}")).all()) for t in REFERENCE_TABLES}


@pytest.fixture
def with_reference() -> bool:
    """These tests seed the reference data themselves, into an empty database."""
    return False


def seed(app: Flask) -> Any:
    with app.app_context(), db.transaction() as session:
        return seed_reference(session)


def test_seed_reference_loads_every_file(app: Flask) -> None:
    seed(app)
    ref = load_reference()
    with app.app_context():
        s = db.session
        assert s.scalar(select(func.count()).select_from(RefRegion)) == 3
        assert s.scalar(select(func.count()).select_from(RefPlace)) == sum(
            len(r["places"]) for r in ref["regions"])
        assert s.scalar(select(func.count()).select_from(RefSector)) == len(ref["sectors"])
        enschede = s.scalar(select(RefPlace).where(RefPlace.name == "Enschede"))
        assert enschede is not None and (enschede.lat, enschede.lon) == (52.222, 6.894)
        kok = s.get(RefQualification, "25180")
        assert kok is not None and kok.levels == [2] and kok.synthetic is False
        real = s.scalars(select(RefQualification.code).where(~RefQualification.synthetic))
        assert set(real) == {"25180", "25603"}
        twente = s.scalar(select(School).where(School.code == "rocvantwente"))
        assert twente is not None
        assert (twente.size, twente.main_place, twente.region) == (20000, "Hengelo", "twente")


def test_seed_reference_twice_changes_nothing(app: Flask) -> None:
    first = seed(app)
    before = snapshot(app)
    second = seed(app)
    assert first.created > 0
    assert (second.created, second.updated) == (0, 0)
    assert second.unchanged == first.created
    assert snapshot(app) == before


def test_seed_reference_restores_an_edited_school_and_keeps_its_id(app: Flask) -> None:
    seed(app)
    with app.app_context(), db.transaction() as session:
        school = session.scalar(select(School).where(School.code == "cibap"))
        assert school is not None
        school.size, ident = 1, school.id
    counts = seed(app)
    assert (counts.created, counts.updated) == (0, 1)
    with app.app_context():
        restored = db.session.get(School, ident)
        assert restored is not None and restored.size == 1800


def test_seed_demo_imports_the_generated_round_and_opens_it(app: Flask) -> None:
    doc = generate_round(200, 4)
    with app.app_context(), db.transaction() as session:
        rid = seed_demo(session, 200, 4).id
    with app.app_context():
        s = db.session
        rnd = s.get(Round, rid)
        assert rnd is not None and rnd.status == "open"
        assert rnd.school_id is None and rnd.region is None  # province-wide
        assert s.scalar(select(func.count()).select_from(Student)) == 200
        offers = list(s.scalars(select(Offer).where(Offer.round_id == rid)))
        assert len(offers) == len(doc["offers"])
        assert sum(o.capacity for o in offers) == sum(o["capacity"] for o in doc["offers"])
        assert s.scalar(select(func.count()).select_from(Environment)) == len(
            doc["environments"])
        assert s.scalar(select(func.count()).select_from(Company)) == len(
            {o["company_id"] for o in doc["offers"]})
        # Repeated entries are dropped, as the engine would skip them.
        prefs = s.scalar(select(func.count()).select_from(Preference))
        assert prefs == sum(len(set(st["preferences"])) for st in doc["students"])
        priority = s.scalar(select(func.count()).select_from(Student).where(Student.priority))
        assert priority == sum(st["priority"] for st in doc["students"])


def test_a_seeded_round_allocates(client: FlaskClient, app: Flask, make: Factory) -> None:
    with app.app_context(), db.transaction() as session:
        rid = seed_demo(session, 150, 2).id
    admin = make.admin()
    client.post(f"/api/v1/rounds/{rid}/close", headers=admin)
    job = client.post(f"/api/v1/rounds/{rid}/allocate", headers=admin).get_json()
    assert job["status"] == "finished", job  # the tests run jobs eagerly
    report = client.get(f"/api/v1/rounds/{rid}/report", headers=admin).get_json()
    assert report["stats"]["students"] == 150
    listed = client.get(f"/api/v1/rounds/{rid}/assignments?page_size=1", headers=admin)
    assert report["stats"]["placed"] == json.loads(listed.headers["X-Pagination"])["total"]


def test_the_directory_needs_the_reference_schools(app: Flask) -> None:
    with app.app_context(), db.transaction() as session, \
            pytest.raises(ValueError, match="seed reference"):
        seed_directory(session, generate_round(10, 1))


def test_the_directory_registers_companies_for_their_offers_codes(app: Flask) -> None:
    doc = generate_round(120, 6)
    seed(app)
    with app.app_context(), db.transaction() as session:
        directory = seed_directory(session, doc)
    with app.app_context():
        for offer in doc["offers"]:
            company = db.session.get(Company, directory.companies[offer["company_id"]])
            assert company is not None
            assert set(offer["qualifications"]) <= set(company.qualifications)
        for env in doc["environments"]:
            stored = db.session.get(Environment, directory.environments[env["id"]])
            assert stored is not None and stored.capacity == env["capacity"]
            partners = {directory.companies[o["company_id"]] for o in doc["offers"]
                        if o["environment_id"] == env["id"]}
            assert set(stored.partner_ids) == partners


def test_seed_commands_on_a_migrated_database(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'seed.sqlite'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["seed", "reference"]) == 0
    assert main(["seed", "reference"]) == 0
    assert main(["seed", "demo", "--students", "120", "--seed", "5"]) == 0
    # Again: a second round; the same students and companies are found, not duplicated.
    assert main(["seed", "demo", "--students", "120", "--seed", "5"]) == 0
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM schools")).scalar() == 6
        assert conn.execute(text("SELECT count(*) FROM students")).scalar() == 120
        assert conn.execute(text("SELECT status FROM rounds")).scalars().all() == ["open",
                                                                                 "open"]
    engine.dispose()
    assert set(Base.metadata.tables) >= set(REFERENCE_TABLES)
