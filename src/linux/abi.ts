// Linux x86-64 ABI constants the syscall layer and its strace formatter share: signals, open
// and mmap flags, clone flags, futex operations, auxv tags. Values from the kernel's UAPI headers.

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
  SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
  SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21,
  SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28,
  SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
export const NSIG = 64;

export const SIGNAL_NAMES = ["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
  "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
  "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
  "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"];

export function signalName(n: number): string {
  if (n > 0 && n < SIGNAL_NAMES.length) return SIGNAL_NAMES[n]!;
  if (n >= 32 && n <= NSIG) return n === 32 ? "SIGRTMIN" : `SIGRT_${n - 32}`;
  return String(n);
}

/** Default action of each signal: "term", "core", "ign" or "stop" (treated as ignore). */
export function defaultAction(sig: number): "term" | "core" | "ign" | "stop" {
  switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT: return "ign";
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return "stop";
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS: return "core";
    default: return "term";
  }
}

// sigaction
export const SIG_DFL = 0, SIG_IGN = 1;
export const SA_SIGINFO = 0x4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000,
  SA_RESETHAND = 0x80000000, SA_RESTORER = 0x04000000, SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2;
export const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
export const SS_ONSTACK = 1, SS_DISABLE = 2, MINSIGSTKSZ = 2048;
// si_code
export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, FPE_INTDIV = 1, ILL_ILLOPN = 2, BUS_ADRERR = 2, TRAP_BRKPT = 1;

// open
export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200,
  O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DSYNC = 0o10000,
  O_DIRECT = 0o40000, O_LARGEFILE = 0o100000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000,
  O_NOATIME = 0o1000000, O_CLOEXEC = 0o2000000, O_PATH = 0o10000000, O_TMPFILE = 0o20000000;
export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;

// mmap
export const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100,
  MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_STACK = 0x20000, MAP_FIXED_NOREPLACE = 0x100000;

// clone
export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
  CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
  CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;

// futex
export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
  FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

// clocks
export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
export const TIMER_ABSTIME = 1;

// epoll / poll
export const EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10,
  EPOLLRDHUP = 0x2000, EPOLLONESHOT = 0x40000000, EPOLLET = 0x80000000;
export const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;

// arch_prctl
export const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;

// auxv
export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
  AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
  AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33,
  AT_MINSIGSTKSZ = 51;
export const PROT_MASK = 7;
