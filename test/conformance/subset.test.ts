// The CI subset of the conformance suite (issue 6): the GOROOT/test programs and package tests
// listed in test/testdata/conformance/subset.txt, for go1.19 and go1.26, natively and under
// rt0. Fails when a subset test that passes natively fails under rt0 and is not listed in
// test/testdata/conformance/known-failures-go1.NN.txt. The full run: `npm run conformance`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TESTDATA } from "../helpers.js";

const HARNESS = join(ROOT, "dist", "tools", "conformance", "main.js");
const LIST = join(TESTDATA, "conformance", "subset.txt");
const RELEASES = ["1.19", "1.26"];

interface Row { go: string; name: string; status: string; reason?: string; known?: string }

test("conformance subset: go1.19 and go1.26 run tests and package tests under rt0", { timeout: 20 * 60_000 }, () => {
  const names = readFileSync(LIST, "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  assert.ok(names.length >= 40, `subset has ${names.length} entries`);
  const json = join(mkdtempSync(join(tmpdir(), "rt0conf-subset-")), "results.json");
  const r = spawnSync(process.execPath, [HARNESS, "--go", RELEASES.join(","), "--suite", "all", "--list", LIST,
    "--jobs", "2", "--timeout", "90", "--pkg-timeout", "300", "--json", json], { encoding: "utf8", timeout: 19 * 60_000 });
  const report = r.stdout + r.stderr;
  const results = (JSON.parse(readFileSync(json, "utf8")) as { results: Row[] }).results;
  // Every listed test exists in both releases, builds, and passes natively (else it measures nothing).
  for (const v of RELEASES) {
    for (const n of names) {
      const row = results.find((x) => x.go === v && x.name === n);
      assert.ok(row, `go${v} ${n}: not found by the harness\n${report}`);
      assert.ok(["pass", "fail", "timeout"].includes(row.status), `go${v} ${n}: ${row.status}: ${row.reason}`);
    }
  }
  const unlisted = results.filter((x) => (x.status === "fail" || x.status === "timeout") && x.known === undefined);
  assert.deepEqual(unlisted.map((x) => `go${x.go} ${x.name}: ${x.reason}`), [], report);
  assert.equal(r.status, 0, report);
  const pass = results.filter((x) => x.status === "pass").length;
  console.log(`conformance subset: ${pass}/${results.length} pass under rt0`);
});
