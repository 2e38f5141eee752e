// rt_sigsuspend and pause: the wait ends with EINTR once a handler has run; sigsuspend's mask
// holds only while it waits (a signal blocked before but pending is delivered at once, and the
// old mask is back afterwards, as the handler's frame says). The native run is the oracle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildC, haveGcc, scratch, start } from "./guests.js";

const C_SUSPEND = `#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static volatile int handled, blockedInHandler;
static void on(int sig) {
  sigset_t cur; sigprocmask(SIG_BLOCK, 0, &cur);
  handled++;
  blockedInHandler = sigismember(&cur, SIGUSR2);
  (void)sig;
}
static void *sender(void *arg) { (void)arg; usleep(20000); kill(getpid(), SIGUSR1); return 0; }
static void report(const char *what, int r, int e) {
  sigset_t cur; sigprocmask(SIG_BLOCK, 0, &cur);
  printf("%s: %d %s; handled %d; in handler USR2 blocked %d; USR1 blocked now %d, USR2 %d\\n", what, r, r < 0 ? strerror(e) : "",
         handled, blockedInHandler, sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));
}
int main(void) {
  signal(SIGUSR1, on);
  sigset_t block, waitmask;
  sigemptyset(&block); sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, 0);
  /* pending before the wait: delivered as soon as sigsuspend unblocks it */
  kill(getpid(), SIGUSR1);
  sigemptyset(&waitmask); sigaddset(&waitmask, SIGUSR2);
  int r = sigsuspend(&waitmask);
  report("sigsuspend, pending", r, errno);
  /* sent by another thread while waiting */
  pthread_t t; pthread_create(&t, 0, sender, 0);
  r = sigsuspend(&waitmask);
  report("sigsuspend, sent", r, errno);
  pthread_join(t, 0);
  /* pause with the signal unblocked */
  sigprocmask(SIG_UNBLOCK, &block, 0);
  pthread_create(&t, 0, sender, 0);
  r = pause();
  report("pause", r, errno);
  pthread_join(t, 0);
  return 0;
}
`;

test("rt_sigsuspend and pause wait for a handler and return EINTR; sigsuspend's mask holds only while it waits, as natively", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const s = scratch("rt0-sigsuspend-");
  try {
    const exe = buildC(s.dir, "suspend", C_SUSPEND, ["-pthread"]);
    const nat = await start(exe, []).done;
    const emu = await start(exe, [], { rt0: [] }).done;
    assert.equal(nat.status, 0, nat.stderr);
    assert.match(nat.stdout, /^sigsuspend, pending: -1 Interrupted system call; handled 1; in handler USR2 blocked 1; USR1 blocked now 1, USR2 0$/m);
    assert.deepEqual(emu, nat);
  } finally {
    s.done();
  }
});
