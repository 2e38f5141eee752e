// The stack: PUSH POP (registers, memory, immediates, FS/GS), PUSHF POPF, LEAVE ENTER.

import { K, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { CONT, GprI32, UNHANDLED } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one stack instruction (UNHANDLED: not one this family knows). */
export function execStack(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  switch (inst.op) {
    case Op.PUSH: {
      const lo = cpu.rd0(inst);
      if (inst.s0 === 2) return cpu.illegal(inst, "PUSH with 16-bit operand (not implemented)");
      cpu.push64(lo, inst.s0 === 8 ? cpu.tHi : 0);
      return CONT;
    }
    case Op.POP: {
      if (inst.s0 === 2) return cpu.illegal(inst, "POP with 16-bit operand (not implemented)");
      const sp = cpu.rsp();
      const lo = cpu.space.rd64(sp);
      const hi = cpu.space.hi;
      if (inst.k0 === K.REG) {
        cpu.setRsp(sp + 8);
        cpu.wrReg(inst.r0, 8, lo, hi);
      } else {
        // The address is computed with RSP already incremented (as the SDM says).
        cpu.setRsp(sp + 8);
        try {
          cpu.space.wr64(cpu.addr(inst), lo, hi);
        } catch (e) {
          cpu.setRsp(sp);
          throw e;
        }
      }
      return CONT;
    }
    case Op.PUSHF: {
      if (inst.opsize === 2) return cpu.illegal(inst, "PUSHF with 16-bit operand (not implemented)");
      cpu.push64(cpu.rflags, 0);
      return CONT;
    }
    case Op.POPF: {
      if (inst.opsize === 2) return cpu.illegal(inst, "POPF with 16-bit operand (not implemented)");
      const v = cpu.pop64();
      cpu.rflags = v;
      return CONT;
    }
    case Op.LEAVE: {
      const bp = (g[GprI32.RBP_HI] >>> 0) * U64.TWO32 + (g[GprI32.RBP] >>> 0);
      const lo = cpu.space.rd64(bp);
      const hi = cpu.space.hi;
      cpu.setRsp(bp + 8);
      g[GprI32.RBP] = lo;
      g[GprI32.RBP_HI] = hi;
      return CONT;
    }
    case Op.ENTER: {
      const level = inst.imm2 & 31;
      if (level !== 0) return cpu.illegal(inst, "ENTER with nesting level > 0 (not implemented)");
      const bp0 = g[GprI32.RBP], bp1 = g[GprI32.RBP_HI];
      cpu.push64(bp0, bp1);
      const sp = cpu.rsp();
      g[GprI32.RBP] = g[GprI32.RSP];
      g[GprI32.RBP_HI] = g[GprI32.RSP_HI];
      cpu.setRsp(sp - (inst.imm & 0xffff));
      return CONT;
    }
  }
  return UNHANDLED;
}
