"""The reply box counts characters and parts as the integration will send them.

One table (``frontend/test/sms-plan-table.json``) holds texts and how they go out; the
integration's ``plan_sms`` and the panel's ``planSms`` (run by Node.js) must both give it.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import shutil

from custom_components.dinstar.aiodinstar.sms_encoding import plan_sms

FRONTEND = Path(__file__).parents[4] / "frontend"
TABLE = FRONTEND / "test" / "sms-plan-table.json"
# Prints planSms of every text of the table, in order.
NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { planSms } from "./src/sms-plan.js";
const table = JSON.parse(readFileSync("test/sms-plan-table.json", "utf8"));
console.log(JSON.stringify(table.map(({ text }) => planSms(text))));
"""


def table() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(TABLE.read_text(encoding="utf-8"))
    return rows


def test_the_integration_counts_as_the_table_says() -> None:
    for row in table():
        plan = plan_sms(str(row["text"]))
        assert (plan.encoding.name.lower(), plan.units, plan.parts) == (
            row["encoding"],
            row["units"],
            row["parts"],
        ), row["text"]


async def test_the_panel_counts_as_the_integration() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is part of the project's environment (scripts/setup)"
    process = await asyncio.create_subprocess_exec(
        node, "--input-type=module", "-e", NODE_SCRIPT, cwd=FRONTEND, stdout=asyncio.subprocess.PIPE
    )
    output, _ = await process.communicate()
    assert process.returncode == 0
    expected = [
        {"encoding": row["encoding"], "units": row["units"], "parts": row["parts"]}
        for row in table()
    ]
    assert json.loads(output) == expected
    # The table covers both encodings, one and several parts, and two-unit characters.
    assert {row["encoding"] for row in table()} == {"gsm_7bit", "unicode"}
    assert max(int(str(row["parts"])) for row in table()) > 2
