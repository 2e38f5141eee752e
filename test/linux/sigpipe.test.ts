// SIGPIPE: a write to a pipe or stream socket whose reader has gone raises SIGPIPE in the writing
// thread (the default action kills, status 141); with SIGPIPE ignored the write fails with EPIPE;
// a handler sees si_code SI_USER and the writer's own pid, as Linux's send_sig gives. And
// `rt0 run prog | head -1` ends once head has gone. The native runs of the same C and Go
// programs are the oracle. (MSG_NOSIGNAL waits for sendto/sendmsg, which are ENOSYS.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildC, buildGo, goTool, haveGcc, scratch, start, waitFor, type Ran } from "./guests.js";

const C_PIPE = `#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static volatile int got, code, self;
static void on(int sig, siginfo_t *si, void *uc) { (void)uc; got = sig; code = si->si_code; self = si->si_pid == getpid(); }
static int rfd;
static void *closer(void *arg) { (void)arg; usleep(50000); close(rfd); return 0; }
int main(int argc, char **argv) {
  const char *mode = argv[1];
  int fds[2];
  if (strcmp(mode, "socket") == 0) socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
  else pipe(fds);
  rfd = fds[0];
  if (strcmp(mode, "ignore") == 0) signal(SIGPIPE, SIG_IGN);
  if (strcmp(mode, "handler") == 0) {
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGPIPE, &sa, 0);
  }
  if (strcmp(mode, "blocked") == 0) {
    /* Fill the pipe, then block in a write; another thread closes the read end meanwhile. */
    static char big[65536];
    printf("filled %zd\\n", write(fds[1], big, sizeof big));
    fflush(stdout);
    pthread_t t;
    pthread_create(&t, 0, closer, 0);
  } else {
    close(fds[0]);
  }
  printf("writing\\n");
  fflush(stdout);
  ssize_t n = write(fds[1], "x", 1);
  int e = errno;
  printf("write: %zd %s; handler: sig=%d code=%d self=%d\\n", n, n < 0 ? strerror(e) : "", got, code, self);
  return 0;
}
`;

async function both(exe: string, args: string[]): Promise<{ nat: Ran; emu: Ran }> {
  return { nat: await start(exe, args).done, emu: await start(exe, args, { rt0: [] }).done };
}

test("a write to a pipe or socket without a reader: SIGPIPE kills (141); ignored or handled, EPIPE", { skip: !haveGcc && "no gcc" }, async () => {
  const s = scratch("rt0-sigpipe-");
  try {
    const exe = buildC(s.dir, "pipe", C_PIPE, ["-pthread"]);
    const want: Record<string, number> = { default: 141, socket: 141, blocked: 141, ignore: 0, handler: 0 };
    for (const [mode, status] of Object.entries(want)) {
      const { nat, emu } = await both(exe, [mode]);
      assert.equal(nat.status, status, `${mode}: native status`);
      assert.deepEqual(emu, nat, mode);
    }
    const { nat } = await both(exe, ["handler"]);
    assert.match(nat.stdout, /write: -1 Broken pipe; handler: sig=13 code=0 self=1/);
  } finally {
    s.done();
  }
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
  const s = scratch("rt0-sigpipe-");
  try {
    const exes = [buildC(s.dir, "yes", `#include <unistd.h>
int main(void) { for (;;) write(1, "y\\n", 2); }
`)];
    if (goTool) {
      exes.push(buildGo(s.dir, "goyes", `package main

import "fmt"

func main() {
	for i := 0; ; i++ {
		fmt.Println("line", i)
	}
}
`));
    }
    for (const exe of exes) {
      const nat = await headOne(exe);
      const emu = await headOne(exe, []);
      assert.equal(nat.ran.status, 141, `${exe}: native`);
      assert.equal(emu.ran.status, 141, `${exe}: rt0`);
      assert.equal(emu.first, nat.first);
      assert.equal(emu.ran.stderr, nat.ran.stderr);
    }
  } finally {
    s.done();
  }
});
