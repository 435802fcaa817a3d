// The browser's count on the shared table; the Python side reads the same table
// (tests/components/dinstar/messages/test_sms_plan_agreement.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { planSms } from "../src/sms-plan.js";

const table = JSON.parse(readFileSync(new URL("./sms-plan-table.json", import.meta.url)));

test("every example of the table is counted as the integration counts it", () => {
  for (const { text, encoding, units, parts } of table) {
    assert.deepEqual(planSms(text), { encoding, units, parts }, JSON.stringify(text));
  }
});
