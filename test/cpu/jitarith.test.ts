// The JIT's int32-halves arithmetic (addresses base + index*scale + disp with carries between the
// halves, and unsigned 64-bit compares), evaluated as the generated code and checked against
// BigInt on edge values: halves at 0, 2^31-1, 2^31, 2^32-1, negative indexes and displacements.

import { test } from "node:test";
import assert from "node:assert/strict";
import { addrUV, ult64 } from "../../src/cpu/jit.js";

const M64 = (1n << 64n) - 1n;
const EDGES = [0, 1, 7, 0x7ffffff8, 0x7fffffff, -0x80000000, -0x7ffffff9, -8, -1, 0x12345678, -0x12345678];

/** A 64-bit value from int32 halves. */
const big = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

type Eval = (g: Int32Array) => [number, number];
function compile(code: string): Eval {
  return new Function("g", `let u=0,v=0,w=0,t=0;${code}return [u,v];`) as Eval;
}

test("addrUV: base + index*scale + disp carries between the int32 halves exactly", () => {
  let cases = 0;
  for (const scale of [1, 2, 4, 8]) {
    for (const disp of [0, 8, -8, 0x7fffffff, -0x80000000, 4096]) {
      for (const [b, x] of [[0, 1], [-1, 1], [0, -1]] as const) {
        const f = compile(addrUV(b, x, scale, disp));
        for (const bl of EDGES) for (const bh of [0, 0xc0, -1, 0x7ffc]) for (const xl of EDGES) for (const xh of [0, -1, 1]) {
          const g = new Int32Array(16);
          g[0] = bl; g[1] = bh; g[2] = xl; g[3] = xh;
          const want = ((b >= 0 ? big(bl, bh) : 0n) + (x >= 0 ? big(xl, xh) * BigInt(scale) : 0n) + BigInt(disp)) & M64;
          const [u, v] = f(g);
          assert.equal(big(u, v), want, `base ${b >= 0 ? big(bl, bh).toString(16) : "-"} index ${big(xl, xh).toString(16)}*${scale} disp ${disp}`);
          assert.ok(Number.isInteger(u) && (u | 0) === u && (v | 0) === v, "halves are int32");
          cases++;
        }
      }
    }
  }
  assert.ok(cases > 10000);
});

test("ult64: unsigned 64-bit and 32-bit compares from int32 halves", () => {
  const f64 = new Function("a0", "a1", "b0", "b1", `return ${ult64(8, "a", "b")};`) as (a0: number, a1: number, b0: number, b1: number) => boolean;
  const f32 = new Function("a0", "b0", `return ${ult64(4, "a", "b")};`) as (a0: number, b0: number) => boolean;
  for (const a0 of EDGES) for (const a1 of EDGES) for (const b0 of EDGES) for (const b1 of EDGES) {
    assert.equal(f64(a0, a1, b0, b1), big(a0, a1) < big(b0, b1));
  }
  for (const a0 of EDGES) for (const b0 of EDGES) assert.equal(f32(a0, b0), a0 >>> 0 < b0 >>> 0);
});
