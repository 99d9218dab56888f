"""The engine's optional progress callback: cheap, ordered, and without effect on the result."""

from __future__ import annotations

from seeds.generator import generate_round
from solver import allocate, parse_round
from solver.document import result_to_dict


def test_progress_steps_rise_to_done_and_leave_the_result_unchanged() -> None:
    rnd = parse_round(generate_round(300, seed=3))
    steps: list[tuple[str, float]] = []
    with_progress = allocate(rnd, progress=lambda step, share: steps.append((step, share)))
    fractions = [share for _, share in steps]
    assert steps[0] == ("building", 0.0) and steps[-1] == ("done", 1.0)
    assert fractions == sorted(fractions)
    assert {"placed", "explaining"} <= {step for step, _ in steps}
    plain = result_to_dict(allocate(rnd))
    reported = result_to_dict(with_progress)
    for doc in (plain, reported):
        doc["stats"].pop("build_seconds"), doc["stats"].pop("solve_seconds")
    assert reported == plain


def test_a_stable_round_reports_its_one_step() -> None:
    rnd = parse_round(generate_round(100, seed=1, policy={"objective": "stable"}))
    steps: list[str] = []
    allocate(rnd, progress=lambda step, _share: steps.append(step))
    assert steps == ["building", "stable", "done"]
