"""Reference data: the regions, places, sectors and qualification codes records may name.

Every write and import checks its records' names against the reference tables (loaded by
``leerplek seed reference`` from ``seeds/reference/``): a typo such as ``twnete`` would be
stored and never match anything, so it is refused with 422 naming the field and the nearest
known value. One function per kind of reference; ``record_errors`` applies them to a record's
fields. A database without reference data (never seeded) cannot check anything: every write
that names such values answers 503 saying so, rather than accepting whatever it is sent.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import Problem
from service.models import RefPlace, RefQualification, RefRegion, RefSector

MISSING = ("the reference data (regions, places, sectors, qualifications) is missing: "
           "run `leerplek seed reference`")


@dataclass(frozen=True)
class Reference:
    """The known values of each kind, read once per request or import."""

    regions: frozenset[str]
    places: frozenset[str]
    sectors: frozenset[str]
    qualifications: frozenset[str]


def load_reference(session: Session) -> Reference:
    """The reference tables' values; 503 when they were never seeded."""
    ref = Reference(frozenset(session.scalars(select(RefRegion.id))),
                    frozenset(session.scalars(select(RefPlace.name))),
                    frozenset(session.scalars(select(RefSector.id))),
                    frozenset(session.scalars(select(RefQualification.code))))
    if not (ref.regions and ref.places and ref.sectors and ref.qualifications):
        raise Problem(503, MISSING)
    return ref


def qualification_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Code → name of the given qualification (crebo) codes, for people; a code without a
    reference row is left out."""
    wanted = list(codes)
    if not wanted:
        return {}
    return {code: name for code, name in session.execute(
        select(RefQualification.code, RefQualification.name)
        .where(RefQualification.code.in_(wanted)))}


def _unknown(what: str, value: str, known: Iterable[str]) -> str | None:
    """None for a known value, else the message, with the nearest known value if any."""
    known = list(known)
    if value in known:
        return None
    near = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if not near:  # a different case (``Twente``) or a short form (``zorg``): difflib rates
        # both low
        lower = value.lower()
        near = sorted(k for k in known if k.lower() == lower
                      or lower in k.lower().split("-"))[:1]
    hint = f'; bedoelde je "{near[0]}"?' if near else ""
    return f"unknown {what} {value!r}{hint}"


def region_error(ref: Reference, value: str) -> str | None:
    return _unknown("region", value, ref.regions)


def place_error(ref: Reference, value: str) -> str | None:
    return _unknown("place", value, ref.places)


def sector_error(ref: Reference, value: str) -> str | None:
    return _unknown("sector", value, ref.sectors)


def qualification_error(ref: Reference, value: str) -> str | None:
    return _unknown("qualification (crebo) code", value, ref.qualifications)


# The fields of schools, companies, environments, rounds, offers and students that name
# reference data, single values and lists alike.
CHECKS = {"region": region_error, "regions": region_error, "main_place": place_error,
          "home_place": place_error, "place": place_error, "sector": sector_error,
          "qualification": qualification_error, "qualifications": qualification_error}


def record_errors(ref: Reference, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for every reference value in ``data`` that is not known; list items
    are named by index (``regions.1``)."""
    errors: list[tuple[str, str]] = []
    for name, check in CHECKS.items():
        value = data.get(name)
        if isinstance(value, str):
            if message := check(ref, value):
                errors.append((name, message))
        elif isinstance(value, list | tuple):
            errors.extend((f"{name}.{i}", message) for i, item in enumerate(value)
                          if isinstance(item, str) and (message := check(ref, item)))
    return errors


def check_record(session: Session, data: Mapping[str, Any]) -> None:
    """422 naming every unknown reference value of one record written through the API."""
    if not any(data.get(name) for name in CHECKS):
        return  # nothing to check: no need for the reference tables either
    errors = record_errors(load_reference(session), data)
    if errors:
        raise Problem(422, "; ".join(f"{f}: {m}" for f, m in errors[:5]),
                      [{"field": f, "location": "json", "message": m} for f, m in errors])
