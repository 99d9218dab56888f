"""Reference data and calibrated demo rounds, written into the service's database.

``seed_reference`` upserts the versioned files in ``seeds/reference/`` (running it twice
changes nothing). The demo functions map a document from ``seeds.generator`` (the same
generator ``leerplek generate`` uses) onto service records: companies, environments,
students, then a round's offers and preferences. They insert in bulk inside the caller's
transaction, so the whole province (60,000 students) loads in seconds; the demo driver in
``service.demo`` seeds only the population this way and drives the round itself over HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy.orm import Session

from seeds.generator import load_reference
from solver.document import parse_round
from solver.verify import ineligibility

from .models import (
    Company,
    Environment,
    Offer,
    OfferStatus,
    Preference,
    RefPlace,
    RefQualification,
    RefRegion,
    RefSector,
    Round,
    RoundStatus,
    School,
    Student,
    StudentRegion,
    environment_partners,
    levels_to_mask,
    pathways_to_mask,
)

ProgressFn = Callable[[int], None]
_CHUNK = 5_000  # rows per bulk insert: bounded statements, progress between them


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


def seed_reference(session: Session) -> SeedCounts:
    """Upsert regions, places, sectors, qualifications and the six schools (by code)."""
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
    for school in ref["schools"]:
        # A school draws its students from one labour-market region (schools.json).
        _upsert(session, School, {"code": school["id"]},
                {"name": school["name"], "region": school["regions"][0],
                 "size": school["students"], "main_place": school["main_place"]}, counts)
    session.flush()
    return counts


# A generated round as service records ----------------------------------------------------

@dataclass
class Population:
    """Database ids of a generated document's records, keyed by the document's ids."""

    schools: dict[str, int]
    companies: dict[str, int]
    environments: dict[str, int]
    students: dict[str, int]


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for lo in range(0, len(rows), _CHUNK):
        yield rows[lo:lo + _CHUNK]


def _reserve_ids(session: Session, model: type[Any], n: int) -> list[int]:
    """``n`` fresh primary keys for ``model``, so bulk rows carry their ids and no RETURNING
    is needed (SQLite returns ids of an ordered bulk insert only row by row)."""
    if n == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": model.__tablename__, "n": n}))
    # SQLite: a concurrent writer taking the same ids would fail this transaction on the
    # primary key and roll it back whole; nothing is ever overwritten.
    top = int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0)
    return list(range(top + 1, top + 1 + n))


def _insert_returning_ids(session: Session, model: type[Any], rows: Sequence[dict[str, Any]],
                          progress: ProgressFn | None = None) -> list[int]:
    """Insert ``rows`` in bulk with reserved ids; returns the ids in row order."""
    ids = _reserve_ids(session, model, len(rows))
    _insert(session, model, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)],
            progress)
    return ids


def _insert(session: Session, table: Any, rows: Sequence[dict[str, Any]],
            progress: ProgressFn | None = None) -> None:
    # The Core table, not the ORM class: one executemany per chunk, where the ORM's bulk
    # path splits rows into many small statements.
    target = getattr(table, "__table__", table)
    if session.get_bind().dialect.name == "postgresql" and rows:
        _copy(session, target, rows, progress)
        return
    for chunk in _chunks(rows):
        session.execute(insert(target), list(chunk))
        if progress is not None:
            progress(len(chunk))


def _copy(session: Session, table: Any, rows: Sequence[dict[str, Any]],
          progress: ProgressFn | None) -> None:
    """PostgreSQL's COPY: psycopg sends an executemany row by row, COPY streams them."""
    columns = list(rows[0])
    # COPY adapts a Python list to an array; JSON columns get their text instead.
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    driver = session.connection().connection.driver_connection
    assert driver is not None  # a checked-out connection always has its driver connection
    cursor = driver.cursor()
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for lo in range(0, len(rows), _CHUNK):
            chunk = rows[lo:lo + _CHUNK]
            for row in chunk:
                copy.write_row([json.dumps(row[c]) if c in as_json else row[c]
                                for c in columns])
            if progress is not None:
                progress(len(chunk))


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _latlon(location: dict[str, float] | None) -> dict[str, float | None]:
    if location is None:
        return {"lat": None, "lon": None}
    return {"lat": location["lat"], "lon": location["lon"]}


def _nearest_place(places: dict[str, list[tuple[str, float, float]]]
                   ) -> Callable[[str, dict[str, float] | None], str | None]:
    """The reference place of a region nearest to a home location (its home place)."""
    def nearest(region: str, location: dict[str, float] | None) -> str | None:
        if location is None or not places.get(region):
            return None
        cos_lat = math.cos(math.radians(location["lat"]))
        # Equirectangular distance is plenty to pick the nearest of a region's few places.
        return min(places[region], key=lambda p: (p[1] - location["lat"]) ** 2
                   + ((p[2] - location["lon"]) * cos_lat) ** 2)[0]
    return nearest


def company_number(doc_company_id: str) -> str:
    """The KvK number behind a generated company id (``kvk-01234567``)."""
    return doc_company_id.removeprefix("kvk-")


def seed_population(session: Session, doc: dict[str, Any], *, priority: bool = True,
                    progress: ProgressFn | None = None) -> Population:
    """Companies, environments and students of a generated round, inserted in bulk.

    The six reference schools must be there already (``seed_reference``). With
    ``priority=False`` every student starts unflagged, for a coordinator to flag later.
    Companies are recognised for every qualification their offers name.
    """
    ref = load_reference()
    schools = {code: ident for code, ident in session.execute(select(School.code, School.id))}
    missing = sorted({s["school_id"] for s in doc["students"]} - set(schools))
    if missing:
        raise ValueError(f"no school with code {missing[0]!r}: run `leerplek seed reference`")
    numbers = [company_number(o["company_id"]) for o in doc["offers"]]
    taken = session.scalar(select(Company.kvk_number).where(Company.kvk_number.in_(numbers[:1])))
    if taken is not None:
        raise ValueError(f"company {taken} exists already: seed a demo into a fresh database")

    # Companies: one per generated company id, recognised for its offers' codes.
    quals: dict[str, set[str]] = {}
    first_offer: dict[str, dict[str, Any]] = {}
    for offer in doc["offers"]:
        quals.setdefault(offer["company_id"], set()).update(offer["qualifications"])
        first_offer.setdefault(offer["company_id"], offer)
    place_of_title = {cid: o["title"].rsplit(" – ", 1)[-1] for cid, o in first_offer.items()}
    company_keys = list(quals)
    company_ids = _insert_returning_ids(session, Company, [
        {"name": f"Leerbedrijf {place_of_title[cid]} {company_number(cid)[-4:]}",
         "kvk_number": company_number(cid), "qualifications": sorted(quals[cid]),
         "region": first_offer[cid]["region"]}
        for cid in company_keys], progress)
    companies = dict(zip(company_keys, company_ids, strict=True))

    # Environments, with the companies whose offers are in them as partners.
    env_region: dict[str, str] = {}
    env_partners: dict[str, set[int]] = {}
    for offer in doc["offers"]:
        if offer["environment_id"] is not None:
            env_region.setdefault(offer["environment_id"], offer["region"])
            env_partners.setdefault(offer["environment_id"], set()).add(
                companies[offer["company_id"]])
    env_keys = [e["id"] for e in doc["environments"]]
    env_ids = _insert_returning_ids(session, Environment, [
        {"name": e["name"], "capacity": e["capacity"], "region": env_region.get(e["id"])}
        for e in doc["environments"]])
    environments = dict(zip(env_keys, env_ids, strict=True))
    _insert(session, environment_partners, [
        {"environment_id": environments[e], "company_id": c}
        for e, partners in env_partners.items() for c in sorted(partners)])

    # Students: pseudonymous numbers, the home place nearest to their home location.
    places = {r["id"]: [(p["name"], p["lat"], p["lon"]) for p in r["places"]]
              for r in ref["regions"]}
    nearest = _nearest_place(places)
    student_ids = _insert_returning_ids(session, Student, [
        {"school_id": schools[s["school_id"]], "student_number": s["id"], "level": s["level"],
         "pathway_mask": pathways_to_mask(s["pathways"]), "qualification": s["qualification"],
         "sector": s["sector"], "home_place": nearest(s["regions"][0], s["location"]),
         "max_travel_km": s["max_travel_km"], "priority": priority and s["priority"],
         "available_from": _date(s["available_from"]),
         "available_until": _date(s["available_until"]), **_latlon(s["location"])}
        for s in doc["students"]], progress)
    students = dict(zip((s["id"] for s in doc["students"]), student_ids, strict=True))
    _insert(session, StudentRegion, [
        {"student_id": students[s["id"]], "region": r, "position": i}
        for s in doc["students"] for i, r in enumerate(s["regions"])])
    return Population(schools, companies, environments, students)


def offer_record(offer: dict[str, Any], pop: Population, round_id: int) -> dict[str, Any]:
    """A generated offer as the fields of the offers API (``OfferSchema``), open."""
    env = offer["environment_id"]
    return {"company_id": pop.companies[offer["company_id"]], "round_id": round_id,
            "environment_id": None if env is None else pop.environments[env],
            "title": offer["title"], "levels": offer["levels"], "pathways": offer["pathways"],
            "qualifications": offer["qualifications"], "sector": offer["sector"],
            "region": offer["region"], "location": offer["location"],
            "capacity": offer["capacity"], "reserved_priority": offer["reserved_priority"],
            "start": offer["start"], "end": offer["end"], "status": OfferStatus.OPEN.value}


def clean_preferences(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Each student's list without repeated or ineligible entries (the generator adds a few,
    as real input has); the API would refuse the whole list, naming them."""
    rnd = parse_round(doc)
    offers = {o.id: o for o in rnd.offers}
    cleaned: dict[str, list[str]] = {}
    for s in rnd.students:
        kept = [p for p in dict.fromkeys(s.preferences) if not ineligibility(s, offers[p])]
        cleaned[s.id] = kept
    return cleaned


def seed_round(session: Session, doc: dict[str, Any], pop: Population, rnd: Round,
               progress: ProgressFn | None = None) -> dict[str, int]:
    """The document's offers and (cleaned) preferences in ``rnd``; offer ids by document id."""
    rows = []
    for offer in doc["offers"]:
        data = offer_record(offer, pop, rnd.id)
        levels, pathways, location = data.pop("levels"), data.pop("pathways"), data.pop(
            "location")
        rows.append({**data, "level_mask": levels_to_mask(levels),
                     "pathway_mask": pathways_to_mask(pathways), **_latlon(location),
                     "start": _date(data["start"]), "end": _date(data["end"])})
    offer_ids = dict(zip((o["id"] for o in doc["offers"]),
                         _insert_returning_ids(session, Offer, rows, progress), strict=True))
    prefs = clean_preferences(doc)
    _insert(session, Preference, [
        {"round_id": rnd.id, "student_id": pop.students[sid], "offer_id": offer_ids[oid],
         "rank": i + 1}
        for sid, ranked in prefs.items() for i, oid in enumerate(ranked)], progress)
    return offer_ids


def seed_demo(session: Session, students: int, seed: int,
              progress: ProgressFn | None = None) -> Round:
    """Reference data, then a generated population and an open province-wide round with its
    offers and preferences: ready to close and allocate."""
    from seeds.generator import generate_round

    seed_reference(session)
    doc = generate_round(students, seed)
    pop = seed_population(session, doc, progress=progress)
    policy = doc["policy"]
    rnd = Round(name=doc["round"]["name"], status=RoundStatus.OPEN.value,
                **{k: policy[k] for k in ("objective", "priority_first", "place_unranked",
                                          "max_preferences", "seed", "time_limit_s")})
    session.add(rnd)
    session.flush()
    seed_round(session, doc, pop, rnd, progress)
    return rnd
