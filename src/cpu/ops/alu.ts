// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST, INC DEC NEG NOT, XADD,
// CMPXCHG and CMPXCHG8B/16B, on register and memory operands with lazy flags (flags.ts).

import { K, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { STOP } from "../api.js";
import { arithFlags, carry, Lazy, setBits, setLazy } from "../flags.js";
import { CONT, FL_AUX, GprI32, UNHANDLED, ZF } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one alu instruction (UNHANDLED: not one this family knows). */
export function execAlu(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  switch (inst.op) {
    case Op.ADD: case Op.OR: case Op.ADC: case Op.SBB: case Op.AND: case Op.SUB: case Op.XOR: case Op.CMP: case Op.TEST:
      alu(cpu, inst);
      return CONT;
    case Op.INC: case Op.DEC: {
      const size = inst.s0;
      const dlo = cpu.rd0(inst);
      const dhi = cpu.tHi;
      const cf = carry(g);
      let rlo: number, rhi: number;
      if (inst.op === Op.INC) {
        if (size === 8) { rlo = (dlo + 1) | 0; rhi = rlo === 0 ? (dhi + 1) | 0 : dhi; }
        else { rlo = size === 4 ? (dlo + 1) | 0 : (dlo + 1) & (size === 2 ? 0xffff : 0xff); rhi = 0; }
      } else {
        if (size === 8) { rlo = (dlo - 1) | 0; rhi = dlo === 0 ? (dhi - 1) | 0 : dhi; }
        else { rlo = size === 4 ? (dlo - 1) | 0 : (dlo - 1) & (size === 2 ? 0xffff : 0xff); rhi = 0; }
      }
      cpu.wr0(inst, rlo, rhi);
      setLazy(g, inst.op === Op.INC ? Lazy.INC : Lazy.DEC, size, rlo, rhi, dlo, dhi, 1, 0);
      g[FL_AUX] = cf;
      return CONT;
    }
    case Op.NEG: {
      const size = inst.s0;
      const dlo = cpu.rd0(inst);
      const dhi = cpu.tHi;
      let rlo: number, rhi: number;
      if (size === 8) { rlo = -dlo | 0; rhi = (~dhi + (dlo === 0 ? 1 : 0)) | 0; }
      else { rlo = size === 4 ? -dlo | 0 : -dlo & (size === 2 ? 0xffff : 0xff); rhi = 0; }
      cpu.wr0(inst, rlo, rhi);
      setLazy(g, Lazy.SUB, size, rlo, rhi, 0, 0, dlo, dhi);
      return CONT;
    }
    case Op.NOT: {
      const size = inst.s0;
      const dlo = cpu.rd0(inst);
      const dhi = cpu.tHi;
      cpu.wr0(inst, size === 8 || size === 4 ? ~dlo : ~dlo & (size === 2 ? 0xffff : 0xff), size === 8 ? ~dhi : 0);
      return CONT;
    }
    case Op.XADD: {
      const size = inst.s0;
      const dlo = cpu.rd0(inst);
      const dhi = cpu.tHi;
      const slo = cpu.rdReg(inst.r1, size);
      const shi = cpu.tHi;
      const rlo = cpu.addv(size, dlo, dhi, slo, shi, 0);
      const rhi = cpu.tHi;
      if (inst.k0 === K.MEM) cpu.space.probeWrite(cpu.ea, size);
      cpu.wrReg(inst.r1, size, dlo, dhi);
      cpu.wr0(inst, rlo, rhi);
      setLazy(g, Lazy.ADD, size, rlo, rhi, dlo, dhi, slo, shi);
      return CONT;
    }
    case Op.CMPXCHG: {
      const size = inst.s0;
      const dlo = cpu.rd0(inst);
      const dhi = cpu.tHi;
      const alo = cpu.rdReg(0, size);
      const ahi = cpu.tHi;
      const rlo = cpu.subv(size, alo, ahi, dlo, dhi, 0);
      const rhi = cpu.tHi;
      if (alo === dlo && ahi === dhi) {
        const slo = cpu.rdReg(inst.r1, size);
        cpu.wr0(inst, slo, cpu.tHi);
      } else {
        if (inst.k0 === K.MEM) cpu.space.probeWrite(cpu.ea, size);
        cpu.wrReg(0, size, dlo, dhi);
      }
      setLazy(g, Lazy.SUB, size, rlo, rhi, alo, ahi, dlo, dhi);
      return CONT;
    }
    case Op.CMPXCHG8B: case Op.CMPXCHG16B:
      return cmpxchgWide(cpu, inst);
  }
  return UNHANDLED;
}

export function alu(cpu: CpuCore, inst: Inst): void {
  const g = cpu.g;
  const size = inst.s0;
  const dlo = cpu.rd0(inst);
  const dhi = cpu.tHi;
  const slo = cpu.rd1(inst);
  const shi = cpu.tHi;
  let rlo: number, rhi: number;
  switch (inst.op) {
    case Op.ADD:
      rlo = cpu.addv(size, dlo, dhi, slo, shi, 0);
      rhi = cpu.tHi;
      cpu.wr0(inst, rlo, rhi);
      setLazy(g, Lazy.ADD, size, rlo, rhi, dlo, dhi, slo, shi);
      return;
    case Op.SUB:
      rlo = cpu.subv(size, dlo, dhi, slo, shi, 0);
      rhi = cpu.tHi;
      cpu.wr0(inst, rlo, rhi);
      setLazy(g, Lazy.SUB, size, rlo, rhi, dlo, dhi, slo, shi);
      return;
    case Op.CMP:
      rlo = cpu.subv(size, dlo, dhi, slo, shi, 0);
      setLazy(g, Lazy.SUB, size, rlo, cpu.tHi, dlo, dhi, slo, shi);
      return;
    case Op.ADC: {
      const c = carry(g);
      rlo = cpu.addv(size, dlo, dhi, slo, shi, c);
      rhi = cpu.tHi;
      cpu.wr0(inst, rlo, rhi);
      setLazy(g, Lazy.ADC, size, rlo, rhi, dlo, dhi, slo, shi);
      g[FL_AUX] = c;
      return;
    }
    case Op.SBB: {
      const c = carry(g);
      rlo = cpu.subv(size, dlo, dhi, slo, shi, c);
      rhi = cpu.tHi;
      cpu.wr0(inst, rlo, rhi);
      setLazy(g, Lazy.SBB, size, rlo, rhi, dlo, dhi, slo, shi);
      g[FL_AUX] = c;
      return;
    }
    case Op.AND: rlo = dlo & slo; rhi = dhi & shi; break;
    case Op.OR: rlo = dlo | slo; rhi = dhi | shi; break;
    case Op.XOR: rlo = dlo ^ slo; rhi = dhi ^ shi; break;
    default: // TEST
      setLazy(g, Lazy.LOGIC, size, dlo & slo, dhi & shi, 0, 0, 0, 0);
      return;
  }
  cpu.wr0(inst, rlo, rhi);
  setLazy(g, Lazy.LOGIC, size, rlo, rhi, 0, 0, 0, 0);
}

function cmpxchgWide(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  const a = cpu.addr(inst);
  if (inst.op === Op.CMPXCHG8B) {
    const lo = cpu.space.rd32(a), hi = cpu.space.rd32(a + 4);
    if (lo === g[GprI32.RAX] && hi === g[GprI32.RDX]) {
      cpu.space.probeWrite(a, 8);
      cpu.space.wr32(a, g[GprI32.RBX]);
      cpu.space.wr32(a + 4, g[GprI32.RCX]);
      setBits(g, arithFlags(g) | ZF);
    } else {
      cpu.space.probeWrite(a, 8);
      g[GprI32.RAX] = lo; g[GprI32.RAX_HI] = 0; g[GprI32.RDX] = hi; g[GprI32.RDX_HI] = 0;
      setBits(g, arithFlags(g) & ~ZF);
    }
    return CONT;
  }
  if (!cpu.features.cx16) return cpu.illegal(inst, "CMPXCHG16B (not advertised at cpu CPU level)");
  if (a % 16 !== 0) return STOP.PRIVILEGED;
  const l0 = cpu.space.rd64(a), l1 = cpu.space.hi;
  const h0 = cpu.space.rd64(a + 8), h1 = cpu.space.hi;
  cpu.space.probeWrite(a, 16);
  if (l0 === g[GprI32.RAX] && l1 === g[GprI32.RAX_HI] && h0 === g[GprI32.RDX] && h1 === g[GprI32.RDX_HI]) {
    cpu.space.wr64(a, g[GprI32.RBX], g[GprI32.RBX_HI]);
    cpu.space.wr64(a + 8, g[GprI32.RCX], g[GprI32.RCX_HI]);
    setBits(g, arithFlags(g) | ZF);
  } else {
    g[GprI32.RAX] = l0; g[GprI32.RAX_HI] = l1; g[GprI32.RDX] = h0; g[GprI32.RDX_HI] = h1;
    setBits(g, arithFlags(g) & ~ZF);
  }
  return CONT;
}
