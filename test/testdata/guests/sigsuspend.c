// rt_sigsuspend and pause: a pending signal, one sent by another thread while waiting, and the
// masks in the handler and after (test/linux/sigsuspend.test.ts).
#include <errno.h>
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
  printf("%s: %d %s; handled %d; in handler USR2 blocked %d; USR1 blocked now %d, USR2 %d\n", what, r, r < 0 ? strerror(e) : "",
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
