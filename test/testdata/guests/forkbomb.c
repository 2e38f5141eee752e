// forkbomb: the classic `for (;;) fork();`, made observable: every process writes "+" when it
// starts, and "EAGAIN" the first time a fork of its own fails. Never ends by itself: only
// under a process limit (`rt0 run --process-limit`, RLIMIT_NPROC), and ended by Ctrl-C
// (test/linux/limits.test.ts). With an argument N it first lowers its own RLIMIT_NPROC to N.
// Never run it natively.
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1) {
    struct rlimit r = { (rlim_t)atol(argv[1]), (rlim_t)atol(argv[1]) };
    if (setrlimit(RLIMIT_NPROC, &r) != 0) return 1;
  }
  int told = 0;
  write(1, "+\n", 2);
  for (;;) {
    pid_t p = fork();
    if (p == 0) {
      told = 0;
      write(1, "+\n", 2);
    } else if (p < 0 && !told) {
      told = 1;
      write(1, errno == EAGAIN ? "EAGAIN\n" : "other\n", errno == EAGAIN ? 7 : 6);
    }
  }
}
