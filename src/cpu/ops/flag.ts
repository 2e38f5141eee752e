// Instructions whose work is RFLAGS: CLC STC CMC CLD STD LAHF SAHF.

import type { Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { arithFlags, setBits } from "../flags.js";
import { AF, CF, CONT, DF, FL_OTHER, GprI32, OF, PF, SF, UNHANDLED, ZF } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one flag instruction (UNHANDLED: not one this family knows). */
export function execFlag(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  switch (inst.op) {
    case Op.CLC: setBits(g, arithFlags(g) & ~CF); return CONT;
    case Op.STC: setBits(g, arithFlags(g) | CF); return CONT;
    case Op.CMC: setBits(g, arithFlags(g) ^ CF); return CONT;
    case Op.CLD: g[FL_OTHER] &= ~DF; return CONT;
    case Op.STD: g[FL_OTHER] |= DF; return CONT;
    case Op.LAHF: {
      const f = arithFlags(g);
      g[GprI32.RAX] = (g[GprI32.RAX] & ~0xff00) | (((f & (SF | ZF | AF | PF | CF)) | 2) << 8);
      return CONT;
    }
    case Op.SAHF: {
      const ah = (g[GprI32.RAX] >>> 8) & 255;
      setBits(g, (arithFlags(g) & OF) | (ah & (SF | ZF | AF | PF | CF)));
      return CONT;
    }
  }
  return UNHANDLED;
}
