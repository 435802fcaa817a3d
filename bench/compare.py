"""Every benchmark on several checkouts in one run: the figures before and after a change.

``bench/compare REV...`` makes a git worktree of each revision and calls this module with
``NAME=PATH`` pairs (the working tree last, named ``after``). Each benchmark's own ``__main__``
runs once per tree, each in a fresh process whose integration is the tree's while the benchmark
code and the simulator stay this checkout's (``bench.trees``): the same measurement and the same
gateway on both sides, so a difference is the integration's. The order of the trees flips from
one round to the next, so the machine's drift weighs on every tree alike. With ``--rounds N``
each figure is the median of N runs (a single run of the fleet varies by a third).

A benchmark of a feature a tree does not have yet (the Messages panel, failover: ``FEATURES``)
gives that tree one row saying so instead of figures; any failure stops the run.
``push_reads`` is left out: it compares trees itself, in alternating rounds (``bench/run REV``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import statistics
import subprocess
import sys

from bench.trees import HERE, alternating

BENCHMARKS = [
    "bulk_send",
    "refresh_cost",
    "messaging",
    "messages_panel",
    "memory",
    "fleet",
    "failover",
]
# Benchmarks of a feature, by the package the integration holds it in.
FEATURES = {"messages_panel": "messages", "failover": "failover"}
# The child: this checkout's ``bench`` first, then the tree first on the path, so the
# integration the benchmark imports is the tree's; the benchmark's lines go to stdout.
_CHILD = """
import runpy, sys
from pathlib import Path
here, tree, module = sys.argv[1:]
sys.path.insert(0, here)
import bench
sys.path.insert(0, tree)
runpy.run_module(module, run_name="__main__", alter_sys=True)
import custom_components.dinstar as tested
# The integration that ran is the tree's, not this checkout's.
assert Path(tested.__file__).resolve().is_relative_to(Path(tree).resolve()), tested.__file__
"""


def run(tree: Path, benchmark: str) -> list[dict[str, object]]:
    """The rows one benchmark prints when run on ``tree``; one ``absent`` row if it cannot."""
    feature = FEATURES.get(benchmark)
    if feature and not (tree / "custom_components" / "dinstar" / feature).is_dir():
        return [{"benchmark": benchmark, "absent": f"no {feature}/ in this tree"}]
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _CHILD, str(HERE), str(tree), f"bench.{benchmark}"],
        cwd=HERE,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not rows:
        msg = f"bench.{benchmark} on {tree} printed no result"
        raise RuntimeError(msg)
    return rows


def median_rows(runs: list[list[dict[str, object]]]) -> list[dict[str, object]]:
    """One row per row of a run: each number the median of the runs', anything else the first's."""
    merged: list[dict[str, object]] = []
    for rows in zip(*runs, strict=True):
        row: dict[str, object] = {}
        for key, first in rows[0].items():
            values = [other[key] for other in rows]
            numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
            row[key] = (
                round(statistics.median(numbers), 2) if len(numbers) == len(values) else first
            )
        merged.append(row)
    return merged


def main() -> None:
    """Run every benchmark on every tree and print the rows, each naming its tree."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1, help="runs per benchmark and tree")
    parser.add_argument("trees", nargs="+", metavar="NAME=PATH", help="the checkouts, in order")
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, _, path in (t.partition("=") for t in args.trees)}
    turn = 0
    for benchmark in BENCHMARKS:
        print(f"bench: {benchmark}", file=sys.stderr)
        runs: dict[str, list[list[dict[str, object]]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name in alternating(list(trees), turn):
                runs[name].append(run(trees[name], benchmark))
            turn += 1
        # Printed in the trees' order whatever order they ran in: the tables read before, after.
        for name in trees:
            for row in median_rows(runs[name]):
                print(
                    json.dumps({"benchmark": row.pop("benchmark"), "tree": name, **row}), flush=True
                )


if __name__ == "__main__":
    main()
