// The precomputed decoder tables (src/x86/tables.generated.ts) are exactly what parsing the
// opcode maps of spec.ts gives: every tree node, every form and its derived facts.

import { test } from "node:test";
import assert from "node:assert/strict";
import { specTrees } from "../../src/x86/specparse.js";
import { loadedTrees, T0 } from "../../src/x86/tables.js";
import { Op } from "../../src/x86/ops.generated.js";

test("tables.generated.ts is what tools/gen-x86.ts generates from spec.ts", () => {
  const want = specTrees();
  const got = loadedTrees();
  for (const k of Object.keys(want) as (keyof typeof want)[]) {
    assert.deepEqual(got[k], want[k], `${k} differs: run npm run gen`);
  }
});

test("lazy maps build a tree once and return it again", () => {
  const a = T0.get(0x01);
  assert.ok(a !== null && a.leg !== null && a.leg.op === Op.ADD);
  assert.equal(T0.get(0x01), a);
  assert.equal(T0.get(0x0f), null, "0F is an escape, not an opcode of map 0");
});
