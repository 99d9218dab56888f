"""The engine's imports sit at the top of each file (cycles: .ci/import_cycles.py)."""

from __future__ import annotations

import ast
from pathlib import Path

SOLVER = Path(__file__).resolve().parents[1] / "solver"


def _explained(lines: list[str], lineno: int) -> bool:
    """A comment right above the import, or above the block of imports it belongs to."""
    i = lineno - 2
    while i >= 0 and lines[i].strip().startswith(("from ", "import ")):
        i -= 1
    return i >= 0 and lines[i].strip().startswith("#")


def test_solver_imports_sit_at_the_top_of_each_file() -> None:
    # A deliberate lazy import (a heavy optional dependency) says why on the line above it.
    late = []
    for path in sorted(SOLVER.glob("*.py")):
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if (isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top
                    and not _explained(lines, node.lineno)):
                late.append(f"{path.name}:{node.lineno}")
    assert late == []
