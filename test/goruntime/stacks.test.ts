// rt0 stacks on the recursion fixture: every growth doubles the stack, the number of growths
// per goroutine is what the recursion depth and main.recurse's frame size (from the pclntab)
// require, and the program's output is the same as a native run's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_BIN, GO_VERSIONS, builtFixture, runCli } from "../helpers.js";
import { openBinary } from "../../src/gobin/binary.js";

interface Ev {
  event: string;
  goid: number;
  func?: string;
  path?: string[];
  oldSize: number;
  newSize: number;
  growths?: number;
  initialSize?: number;
  finalSize?: number;
}

/** Bytes one level of main.recurse takes: its largest SP delta plus the return address. */
function frameSize(bin: string): number {
  const b = openBinary(new Uint8Array(readFileSync(bin)), bin);
  const f = b.funcs.find((x) => x.name === "main.recurse");
  assert.ok(f, "main.recurse in the pclntab");
  let max = 0;
  for (let pc = f.entry; pc < f.end; pc++) max = Math.max(max, b.spDeltaAt(pc) ?? 0);
  return max + 8;
}

function check(bin: string, depth: number): void {
  const native = spawnSync(bin, [String(depth)], { encoding: "utf8" });
  const r = runCli(["stacks", "--json", bin, String(depth)], { timeoutMs: 300_000 });
  assert.equal(r.status, native.status, r.stderr.slice(-500));
  assert.equal(r.stdout, native.stdout, "program output unchanged");
  const events = r.stderr.trim().split("\n").map((l) => JSON.parse(l) as Ev);
  const grows = events.filter((e) => e.event === "grow");
  assert.ok(grows.length > 0);
  for (const g of grows) {
    assert.equal(g.newSize, 2 * g.oldSize, `growth doubles: ${JSON.stringify(g)}`);
    assert.deepEqual(g.path, ["morestack", "newstack", "copystack"]);
  }
  const frame = frameSize(bin);
  // main runs recurse(depth), a second goroutine recurse(depth/2).
  const need = [depth * frame, Math.floor(depth / 2) * frame];
  const byGoroutine = events.filter((e) => e.event === "summary").filter((s) => grows.some((g) => g.goid === s.goid && g.func === "main.recurse"));
  assert.equal(byGoroutine.length, 2, "two goroutines recursed");
  const sorted = byGoroutine.sort((a, b) => (b.finalSize ?? 0) - (a.finalSize ?? 0));
  for (let k = 0; k < 2; k++) {
    const s = sorted[k]!;
    const ratio = need[k]! / s.initialSize!;
    const frac = Math.log2(ratio) % 1;
    assert.ok(frac > 0.05 && frac < 0.95, `fixture depth ${depth} sits near a power-of-two boundary (${ratio})`);
    assert.equal(s.growths, Math.ceil(Math.log2(ratio)), `goroutine ${s.goid}: ${need[k]} bytes of frames (${frame} per level) from ${s.initialSize}`);
    assert.ok(s.finalSize! >= need[k]!);
  }
}

test("rt0 stacks: committed go1.26 recursion fixture, depth 10000", () => {
  check(join(FIXTURE_BIN, "stackgrow-go1.26"), 10000);
});

for (const v of GO_VERSIONS) {
  const bin = builtFixture(v, "stackgrow");
  test(`rt0 stacks: go${v} recursion fixture, depth 2000`, { skip: bin === undefined ? "fixtures not built" : false }, () => {
    check(bin!, 2000);
  });
}

test("rt0 stacks: text report and a non-Go-runtime error", () => {
  const r = runCli(["stacks", join(FIXTURE_BIN, "stackgrow-go1.26"), "300"], { timeoutMs: 120_000 });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, "recursion 300 150 75\n");
  assert.match(r.stderr, /goroutine +initial +final/);
  const bad = runCli(["stacks", "/nonexistent/prog"]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
});
