// Hints, fences and prefetches (no-ops here), traps (SYSCALL, INT3, INT n), privileged
// instructions (STOP.PRIVILEGED), CPUID, RDTSC/RDTSCP, XGETBV and the UD opcodes.

import type { Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { STOP } from "../api.js";
import { CONT, GprI32, RIP_F64, UNHANDLED } from "../state.js";
import { cpuid } from "../cpuid.js";
import type { CpuCore } from "../core.js";

/** The TSC: advances with retired instructions (deterministic, monotonic). */
let tscNow = 1_000_000_000;

/** Execute one system instruction (UNHANDLED: not one this family knows). */
export function execSystem(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  switch (inst.op) {
    case Op.NOP: case Op.PAUSE: case Op.ENDBR64: case Op.ENDBR32: case Op.LFENCE: case Op.MFENCE: case Op.SFENCE:
    case Op.PREFETCH: case Op.PREFETCHW: case Op.PREFETCHNTA: case Op.PREFETCHT0: case Op.PREFETCHT1: case Op.PREFETCHT2:
    case Op.CLFLUSH: case Op.CLFLUSHOPT:
      return CONT;
    case Op.SYSCALL: {
      const next = inst.addr + inst.len;
      g[GprI32.RCX] = next >>> 0;
      g[GprI32.RCX_HI] = Math.floor(next / U64.TWO32);
      g[GprI32.R11] = cpu.rflags & ~0x10000; // R11 = RFLAGS (RF cleared)
      g[GprI32.R11_HI] = 0;
      cpu.f64[RIP_F64] = next;
      return STOP.SYSCALL;
    }
    case Op.INT3:
      cpu.f64[RIP_F64] = inst.addr + inst.len;
      return STOP.BREAKPOINT;
    case Op.INT:
      // INT 3 (CD 03) traps like INT3; any other vector is a #GP in user mode.
      if ((inst.imm & 255) === 3) {
        cpu.f64[RIP_F64] = inst.addr + inst.len;
        return STOP.BREAKPOINT;
      }
      return STOP.PRIVILEGED;
    case Op.HLT: case Op.CLI: case Op.STI: case Op.INT1: case Op.IN: case Op.OUT: case Op.INS: case Op.OUTS:
    case Op.RDMSR: case Op.WRMSR: case Op.INVD: case Op.WBINVD: case Op.INVLPG: case Op.LGDT: case Op.LIDT: case Op.LLDT:
    case Op.LTR: case Op.LMSW: case Op.CLTS: case Op.SWAPGS: case Op.SYSRET: case Op.SYSEXIT: case Op.IRET: case Op.RDPMC:
      return STOP.PRIVILEGED;
    case Op.CPUID: {
      const o = cpu.cpuidOut;
      cpuid(cpu.model, cpu.features, g[GprI32.RAX], g[GprI32.RCX], o);
      g[GprI32.RAX] = o[0]; g[GprI32.RAX_HI] = 0;
      g[GprI32.RBX] = o[1]; g[GprI32.RBX_HI] = 0;
      g[GprI32.RCX] = o[2]; g[GprI32.RCX_HI] = 0;
      g[GprI32.RDX] = o[3]; g[GprI32.RDX_HI] = 0;
      cpu.f64[RIP_F64] = inst.addr + inst.len;
      return CONT;
    }
    case Op.RDTSC: case Op.RDTSCP: {
      tscNow += 16 + (cpu.retiredCount - cpu.lastTscRetired) * 2;
      cpu.lastTscRetired = cpu.retiredCount;
      g[GprI32.RAX] = tscNow >>> 0; g[GprI32.RAX_HI] = 0;
      g[GprI32.RDX] = Math.floor(tscNow / U64.TWO32); g[GprI32.RDX_HI] = 0;
      if (inst.op === Op.RDTSCP) { g[GprI32.RCX] = 0; g[GprI32.RCX_HI] = 0; }
      return CONT;
    }
    case Op.XGETBV: {
      if (!cpu.features.osxsave) return cpu.illegal(inst, "XGETBV (OSXSAVE not advertised)");
      if (g[GprI32.RCX] !== 0) return STOP.PRIVILEGED;
      g[GprI32.RAX] = cpu.features.avx ? 7 : 3; g[GprI32.RAX_HI] = 0;
      g[GprI32.RDX] = 0; g[GprI32.RDX_HI] = 0;
      return CONT;
    }
    case Op.UD0: case Op.UD1: case Op.UD2:
      return cpu.illegal(inst, "UD2 (undefined instruction)");
  }
  return UNHANDLED;
}
