// MAP_SHARED file mappings against the file's own reads, writes and truncations, each result
// printed (test/linux/shmap.test.ts compares them and the file f.dat it leaves in the working
// directory with the native run).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#define P 4096
static void show(const char *what, const char *p, int n) {
  printf("%s: ", what);
  for (int i = 0; i < n; i++) putchar(p[i] ? p[i] : '0');
  putchar('\n');
}
int main(void) {
  int fd = open("f.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char page[3 * P]; memset(page, 'a', sizeof page);
  write(fd, page, sizeof page);
  char *m = mmap(NULL, 3 * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char buf[32];

  /* a store is seen by pread, read, another descriptor and sendfile */
  memcpy(m + 10, "STORE", 5);
  memset(buf, 0, sizeof buf); pread(fd, buf, 5, 10); show("pread after store", buf, 5);
  lseek(fd, 8, SEEK_SET); memset(buf, 0, sizeof buf); read(fd, buf, 9); show("read after store", buf, 9);
  int fd2 = open("f.dat", O_RDONLY);
  memcpy(m + P + 1, "OTHER", 5);
  memset(buf, 0, sizeof buf); pread(fd2, buf, 5, P + 1); show("other fd", buf, 5);
  int pp[2]; pipe(pp);
  memcpy(m + 2 * P, "SENDF", 5);
  off_t so = 2 * P; sendfile(pp[1], fd2, &so, 5);
  memset(buf, 0, sizeof buf); read(pp[0], buf, 5); show("sendfile", buf, 5);

  /* pwrite, write and an O_APPEND write are seen through the mapping; munmap keeps them */
  pwrite(fd, "PWRIT", 5, P + 20);
  show("map after pwrite", m + P + 20, 5);
  lseek(fd, 30, SEEK_SET); write(fd, "WRITE", 5);
  show("map after write", m + 30, 5);
  memcpy(m + P + 40, "NEAR", 4); /* a dirty page that pwrite also touches keeps both */
  pwrite(fd, "PW2", 3, P + 50);
  munmap(m, 3 * P);
  memset(buf, 0, sizeof buf); pread(fd, buf, 5, P + 20); show("file after munmap", buf, 5);
  memset(buf, 0, sizeof buf); pread(fd, buf, 13, P + 40); show("both survive", buf, 13);

  /* mremap moves a shared mapping: stores before and after the move reach the file */
  char *g = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *dest = mmap(NULL, 2 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(g + 5, "BEFORE", 6);
  char *h = mremap(g, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
  printf("mremap moved: %s\n", h == dest ? "yes" : "no");
  memcpy(h + P + 7, "AFTER", 5);
  memset(buf, 0, sizeof buf); pread(fd, buf, 6, 5); show("stored before the move", buf, 6);
  memset(buf, 0, sizeof buf); pread(fd, buf, 5, P + 7); show("stored after the move", buf, 5);
  pwrite(fd, "PWMOV", 5, 20);
  show("moved map after pwrite", h + 20, 5);
  munmap(h, 2 * P);

  /* a read-only shared mapping follows writes; mprotect cannot make it writable */
  char *r = mmap(NULL, P, PROT_READ, MAP_SHARED, fd2, 0);
  pwrite(fd, "RONLY", 5, 100);
  show("read-only map after pwrite", r + 100, 5);
  printf("mprotect of a read-only file's map: %s\n", mprotect(r, P, PROT_READ | PROT_WRITE) == 0 ? "ok" : strerror(errno));
  printf("MAP_SHARED|PROT_WRITE of an O_RDONLY fd: %s\n", mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0) == MAP_FAILED ? strerror(errno) : "mapped");
  munmap(r, P);

  /* mprotect to writable, then a store: written back at munmap */
  m = mmap(NULL, 3 * P, PROT_READ, MAP_SHARED, fd, 0);
  mprotect(m, 3 * P, PROT_READ | PROT_WRITE);
  memcpy(m + 200, "MPROT", 5);
  munmap(m, 3 * P);
  memset(buf, 0, sizeof buf); pread(fd, buf, 5, 200); show("after mprotect store", buf, 5);

  /* two mappings of one file: a store through one is seen through the other after msync */
  char *a = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *b = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  memcpy(a + 300, "ALIAS", 5);
  msync(a, P, MS_SYNC);
  show("second mapping", b + 300, 5);
  /* a new mapping sees the stores of an existing one */
  memcpy(a + 310, "FRESH", 5);
  char *c = mmap(NULL, P, PROT_READ, MAP_SHARED, fd, 0);
  show("new mapping", c + 310, 5);
  munmap(c, P);

  /* madvise(MADV_DONTNEED) keeps a shared mapping's stores */
  memcpy(a + 400, "ADVIS", 5);
  madvise(a, P, MADV_DONTNEED);
  show("after MADV_DONTNEED", a + 400, 5);

  /* truncation: the mapping sees zeros past the new end, then the file grows back */
  char *t = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  memcpy(t + 100, "KEEP", 4);
  memcpy(t + P + 100, "GONE", 4);
  ftruncate(fd, 500);
  ftruncate(fd, 2 * P);
  show("kept before the cut", t + 100, 4);
  show("zeros after the cut", t + 510, 4);
  show("zeros in the next page", t + P + 100, 4);
  struct stat st; fstat(fd, &st);
  printf("size %ld\n", (long)st.st_size);
  munmap(t, 2 * P); munmap(a, P); munmap(b, P);

  /* a store past the end of the file never reaches it */
  ftruncate(fd, 100);
  t = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  memcpy(t + 90, "0123456789ABCDEF", 16);
  munmap(t, P);
  fstat(fd, &st);
  memset(buf, 0, sizeof buf); pread(fd, buf, 20, 90);
  printf("size %ld: ", (long)st.st_size); show("tail", buf, 12);

  /* O_TRUNC empties the mapping's view too */
  t = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int fd3 = open("f.dat", O_RDWR | O_TRUNC);
  write(fd3, "NEW", 3);
  show("after O_TRUNC and write", t, 6);
  munmap(t, P);
  fstat(fd, &st);
  printf("final size %ld\n", (long)st.st_size);

  /* through an O_APPEND descriptor: the mapping is written back in place, pwrite appends */
  int fa = open("f.dat", O_RDWR | O_APPEND);
  t = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
  memcpy(t + 1, "APP", 3);
  pwrite(fa, "PWA", 3, 0);
  show("map after an appending pwrite", t, 8);
  munmap(t, P);
  fstat(fa, &st);
  memset(buf, 0, sizeof buf); pread(fd, buf, 8, 0);
  printf("size %ld: ", (long)st.st_size); show("head", buf, 8);
  return 0;
}
