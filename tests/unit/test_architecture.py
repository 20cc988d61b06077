"""The house's rules, checked from the code's own imports: no production module imports the
lab, no module-level import cycle outside the lab, no source file over 600 lines."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "egress"
MAX_LINES = 600
# the lab is the test double; only it and the `egress lab` verb may import it
MAY_IMPORT_LAB = ("egress/lab/", "egress/commands/lab.py")


@functools.cache
def _modules() -> dict[str, Path]:
    found = {}
    # egress and the tasks it installs beside it: no cycle may run through tasks either
    paths = [*PACKAGE.rglob("*.py"), *(REPO / "tasks").rglob("*.py")]
    for path in sorted(paths):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, *, module_level: bool) -> set[str]:
    """What ``path`` imports: modules, and for ``from M import n`` the submodule ``M.n``
    where ``n`` is one, else ``M`` (``if TYPE_CHECKING:`` blocks are not imports)."""
    tree = ast.parse(path.read_text())
    nodes = _top(tree.body) if module_level else list(ast.walk(tree))
    modules = _modules()
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in modules else node.module)
    return names


def _top(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run at import: the module body, into try/if blocks but not TYPE_CHECKING."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, (ast.If, ast.Try)):
            found += _top(node.body) + _top(node.orelse)
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    found += _top(handler.body)
        else:
            found.append(node)
    return found


def test_no_production_module_imports_the_lab() -> None:
    offenders = []
    for path in _modules().values():
        relative = str(path.relative_to(REPO))
        if relative.startswith(MAY_IMPORT_LAB):
            continue
        lab = sorted(i for i in _imports(path, module_level=False) if i.startswith("egress.lab"))
        if lab:
            offenders.append(f"{relative}: {', '.join(lab)}")
    assert offenders == []


def test_no_module_level_import_cycle_outside_the_lab() -> None:
    modules = _modules()
    graph = {
        name: {
            imported
            for imported in _imports(path, module_level=True)
            if imported in modules and imported != name
        }
        for name, path in modules.items()
        if not name.startswith("egress.lab")
    }
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("root", ["egress", "napalm_fortios"])
def test_no_source_file_over_600_lines(root: str) -> None:
    long = {
        str(p.relative_to(REPO)): n
        for p in sorted((REPO / root).rglob("*.py"))
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
