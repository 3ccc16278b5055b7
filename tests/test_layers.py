"""The library's packages import only downward, and no modules import each other in a loop.

The layers, top to bottom (README "Where things live"): the command line and the Prefect
flows beside it (the only package that imports Prefect); the run; the
per-article pipeline, the no-change plan and the engine comparison; the results they hand
on; review (bundles, pages, desk, editing);
QA; the glossary (model, formats, matching, enforcement); the engines; catalogs (the PO
model, entry state, header, strict check, writing, memory); sources (reading, layout,
sentences, detection); the foundation (errors, settings, script facts). Imports inside a
function count too: a lazy import may save start-up time, never dodge a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "newsl10n"

# Top first. A name is a module or a package (every module under it).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli", "flows", "__main__"),
    ("run",),
    ("pipeline", "plan", "compare"),
    ("results",),
    ("review",),
    ("qa",),
    ("glossary",),
    ("engines",),
    ("catalog",),
    ("source",),
    ("config", "scripts", "patterns", "errors", "__init__"),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every newsl10n module ``path`` imports, anywhere in the file, with its line."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "newsl10n":  # from newsl10n import x: x may be a module
                found += [(f"newsl10n.{a.name}", node.lineno) for a in node.names]
            elif node.module.startswith("newsl10n."):
                found.append((node.module, node.lineno))
                found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("newsl10n.")]
    return found


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _layer(module: str) -> int:
    head = module.split(".")[1] if "." in module else "__init__"
    for index, names in enumerate(LAYERS):
        if head in names:
            return index
    raise AssertionError(f"{module}: in no layer; add it to LAYERS in {__file__}")


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, _line in _imports(path):
            if target in MODULES and target != module:
                edges[module].add(target)
    return edges


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_only_downward(module: str) -> None:
    mine = _layer(module)
    upward = [
        f"{MODULES[module]}:{line}: imports {target} from a higher layer"
        for target, line in _imports(MODULES[module])
        if target in MODULES and _layer(target) < mine
    ]
    assert not upward


def test_no_module_imports_itself_in_a_loop() -> None:
    edges = _edges()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the stack, 2: done

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_check_sees_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    """The checker itself: an upward import and a loop are found."""
    assert _layer("newsl10n.source.segment") > _layer("newsl10n.review.desk")
    code = "def f():\n    from newsl10n.review import desk\n"
    (tmp_path / "x.py").write_text(code, encoding="utf-8")
    assert ("newsl10n.review.desk", 2) in _imports(tmp_path / "x.py")


def test_only_the_flows_import_prefect() -> None:
    """Prefect is an optional extra: the library proper, and the CLI until --prefect asks
    for the flows, must import without it."""
    found = []
    for module, path in MODULES.items():
        if module.startswith("newsl10n.flows"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            found += [f"{path}:{node.lineno}: {n}" for n in names if n.split(".")[0] == "prefect"]
    assert not found
