// Child processes under `rt0 run`: the forkexec fixture re-executes itself through os/exec and
// syscall.ForkExec (pipes, exit code 3, a child killed by SIGKILL, wait4); stdout, stderr and
// exit status must equal the native run's. And rt0's own warnings go where --diag-file says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { builtFixture, runCli } from "../helpers.js";
import { runNative, runRt0, type Case } from "../cli/runharness.js";

const CASE: Case = { name: "forkexec" };

for (const v of ["1.19", "1.26"]) {
  const bin = builtFixture(v, "forkexec");
  test(`go${v} forkexec (os/exec of itself): identical to the native run`, { skip: !bin && "fixtures/build is absent (run tools/build-fixtures.sh)" }, async () => {
    const nat = await runNative(bin!, CASE);
    assert.equal(nat.status, 0, nat.stderr);
    assert.match(nat.stdout, /sleep: err=signal: killed signaled=true/);
    const emu = await runRt0(bin!, CASE);
    assert.equal(emu.stdout, nat.stdout);
    assert.equal(emu.stderr, nat.stderr);
    assert.equal(emu.status, nat.status);
  });
}

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
