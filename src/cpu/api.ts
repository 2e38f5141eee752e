// The CPU as the Linux layer (src/linux, src/machine) and the tools see it. The CPU knows
// nothing of Linux: it runs a bounded slice of instructions and returns why it stopped.
// One Cpu per guest thread; all threads of a process share one Memory and one decode cache.

import type { Memory } from "../mem/api.js";

/** Why run() returned. */
export const STOP = {
  /** maxInstructions retired. */
  SLICE_END: 0,
  /** A SYSCALL instruction: RIP already points after it; RAX holds the number. The Linux
   *  layer writes the result to RAX (SYSCALL's RCX/R11 clobbers are done by the CPU). */
  SYSCALL: 1,
  /** A memory fault: RIP points at the faulting instruction, state as before it. See
   *  faultAddr, faultAccess, faultProtection. */
  FAULT: 2,
  /** INT3: RIP points after it (as Linux reports SIGTRAP). */
  BREAKPOINT: 3,
  /** An undefined or unimplemented instruction: RIP points at it; illegalBytes and
   *  illegalReason say what. The Linux layer raises SIGILL. */
  ILLEGAL: 4,
  /** Integer divide error (#DE): RIP points at the DIV/IDIV. SIGFPE/FPE_INTDIV. */
  DIVIDE: 5,
  /** HLT or another privileged instruction in user mode (#GP): SIGSEGV with si_addr 0. */
  PRIVILEGED: 6,
  /** A hook asked to stop (debugger, narrator). RIP is at the next instruction to run. */
  HOOK: 7,
} as const;
export type StopReason = (typeof STOP)[keyof typeof STOP];

/** How compiled code (a tier the CPU is given, src/jit) leaves besides a STOP code: go on at
 *  RIP (-1, as the handlers' CONT), or let the interpreter run the instruction at RIP first. */
export const TIER_CONT = -1;
export const TIER_INTERP = 101;

/** GPR numbers, matching R.* in src/x86/inst.ts. */
export const GPR = {
  RAX: 0, RCX: 1, RDX: 2, RBX: 3, RSP: 4, RBP: 5, RSI: 6, RDI: 7,
  R8: 8, R9: 9, R10: 10, R11: 11, R12: 12, R13: 13, R14: 14, R15: 15,
} as const;

/** Which CPU to present through CPUID. */
export interface CpuModel {
  vendor: "GenuineIntel" | "AuthenticAMD";
  /** x86-64 micro-architecture level whose features CPUID advertises (only features fully
   *  implemented are ever advertised). */
  level: 1 | 2 | 3;
}

export interface Cpu {
  readonly mem: Memory;
  /** Run at most maxInstructions; returns why it stopped. toBlockEnd (a scheduler's slice): a
   *  SLICE_END may come up to one decoded block later, at the block's end, so that the next
   *  slice does not start inside a block (a block decoded from there would be a new, partial
   *  one, which the compiled tier would count as hot and compile its function again for). */
  run(maxInstructions: number, toBlockEnd?: boolean): StopReason;
  /** Instructions retired since creation (a number; exact below 2^53). */
  readonly retired: number;

  /** 64-bit register as a number: exact for values < 2^53 (pointers, small ints). */
  getReg(r: number): number;
  setReg(r: number, v: number): void;
  getRegBig(r: number): bigint;
  setRegBig(r: number, v: bigint): void;
  rip: number;
  /** RFLAGS, materialized from the lazy flags on read; writing sets all arithmetic flags. */
  rflags: number;
  fsBase: number;
  gsBase: number;

  /** The 512-byte FXSAVE image (x87/MMX, MXCSR, XMM0-15), for signal frames and ptrace-like
   *  views; and its restore. */
  fxsave(): Uint8Array;
  fxrstor(image: Uint8Array): void;

  /** The thread ended for good: give back what it holds (its state block). Optional. */
  dispose?(): void;

  /** Copy all architectural state from another Cpu (clone: the child starts as the parent). */
  copyStateFrom(other: Cpu): void;

  /** Details of the last FAULT stop. */
  readonly faultAddr: number;
  readonly faultAccess: "read" | "write" | "exec";
  readonly faultProtection: boolean;
  /** Details of the last ILLEGAL stop: the instruction's bytes and a human-readable name
   *  of what is missing, e.g. "VPTERNLOGD (AVX-512F, not advertised)". */
  readonly illegalBytes: Uint8Array;
  readonly illegalReason: string;
}
