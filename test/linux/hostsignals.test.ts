// Signals sent to rt0 from outside (a shell's kill, a terminal's Ctrl-C and Ctrl-\) reach the
// guest as the kernel would deliver them to the process: a Go program's signal.Notify shutdown
// runs, SIGQUIT gives Go's goroutine dump, default actions kill with status 128+n, an ignored
// signal changes nothing. Each program says when it is ready for the next signal, so the order
// of events is the same natively and under rt0; the native run is the oracle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { constants } from "node:os";
import { buildC, buildGo, goTool, haveGcc, scratch, start, waitFor, type Ran } from "./guests.js";

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

const GO_NOTIFY = `package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP, syscall.SIGINT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGWINCH, syscall.SIGTERM)
	defer fmt.Println("deferred cleanup ran")
	fmt.Println("ready")
	for s := range c {
		fmt.Println("got", s)
		if s == syscall.SIGTERM {
			fmt.Println("shutting down")
			return
		}
	}
}
`;

const GO_PLAIN = `package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("ready")
	for {
		time.Sleep(time.Hour)
	}
}
`;

test("a Go program's signal.Notify sees SIGUSR1, SIGUSR2, SIGHUP, SIGINT, SIGALRM, SIGWINCH and shuts down on SIGTERM, as natively", { skip: !goTool && "no Go toolchain", timeout: 600_000 }, async () => {
  const s = scratch("rt0-hostsig-");
  try {
    const exe = buildGo(s.dir, "notify", GO_NOTIFY);
    const steps: Step[] = [{ expect: "ready\n" }];
    for (const [sig, name] of [["SIGUSR1", "user defined signal 1"], ["SIGUSR2", "user defined signal 2"], ["SIGHUP", "hangup"], ["SIGINT", "interrupt"], ["SIGALRM", "alarm clock"], ["SIGWINCH", "window changed"]] as const) {
      steps.push({ send: sig }, { expect: `got ${name}\n` });
    }
    steps.push({ send: "SIGTERM" });
    const { nat, emu } = await both(exe, [], steps);
    assert.equal(nat.status, 0);
    assert.match(nat.stdout, /got terminated\nshutting down\ndeferred cleanup ran\n$/);
    assert.deepEqual(emu, nat);
  } finally {
    s.done();
  }
});

test("a Go program without handlers dies of SIGTERM, SIGHUP and SIGINT with 128+n, catches and ignores SIGUSR1, SIGUSR2, SIGALRM; SIGQUIT gives the goroutine dump and exit 2", { skip: !goTool && "no Go toolchain", timeout: 600_000 }, async () => {
  const s = scratch("rt0-hostsig-");
  try {
    const exe = buildGo(s.dir, "plain", GO_PLAIN);
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
    for (const r of [nat, emu]) assert.match(r.stderr, /\ngoroutine 1 [^\n]*\[sleep\]:\n(.*\n)*?time\.Sleep\(.*\n.*\nmain\.main\(\)\n/);
  } finally {
    s.done();
  }
});

const C_SIGNALS = `#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void on(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  char buf[64];
  int n = snprintf(buf, sizeof buf, "handled %s code=%d\\n", sig == SIGTERM ? "SIGTERM" : "?", si->si_code);
  write(1, buf, n);
}
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on; sa.sa_flags = SA_SIGINFO;
  sigaction(SIGTERM, &sa, 0);
  signal(SIGUSR1, SIG_IGN);
  printf("ready\\n");
  fflush(stdout);
  for (;;) pause();
}
`;

test("a C program: a SIGTERM handler runs (si_code SI_USER), an ignored SIGUSR1 changes nothing, SIGHUP's default kills with 129", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const s = scratch("rt0-hostsig-");
  try {
    const exe = buildC(s.dir, "csig", C_SIGNALS);
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
  } finally {
    s.done();
  }
});
