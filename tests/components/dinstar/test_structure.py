"""The integration's layout: no import cycle between its modules.

Imports are read with ``ast``, every one of them: at module level, under ``if TYPE_CHECKING:``,
and inside functions, since a cycle hidden in any of them still ties the modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import custom_components.dinstar as integration

PACKAGE = Path(integration.__file__).parent
ABSOLUTE_PREFIX = "custom_components.dinstar"


def _module_name(path: Path) -> str:
    """``services/sms.py`` as ``services.sms``; a package's ``__init__.py`` as the package."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports, wherever in the file it does."""
    is_package = path.name == "__init__.py"
    # The package a relative import of level 1 starts from.
    base = name.split(".") if is_package else name.split(".")[:-1]
    if name == "":
        base = []
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [
                alias.name.removeprefix(ABSOLUTE_PREFIX).lstrip(".")
                for alias in node.names
                if alias.name.startswith(ABSOLUTE_PREFIX)
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            elif node.module and node.module.startswith(ABSOLUTE_PREFIX):
                module = node.module.removeprefix(ABSOLUTE_PREFIX).lstrip(".")
            else:
                continue
            targets = [module]
            # ``from . import sms`` imports the submodule, not a name of the package.
            targets += [f"{module}.{alias.name}".lstrip(".") for alias in node.names]
        found.update(target for target in targets if target in known and target != name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as the modules along it (the first repeated at the end), or ``None``."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph[node]):
            if cycle := visit(target):
                return cycle
        path.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def test_the_graph_sees_every_kind_of_import() -> None:
    """The reader finds relative, absolute, package and submodule imports alike."""
    graph = _graph()
    assert "coordinator" in graph["runtime"]  # from .coordinator import ...
    assert "errors" in graph["services.common"]  # from custom_components.dinstar.errors ...
    assert "services.sms" in graph["services"]  # from .sms import ... in a package
    assert "aiodinstar.client" in graph["aiodinstar"]


def test_no_import_cycle() -> None:
    cycle = _find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(name or "__init__" for name in cycle)


def test_a_planted_cycle_is_found() -> None:
    """The search itself: a cycle through a type-only import is reported, module by module."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None
