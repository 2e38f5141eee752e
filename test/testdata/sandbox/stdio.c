// Standard descriptors closed when the program starts (issue 17, item 14): reading, writing or
// asking about them is EBADF, and they are the first numbers open() and dup() hand out. The
// report goes to the file named by argv[1], since any of 0, 1 and 2 may be closed.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static FILE *out;

static void show(const char *what, long r) {
  if (r < 0) fprintf(out, "%-22s -1 %s\n", what, strerror(errno));
  else fprintf(out, "%-22s %ld\n", what, r);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  // Ask before anything opens a descriptor (fopen would take the lowest free number).
  struct stat st;
  char b[4];
  long r[8];
  r[0] = fcntl(0, F_GETFD), r[1] = fcntl(1, F_GETFD), r[2] = fcntl(2, F_GETFD);
  errno = 0;
  int e[8];
  r[3] = read(0, b, 1), e[3] = errno;
  r[4] = write(1, "", 0), e[4] = errno;
  r[5] = fstat(0, &st), e[5] = errno;
  int fd = open("/dev/null", O_RDONLY);
  int fd2 = dup(fd);
  out = fopen(argv[1], "w");
  if (!out) return 3;
  const char *names[] = {"fcntl(0, F_GETFD)", "fcntl(1, F_GETFD)", "fcntl(2, F_GETFD)", "read(0)", "write(1, 0 bytes)", "fstat(0)"};
  for (int i = 0; i < 6; i++) {
    if (i >= 3) errno = e[i];
    else errno = EBADF;
    show(names[i], r[i]);
  }
  show("open(/dev/null)", fd);
  show("dup(it)", fd2);
  return 0;
}
