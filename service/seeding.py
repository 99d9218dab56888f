"""Reference data and calibrated demo rounds, written into the service's database.

``seed_reference`` upserts the versioned files in ``seeds/reference/`` (running it twice
changes nothing). ``seed_demo`` imports a document from ``seeds.generator`` (the generator
``leerplek generate`` uses) the way ``POST /rounds/import`` does, and opens the round.
``seed_directory`` registers only a document's companies and environments, in bulk: the demo
driver in ``service.demo`` does everything else over HTTP, with ``student_record`` and
``offer_record`` as the request bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seeds.generator import generate_round, load_reference
from service.bulk import ProgressFn, insert_returning_ids, insert_rows
from service.directory.places import PlacesByRegion, nearest_place
from service.identity.principals import Principal
from service.models import (
    Company,
    Environment,
    OfferStatus,
    RefPlace,
    RefQualification,
    RefRegion,
    RefSector,
    Role,
    Round,
    School,
    environment_partners,
    levels_to_mask,
)
from service.rounds.imports import import_round
from service.rounds.lifecycle import transition

# Reference data ---------------------------------------------------------------------------

@dataclass
class SeedCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def record(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


def _upsert(session: Session, model: type[Any], key: dict[str, Any], values: dict[str, Any],
            counts: SeedCounts) -> Any:
    """Find the row by ``key`` and set ``values``, touching only what differs."""
    row = session.scalar(select(model).filter_by(**key))
    created = row is None
    if row is None:
        row = model(**key)
        session.add(row)
    changed = False
    for name, value in values.items():
        if created or getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    counts.record(created, changed)
    return row


def seed_reference(session: Session, schools: bool = True) -> SeedCounts:
    """Upsert regions, places, sectors, qualifications and (unless ``schools`` is False,
    as for tests that make their own) the six schools (by code)."""
    ref = load_reference()
    counts = SeedCounts()
    for region in ref["regions"]:
        _upsert(session, RefRegion, {"id": region["id"]}, {"name": region["name"]}, counts)
    session.flush()  # places and schools refer to the regions
    for region in ref["regions"]:
        for place in region["places"]:
            _upsert(session, RefPlace, {"region_id": region["id"], "name": place["name"]},
                    {"province": place["province"], "lat": place["lat"], "lon": place["lon"]},
                    counts)
    for sector in ref["sectors"]:
        _upsert(session, RefSector, {"id": sector["id"]},
                {"name": sector["name"], "sbb_chamber": sector["sbb_chamber"],
                 "employment_share": sector["employment_share"]}, counts)
    session.flush()
    for q in ref["qualifications"]:
        _upsert(session, RefQualification, {"code": q["code"]},
                {"name": q["name"], "sector_id": q["sector"],
                 "level_mask": levels_to_mask(q["levels"]), "synthetic": q["synthetic"]},
                counts)
    for school in ref["schools"] if schools else []:
        # A school draws its students from one labour-market region (schools.json).
        _upsert(session, School, {"code": school["id"]},
                {"name": school["name"], "region": school["regions"][0],
                 "size": school["students"], "main_place": school["main_place"]}, counts)
    session.flush()
    return counts


# A generated round as service records ----------------------------------------------------

@dataclass
class Directory:
    """Database ids of a generated document's schools, companies and environments."""

    schools: dict[str, int]
    companies: dict[str, int]
    environments: dict[str, int]


def _nearest_place(places: PlacesByRegion
                   ) -> Callable[[str, dict[str, float] | None], str | None]:
    """The reference place of a region nearest to a home location (its home place)."""
    def nearest(region: str, location: dict[str, float] | None) -> str | None:
        if location is None:
            return None
        return nearest_place(places.get(region, []), location["lat"], location["lon"])
    return nearest


def company_number(doc_company_id: str) -> str:
    """The KvK number behind a generated company id (``kvk-01234567``)."""
    return doc_company_id.removeprefix("kvk-")


def seed_directory(session: Session, doc: dict[str, Any],
                   progress: ProgressFn | None = None) -> Directory:
    """A generated round's companies (recognised for every code their offers name) and
    environments (with those companies as partners), inserted in bulk.

    The six reference schools must be there already (``seed_reference``).
    """
    schools = {code: ident for code, ident in session.execute(select(School.code, School.id))}
    missing = sorted({s["school_id"] for s in doc["students"]} - set(schools))
    if missing:
        raise ValueError(f"no school with code {missing[0]!r}: run `leerplek seed reference`")
    numbers = [company_number(o["company_id"]) for o in doc["offers"]]
    taken = session.scalar(select(Company.kvk_number).where(Company.kvk_number.in_(numbers[:1])))
    if taken is not None:
        raise ValueError(f"company {taken} exists already: use a fresh database")

    quals: dict[str, set[str]] = {}
    first_offer: dict[str, dict[str, Any]] = {}
    for offer in doc["offers"]:
        quals.setdefault(offer["company_id"], set()).update(offer["qualifications"])
        first_offer.setdefault(offer["company_id"], offer)
    place_of_title = {cid: o["title"].rsplit(" – ", 1)[-1] for cid, o in first_offer.items()}
    company_keys = list(quals)
    company_ids = insert_returning_ids(session, Company, [
        {"name": f"Leerbedrijf {place_of_title[cid]} {company_number(cid)[-4:]}",
         "kvk_number": company_number(cid), "qualifications": sorted(quals[cid]),
         "region": first_offer[cid]["region"]}
        for cid in company_keys], progress)
    companies = dict(zip(company_keys, company_ids, strict=True))

    env_region: dict[str, str] = {}
    env_partners: dict[str, set[int]] = {}
    for offer in doc["offers"]:
        if offer["environment_id"] is not None:
            env_region.setdefault(offer["environment_id"], offer["region"])
            env_partners.setdefault(offer["environment_id"], set()).add(
                companies[offer["company_id"]])
    env_keys = [e["id"] for e in doc["environments"]]
    env_ids = insert_returning_ids(session, Environment, [
        {"name": e["name"], "capacity": e["capacity"], "region": env_region.get(e["id"])}
        for e in doc["environments"]])
    environments = dict(zip(env_keys, env_ids, strict=True))
    insert_rows(session, environment_partners, [
        {"environment_id": environments[e], "company_id": c}
        for e, partners in env_partners.items() for c in sorted(partners)])
    return Directory(schools, companies, environments)


def home_places() -> Callable[[str, dict[str, float] | None], str | None]:
    """The reference place of a region nearest to a home location: a student's home place."""
    ref = load_reference()
    return _nearest_place({r["id"]: [(p["name"], p["lat"], p["lon"]) for p in r["places"]]
                           for r in ref["regions"]})


def student_record(student: dict[str, Any], directory: Directory,
                   home_place: Callable[[str, dict[str, float] | None], str | None]
                   ) -> dict[str, Any]:
    """A generated student as the fields of the students API (``StudentSchema``)."""
    return {"school_id": directory.schools[student["school_id"]],
            "student_number": student["id"], "level": student["level"],
            "pathways": student["pathways"], "qualification": student["qualification"],
            "sector": student["sector"], "regions": student["regions"],
            "home_place": home_place(student["regions"][0], student["location"]),
            "location": student["location"], "max_travel_km": student["max_travel_km"],
            "priority": student["priority"], "available_from": student["available_from"],
            "available_until": student["available_until"]}


def offer_record(offer: dict[str, Any], directory: Directory, round_id: int
                 ) -> dict[str, Any]:
    """A generated offer as the fields of the offers API (``OfferSchema``), open."""
    env = offer["environment_id"]
    return {"company_id": directory.companies[offer["company_id"]], "round_id": round_id,
            "environment_id": None if env is None else directory.environments[env],
            "title": offer["title"], "levels": offer["levels"], "pathways": offer["pathways"],
            "qualifications": offer["qualifications"], "sector": offer["sector"],
            "region": offer["region"], "location": offer["location"],
            "capacity": offer["capacity"], "reserved_priority": offer["reserved_priority"],
            "start": offer["start"], "end": offer["end"], "status": OfferStatus.OPEN.value}


def seed_demo(session: Session, students: int, seed: int) -> Round:
    """Reference data, then a generated province imported as ``POST /rounds/import`` would
    (companies by KvK number, students by number, created or updated) and opened."""
    seed_reference(session)
    doc = generate_round(students, seed)
    summary = import_round(session, Principal(Role.ADMIN, ""), doc, "external")
    return transition(session, None, summary.round, "open")
