// Names that must not be followed (issue 17, items 2 and 3), run in an empty working directory
// natively and under rt0 (with and without --root): O_CREAT|O_EXCL, mknod, mkfifo and mkdir on
// a dangling symbolic link say EEXIST and create nothing; glibc's symlink() (syscall 88, not
// symlinkat) works; open(O_CREAT) without O_EXCL does follow the link and create its target.
// "rmdir-root" asks rmdir("/"): EBUSY (only run natively in a chroot).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%-34s -1 %s\n", what, strerror(errno));
  else printf("%-34s ok\n", what);
}

static int exists(const char *p) {
  struct stat st;
  return lstat(p, &st) == 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "rmdir-root") == 0) {
    show("rmdir(/)", rmdir("/"));
    show("rmdir(//)", rmdir("//"));
    show("rmdir(/.)", rmdir("/."));
    show("rmdir(/..)", rmdir("/.."));
    show("unlink(/)", unlink("/"));
    show("mkdir(/)", mkdir("/", 0755));
    show("rename(/, /x)", rename("/", "/x"));
    show("stat(/) after", access("/", F_OK));
    return 0;
  }
  show("symlink(missing, dl)", symlink("missing", "dl"));
  show("syscall(SYS_symlink, t, dl2)", syscall(SYS_symlink, "missing2", "dl2"));
  show("symlinkat(t, AT_FDCWD, dl3)", symlinkat("missing3", AT_FDCWD, "dl3"));
  show("symlink(x, dl) again", symlink("x", "dl"));
  show("symlink(\"\", empty)", symlink("", "empty"));
  char buf[64] = {0};
  long n = readlink("dl2", buf, sizeof buf - 1);
  printf("%-34s %ld %s\n", "readlink(dl2)", n, n >= 0 ? buf : strerror(errno));
  show("open(dl, O_CREAT|O_EXCL)", open("dl", O_CREAT | O_EXCL | O_WRONLY, 0644));
  show("mknod(dl, S_IFREG)", mknod("dl", S_IFREG | 0644, 0));
  show("mknodat(dl, S_IFREG)", mknodat(AT_FDCWD, "dl", S_IFREG | 0644, 0));
  show("mkfifo(dl)", mkfifo("dl", 0644));
  show("mkdir(dl)", mkdir("dl", 0755));
  show("open(dl/, O_CREAT)", open("dl/", O_CREAT | O_WRONLY, 0644));
  printf("%-34s %s\n", "missing made?", exists("missing") ? "yes" : "no");
  show("open(dl, O_CREAT|O_NOFOLLOW)", open("dl", O_CREAT | O_WRONLY | O_NOFOLLOW, 0644));
  int fd = open("dl", O_CREAT | O_WRONLY, 0644);
  show("open(dl, O_CREAT)", fd);
  if (fd >= 0) close(fd);
  printf("%-34s %s\n", "missing made?", exists("missing") ? "yes" : "no");
  show("open(dl, O_CREAT|O_EXCL) now", open("dl", O_CREAT | O_EXCL | O_WRONLY, 0644));
  show("mkdir(d)", mkdir("d", 0755));
  show("symlink(d, ld)", symlink("d", "ld"));
  show("rmdir(ld)", rmdir("ld"));
  show("rmdir(ld/)", rmdir("ld/"));
  show("unlink(ld/)", unlink("ld/"));
  show("rmdir(d/.)", rmdir("d/."));
  show("rmdir(d/..)", rmdir("d/.."));
  show("mkdir(ld/)", mkdir("ld/", 0755));
  show("rmdir(d)", rmdir("d"));
  for (const char *p = "dl\0dl2\0dl3\0ld\0missing\0"; *p; p += strlen(p) + 1) show(p, unlink(p));
  return 0;
}
