// The syscall fuzzer in the test suite (a bounded run; tools/sysfuzz.ts runs many more seeds):
// every syscall number with random and edge arguments, from a guest that keeps going whatever
// the calls return. rt0 must answer each call with a result (the Linux errno for what it
// refuses): never an internal error, a JavaScript stack trace or a hang.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pool } from "../cli/runharness.js";
import { haveGcc } from "./guests.js";
import { fuzzSeed, sysfuzzBinary } from "./sysfuzz.js";

const CALLS = 2500;

test(`the syscall fuzzer: 4 seeds x ${CALLS} calls (two replayable, one through --strace) with no internal error, stack trace or hang`, { skip: !haveGcc && "no gcc" }, async () => {
  const bin = sysfuzzBinary()!;
  const plans = [
    { seed: 1, deterministic: true },
    { seed: 2, deterministic: true, strace: true },
    { seed: 3 },
    { seed: 4 },
  ];
  const results = await pool(2, plans.map((p) => () => fuzzSeed(bin, p.seed, { calls: CALLS, timeoutMs: 180_000, ...p })));
  const problems = results.flatMap((r) => r.problems.map((x) => `seed ${r.seed}: ${x}`));
  assert.deepEqual(problems, []);
  for (const r of results) assert.ok(r.calls > CALLS * 0.9, `seed ${r.seed} made ${r.calls} calls: ${r.summary}`);
});
