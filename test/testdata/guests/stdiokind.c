// What the standard descriptors are (issue 19, item 2): fstat's type, size and device, the
// access mode, the offset, and on stdin reads, seeks, pread and poll, as the program sees them.
// The report goes to the file named by argv[1] (stdout itself is under test); argv[2], when
// given, is the file stdin should be (the same device and inode).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static FILE *out;

static void show(const char *what, long r) {
  if (r < 0) fprintf(out, "%-24s -1 %s\n", what, strerror(errno));
  else fprintf(out, "%-24s %ld\n", what, r);
}

static const char *kind(mode_t m) {
  switch (m & S_IFMT) {
    case S_IFREG: return "regular file";
    case S_IFDIR: return "directory";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    case S_IFLNK: return "symbolic link";
  }
  return "?";
}

static void describe(int fd) {
  struct stat st;
  char what[32];
  if (fstat(fd, &st) < 0) {
    snprintf(what, sizeof what, "fstat(%d)", fd);
    show(what, -1);
    return;
  }
  fprintf(out, "fd %d: %s", fd, kind(st.st_mode));
  if (S_ISREG(st.st_mode)) fprintf(out, ", size %lld, mode %o", (long long)st.st_size, st.st_mode & 07777);
  if (S_ISCHR(st.st_mode)) fprintf(out, ", device %u:%u", major(st.st_rdev), isatty(fd) ? 0 : minor(st.st_rdev));
  if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) fprintf(out, ", size %lld", (long long)st.st_size);
  fprintf(out, ", isatty %d\n", isatty(fd));
  int fl = fcntl(fd, F_GETFL);
  fprintf(out, "fd %d: access %s%s\n", fd, (fl & O_ACCMODE) == O_RDONLY ? "read" : (fl & O_ACCMODE) == O_WRONLY ? "write" : "read-write", fl & O_APPEND ? ", append" : "");
  snprintf(what, sizeof what, "lseek(%d, 0, SEEK_CUR)", fd);
  show(what, lseek(fd, 0, SEEK_CUR));
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  out = fopen(argv[1], "w");
  if (!out) return 3;
  for (int fd = 0; fd < 3; fd++) describe(fd);
  if (argc > 2) {
    struct stat a, b;
    if (fstat(0, &a) == 0 && stat(argv[2], &b) == 0) fprintf(out, "stdin is %s: %s\n", argv[2], a.st_dev == b.st_dev && a.st_ino == b.st_ino ? "yes" : "no");
  }
  struct pollfd p = {.fd = 0, .events = POLLIN};
  show("poll(0, POLLIN) IN", poll(&p, 1, -1) < 0 ? -1 : (p.revents & POLLIN) != 0);
  char b[16];
  long n = read(0, b, 5);
  show("read(0, 5)", n);
  if (n > 0) fprintf(out, "  %.*s\n", (int)n, b);
  show("lseek(0, 0, SEEK_CUR)", lseek(0, 0, SEEK_CUR));
  show("lseek(0, 2, SEEK_SET)", lseek(0, 2, SEEK_SET));
  n = read(0, b, 3);
  show("read(0, 3)", n);
  if (n > 0) fprintf(out, "  %.*s\n", (int)n, b);
  n = pread(0, b, 4, 1);
  show("pread(0, 4, 1)", n);
  if (n > 0) fprintf(out, "  %.*s\n", (int)n, b);
  show("lseek(0, 0, SEEK_CUR)", lseek(0, 0, SEEK_CUR));
  show("lseek(0, -1, SEEK_END)", lseek(0, -1, SEEK_END));
  n = read(0, b, 16);
  show("read(0, 16)", n);
  show("lseek(0, -9, SEEK_SET)", lseek(0, -9, SEEK_SET));
  show("write(1, 3)", write(1, "ab\n", 3));
  show("lseek(1, 0, SEEK_CUR)", lseek(1, 0, SEEK_CUR));
  show("pwrite(1, 2, 0)", pwrite(1, "AB", 2, 0));
  show("lseek(1, 0, SEEK_CUR)", lseek(1, 0, SEEK_CUR));
  return 0;
}
