// The ISA extension (CPUID feature) an instruction belongs to, from its Op and encoding: what
// coverage reports and SIGILL messages name. The extension of each op's forms is a column of
// the instruction table (optable.ts); this picks the form's: MMX register, VEX.256 or EVEX.

import { type Inst, P, R } from "./inst.js";
import { ISA, ISA_EVEX, ISA_MMX, ISA_NAMES, ISA_YMM, type IsaName } from "./facts.js";

export type Isa = IsaName;

/** The CPUID feature that gates an instruction (BASE: always present in x86-64). */
export function isaOf(i: Inst): Isa {
  const op = i.op;
  if ((i.pfx & P.EVEX) !== 0) return ISA_NAMES[ISA_EVEX[op]];
  if ((i.pfx & P.VEX) !== 0) return ISA_NAMES[i.opsize > 16 ? ISA_YMM[op] : ISA[op]];
  if (isMmx(i.r0) || isMmx(i.r1) || isMmx(i.r2)) return ISA_NAMES[ISA_MMX[op]];
  return ISA_NAMES[ISA[op]];
}

function isMmx(r: number): boolean { return r >= R.MM0 && r < R.MM0 + 8; }
