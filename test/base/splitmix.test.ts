// The 32-bit splitmix64 against the BigInt formula it replaces (the --deterministic random
// bytes every golden output depends on): the same numbers from many seeds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SplitMix64 } from "../../src/base/splitmix.js";

function reference(seed: bigint): () => bigint {
  let s = BigInt.asUintN(64, seed);
  return () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

test("SplitMix64 gives the BigInt formula's numbers, and fill() lays them out little-endian", () => {
  const seeds = [0n, 1n, 42n, 0x9e3779b97f4a7c15n, (1n << 64n) - 1n, 0xffffffffn, 1n << 32n, 123456789123456789n];
  for (const seed of seeds) {
    const ref = reference(seed), fast = new SplitMix64(seed);
    for (let i = 0; i < 2000; i++) assert.equal(fast.nextBig(), ref(), `seed ${seed} step ${i}`);
  }
  const ref = reference(7n), buf = new Uint8Array(21);
  new SplitMix64(7n).fill(buf);
  const want = new Uint8Array(24), dv = new DataView(want.buffer);
  for (let i = 0; i < 3; i++) dv.setBigUint64(8 * i, ref(), true);
  assert.deepEqual(buf, want.subarray(0, 21));
});
