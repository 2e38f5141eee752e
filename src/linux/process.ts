// The Linux process as rt0 models it: one address space, an fd table, signal actions, and
// guest threads (each a Cpu plus tid, signal mask, alternate stack and pending signals). Threads
// block by parking with a Wait; the scheduler in src/machine polls and wakes them.

import type { Cpu } from "../cpu/api.js";
import { GPR } from "../cpu/api.js";
import type { Memory } from "../mem/api.js";
import type { Clock } from "./clock.js";
import type { FileDesc } from "./files.js";
import { StreamDesc } from "./files.js";
import type { Host } from "./vfs.js";
import { O_RDONLY, O_WRONLY, SS_DISABLE, NSIG } from "./abi.js";
import { EBADF, EMFILE } from "./errno.js";

export const RUNNABLE = 0, BLOCKED = 1, EXITED = 2;

export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for faults. */
  addr?: number;
  /** si_pid/si_uid for kill/tgkill. */
  pid?: number;
  uid?: number;
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
  /** Set by rt_sigsuspend-like calls: mask to restore after the handler. */
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

export interface ProcessOptions {
  host: Host;
  mem: Memory;
  clock: Clock;
  /** A fresh Cpu sharing `mem` and the decode cache (clone). */
  newCpu: () => Cpu;
  /** Guest path of the executable (/proc/self/exe, AT_EXECFN). */
  exePath: string;
  /** --strace sink, one line at a time (with newline). */
  strace?: (line: string) => void;
  /** rt0's own diagnostics (unknown syscalls, SIGILL reasons). */
  warn: (msg: string) => void;
  deterministic: boolean;
  seed: number;
}

export class Process {
  readonly pid = 1000;
  readonly ppid = 999;
  readonly mem: Memory;
  readonly host: Host;
  readonly clock: Clock;
  readonly opts: ProcessOptions;
  threads: Thread[] = [];
  private nextTid = 1000;
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
  futexWaiters = new Map<number, Thread[]>();
  warned = new Set<string>();
  /** Any thread state or fd readiness changed: the scheduler re-polls parked threads. */
  dirty = false;
  /** sched_yield asked for a thread switch. */
  yieldNow = false;
  /** Instructions retired by all threads so far (kept by the scheduler). */
  retired = 0;
  private rng: bigint;

  constructor(opts: ProcessOptions) {
    this.opts = opts;
    this.mem = opts.mem;
    this.host = opts.host;
    this.clock = opts.clock;
    this.rng = BigInt(opts.seed) ^ 0x9e3779b97f4a7c15n;
    for (let i = 0; i <= NSIG; i++) this.sigactions.push({ handler: 0, flags: 0, restorer: 0, mask: 0n });
    this.fds.set(0, { file: new StreamDesc(opts.host.stdin, O_RDONLY), cloexec: false });
    this.fds.set(1, { file: new StreamDesc(opts.host.stdout, O_WRONLY), cloexec: false });
    this.fds.set(2, { file: new StreamDesc(opts.host.stderr, O_WRONLY), cloexec: false });
  }

  newThread(cpu: Cpu): Thread {
    const t = new Thread(this, this.nextTid++, cpu);
    this.threads.push(t);
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

  /** Lowest free descriptor >= min. */
  allocFd(file: FileDesc, cloexec: boolean, min = 0): number {
    let fd = min;
    while (this.fds.has(fd)) fd++;
    if (fd >= 1048576) return -EMFILE;
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
    this.dropFile(e.file);
    return 0;
  }

  private dropFile(f: FileDesc): void {
    if (--f.refs === 0) f.release();
    this.dirty = true;
  }

  // ---- random bytes (AT_RANDOM, getrandom): the host's, or a seeded generator

  randomFill(buf: Uint8Array): void {
    if (!this.opts.deterministic) {
      this.host.randomFill(buf);
      return;
    }
    for (let i = 0; i < buf.length; i += 8) {
      // splitmix64
      this.rng = BigInt.asUintN(64, this.rng + 0x9e3779b97f4a7c15n);
      let z = this.rng;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      z ^= z >> 31n;
      for (let k = 0; k < 8 && i + k < buf.length; k++) buf[i + k] = Number((z >> BigInt(8 * k)) & 0xffn);
    }
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
    if (this.onSyscallDone) this.onSyscallDone(t, result);
    t.sysNr = -1;
  }
  onSyscallDone?: (t: Thread, result: number) => void;

  // ---- ending

  exitGroup(status: number): void {
    if (this.exitStatus === undefined) this.exitStatus = status & 0xff;
    for (const t of this.threads) {
      t.state = EXITED;
      t.wait = undefined;
    }
    this.futexWaiters.clear();
  }

  killBySignal(sig: number): void {
    if (this.exitStatus === undefined) {
      this.exitStatus = 128 + sig;
      this.killedBy = sig;
    }
    this.exitGroup(this.exitStatus);
  }

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
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.warn(msg);
  }
}

/** Write a syscall result (a possibly negative integer) to RAX. */
export function setResult(cpu: Cpu, v: number): void {
  if (v >= 0) cpu.setReg(GPR.RAX, v);
  else cpu.setRegBig(GPR.RAX, BigInt.asUintN(64, BigInt(v)));
}
