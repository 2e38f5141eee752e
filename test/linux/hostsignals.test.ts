// Signals sent to rt0 from outside (a shell's kill, a terminal's Ctrl-C and Ctrl-\) reach the
// guest as the kernel would deliver them to the process: a Go program's signal.Notify shutdown
// runs, SIGQUIT gives Go's goroutine dump, default actions kill with status 128+n, an ignored
// signal changes nothing. Each program says when it is ready for the next signal, so the order
// of events is the same natively and under rt0; the native run is the oracle (the programs:
// test/testdata/guests/notify.go, sleeper.go, sighandle.c).
import { test } from "node:test";
import assert from "node:assert/strict";
import { constants } from "node:os";
import { goGuest, guest, haveGcc, start, waitFor, type Ran } from "./guests.js";

/** The Go guests are built with the newest toolchain the tests use. */
const GO = "1.26";

type Step = { send: NodeJS.Signals } | { expect: string };

/** Run exe, then for each step send a signal or wait until stdout shows a text. */
async function script(exe: string, args: string[], steps: Step[], rt0?: string[]): Promise<Ran> {
  const { child, done } = start(exe, args, { rt0 });
  for (const s of steps) {
    if ("send" in s) child.kill(s.send);
    else await waitFor(child, s.expect);
  }
  return done;
}

async function both(exe: string, args: string[], steps: Step[]): Promise<{ nat: Ran; emu: Ran }> {
  return { nat: await script(exe, args, steps), emu: await script(exe, args, steps, []) };
}

test("a Go program's signal.Notify sees SIGUSR1, SIGUSR2, SIGHUP, SIGINT, SIGALRM, SIGWINCH and shuts down on SIGTERM, as natively", { skip: goGuest("notify", GO) === undefined && `no Go ${GO}`, timeout: 600_000 }, async () => {
  const exe = goGuest("notify", GO)!;
  const steps: Step[] = [{ expect: "ready\n" }];
  for (const [sig, name] of [["SIGUSR1", "user defined signal 1"], ["SIGUSR2", "user defined signal 2"], ["SIGHUP", "hangup"], ["SIGINT", "interrupt"], ["SIGALRM", "alarm clock"], ["SIGWINCH", "window changed"]] as const) {
    steps.push({ send: sig }, { expect: `got ${name}\n` });
  }
  steps.push({ send: "SIGTERM" });
  const { nat, emu } = await both(exe, [], steps);
  assert.equal(nat.status, 0);
  assert.match(nat.stdout, /got terminated\nshutting down\ndeferred cleanup ran\n$/);
  assert.deepEqual(emu, nat);
});

test("a Go program without handlers dies of SIGTERM, SIGHUP and SIGINT with 128+n, catches and ignores SIGUSR1, SIGUSR2, SIGALRM; SIGQUIT gives the goroutine dump and exit 2", { skip: goGuest("notify", GO) === undefined && `no Go ${GO}`, timeout: 600_000 }, async () => {
  const exe = goGuest("sleeper", GO)!;
  for (const sig of ["SIGTERM", "SIGHUP", "SIGINT"] as const) {
    const { nat, emu } = await both(exe, [], [{ expect: "ready\n" }, { send: sig }]);
    assert.equal(nat.status, 128 + constants.signals[sig], sig);
    assert.deepEqual(emu, nat, sig);
  }
  // "Other signals will be caught but no action will be taken" (os/signal): SIGTERM ends it.
  const quiet = await both(exe, [], [{ expect: "ready\n" }, { send: "SIGUSR1" }, { send: "SIGUSR2" }, { send: "SIGALRM" }, { send: "SIGTERM" }]);
  assert.equal(quiet.nat.status, 143);
  assert.deepEqual(quiet.emu, quiet.nat);
  const { nat, emu } = await both(exe, [], [{ expect: "ready\n" }, { send: "SIGQUIT" }]);
  assert.equal(nat.status, 2);
  assert.equal(emu.status, nat.status);
  assert.equal(emu.stdout, nat.stdout);
  // The dump's addresses differ between runs: its first line and the main goroutine's frame.
  assert.equal(emu.stderr.split("\n")[0], "SIGQUIT: quit");
  assert.equal(nat.stderr.split("\n")[0], "SIGQUIT: quit");
  // The main goroutine is in time.Sleep, or still in the write of "ready" when the signal comes.
  for (const r of [nat, emu]) assert.match(r.stderr, /\ngoroutine 1 [^\n]*\[(sleep|syscall)\]:\n(.*\n)*?main\.main\(\)\n/);
});

test("a C program: a SIGTERM handler runs (si_code SI_USER), an ignored SIGUSR1 changes nothing, SIGHUP's default kills with 129", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const exe = guest("sighandle")!;
  const steps: Step[] = [{ expect: "ready\n" }, { send: "SIGTERM" }, { expect: "handled SIGTERM code=0\n" }, { send: "SIGUSR1" }, { send: "SIGTERM" },
    { expect: "handled SIGTERM code=0\n" }, { send: "SIGHUP" }];
  const { nat, emu } = await both(exe, [], steps);
  assert.equal(nat.status, 129);
  assert.deepEqual(emu, nat);
  // Default actions: terminate (SIGUSR2, SIGALRM, SIGINT) or core (SIGQUIT), status 128+n.
  for (const sig of ["SIGUSR2", "SIGALRM", "SIGINT", "SIGQUIT"] as const) {
    const r = await both(exe, [], [{ expect: "ready\n" }, { send: sig }]);
    assert.equal(r.nat.status, 128 + constants.signals[sig], sig);
    assert.deepEqual(r.emu, r.nat, sig);
  }
});
