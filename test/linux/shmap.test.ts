// MAP_SHARED file mappings and file I/O are coherent, as Linux's one page cache makes them: a
// store through a mapping is seen by read(2), pread, sendfile and another descriptor; pwrite,
// write and O_APPEND writes are seen through the mapping and never overwritten by a stale copy
// at munmap; truncation, mprotect, madvise(MADV_DONTNEED), mremap and a second mapping behave as
// on Linux. And no store is lost when rt0 is stopped by a catchable signal; one that has reached
// the file survives rt0's SIGKILL. The native run of the same C programs (test/testdata/guests/shmap.c, storewait.c) is the oracle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import { guest, haveGcc, scratch, start, waitFor } from "./guests.js";

test("MAP_SHARED mappings and read/write/pwrite/sendfile/truncate of the file are coherent, as natively", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const s = scratch("rt0-shmap-");
  try {
    const exe = guest("shmap")!;
    const nat = await start(exe, [], { cwd: s.dir }).done;
    const natFile = readFileSync(join(s.dir, "f.dat"));
    const emu = await start(exe, [], { cwd: s.dir, rt0: [] }).done;
    const emuFile = readFileSync(join(s.dir, "f.dat"));
    assert.equal(nat.status, 0, nat.stderr);
    assert.match(nat.stdout, /^pread after store: STORE$/m);
    assert.deepEqual(emu, nat);
    assert.ok(emuFile.equals(natFile), "the file's final bytes");
  } finally {
    s.done();
  }
});

const stored = (dir: string): string => readFileSync(join(dir, "out.dat")).subarray(5000, 5024).toString("latin1");

test("no store through MAP_SHARED is lost when rt0 gets SIGTERM, SIGHUP, SIGINT, SIGQUIT or SIGUSR1, as natively", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const s = scratch("rt0-shmap-");
  try {
    const exe = guest("storewait")!;
    for (const sig of ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1"] as const) {
      for (const rt0 of [undefined, []]) {
        const { child, done } = start(exe, [], { cwd: s.dir, rt0 });
        await waitFor(child, "stored\n");
        child.kill(sig);
        const r = await done;
        assert.equal(r.status, 128 + constants.signals[sig], `${sig} ${rt0 ? "rt0" : "native"}`);
        assert.equal(stored(s.dir), "STORED BEFORE THE SIGNAL", `${sig} ${rt0 ? "rt0" : "native"}`);
      }
    }
  } finally {
    s.done();
  }
});

test("a store reaches the file while the guest runs on (rt0 writes back within a second), so rt0's SIGKILL then loses nothing", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const s = scratch("rt0-shmap-");
  try {
    const exe = guest("storewait")!;
    for (const rt0 of [undefined, []]) {
      const { child, done } = start(exe, ["ignore-term"], { cwd: s.dir, rt0 });
      await waitFor(child, "stored\n");
      // The guest ignores SIGTERM and keeps waiting; the store shows up in the file meanwhile.
      child.kill("SIGTERM");
      while (stored(s.dir) !== "STORED BEFORE THE SIGNAL") await new Promise((r) => setTimeout(r, 50));
      child.kill("SIGKILL");
      const r = await done;
      assert.equal(r.status, 137);
      assert.equal(stored(s.dir), "STORED BEFORE THE SIGNAL");
    }
  } finally {
    s.done();
  }
});
