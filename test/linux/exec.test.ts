// Child processes under `rt0 run` of programs that are not static Go binaries: a dynamically
// linked one runs (its interpreter loaded from the guest file system), a missing interpreter is
// ENOENT as on Linux, and a file that is neither ELF nor #! script gives ENOEXEC with rt0's
// diagnostic where --diag-file says. (#! scripts: dynamic.test.ts.) (The forkexec fixture's other runs, equal to native ones, are in the
// fixture matrix: test/cli/runharness.ts CASES.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { builtFixture, runCli } from "../helpers.js";

const bin = builtFixture("1.26", "forkexec");
const skip = !bin && "fixtures/build is absent (run tools/build-fixtures.sh)";

test("exec of a dynamically linked program (/bin/sh) runs as natively", { skip: (skip || !existsSync("/bin/sh")) && "fixtures/build or /bin/sh is absent" }, () => {
  const native = spawnSync(bin!, ["sh"], { encoding: "utf8" });
  const r = runCli(["run", bin!, "sh"]);
  assert.equal(r.stdout, native.stdout);
  assert.equal(r.stdout, "sh: <nil>\n");
  assert.equal(r.stderr, native.stderr);
  assert.equal(r.status, native.status);
});

/** A --root holding the forkexec fixture, /dev/null and a `/bin/sh` made by sh(path). */
function withRoot(sh: (path: string) => void, f: (root: string, prog: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), "rt0-execroot-"));
  try {
    mkdirSync(join(root, "bin"));
    mkdirSync(join(root, "dev"));
    writeFileSync(join(root, "dev", "null"), ""); // os/exec opens it for the child's stdin and stderr
    copyFileSync(bin!, join(root, "forkexec"));
    sh(join(root, "bin", "sh"));
    f(root, join(root, "forkexec"));
  } finally {
    rmSync(root, { recursive: true });
  }
}

test("exec of a dynamically linked program whose interpreter is missing: ENOENT, no diagnostic (as on Linux)", { skip: (skip || !existsSync("/bin/sh")) && "fixtures/build or /bin/sh is absent" }, () => {
  withRoot((p) => copyFileSync("/bin/sh", p), (root, prog) => {
    const r = runCli(["run", "--root", root, prog, "sh"]);
    assert.equal(r.stdout, "sh: fork/exec /bin/sh: no such file or directory\n");
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
  });
});

test("exec of a file that is neither ELF nor script: ENOEXEC in the guest, rt0's diagnostic on --diag-file only", { skip }, () => {
  withRoot((p) => writeFileSync(p, "just text\n", { mode: 0o755 }), (root, prog) => {
    const diag = join(root, "diag");
    const r = runCli(["run", "--root", root, "--diag-file", diag, prog, "sh"]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "sh: fork/exec /bin/sh: exec format error\n");
    assert.equal(r.stderr, "");
    assert.match(readFileSync(diag, "utf8"), /^rt0: warning: execve \/bin\/sh: not an ELF executable; returning ENOEXEC\n$/);
    // By default the warning goes to stderr; --quiet drops it.
    assert.match(runCli(["run", "--root", root, prog, "sh"]).stderr, /^rt0: warning: execve \/bin\/sh: not an ELF executable/);
    const q = runCli(["run", "--quiet", "--root", root, prog, "sh"]);
    assert.equal(q.stderr, "");
    assert.equal(q.stdout, "sh: fork/exec /bin/sh: exec format error\n");
  });
});
