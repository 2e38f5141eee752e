// Extensions beyond SSE2 that live behind CPUID bits (SSSE3, SSE4.1/4.2, POPCNT, AES-NI,
// PCLMULQDQ, BMI, ADX...). Each is reachable only when the CPU level advertises it; otherwise
// the instruction stops with ILLEGAL naming the missing feature.

import type { Inst } from "../x86/inst.js";
import type { X86Cpu } from "./cpu.js";
import { UNHANDLED } from "./state.js";

/** Execute a non-vector extension instruction, or return UNHANDLED. */
export function execExt(cpu: X86Cpu, inst: Inst): number {
  void cpu;
  void inst;
  return UNHANDLED;
}
