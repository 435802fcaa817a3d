"""One measurement run against another checkout of the integration: before and after a change.

A measurement is an ``async`` function of a bench module, called with JSON keyword arguments
and returning a JSON object. :func:`measure` runs it in a fresh Python process whose
``custom_components`` and ``dinstar_dev`` (the integration and the simulator) come from ``tree``,
while ``bench`` stays this checkout's: the same benchmark code measures both trees. A process
imports one tree only, so comparisons alternate processes (``ABBA``...), as the other
benchmarks alternate rounds, and the machine's drift weighs on both trees alike.

The old tree is a git worktree: ``git worktree add --detach /tmp/before <commit>``, made with
``scripts/env`` so that it lies where the project's environment sees it (``bench/run <commit>``
makes and removes one).
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
from typing import Any

HERE = Path(__file__).resolve().parent.parent
_RESULT = "bench-result: "
# Run by the child: this checkout's ``bench`` is imported first, then the tree under test goes
# first on the path, so every later import of the integration and the simulator is the tree's.
_CHILD = f"""
import asyncio, importlib, json, sys
from pathlib import Path
here, tree, target, kwargs = sys.argv[1:]
sys.path.insert(0, here)
import bench
sys.path.insert(0, tree)
module, _, name = target.partition(":")
result = asyncio.run(getattr(importlib.import_module(module), name)(**json.loads(kwargs)))
import custom_components.dinstar as tested
# The integration that ran is the tree's, not this checkout's.
assert Path(tested.__file__).resolve().is_relative_to(Path(tree).resolve()), tested.__file__
print({_RESULT!r} + json.dumps(result), flush=True)
"""


def measure(tree: Path, target: str, **kwargs: Any) -> dict[str, Any]:
    """Run ``target`` (``"bench.module:function"``) in a child process on ``tree``."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _CHILD, str(HERE), str(tree), target, json.dumps(kwargs)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    for line in done.stdout.splitlines():
        if line.startswith(_RESULT):
            result: dict[str, Any] = json.loads(line.removeprefix(_RESULT))
            return result
    msg = f"{target} on {tree} printed no result"
    raise RuntimeError(msg)


def trees(before: str | None) -> dict[str, Path]:
    """The trees to measure: this checkout ("after"), and the old one when given."""
    found = {"after": HERE}
    if before:
        path = Path(before).resolve()
        if not (path / "custom_components" / "dinstar").is_dir():
            msg = f"{path} holds no custom_components/dinstar"
            raise SystemExit(msg)
        found = {"before": path, **found}
    return found


def alternating(names: list[str], round_: int) -> list[str]:
    """The order of a round: flipped every other round."""
    return names if round_ % 2 == 0 else names[::-1]
