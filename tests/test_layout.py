"""The package layout follows the data flow: answers <- assessment <- render / register /
questionnaire <- the modules on top (report, cli). No module imports another in a circle,
and a lower package never imports a higher one, counting every import: at the top of a
module, inside functions, and under ``if TYPE_CHECKING``. (render and register share a
layer: the register is one of the build's outputs.)"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "dpia"
# Lower number = lower layer. A module may import its own layer or lower ones only.
LAYERS = {
    "dpia": 0,  # dpia/__init__.py: the version only
    "dpia.errors": 0,
    "dpia.resources": 0,
    "dpia.fileio": 0,
    "dpia.answers": 1,
    "dpia.assessment": 2,
    "dpia.render": 3,
    "dpia.register": 3,
    "dpia.questionnaire": 3,
    "dpia.report": 4,
    "dpia.cli": 5,
    "dpia.__main__": 6,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> tuple[str, int]:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return prefix, LAYERS[prefix]
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS in {__file__}")


def imports_of(path: Path) -> set[str]:
    """Every dpia module a file imports, wherever the import statement is."""
    found: set[str] = set()
    current = module_name(path)
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = current.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # "from dpia.answers import vocab" imports the module dpia.answers.vocab.
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() or (
                    PACKAGE.parent / candidate.replace(".", "/") / "__init__.py"
                ).exists():
                    found.add(candidate)
    return {m for m in found if m == "dpia" or m.startswith("dpia.")} - {current}


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_imports_are_parsed_everywhere_in_a_module() -> None:
    """The parser sees imports inside functions and under TYPE_CHECKING (checked on a
    module known to have both)."""
    edges = graph()
    assert "dpia.answers.model" in edges["dpia.answers.rules"]  # under TYPE_CHECKING
    assert "dpia.report" in edges["dpia.cli"]  # only inside functions


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = []
    for module, targets in graph().items():
        prefix, level = layer_of(module)
        for target in targets:
            other, other_level = layer_of(target)
            if other_level > level:
                wrong.append(f"{module} (layer {prefix}) imports {target} (layer {other})")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_in_a_circle() -> None:
    edges = graph()
    # Importing a package runs its __init__; count that as a dependency of the package.
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in edges:
                continue
            if state.get(target) == 1:
                circles.append(" -> ".join([*stack[stack.index(target):], target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_at_most_eight_modules_directly_in_the_package() -> None:
    modules = [p.name for p in PACKAGE.glob("*.py")]
    assert len(modules) <= 8, sorted(modules)
