"""Architecture rules of the package, checked on the source (issue 9's "Done when").

- the library never imports typer or rich (only ``custdata.cli`` talks to people);
- ``custdata.normalize`` imports neither ``custdata.dedupe`` nor ``custdata.segment``;
- ``custdata.io`` imports nothing of custdata but ``custdata.errors``;
- no import cycles between custdata modules (imports inside functions count too);
- no module over 600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "custdata"
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """custdata modules that ``name`` imports anywhere in its body (resolved to known modules)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "lazy_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            targets = [str(node.args[0].value)]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("custdata"):
                found.add(target)
    return found


def _third_party(name: str) -> set[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            roots.add(node.module.split(".")[0])
    return roots


LIBRARY = [m for m in MODULES if not m.startswith("custdata.cli") and m != "custdata.__main__"]


@pytest.mark.parametrize("module", LIBRARY)
def test_library_never_imports_typer_or_rich(module: str) -> None:
    assert not ({"typer", "rich", "click"} & _third_party(module))


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("custdata.normalize")])
def test_normalize_does_not_import_dedupe_or_segment(module: str) -> None:
    bad = {m for m in _imports(module) if m.startswith(("custdata.dedupe", "custdata.segment"))}
    assert not bad


@pytest.mark.parametrize("module", [m for m in MODULES if m == "custdata.io" or m.startswith("custdata.io.")])
def test_io_imports_only_errors(module: str) -> None:
    allowed = {"custdata.errors"} | {m for m in MODULES if m == "custdata.io" or m.startswith("custdata.io.")}
    assert _imports(module) <= allowed


def test_no_import_cycles() -> None:
    # A package's __init__ re-exporting its own modules is not a cycle: edges into a package
    # facade are left out, as are a module's imports of its own package.
    graph: dict[str, set[str]] = {}
    for name in LIBRARY:
        edges = set()
        for target in _imports(name):
            if name.startswith(target + ".") or target not in LIBRARY:
                continue  # a module importing its own package's facade
            edges.add(target)
        graph[name] = edges
    # drop package facades (``__init__``) as cycle carriers: they only re-export
    facades = {m for m in graph if MODULES[m].name == "__init__.py"}
    for name in graph:
        graph[name] -= facades
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_600_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it"
