// Native side of the CPU differential tests: for each case record (instruction bytes + input
// state image) run the instruction on this machine's CPU between stub.S's prologue/epilogue
// and write the output state image and a status (0 ok, else the signal number).
// Usage: harness CASES.bin OUT.bin   (formats: tools/cpudiff/format.ts)
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define IN ((uint8_t *)0x40000000)
#define OUT ((uint8_t *)0x40001000)
#define MEMBASE ((uint8_t *)0x20000000)
#define CODE ((uint8_t *)0x30000000)
#define STATE 528
#define MEMOFF 400
#define MEMLEN 128
#define REC (16 + STATE)

extern uint8_t pro_start[], pro_end[], epi_start[], epi_end[];
static sigjmp_buf env;

static void onsig(int sig, siginfo_t *si, void *uc) {
  (void)si; (void)uc;
  siglongjmp(env, sig);
}

static void *mapfixed(void *at, size_t len, int prot) {
  void *p = mmap(at, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != at) { perror("mmap"); exit(2); }
  return p;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: harness CASES OUT\n"); return 2; }
  FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
  if (!in || !out) { perror("open"); return 2; }
  mapfixed(IN, 0x3000, PROT_READ | PROT_WRITE);
  mapfixed(MEMBASE, 0x1000, PROT_READ | PROT_WRITE);
  mapfixed(CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
  static uint8_t altstack[65536];
  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
  sigaltstack(&ss, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = onsig;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigaction(SIGFPE, &sa, 0);
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  sigaction(SIGTRAP, &sa, 0);
  size_t np = pro_end - pro_start, ne = epi_end - epi_start;
  uint8_t rec[REC], res[REC];
  char magic[8];
  if (fread(magic, 1, 8, in) != 8 || memcmp(magic, "CPUDIFF1", 8) != 0) { fprintf(stderr, "bad cases file\n"); return 2; }
  fwrite("CPUDOUT1", 1, 8, out);
  while (fread(rec, 1, REC, in) == REC) {
    int len = rec[0];
    memcpy(CODE, pro_start, np);
    memcpy(CODE + np, rec + 1, len);
    memcpy(CODE + np + len, epi_start, ne);
    __builtin___clear_cache((char *)CODE, (char *)CODE + 4096);
    memcpy(IN, rec + 16, STATE);
    memcpy(MEMBASE, rec + 16 + MEMOFF, MEMLEN);
    memset(OUT, 0, STATE);
    int sig = sigsetjmp(env, 1);
    if (sig == 0) {
      ((void (*)(void))CODE)();
    } else {
      __asm__ volatile("cld");
      unsigned int m = 0x1f80;
      __asm__ volatile("ldmxcsr %0" ::"m"(m));
    }
    memset(res, 0, 16);
    res[0] = (uint8_t)sig;
    memcpy(res + 16, OUT, STATE);
    memcpy(res + 16 + MEMOFF, MEMBASE, MEMLEN);
    fwrite(res, 1, REC, out);
  }
  fclose(out);
  return 0;
}
