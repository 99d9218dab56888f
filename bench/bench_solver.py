"""Benchmark ``leerplek solve`` against a plain big-M min-cost flow and the ``matching`` package.

For each size a synthetic round is generated (``seeds.generator.generate_round``) into a
temporary directory, together with a *reduced* copy for the stable comparison. Every method
then runs as its own child process, so that wall time covers the whole process (interpreter
start, imports, load, eligibility, solve, write) and memory is that run's alone. CPU time
and ``ru_maxrss`` come from ``os.wait4`` on exactly that child (CPU includes any worker
processes it forked and reaped; ``ru_maxrss`` is the largest single process); because the
engine may fork workers, the whole process tree is also sampled with psutil (sum of RSS every
0.1 s, sum of PSS every 0.2 s for 10 s, then about once a second). "peak MB" is the larger
of the tree RSS sum and ``ru_maxrss``: an upper bound, since pages shared copy-on-write with
forked workers count once per process; PSS splits them and is the fairer total.

``leerplek``                ``python -m solver.cli solve ROUND -o RESULT`` (policy: optimal)
``baseline_flow``           ``bench/baseline_flow.py``: one network, big-M costs, same arcs
``leerplek_stable``         ``leerplek solve --objective stable`` on the full round
``leerplek_stable_reduced`` ``leerplek solve`` on the reduced round (objective stable)
``matching``                ``bench/baseline_matching.py`` on the reduced round
                            (``matching.games.HospitalResident``, input checks skipped)
``matching_checked``        the same with the package's input checks (10,000 only by default)

The reduced round drops what ``matching`` cannot express: hybrid environments (the offers
keep their own capacity, the shared environment capacity is gone) and reserved seats
(``reserved_priority`` = 0; offers still order priority students first). The generator makes
no pinned placements or company rankings, and ``place_unranked`` is off.

Checks (a failure makes the script exit non-zero after writing ``--out``): the baseline's
(priority placed, placed, rank sum) equals leerplek's ``optimal`` result; ``matching`` and
leerplek ``stable`` on the reduced round give the identical allocation (the student-optimal
stable matching is unique for strict preferences).

A further child, ``bench/leerplek_stages.py``, repeats leerplek's solve with timers around the
engine's parts, for a breakdown of where the time goes (not used for the targets).

Example: ``PYTHONPATH=. .venv/bin/python bench/bench_solver.py --sizes 10000,60000``;
``bench/bench_solver.py markdown OUT.json ...`` prints the tables of ``--out`` files as
Markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CODE = ROOT  # where the children import solver/ and seeds/ from (a snapshot by default)
PY = sys.executable
MB = 1024.0  # ru_maxrss is in KiB on Linux

PROVINCE, NATIONAL, SMALL = 60_000, 500_000, 10_000
TARGETS = {  # issue 16
    "province_wall_s": 4.0,
    "province_baseline_ratio": 3.0,  # leerplek at most a third of the plain baseline's time
    "province_peak_mb": 600.0,
    "national_wall_s": 40.0,
    "national_peak_mb": 8192.0,
    "stable_speedup_at_10k": 2.5,
}


# -- child processes ---------------------------------------------------------------------------


class TreeMemory:
    """Samples the memory of a process and all its descendants while it runs.

    The engine may fork worker processes; ``ru_maxrss`` only gives the largest single
    process, so the tree's total is sampled too: the sum of RSS every 0.1 s (an upper bound:
    copy-on-write pages shared with forked workers count once per process) and the sum of
    PSS (shared pages split between the processes sharing them) every 0.2 s for the first
    10 s, then about once a second, and whenever the number of processes changes. PSS
    means reading /proc/PID/smaps_rollup (~40 ms for a 3 GB process, under the process's
    memory-map lock), so it is sampled sparingly to keep the measurement from slowing the run.
    """

    RSS_EVERY = 0.1
    PSS_EVERY = 1.0  # after the first PSS_FAST_FOR seconds ...
    PSS_FAST, PSS_FAST_FOR = 0.2, 10.0  # ... before which short runs get enough samples

    def __init__(self, pid: int) -> None:
        self.rss_peak = 0
        self.pss_peak = 0
        self.max_processes = 1
        self._pid = pid
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self._pid)
        except psutil.Error:
            return
        last_pss, last_count = 0.0, 1
        started = time.monotonic()
        while not self._stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            self.max_processes = max(self.max_processes, len(procs))
            rss = 0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    rss += p.memory_info().rss
            self.rss_peak = max(self.rss_peak, rss)
            now = time.monotonic()
            every = self.PSS_FAST if now - started < self.PSS_FAST_FOR else self.PSS_EVERY
            if now - last_pss >= every or len(procs) != last_count:
                last_pss, last_count = now, len(procs)
                pss = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        pss += p.memory_full_info().pss
                self.pss_peak = max(self.pss_peak, pss)
            self._stop.wait(self.RSS_EVERY)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_child(cmd: list[str], log: Path, timeout: float, code_dir: Path | None = None
              ) -> dict[str, Any]:
    """Run ``cmd`` as one child; wall time around the whole process, its memory peaks.

    The child imports ``solver/`` from ``code_dir`` (default: the bench's code snapshot).
    """
    env = {**os.environ, "PYTHONPATH": str(code_dir or CODE)}
    load_before = os.getloadavg()
    code = code_digest(code_dir or CODE)
    with log.open("w") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=code_dir or CODE, env=env, stdout=err,
                                stderr=subprocess.STDOUT)
        memory = TreeMemory(proc.pid)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            # rusage of exactly this child (and its reaped descendants): CPU time summed,
            # ru_maxrss the largest single process.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            memory.stop()
        wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = log.read_text(errors="replace").strip().splitlines()[-12:]
    max_proc = usage.ru_maxrss / MB
    return {
        "cmd": [str(c) for c in cmd],
        "exit_code": proc.returncode,
        "timed_out": timed_out.is_set(),
        "timeout_s": timeout,
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        # the figure judged against the targets: the larger of the sampled tree RSS sum and
        # the exact single-process peak (sampling can miss a short peak)
        "peak_mb": round(max(memory.rss_peak / 2**20, max_proc), 1),
        "max_process_rss_mb": round(max_proc, 1),
        "tree_rss_peak_mb": round(memory.rss_peak / 2**20, 1),
        "tree_pss_peak_mb": round(memory.pss_peak / 2**20, 1),
        "max_processes": memory.max_processes,
        "code_sha256": code,
        "loadavg_1m_before": round(load_before[0], 2),
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "log_tail": tail,
    }


PIN_SHARE = 0.05  # share of students drawn for a pinned placement in the every-rule round


def pins_for(doc: dict[str, Any], share: float, seed: int) -> list[dict[str, str]]:
    """Pinned placements for about ``share`` of the students: each at the first eligible
    entry of the student's list, while that offer (its open seats for a non-priority student)
    and its environment have a seat left."""
    import numpy as np

    from solver.document import parse_round
    from solver.eligibility import build_arrays, preference_arcs

    rnd = parse_round(doc)
    a = build_arrays(rnd)
    prefs = preference_arcs(rnd, a)
    order = np.lexsort((prefs.rank, prefs.student))
    s_sorted = prefs.student[order]
    first = order[np.r_[True, s_sorted[1:] != s_sorted[:-1]]] if order.size else order
    drawn = np.random.default_rng(seed).random(first.size) < share
    seats = a.o_capacity.copy()
    open_seats = a.o_capacity - a.o_reserved
    env_seats = a.e_capacity.copy()
    pins = []
    for s, o in zip(prefs.student[first[drawn]].tolist(), prefs.offer[first[drawn]].tolist(),
                    strict=True):
        e, prio = int(a.o_environment[o]), bool(a.s_priority[s])
        if seats[o] <= 0 or (not prio and open_seats[o] <= 0) or (e >= 0 and env_seats[e] <= 0):
            continue
        seats[o] -= 1
        open_seats[o] -= not prio
        if e >= 0:
            env_seats[e] -= 1
        pins.append({"student_id": rnd.students[s].id, "offer_id": rnd.offers[o].id})
    return pins


def prepare(students: int, seed: int, directory: str, rules_max: int) -> int:
    """Child mode: write the full and the reduced round, and a description of both."""
    from seeds.generator import generate_round  # from PYTHONPATH: the code snapshot

    t0 = time.monotonic()
    doc = generate_round(students, seed)
    gen = time.monotonic() - t0
    base = Path(directory) / f"round-{students}-s{seed}"
    full, reduced = base.with_suffix(".json"), Path(f"{base}-reduced.json")
    with full.open("w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
    offers = doc["offers"]
    info = {
        "students": len(doc["students"]),
        "offers": len(offers),
        "seats": sum(o["capacity"] for o in offers),
        "priority_students": sum(bool(s["priority"]) for s in doc["students"]),
        "preferences": sum(len(s["preferences"]) for s in doc["students"]),
        "environments": len(doc.get("environments", [])),
        "environment_seats": sum(e["capacity"] for e in doc.get("environments", [])),
        "offers_in_environments": sum(o.get("environment_id") is not None for o in offers),
        "seats_in_environments": sum(o["capacity"] for o in offers
                                     if o.get("environment_id") is not None),
        "offers_with_reserved_seats": sum(o.get("reserved_priority", 0) > 0 for o in offers),
        "reserved_seats": sum(o.get("reserved_priority", 0) for o in offers),
        "pinned": len(doc.get("pinned", [])),
        "company_rankings": len(doc.get("company_rankings", {})),
        "policy": doc["policy"],
        "generate_seconds": round(gen, 3),
        "full_path": str(full),
        "full_bytes": full.stat().st_size,
    }
    doc["environments"] = []
    for o in offers:
        o["environment_id"] = None
        o["reserved_priority"] = 0
    doc["policy"]["objective"] = "stable"
    doc.pop("company_rankings", None)
    doc.pop("pinned", None)
    with reduced.open("w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
    info["reduced_path"] = str(reduced)
    if students <= rules_max:
        # The round with every rule: the generator's round (reserved seats, environments,
        # periods, travel limits) plus pinned placements from an earlier round.
        doc = json.loads(full.read_text(encoding="utf-8"))
        doc["pinned"] = pins_for(doc, PIN_SHARE, seed)
        rules = Path(f"{base}-rules.json")
        with rules.open("w", encoding="utf-8") as f:
            json.dump(doc, f, separators=(",", ":"))
        info["rules_path"] = str(rules)
        info["rules_pinned"] = len(doc["pinned"])
    Path(f"{base}-info.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return 0


# -- one size ----------------------------------------------------------------------------------


def methods_for(size: int, args: argparse.Namespace, full: str, reduced: str, out: Path,
                rules: str | None = None) -> list[tuple[str, list[str], str, float]]:
    """(method, command, output file, timeout) for every run at this size, in order."""
    cli = [PY, "-m", "solver.cli", "solve"]
    runs = [("leerplek", [*cli, full, "-o", str(out / "leerplek.json")],
             str(out / "leerplek.json"), args.timeout)]
    if not args.skip_baselines:
        runs.append(("baseline_flow",
                     [PY, str(BENCH / "baseline_flow.py"), full, "-o",
                      str(out / "baseline_flow.json")],
                     str(out / "baseline_flow.json"), args.timeout))
    if args.before:
        runs.append(("leerplek_before", [*cli, full, "-o", str(out / "leerplek_before.json")],
                     str(out / "leerplek_before.json"), args.timeout))
    if rules:
        runs.append(("leerplek_rules", [*cli, rules, "-o", str(out / "leerplek_rules.json")],
                     str(out / "leerplek_rules.json"), args.timeout))
        if args.before:
            runs.append(("leerplek_rules_before",
                         [*cli, rules, "-o", str(out / "leerplek_rules_before.json")],
                         str(out / "leerplek_rules_before.json"), args.timeout))
        if not args.skip_baselines:
            runs.append(("baseline_flow_rules",
                         [PY, str(BENCH / "baseline_flow.py"), rules, "-o",
                          str(out / "baseline_flow_rules.json")],
                         str(out / "baseline_flow_rules.json"), args.timeout))
    if not args.skip_stable_full:
        runs.append(("leerplek_stable",
                     [*cli, full, "--objective", "stable", "-o", str(out / "stable_full.json")],
                     str(out / "stable_full.json"), args.timeout))
    runs.append(("leerplek_stable_reduced",
                 [*cli, reduced, "-o", str(out / "stable_reduced.json")],
                 str(out / "stable_reduced.json"), args.timeout))
    if not args.skip_baselines and size <= args.matching_max:
        runs.append(("matching",
                     [PY, str(BENCH / "baseline_matching.py"), reduced, "-o",
                      str(out / "matching.json")],
                     str(out / "matching.json"), args.matching_timeout))
    if not args.skip_baselines and size in args.matching_checked_sizes:
        runs.append(("matching_checked",
                     [PY, str(BENCH / "baseline_matching.py"), reduced, "--checked", "-o",
                      str(out / "matching_checked.json")],
                     str(out / "matching_checked.json"), args.matching_timeout))
    return runs


def figures(method: str, path: str) -> dict[str, Any]:
    """The allocation figures of one run's output file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return {"error": f"no output: {exc}"}
    if method.startswith("leerplek"):
        st = data["stats"]
        return {
            "status": data["status"], "placed": st["placed"],
            "placed_priority": st["placed_priority"], "rank_sum": st["rank_sum"],
            "rank_profile": st["rank_profile"], "blocking_pairs": st["blocking_pairs"],
            "build_s": st["build_seconds"], "solve_s": st["solve_seconds"],
        }
    keep = ("status", "placed", "placed_priority", "rank_sum", "rank_profile", "M1", "M2",
            "load_seconds", "eligibility_seconds", "prepare_seconds", "game_seconds",
            "build_seconds", "solve_seconds", "in_process_seconds", "arcs", "nodes")
    out = {k: data[k] for k in keep if k in data}
    if "build_seconds" in data:
        out["build_s"], out["solve_s"] = data["build_seconds"], data["solve_seconds"]
    if "game_seconds" in data:
        out["build_s"], out["solve_s"] = data["game_seconds"], data["solve_seconds"]
    return out


def pairs_of(method: str, path: str) -> set[tuple[str, str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if method.startswith("leerplek"):
        return {(a["student_id"], a["offer_id"]) for a in data["assignments"]}
    return {(s, o) for s, o in data["assignments"]}


def bench_size(size: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    print(f"\n=== {size:,} students (seed {args.seed}) ===", flush=True)
    out = work / f"n{size}"
    out.mkdir(parents=True, exist_ok=True)
    prep = run_child([PY, __file__, "_prepare", str(size), str(args.seed), str(out),
                      str(args.rules_max)],
                     out / "prepare.log", args.timeout)
    if prep["exit_code"] != 0:
        raise SystemExit(f"generating {size} failed:\n" + "\n".join(prep["log_tail"]))
    info = json.loads((out / f"round-{size}-s{args.seed}-info.json").read_text())
    info["prepare_process"] = {k: prep[k] for k in ("wall_s", "peak_mb")}
    print(f"round: {info['students']:,} students, {info['offers']:,} offers, "
          f"{info['seats']:,} seats, {info['preferences']:,} preferences, "
          f"{info['full_bytes'] / 1e6:.0f} MB JSON (generated in {prep['wall_s']:.1f} s)",
          flush=True)
    runs = methods_for(size, args, info["full_path"], info["reduced_path"], out,
                       info.get("rules_path"))

    record: dict[str, Any] = {"round": info, "methods": {}}
    for repeat in range(args.repeat):
        for method, cmd, target, timeout in runs:
            Path(target).unlink(missing_ok=True)
            code_dir = Path(args.before) if method.endswith("_before") else None
            proc = run_child(cmd, out / f"{method}.{repeat}.log", timeout, code_dir)
            if proc["exit_code"] == 0:
                proc.update(figures(method, target))
            entry = record["methods"].setdefault(method, {"runs": []})
            entry["runs"].append(proc)
            state = ("TIMEOUT" if proc["timed_out"] else
                     "ok" if proc["exit_code"] == 0 else f"exit {proc['exit_code']}")
            print(f"  [{repeat + 1}/{args.repeat}] {method:24s} {proc['wall_s']:8.2f} s wall "
                  f"{proc['cpu_s']:8.2f} s cpu {proc['peak_mb']:8.0f} MB "
                  f"(PSS {proc['tree_pss_peak_mb']:.0f}, {proc['max_processes']} proc)  {state}"
                  f"  (load {proc['loadavg_1m_before']:.2f})", flush=True)
            if proc["exit_code"] != 0 and not proc["timed_out"]:
                print("      " + "\n      ".join(proc["log_tail"]), flush=True)
            if repeat == args.repeat - 1 and proc["exit_code"] == 0:
                entry["output"] = target  # keep the last output for the checks

    for entry in record["methods"].values():
        ok = [r for r in entry["runs"] if r["exit_code"] == 0]
        best = min(ok, key=lambda r: r["wall_s"]) if ok else entry["runs"][0]
        entry["best"] = {**best, "wall_s_all": [r["wall_s"] for r in entry["runs"]],
                         "peak_mb_max": max(r["peak_mb"] for r in entry["runs"]),
                         "pss_mb_max": max(r["tree_pss_peak_mb"] for r in entry["runs"]),
                         "processes_max": max(r["max_processes"] for r in entry["runs"])}

    breakdowns = [("stages", None)] + ([("stages_before", Path(args.before))]
                                        if args.before else [])
    for key, code_dir in ([] if args.no_breakdown else breakdowns):
        proc = run_child([PY, str(BENCH / "leerplek_stages.py"), info["full_path"], "-o",
                          str(out / f"{key}.json"), "--result", str(out / f"{key}-result.json")],
                         out / f"{key}.log", args.timeout, code_dir)
        if proc["exit_code"] == 0:
            record[key] = json.loads((out / f"{key}.json").read_text())
            record[key]["process"] = {k: proc[k] for k in ("wall_s", "cpu_s", "peak_mb",
                                                            "loadavg_1m_before")}
        else:
            record[key] = {"error": proc["log_tail"]}

    record["checks"] = checks(record)
    record["ratios"] = ratios(record)
    return record


def best(record: dict[str, Any], method: str) -> dict[str, Any] | None:
    entry = record["methods"].get(method)
    if not entry or entry["best"]["exit_code"] != 0:
        return None
    result: dict[str, Any] = entry["best"]
    return result


BASELINE_PAIRS = (("leerplek", "baseline_flow", "baseline_equals_optimal"),
                  ("leerplek_rules", "baseline_flow_rules", "baseline_equals_optimal_rules"),
                  ("leerplek", "leerplek_before", "before_equals_optimal"),
                  ("leerplek_rules", "leerplek_rules_before", "before_equals_optimal_rules"))


def checks(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mine, theirs, name in BASELINE_PAIRS:
        lp, bl = best(record, mine), best(record, theirs)
        if not (lp and bl):
            continue
        # Every leerplek run is checked, not only the fastest: a run that hits the policy's
        # time limit is faster *because* it stops early, with status `feasible`.
        key = ("placed_priority", "placed", "rank_sum")
        b = tuple(bl.get(k) for k in key)
        runs = [r for r in record["methods"][mine]["runs"] if r["exit_code"] == 0]
        bad = [r for r in runs
               if tuple(r.get(k) for k in key) != b or r.get("status") != "optimal"]
        out[name] = {
            "ok": not bad and bl.get("status") == "optimal",
            "baseline": dict(zip(key, b, strict=True)),
            "leerplek_runs": [{**{k: r.get(k) for k in key}, "status": r.get("status"),
                               "solve_s": r.get("solve_s"), "wall_s": r["wall_s"]}
                              for r in runs],
            "baseline_status": bl.get("status"),
        }
    st = record["methods"].get("leerplek_stable_reduced", {})
    for name in ("matching", "matching_checked"):
        mt = record["methods"].get(name, {})
        if st.get("output") and mt.get("output"):
            mine, theirs = pairs_of("leerplek", st["output"]), pairs_of(name, mt["output"])
            out[f"{name}_equals_stable"] = {
                "ok": mine == theirs,
                "leerplek_placed": len(mine), "matching_placed": len(theirs),
                "only_leerplek": len(mine - theirs), "only_matching": len(theirs - mine),
            }
        elif name in record["methods"]:
            out[f"{name}_equals_stable"] = {"ok": None, "note": "a run failed or timed out"}
    for name in ("leerplek_stable_reduced", "leerplek_stable"):
        runs = [r for r in record["methods"].get(name, {}).get("runs", [])
                if r["exit_code"] == 0]
        if runs:
            out[f"{name}_status"] = {"ok": all(r.get("status") == "stable" for r in runs),
                                     "statuses": [r.get("status") for r in runs],
                                     "blocking_pairs": [r.get("blocking_pairs") for r in runs]}
    return out


def ratios(record: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for mine, theirs, _ in BASELINE_PAIRS:
        lp, bl = best(record, mine), best(record, theirs)
        suffix = mine.removeprefix("leerplek")
        what = "before" if theirs.endswith("_before") else "baseline"
        if lp and bl:
            out[f"{what}_wall_over_leerplek_wall{suffix}"] = round(bl["wall_s"] / lp["wall_s"], 2)
            out[f"{what}_cpu_over_leerplek_cpu{suffix}"] = round(bl["cpu_s"] / lp["cpu_s"], 2)
    st = best(record, "leerplek_stable_reduced")
    for name in ("matching", "matching_checked"):
        mt = best(record, name)
        if st and mt:
            out[f"{name}_wall_over_stable_wall"] = round(mt["wall_s"] / st["wall_s"], 2)
            out[f"{name}_cpu_over_stable_cpu"] = round(mt["cpu_s"] / st["cpu_s"], 2)
            core_m = mt.get("build_s", 0) + mt.get("solve_s", 0)
            core_s = st.get("build_s", 0) + st.get("solve_s", 0)
            if core_s:
                out[f"{name}_core_over_stable_core"] = round(core_m / core_s, 2)
    return out


# -- report ------------------------------------------------------------------------------------


def table(size: int, record: dict[str, Any]) -> str:
    rows = [("method", "wall s", "cpu s", "peak MB", "PSS MB", "procs", "placed", "prio",
             "rank sum", "build+solve s", "status", "ratio")]
    ratio = record["ratios"]
    notes = {
        "baseline_flow": ratio.get("baseline_wall_over_leerplek_wall"),
        "baseline_flow_rules": ratio.get("baseline_wall_over_leerplek_wall_rules"),
        "leerplek_before": ratio.get("before_wall_over_leerplek_wall"),
        "leerplek_rules_before": ratio.get("before_wall_over_leerplek_wall_rules"),
        "matching": ratio.get("matching_wall_over_stable_wall"),
        "matching_checked": ratio.get("matching_checked_wall_over_stable_wall"),
    }
    labels = {"baseline_flow": "baseline/leerplek",
              "baseline_flow_rules": "baseline/leerplek (every rule)",
              "leerplek_before": "before/after", "leerplek_rules_before": "before/after",
              "matching": "matching/stable_reduced",
              "matching_checked": "matching/stable_reduced"}
    profiles = []
    for method, entry in record["methods"].items():
        b = entry["best"]
        if b["exit_code"] != 0:
            state = "TIMEOUT" if b["timed_out"] else f"exit {b['exit_code']}"
            rows.append((method, f"{b['wall_s']:.2f}", f"{b['cpu_s']:.2f}",
                         f"{b['peak_mb_max']:.0f}", "-", "-", "-", "-", "-", "-", state, ""))
            continue
        walls = b["wall_s_all"]
        wall = f"{b['wall_s']:.2f}" + (f" ({max(walls):.1f})" if len(walls) > 1 else "")
        core = (f"{b['build_s']:.2f}+{b['solve_s']:.2f}" if "build_s" in b else "-")
        r = notes.get(method)
        rows.append((method, wall, f"{b['cpu_s']:.2f}", f"{b['peak_mb_max']:.0f}",
                     f"{b['pss_mb_max']:.0f}", str(b["processes_max"]),
                     f"{b.get('placed', '-')}", f"{b.get('placed_priority', '-')}",
                     f"{b.get('rank_sum', '-')}", core, str(b.get("status", "-")),
                     f"{r:.2f}x {labels[method]}" if r is not None else ""))
        if "rank_profile" in b:
            profiles.append(f"  {method:24s} rank profile {b['rank_profile']}")
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"{size:,} students"]
    for j, row in enumerate(rows):
        lines.append("  " + "  ".join(c.ljust(w) if i in (0, 10, 11) else c.rjust(w)
                                      for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if j == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    lines += profiles
    for what, before in (("code", False), ("--before code", True)):
        digests = {json.dumps(r["code_sha256"], sort_keys=True)
                   for m, e in record["methods"].items() if m.endswith("_before") == before
                   for r in e["runs"]}
        if digests:
            lines.append(f"  {what}: " + (f"unchanged during this size {digests.pop()}"
                                          if len(digests) == 1
                                          else f"CHANGED between runs: {sorted(digests)}"))
    for name, check in record["checks"].items():
        verdict = {True: "OK", False: "FAILED", None: "not checked"}[check.get("ok")]
        detail = {k: v for k, v in check.items() if k != "ok"}
        lines.append(f"  check {name}: {verdict} {json.dumps(detail)}")
    for name, value in ratio.items():
        lines.append(f"  ratio {name}: {value}")
    for key, what in (("stages", ""), ("stages_before", ", the code of --before")):
        stages = record.get(key, {}).get("stages")
        if stages:
            lines.append(f"  where leerplek's time goes{what} (bench/leerplek_stages.py, one "
                         "more run):")
            for label, depth, seconds in stage_rows(stages):
                if seconds >= 0.05:
                    lines.append(f"    {seconds:8.2f} s  {'  ' * depth}{label}")
    return "\n".join(lines)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(name: str, measured: float | None, limit: float, ok: bool | None) -> None:
        out.append({"target": name, "measured": measured, "limit": limit, "met": ok})

    for size, wall_t, mem_t, label in ((PROVINCE, "province_wall_s", "province_peak_mb",
                                        "province"),
                                       (NATIONAL, "national_wall_s", "national_peak_mb",
                                        "national")):
        rec = results.get(str(size))
        if not rec:
            continue
        for method, what in (("leerplek", ""), ("leerplek_rules", ", every rule")):
            lp = best(rec, method)
            if method not in rec["methods"]:
                continue
            wall = lp["wall_s"] if lp else None
            peak = rec["methods"][method]["best"]["peak_mb_max"]
            pss = rec["methods"][method]["best"]["pss_mb_max"]
            add(f"{label} ({size:,}{what}): leerplek solve wall <= {TARGETS[wall_t]:g} s", wall,
                TARGETS[wall_t], wall is not None and wall <= TARGETS[wall_t])
            add(f"{label} ({size:,}{what}): leerplek solve memory <= {TARGETS[mem_t]:g} MB "
                f"(tree PSS; tree RSS sum {peak:.0f} MB)", pss, TARGETS[mem_t],
                lp is not None and 0 < pss <= TARGETS[mem_t])
            ratio = rec["ratios"].get("baseline_wall_over_leerplek_wall"
                                      + method.removeprefix("leerplek"))
            if size == PROVINCE and ratio is not None:
                limit = TARGETS["province_baseline_ratio"]
                add(f"{label} ({size:,}{what}): the plain baseline takes >= {limit:g}x "
                    "leerplek's wall time", ratio, limit, ratio >= limit)
    rec = results.get(str(SMALL))
    if rec and "matching_wall_over_stable_wall" in rec["ratios"]:
        r = rec["ratios"]["matching_wall_over_stable_wall"]
        add(f"{SMALL:,}: stable >= {TARGETS['stable_speedup_at_10k']:g}x faster than matching "
            "(whole process, input checks skipped)", r, TARGETS["stable_speedup_at_10k"],
            r >= TARGETS["stable_speedup_at_10k"])
    return out


def code_digest(root: Path = ROOT) -> dict[str, str]:
    """Digests of the engine and the generator, taken before each run."""
    out = {}
    for name, paths in (("solver", sorted((root / "solver").glob("*.py"))),
                        ("generator", [root / "seeds" / "generator.py"])):
        digest = hashlib.sha256()
        for p in paths:
            if p.exists():
                digest.update(p.name.encode() + p.read_bytes())
        out[name] = digest.hexdigest()[:16]
    return out


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(), "machine": platform.machine(),
        "python": platform.python_version(), "cpus": os.cpu_count(),
    }
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    for mod in ("numpy", "scipy", "ortools", "matching"):
        try:
            info[mod] = __import__(mod).__version__
        except Exception:
            info[mod] = None
    info["code_sha256_working_tree"] = code_digest()
    try:
        info["git_head"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                          capture_output=True, text=True).stdout.strip()
        info["git_dirty"] = subprocess.run(["git", "status", "--porcelain", "solver", "seeds"],
                                           cwd=ROOT, capture_output=True,
                                           text=True).stdout.split("\n")[:20]
    except OSError:
        pass
    return info


NAMES = {
    "leerplek": "`leerplek solve` (optimal)",
    "baseline_flow": "plain big-M min-cost flow",
    "leerplek_before": "`leerplek solve` (optimal), the code given by --before",
    "leerplek_rules": "`leerplek solve` (optimal), every rule (+ pinned)",
    "leerplek_rules_before": "`leerplek solve` (optimal), every rule, the code of --before",
    "baseline_flow_rules": "plain big-M min-cost flow, every rule (+ pinned)",
    "leerplek_stable": "`leerplek solve --objective stable`",
    "leerplek_stable_reduced": "`leerplek solve` stable, reduced round",
    "matching": "`matching` HR, checks skipped, reduced round",
    "matching_checked": "`matching` HR, with input checks, reduced round",
}


STAGE_ORDER = (  # (label prefix, depth) in call order, for the breakdown table
    ("load_round", 0), ("allocate", 0), ("problem.build_problem", 1), ("network.components", 1),
    ("network.build_network", 1), ("network.stage_costs", 1), ("flow.solve_lexicographic", 1),
    ("flow._solve", 2), ("flow.max_placement_flow", 2), ("flow.potentials", 2),
    ("stable.deferred_acceptance", 1), ("stable.count_blocking", 1),
    ("verify.blocking_pairs", 1), ("explain.build_result", 1), ("explain.reasons", 2),
    ("problem.assignments_from", 2), ("shortage.shortage_cells", 1), ("result_to_json", 0),
    ("write result", 0),
)


def stage_rows(stages: dict[str, dict[str, float]]) -> list[tuple[str, int, float]]:
    rows: list[tuple[str, int, float]] = []
    left = dict(stages)
    for prefix, depth in STAGE_ORDER:
        for key in [k for k in left if k.strip().startswith(prefix)]:
            rows.append((key.strip(), depth, left.pop(key)["seconds"]))
    rows += [(k.strip(), 0, v["seconds"]) for k, v in left.items()]
    return rows


def check_detail(check: dict[str, Any]) -> str:
    if "leerplek_runs" in check:
        b = check["baseline"]
        runs = "; ".join(f"{r['placed_priority']}, {r['placed']}, {r['rank_sum']} "
                         f"{r['status']} (solve {r['solve_s']:.1f} s)"
                         for r in check["leerplek_runs"])
        return (f"baseline (priority placed, placed, rank sum) = {b['placed_priority']}, "
                f"{b['placed']}, {b['rank_sum']}; leerplek runs: {runs}")
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in check.items() if k != "ok")


def breakdown_table(rec: dict[str, Any]) -> list[str]:
    """Where the time goes, after and (with ``--before``) before, side by side."""
    runs = [(key, rec[key]) for key in ("stages_before", "stages")
            if rec.get(key, {}).get("stages")]
    seconds = [{label: sec for label, _, sec in stage_rows(r["stages"])} for _, r in runs]
    order: list[tuple[str, int]] = []
    for _, r in runs:
        for label, depth, _ in stage_rows(r["stages"]):
            if (label, depth) not in order:
                order.append((label, depth))
    order.sort(key=lambda ld: next((i for i, (prefix, _) in enumerate(STAGE_ORDER)
                                    if ld[0].startswith(prefix)), len(STAGE_ORDER)))
    head = " | ".join("before (s)" if key == "stages_before" else "after (s)"
                      for key, _ in runs)
    out = ["Where `leerplek solve` spends its time (`bench/leerplek_stages.py`, one more run "
           "of each; indented rows are parts of the row above them; whole process: "
           + "; ".join(f"{'before' if key == 'stages_before' else 'after'} "
                       f"{r.get('process', {}).get('wall_s', 0):.2f} s wall, load "
                       f"{r.get('process', {}).get('loadavg_1m_before', '?')}"
                       for key, r in runs) + "):", "",
           f"| part | {head} |", "|---|" + "--:|" * len(runs)]
    for label, depth in order:
        values = [sec.get(label) for sec in seconds]
        if max((v or 0.0) for v in values) < 0.05:
            continue
        cells = " | ".join("-" if v is None else f"{v:.2f}" for v in values)
        out.append(f"| {'&nbsp;' * 4 * depth}{label} | {cells} |")
    return [*out, ""]


def markdown(paths: list[str]) -> str:
    """The tables of one or more ``--out`` files as Markdown (for docs/PERFORMANCE.md)."""
    lines: list[str] = []
    for path in paths:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
        code = report.get("code", {}).get("sha256", {})
        for size, rec in report["sizes"].items():
            r = rec["round"]
            lines += [f"#### {int(size):,} students ({Path(path).name})", "",
                      f"{r['students']:,} students, {r['offers']:,} offers, {r['seats']:,} seats, "
                      f"{r['preferences']:,} preferences, {r['priority_students']:,} priority; "
                      f"{r['environments']} environments over {r['offers_in_environments']:,} "
                      f"offers, {r['reserved_seats']:,} reserved seats on "
                      f"{r['offers_with_reserved_seats']:,} offers; "
                      f"{r['full_bytes'] / 1e6:.0f} MB JSON. Engine `{code.get('solver')}`, "
                      f"generator `{code.get('generator')}`.", "",
                      "| method | wall s (fastest; slowest) | CPU s | peak RSS MB (tree sum) | "
                      "PSS MB | procs | placed | priority placed | rank sum | build + solve s "
                      "| status |",
                      "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
            for method, entry in rec["methods"].items():
                b = entry["best"]
                walls = b["wall_s_all"]
                wall = f"{b['wall_s']:.2f}" + (f"; {max(walls):.2f}" if len(walls) > 1 else "")
                if b["exit_code"] != 0:
                    state = "timeout" if b["timed_out"] else f"exit {b['exit_code']}"
                    lines.append(f"| {NAMES.get(method, method)} | {wall} | {b['cpu_s']:.2f} | "
                                 f"{b['peak_mb_max']:.0f} | {b['pss_mb_max']:.0f} | | | | | | "
                                 f"{state} |")
                    continue
                core = f"{b['build_s']:.2f} + {b['solve_s']:.2f}" if "build_s" in b else ""
                lines.append(
                    f"| {NAMES.get(method, method)} | {wall} | {b['cpu_s']:.2f} | "
                    f"{b['peak_mb_max']:.0f} | {b['pss_mb_max']:.0f} | {b['processes_max']} | "
                    f"{b.get('placed', '')} | {b.get('placed_priority', '')} | "
                    f"{b.get('rank_sum', '')} | {core} | {b.get('status', '')} |")
            lines.append("")
            lines.append("Rank profiles (placed at rank 1..10, unranked):")
            lines.append("")
            for method, entry in rec["methods"].items():
                if "rank_profile" in entry["best"]:
                    lines.append(f"- {NAMES.get(method, method)}: "
                                 f"{entry['best']['rank_profile']}")
            lines.append("")
            if rec["ratios"]:
                lines.append("Ratios (fastest run each): " + "; ".join(
                    f"{k.replace('_', ' ')} **{v}**" for k, v in rec["ratios"].items()) + ".")
                lines.append("")
            for name, check in rec["checks"].items():
                verdict = {True: "OK", False: "FAILED", None: "not checked"}[check.get("ok")]
                lines.append(f"- check `{name}`: **{verdict}** ({check_detail(check)})")
            lines.append("")
            stages = rec.get("stages", {}).get("stages")
            if stages:
                lines += breakdown_table(rec)
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_prepare":
        return prepare(int(argv[1]), int(argv[2]), argv[3], int(argv[4]))
    if argv and argv[0] == "markdown":
        print(markdown(argv[1:]))
        return 0
    parser = argparse.ArgumentParser(description="Benchmark leerplek solve against baselines.")
    parser.add_argument("--sizes", default="10000,60000,500000",
                        help="comma-separated student counts (default 10000,60000,500000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-baselines", action="store_true",
                        help="run only leerplek (optimal and stable), not the baselines")
    parser.add_argument("--skip-stable-full", action="store_true",
                        help="skip leerplek stable on the full round")
    parser.add_argument("--no-breakdown", action="store_true",
                        help="skip the timed-stages run (bench/leerplek_stages.py)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per method (interleaved); the table shows the fastest")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds per leerplek / baseline-flow process (default 1800)")
    parser.add_argument("--matching-timeout", type=float, default=600.0,
                        help="seconds per matching process (default 600)")
    parser.add_argument("--matching-max", type=int, default=PROVINCE,
                        help="run matching only up to this many students (default 60000)")
    parser.add_argument("--matching-checked-sizes", default=str(SMALL),
                        help="sizes at which to also run matching with its input checks "
                             "(default 10000; empty for none)")
    parser.add_argument("--rules-max", type=int, default=PROVINCE,
                        help="also run the every-rule round (the generator's round plus "
                             "pinned placements) up to this many students (default 60000)")
    parser.add_argument("--before", metavar="DIR",
                        help="also run `leerplek solve` (generator and every-rule round) with "
                             "the solver/ of DIR, e.g. an export of an earlier commit: "
                             "`git archive COMMIT solver seeds | tar -x -C DIR`")
    parser.add_argument("--workdir", help="directory for rounds and results (default: a new "
                                          "temporary directory under /tmp, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="run the working tree's solver/ and seeds/ instead of a copy taken "
                             "at start (the copy keeps one code version for the whole bench)")
    parser.add_argument("--out", default=str(BENCH / "out" / "solver.json"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.matching_checked_sizes = {int(s) for s in args.matching_checked_sizes.split(",")
                                   if s.strip()}

    work = Path(args.workdir) if args.workdir else Path(
        tempfile.mkdtemp(prefix="leerplek-bench-", dir="/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "command": " ".join([PY, *sys.argv]),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(), "targets_spec": TARGETS, "sizes": {},
    }
    global CODE
    if not args.no_snapshot:
        CODE = work / "code"
        for pkg in ("solver", "seeds"):
            shutil.copytree(ROOT / pkg, CODE / pkg, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
    report["code"] = {"path": str(CODE), "snapshot": not args.no_snapshot,
                      "sha256": code_digest(CODE)}
    print(f"machine: {report['machine']}", flush=True)
    print(f"code: {report['code']}", flush=True)
    print(f"work directory: {work}", flush=True)
    failures: list[str] = []
    try:
        for size in sizes:
            record = bench_size(size, args, work)
            report["sizes"][str(size)] = record
            report["targets"] = targets(report["sizes"])
            out_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
            print("\n" + table(size, record), flush=True)
            for name, check in record["checks"].items():
                if check.get("ok") is False:
                    failures.append(f"{size}: {name}: {json.dumps(check)}")
            if not args.keep:
                for p in (work / f"n{size}").glob("*.json"):
                    p.unlink()
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    out_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print("\ntargets:")
    for t in report.get("targets", []):
        verdict = {True: "met", False: "NOT MET", None: "n/a"}[t["met"]]
        print(f"  {verdict:8s} {t['target']}: measured {t['measured']}")
    print(f"\nraw figures: {out_path}")
    if failures:
        print("\nCHECKS FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        raise AssertionError("; ".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
