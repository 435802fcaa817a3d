"""translations/en.json against the frontend's message parser and the integration's code.

The frontend formats every string with intl-messageformat: a word in angle brackets is read as
a tag ("Translation error: UNCLOSED_TAG"), an unbalanced brace or an apostrophe before a brace
breaks the placeholders. The code is read with ``ast``, file by file, so the checks follow
code that moves between modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
import json
from pathlib import Path
import re
from typing import Any

import pytest

import custom_components.dinstar as integration

PACKAGE = Path(integration.__file__).parent
STRINGS: dict[str, Any] = json.loads(
    (PACKAGE / "translations" / "en.json").read_text(encoding="utf-8")
)
HTML_LIKE = re.compile(r"<[A-Za-z/]")
PLACEHOLDER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SERVICES_YAML_KEY = re.compile(r"^\s*translation_key:\s*[\"']?([\w-]+)", re.MULTILINE)


def _strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in ``node`` with its dotted path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else key)
    elif isinstance(node, str):
        yield path, node


def _placeholders(text: str) -> set[str]:
    """The placeholder names in ``text``; ``ValueError`` for what the parser cannot read.

    Only plain ``{name}`` placeholders are accepted: the integration uses no plural or
    select, and a stray brace is far more likely than a deliberate one.
    """
    names: set[str] = set()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "'" and text[index + 1 : index + 2] in ("{", "}"):
            raise ValueError("an apostrophe before a brace quotes it: the placeholder is lost")
        if char == "}":
            raise ValueError("a closing brace with no opening one")
        if char == "{":
            close = text.find("}", index)
            if close == -1:
                raise ValueError("an opening brace that is never closed")
            name = text[index + 1 : close]
            if not PLACEHOLDER_NAME.fullmatch(name):
                raise ValueError(f"{{{name}}} is not a placeholder name")
            names.add(name)
            index = close
        index += 1
    return names


def _problems(text: str) -> list[str]:
    """What the frontend would refuse in one string."""
    found = []
    if match := HTML_LIKE.search(text):
        found.append(f"looks like an HTML tag at {text[match.start() : match.start() + 12]!r}")
    try:
        _placeholders(text)
    except ValueError as err:
        found.append(str(err))
    return found


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("the entity is called SMS to <name>", "HTML tag"),
        ("a line</br>break", "HTML tag"),
        ("Cannot read {error", "never closed"),
        ("Cannot read error}", "no opening"),
        ("The gateway's '{error}'", "apostrophe"),
        ("Send from { port }", "not a placeholder name"),
        ("Send from {port-number}", "not a placeholder name"),
    ],
)
def test_checks_refuse_what_the_frontend_cannot_show(text: str, problem: str) -> None:
    """Each check catches the mistake it is for."""
    assert any(problem in found for found in _problems(text))


def test_checks_accept_plain_text() -> None:
    """Apostrophes, comparisons and placeholders as the strings use them pass."""
    assert _problems("The gateway's port {port} < 32 is {state}; 0 <= x, a->b") == []
    assert _placeholders("{name} on port {port}, {name} again") == {"name", "port"}


def test_every_string_parses() -> None:
    """No string looks like HTML or breaks the message parser."""
    bad = [f"{path}: {problem}" for path, text in _strings(STRINGS) for problem in _problems(text)]
    assert not bad, "\n".join(bad)


def test_markdown_only_where_it_is_rendered() -> None:
    """Backticks only in descriptions: errors, names and help show them as they are."""
    bad = [
        path
        for path, text in _strings(STRINGS)
        if "`" in text and not path.endswith(".description")
    ]
    assert not bad, "\n".join(bad)


@dataclass(frozen=True, slots=True)
class KeyUse:
    """A translation key the code uses, where en.json must have it."""

    where: str
    section: str  # exceptions, issues, device, selector, entity, or "" when not known
    key: str
    platform: str | None = None  # the module, for an entity key
    # The placeholders the code passes; None when they cannot be read from the source.
    passed: frozenset[str] | None = None


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _section(call: ast.Call) -> str:
    """Which part of en.json a call's ``translation_key`` names."""
    name = _call_name(call)
    if name == "async_create_issue":
        return "issues"
    if name == "DeviceInfo":
        return "device"
    if "Selector" in name:
        return "selector"
    if name.endswith("Description"):
        return "entity"
    if any(kw.arg == "translation_domain" for kw in call.keywords) or name.endswith(
        ("Error", "Failed", "Exception")
    ):
        return "exceptions"
    return ""


@dataclass(frozen=True, slots=True)
class _Forwarder:
    """A function that passes one of its parameters on as a ``translation_key``."""

    function: ast.FunctionDef | ast.AsyncFunctionDef
    inner: ast.Call
    key_param: str


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _params(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = function.args
    return [arg.arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)]


def _argument(
    call: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef, param: str
) -> ast.expr | None:
    """What ``call`` passes for ``function``'s parameter ``param``."""
    if (value := _keyword(call, param)) is not None:
        return value
    positional = [*function.args.posonlyargs, *function.args.args]
    index = next((i for i, arg in enumerate(positional) if arg.arg == param), None)
    if index is not None and index < len(call.args):
        return call.args[index]
    return None


def _assigned(scope: ast.AST | None, name: str) -> ast.expr | None:
    """The value last assigned to a local ``name`` in ``scope``, if it is one assignment."""
    if scope is None:
        return None
    values = [
        node.value
        for node in ast.walk(scope)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]
    return values[0] if len(values) == 1 else None


def _passed(
    expr: ast.expr | None,
    outer: ast.Call | None = None,
    forwarder: _Forwarder | None = None,
    scope: ast.AST | None = None,
) -> frozenset[str] | None:
    """The placeholder names ``expr`` passes; through a forwarder, as its caller binds them."""
    if expr is None or (isinstance(expr, ast.Constant) and expr.value is None):
        return frozenset()
    if isinstance(expr, ast.Dict):
        names: set[str] = set()
        for key, value in zip(expr.keys, expr.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
            elif key is None and (spread := _passed(value, outer, forwarder, scope)) is not None:
                names |= spread
            else:
                return None
        return frozenset(names)
    if isinstance(expr, ast.IfExp):
        # An issue is raised with one branch and cleared with the other (None).
        branches = [
            _passed(branch, outer, forwarder, scope)
            for branch in (expr.body, expr.orelse)
            if not (isinstance(branch, ast.Constant) and branch.value is None)
        ]
        known = [branch for branch in branches if branch is not None]
        return frozenset.intersection(*known) if known and len(known) == len(branches) else None
    if isinstance(expr, ast.Name) and forwarder is not None and outer is not None:
        return _forwarded(expr.id, outer, forwarder, scope)
    return None


def _forwarded(
    name: str, outer: ast.Call, forwarder: _Forwarder, scope: ast.AST | None
) -> frozenset[str] | None:
    """The placeholders a forwarder's parameter ``name`` holds, as ``outer`` calls it."""
    function = forwarder.function
    if function.args.kwarg is not None and name == function.args.kwarg.arg:
        if any(kw.arg is None for kw in outer.keywords):
            return None
        bound = set(_params(function))
        return frozenset(kw.arg for kw in outer.keywords if kw.arg and kw.arg not in bound)
    if name not in _params(function):
        return None
    argument = _argument(outer, function, name)
    if argument is None:
        return frozenset()  # left at its default, which passes none
    if isinstance(argument, ast.Name):
        argument = _assigned(scope, argument.id)
    return _passed(argument, scope=scope) if argument is not None else None


def _platform(path: Path) -> str | None:
    return path.stem if path.stem in STRINGS.get("entity", {}) else None


def _enclosing_functions(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    """Each call's innermost enclosing function (for its local assignments)."""
    owner: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                owner[inner] = node  # later, deeper functions overwrite: innermost wins
    return owner


def _constants(trees: dict[Path, ast.Module]) -> dict[str, str]:
    """Module-level string constants (``CONF_X: Final = "x"``), as keys are often named."""
    found: dict[str, str] = {}
    for tree in trees.values():
        for statement in tree.body:
            target = (
                statement.targets[0]
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1
                else statement.target
                if isinstance(statement, ast.AnnAssign)
                else None
            )
            value = getattr(statement, "value", None)
            if (
                isinstance(target, ast.Name)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                found[target.id] = value.value
    return found


def _string_assigned(statement: ast.stmt, name: str) -> str | None:
    """The string ``statement`` assigns to ``name``, if it does."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    else:
        return None
    value = statement.value
    if any(isinstance(t, ast.Name) and t.id == name for t in targets) and (
        isinstance(value, ast.Constant) and isinstance(value.value, str)
    ):
        return value.value
    return None


def _forwarders(trees: dict[Path, ast.Module]) -> dict[str, _Forwarder]:
    """Functions that raise or report with a ``translation_key`` their caller chooses."""
    found: dict[str, _Forwarder] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(key := _keyword(inner, "translation_key"), ast.Name)
                        and key.id in _params(node)
                    ):
                        found[node.name] = _Forwarder(node, inner, key.id)
    return found


def _literal(expr: ast.expr | None, constants: dict[str, str]) -> str | None:
    """A key written as a string, or as a module constant holding one."""
    if isinstance(expr, ast.Name):
        return constants.get(expr.id)
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def _module_uses(
    path: Path, tree: ast.Module, constants: dict[str, str], forwarders: dict[str, _Forwarder]
) -> Iterator[KeyUse]:
    """The keys one module uses: in calls, through forwarders, as entity class attributes."""
    where = path.relative_to(PACKAGE.parents[1]).as_posix()
    platform = _platform(path)
    owners = _enclosing_functions(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if attribute := _string_assigned(statement, "_attr_translation_key"):
                    yield KeyUse(f"{where}:{statement.lineno}", "entity", attribute, platform)
        if not isinstance(node, ast.Call):
            continue
        if key := _literal(_keyword(node, "translation_key"), constants):
            placeholders = _passed(_keyword(node, "translation_placeholders"))
            yield KeyUse(f"{where}:{node.lineno}", _section(node), key, platform, placeholders)
        forwarder = forwarders.get(_call_name(node))
        if forwarder and (
            key := _literal(_argument(node, forwarder.function, forwarder.key_param), constants)
        ):
            inner = _keyword(forwarder.inner, "translation_placeholders")
            yield KeyUse(
                f"{where}:{node.lineno}",
                _section(forwarder.inner),
                key,
                platform,
                _passed(inner, node, forwarder, owners.get(node)),
            )


def _key_uses() -> list[KeyUse]:
    """Every translation key the integration's Python code and services.yaml use."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    constants = _constants(trees)
    forwarders = _forwarders(trees)
    uses = [
        use
        for path, tree in trees.items()
        for use in _module_uses(path, tree, constants, forwarders)
    ]
    services = PACKAGE / "services.yaml"
    if services.exists():
        text = services.read_text(encoding="utf-8")
        uses.extend(
            KeyUse(
                f"custom_components/dinstar/services.yaml:{text.count(chr(10), 0, m.start()) + 1}",
                "selector",
                m.group(1),
            )
            for m in SERVICES_YAML_KEY.finditer(text)
        )
    return uses


KEY_USES = _key_uses()


def _targets(use: KeyUse) -> list[Any]:
    """The en.json entries the key may name (several only where the section is unknown)."""
    if use.section == "entity":
        platforms = STRINGS.get("entity", {})
        candidates = [platforms[use.platform]] if use.platform else list(platforms.values())
        return [platform[use.key] for platform in candidates if use.key in platform]
    if use.section:
        section = STRINGS.get(use.section, {})
        return [section[use.key]] if use.key in section else []
    return [
        node[use.key]
        for node in (*STRINGS.values(), *STRINGS.get("entity", {}).values())
        if isinstance(node, dict) and use.key in node
    ]


def test_code_uses_are_found() -> None:
    """The scan sees the code: keys of every kind the integration has are found."""
    sections = {use.section for use in KEY_USES}
    assert {"exceptions", "issues", "device", "selector", "entity"} <= sections
    assert any(use.passed for use in KEY_USES if use.section == "exceptions")


def test_every_used_key_exists() -> None:
    """Each translation key in the code has its strings in en.json."""
    missing = [
        f"{use.where}: {use.section or 'any section'} key {use.key!r}"
        + (f" (platform {use.platform})" if use.platform else "")
        for use in KEY_USES
        if not _targets(use)
    ]
    assert not missing, "\n".join(missing)


def test_placeholders_are_passed() -> None:
    """Every placeholder in a message the code raises is one the code passes."""
    unfilled = []
    for use in KEY_USES:
        if use.passed is None or use.section not in ("exceptions", "issues", "device"):
            continue
        for target in _targets(use):
            for path, text in _strings(target):
                if needed := _placeholders(text) - use.passed:
                    unfilled.append(f"{use.where}: {use.key}.{path} needs {sorted(needed)}")
    assert not unfilled, "\n".join(unfilled)


# What Home Assistant's flow helpers abort with when the call names no reason.
_IMPLIED_REASONS = {
    "_abort_if_unique_id_configured": "already_configured",
    "_async_abort_entries_match": "already_configured",
    "_abort_if_unique_id_mismatch": "unique_id_mismatch",
}


def _flow_sections() -> dict[str, str]:
    """Each flow class of the integration, with the section of en.json its texts are in."""
    tree = ast.parse((PACKAGE / "config_flow.py").read_text(encoding="utf-8"))
    subentries = ast.parse((PACKAGE / "subentries.py").read_text(encoding="utf-8"))
    constants = _constants({PACKAGE / "subentries.py": subentries})
    sections: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = {base.id for base in node.bases if isinstance(base, ast.Name)}
            if "ConfigFlow" in bases:
                sections[node.name] = "config"
            elif "OptionsFlow" in bases:
                sections[node.name] = "options"
        if isinstance(node, ast.FunctionDef) and node.name == "async_get_supported_subentry_types":
            supported = next(n for n in ast.walk(node) if isinstance(n, ast.Dict))
            for key, value in zip(supported.keys, supported.values, strict=True):
                assert isinstance(key, ast.Name)
                assert isinstance(value, ast.Name)
                sections[value.id] = f"config_subentries.{constants[key.id]}"
    return sections


def _abort_reasons(flow: ast.ClassDef) -> Iterator[tuple[int, str]]:
    """The reasons a flow class can abort with: named, implied by a helper, or by an update."""
    for function in flow.body:
        if not isinstance(function, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = node.func.attr
            reason = _keyword(node, "reason")
            if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
                yield node.lineno, reason.value
            elif name in _IMPLIED_REASONS:
                yield node.lineno, _IMPLIED_REASONS[name]
            elif name in {"async_update_and_abort", "async_update_reload_and_abort"}:
                # Reauthentication and reconfiguration end here alike; a subentry only changes.
                yield node.lineno, "reconfigure_successful"
                if flow.name.endswith("ConfigFlow"):
                    yield node.lineno, "reauth_successful"


def test_every_abort_reason_is_translated() -> None:
    """A flow's abort shows its reason's text: one missing shows the bare key to the user.

    The Reconfigure of a contact ended on "reconfigure_successful", which en.json gave only to
    the balance check and Assist.
    """
    sections = _flow_sections()
    assert {"config", "options", "config_subentries.contact"} <= set(sections.values())
    missing: list[str] = []
    for module in ("config_flow.py", "subentry_flows.py"):
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        for flow in ast.walk(tree):
            if not isinstance(flow, ast.ClassDef) or flow.name not in sections:
                continue
            node: Any = STRINGS
            for part in sections[flow.name].split("."):
                node = node.get(part, {})
            missing.extend(
                f"{module}:{line} {flow.name}: abort reason {reason!r}"
                for line, reason in _abort_reasons(flow)
                if reason not in node.get("abort", {})
            )
    assert not missing, "\n".join(missing)
