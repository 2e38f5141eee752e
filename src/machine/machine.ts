// The machine: a Linux process loaded from an ELF (and the processes it forks and execs), every
// guest thread run round-robin in slices inside one JS thread. Syscalls park threads; when all
// are parked the run loop awaits the host (a timer or stdin) without blocking Node's event loop.

import { GPR, STOP, type Cpu, type CpuModel } from "../cpu/api.js";
import { GuestFault, GuestMemoryExhausted, type Memory } from "../mem/api.js";
import { Process, BLOCKED, RUNNABLE, EXITED, type Thread } from "../linux/process.js";
import { Kernel, type NetPolicy } from "../linux/kernel.js";
import { RealClock, VirtualClock, type Clock } from "../linux/clock.js";
import { loadElf, type Loaded } from "../linux/loader.js";
import { doSyscall, installStrace } from "../linux/syscalls.js";
import { deliverPending, forceSignal, hasDeliverable, sendToProcess } from "../linux/signal.js";
import {
  FPE_INTDIV, ILL_ILLOPN, SEGV_ACCERR, SEGV_MAPERR, SI_KERNEL, SI_USER, SIGFPE, SIGILL, SIGKILL, SIGSEGV, SIGTRAP,
} from "../linux/abi.js";
import { EFAULT } from "../linux/errno.js";
import { readGuestFile, type Host } from "../linux/vfs.js";

export interface MachineOptions {
  host: Host;
  /** The executable's bytes. */
  bin: Uint8Array;
  argv: string[];
  envp: string[];
  /** Guest path of the executable (/proc/self/exe, AT_EXECFN). */
  exePath: string;
  model: CpuModel;
  newMemory: () => Memory;
  /** A new Cpu on `mem` (all threads on one Memory share its decode cache: the factory owns it). */
  newCpu: (mem: Memory) => Cpu;
  deterministic?: boolean;
  seed?: number;
  strace?: (line: string) => void;
  warn?: (msg: string) => void;
  /** Stop after this many instructions (all threads). */
  maxInstructions?: number;
  /** Instructions per scheduling slice. */
  slice?: number;
  /** Guest working directory. */
  cwd?: string;
  /** The first process's RLIMIT_AS and RLIMIT_NPROC (linux/rlimit.ts); undefined: none. The
   *  bound on all processes' storage together is the FrameBudget newMemory gives spaces. */
  memoryLimit?: number;
  processLimit?: number;
  /** What guest TCP and UDP sockets reach (default loopback: the emulator's own; "host" needs
   *  a host with a network). */
  net?: NetPolicy;
}

export interface IllegalReport {
  rip: number;
  bytes: string;
  reason: string;
}

export interface RunResult {
  /** Exit status as a shell sees it (128+n when killed by signal n). */
  status: number;
  /** The signal that killed it, or 0. */
  signal: number;
  /** --max-instructions was reached. */
  limitReached: boolean;
  instructions: number;
  illegal: IllegalReport[];
}

const DEFAULT_SLICE = 20000;
/** Stores through shared file mappings reach the file at least this often (ms): what rt0's own
 *  SIGKILL can lose (see ../linux/shmap.ts and the README). */
export const WRITEBACK_MS = 1000;

export class Machine {
  /** The first process (its pid stays through execve; its exit ends the run). */
  readonly proc: Process;
  readonly kernel: Kernel;
  readonly mem: Memory;
  readonly clock: Clock;
  readonly loaded: Loaded;
  readonly illegal: IllegalReport[] = [];
  private readonly slice: number;
  private cur = -1;
  private wakeUp: (() => void) | undefined;
  private lastYield = 0;
  private lastWriteback = Date.now();
  /** Instructions retired by every process. */
  private retired = 0;

  constructor(readonly o: MachineOptions) {
    this.slice = o.slice ?? DEFAULT_SLICE;
    if (o.net === "host" && !o.host.net) throw new Error("--net host: this host has no network for the guest");
    this.mem = o.newMemory();
    this.clock = o.deterministic ? new VirtualClock() : new RealClock(o.host);
    const warn = o.warn ?? ((m: string) => { o.host.stderr.write(new TextEncoder().encode(m + "\n")); });
    this.kernel = new Kernel({
      host: o.host, clock: this.clock, newMemory: o.newMemory, newCpu: o.newCpu, model: o.model,
      strace: o.strace, warn, deterministic: !!o.deterministic, seed: o.seed ?? 0, net: o.net ?? "loopback",
      memoryLimit: o.memoryLimit, processLimit: o.processLimit,
    });
    this.proc = new Process(this.kernel, { mem: this.mem, exePath: o.exePath });
    if (o.cwd) this.proc.cwd = o.cwd;
    this.proc.cmdline = new TextEncoder().encode(o.argv.map((a) => a + "\0").join(""));
    installStrace(this.proc);
    const random = new Uint8Array(16);
    this.proc.randomFill(random);
    this.loaded = loadElf(this.mem, o.bin, {
      argv: o.argv, envp: o.envp, execfn: o.exePath, random, model: o.model, readFile: (path) => readGuestFile(o.host.vfs, path, 0),
    });
    this.proc.brkStart = this.proc.brk = this.loaded.brk;
    const cpu = o.newCpu(this.mem);
    for (let r = 0; r < 16; r++) cpu.setReg(r, 0);
    cpu.setReg(GPR.RSP, this.loaded.sp);
    cpu.rip = this.loaded.entry;
    cpu.rflags = 0x202;
    this.proc.newThread(cpu);
    o.host.onWake = () => {
      for (const p of this.kernel.procs.values()) p.dirty = true;
      const w = this.wakeUp;
      this.wakeUp = undefined;
      if (w) w();
    };
  }

  /** A signal from outside (a host signal rt0 forwards): to the first process, as `kill PID`
   *  sends it, or with `group` to every process of its process group, as a terminal sends
   *  Ctrl-C to its foreground group. */
  sendSignal(sig: number, group = true): void {
    const targets = group ? [...this.kernel.procs.values()].filter((p) => p.pgid === this.proc.pgid) : [this.proc];
    for (const p of targets) if (p.exitStatus === undefined) sendToProcess(p, { signo: sig, code: SI_USER, pid: 0, uid: 0 });
    this.o.host.onWake?.();
  }

  async run(): Promise<RunResult> {
    try {
      return await this.runLoop();
    } finally {
      // However the run ends (the first process exited, --max-instructions, an error in rt0),
      // no store through a shared file mapping of any process is left unwritten.
      this.kernel.shared.writeBackAll();
    }
  }

  /** Write back shared file mappings' dirty pages when WRITEBACK_MS has passed. */
  private writeBackDue(now: number): void {
    if (now - this.lastWriteback < WRITEBACK_MS) return;
    this.lastWriteback = now;
    this.kernel.shared.writeBackAll();
  }

  private async runLoop(): Promise<RunResult> {
    const p = this.proc;
    const max = this.o.maxInstructions ?? Infinity;
    let limitReached = false;
    while (p.exitStatus === undefined) {
      this.pollParked();
      const t = this.pick();
      if (!t) {
        if (p.exitStatus !== undefined) break;
        await this.idle();
        continue;
      }
      this.runSlice(t, Math.min(this.slice, max - this.retired));
      if (this.retired >= max && p.exitStatus === undefined) {
        limitReached = true;
        break;
      }
      const now = Date.now();
      if (now - this.lastYield > 20) {
        this.lastYield = now;
        this.writeBackDue(now);
        await yieldToHost();
      }
    }
    return {
      status: limitReached ? 124 : (p.exitStatus ?? 0),
      signal: p.killedBy,
      limitReached,
      instructions: this.retired,
      illegal: this.illegal,
    };
  }

  /** Finish the waits that can finish: signals, readiness, deadlines. */
  private pollParked(): void {
    let now = -1;
    for (const t of this.kernel.threads) {
      const p = t.proc;
      if (t.state !== BLOCKED) continue;
      const w = t.wait!;
      try {
        if (w.interruptible && hasDeliverable(t)) {
          deliverPending(t);
          continue;
        }
        if (w.poll) {
          const r = finishing(w.poll);
          if (r !== undefined) {
            p.unpark(t, r);
            continue;
          }
        }
        if (w.deadline !== Infinity) {
          if (now < 0) now = this.clock.monotonicNs();
          if (w.deadline <= now) p.unpark(t, finishing(w.onTimeout)!);
        }
      } catch (e) {
        if (!(e instanceof GuestMemoryExhausted)) throw e;
        this.outOfMemory(p, e);
      }
    }
    for (const p of this.kernel.procs.values()) p.dirty = false;
  }

  /** The guest's memory reached its limit when p needed a page: p is killed, as Linux's OOM
   *  killer would, with one line saying so. */
  private outOfMemory(p: Process, e: GuestMemoryExhausted): void {
    this.kernel.opts.warn(`rt0: out of memory: killed process ${p.pid} (the guest's memory reached its limit of ${Math.round(e.limit / 2 ** 20)} MiB; see --memory-limit)`);
    p.killBySignal(SIGKILL);
  }

  /** Next runnable thread after the current one (round robin). */
  private pick(): Thread | undefined {
    if (this.kernel.reapDue) {
      this.kernel.reapDue = false;
      this.reap();
    }
    const ts = this.kernel.threads;
    const n = ts.length;
    for (let i = 1; i <= n; i++) {
      const k = (this.cur + i) % n;
      if (ts[k]!.state === RUNNABLE) {
        this.cur = k;
        return ts[k];
      }
    }
    if (ts.some((t) => t.state === EXITED) && ts.length > 64) this.reap();
    return undefined;
  }

  private reap(): void {
    for (const t of this.kernel.threads) if (t.state === EXITED) t.cpu.dispose?.();
    this.kernel.threads = this.kernel.threads.filter((t) => t.state !== EXITED);
    for (const p of this.kernel.procs.values()) p.threads = p.threads.filter((t) => t.state !== EXITED);
    this.cur = -1;
  }

  /** Every thread is parked: jump the virtual clock, or await a timer or a host event. */
  private async idle(): Promise<void> {
    let deadline = Infinity;
    for (const t of this.kernel.threads) if (t.state === BLOCKED && t.wait!.deadline < deadline) deadline = t.wait!.deadline;
    this.writeBackDue(Date.now());
    if (this.clock.virtual && deadline !== Infinity) {
      this.clock.advanceTo(deadline);
      await yieldToHost();
      return;
    }
    let ms = deadline === Infinity ? 1 << 30 : Math.max(0, (deadline - this.clock.monotonicNs()) / 1e6);
    // Stores still to write back: wake up for the next write-back (the guest may wait long).
    if (this.kernel.shared.anyDirty()) ms = Math.min(ms, Math.max(0, this.lastWriteback + WRITEBACK_MS - Date.now()) + 1);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, Math.min(ms, 1 << 30));
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private runSlice(t: Thread, budget: number): void {
    try {
      this.runThread(t, budget);
    } catch (e) {
      if (!(e instanceof GuestMemoryExhausted)) throw e;
      this.outOfMemory(t.proc, e);
    }
  }

  private runThread(t: Thread, budget: number): void {
    const p = t.proc, cpu = t.cpu;
    // A whole slice may end at the end of a block; the last one before --max-instructions ends
    // exactly.
    const toBlockEnd = budget >= this.slice;
    deliverPending(t);
    while (budget > 0 && t.state === RUNNABLE && p.exitStatus === undefined) {
      const before = cpu.retired;
      const stop = cpu.run(budget, toBlockEnd);
      const ran = cpu.retired - before;
      budget -= ran;
      p.retired += ran;
      this.retired += ran;
      this.clock.addInstructions(ran);
      switch (stop) {
        case STOP.SLICE_END:
        case STOP.HOOK:
          budget = 0;
          break;
        case STOP.SYSCALL:
          doSyscall(t);
          if (p.yieldNow) {
            p.yieldNow = false;
            budget = 0;
          }
          if (t.state === RUNNABLE && t.pending.length > 0) deliverPending(t);
          break;
        case STOP.FAULT:
          forceSignal(t, { signo: SIGSEGV, code: cpu.faultProtection ? SEGV_ACCERR : SEGV_MAPERR, addr: cpu.faultAddr });
          break;
        case STOP.DIVIDE:
          forceSignal(t, { signo: SIGFPE, code: FPE_INTDIV, addr: cpu.rip });
          break;
        case STOP.BREAKPOINT:
          forceSignal(t, { signo: SIGTRAP, code: SI_KERNEL, addr: 0 });
          break;
        case STOP.PRIVILEGED:
          forceSignal(t, { signo: SIGSEGV, code: SI_KERNEL, addr: 0 });
          break;
        case STOP.ILLEGAL: {
          const bytes = Array.from(cpu.illegalBytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
          const rep = { rip: cpu.rip, bytes, reason: cpu.illegalReason };
          this.illegal.push(rep);
          p.warnOnce(`ill${cpu.rip}`, `rt0: SIGILL at 0x${cpu.rip.toString(16)}: ${rep.reason} [${bytes}]`);
          forceSignal(t, { signo: SIGILL, code: ILL_ILLOPN, addr: cpu.rip });
          break;
        }
        default:
          budget = 0;
      }
    }
  }
}

/** A wait's completion, which may write results to guest memory that is no longer there: that
 *  ends the syscall with EFAULT. */
function finishing(f: () => number | undefined): number | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof GuestFault) return -EFAULT;
    throw e;
  }
}

/** Let Node's event loop run (stdin data, timers, Ctrl-C) between slices. */
function yieldToHost(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}
