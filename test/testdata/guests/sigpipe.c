// A write to a pipe or socket whose reader has gone, with SIGPIPE as argv[1] says (default,
// ignore, handler, socket, blocked: a writer blocked when the reader goes); sigpipe.test.ts.
#include <errno.h>
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
    printf("filled %zd\n", write(fds[1], big, sizeof big));
    fflush(stdout);
    pthread_t t;
    pthread_create(&t, 0, closer, 0);
  } else {
    close(fds[0]);
  }
  printf("writing\n");
  fflush(stdout);
  ssize_t n = write(fds[1], "x", 1);
  int e = errno;
  printf("write: %zd %s; handler: sig=%d code=%d self=%d\n", n, n < 0 ? strerror(e) : "", got, code, self);
  return 0;
}
