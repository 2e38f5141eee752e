// The Linux process as rt0 models it: an address space, an fd table, signal actions, parent and
// children, and guest threads (each a Cpu plus tid, signal mask, alternate stack and pending
// signals). Threads block by parking with a Wait; the scheduler in src/machine wakes them.

import type { Cpu } from "../cpu/api.js";
import { GPR } from "../cpu/api.js";
import type { Memory } from "../mem/api.js";
import type { Clock } from "./clock.js";
import type { FileDesc } from "./files.js";
import { StreamDesc } from "./files.js";
import type { Host } from "./vfs.js";
import type { Kernel, KernelOptions } from "./kernel.js";
import { O_RDONLY, O_RDWR, O_WRONLY, SS_DISABLE, NSIG, SIGCHLD, SIG_IGN } from "./abi.js";
import { EBADF, EMFILE, EPIPE } from "./errno.js";
import { raiseSigpipe, sendToProcess } from "./signal.js";
import { SplitMix64 } from "../base/splitmix.js";
import { initialRlimits, softLimit, RLIMIT_NOFILE, type Rlimits } from "./rlimit.js";

/** SIGCHLD si_code values and the sigaction flag that asks for no zombies. */
export const CLD_EXITED = 1, CLD_KILLED = 2;
const SA_NOCLDWAIT = 2;

export const RUNNABLE = 0, BLOCKED = 1, EXITED = 2;

export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for faults. */
  addr?: number;
  /** si_pid/si_uid for kill/tgkill and SIGCHLD. */
  pid?: number;
  uid?: number;
  /** si_status of SIGCHLD: the exit code or the signal. */
  status?: number;
}

export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

/** Why a parked thread waits and how it finishes. */
export interface Wait {
  /** Absolute CLOCK_MONOTONIC deadline in ns (Infinity: none). */
  deadline: number;
  /** Re-check readiness: a result finishes the syscall; undefined keeps waiting. */
  poll?: () => number | undefined;
  /** Result when the deadline passes. */
  onTimeout: () => number;
  /** An unblocked signal ends the wait with -EINTR. */
  interruptible: boolean;
  /** The futex word this thread sleeps on (FUTEX_WAIT). */
  futex?: number;
}

export class Thread {
  state = RUNNABLE;
  wait?: Wait;
  /** Blocked signals (bit n-1 for signal n). */
  sigmask = 0n;
  altSp = 0;
  altSize = 0;
  altFlags = SS_DISABLE;
  pending: SigInfo[] = [];
  /** CLONE_CHILD_CLEARTID / set_tid_address. */
  clearTid = 0;
  /** The syscall in progress (for --strace of blocking calls). */
  sysNr = -1;
  sysArgs: bigint[] = [];
  /** rt_sigsuspend's saved mask while it waits: the handler's frame gets it (restored by
   *  rt_sigreturn), or it comes back at once when no handler runs. */
  suspendMask: bigint | undefined;
  constructor(readonly proc: Process, readonly tid: number, readonly cpu: Cpu) {}

  /** Is the stack pointer inside the alternate signal stack? */
  onAltStack(sp: number): boolean {
    return this.altFlags !== SS_DISABLE && sp > this.altSp && sp <= this.altSp + this.altSize;
  }
}

export interface FdEntry {
  file: FileDesc;
  cloexec: boolean;
}

/** What the first process is made of (later ones come from fork and execve). */
export interface ProcessInit {
  mem: Memory;
  /** Guest path of the executable (/proc/self/exe, AT_EXECFN). */
  exePath: string;
  parent?: Process;
}

export class Process {
  readonly pid: number;
  ppid: number;
  /** Process group (kill(0), kill(-pgid), setpgid). */
  pgid: number;
  /** Session (setsid, getsid). */
  sid: number;
  /** The session has a controlling terminal (the host's, /dev/tty): false after setsid until
   *  TIOCSCTTY. */
  hasTty: boolean;
  parent: Process | undefined;
  /** Children not yet waited for (live or zombie). */
  readonly children = new Set<Process>();
  /** The address space: shared with the parent after clone(CLONE_VM), replaced by execve. */
  mem: Memory;
  exePath: string;
  readonly host: Host;
  readonly clock: Clock;
  readonly opts: KernelOptions;
  threads: Thread[] = [];
  fds = new Map<number, FdEntry>();
  sigactions: SigAction[] = [];
  cwd = "/";
  /** /proc/self/cmdline contents. */
  cmdline?: Uint8Array;
  umask = 0o022;
  brkStart = 0;
  brk = 0;
  /** Exit status as a shell sees it, once the process has ended. */
  exitStatus: number | undefined;
  /** The signal that killed the process, if any. */
  killedBy = 0;
  /** The thread whose exit_group ended the process (its stack says who called it: rt0 boot
   *  tells a panic from os.Exit and from main.main returning). */
  exitCaller: Thread | undefined;
  /** The status word wait4 reports (exit code << 8, or the signal). */
  waitStatus = 0;
  /** The signal the parent gets when this process ends (SIGCHLD after fork; 0: none). */
  exitSignal = 0;
  /** A clone(CLONE_VFORK) child: false until it execs or exits (its parent waits for that). */
  vforkDone = true;
  futexWaiters = new Map<number, Thread[]>();
  /** Any thread state or fd readiness changed: the scheduler re-polls parked threads. */
  dirty = false;
  /** sched_yield asked for a thread switch. */
  yieldNow = false;
  /** Instructions retired by this process's threads so far (kept by the scheduler). */
  retired = 0;
  /** Resource limits, [soft, hard] by RLIMIT_* (rlimit.ts). */
  rlimits: Rlimits;
  /** Every descriptor below this one is in use (where allocFd starts looking). */
  private fdHint = 0;
  private rng: SplitMix64;

  constructor(readonly kernel: Kernel, init: ProcessInit) {
    this.opts = kernel.opts;
    this.mem = init.mem;
    this.exePath = init.exePath;
    this.host = kernel.opts.host;
    this.clock = kernel.opts.clock;
    this.pid = kernel.allocId();
    const parent = init.parent;
    this.parent = parent;
    this.ppid = parent ? parent.pid : 999;
    this.pgid = parent ? parent.pgid : this.pid;
    this.sid = parent ? parent.sid : this.pid;
    this.hasTty = parent ? parent.hasTty : true;
    this.rng = new SplitMix64(parent ? parent.nextRandom() : BigInt(kernel.opts.seed) ^ 0x9e3779b97f4a7c15n);
    kernel.procs.set(this.pid, this);
    if (parent) {
      parent.children.add(this);
      for (const a of parent.sigactions) this.sigactions.push({ ...a });
      for (const [fd, e] of parent.fds) {
        e.file.refs++;
        this.fds.set(fd, { file: e.file, cloexec: e.cloexec });
      }
      this.cwd = parent.cwd;
      this.umask = parent.umask;
      this.cmdline = parent.cmdline;
      this.brkStart = parent.brkStart;
      this.brk = parent.brk;
      this.rlimits = parent.rlimits.map(([soft, hard]) => [soft, hard]);
      this.onSyscallDone = parent.onSyscallDone;
      return;
    }
    this.rlimits = initialRlimits(kernel.opts.memoryLimit, kernel.opts.processLimit);
    for (let i = 0; i <= NSIG; i++) this.sigactions.push({ handler: 0, flags: 0, restorer: 0, mask: 0n });
    // A descriptor closed when rt0 started stays closed for the guest, as it would natively.
    const stdio = [this.host.stdin, this.host.stdout, this.host.stderr];
    stdio.forEach((s, fd) => {
      if (!s.closed) this.fds.set(fd, { file: new StreamDesc(s, s.flags ?? (s.isTTY ? O_RDWR : fd === 0 ? O_RDONLY : O_WRONLY)), cloexec: false });
    });
  }

  /** A new Cpu on this process's address space. */
  newCpu(): Cpu {
    return this.opts.newCpu(this.mem);
  }

  /** A new thread; the first one (and the one execve leaves) has tid = pid. */
  newThread(cpu: Cpu): Thread {
    const tid = this.threads.some((x) => x.tid === this.pid) ? this.kernel.allocId() : this.pid;
    const t = new Thread(this, tid, cpu);
    this.threads.push(t);
    this.kernel.threads.push(t);
    return t;
  }

  liveThreads(): number {
    let n = 0;
    for (const t of this.threads) if (t.state !== EXITED) n++;
    return n;
  }

  thread(tid: number): Thread | undefined {
    return this.threads.find((t) => t.tid === tid && t.state !== EXITED);
  }

  // ---- file descriptors

  getFile(fd: number): FileDesc | undefined {
    return this.fds.get(fd)?.file;
  }

  /** The soft RLIMIT_NOFILE: descriptors must be below it. */
  fdLimit(): number {
    return softLimit(this.rlimits, RLIMIT_NOFILE);
  }

  /** Lowest free descriptor >= min, below RLIMIT_NOFILE. Takes over one reference to file
   *  (a new file's first, or one the caller added): on -EMFILE that reference is dropped. */
  allocFd(file: FileDesc, cloexec: boolean, min = 0): number {
    let fd = Math.max(min, this.fdHint);
    while (this.fds.has(fd)) fd++;
    if (fd >= this.fdLimit()) {
      this.dropFile(file);
      return -EMFILE;
    }
    if (min <= this.fdHint) this.fdHint = fd + 1;
    this.fds.set(fd, { file, cloexec });
    return fd;
  }

  installFd(fd: number, file: FileDesc, cloexec: boolean): void {
    const old = this.fds.get(fd);
    file.refs++;
    this.fds.set(fd, { file, cloexec });
    if (old) this.dropFile(old.file);
  }

  closeFd(fd: number): number {
    const e = this.fds.get(fd);
    if (!e) return -EBADF;
    this.fds.delete(fd);
    if (fd < this.fdHint) this.fdHint = fd;
    this.dropFile(e.file);
    return 0;
  }

  private dropFile(f: FileDesc): void {
    if (--f.refs === 0) {
      f.release();
      this.kernel.onFileReleased?.(f);
    }
    this.dirty = true;
  }

  // ---- random bytes (AT_RANDOM, getrandom): the host's, or a seeded generator

  randomFill(buf: Uint8Array): void {
    if (!this.opts.deterministic) {
      this.host.randomFill(buf);
      return;
    }
    this.rng.fill(buf);
  }

  /** The seeded generator's next 64 bits (splitmix64). */
  nextRandom(): bigint {
    return this.rng.nextBig();
  }

  // ---- thread parking

  /** Park `t` until the wait ends; the syscall's result is written then. */
  park(t: Thread, w: Wait): void {
    t.state = BLOCKED;
    t.wait = w;
    if (w.futex !== undefined) {
      let q = this.futexWaiters.get(w.futex);
      if (!q) this.futexWaiters.set(w.futex, (q = []));
      q.push(t);
    }
  }

  /** End t's wait with `result` (in RAX) and make it runnable. */
  unpark(t: Thread, result: number): void {
    const w = t.wait;
    if (w?.futex !== undefined) {
      const q = this.futexWaiters.get(w.futex);
      if (q) {
        const i = q.indexOf(t);
        if (i >= 0) q.splice(i, 1);
        if (q.length === 0) this.futexWaiters.delete(w.futex);
      }
    }
    t.wait = undefined;
    t.state = RUNNABLE;
    this.finishSyscall(t, result);
  }

  /** Wake up to n futex waiters on addr; returns how many woke. */
  futexWake(addr: number, n: number): number {
    const q = this.futexWaiters.get(addr);
    let woke = 0;
    while (q && q.length > 0 && woke < n) {
      const t = q[0]!;
      this.unpark(t, 0);
      woke++;
    }
    return woke;
  }

  /** Set by the syscall layer: writes a syscall's result and its strace line. */
  finishSyscall(t: Thread, result: number): void {
    setResult(t.cpu, result);
    if (result === -EPIPE) raiseSigpipe(t, t.sysNr, t.sysArgs);
    if (this.onSyscallDone) this.onSyscallDone(t, result);
    t.sysNr = -1;
  }
  onSyscallDone?: (t: Thread, result: number) => void;

  // ---- ending

  exitGroup(status: number): void {
    if (this.exitStatus === undefined) {
      this.exitStatus = status & 0xff;
      this.waitStatus = (status & 0xff) << 8;
    }
    for (const t of this.threads) {
      t.state = EXITED;
      t.wait = undefined;
    }
    this.futexWaiters.clear();
    this.ended();
  }

  killBySignal(sig: number): void {
    if (this.exitStatus === undefined) {
      this.exitStatus = 128 + sig;
      this.killedBy = sig;
      this.waitStatus = sig;
    }
    this.exitGroup(this.exitStatus);
  }

  /** Once, when the last thread is gone: close the descriptors, release a vfork parent, give
   *  the children to init and tell the parent (its exit signal; wait4 sees a zombie). */
  private ended(): void {
    if (this.exitedDone) return;
    this.exitedDone = true;
    this.kernel.reapDue = true;
    if (!this.kernel.memShared(this.mem, this)) {
      this.kernel.shared.dropMem(this.mem);
      this.mem.dispose?.();
    }
    for (const fd of [...this.fds.keys()]) this.closeFd(fd);
    this.vforkDone = true;
    for (const c of this.children) {
      c.parent = undefined;
      c.ppid = 1;
      if (c.exitStatus !== undefined) this.kernel.procs.delete(c.pid);
    }
    this.children.clear();
    const parent = this.parent;
    if (!parent || parent.exitStatus !== undefined) {
      this.kernel.procs.delete(this.pid);
      return;
    }
    parent.dirty = true;
    const sig = this.exitSignal;
    if (sig === 0) return;
    const act = parent.sigactions[sig];
    if (sig === SIGCHLD && act && (act.handler === SIG_IGN || (act.flags & SA_NOCLDWAIT) !== 0)) {
      // The parent asked not to keep zombies: reaped now.
      parent.children.delete(this);
      this.kernel.procs.delete(this.pid);
    }
    const code = this.killedBy ? CLD_KILLED : CLD_EXITED;
    sendToProcess(parent, { signo: sig, code, pid: this.pid, uid: 0, status: this.killedBy || (this.exitStatus ?? 0) });
  }
  private exitedDone = false;

  exitThread(t: Thread, status: number): void {
    t.state = EXITED;
    t.wait = undefined;
    if (t.clearTid) {
      try {
        this.mem.writeU32(t.clearTid, 0);
      } catch {
        /* ignore, as Linux does */
      }
      this.futexWake(t.clearTid, 1);
    }
    this.dirty = true;
    if (this.liveThreads() === 0) this.exitGroup(status);
  }

  warnOnce(key: string, msg: string): void {
    this.kernel.warnOnce(key, msg);
  }
}

/** Write a syscall result (a possibly negative integer) to RAX. */
export function setResult(cpu: Cpu, v: number): void {
  if (v >= 0) cpu.setReg(GPR.RAX, v);
  else cpu.setRegBig(GPR.RAX, BigInt.asUintN(64, BigInt(v)));
}
