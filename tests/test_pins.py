"""A pinned placement keeps the rank it was made at: kept placements are not unranked."""

from __future__ import annotations

import dataclasses
from typing import Any

from solver.document import parse_round, round_to_dict
from solver.engine import allocate
from solver.model import Pin


def test_a_pin_counts_at_the_rank_it_was_made_at(small_doc: dict[str, Any]) -> None:
    rnd = parse_round(small_doc)
    # st-1 keeps of-1, which it no longer lists here: counted at the rank it had (2).
    students = tuple(dataclasses.replace(s, preferences=()) if s.id == "st-1" else s
                     for s in rnd.students)
    rnd = dataclasses.replace(rnd, students=students, pinned=(Pin("st-1", "of-1", 2),))
    result = allocate(rnd)
    kept = next(a for a in result.assignments if a.student_id == "st-1")
    assert kept.pinned and kept.rank == 2
    assert result.stats.rank_profile[1] >= 1 and result.stats.unranked_placed == 0


def test_a_pin_without_a_rank_and_without_a_list_entry_is_unranked(
        small_doc: dict[str, Any]) -> None:
    rnd = parse_round(small_doc)
    students = tuple(dataclasses.replace(s, preferences=()) if s.id == "st-1" else s
                     for s in rnd.students)
    result = allocate(dataclasses.replace(rnd, students=students,
                                          pinned=(Pin("st-1", "of-1"),)))
    assert result.stats.unranked_placed == 1


def test_a_pins_rank_survives_the_round_document(small_doc: dict[str, Any]) -> None:
    small_doc["pinned"] = [{"student_id": "st-1", "offer_id": "of-1", "rank": 3}]
    rnd = parse_round(small_doc)
    assert rnd.pinned == (Pin("st-1", "of-1", 3),)
    assert round_to_dict(rnd)["pinned"] == small_doc["pinned"]
