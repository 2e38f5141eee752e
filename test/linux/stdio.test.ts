// Standard descriptors that were closed when rt0 started (issue 17, item 14): Node puts
// /dev/null (opened read-write) in their place before any JavaScript runs, so rt0 recognizes
// them and the guest finds them closed, as natively: EBADF, and open() and dup() hand out those
// numbers. A /dev/null the shell opened for reading or writing is passed through. The oracle is
// the native run of test/testdata/sandbox/stdio.c under the same shell redirections.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CLI, TESTDATA } from "../helpers.js";

const haveGcc = spawnSync("gcc", ["--version"]).status === 0;
const work = mkdtempSync(join(tmpdir(), "rt0-stdio-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** What stdio.c reports when started by `sh -c 'exec CMD REDIRECTIONS'`. */
function report(cmd: string[], redirections: string): string {
  const out = join(work, "report");
  rmSync(out, { force: true });
  const r = spawnSync("sh", ["-c", `exec "$@" ${redirections}`, "sh", ...cmd, out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(out, "utf8");
}

test("closed standard descriptors stay closed for the guest (EBADF), and /dev/null from the shell is passed through, as natively", { skip: !haveGcc && "no gcc" }, () => {
  const prog = join(work, "stdio");
  const cc = spawnSync("gcc", ["-static", "-O1", "-Wall", "-o", prog, join(TESTDATA, "sandbox", "stdio.c")], { encoding: "utf8" });
  assert.equal(cc.status, 0, cc.stderr);
  for (const redirections of ["<&- >&-", "<&-", ">&-", "<&- >&- 2>&-", "</dev/null >/dev/null 2>/dev/null", "</dev/null"]) {
    const native = report([prog], redirections);
    assert.equal(report([process.execPath, CLI, "run", prog], redirections), native, redirections);
  }
  assert.match(report([prog], "<&- >&-"), /^read\(0\) +-1 Bad file descriptor$/m);
});
