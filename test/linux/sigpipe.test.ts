// SIGPIPE: a write to a pipe or stream socket whose reader has gone raises SIGPIPE in the writing
// thread (the default action kills, status 141); with SIGPIPE ignored the write fails with EPIPE;
// a handler sees si_code SI_USER and the writer's own pid, as Linux's send_sig gives. And
// `rt0 run prog | head -1` ends once head has gone. The native runs of the same C and Go
// programs are the oracle (test/testdata/guests/sigpipe.c, yes.c, goyes.go).
import { test } from "node:test";
import assert from "node:assert/strict";
import { goGuest, guest, haveGcc, start, waitFor, type Ran } from "./guests.js";

async function both(exe: string, args: string[]): Promise<{ nat: Ran; emu: Ran }> {
  return { nat: await start(exe, args).done, emu: await start(exe, args, { rt0: [] }).done };
}

test("a write to a pipe or socket without a reader: SIGPIPE kills (141); ignored or handled, EPIPE", { skip: !haveGcc && "no gcc" }, async () => {
  const exe = guest("sigpipe", ["-O1", "-pthread"])!;
  const want: Record<string, number> = { default: 141, socket: 141, blocked: 141, ignore: 0, handler: 0 };
  for (const [mode, status] of Object.entries(want)) {
    const { nat, emu } = await both(exe, [mode]);
    assert.equal(nat.status, status, `${mode}: native status`);
    assert.deepEqual(emu, nat, mode);
  }
  const { nat } = await both(exe, ["handler"]);
  assert.match(nat.stdout, /write: -1 Broken pipe; handler: sig=13 code=0 self=1/);
});

/** Start exe (natively or under rt0) with its stdout read like `| head -1`: the first line,
 *  then the read end closed. */
async function headOne(exe: string, rt0?: string[]): Promise<{ first: string; ran: Ran }> {
  const { child, done } = start(exe, [], { rt0 });
  await waitFor(child, "\n");
  child.stdout!.destroy();
  const ran = await done;
  return { first: ran.stdout.split("\n")[0]!, ran };
}

test("`prog | head -1`: a C program that ignores write errors and a Go program both end by SIGPIPE (141), as natively", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const exes = [guest("yes")!];
  const goyes = goGuest("goyes", "1.26");
  if (goyes !== undefined) exes.push(goyes);
  for (const exe of exes) {
    const nat = await headOne(exe);
    const emu = await headOne(exe, []);
    assert.equal(nat.ran.status, 141, `${exe}: native`);
    assert.equal(emu.ran.status, 141, `${exe}: rt0`);
    assert.equal(emu.first, nat.first);
    assert.equal(emu.ran.stderr, nat.ran.stderr);
  }
});
