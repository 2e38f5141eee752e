// The xattr family and fadvise64 (issue 19, item 3), on files without extended attributes:
// listing, getting and removing on a path, a symbolic link and a descriptor, the errors Linux
// gives for bad names, flags, sizes, paths and descriptors, and fadvise64 on each kind of
// descriptor. argv[1] is a scratch directory. setxattr comes last (natively it succeeds; rt0's
// files hold no attributes).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%-44s -1 %s\n", what, strerror(errno));
  else printf("%-44s %ld\n", what, r);
}

int main(int argc, char **argv) {
  if (argc != 2 || chdir(argv[1]) != 0) return 2;
  close(open("file", O_CREAT | O_WRONLY, 0644));
  symlink("file", "link");
  symlink("missing", "dangling");
  int fd = open("file", O_RDONLY), d = open(".", O_RDONLY | O_DIRECTORY);
  static char big[65537];
  char buf[256], longname[300];
  memset(longname, 'a', sizeof longname - 1);
  memcpy(longname, "user.", 5);
  longname[sizeof longname - 1] = 0;

  show("listxattr(file)", listxattr("file", buf, sizeof buf));
  show("listxattr(file, size 0)", listxattr("file", NULL, 0));
  show("listxattr(.)", listxattr(".", buf, sizeof buf));
  show("llistxattr(link)", llistxattr("link", buf, sizeof buf));
  show("listxattr(dangling)", listxattr("dangling", buf, sizeof buf));
  show("llistxattr(dangling)", llistxattr("dangling", buf, sizeof buf));
  show("listxattr(missing)", listxattr("missing", buf, sizeof buf));
  show("listxattr(file/x)", listxattr("file/x", buf, sizeof buf));
  show("flistxattr(fd)", flistxattr(fd, buf, sizeof buf));
  show("flistxattr(dir fd)", flistxattr(d, buf, sizeof buf));
  show("flistxattr(99)", flistxattr(99, buf, sizeof buf));
  show("getxattr(file, user.test)", getxattr("file", "user.test", buf, sizeof buf));
  show("getxattr(file, security.capability)", getxattr("file", "security.capability", buf, sizeof buf));
  show("getxattr(file, system.posix_acl_access)", getxattr("file", "system.posix_acl_access", buf, sizeof buf));
  show("getxattr(file, nonamespace)", getxattr("file", "nonamespace", buf, sizeof buf));
  show("getxattr(file, \"\")", getxattr("file", "", buf, sizeof buf));
  show("getxattr(file, 299 bytes)", getxattr("file", longname, buf, sizeof buf));
  show("getxattr(missing, user.test)", getxattr("missing", "user.test", buf, sizeof buf));
  show("lgetxattr(link, user.test)", lgetxattr("link", "user.test", buf, sizeof buf));
  show("fgetxattr(fd, user.test)", fgetxattr(fd, "user.test", buf, sizeof buf));
  show("fgetxattr(99, user.test)", fgetxattr(99, "user.test", buf, sizeof buf));
  show("removexattr(file, user.test)", removexattr("file", "user.test"));
  show("lremovexattr(link, user.test)", lremovexattr("link", "user.test"));
  show("fremovexattr(fd, user.test)", fremovexattr(fd, "user.test"));
  show("removexattr(missing, user.test)", removexattr("missing", "user.test"));
  show("setxattr(file, flags 4)", setxattr("file", "user.test", "v", 1, 4));
  show("setxattr(file, \"\")", setxattr("file", "", "v", 1, 0));
  show("setxattr(file, 65537 bytes)", setxattr("file", "user.test", big, sizeof big, 0));
  show("setxattr(missing, user.test)", setxattr("missing", "user.test", "v", 1, 0));
  show("fsetxattr(99, user.test)", fsetxattr(99, "user.test", "v", 1, 0));
  show("lsetxattr(link, user.test)", lsetxattr("link", "user.test", "v", 1, 0));

  int p[2], s[2];
  if (pipe(p) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) return 3;
  show("fadvise64(file, SEQUENTIAL)", syscall(SYS_fadvise64, fd, 0L, 0L, 2));
  show("fadvise64(file, DONTNEED, offset -5)", syscall(SYS_fadvise64, fd, -5L, 10L, 4));
  show("fadvise64(file, NOREUSE)", syscall(SYS_fadvise64, fd, 0L, 0L, 5));
  show("fadvise64(file, advice 6)", syscall(SYS_fadvise64, fd, 0L, 0L, 6));
  show("fadvise64(file, len -1)", syscall(SYS_fadvise64, fd, 0L, -1L, 0));
  show("fadvise64(dir, WILLNEED)", syscall(SYS_fadvise64, d, 0L, 0L, 3));
  show("fadvise64(pipe, NORMAL)", syscall(SYS_fadvise64, p[0], 0L, 0L, 0));
  show("fadvise64(pipe, advice 6)", syscall(SYS_fadvise64, p[1], 0L, 0L, 6));
  show("fadvise64(socket, RANDOM)", syscall(SYS_fadvise64, s[0], 0L, 0L, 1));
  show("fadvise64(99, NORMAL)", syscall(SYS_fadvise64, 99, 0L, 0L, 0));

  show("set: setxattr(file, user.test)", setxattr("file", "user.test", "v", 1, 0));
  show("set: fsetxattr(fd, user.test, XATTR_CREATE)", fsetxattr(fd, "user.test2", "v", 1, XATTR_CREATE));
  return 0;
}
