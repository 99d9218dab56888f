"""Reference data: the regions, places, sectors and qualification codes records may name.

Every write and import checks its records' names against the reference tables (loaded by
``leerplek seed reference`` from ``seeds/reference/``): a typo such as ``twnete`` would be
stored and never match anything, so it is refused with 422 naming the field and the nearest
known value. One function per kind of reference; ``record_errors`` applies them to a record's
fields. A database without reference data (never seeded) cannot check anything: every write
that names such values answers 503 saying so, rather than accepting whatever it is sent.

A single record (``check_record``, ``ReferenceCheck``) is checked by asking the database only
about the values it names, in one statement a caller may share with its own look-ups; the
whole tables are read only when a value is unknown, for the nearest known one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

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


# Where each kind of check looks a value up, in the order of ``Reference``'s fields.
_KINDS: tuple[tuple[Callable[[Reference, str], str | None], InstrumentedAttribute[str]], ...] = (
    (region_error, RefRegion.id), (place_error, RefPlace.name), (sector_error, RefSector.id),
    (qualification_error, RefQualification.code))
_KIND_OF = {check: i for i, (check, _column) in enumerate(_KINDS)}


@cache
def reference_columns(named: tuple[bool, ...]) -> tuple[ColumnElement[Any], ...]:
    """One column per reference table (``_KINDS``), for a statement of its own or the
    caller's: for a table whose values the record names (``named[i]``), how many of them
    it holds (bound as ``ref_<i>``); for the others whether it has a row at all (else the
    503 of a database never seeded). Built once per pattern: the compiled statement is
    then reused rather than built per request."""
    return tuple(
        select(func.count(distinct(column))).where(column.in_(
            bindparam(f"ref_{i}", expanding=True))).scalar_subquery()
        if named[i] else select(column).limit(1).exists()
        for i, (_check, column) in enumerate(_KINDS))


@dataclass(frozen=True)
class ReferenceCheck:
    """The reference values one record names, looked up by ``shape_columns(shape)`` (bound
    with ``params``) in the caller's statement; ``settle`` then judges that statement's row.

    Only the named values are looked up: reading the four tables whole cost four
    statements on every write (docs/PERFORMANCE.md, "The offer POST"). They are read only
    when a value is unknown or a table is empty, for the same 503 or 422 as ever."""

    data: Mapping[str, Any]
    # The distinct values named per kind (``_KINDS``); empty when nothing is to be checked.
    values: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ReferenceCheck:
        if not any(data.get(name) for name in CHECKS):
            return cls(data, ())  # nothing to check: no need for the reference tables
        named: list[set[str]] = [set() for _ in _KINDS]
        for name, check in CHECKS.items():
            value = data.get(name)
            items = [value] if isinstance(value, str) else (
                value if isinstance(value, list | tuple) else [])
            named[_KIND_OF[check]].update(item for item in items if isinstance(item, str))
        return cls(data, tuple(frozenset(v) for v in named))

    @property
    def needed(self) -> bool:
        return bool(self.values)

    @property
    def shape(self) -> tuple[bool, ...]:
        """Which tables the record names values of (empty when nothing is to be checked):
        the key of the statements built once per shape."""
        return tuple(bool(v) for v in self.values)

    @property
    def params(self) -> dict[str, list[str]]:
        return {f"ref_{i}": sorted(v) for i, v in enumerate(self.values) if v}

    def errors(self, session: Session, found: Sequence[Any]) -> list[tuple[str, str]]:
        """``record_errors`` of the record, judged from ``found`` (the values of the shape's
        columns in the caller's row): none when every named value is there, else read from the
        whole tables (503 when one is empty)."""
        for named, value in zip(self.values, found, strict=True):
            if not (value == len(named) if named else value):
                return record_errors(load_reference(session), self.data)
        return []

    def settle(self, session: Session, found: Sequence[Any]) -> None:
        """503 or 422 as ``check_record`` answers, judged from ``found`` as ``errors``."""
        if errors := self.errors(session, found):
            raise _refused(errors)


def _refused(errors: list[tuple[str, str]]) -> Problem:
    """The 422 naming every unknown reference value of a record."""
    return Problem(422, "; ".join(f"{f}: {m}" for f, m in errors[:5]),
                   [{"field": f, "location": "json", "message": m} for f, m in errors])


def shape_columns(shape: tuple[bool, ...]) -> tuple[ColumnElement[Any], ...]:
    """The columns of a check of ``shape`` (``ReferenceCheck.shape``): none for an empty
    shape, else one per table (``reference_columns``)."""
    return reference_columns(shape) if shape else ()


@cache
def _check_statement(shape: tuple[bool, ...]) -> Select[Any]:
    return select(*reference_columns(shape))


def reference_errors(session: Session, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``record_errors`` of one record, asking only about the values it names: one
    statement when all are known (none when it names none); 503 without reference data."""
    check = ReferenceCheck.of(data)
    if not check.needed:
        return []  # nothing to check: no need for the reference tables either
    row: Row[Any] = session.execute(_check_statement(check.shape), check.params).one()
    return check.errors(session, row)


def check_record(session: Session, data: Mapping[str, Any]) -> None:
    """422 naming every unknown reference value of one record written through the API; 503
    without reference data. One statement (none when the record names no such value)."""
    if errors := reference_errors(session, data):
        raise _refused(errors)
