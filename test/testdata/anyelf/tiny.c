// tiny: a freestanding static x86-64 program (no C library, no Go) for `rt0 info` and
// `rt0 disasm` against objdump; tools/gen-golden-anyelf.sh builds it and records objdump's output.
static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}

static const char msg[] = "hello from C\n";
int counter;
double scale = 1.5;

__attribute__((noinline)) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) long mix(long a, long b) {
  long x = a * 31 + b;
  for (int i = 0; i < 8; i++) x ^= (x << 7) | (x >> 3);
  return x + (long)(scale * (double)b);
}

void _start(void) {
  counter = fib(10);
  sys3(1, 1, (long)msg, sizeof msg - 1);
  sys3(60, (counter + mix(counter, 3)) & 0x7f, 0, 0);
  for (;;) {
  }
}
