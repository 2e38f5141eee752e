// Child processes under `rt0 run` that cannot succeed: exec of a dynamically linked program gives
// ENOEXEC with rt0's diagnostic where --diag-file says. (The forkexec fixture's runs, equal to
// native ones, are in the fixture matrix: test/cli/runharness.ts CASES.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { builtFixture, runCli } from "../helpers.js";

const bin = builtFixture("1.26", "forkexec");

test("exec of a dynamically linked program: ENOEXEC in the guest, rt0's diagnostic on --diag-file only", { skip: !bin && "fixtures/build is absent (run tools/build-fixtures.sh)" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0-diag-"));
  try {
    const diag = join(dir, "diag");
    const r = runCli(["run", "--diag-file", diag, bin!, "sh"]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "sh: fork/exec /bin/sh: exec format error\n");
    assert.equal(r.stderr, "");
    assert.match(readFileSync(diag, "utf8"), /^rt0: warning: execve \/bin\/sh: dynamically linked \(interpreter [^)]+\).*returning ENOEXEC\n$/);
    // By default the warning goes to stderr; --quiet drops it.
    assert.match(runCli(["run", bin!, "sh"]).stderr, /^rt0: warning: execve \/bin\/sh: dynamically linked/);
    const q = runCli(["run", "--quiet", bin!, "sh"]);
    assert.equal(q.stderr, "");
    assert.equal(q.stdout, "sh: fork/exec /bin/sh: exec format error\n");
  } finally {
    rmSync(dir, { recursive: true });
  }
});
