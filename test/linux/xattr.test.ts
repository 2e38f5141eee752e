// The xattr family and fadvise64 (issue 19, item 3: restic stopped at "xattr.list: function not
// implemented"), against the native run of test/testdata/guests/xattr.c in a fresh directory:
// listing, getting and removing on files without attributes, through paths, links and
// descriptors, every error Linux gives for names, flags, sizes, paths and descriptors, fadvise64
// on each kind of descriptor. Setting an attribute is the one difference: natively it is stored,
// under rt0 it is EOPNOTSUPP (Node has no xattr API: rt0's files hold none).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { CLI } from "../helpers.js";
import { guest, haveGcc, scratch } from "./guests.js";

function run(cmd: string[]): string[] {
  const { dir, done } = scratch("rt0-xattr-");
  try {
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), dir], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trimEnd().split("\n");
  } finally {
    done();
  }
}

test("listxattr, getxattr, removexattr, setxattr's checks and fadvise64 as natively on files without attributes; setxattr is EOPNOTSUPP", { skip: !haveGcc && "no gcc" }, () => {
  const exe = guest("xattr")!;
  const native = run([exe]), emu = run([process.execPath, CLI, "run", exe]);
  const isSet = (l: string): boolean => l.startsWith("set:");
  assert.deepEqual(emu.filter((l) => !isSet(l)), native.filter((l) => !isSet(l)));
  assert.equal(native.filter(isSet).length, 2);
  for (const l of native.filter(isSet)) assert.match(l, / 0$/);
  for (const l of emu.filter(isSet)) assert.match(l, /-1 Operation not supported$/);
  assert.ok(native.includes("listxattr(file)                              0"));
  assert.ok(native.includes("fadvise64(pipe, NORMAL)                      -1 Illegal seek"));
});
