"""The regional monitor's figures: per finished round, region × sector × level × pathway.

Read live from the rounds a coordinator has finished (``rounds.lifecycle.transition``
"finish", audited there), with the round's own offers as they were kept when it finished
(``round_offer_rows``) and its participants by the one rule (``participants``). Every count
of students passes ``disclosure.suppress`` before it leaves this module; nothing about
priority status is read at all.

How a student is counted (one cell each, docs/MONITOR.md):

- placed (a proposal accepted or standing at the end): the region and sector of the place,
  the student's level, and the pathway taken there: ``HYBRID`` at an offer of a hybrid
  learning environment, ``BBL`` where student and offer both take BBL, else ``BOL``;
- not placed: the round's region in a regional round, else the first region the student
  accepts (else their school's), their sector and level, and their own pathway (``BBL`` when
  they take it, else ``BOL``, else ``HYBRID``).

A base cell's offers and seats are those of the offers open to its level and pathway (as the
dashboard's fill counts them), so a level's fill rate reads "how full are the places a student
of this level could take"; a total counts each offer open to any of its cells once. They count
no person and are never hidden.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.audit.log import now
from service.models import (
    Assignment,
    AssignmentStatus,
    MonitorFigures,
    Offer,
    Round,
    RoundStatus,
    School,
    Student,
    StudentRegion,
    mask_to_levels,
    mask_to_pathways,
)
from service.monitor.disclosure import THRESHOLD, suppress
from service.rounds.lifecycle import round_offer_rows
from service.rounds.participation import participants

BOL, BBL, HYBRID = "BOL", "BBL", "HYBRID"
PATHWAY_ORDER = (BOL, BBL, HYBRID)
# The published columns, in order: the CSV header and the JSON keys (docs/MONITOR.md).
COLUMNS = ("school_year", "round_id", "round_name", "region", "sector", "level", "pathway",
           "students_seeking", "offers", "seats", "placed", "unplaced", "fill_rate",
           "shortage_gain", "suppressed", "shortage_hidden")
DIMENSIONS = ("region", "sector", "level", "pathway")
COUNTS = ("students_seeking", "placed", "unplaced")
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), bron: Leerplek"
# The totals published beside the base cells: which dimensions each keeps (the rest summed).
TOTALS: tuple[tuple[str, ...], ...] = (
    ("region", "sector", "level"),  # the heat maps per level; the shortage gain sits here
    ("region",), ("sector",), ("level",), ("pathway",),  # trends, BOL against BBL, hybrid
    (),  # the round
)

Key = tuple[str, str, int, str]  # region, sector, level, pathway


def school_year(moment: dt.datetime | dt.date) -> str:
    """The Dutch school year a moment falls in: 1 August to 31 July, "2026-2027"."""
    start = moment.year if moment.month >= 8 else moment.year - 1
    return f"{start}-{start + 1}"


def round_school_year(rnd: Round) -> str:
    """A round belongs to the school year in which it was finished."""
    return school_year(rnd.finished_at or rnd.created_at)


def offer_pathways(pathway_mask: int, environment_id: int | None) -> list[str]:
    """The pathways an offer's seats count under: a hybrid learning environment's as
    ``HYBRID``, any other offer's as the BOL/BBL it takes. The one statement of this rule,
    for the cells and for the agreements' progress."""
    if environment_id is not None:
        return [HYBRID]
    plain = [p for p in mask_to_pathways(pathway_mask) if p != HYBRID]
    return plain or [HYBRID]


def student_pathway(pathway_mask: int) -> str:
    """The pathway an unplaced student counts under: BBL when they take it, else BOL."""
    own = mask_to_pathways(pathway_mask)
    return BBL if BBL in own else BOL if BOL in own else HYBRID


def placed_pathway(student_mask: int, offer_mask: int, environment_id: int | None) -> str:
    if environment_id is not None:
        return HYBRID
    both = set(mask_to_pathways(student_mask)) & set(mask_to_pathways(offer_mask))
    return BBL if BBL in both else BOL


@dataclass
class Cell:
    seeking: int = 0
    placed: int = 0


@dataclass
class OfferGroup:
    """Offers open to the same base cells: how many, and their seats."""

    cells: tuple[Key, ...]
    offers: int = 0
    seats: int = 0


@dataclass
class RoundData:
    """One round's students per base cell and its offers, before any suppression."""

    cells: dict[Key, Cell]
    offers: list[OfferGroup]


@dataclass
class RoundFigures:
    """One finished round's published rows (already suppressed), as dicts of ``COLUMNS``."""

    round_id: int
    round_name: str
    school_year: str
    finished_at: dt.datetime | None
    rows: list[dict[str, Any]] = field(default_factory=list)


def finished_rounds(session: Session, school_year_filter: str | None = None) -> list[Round]:
    rounds = list(session.scalars(select(Round).where(
        Round.status == RoundStatus.FINISHED.value).order_by(Round.finished_at, Round.id)))
    if school_year_filter is not None:
        rounds = [r for r in rounds if round_school_year(r) == school_year_filter]
    return rounds


def round_data(session: Session, rnd: Round) -> RoundData:
    """The base cells of one round, before any suppression (never published as such)."""
    cells: dict[Key, Cell] = defaultdict(Cell)
    first_region: dict[int, tuple[int, str]] = {}
    for student_id, region, position in session.execute(
            select(StudentRegion.student_id, StudentRegion.region, StudentRegion.position)
            .join(Student, Student.id == StudentRegion.student_id).where(participants(rnd))):
        if student_id not in first_region or position < first_region[student_id][0]:
            first_region[student_id] = (position, region)
    placed = and_(Assignment.student_id == Student.id, Assignment.round_id == rnd.id,
                  Assignment.status != AssignmentStatus.DECLINED.value)
    rows = session.execute(
        select(Student.id, Student.level, Student.sector, Student.pathway_mask, School.region,
               Offer.region, Offer.sector, Offer.pathway_mask, Offer.environment_id)
        .join(School, School.id == Student.school_id)
        .outerjoin(Assignment, placed).outerjoin(Offer, Offer.id == Assignment.offer_id)
        .where(participants(rnd)))
    for (sid, level, sector, s_mask, school_region,
         o_region, o_sector, o_mask, environment) in rows:
        if o_region is not None:
            key: Key = (o_region, o_sector, level, placed_pathway(s_mask, o_mask, environment))
            cells[key].placed += 1
        else:
            region = (rnd.region if rnd.school_id is None and rnd.region
                      else first_region.get(sid, (0, school_region))[1])
            key = (region, sector, level, student_pathway(s_mask))
        cells[key].seeking += 1
    groups: dict[tuple[Key, ...], OfferGroup] = {}
    kept = round_offer_rows()
    for region, sector, level_mask, o_mask, environment, capacity in session.execute(
            select(Offer.region, Offer.sector, Offer.level_mask, Offer.pathway_mask,
                   Offer.environment_id, kept.c.capacity)
            .join(kept, kept.c.offer_id == Offer.id).where(kept.c.round_id == rnd.id)):
        open_to = tuple((region, sector, level, pathway) for level, pathway in itertools.product(
            mask_to_levels(level_mask), offer_pathways(o_mask, environment)))
        group = groups.setdefault(open_to, OfferGroup(open_to))
        group.offers += 1
        group.seats += int(capacity or 0)
    return RoundData(dict(cells), list(groups.values()))


def _value(key: tuple[Any, ...], kept_dims: tuple[str, ...]) -> dict[str, Any]:
    return {d: (key[kept_dims.index(d)] if d in kept_dims else None) for d in DIMENSIONS}


def publish(rnd: Round, data: RoundData, shortage: list[dict[str, Any]],
            threshold: int = THRESHOLD) -> RoundFigures:
    """The round's base cells and totals as published rows, small counts suppressed with
    their complements (``disclosure.suppress``), the shortage gains on the
    region × sector × level rows."""
    keys = set(data.cells) | {k for g in data.offers for k in g.cells}
    regions = sorted({k[0] for k in keys})
    sectors = sorted({k[1] for k in keys})
    levels = sorted({k[2] for k in keys})
    pathways = [p for p in PATHWAY_ORDER if any(k[3] == p for k in keys)]
    # Every combination is a base cell: an unlisted one is a published zero, which a reader
    # may use as well, so the disclosure check must count it.
    base = list(itertools.product(regions, sectors, levels, pathways))
    index = {key: i for i, key in enumerate(base)}
    groups: list[tuple[tuple[str, ...], tuple[Any, ...], list[int]]] = [
        (DIMENSIONS, key, [i]) for i, key in enumerate(base)]
    for kept_dims in TOTALS:
        members: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for key, i in index.items():
            members[tuple(key[DIMENSIONS.index(d)] for d in kept_dims)].append(i)
        groups.extend((kept_dims, k, members[k]) for k in sorted(members))
    matrix = np.zeros((len(groups), len(base)), dtype=np.bool_)
    for r, (_dims, _key, members_of) in enumerate(groups):
        matrix[r, members_of] = True
    empty = Cell()
    seeking = np.array([data.cells.get(k, empty).seeking for k in base], dtype=np.int64)
    placed = np.array([data.cells.get(k, empty).placed for k in base], dtype=np.int64)
    # Which rows each group of offers is open to: an offer counts once in a row, however
    # many of the row's cells it is open to (a total's seats are real seats).
    reach = np.zeros((len(data.offers), len(base)), dtype=np.int64)
    for g, group in enumerate(data.offers):
        reach[g, [index[k] for k in group.cells]] = 1
    touched = (reach @ matrix.T.astype(np.int64)) > 0  # offer group × row
    offers = np.array([g.offers for g in data.offers], dtype=np.int64) @ touched
    seats = np.array([g.seats for g in data.offers], dtype=np.int64) @ touched
    hidden = suppress(matrix, matrix.astype(np.int64) @ seeking, threshold)
    gains = {(c["region"], c["sector"], int(c["level"])): int(c["would_place"])
             for c in shortage}
    figures = RoundFigures(rnd.id, rnd.name, round_school_year(rnd), rnd.finished_at)
    for r, (dims, key, _members) in enumerate(groups):
        row_seeking = int(matrix[r] @ seeking)
        row_seats = int(seats[r]) if len(data.offers) else 0
        if dims == DIMENSIONS and row_seeking == 0 and row_seats == 0 and not hidden[r]:
            continue  # an empty combination: its zeros are implied (docs/MONITOR.md)
        row_placed = int(matrix[r] @ placed)
        shown = not hidden[r]
        gain: int | None = None
        gain_hidden = False
        if dims == ("region", "sector", "level"):
            found = gains.get((key[0], key[1], int(key[2])))
            gain_hidden = found is not None and (not shown or 0 < found < threshold)
            gain = None if gain_hidden else found
        figures.rows.append({
            "school_year": figures.school_year, "round_id": rnd.id, "round_name": rnd.name,
            **_value(key, dims),
            "students_seeking": row_seeking if shown else None,
            "offers": int(offers[r]) if len(data.offers) else 0, "seats": row_seats,
            "placed": row_placed if shown else None,
            "unplaced": row_seeking - row_placed if shown else None,
            "fill_rate": round(row_placed / row_seats, 4) if shown and row_seats else None,
            "shortage_gain": gain, "suppressed": not shown, "shortage_hidden": gain_hidden})
    return figures


def monitor(session: Session, school_year_filter: str | None = None) -> list[RoundFigures]:
    """Every finished round's published figures, oldest first.

    A round's rows are computed once, the first time they are asked for, and kept
    (``MonitorFigures``) in the caller's transaction; two requests racing to keep the same
    round keep the first's (the same figures, from the same finished round). The round's name
    and school year are read afresh.
    """
    rounds = finished_rounds(session, school_year_filter)
    kept = {f.round_id: f.rows for f in session.scalars(select(MonitorFigures).where(
        MonitorFigures.round_id.in_([r.id for r in rounds])))}
    out = []
    for rnd in rounds:
        if rnd.id in kept:
            figures = RoundFigures(rnd.id, rnd.name, round_school_year(rnd), rnd.finished_at,
                                   [{**row, "round_name": rnd.name,
                                     "school_year": round_school_year(rnd)}
                                    for row in kept[rnd.id]])
        else:
            report = rnd.report or {}
            figures = publish(rnd, round_data(session, rnd), list(report.get("shortage", [])))
            _keep(session, rnd.id, figures.rows)
        out.append(figures)
    return out


def _keep(session: Session, round_id: int, published: list[dict[str, Any]]) -> None:
    values = {"round_id": round_id, "computed_at": now(), "rows": published}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(pg_insert(MonitorFigures).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(MonitorFigures).values(**values)
                        .on_conflict_do_nothing())


def rows(figures: list[RoundFigures]) -> list[dict[str, Any]]:
    return [row for f in figures for row in f.rows]
