// Tests of the conformance harness itself: build-constraint evaluation and recipe parsing
// against Go's rules, the first-differing-line report, and an end-to-end run with a
// deliberately broken emulator (tools/conformance/corrupt.ts flips one output bit) that the
// harness must catch, name and fail on, unless the test is in the known-failures list.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evalGoBuild, evalPlusBuild, excludedBy, tagSet } from "../../tools/conformance/constraint.js";
import { recipe } from "../../tools/conformance/discover.js";
import { firstDiff, judgeRun } from "../../tools/conformance/compare.js";
import { ROOT } from "../helpers.js";

const tags = tagSet(["go1.1", "go1.19"], ["goexperiment.regabiargs"]);

test("//go:build and // +build evaluate for linux/amd64 gc without cgo", () => {
  assert.equal(evalGoBuild(" !nacl && !js && !wasip1 && gc", tags), true);
  assert.equal(evalGoBuild(" cgo", tags), false);
  assert.equal(evalGoBuild(" (linux || darwin) && !(386 || arm || mips || mipsle)", tags), true);
  assert.equal(evalGoBuild(" !aix && (!darwin || !arm64) && (!windows || (!amd64 && !arm64))", tags), true);
  assert.equal(evalGoBuild(" amd64p32", tags), false);
  assert.equal(evalGoBuild(" go1.19 && goexperiment.regabiargs", tags), true);
  assert.equal(evalGoBuild(" go1.20", tags), false);
  assert.equal(evalPlusBuild(" linux,amd64 darwin", tags), true);
  assert.equal(evalPlusBuild(" !linux", tags), false);
  assert.equal(excludedBy("// run\n\n//go:build !windows\n", tags), undefined);
  assert.equal(excludedBy("//go:build cgo && linux\n\n// run\n", tags), "//go:build cgo && linux");
  assert.throws(() => evalGoBuild(" linux &&", tags));
});

test("the execution recipe is the first non-empty line that is not a build constraint", () => {
  assert.equal(recipe("// run\n\n// Copyright\npackage main\n"), "run");
  assert.equal(recipe("//go:build !js\n// +build !js\n\n// run\n\npackage main\n"), "run");
  assert.equal(recipe("// run -gcflags=-l\n\npackage main\n"), "run -gcflags=-l");
  assert.equal(recipe("// errorcheck\n\npackage main\n"), "errorcheck");
  assert.equal(recipe("\n// run\n"), "");
});

test("failures name the first differing line, the exit status and rt0's warning", () => {
  assert.equal(firstDiff("a\nb\n", "a\nb\n"), undefined);
  assert.equal(firstDiff("a\nb\n", "a\nc\n"), 'line 2: want "b" got "c"');
  assert.equal(firstDiff("a\n", "a\nextra\n"), 'line 2: want "" got "extra"');
  const o = { status: 132, signal: "SIGILL", timedOut: false, output: "rt0: SIGILL at 0x401000: vpternlogd\n", ms: 5 };
  assert.equal(judgeRun(o, "ok\n"), 'rt0: SIGILL at 0x401000: vpternlogd; signal SIGILL; line 1: want "ok" got "rt0: SIGILL at 0x401000: vpternlogd"');
  assert.equal(judgeRun({ status: 0, timedOut: false, output: "ok\n", ms: 1 }, "ok\n"), undefined);
  assert.match(judgeRun({ status: 0, timedOut: true, output: "", ms: 30_000 }, "")!, /^timeout after 30s/);
});

// An end-to-end run of one GOROOT/test program with a deliberately broken emulator.
const HARNESS = join(ROOT, "dist", "tools", "conformance", "main.js");
const CORRUPT = join(ROOT, "dist", "tools", "conformance", "corrupt.js");
const TEST = "ken/cplx0.go";

function harness(dir: string, extra: string[]): { status: number | null; out: string } {
  writeFileSync(join(dir, "list.txt"), TEST + "\n");
  const r = spawnSync(process.execPath, [HARNESS, "--go", "1.26", "--suite", "gotest", "--list", join(dir, "list.txt"),
    "--known-dir", dir, "--json", join(dir, "results.json"), "--timeout", "120", ...extra], { encoding: "utf8", timeout: 600_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

test("the harness catches a corrupted output bit, names the line, and honours the known list", () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0conf-test-"));
  const want = readFileSync("/usr/lib/go-1.26/test/" + TEST.replace(/\.go$/, ".out"), "latin1");
  const line1 = want.split("\n")[0]!;
  const flipped = String.fromCharCode(line1.charCodeAt(0) ^ 1) + line1.slice(1);

  const broken = harness(dir, ["--rt0", `${process.execPath} ${CORRUPT}`]);
  assert.equal(broken.status, 1, broken.out);
  assert.ok(broken.out.includes(`go1.26 ${TEST}: fail: line 1: want ${JSON.stringify(line1)} got ${JSON.stringify(flipped)}`), broken.out);
  const json = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { results: { name: string; status: string }[] };
  assert.deepEqual(json.results.map((r) => [r.name, r.status]), [[TEST, "fail"]]);

  // Listed as a known failure: the run passes, and with the real rt0 the list entry is reported as stale.
  writeFileSync(join(dir, "known-failures-go1.26.txt"), `${TEST}\tdeliberately broken emulator\n`);
  const known = harness(dir, ["--rt0", `${process.execPath} ${CORRUPT}`]);
  assert.equal(known.status, 0, known.out);
  const real = harness(dir, []);
  assert.equal(real.status, 0, real.out);
  assert.match(real.out, /1 listed as known failures now pass[^\n]*\n\s+go1\.26 ken\/cplx0\.go/);
});
