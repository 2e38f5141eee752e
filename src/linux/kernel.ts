// The processes rt0 runs side by side in one JS thread: pid/tid numbering, the table of
// processes (live and zombie), the run queue of every guest thread, and what fork/execve need
// to make a new address space and Cpu. One Kernel per Machine.

import type { Socket } from "./socket.js";
import { LoopNet } from "./loopnet.js";
import type { Fifo } from "./fifo.js";
import type { Cpu, CpuModel } from "../cpu/api.js";
import type { Memory } from "../mem/api.js";
import type { Clock } from "./clock.js";
import type { Host } from "./vfs.js";
import type { Process, Thread } from "./process.js";
import type { FileDesc } from "./files.js";
import { SharedFiles } from "./shmap.js";

export interface KernelOptions {
  host: Host;
  clock: Clock;
  /** A fresh, empty address space (execve). */
  newMemory: () => Memory;
  /** A new Cpu on `mem`; Cpus on the same Memory share its decode cache. */
  newCpu: (mem: Memory) => Cpu;
  /** The CPU presented to every process (CPUID, AT_HWCAP). */
  model: CpuModel;
  /** --strace sink, one line at a time (with newline). */
  strace?: (line: string) => void;
  /** rt0's own diagnostics (unknown syscalls, SIGILL reasons). */
  warn: (msg: string) => void;
  deterministic: boolean;
  seed: number;
  /** The first process's RLIMIT_AS, and the bound on guest memory of all processes together
   *  (bytes; rlimit.ts). Undefined: no limit. */
  memoryLimit?: number;
  /** The first process's RLIMIT_NPROC (tasks). Undefined: no limit. */
  processLimit?: number;
  /** What guest TCP and UDP sockets reach (--net): the host's network (host.net), the
   *  emulator's own loopback, or nothing (a loopback that is down). */
  net: NetPolicy;
}

export type NetPolicy = "host" | "loopback" | "none";

export class Kernel {
  /** Processes by pid, until their parent has waited for them. */
  readonly procs = new Map<number, Process>();
  /** Every guest thread of every process, in creation order (the scheduler's queue). */
  threads: Thread[] = [];
  /** Diagnostics already given (each is reported once per run). */
  readonly warned = new Set<string>();
  private nextId = 1000;
  /** A process ended or exec'd: the scheduler should drop exited threads (they hold whole
   *  address spaces). */
  reapDue = false;
  /** Named pipes made by the guest, by absolute guest path (fifo.ts). */
  readonly fifos = new Map<string, Fifo>();
  /** AF_UNIX socket names bound by the guest: absolute guest paths, or "\0name" for the
   *  abstract namespace (net.ts). A path also has a placeholder file, as a FIFO does. */
  readonly unixNames = new Map<string, Socket>();
  /** Every MAP_SHARED file mapping, kept coherent with the files' reads and writes. */
  readonly shared = new SharedFiles();
  /** The emulator's own network: AF_UNIX sockets, and TCP/UDP unless they use the host's. */
  readonly loopNet: LoopNet;
  /** Called when an open file description's last descriptor is closed (flock drops its lock). */
  onFileReleased?: (f: FileDesc) => void;

  constructor(readonly opts: KernelOptions) {
    this.loopNet = new LoopNet(this, opts.net !== "none");
  }

  /** What stands behind a placeholder file at this guest path (a FIFO or a bound AF_UNIX
   *  socket, kept here rather than in the host file system), if anything. */
  nameKind(path: string): "fifo" | "socket" | undefined {
    return this.fifos.has(path) ? "fifo" : this.unixNames.has(path) ? "socket" : undefined;
  }
  /** The name at `path` was unlinked. */
  dropName(path: string): void {
    this.fifos.delete(path);
    this.unixNames.delete(path);
  }
  /** The name at `from` was renamed to `to` (replacing whatever `to` named). */
  moveName(from: string, to: string): void {
    const fifo = this.fifos.get(from), sock = this.unixNames.get(from);
    this.dropName(to);
    this.dropName(from);
    if (fifo !== undefined) this.fifos.set(to, fifo);
    if (sock !== undefined) this.unixNames.set(to, sock);
  }

  /** A new pid or tid (one numbering, as on Linux). */
  allocId(): number {
    return this.nextId++;
  }

  warnOnce(key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.warn(msg);
  }

  /** The live thread with this tid, in any process. */
  thread(tid: number): Thread | undefined {
    for (const p of this.procs.values()) {
      const t = p.thread(tid);
      if (t) return t;
    }
    return undefined;
  }

  /** Does a live process other than `except` use this address space (vfork)? */
  memShared(mem: Memory, except: Process): boolean {
    for (const p of this.procs.values()) if (p !== except && p.mem === mem && p.exitStatus === undefined) return true;
    return false;
  }

  /** Tasks as RLIMIT_NPROC counts them: every live thread, and each zombie process. */
  tasks(): number {
    let n = 0;
    for (const p of this.procs.values()) n += p.exitStatus !== undefined ? 1 : p.liveThreads();
    return n;
  }

  /** More than one process or thread exists (strace then prefixes lines with the tid). */
  multi(): boolean {
    if (this.procs.size > 1) return true;
    for (const p of this.procs.values()) if (p.threads.length > 1) return true;
    return false;
  }
}
