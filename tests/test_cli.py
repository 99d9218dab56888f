"""The command line: solve, verify and generate, and clean failures on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from solver.cli import main

from .conftest import CONFORMANCE


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "solver.cli", *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )


def test_solve_then_verify(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    assert main(["solve", str(CONFORMANCE / "c01-optimal-features.json"), "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["format"] == "leerplek-result/1" and doc["status"] == "optimal"
    assert main(["verify", str(CONFORMANCE / "c01-optimal-features.json"), str(out)]) == 0


def test_verify_fails_on_a_tampered_result(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    main(["solve", str(CONFORMANCE / "c01-optimal-features.json"), "-o", str(out)])
    doc = json.loads(out.read_text())
    doc["stats"]["placed"] += 1
    out.write_text(json.dumps(doc))
    assert main(["verify", str(CONFORMANCE / "c01-optimal-features.json"), str(out)]) == 1


def test_compare_reports_every_objective(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    main(["solve", str(CONFORMANCE / "c01-optimal-features.json"), "-o", str(out), "--compare"])
    doc = json.loads(out.read_text())
    assert [c["objective"] for c in doc["comparison"]] == ["optimal", "rank_maximal", "stable"]
    optimal, rank_maximal, _ = doc["comparison"]
    assert optimal["placed"] == rank_maximal["placed"] == doc["stats"]["placed"]
    assert optimal["rank_sum"] <= rank_maximal["rank_sum"]
    assert rank_maximal["rank_profile"][0] >= optimal["rank_profile"][0]


def test_bad_document_exits_2_naming_the_field(tmp_path: Path, small_doc: dict[str, Any]) -> None:
    small_doc["students"][1]["level"] = 7
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(small_doc))
    proc = run_cli("solve", str(bad))
    assert proc.returncode == 2
    assert "students[1].level" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_invalid_json_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    proc = run_cli("solve", str(bad))
    assert proc.returncode == 2 and "not valid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_file_exits_2() -> None:
    proc = run_cli("solve", "/nonexistent/round.json")
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_verify_accepts_a_result_solved_with_another_objective(tmp_path: Path) -> None:
    # The round's policy says `optimal`; the result was made with `--objective stable`.
    round_path = str(CONFORMANCE / "c01-optimal-features.json")
    out = tmp_path / "result.json"
    assert main(["solve", round_path, "--objective", "stable", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["objective"] == "stable"
    proc = run_cli("verify", round_path, str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "objective" not in proc.stdout


def test_verify_still_checks_the_objective_the_result_names(tmp_path: Path) -> None:
    # A result that claims `stable` is checked as a stable allocation: an optimal one is not.
    round_path = str(CONFORMANCE / "c01-optimal-features.json")
    out = tmp_path / "result.json"
    main(["solve", round_path, "-o", str(out)])
    doc = json.loads(out.read_text())
    doc["objective"] = "stable"
    out.write_text(json.dumps(doc))
    assert main(["verify", round_path, str(out)]) == 1


def test_generate_refuses_a_negative_student_count() -> None:
    proc = run_cli("generate", "--students", "-5")
    assert proc.returncode == 2
    assert "--students" in proc.stderr and "Traceback" not in proc.stderr


def test_several_document_errors_are_each_printed_once(
        tmp_path: Path, small_doc: dict[str, Any]) -> None:
    small_doc["students"][0]["level"] = 7
    small_doc["students"][1]["level"] = 9
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(small_doc))
    proc = run_cli("solve", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.count("students[0].level") == 1
    assert proc.stderr.count("students[1].level") == 1


def _modules_after(code: str) -> set[str]:
    probe = (f"import sys\n{code}\n"
             "print(' '.join(m for m in ('flask', 'sqlalchemy', 'ortools', 'scipy') "
             "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], check=True)
    return set(proc.stdout.split())


def test_the_command_pays_only_for_what_it_uses(tmp_path: Path) -> None:
    # `leerplek` itself loads no web framework; a stable round loads no flow solver, and no
    # round loads SciPy (the engine's graph searches are solver.graph's).
    assert _modules_after("import service.cli") == set()
    stable = (f"from solver.cli import main\n"
              f"main(['solve', {str(CONFORMANCE / 'c01-optimal-features.json')!r}, "
              f"'--objective', 'stable', '-o', {str(tmp_path / 'r.json')!r}])")
    assert _modules_after(stable) == set()
    optimal = stable.replace("'--objective', 'stable', ", "")
    assert _modules_after(optimal) == {"ortools"}


def test_no_shortage_skips_only_the_shortage_analysis(tmp_path: Path) -> None:
    round_path = str(CONFORMANCE / "c05-pinned.json")
    with_it, without = tmp_path / "with.json", tmp_path / "without.json"
    assert main(["solve", round_path, "-o", str(with_it)]) == 0
    assert main(["solve", round_path, "--no-shortage", "-o", str(without)]) == 0
    a, b = json.loads(with_it.read_text()), json.loads(without.read_text())
    assert a["shortage"] and b["shortage"] == []
    assert a["assignments"] == b["assignments"] and a["unassigned"] == b["unassigned"]


def test_solve_runs_without_cyclic_garbage_collection(tmp_path: Path,
                                                      monkeypatch: Any) -> None:
    # The round's objects would otherwise be walked again by the first collections after
    # reading (docs/PERFORMANCE.md, issue 16); the collector is back on afterwards.
    import gc

    import solver.cli

    seen: list[bool] = []
    real = solver.cli.allocate

    def watching(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(solver.cli, "allocate", watching)
    enabled = gc.isenabled()
    out = tmp_path / "result.json"
    assert main(["solve", str(CONFORMANCE / "c01-optimal-features.json"), "-o", str(out)]) == 0
    assert seen == [False]
    assert gc.isenabled() == enabled
