"""The layout: no import cycle between the modules of the integration, nor of the dev tools.

Imports are read with ``ast``, every one of them: at module level, under ``if TYPE_CHECKING:``,
and inside functions, since a cycle hidden in any of them still ties the modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import custom_components.dinstar as integration
import dinstar_dev

PACKAGE = Path(integration.__file__).parent
ABSOLUTE_PREFIX = "custom_components.dinstar"
DEV_TOOLS = Path(dinstar_dev.__file__).parent
# Each tree, and how its modules import each other absolutely.
TREES = {"integration": (PACKAGE, ABSOLUTE_PREFIX), "dev tools": (DEV_TOOLS, "dinstar_dev")}


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    """``services/sms.py`` as ``services.sms``; a package's ``__init__.py`` as the package."""
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    # The browser check's node_modules hold no Python of ours.
    return {
        _module_name(path, package): path
        for path in sorted(package.rglob("*.py"))
        if "node_modules" not in path.parts
    }


def _imports(name: str, path: Path, known: set[str], prefix: str = ABSOLUTE_PREFIX) -> set[str]:
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
                alias.name.removeprefix(prefix).lstrip(".")
                for alias in node.names
                if alias.name.startswith(prefix)
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            elif node.module and node.module.startswith(prefix):
                module = node.module.removeprefix(prefix).lstrip(".")
            else:
                continue
            # ``from . import sms`` imports the submodule, not a name of the package: like
            # ``from .sms import ...``, it ties this module to the submodule only.
            submodules = [f"{module}.{alias.name}".lstrip(".") for alias in node.names]
            names_of_package = any(sub not in known for sub in submodules)
            targets = [*([module] if names_of_package else []), *submodules]
        found.update(target for target in targets if target in known and target != name)
    return found


def _graph(tree: str = "integration") -> dict[str, set[str]]:
    package, prefix = TREES[tree]
    modules = _modules(package)
    known = set(modules)
    return {name: _imports(name, path, known, prefix) for name, path in modules.items()}


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


def test_the_dev_tools_graph_is_read_too() -> None:
    """The simulator's imports are seen: relative, of a submodule, and absolute."""
    graph = _graph("dev tools")
    assert "gateway_simulator.state" in graph["gateway_simulator.server"]
    assert "gateway_simulator.actions" in graph["gateway_simulator.routes_device"]
    # from . import drp, tls: the submodules, not the package that imports the server
    assert "gateway_simulator" not in graph["gateway_simulator.server"]
    assert "gateway_simulator.sending" in graph["gateway_simulator.state"]


@pytest.mark.parametrize("tree", TREES)
def test_no_import_cycle(tree: str) -> None:
    cycle = _find_cycle(_graph(tree))
    assert cycle is None, "import cycle: " + " -> ".join(name or "__init__" for name in cycle)


def test_a_planted_cycle_is_found() -> None:
    """The search itself: a cycle through a type-only import is reported, module by module."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


TESTS = Path(__file__).parents[2]


def _test_modules_imported(source: str) -> list[str]:
    """The test modules (``test_*``) a test file imports from the tests' own packages."""
    imported: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 0 and not (node.module or "").startswith("tests"):
            continue  # another package's module, not one of ours
        module = (node.module or "").rsplit(".", 1)[-1]
        imported += [module] if module else [alias.name for alias in node.names]
    return [name for name in imported if name.startswith("test_")]


def test_no_test_module_imports_another() -> None:
    """Shared set-up lives in helper modules (conftest, pushes, failover, ...).

    A test module imported by another hides what is shared, and its tests' names come along.
    """
    offenders = {
        str(path.relative_to(TESTS)): found
        for path in sorted(TESTS.rglob("*.py"))
        if "node_modules" not in path.parts
        and (found := _test_modules_imported(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
    planted = "from .test_outbox import send\nfrom . import test_x\nfrom pytest import fixture\n"
    assert _test_modules_imported(planted) == ["test_outbox", "test_x"]
