"""The engine's modules import each other without cycles, at the top of each file."""

from __future__ import annotations

import ast
from pathlib import Path

SOLVER = Path(__file__).resolve().parents[1] / "solver"


def _solver_imports(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    """(imported solver module, node) for every import of a solver module, wherever it is."""
    out: list[tuple[str, ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                out.append((node.module.split(".")[0], node))
            elif node.level == 1:
                out += [(alias.name, node) for alias in node.names]
            elif node.module and node.module.startswith("solver."):
                out.append((node.module.split(".")[1], node))
        elif isinstance(node, ast.Import):
            out += [(alias.name.split(".")[1], node) for alias in node.names
                    if alias.name.startswith("solver.")]
    return out


def _graph() -> dict[str, set[str]]:
    modules = {p.stem for p in SOLVER.glob("*.py")} - {"__init__"}
    graph: dict[str, set[str]] = {}
    for name in modules:
        tree = ast.parse((SOLVER / f"{name}.py").read_text())
        graph[name] = {m for m, _ in _solver_imports(tree) if m in modules}
    return graph


def test_solver_modules_import_each_other_without_a_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep):], dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


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
