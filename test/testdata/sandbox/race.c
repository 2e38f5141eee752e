// The --root symlink race (issue 17, item 1): two programs share one root, their working
// directory (all names here are relative). "flip OUTSIDE [PAUSE]" makes dd/a/a/.../a (DEPTH
// levels) and then, until "stop" exists, renames dd to d and back and puts a symbolic link to
// OUTSIDE (a host directory holding the same chain of a's, outside the root) at d in between,
// each for PAUSE microseconds (0: no pause). "open N" (or
// "open -S" for S seconds) waits for the flipper, then creates, reads, stats and makes names at
// the bottom of d/a/.../a in a loop. A resolution that checks d while it is a directory and then
// hands the whole path to the host kernel after it became the link (the long chain keeps the
// checks passing meanwhile) writes or reads in OUTSIDE. Only the flipper is safe to run natively
// (in the root): it never follows the link.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEPTH 16

/** "d" followed by DEPTH "/a" and then "/name". */
static void chain(char *out, const char *top, const char *name) {
  strcpy(out, top);
  for (int i = 0; i < DEPTH; i++) strcat(out, "/a");
  if (name) strcat(strcat(out, "/"), name);
}

static void touch(const char *path) {
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  if (fd >= 0) close(fd);
}

static int flip(const char *outside, long pause) {
  char p[256] = "dd";
  mkdir(p, 0755);
  for (int i = 0; i < DEPTH; i++) mkdir(strcat(p, "/a"), 0755);
  touch("started");
  long n = 0;
  while (access("stop", F_OK) != 0) {
    rename("dd", "d");
    if (pause) usleep(pause);
    rename("d", "dd");
    symlink(outside, "d");
    if (pause) usleep(pause);
    unlink("d");
    n++;
  }
  printf("flips %s\n", n > 0 ? "done" : "none");
  return 0;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int opener(const char *arg) {
  while (access("started", F_OK) != 0) usleep(1000);
  long count = atol(arg);
  double until = count < 0 ? now() - count : 0;
  long created = 0, opened = 0, leaked = 0, made = 0, i = 0;
  char x[256], secret[256], m[256], buf[64];
  chain(x, "d", "x");
  chain(secret, "d", "secret");
  chain(m, "d", "m");
  for (;; i++) {
    if (count >= 0 ? i >= count : (i % 64 == 0 && now() >= until)) break;
    int fd = open(x, O_CREAT | O_WRONLY, 0644);
    if (fd >= 0) {
      created++;
      if (write(fd, "guest", 5) != 5) perror("write");
      close(fd);
    }
    fd = open(secret, O_RDONLY);
    if (fd >= 0) {
      opened++;
      ssize_t k = pread(fd, buf, sizeof buf - 1, 0);
      if (k > 0) {
        buf[k] = 0;
        if (strstr(buf, "SECRET")) leaked++;
      }
      close(fd);
    }
    struct stat st;
    if (stat(secret, &st) == 0) leaked++;
    if (mkdir(m, 0755) == 0) {
      made++;
      rmdir(m);
    }
  }
  touch("stop");
  // How often each call succeeded depends on scheduling; nothing may leak.
  fprintf(stderr, "iterations %ld created %ld opened %ld mkdir %ld\n", i, created, opened, made);
  printf("leaked %ld\n", leaked);
  return 0;
}

int main(int argc, char **argv) {
  if ((argc == 3 || argc == 4) && strcmp(argv[1], "flip") == 0) return flip(argv[2], argc == 4 ? atol(argv[3]) : 0);
  if (argc == 3 && strcmp(argv[1], "open") == 0) return opener(argv[2]);
  fprintf(stderr, "usage: race flip OUTSIDE [PAUSE-MICROSECONDS] | race open N|-SECONDS\n");
  return 2;
}
