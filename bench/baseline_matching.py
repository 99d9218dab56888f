"""The PyPI ``matching`` package's student-optimal stable allocation, as a whole process.

``matching.games.HospitalResident`` with students as residents and offers as hospitals:

* a resident ranks its counted, eligible entries in list order — computed with leerplek's own
  eligibility code (``build_arrays`` + ``preference_arcs``), so both sides see the same lists;
* a hospital ranks exactly the residents who ranked it, priority students first, then by the
  seeded lottery (``solver.lottery.lottery_positions`` with the round's seed) — the order
  leerplek's deferred acceptance uses when there are no company rankings;
* capacity is the offer's capacity.

``matching`` cannot express reserved seats, hybrid environments, pinned placements or
``place_unranked``; the bench therefore runs it (and leerplek ``stable``) on a reduced round
without them, and this script refuses a round that still has any.

The package's ``HospitalResident.__init__`` always runs ``check_inputs`` (an
O(hospitals × residents) scan; ``clean=False`` only stops it from *changing* the input), so
the game is created through a subclass whose ``check_inputs`` does nothing. Everything else
is the package's own code path: ``create_from_dictionaries`` (including its defensive
``deepcopy``, which recurses through the linked player objects and needs a raised recursion
limit and a large thread stack) and ``solve(optimal="resident")``. With ``--checked`` the
package's own class is used, input checks included (they only warn; warnings are silenced).
Residents with no acceptable offer and offers of capacity 0 are left out, as the package's
algorithm cannot take them.

Usage: ``python bench/baseline_matching.py REDUCED_ROUND.json -o OUT.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so the bench can point at a code snapshot

from matching.games import HospitalResident  # noqa: E402

from solver.document import load_round  # noqa: E402
from solver.eligibility import build_arrays, preference_arcs  # noqa: E402
from solver.lottery import lottery_positions  # noqa: E402


class UncheckedHospitalResident(HospitalResident):  # type: ignore[misc]
    """The package's game with its input checks skipped (the inputs are consistent)."""

    def check_inputs(self) -> None:
        return None


def run(path: str, checked: bool = False) -> dict[str, object]:
    t0 = time.monotonic()
    rnd = load_round(path)
    t_load = time.monotonic() - t0
    if (rnd.environments or rnd.pinned or rnd.company_rankings or rnd.policy.place_unranked
            or any(o.reserved_priority or o.environment_id for o in rnd.offers)):
        raise SystemExit("baseline_matching: the round uses features matching cannot express "
                         "(environments, reserved seats, pinned, rankings, place_unranked)")

    t1 = time.monotonic()
    a = build_arrays(rnd)
    prefs = preference_arcs(rnd, a)
    lottery = lottery_positions([s.id for s in rnd.students], rnd.policy.seed)
    key = np.where(a.s_priority, 0, a.n_students) + lottery  # priority first, then the draw
    s_arc, o_arc = prefs.student, prefs.offer  # already in (student, rank) order
    usable = a.o_capacity[o_arc] > 0
    s_arc, o_arc = s_arc[usable], o_arc[usable]
    sid = [s.id for s in rnd.students]
    oid = [o.id for o in rnd.offers]

    resident_prefs: dict[str, list[str]] = {}
    for s, o in zip(s_arc.tolist(), o_arc.tolist(), strict=True):
        resident_prefs.setdefault(sid[s], []).append(oid[o])
    h_order = np.lexsort((key[s_arc], o_arc))
    hospital_prefs: dict[str, list[str]] = {}
    for o, s in zip(o_arc[h_order].tolist(), s_arc[h_order].tolist(), strict=True):
        hospital_prefs.setdefault(oid[o], []).append(sid[s])
    capacities = {h: int(a.o_capacity[a.offer_index[h]]) for h in hospital_prefs}
    t_prepare = time.monotonic() - t1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t2 = time.monotonic()
        game_class = HospitalResident if checked else UncheckedHospitalResident
        game = game_class.create_from_dictionaries(
            resident_prefs, hospital_prefs, capacities, clean=False)
        t_game = time.monotonic() - t2
        t3 = time.monotonic()
        result = game.solve(optimal="resident")
        t_solve = time.monotonic() - t3

    rank_of = {(sid[s], oid[o]): int(r) for s, o, r in
               zip(prefs.student.tolist(), prefs.offer.tolist(), prefs.rank.tolist(),
                   strict=True)}
    assignments = sorted((r.name, h.name) for h, rs in result.items() for r in rs)
    ranks = np.array([rank_of[p] for p in assignments], dtype=np.int64)
    prio_ids = {s.id for s in rnd.students if s.priority}
    k = rnd.policy.max_preferences
    profile = (np.bincount(ranks - 1, minlength=k + 1)[: k + 1] if ranks.size
               else np.zeros(k + 1, np.int64))
    return {
        "method": "matching_checked" if checked else "matching",
        "input_checks": checked,
        "status": "stable",
        "students": a.n_students,
        "residents": len(resident_prefs),
        "hospitals": len(hospital_prefs),
        "placed": len(assignments),
        "placed_priority": sum(1 for s, _ in assignments if s in prio_ids),
        "rank_sum": int(ranks.sum()),
        "rank_profile": [int(x) for x in profile],
        "load_seconds": round(t_load, 4),
        "prepare_seconds": round(t_prepare, 4),
        "game_seconds": round(t_game, 4),
        "solve_seconds": round(t_solve, 4),
        "assignments": assignments,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--checked", action="store_true",
                        help="use HospitalResident itself, with its input checks (clean=False)")
    args = parser.parse_args(argv)
    # deepcopy of the package's linked player objects recurses deeply: give it a big stack.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    box: dict[str, object] = {}

    def target() -> None:
        t0 = time.monotonic()
        box["out"] = run(args.round, args.checked)
        box["seconds"] = time.monotonic() - t0

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if "out" not in box:
        return 1
    out = box["out"]
    assert isinstance(out, dict)
    out["in_process_seconds"] = round(float(box["seconds"]), 4)  # type: ignore[arg-type]
    Path(args.output).write_text(json.dumps(out) + "\n", encoding="utf-8")
    print(f"matching: placed {out['placed']} priority {out['placed_priority']} rank sum "
          f"{out['rank_sum']} (game {out['game_seconds']} s, solve {out['solve_seconds']} s)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
