// createMachine(): the one place where a guest machine gets its CPU and memory. Each address
// space is a Space with one DecodeCache that all its threads share; each guest thread is an
// X86Cpu with the JIT settings. Every command (run, boot, stacks) and the browser's worker use it.

import { X86Cpu } from "../cpu/cpu.js";
import { tierFor } from "../jit/tier.js";
import type { DecodeCache } from "../cpu/cache.js";
import type { Cpu, CpuModel } from "../cpu/api.js";
import { Space } from "../mem/space.js";
import { FrameBudget, type Memory } from "../mem/api.js";
import { DEFAULT_MEMORY_LIMIT, DEFAULT_PROCESS_LIMIT } from "../linux/rlimit.js";
import { Machine, type MachineOptions } from "./machine.js";

/** Called before the instruction at rip runs on one guest thread; true stops the run (STOP.HOOK). */
export type InstructionHook = (rip: number) => boolean;

/** A guest thread's CPU as an observer (narrator, stack tracer, debugger) sees it. */
export interface ObservableCpu extends Cpu {
  /** Attach, or detach with null, a per-instruction hook (a hooked CPU runs the interpreter
   *  one instruction at a time; without hooks the fast loop and the JIT run). */
  setCodeHook(hook: InstructionHook | null): void;
}

/** How every guest CPU of a machine is built. */
export interface CpuOptions {
  /** The CPU that CPUID presents (the loader's AT_HWCAP follows it). */
  model: CpuModel;
  /** false: interpret only, never compile (`--no-jit`). */
  jit?: boolean;
  /** Interpreted entries before a block is compiled (`--jit-threshold`; default JIT_THRESHOLD,
   *  0 compiles at once). Ignored when jit is false. */
  jitThreshold?: number;
  /** Check every entry into compiled code against the interpreter (`--check-jit`). */
  checkJit?: boolean;
  /** Bytes of each address space's main arena (tests; default: the largest the host gives). */
  mainArenaBytes?: number;
  /** The bound on the pages of all address spaces together (bytes; none when undefined). */
  memoryLimit?: number;
  /** Called with every new guest thread's CPU (the first one before createMachine returns):
   *  observers attach their hooks here. */
  onCpu?: (cpu: ObservableCpu) => void;
}

/** The memory and CPU factories of a Machine: a fresh Space per address space (the first
 *  process, each execve), and per thread an X86Cpu that shares its address space's decode cache
 *  (a forked child's copied Space gets its own). */
export function cpuFactory(o: CpuOptions): Pick<MachineOptions, "newMemory" | "newCpu"> {
  const caches = new WeakMap<Memory, DecodeCache>();
  const jitThreshold = o.jit === false ? Infinity : o.jitThreshold;
  // Every address space draws its pages from one budget: the guest's memory limit.
  const budget = o.memoryLimit === undefined ? undefined : new FrameBudget(o.memoryLimit);
  return {
    newMemory: (): Memory => {
      const s = new Space(o.mainArenaBytes);
      s.budget = budget;
      return s;
    },
    newCpu: (mem: Memory): Cpu => {
      const cpu = new X86Cpu(mem, o.model, caches.get(mem));
      caches.set(mem, cpu.cache);
      if (jitThreshold !== Infinity) cpu.setTier(tierFor(cpu.cache, cpu.space, cpu.features));
      if (jitThreshold !== undefined) cpu.jitThreshold = jitThreshold;
      if (o.checkJit === true) cpu.checkTier = true;
      o.onCpu?.(cpu);
      return cpu;
    },
  };
}

export type CreateMachineOptions = Omit<MachineOptions, "newMemory" | "newCpu"> & CpuOptions;

/** A machine with the program loaded and its first thread ready to run (`await m.run()`), with
 *  the guest's memory and task limits (linux/rlimit.ts's defaults unless given). */
export function createMachine(o: CreateMachineOptions): Machine {
  const { jit, jitThreshold, checkJit, mainArenaBytes, onCpu, ...rest } = o;
  const memoryLimit = o.memoryLimit ?? DEFAULT_MEMORY_LIMIT, processLimit = o.processLimit ?? DEFAULT_PROCESS_LIMIT;
  return new Machine({
    ...rest, memoryLimit, processLimit,
    ...cpuFactory({ model: o.model, jit, jitThreshold, checkJit, mainArenaBytes, onCpu, memoryLimit }),
  });
}
