// rt_sigsuspend and pause: the wait ends with EINTR once a handler has run; sigsuspend's mask
// holds only while it waits (a signal blocked before but pending is delivered at once, and the
// old mask is back afterwards, as the handler's frame says). The native run of
// test/testdata/guests/sigsuspend.c is the oracle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { guest, haveGcc, start } from "./guests.js";

test("rt_sigsuspend and pause wait for a handler and return EINTR; sigsuspend's mask holds only while it waits, as natively", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const exe = guest("sigsuspend", ["-O1", "-pthread"])!;
  const nat = await start(exe, []).done;
  const emu = await start(exe, [], { rt0: [] }).done;
  assert.equal(nat.status, 0, nat.stderr);
  assert.match(nat.stdout, /^sigsuspend, pending: -1 Interrupted system call; handled 1; in handler USR2 blocked 1; USR1 blocked now 1, USR2 0$/m);
  assert.deepEqual(emu, nat);
});
