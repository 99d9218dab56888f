"""Fail when a module of the given packages (default service and solver) imports itself
through other modules.

import-linter's contracts (pyproject.toml) keep the layers; this checks what layers with
sibling features cannot: no cycle at all between modules, lazy imports included (grimp reads
imports inside functions too). Run by `make lint` and `make test`.
"""

from __future__ import annotations

import sys

import grimp


def cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root) & modules)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(
                    graph.find_modules_directly_imported_by(child) & modules))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def main(packages: list[str]) -> int:
    graph = grimp.build_graph(*packages)
    modules = {m for m in graph.modules if m.split(".")[0] in packages}
    found = cycles(graph, modules)
    for group in found:
        print("import cycle between: " + ", ".join(group), file=sys.stderr)
    if found:
        return 1
    print(f"no import cycles among {len(modules)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["service", "solver"]))
