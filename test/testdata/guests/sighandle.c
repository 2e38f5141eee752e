// A C program with a SIGTERM handler (printing si_code) and SIGUSR1 ignored, waiting in pause():
// signals sent to rt0 from outside (test/linux/hostsignals.test.ts).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void on(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  char buf[64];
  int n = snprintf(buf, sizeof buf, "handled %s code=%d\n", sig == SIGTERM ? "SIGTERM" : "?", si->si_code);
  write(1, buf, n);
}
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on; sa.sa_flags = SA_SIGINFO;
  sigaction(SIGTERM, &sa, 0);
  signal(SIGUSR1, SIG_IGN);
  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
}
