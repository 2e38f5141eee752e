// The 64-bit value helpers against BigInt arithmetic.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBig, hex64, hi32, lo32, toBig, toNum } from "../../src/base/u64.js";

test("toNum/lo32/hi32 round-trip addresses below 2^53", () => {
  for (const n of [0, 1, 0xffffffff, 0x100000000, 0x7fffffffffff, 2 ** 53 - 1]) {
    assert.equal(toNum(lo32(n), hi32(n)), n);
    assert.equal(toBig(lo32(n), hi32(n)), BigInt(n));
  }
});

test("fromBig wraps to 64 bits", () => {
  assert.deepEqual(fromBig(-1n), [0xffffffff, 0xffffffff]);
  assert.deepEqual(fromBig(1n << 64n), [0, 0]);
  assert.equal(hex64(0xfffffff8, 0xffffffff), "fffffffffffffff8");
  assert.equal(hex64(0x401000, 0), "401000");
});
