// The string instructions MOVS STOS LODS CMPS SCAS with REP/REPE/REPNE, both directions,
// 32- and 64-bit addressing; RSI/RDI/RCX are written back even when an access faults.

import { P, R, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { Lazy, setLazy } from "../flags.js";
import { CONT, DF, FL_OTHER, FSBASE_F64, GprI32, GSBASE_F64, UNHANDLED } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one string instruction (UNHANDLED: not one this family knows). */
export function execString(cpu: CpuCore, inst: Inst): number {
  switch (inst.op) {
    case Op.MOVS: case Op.STOS: case Op.LODS: case Op.CMPS: case Op.SCAS:
      return string(cpu, inst);
  }
  return UNHANDLED;
}

function string(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  const op = inst.op;
  const size = inst.opsize;
  const step = (g[FL_OTHER] & DF) !== 0 ? -size : size;
  const rep = (inst.pfx & (P.REP | P.REPNE)) !== 0;
  const a32 = inst.addrsize === 4;
  let si = a32 ? g[GprI32.RSI] >>> 0 : (g[GprI32.RSI_HI] >>> 0) * U64.TWO32 + (g[GprI32.RSI] >>> 0);
  let di = a32 ? g[GprI32.RDI] >>> 0 : (g[GprI32.RDI_HI] >>> 0) * U64.TWO32 + (g[GprI32.RDI] >>> 0);
  let cnt = rep ? (a32 ? g[GprI32.RCX] >>> 0 : (g[GprI32.RCX_HI] >>> 0) * U64.TWO32 + (g[GprI32.RCX] >>> 0)) : 1;
  // Segment override applies to the source (RSI) only.
  const segBase = inst.seg === R.FS ? cpu.f64[FSBASE_F64] : inst.seg === R.GS ? cpu.f64[GSBASE_F64] : 0;
  const m = cpu.space;
  try {
    switch (op) {
      case Op.MOVS:
        while (cnt > 0) {
          const lo = cpu.rdMem(si + segBase, size);
          cpu.wrMem(di, size, lo, cpu.tHi);
          si += step; di += step; cnt--;
        }
        break;
      case Op.STOS: {
        const lo = cpu.rdReg(0, size);
        const hi = cpu.tHi;
        if (size === 8 && step > 0 && cnt > 1) {
          while (cnt > 0) { m.wr64(di, lo, hi); di += 8; cnt--; }
        } else {
          while (cnt > 0) { cpu.wrMem(di, size, lo, hi); di += step; cnt--; }
        }
        break;
      }
      case Op.LODS:
        while (cnt > 0) {
          const lo = cpu.rdMem(si + segBase, size);
          cpu.wrReg(0, size, lo, cpu.tHi);
          si += step; cnt--;
        }
        break;
      case Op.CMPS: case Op.SCAS: {
        const repz = (inst.pfx & P.REP) !== 0;
        while (cnt > 0) {
          let dlo: number, dhi: number;
          if (op === Op.CMPS) { dlo = cpu.rdMem(si + segBase, size); dhi = cpu.tHi; }
          else { dlo = cpu.rdReg(0, size); dhi = cpu.tHi; }
          const slo = cpu.rdMem(di, size);
          const shi = cpu.tHi;
          const rlo = cpu.subv(size, dlo, dhi, slo, shi, 0);
          setLazy(g, Lazy.SUB, size, rlo, cpu.tHi, dlo, dhi, slo, shi);
          if (op === Op.CMPS) si += step;
          di += step;
          cnt--;
          if (!rep) break;
          const eq = dlo === slo && dhi === shi;
          if (repz ? !eq : eq) break;
        }
        break;
      }
    }
  } finally {
    if (a32) {
      g[GprI32.RSI] = si; g[GprI32.RSI_HI] = 0; g[GprI32.RDI] = di; g[GprI32.RDI_HI] = 0;
      if (rep) { g[GprI32.RCX] = cnt; g[GprI32.RCX_HI] = 0; }
    } else {
      g[GprI32.RSI] = si >>> 0; g[GprI32.RSI_HI] = Math.floor(si / U64.TWO32) | 0;
      g[GprI32.RDI] = di >>> 0; g[GprI32.RDI_HI] = Math.floor(di / U64.TWO32) | 0;
      if (rep) { g[GprI32.RCX] = cnt >>> 0; g[GprI32.RCX_HI] = Math.floor(cnt / U64.TWO32) | 0; }
    }
  }
  return CONT;
}
