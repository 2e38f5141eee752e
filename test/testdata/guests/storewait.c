// Maps out.dat shared, stores into it, says "stored" and waits for signals (an argument: it
// ignores SIGTERM): whether the store reaches the file when rt0 is signalled (shmap.test.ts).
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc > 1) signal(SIGTERM, SIG_IGN);
  int fd = open("out.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  ftruncate(fd, 8192);
  char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  memcpy(m + 5000, "STORED BEFORE THE SIGNAL", 24);
  printf("stored\n");
  fflush(stdout);
  for (;;) pause();
}
