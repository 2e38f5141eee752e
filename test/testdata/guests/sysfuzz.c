// sysfuzz: a syscall fuzzer guest for rt0 (test/linux/sysfuzz.test.ts, tools/sysfuzz.ts).
// Freestanding x86-64 Linux, no libc: `sysfuzz SEED CALLS` makes CALLS calls of every syscall
// number (round robin and random) with random and edge arguments from a seeded generator: bad
// pointers, huge lengths, negative fds, wrapping ranges, paths, iovec and pollfd arrays. A
// watchdog thread interrupts calls that block (SIGUSR1, no SA_RESTART), sometimes pulling the
// scratch memory away under them first, and gives up when one stays blocked for 10 s.
// Exit 0 after CALLS calls (a summary line on the original stdout, kept at fd 777); 97: the
// fuzzer itself faulted (rt0 corrupted it); 98: a call stayed blocked despite the signals.
// Build: gcc -O2 -static -nostdlib -fno-pie -no-pie -fno-stack-protector -ffreestanding -o sysfuzz sysfuzz.c

typedef unsigned long u64;
typedef long i64;

#define PAGE 4096UL
#define USER_TOP 0x800000000000UL
/* Our own regions: fuzzed memory calls that Linux would accept there are skipped. */
#define STACK_BASE 0x5a5a00000000UL
#define STACK_SIZE (1UL << 20)
#define WATCH_BASE 0x5a5a00200000UL
#define WATCH_SIZE (256UL << 10)
/* Scratch: a PROT_NONE guard page, pages 0..6 read-write, page 7 read-only, page 8 unmapped. */
#define SCRATCH 0x3c3c00000000UL
#define S_PAGES 9
#define S(n) (SCRATCH + PAGE * (1 + (n)))
#define REPORT_FD 777
#define HANG_NS 10000000000L

#define SIGUSR1 10

extern char __executable_start[], _end[];

static inline i64 sc6(i64 n, u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
  register u64 r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
  i64 ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
#define sc0(n) sc6(n, 0, 0, 0, 0, 0, 0)
#define sc1(n, a) sc6(n, (u64)(a), 0, 0, 0, 0, 0)
#define sc2(n, a, b) sc6(n, (u64)(a), (u64)(b), 0, 0, 0, 0)
#define sc3(n, a, b, c) sc6(n, (u64)(a), (u64)(b), (u64)(c), 0, 0, 0)
#define sc4(n, a, b, c, d) sc6(n, (u64)(a), (u64)(b), (u64)(c), (u64)(d), 0, 0)

enum {
  NR_write = 1, NR_open = 2, NR_close = 3, NR_mmap = 9, NR_mprotect = 10, NR_munmap = 11, NR_rt_sigaction = 13,
  NR_rt_sigprocmask = 14, NR_rt_sigreturn = 15, NR_mremap = 25, NR_madvise = 28, NR_dup = 32, NR_dup2 = 33,
  NR_nanosleep = 35, NR_getpid = 39, NR_socket = 41, NR_socketpair = 53, NR_clone = 56, NR_fork = 57,
  NR_vfork = 58, NR_execve = 59, NR_exit = 60, NR_kill = 62, NR_mkdir = 83, NR_setrlimit = 160,
  NR_gettid = 186, NR_tkill = 200, NR_clock_gettime = 228, NR_exit_group = 231, NR_tgkill = 234,
  NR_rt_sigqueueinfo = 129, NR_rt_sigsuspend = 130, NR_rt_tgsigqueueinfo = 297,
  NR_pselect6 = 270, NR_ppoll = 271, NR_epoll_pwait = 281, NR_eventfd2 = 290, NR_epoll_create1 = 291,
  NR_pipe2 = 293, NR_prlimit64 = 302, NR_execveat = 322, NR_pkey_mprotect = 329, NR_pidfd_send_signal = 424,
  NR_clone3 = 435, NR_epoll_pwait2 = 441, NR_close_range = 436, NR_process_madvise = 440,
  NR_MAX = 470,
};

/* ---- output (to the report fd) */

static u64 slen(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static char outbuf[512];
static u64 outlen;
static void put(const char *s) { while (*s && outlen < sizeof outbuf) outbuf[outlen++] = *s++; }
static void putn(u64 v) {
  char b[24]; int i = 0;
  do { b[i++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (i) { if (outlen < sizeof outbuf) outbuf[outlen++] = b[--i]; else --i; }
}
static void puthex(u64 v) {
  put("0x");
  char b[17]; int i = 0;
  do { b[i++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  while (i) { if (outlen < sizeof outbuf) outbuf[outlen++] = b[--i]; else --i; }
}
static void flush(void) { sc3(NR_write, REPORT_FD, outbuf, outlen); outlen = 0; }

static u64 parse(const char *s) { u64 v = 0; while (*s >= '0' && *s <= '9') v = v * 10 + (u64)(*s++ - '0'); return v; }

/* ---- the generator (splitmix64) */

static u64 rng;
static u64 rnd(void) {
  u64 z = (rng += 0x9e3779b97f4a7c15UL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}

static const u64 EDGE[] = {
  0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 255, 256, 511, 512, 1023, 1024, 1025,
  4095, 4096, 4097, 8192, 65535, 65536, 65537, 1UL << 20, (1UL << 31) - 1, 1UL << 31, (1UL << 32) - 1, 1UL << 32,
  (1UL << 32) + 1, (1UL << 47) - PAGE, (1UL << 47) - 1, 1UL << 47, (1UL << 47) + PAGE, 1UL << 48, 1UL << 52,
  (1UL << 53) - 1, 1UL << 53, (1UL << 53) + 1, 1UL << 62, 1UL << 63, (1UL << 63) - 1, (u64)-1, (u64)-2,
  (u64)-4096, (u64)-4095, (u64)-100, 0x7fffffffUL, 0x80000000UL, 0xffff800000000000UL, 0xffffffff80000000UL,
  0x7fffffffe000UL, 1UL << 40, 1UL << 36, 0x7fffffff0000UL,
};
#define NEDGE (sizeof EDGE / sizeof EDGE[0])

/* Strings for path arguments, 64-byte slots at page 2 of the scratch; two long ones after. */
static const char *const STRS[] = {
  "", "/", ".", "..", "f", "d", "l", "d/x", "f/", "sysfuzz-nonexistent", "/proc/self/exe", "/proc/self/cmdline",
  "/proc/self/fd/0", "/proc/self/maps", "/dev/null", "/dev/zero", "/dev/urandom", "../../..", "////", "/tmp",
  "sysfuzz-new", "sysfuzz-dir/", "./f/../f", "/proc", "/proc/self", "d/../../..", "\xff\xfe", "sysfuzz a b",
  "/proc/self/fd", "d/", "l/", "/sysfuzz-abs", "sysfuzz-fifo", "sysfuzz-sock", "/proc/self/status", ".//./",
};
#define NSTRS (sizeof STRS / sizeof STRS[0])
#define STR(i) (S(2) + 64 * (i))
#define LONG1 (S(2) + 2048) /* 300 characters: longer than NAME_MAX */

static u64 pick_addr(void) {
  switch (rnd() % 6) {
  case 0: return S(rnd() % 9) - PAGE * (rnd() % 2); /* a page: guard, RW, RO, unmapped */
  case 1: return SCRATCH + rnd() % (PAGE * (S_PAGES + 1));
  case 2: return S(rnd() % 8) + PAGE - 1 - rnd() % 16; /* near a page end */
  case 3: return STR(rnd() % NSTRS);
  case 4: return 0x4b4b00000000UL + PAGE * (rnd() % 64); /* victim area for mmap games */
  default: return S(0) + 8 * (rnd() % 1024);
  }
}

static u64 gen(void) {
  switch (rnd() % 16) {
  case 0: case 1: case 2: return (u64)((i64)(rnd() % 16) - 2); /* fds -2..13 */
  case 3: case 4: case 5: return EDGE[rnd() % NEDGE];
  case 6: case 7: case 8: return pick_addr();
  case 9: return rnd() % 3 ? STR(rnd() % NSTRS) : LONG1 + (rnd() % 2) * (S(5) - LONG1);
  case 10: return rnd();
  case 11: return rnd() & 0xffffffffUL;
  case 12: return rnd() & rnd() & rnd();
  case 13: return rnd() % 8192;
  case 14: return EDGE[rnd() % NEDGE] + (rnd() % 9) - 4;
  default: return (rnd() % 64) << (rnd() % 48);
  }
}

/* ---- signals */

struct ksigaction { void *handler; u64 flags; void *restorer; u64 mask; };
#define SA_SIGINFO 4UL
#define SA_RESTORER 0x04000000UL
void sysfuzz_restorer(void);
__asm__(".text\n.globl sysfuzz_restorer\nsysfuzz_restorer:\n mov $15, %eax\n syscall\n hlt\n");

static volatile u64 interrupted;
static void on_signal(int sig, void *si, void *uc) {
  (void)uc;
  int code = ((int *)si)[2];
  if ((sig == 11 || sig == 7 || sig == 4 || sig == 8) && code > 0) {
    /* A fault in our own code: rt0 broke the guest's memory or registers. */
    u64 *gregs = (u64 *)((char *)uc + 40);
    put("sysfuzz: the fuzzer itself faulted: signal "); putn((u64)sig); put(" code "); putn((u64)code);
    put(" addr "); puthex(*(u64 *)((char *)si + 16)); put(" rip "); puthex(gregs[16]); put("\n");
    flush();
    sc1(NR_exit_group, 97);
  }
  interrupted++;
}

static void install_handlers(void) {
  struct ksigaction a = { (void *)on_signal, SA_SIGINFO | SA_RESTORER, (void *)sysfuzz_restorer, 0 };
  for (int s = 1; s <= 64; s++) if (s != 9 && s != 19) sc4(NR_rt_sigaction, s, &a, 0, 8);
}

/* ---- the watchdog thread */

static volatile u64 seq;         /* odd while a fuzzed call runs */
static volatile i64 state;       /* 0 idle, 1 in a call, 2 the watchdog is changing the scratch */
static volatile i64 cur_nr = -1;
static volatile u64 cur_args[6];
static volatile u64 max_blocked_ns;
static volatile i64 max_blocked_nr = -1;
static volatile int chaos = 1;  /* the scratch must be rebuilt */
static i64 pid, fuzz_tid;
static u64 watch_rng;

static i64 now_ns(void) {
  i64 ts[2];
  sc2(NR_clock_gettime, 1, ts);
  return ts[0] * 1000000000L + ts[1];
}

static void watchdog(void) {
  u64 last = 0;
  i64 since = 0;
  for (;;) {
    i64 ts[2] = { 0, 1000000 };
    sc2(NR_nanosleep, ts, 0);
    u64 s = seq;
    if (!(s & 1)) continue;
    i64 now = now_ns();
    if (s != last) { last = s; since = now; continue; }
    u64 d = (u64)(now - since);
    if (d > max_blocked_ns) { max_blocked_ns = d; max_blocked_nr = cur_nr; }
    if ((i64)d > HANG_NS) {
      put("sysfuzz: call "); putn((u64)cur_nr); put("(");
      for (int i = 0; i < 6; i++) { if (i) put(", "); puthex(cur_args[i]); }
      put(") still blocked after 10 s of signals\n");
      flush();
      sc1(NR_exit_group, 98);
    }
    watch_rng = watch_rng * 6364136223846793005UL + 1442695040888963407UL;
    /* Sometimes take the memory away under the blocked call (what it re-reads must not crash rt0). */
    if ((watch_rng >> 60) < 4 && __sync_bool_compare_and_swap(&state, 1, 2)) {
      if ((watch_rng >> 58) & 1) sc2(NR_munmap, SCRATCH, PAGE * S_PAGES);
      else sc3(NR_mprotect, SCRATCH, PAGE * S_PAGES, 0);
      chaos = 1;
      state = 1;
    }
    sc3(NR_tgkill, pid, fuzz_tid, SIGUSR1);
  }
}

static i64 spawn(void *top, void (*fn)(void)) {
  u64 flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; /* VM FS FILES SIGHAND THREAD SYSVSEM */
  register u64 r10 __asm__("r10") = 0;
  register u64 r8 __asm__("r8") = 0;
  i64 ret;
  __asm__ volatile(
    "syscall\n"
    "test %%rax, %%rax\n"
    "jnz 1f\n"
    "call *%%rbx\n"
    "mov $60, %%eax\n"
    "xor %%edi, %%edi\n"
    "syscall\n"
    "1:\n"
    : "=a"(ret) : "a"(NR_clone), "D"(flags), "S"(top), "d"(0), "r"(r10), "r"(r8), "b"(fn) : "rcx", "r11", "memory");
  return ret;
}

/* ---- the scratch memory, rebuilt before every call */

static void copy(void *dst, const void *src, u64 n) {
  __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static void fill(void *dst, int c, u64 n) {
  __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
}

static int prepare(void) {
  if ((u64)sc6(NR_mmap, SCRATCH, PAGE * S_PAGES, 3, 0x32 /* PRIVATE|FIXED|ANON */, (u64)-1, 0) != SCRATCH) return 0;
  u64 *w = (u64 *)S(0);
  for (int i = 0; i < 512; i++) w[i] = gen();
  w = (u64 *)S(1);
  for (int i = 0; i < 64; i++) w[i] = gen();
  char *str = (char *)S(2);
  for (u64 i = 0; i < NSTRS; i++) copy(str + 64 * i, STRS[i], slen(STRS[i]) + 1);
  fill(str + 2048, 'a', 300);
  w = (u64 *)S(3); /* iovecs into the scratch */
  for (int i = 0; i < 512; i += 2) {
    w[i] = rnd() % 4 ? S(rnd() % 7) + rnd() % 2048 : gen();
    w[i + 1] = rnd() % 4 ? rnd() % 600 : gen();
  }
  unsigned *fds = (unsigned *)S(4); /* pollfd-like: fd, events */
  for (int i = 0; i < 1024; i += 2) {
    fds[i] = (unsigned)((i64)(rnd() % 14) - 1);
    fds[i + 1] = (unsigned)(rnd() & 0xffff);
  }
  fill((void *)S(5), 'A', PAGE); /* no NUL in the whole page */
  copy((void *)S(7), (void *)S(0), PAGE);
  sc3(NR_mprotect, SCRATCH, PAGE, 0);
  sc3(NR_mprotect, S(7), PAGE, 1);
  sc2(NR_munmap, S(8), PAGE);
  return 1;
}

/* ---- what not to call, and arguments to tame */

static int skipped_nr(i64 nr) {
  switch (nr) {
  case NR_rt_sigreturn: case NR_clone: case NR_fork: case NR_vfork: case NR_execve: case NR_exit:
  case NR_exit_group: case NR_execveat: case NR_clone3:
    return 1;
  }
  return 0;
}

/* Would [a, a+len) (as Linux reads it: page-rounded, not wrapping) touch our code, data or stacks? */
static int hits_us(u64 a, u64 len) {
  u64 end = a + ((len + PAGE - 1) & ~(PAGE - 1));
  if (len > USER_TOP || end < a) return 0; /* Linux refuses it: a fair test */
  u64 lo[3] = { (u64)__executable_start, STACK_BASE, WATCH_BASE };
  u64 hi[3] = { ((u64)_end + PAGE - 1) & ~(PAGE - 1), STACK_BASE + STACK_SIZE, WATCH_BASE + WATCH_SIZE };
  for (int i = 0; i < 3; i++) if (a < hi[i] && end > lo[i]) return 1;
  return 0;
}

static u64 init_hard[16];
static u64 init_soft[16];
static const u64 ZERO_MASK_AT = S(6); /* page 6 stays zero: an empty signal mask */

/* Adjust the arguments so that the call cannot end or cripple the fuzzer; 0: skip it. */
static int tame(i64 nr, u64 *a) {
  switch (nr) {
  case NR_mmap:
    if ((a[3] & 0x10) && hits_us(a[0], a[1])) return 0; /* MAP_FIXED over us */
    break;
  case NR_mprotect: case NR_munmap: case NR_madvise: case NR_pkey_mprotect:
    if (hits_us(a[0], a[1])) return 0;
    break;
  case NR_mremap:
    if (hits_us(a[0], a[1]) || hits_us(a[0], a[2]) || ((a[3] & 2) && hits_us(a[4], a[2]))) return 0;
    break;
  case NR_kill: case NR_tkill: case NR_rt_sigqueueinfo: case NR_pidfd_send_signal:
    if ((int)a[1] == 9 || (int)a[1] == 19) a[1] = SIGUSR1;
    break;
  case NR_tgkill: case NR_rt_tgsigqueueinfo:
    if ((int)a[2] == 9 || (int)a[2] == 19) a[2] = SIGUSR1;
    break;
  case NR_rt_sigsuspend:
    a[0] = ZERO_MASK_AT;
    break;
  case NR_ppoll:
    if (a[3]) a[3] = ZERO_MASK_AT;
    break;
  case NR_epoll_pwait: case NR_epoll_pwait2:
    if (a[4]) a[4] = ZERO_MASK_AT;
    break;
  case NR_pselect6:
    if (a[5]) a[5] = 0;
    break;
  case NR_setrlimit: case NR_prlimit64: {
    /* Never lower a hard limit (it could not be raised again): a new limit is read from the
     * read-write scratch with our hard limit, or from a page that faults, or not at all. */
    int k = nr == NR_setrlimit ? 1 : 2;
    u64 res = a[k - 1], p = a[k];
    if (p >= S(0) && p <= S(7) - 16) ((u64 *)p)[1] = init_hard[res & 15];
    else if (!(p >= SCRATCH && p < S(0)) && !(p >= S(8) && p < S(9))) a[k] = 0;
    break;
  }
  case NR_close_range:
    if (a[0] <= REPORT_FD && a[1] >= REPORT_FD) return 0;
    break;
  case NR_dup2: case 292 /* dup3 */:
    if ((int)a[1] == REPORT_FD) return 0;
    break;
  case NR_close:
    if ((int)a[0] == REPORT_FD) return 0;
    break;
  case NR_process_madvise:
    return 0;
  }
  return 1;
}

/* ---- the run */

static u64 total, skipped;
static u64 g_seed, g_calls, g_trace;

static void setup_fds(void) {
  i64 r = sc1(NR_dup, 1);
  sc2(NR_dup2, r, REPORT_FD);
  sc1(NR_close, r);
  sc1(NR_close, 0); sc1(NR_close, 1); sc1(NR_close, 2);
  sc3(NR_open, "f", 0102 /* O_RDWR|O_CREAT */, 0644);          /* 0 */
  sc3(NR_write, 0, "some bytes of a regular file\n", 29);
  sc2(NR_mkdir, "d", 0755);
  sc3(266 /* symlinkat */, "f", -100, "l");
  sc3(NR_open, ".", 0200000 /* O_DIRECTORY */, 0);            /* 1 */
  int p[2];
  sc2(NR_pipe2, p, 0);                                          /* 2, 3 */
  sc2(NR_eventfd2, 1, 0);                                       /* 4 */
  sc1(NR_epoll_create1, 0);                                     /* 5 */
  sc4(NR_socketpair, 1, 1, 0, p);                               /* 6, 7 */
  sc3(NR_socket, 2, 1, 0);                                      /* 8 */
  sc3(NR_open, "/proc/self/cmdline", 0, 0);                     /* 9 */
}

static void fuzz_main(u64 seed, u64 calls) {
  rng = seed * 0x2545f4914f6cdd1dUL + 1;
  watch_rng = seed;
  pid = sc0(NR_getpid);
  fuzz_tid = sc0(186);
  for (int r = 0; r < 16; r++) {
    u64 l[2] = { (u64)-1, (u64)-1 };
    sc4(NR_prlimit64, 0, r, 0, l);
    init_soft[r] = l[0];
    init_hard[r] = l[1];
  }
  install_handlers();
  setup_fds();
  sc6(NR_mmap, WATCH_BASE, WATCH_SIZE, 3, 0x32, (u64)-1, 0);
  spawn((void *)(WATCH_BASE + WATCH_SIZE), watchdog);
  u64 empty = 0;
  for (u64 i = 0; i < calls; i++) {
    i64 nr = i % 2 ? (i64)((i / 2 + seed) % (NR_MAX + 1)) : (i64)(rnd() % (NR_MAX + 1));
    if (rnd() % 64 == 0) nr = (i64)EDGE[rnd() % NEDGE] + 400; /* past the table */
    if (skipped_nr(nr)) { skipped++; continue; }
    if (chaos || i % 32 == 0) {
      chaos = 0;
      prepare();
    }
    u64 a[6];
    for (int k = 0; k < 6; k++) a[k] = gen();
    if (!tame(nr, a)) { skipped++; continue; }
    sc4(NR_rt_sigprocmask, 2 /* SIG_SETMASK */, &empty, 0, 8);
    for (int k = 0; k < 6; k++) cur_args[k] = a[k];
    cur_nr = nr;
    if (g_trace) {
      put("call "); putn(i); put(": "); putn((u64)nr); put("(");
      for (int k = 0; k < 6; k++) { if (k) put(", "); puthex(a[k]); }
      put(")\n");
      flush();
    }
    state = 1;
    seq++;
    i64 r = sc6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    seq++;
    while (!__sync_bool_compare_and_swap(&state, 1, 0)) sc0(24 /* sched_yield */);
    total++;
    switch (nr) {
    case NR_mmap: case NR_mprotect: case NR_munmap: case NR_mremap: case NR_madvise: case NR_pkey_mprotect:
    case 30 /* shmat */: case 12 /* brk */:
      chaos = 1;
    }
    if (nr == NR_rt_sigaction && r == 0) install_handlers();
    if (nr == NR_setrlimit || nr == NR_prlimit64) {
      for (int k = 0; k < 16; k++) {
        u64 l[2] = { init_soft[k], init_hard[k] };
        sc4(NR_prlimit64, 0, k, l, 0);
      }
    }
  }
  put("sysfuzz: seed "); putn(seed); put(" calls "); putn(total); put(" skipped "); putn(skipped);
  put(" interrupted "); putn(interrupted); put(" max_blocked_ms "); putn(max_blocked_ns / 1000000);
  put(" (nr "); putn((u64)max_blocked_nr); put(")\n");
  flush();
  sc1(NR_exit_group, 0);
}

static void on_new_stack(void) { fuzz_main(g_seed, g_calls); }

void start_c(u64 *sp) {
  i64 argc = (i64)sp[0];
  char **argv = (char **)(sp + 1);
  if (argc < 3) {
    static const char usage[] = "usage: sysfuzz SEED CALLS\n";
    sc3(NR_write, 2, usage, sizeof usage - 1);
    sc1(NR_exit_group, 2);
  }
  g_seed = parse(argv[1]);
  g_calls = parse(argv[2]);
  g_trace = argc > 3;
  sc6(NR_mmap, STACK_BASE, STACK_SIZE, 3, 0x32, (u64)-1, 0);
  __asm__ volatile("mov %0, %%rsp\n call *%1\n hlt" : : "r"(STACK_BASE + STACK_SIZE), "r"(on_new_stack) : "memory");
  __builtin_unreachable();
}

__asm__(".text\n.globl _start\n_start:\n xor %ebp, %ebp\n mov %rsp, %rdi\n and $-16, %rsp\n call start_c\n hlt\n");
