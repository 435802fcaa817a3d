"""Turn the benchmarks' JSON lines (stdin) into one Markdown table per benchmark.

Rows of one benchmark may differ in their keys (a before/after comparison's rows, say): the
table has every key of its rows as a column, in order of appearance, and an empty cell where a
row has none. A ``None`` (a message that never fired, say) is written ``-``.
"""

from __future__ import annotations

import json
import sys


def render(lines: list[str]) -> str:
    """Group rows by benchmark, keeping their order; one table each."""
    groups: dict[str, list[dict[str, object]]] = {}
    for line in lines:
        row = json.loads(line)
        groups.setdefault(str(row.pop("benchmark")), []).append(row)
    out: list[str] = []
    for name, rows in groups.items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        out += [f"**{name}**", "", "| " + " | ".join(columns) + " |"]
        out.append("|" + "---|" * len(columns))
        out += ["| " + " | ".join(_cell(row, key) for key in columns) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def _cell(row: dict[str, object], key: str) -> str:
    if key not in row:
        return ""
    value = row[key]
    return "-" if value is None else str(value)


if __name__ == "__main__":
    print(render([line for line in sys.stdin if line.startswith("{")]))
