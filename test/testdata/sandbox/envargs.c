// What a program learns about its host from its start-up (issue 17, item 4): argv[0], the
// environment, /proc/self/cmdline and /proc/self/exe. Under --root none of it may show a host
// path or rt0's environment unless asked for (--env, --inherit-env).
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argv[0] %s\n", argv[0]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  char buf[4096];
  int fd = open("/proc/self/cmdline", O_RDONLY);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
  printf("cmdline ");
  for (ssize_t i = 0; i < n; i++) putchar(buf[i] ? buf[i] : ' ');
  n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  printf("\nexe %.*s\n", (int)(n > 0 ? n : 0), buf);
  return 0;
}
