// memtouch: guest memory that is really used (a store to every page), for the memory-limit tests
// (test/linux/limits.test.ts):
//   memtouch limits          print RLIMIT_AS and RLIMIT_NPROC as the process sees them
//   memtouch fork N MIB      N children each map and touch MIB MiB (then sleep a little); the
//                            parent reports how each ended
//   memtouch grow MIB        map and touch MIB MiB at a time until mmap fails, then say so
//   memtouch forkafter MIB   touch MIB MiB, then fork once and say how that went
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int touch(size_t mib) {
  size_t len = mib << 20;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return -1;
  for (size_t i = 0; i < len; i += 4096) p[i] = 1;
  return 0;
}

static void show(const char *name, int res) {
  struct rlimit r;
  getrlimit(res, &r);
  if (r.rlim_cur == RLIM_INFINITY) printf("%s: unlimited\n", name);
  else printf("%s: %llu %llu\n", name, (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "limits") == 0) {
    show("RLIMIT_AS", RLIMIT_AS);
    show("RLIMIT_NPROC", RLIMIT_NPROC);
    show("RLIMIT_NOFILE", RLIMIT_NOFILE);
    return 0;
  }
  if (argc >= 4 && strcmp(argv[1], "fork") == 0) {
    int n = atoi(argv[2]);
    size_t mib = (size_t)atol(argv[3]);
    fflush(stdout);
    for (int i = 0; i < n; i++) {
      pid_t c = fork();
      if (c < 0) { printf("fork %d: %s\n", i, strerror(errno)); continue; }
      if (c == 0) {
        int r = touch(mib);
        usleep(200000);
        _exit(r == 0 ? 0 : 1);
      }
    }
    int st;
    while (wait(&st) > 0) {
      if (WIFSIGNALED(st)) printf("a child was killed by signal %d\n", WTERMSIG(st));
      else printf("a child exited %d\n", WEXITSTATUS(st));
    }
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "grow") == 0) {
    size_t mib = (size_t)atol(argv[2]), total = 0;
    for (;;) {
      if (touch(mib) != 0) {
        printf("mmap failed after %zu MiB: %s\n", total, strerror(errno));
        return 0;
      }
      total += mib;
    }
  }
  if (argc >= 3 && strcmp(argv[1], "forkafter") == 0) {
    if (touch((size_t)atol(argv[2])) != 0) { printf("mmap: %s\n", strerror(errno)); return 1; }
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) _exit(0);
    if (c < 0) printf("fork: %s\n", strerror(errno));
    else { waitpid(c, NULL, 0); printf("fork: ok\n"); }
    return 0;
  }
  fprintf(stderr, "usage: memtouch limits | fork N MIB | grow MIB | forkafter MIB\n");
  return 2;
}
