// Hostile arguments (issue 17, item 9): counts over the Linux limits, huge lengths, wrapping and
// out-of-range memory ranges, bad pointers, descriptors past RLIMIT_NOFILE, RLIMIT_AS, and an
// execve of a huge sparse file. The oracle is the native run of the same C program
// (test/testdata/guests/hostile.c): every line, errno included, must be the same under rt0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runNative, runRt0, type Case } from "../cli/runharness.js";
import { guest, haveGcc } from "./guests.js";

test("hostile arguments to readv/writev, read/write, poll/ppoll/select/epoll_wait, mmap/munmap/mprotect/madvise/mincore/msync/mremap, brk, dup2/dup3/fcntl and rlimits give the native results", { skip: !haveGcc && "no gcc" }, async () => {
  const bin = guest("hostile")!;
  const c: Case = { name: "hostile" };
  const [nat, emu] = [await runNative(bin, c), await runRt0(bin, c, undefined, ["--quiet"])];
  assert.equal(nat.status, 0, nat.stderr);
  assert.equal(emu.stderr, nat.stderr);
  assert.deepEqual(emu.stdout.split("\n"), nat.stdout.split("\n"));
  assert.equal(emu.status, nat.status);
});
