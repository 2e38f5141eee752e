// hostile: system calls with hostile arguments (counts over the Linux limits, huge lengths,
// wrapping or out-of-range ranges, bad pointers), each printed as "what = result" with the errno
// name, for test/linux/hostile.test.ts to compare with the native run. Safe to run natively: every
// call fails or touches only this process's own memory. Results that depend on where the kernel
// places a mapping are printed as "ok".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
  case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EINTR: return "EINTR"; case E2BIG: return "E2BIG";
  case ENOEXEC: return "ENOEXEC"; case EBADF: return "EBADF"; case EAGAIN: return "EAGAIN"; case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES"; case EFAULT: return "EFAULT"; case EEXIST: return "EEXIST"; case EINVAL: return "EINVAL";
  case EMFILE: return "EMFILE"; case ENOSYS: return "ENOSYS"; case EOVERFLOW: return "EOVERFLOW"; case ESPIPE: return "ESPIPE";
  case EOPNOTSUPP: return "EOPNOTSUPP"; case ETXTBSY: return "ETXTBSY"; case EISDIR: return "EISDIR"; case ENODEV: return "ENODEV"; case ESRCH: return "ESRCH";
  default: { static char b[32]; snprintf(b, sizeof b, "errno %d", e); return b; }
  }
}

/* A raw syscall's result: "N" or "-1 ENAME". */
static void show(const char *what, long r) {
  if (r == -1) printf("%s = -1 %s\n", what, ename(errno));
  else printf("%s = %ld\n", what, r);
  fflush(stdout);
}
/* For calls whose success value is an address: "ok" or "-1 ENAME". */
static void showp(const char *what, long r) {
  if (r == -1) printf("%s = -1 %s\n", what, ename(errno));
  else printf("%s = ok\n", what);
  fflush(stdout);
}
#define S(what, call) (errno = 0, show(what, (long)(call)))
#define SP(what, call) (errno = 0, showp(what, (long)(call)))

static long sys(long n, long a, long b, long c, long d, long e, long f) { return syscall(n, a, b, c, d, e, f); }

static const uint64_t HUGE = 1UL << 62, TOP = 1UL << 47;

int main(int argc, char **argv) {
  struct rlimit nofile = { 1024, 4096 };
  setrlimit(RLIMIT_NOFILE, &nofile);
  /* Two pages at a fixed address with nothing mapped for 2^44 bytes after them: calls that run
   * past a mapping (Linux applies mprotect and madvise to what is mapped) touch only these. */
  char *page = mmap((void *)0x200000000000, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (page != (char *)0x200000000000) { perror("mmap at 0x200000000000"); return 1; }
  static char buf[64];
  static struct iovec iov[1100];
  for (int i = 0; i < 1100; i++) { iov[i].iov_base = buf; iov[i].iov_len = 1; }
  int p[2];
  pipe(p);

  printf("-- readv/writev\n");
  S("writev(pipe, 1024 iovecs)", writev(p[1], iov, 1024));
  S("writev(pipe, 1025 iovecs)", writev(p[1], iov, 1025));
  S("writev(pipe, 2^31-1 iovecs)", sys(SYS_writev, p[1], (long)iov, 0x7fffffff, 0, 0, 0));
  S("writev(pipe, -1 iovecs)", sys(SYS_writev, p[1], (long)iov, -1, 0, 0, 0));
  S("writev(pipe, 0 iovecs)", writev(p[1], iov, 0));
  S("writev(bad fd, 1025 iovecs)", writev(99, iov, 1025));
  S("writev(pipe, NULL, 1)", sys(SYS_writev, p[1], 0, 1, 0, 0, 0));
  struct iovec bad[2] = { { buf, 1 }, { buf, (size_t)-1 } };
  S("writev(pipe, [1, -1])", writev(p[1], bad, 2));
  struct iovec big[2] = { { buf, 1 }, { buf, HUGE } };
  S("writev(pipe, [1, 2^62])", writev(p[1], big, 2));
  struct iovec wrap[1] = { { (void *)(TOP - 4096), 8192 } };
  S("writev(pipe, [iov past the top])", writev(p[1], wrap, 1));
  struct iovec two[2] = { { buf, 2 }, { (void *)16, 2 } };
  S("writev(pipe, [ok, unmapped])", writev(p[1], two, 2));
  char drain[4096];
  read(p[0], drain, sizeof drain);
  S("readv(pipe, 1025 iovecs)", readv(p[0], iov, 1025));
  S("readv(pipe, -1 iovecs)", sys(SYS_readv, p[0], (long)iov, -1, 0, 0, 0));
  S("readv(pipe, [1, -1])", readv(p[0], bad, 2));
  S("readv(pipe, [1, 2^62])", readv(p[0], big, 2));

  printf("-- read/write/pread/pwrite\n");
  write(p[1], "abc", 3);
  S("read(pipe, buf, 2^63)", sys(SYS_read, p[0], (long)buf, (long)(1UL << 63), 0, 0, 0));
  S("read(pipe, buf, 2^62)", sys(SYS_read, p[0], (long)buf, (long)HUGE, 0, 0, 0));
  S("read(pipe, top-16, 4096)", sys(SYS_read, p[0], (long)(TOP - 16), 4096, 0, 0, 0));
  S("write(pipe, buf, 2^63)", sys(SYS_write, p[1], (long)buf, (long)(1UL << 63), 0, 0, 0));
  S("write(pipe, -4096, 10)", sys(SYS_write, p[1], -4096, 10, 0, 0, 0));
  int fd = open("/proc/self/exe", O_RDONLY);
  S("pread(exe, buf, 8, -1)", pread(fd, buf, 8, -1));
  S("pread(exe, buf, 8, 2^62)", pread(fd, buf, 8, HUGE));
  S("pread(exe, buf, 2^63, 0)", sys(SYS_pread64, fd, (long)buf, (long)(1UL << 63), 0, 0, 0));
  S("pwrite(pipe, buf, 1, 0)", pwrite(p[1], buf, 1, 0));

  printf("-- poll/ppoll/select/epoll\n");
  static struct pollfd pf[2000];
  for (int i = 0; i < 2000; i++) { pf[i].fd = -1; pf[i].events = POLLIN; }
  pf[0].fd = p[1]; pf[0].events = POLLOUT;
  S("poll(1024 fds)", poll(pf, 1024, 0));
  S("poll(1025 fds)", poll(pf, 1025, 0));
  S("poll(2^32-1 fds)", sys(SYS_poll, (long)pf, 0xffffffffL, 0, 0, 0, 0));
  S("poll(NULL, 1 fd)", sys(SYS_poll, 0, 1, 0, 0, 0, 0));
  S("poll(NULL, 0 fds)", sys(SYS_poll, 0, 0, 0, 0, 0, 0));
  struct timespec ts0 = { 0, 0 }, tsbad = { 0, 1000000000 }, tsneg = { -1, 0 };
  S("ppoll(1025 fds)", sys(SYS_ppoll, (long)pf, 1025, (long)&ts0, 0, 8, 0));
  S("ppoll(tv_nsec 1e9)", sys(SYS_ppoll, (long)pf, 1, (long)&tsbad, 0, 8, 0));
  S("ppoll(tv_sec -1)", sys(SYS_ppoll, (long)pf, 1, (long)&tsneg, 0, 8, 0));
  sigset_t none;
  sigemptyset(&none);
  S("ppoll(sigsetsize 7)", sys(SYS_ppoll, (long)pf, 1, (long)&ts0, (long)&none, 7, 0));
  S("ppoll(bad timespec)", sys(SYS_ppoll, (long)pf, 1, 16, 0, 8, 0));
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  struct timeval tv0 = { 0, 0 }, tvneg = { -1, 0 }, tvbig = { 0, 2000000 };
  S("select(-1)", sys(SYS_select, -1, (long)&rs, 0, 0, (long)&tv0, 0));
  S("select(pipe readable, timeout 0)", sys(SYS_select, p[0] + 1, (long)&rs, 0, 0, (long)&tv0, 0));
  printf("  readable bit = %d\n", FD_ISSET(p[0], &rs));
  FD_ZERO(&rs);
  FD_SET(60, &rs);
  S("select(not open fd)", sys(SYS_select, 61, (long)&rs, 0, 0, (long)&tv0, 0));
  S("select(1 << 20 fds, none set)", sys(SYS_select, 1 << 20, 0, 0, 0, (long)&tv0, 0));
  S("select(tv_sec -1)", sys(SYS_select, 0, 0, 0, 0, (long)&tvneg, 0));
  S("select(tv_usec 2e6)", sys(SYS_select, 0, 0, 0, 0, (long)&tvbig, 0));
  S("select(bad readfds)", sys(SYS_select, 4, 16, 0, 0, (long)&tv0, 0));
  S("pselect6(tv_nsec 1e9)", sys(SYS_pselect6, 0, 0, 0, 0, (long)&tsbad, 0));
  int ep = epoll_create1(0);
  static struct epoll_event evs[4];
  S("epoll_wait(maxevents 0)", epoll_wait(ep, evs, 0, 0));
  S("epoll_wait(maxevents -1)", epoll_wait(ep, evs, -1, 0));
  S("epoll_wait(maxevents 2^31-1)", epoll_wait(ep, evs, 0x7fffffff, 0));
  S("epoll_wait(maxevents 2^31/12)", epoll_wait(ep, evs, 0x7fffffff / 12, 0));
  S("epoll_wait(events NULL)", epoll_wait(ep, NULL, 4, 0));

  printf("-- mmap\n");
  long P = 4096;
  SP("mmap(len 0)", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  SP("mmap(len 2^64-1)", mmap(NULL, (size_t)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  SP("mmap(len 2^47)", mmap(NULL, TOP, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  SP("mmap(len 2^62)", mmap(NULL, HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  SP("mmap(fixed, unaligned)", mmap((void *)0x100000001, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  SP("mmap(fixed, past the top)", mmap((void *)(TOP - P), 2 * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  SP("mmap(fixed, wraps)", mmap((void *)(-P), 2 * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  SP("mmap(offset unaligned)", mmap(NULL, P, PROT_READ, MAP_PRIVATE, fd, 1));
  SP("mmap(offset negative)", mmap(NULL, P, PROT_READ, MAP_PRIVATE, fd, -4096));
  SP("mmap(offset + len overflows)", sys(SYS_mmap, 0, 2 * P, PROT_READ, MAP_PRIVATE, fd, (long)(-P & 0x7fffffffffffffffL)));
  SP("mmap(bad fd)", mmap(NULL, P, PROT_READ, MAP_PRIVATE, 99, 0));
  SP("mmap(no type)", mmap(NULL, P, PROT_READ, MAP_ANONYMOUS, -1, 0));
  SP("mmap(type 3)", mmap(NULL, P, PROT_READ, 3 | MAP_ANONYMOUS, -1, 0));
  char *past = mmap(NULL, 1UL << 30, PROT_READ, MAP_PRIVATE, fd, 0);
  SP("mmap(file 1 GiB past its end)", past);
  munmap(past, 1UL << 30);
  SP("mmap(dir)", mmap(NULL, P, PROT_READ, MAP_PRIVATE, open("/", O_RDONLY), 0));

  printf("-- munmap/mprotect/madvise/mincore/msync\n");
  S("munmap(len 0)", munmap(page, 0));
  S("munmap(unaligned)", munmap(page + 1, P));
  S("munmap(wraps)", munmap(page, (size_t)-P));
  S("munmap(past the top)", munmap((void *)(TOP - P), 2 * P));
  S("munmap(len 2^64-1)", munmap(page, (size_t)-1));
  S("munmap(unmapped: fine)", munmap((void *)0x280000000000, P));
  S("mprotect(len 0)", mprotect(page, 0, PROT_READ));
  S("mprotect(unaligned)", mprotect(page + 1, P, PROT_READ));
  S("mprotect(wraps)", mprotect(page, (size_t)-P, PROT_READ));
  S("mprotect(len 2^64-1)", mprotect(page, (size_t)-1, PROT_READ));
  S("mprotect(len 2^62)", mprotect(page, HUGE, PROT_READ));
  S("mprotect(past the mapping)", mprotect(page, 1UL << 40, PROT_READ));
  S("mprotect(unmapped)", mprotect((void *)0x280000000000, P, PROT_READ));
  S("mprotect(bad prot)", mprotect(page, P, 0x100));
  S("mprotect(GROWSDOWN|GROWSUP)", mprotect(page, P, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
  S("madvise(wraps)", madvise(page, (size_t)-P, MADV_DONTNEED));
  S("madvise(len 2^64-1)", madvise(page, (size_t)-1, MADV_DONTNEED));
  S("madvise(len 0)", madvise(page, 0, MADV_DONTNEED));
  S("madvise(unaligned)", madvise(page + 1, P, MADV_DONTNEED));
  S("madvise(bad advice)", madvise(page, P, 12345));
  S("madvise(unmapped)", madvise((void *)0x280000000000, P, MADV_DONTNEED));
  S("madvise(past the mapping, 2^40)", madvise(page, 1UL << 40, MADV_DONTNEED));
  unsigned char vec[64];
  S("mincore(wraps)", mincore(page, (size_t)-P, vec));
  S("mincore(len 2^62)", mincore(page, HUGE, vec));
  S("mincore(unaligned)", mincore(page + 1, P, vec));
  S("mincore(unmapped)", mincore((void *)0x280000000000, P, vec));
  S("mincore(bad vec)", mincore(page, P, (unsigned char *)16));
  S("msync(wraps)", msync(page, (size_t)-P, MS_SYNC));
  S("msync(bad flags)", msync(page, P, 0x100));
  S("msync(ASYNC|SYNC)", msync(page, P, MS_ASYNC | MS_SYNC));
  S("msync(unmapped)", msync((void *)0x280000000000, P, MS_SYNC));

  printf("-- mremap\n");
  char *m = mmap(NULL, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  strcpy(m, "kept across mremap");
  SP("mremap(unaligned)", mremap(m + 1, P, 2 * P, 0));
  SP("mremap(new len 0)", mremap(m, P, 0, 0));
  SP("mremap(bad flags)", mremap(m, P, 2 * P, 0x80));
  SP("mremap(FIXED without MAYMOVE)", mremap(m, P, 2 * P, MREMAP_FIXED, (void *)0x300000000000));
  SP("mremap(new len 2^64-1)", mremap(m, P, (size_t)-1, MREMAP_MAYMOVE));
  SP("mremap(new len 2^62)", mremap(m, P, HUGE, MREMAP_MAYMOVE));
  SP("mremap(old len 2^62)", mremap(m, HUGE, P, MREMAP_MAYMOVE));
  SP("mremap(unmapped)", mremap((void *)0x280000000000, P, 2 * P, MREMAP_MAYMOVE));
  SP("mremap(fixed past the top)", mremap(m, P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)(TOP - P)));
  SP("mremap(fixed onto itself)", mremap(m, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, m + P));
  char *shrunk = mremap(m, 4 * P, 2 * P, 0);
  printf("mremap(shrink in place) = %s\n", shrunk == m ? "same address" : "moved");
  char *grown = mremap(m, 2 * P, 1UL << 24, MREMAP_MAYMOVE);
  printf("mremap(grow, may move) = %s, contents %s\n", grown == MAP_FAILED ? "failed" : "ok", grown == MAP_FAILED ? "-" : grown);
  if (grown != MAP_FAILED) {
    grown[(1UL << 24) - 1] = 1;
    S("mprotect(the grown mapping)", mprotect(grown, 1UL << 24, PROT_READ));
    char *moved = mremap(grown, 1UL << 24, 1UL << 24, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0x310000000000);
    printf("mremap(fixed move) = %s, contents %s\n", moved == (char *)0x310000000000 ? "at the address" : "elsewhere", moved == MAP_FAILED ? "-" : moved);
    S("mincore(the old place)", mincore(grown, P, vec));
    munmap(moved, 1UL << 24);
  }

  printf("-- brk\n");
  char *b0 = sbrk(0);
  printf("brk(2^62) = %s\n", (char *)syscall(SYS_brk, HUGE) == b0 ? "unchanged" : "moved");
  printf("brk(2^47 - 4096) = %s\n", (char *)syscall(SYS_brk, TOP - P) == b0 ? "unchanged" : "moved");
  printf("brk(2^64 - 4096) = %s\n", (char *)syscall(SYS_brk, -P) == b0 ? "unchanged" : "moved");
  printf("brk(+64 TiB) = %s\n", (char *)syscall(SYS_brk, b0 + (1UL << 46)) == b0 ? "unchanged" : "moved");
  printf("brk(+16 MiB) = %s\n", (char *)syscall(SYS_brk, b0 + (1 << 24)) == b0 + (1 << 24) ? "moved there" : "failed");
  printf("brk(back) = %s\n", (char *)syscall(SYS_brk, b0) == b0 ? "moved back" : "failed");
  printf("brk(1) = %s\n", (char *)syscall(SYS_brk, 1) == b0 ? "unchanged" : "moved");

  printf("-- execve\n");
  char name[64];
  snprintf(name, sizeof name, "hostile-sparse-%d", getpid());
  char *eargv[] = { name, NULL };
  for (int elf = 0; elf < 2; elf++) {
    int sf = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (elf) write(sf, "\x7f" "ELF\x02\x01\x01", 7);
    ftruncate(sf, elf ? 3UL << 30 : 4UL << 30);
    close(sf);
    S(elf ? "execve(3 GiB sparse file with an ELF magic)" : "execve(4 GiB sparse file of zeros)", execve(name, eargv, environ));
  }
  unlink(name);
  S("execve(NULL)", sys(SYS_execve, 0, 0, 0, 0, 0, 0));
  S("execve(/proc/self/exe, bad argv)", sys(SYS_execve, (long)"/proc/self/exe", 16, 0, 0, 0, 0));

  printf("-- descriptors\n");
  S("dup2(0, -1)", dup2(0, -1));
  S("dup2(0, 1024)", dup2(0, 1024));
  S("dup2(0, 2^31-1)", dup2(0, 0x7fffffff));
  S("dup2(99, 99)", dup2(99, 99));
  S("dup3(0, 0, 0)", dup3(0, 0, 0));
  S("dup3(99, 99, 0)", dup3(99, 99, 0));
  S("dup3(0, 1024, 0)", dup3(0, 1024, 0));
  S("dup3(0, 50, 0x1)", dup3(0, 50, 1));
  S("fcntl(0, F_DUPFD, 1024)", fcntl(0, F_DUPFD, 1024));
  S("fcntl(0, F_DUPFD, 2^63)", sys(SYS_fcntl, 0, F_DUPFD, (long)(1UL << 63), 0, 0, 0));
  S("fcntl(0, F_DUPFD, 1023)", fcntl(0, F_DUPFD, 1023));
  S("dup(0) at the limit", dup(0));
  close(1023);
  S("close(-1)", close(-1));
  S("close(2^31-1)", close(0x7fffffff));
  struct rlimit small = { 64, 4096 };
  setrlimit(RLIMIT_NOFILE, &small);
  int opened = 0, last = 0;
  for (int i = 0; i < 200; i++) { int d = dup(0); if (d < 0) { last = errno; break; } opened++; }
  printf("dup until it fails at RLIMIT_NOFILE 64: %s\n", ename(last));
  S("pipe at the limit", pipe(p));
  S("poll(65 fds) at RLIMIT_NOFILE 64", poll(pf, 65, 0));
  S("poll(64 fds) at RLIMIT_NOFILE 64", poll(pf, 64, 0));

  printf("-- rlimits\n");
  struct rlimit r, inv = { 10, 5 };
  S("setrlimit(16)", sys(SYS_setrlimit, 16, (long)&small, 0, 0, 0, 0));
  S("setrlimit(-1)", sys(SYS_setrlimit, -1, (long)&small, 0, 0, 0, 0));
  S("setrlimit(soft > hard)", setrlimit(RLIMIT_NOFILE, &inv));
  S("getrlimit(bad pointer)", sys(SYS_getrlimit, RLIMIT_NOFILE, 16, 0, 0, 0, 0));
  S("prlimit64(no such pid)", sys(SYS_prlimit64, 999999, RLIMIT_NOFILE, 0, (long)&r, 0, 0));
  S("prlimit64(self pid, get)", sys(SYS_prlimit64, getpid(), RLIMIT_NOFILE, 0, (long)&r, 0, 0));
  printf("  RLIMIT_NOFILE = %lu %lu\n", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);

  printf("-- RLIMIT_AS\n");
  munmap(page, 2 * P);
  struct rlimit as = { 1UL << 30, 1UL << 30 };
  S("setrlimit(RLIMIT_AS, 1 GiB)", setrlimit(RLIMIT_AS, &as));
  SP("mmap(2 GiB) under 1 GiB", mmap(NULL, 2UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  SP("mmap(16 MiB) under 1 GiB", mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  char *b1 = sbrk(0);
  printf("brk(+2 GiB) under 1 GiB = %s\n", (char *)syscall(SYS_brk, b1 + (2UL << 30)) == b1 ? "unchanged" : "moved");
  int n = 0;
  while (mmap(NULL, 64 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED) n++;
  printf("64 MiB mmaps until ENOMEM: %s after %s\n", ename(errno), n >= 12 && n <= 15 ? "12 to 15" : "an unexpected count");
  struct rlimit higher = { 2UL << 30, 2UL << 30 };
  S("setrlimit(RLIMIT_AS, raise the hard limit)", setrlimit(RLIMIT_AS, &higher));
  char *q = malloc(256 << 20);
  printf("malloc(256 MiB) at the limit = %s\n", q ? "ok" : "NULL");
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    char *qq = mmap(NULL, 2UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("child: mmap(2 GiB) = %s (the limit is inherited)\n", qq == MAP_FAILED ? ename(errno) : "ok");
    fflush(stdout);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  (void)argc; (void)argv;
  return 0;
}
