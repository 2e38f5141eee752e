// Control transfers: Jcc JMP CALL RET JRCXZ LOOP/LOOPE/LOOPNE. Each sets RIP itself (the
// flow column of optable.ts says so, and the run loop does not advance RIP past them).

import { K, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { cond } from "../flags.js";
import { CONT, GprI32, RIP_F64, UNHANDLED } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one branch instruction (UNHANDLED: not one this family knows). */
export function execBranch(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  switch (inst.op) {
    case Op.JCC:
      cpu.f64[RIP_F64] = cond(g, inst.cond) ? inst.target : inst.addr + inst.len;
      return CONT;
    case Op.JMP:
      if (inst.k0 === K.REL) cpu.f64[RIP_F64] = inst.target;
      else {
        const lo = cpu.rd0(inst);
        cpu.f64[RIP_F64] = (cpu.tHi >>> 0) * U64.TWO32 + (lo >>> 0);
      }
      return CONT;
    case Op.CALL: {
      let t: number;
      if (inst.k0 === K.REL) t = inst.target;
      else {
        const lo = cpu.rd0(inst);
        t = (cpu.tHi >>> 0) * U64.TWO32 + (lo >>> 0);
      }
      cpu.pushNum(inst.addr + inst.len);
      cpu.f64[RIP_F64] = t;
      return CONT;
    }
    case Op.RET: {
      const lo = cpu.pop64();
      cpu.f64[RIP_F64] = (cpu.tHi >>> 0) * U64.TWO32 + (lo >>> 0);
      if (inst.nops > 0) cpu.setRsp(cpu.rsp() + (inst.imm & 0xffff));
      return CONT;
    }
    case Op.JRCXZ: {
      const z = inst.addrsize === 4 ? g[GprI32.RCX] === 0 : (g[GprI32.RCX] | g[GprI32.RCX_HI]) === 0;
      cpu.f64[RIP_F64] = z ? inst.target : inst.addr + inst.len;
      return CONT;
    }
    case Op.LOOP: case Op.LOOPE: case Op.LOOPNE: {
      let nz: boolean;
      if (inst.addrsize === 4) {
        g[GprI32.RCX] = (g[GprI32.RCX] - 1) | 0;
        g[GprI32.RCX_HI] = 0;
        nz = g[GprI32.RCX] !== 0;
      } else {
        if (g[GprI32.RCX] === 0) g[GprI32.RCX_HI] = (g[GprI32.RCX_HI] - 1) | 0;
        g[GprI32.RCX] = (g[GprI32.RCX] - 1) | 0;
        nz = (g[GprI32.RCX] | g[GprI32.RCX_HI]) !== 0;
      }
      let take = nz;
      if (inst.op === Op.LOOPE) take = nz && cond(g, 4);
      else if (inst.op === Op.LOOPNE) take = nz && cond(g, 5);
      cpu.f64[RIP_F64] = take ? inst.target : inst.addr + inst.len;
      return CONT;
    }
  }
  return UNHANDLED;
}
