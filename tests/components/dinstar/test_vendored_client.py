"""The client shipped inside the integration is the library, used through its public API only.

HACS installs ``custom_components/dinstar/`` as it is, so the library (``aiodinstar/``) ships
there as a copy made by ``scripts/vendor-client``; these tests fail when the copy and the
source part, and when an integration module reaches past the library's public names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import custom_components.dinstar as integration
from custom_components.dinstar import aiodinstar

INTEGRATION = Path(integration.__file__).parent
VENDORED = INTEGRATION / "aiodinstar"
SOURCE = INTEGRATION.parents[1] / "aiodinstar" / "src" / "aiodinstar"
PACKAGE = "custom_components.dinstar.aiodinstar"
RUN = "run scripts/vendor-client and commit custom_components/dinstar/aiodinstar/"


def _files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path, leaving out Python's byte-code caches."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.relative_to(root).parts
    }


def test_the_vendored_copy_is_the_library_source() -> None:
    source, vendored = _files(SOURCE), _files(VENDORED)
    assert "py.typed" in source
    missing, extra = (
        sorted(source.keys() - vendored.keys()),
        sorted(vendored.keys() - source.keys()),
    )
    assert not missing, f"not in the integration's copy: {missing}: {RUN}"
    assert not extra, f"only in the integration's copy: {extra}: {RUN}"
    changed = [name for name in source if source[name] != vendored[name]]
    assert not changed, f"the integration's copy differs in {changed}: {RUN}"


def _imports_of_the_client(path: Path) -> list[tuple[str, list[str]]]:
    """Each import from the client in a module of the integration: the module, the names."""
    package = path.relative_to(INTEGRATION.parent.parent).with_suffix("").parts[:-1]
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if PACKAGE in alias.name]
        elif isinstance(node, ast.ImportFrom):
            anchor = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*anchor, *([node.module] if node.module else [])])
            names = [alias.name for alias in node.names]
            if module == PACKAGE or module.startswith(f"{PACKAGE}."):
                found.append((module, names))
            elif module == "custom_components.dinstar" and "aiodinstar" in names:
                found.append((f"{module}.aiodinstar", []))
    return found


def test_the_integration_imports_only_public_names() -> None:
    modules = [
        path for path in sorted(INTEGRATION.rglob("*.py")) if not path.is_relative_to(VENDORED)
    ]
    seen: set[str] = set()
    for path in modules:
        for module, names in _imports_of_the_client(path):
            where = path.relative_to(INTEGRATION)
            assert module == PACKAGE, f"{where} imports {module}: use the package's public names"
            assert names, f"{where} imports the package itself: import its names"
            private = sorted(set(names) - set(aiodinstar.__all__))
            assert not private, f"{where} imports {private}, not in aiodinstar.__all__"
            seen.update(names)
    # The reader sees relative imports from the package and from its parent alike.
    assert {"DinstarClient", "InboxLedger", "SmsTracker", "check_number"} <= seen
