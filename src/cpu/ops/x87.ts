// The x87 control, status and tag words, which glibc reads and writes (printf's rounding mode,
// fesetround) though its x86-64 code does no x87 arithmetic; the FXSAVE image holds them. EMMS
// (MMX) marks every x87/MMX register empty.

import { K, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { CONT, FCW_I32, FSW_I32, FTW_I32, GprI32, UNHANDLED } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one x87 instruction (UNHANDLED: not one this family knows). */
export function execX87(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  switch (inst.op) {
    case Op.FWAIT:
      return CONT;
    case Op.FNSTCW:
      cpu.space.wr16(cpu.addr(inst), cpu.g[FCW_I32]!);
      return CONT;
    case Op.FLDCW:
      cpu.g[FCW_I32] = cpu.space.rd16(cpu.addr(inst));
      return CONT;
    case Op.EMMS:
      // All tags empty: 0 in FXSAVE's abridged tag word (one bit per register, 1 = valid).
      cpu.g[FTW_I32] = 0;
      return CONT;
    case Op.FNSTSW:
      if (inst.k0 === K.MEM) cpu.space.wr16(cpu.addr(inst), cpu.g[FSW_I32]!);
      else g[GprI32.RAX] = (g[GprI32.RAX]! & ~0xffff) | (cpu.g[FSW_I32]! & 0xffff);
      return CONT;
  }
  return UNHANDLED;
}
