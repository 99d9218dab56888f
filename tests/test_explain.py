"""Explanations: the shortage analysis is exact, and every unplaced student has a reason."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from solver import allocate, load_round, parse_round
from solver.model import Round

from .conftest import CONFORMANCE


def _grow_cell(rnd: Round, region: str, sector: str, level: int, extra: int) -> Round:
    offers = tuple(
        replace(o, capacity=o.capacity + extra)
        if (o.region, o.sector) == (region, sector) and level in o.levels else o
        for o in rnd.offers)
    return replace(rnd, offers=offers)


@pytest.mark.parametrize("name", ["c01-optimal-features", "c05-pinned", "c06-edge-entries"])
def test_shortage_gain_equals_resolving_with_more_seats(name: str) -> None:
    # Without environments the extra seats the analysis adds are exactly "more capacity".
    rnd = load_round(CONFORMANCE / f"{name}.json")
    rnd = replace(rnd, environments=(), offers=tuple(
        replace(o, environment_id=None) for o in rnd.offers))
    base = allocate(rnd)
    assert base.shortage, "the conformance rounds have unplaced students"
    for cell in base.shortage[:4]:
        grown = allocate(_grow_cell(rnd, cell.region, cell.sector, cell.level,
                                    len(rnd.students)))
        assert grown.stats.placed - base.stats.placed == cell.would_place, cell


def test_shortage_cells_are_sorted_by_gain() -> None:
    result = allocate(load_round(CONFORMANCE / "c06-edge-entries.json"))
    gains = [c.would_place for c in result.shortage]
    assert gains == sorted(gains, reverse=True)


def _reasons(doc: dict[str, Any]) -> dict[str, str]:
    return {u.student_id: u.reason for u in allocate(parse_round(doc)).unassigned}


def test_reason_no_preferences(small_doc: dict[str, Any]) -> None:
    small_doc["students"][0]["preferences"] = []
    assert _reasons(small_doc)["st-1"] == "no_preferences"


def test_reason_no_eligible_offer(small_doc: dict[str, Any]) -> None:
    small_doc["students"][0]["regions"] = ["regio-zwolle"]
    assert _reasons(small_doc)["st-1"] == "no_eligible_offer"


def test_no_list_and_no_eligible_offer_is_no_eligible_offer(small_doc: dict[str, Any]) -> None:
    # docs/ENGINE.md: no eligible offer comes first; no list could have placed the student.
    small_doc["students"][0]["preferences"] = []
    small_doc["students"][0]["regions"] = ["regio-zwolle"]
    assert _reasons(small_doc)["st-1"] == "no_eligible_offer"


def test_reason_preferences_ineligible(small_doc: dict[str, Any]) -> None:
    # st-1 may go to of-1 but lists only an offer of another sector.
    small_doc["students"][0]["preferences"] = ["of-2"]
    assert _reasons(small_doc)["st-1"] == "preferences_ineligible"


def test_reason_outcompeted_names_the_full_offer(small_doc: dict[str, Any]) -> None:
    # of-2 sits in an environment of capacity 1; the priority student st-2 takes it.
    result = allocate(parse_round(small_doc))
    lost = {u.student_id: u for u in result.unassigned}["st-3"]
    assert lost.reason == "outcompeted" and lost.offers == ("of-2",)
    assert "of-2" in lost.detail


def _lost(doc: dict[str, Any]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per outcompeted student: (offer, why its seat was not free) per lost offer."""
    return {u.student_id: tuple(zip(u.offers, u.seat_reasons, strict=True))
            for u in allocate(parse_round(doc)).unassigned if u.reason == "outcompeted"}


def test_seat_reason_full_when_others_took_every_seat(small_doc: dict[str, Any]) -> None:
    # Two students for of-1's one seat: whoever loses, lost it because the offer was full.
    twin = dict(small_doc["students"][0], id="st-4")
    small_doc["students"].append(twin)
    lost = _lost(small_doc)
    [loser] = set(lost) & {"st-1", "st-4"}
    assert lost[loser] == (("of-1", "full"),)


def test_seat_reason_reserved_when_the_free_seat_is_kept_for_priority(
        small_doc: dict[str, Any]) -> None:
    # of-2 has 2 seats, 1 reserved for priority, no environment; two students without
    # priority want it: one gets the open seat, the other finds only the reserved one free.
    small_doc["offers"][1]["environment_id"] = None
    small_doc["students"][1]["preferences"] = []  # st-2 (priority) does not compete
    twin = dict(small_doc["students"][2], id="st-4", preferences=["of-2"])
    small_doc["students"].append(twin)
    lost = _lost(small_doc)
    [loser] = set(lost) & {"st-3", "st-4"}
    assert lost[loser] == (("of-2", "reserved"),)


def test_seat_reason_environment_full_when_the_offer_still_has_a_seat(
        small_doc: dict[str, Any]) -> None:
    # of-2 keeps a seat (2 seats, 1 taken by st-2), but its environment (capacity 1) is full.
    assert _lost(small_doc)["st-3"] == (("of-2", "environment_full"),)


def test_the_seat_reasons_survive_the_result_document(small_doc: dict[str, Any]) -> None:
    import json

    from solver.document import parse_result, result_to_dict, result_to_json

    result = allocate(parse_round(small_doc))
    doc = result_to_dict(result)
    assert json.loads(result_to_json(result)) == doc
    [entry] = [u for u in doc["unassigned"] if u["student_id"] == "st-3"]
    assert entry["offers"] == ["of-2"] and entry["seat_reasons"] == ["environment_full"]
    assert parse_result(doc).unassigned == result.unassigned


def test_an_ineligible_entry_warning_names_the_rules_it_breaks(
        small_doc: dict[str, Any]) -> None:
    # st-1 (level 2, gastvrijheid) lists of-2 (level 3 only, zorg-welzijn, no qualifications).
    small_doc["students"][0]["preferences"] = ["of-2", "of-1"]
    result = allocate(parse_round(small_doc))
    [warning] = [w for w in result.warnings if w.code == "ineligible_offer"]
    assert (warning.student_id, warning.offer_id) == ("st-1", "of-2")
    assert warning.rules == ("level", "sector")
    assert "level, sector" in warning.message


def test_verify_flags_a_wrong_seat_reason(small_doc: dict[str, Any]) -> None:
    from solver import verify

    rnd = parse_round(small_doc)
    result = allocate(rnd)
    assert verify(rnd, result) == []
    wrong = replace(result, unassigned=tuple(
        replace(u, seat_reasons=("full",)) if u.student_id == "st-3" else u
        for u in result.unassigned))
    assert any("seat reasons" in v for v in verify(rnd, wrong))


def test_place_unranked_places_a_student_with_no_list(small_doc: dict[str, Any]) -> None:
    small_doc["students"][0]["preferences"] = []
    small_doc["policy"]["place_unranked"] = True
    result = allocate(parse_round(small_doc))
    placed = {a.student_id: a for a in result.assignments}
    assert placed["st-1"].offer_id == "of-1" and placed["st-1"].rank is None
    assert result.stats.unranked_placed == 1


def test_time_limit_gives_a_valid_unproven_allocation() -> None:
    from solver import verify

    rnd = load_round(CONFORMANCE / "c06-edge-entries.json")
    proven = allocate(rnd)
    rnd = replace(rnd, policy=replace(rnd.policy, time_limit_s=1e-9))
    result = allocate(rnd)
    assert result.status == "feasible" and not result.proven
    assert "time limit" in result.message
    assert verify(rnd, result) == []
    # The placement stages always finish: a stage cut by the deadline keeps their flow.
    assert (result.stats.placed_priority, result.stats.placed) == (
        proven.stats.placed_priority, proven.stats.placed)


def test_pinned_seats_over_capacity_are_an_infeasible_answer(small_doc: dict[str, Any]) -> None:
    small_doc["pinned"] = [{"student_id": "st-2", "offer_id": "of-2"},
                           {"student_id": "st-3", "offer_id": "of-2"}]
    result = allocate(parse_round(small_doc))
    assert result.status == "infeasible" and result.assignments == ()
    assert "env-1" in result.message


def test_parallel_stages_and_shortage_give_the_same_result(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    import solver.flow
    import solver.shortage

    rnd = load_round(CONFORMANCE / "c05-pinned.json")
    monkeypatch.setenv("LEERPLEK_SOLVER_WORKERS", "1")
    sequential = allocate(rnd)
    monkeypatch.setenv("LEERPLEK_SOLVER_WORKERS", "2")
    monkeypatch.setattr(solver.flow, "PARALLEL_MIN_ARCS", 0)
    monkeypatch.setattr(solver.shortage, "PARALLEL_MIN_ARCS", 0)
    parallel = allocate(rnd)
    assert parallel.assignments == sequential.assignments
    assert parallel.shortage == sequential.shortage
    assert parallel.stats.rank_profile == sequential.stats.rank_profile


def test_allocations_in_threads_side_by_side_match_their_sequential_results(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The forked workers read the running chain and residual graphs from module globals:
    # two threads allocating at once must not hand each other's networks to their workers.
    from concurrent.futures import ThreadPoolExecutor

    import solver.flow
    import solver.shortage

    monkeypatch.setenv("LEERPLEK_SOLVER_WORKERS", "2")
    monkeypatch.setattr(solver.flow, "PARALLEL_MIN_ARCS", 0)
    monkeypatch.setattr(solver.shortage, "PARALLEL_MIN_ARCS", 0)
    names = ("c05-pinned", "c01-optimal-features")
    rounds = [load_round(CONFORMANCE / f"{name}.json") for name in names]
    sequential = [allocate(rnd) for rnd in rounds]
    with ThreadPoolExecutor(max_workers=4) as pool:
        side_by_side = list(pool.map(allocate, rounds * 3))
    for i, result in enumerate(side_by_side):
        expected = sequential[i % 2]
        assert result.assignments == expected.assignments
        assert result.shortage == expected.shortage


@pytest.mark.parametrize("name", ["c01-optimal-features", "c04-place-unranked", "c05-pinned",
                                  "c06-edge-entries"])
def test_the_shortage_starts_from_the_outcompeted_students_that_have_arcs(name: str) -> None:
    # The analysis starts before the reasons are written, so it picks its students itself.
    from solver.model import OUTCOMPETED
    from solver.network import solve
    from solver.problem import build_problem
    from solver.shortage import lost_students

    rnd = load_round(CONFORMANCE / f"{name}.json")
    p = build_problem(rnd)
    lost = {rnd.students[i].id for i in lost_students(p, solve(p, lambda *_: None).picked)}
    with_arc = {rnd.students[i].id for i in set(p.arc_student.tolist())}
    told = {u.student_id for u in allocate(rnd).unassigned if u.reason == OUTCOMPETED}
    assert lost, "the round has outcompeted students"
    assert lost == told & with_arc
