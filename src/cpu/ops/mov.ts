// Data movement between GPRs and memory: MOV, LEA, MOVZX/MOVSX/MOVSXD, CMOVcc, SETcc, XCHG,
// BSWAP, CBW/CWD (and their wider forms), MOVNTI, XLAT.

import { K, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { cond } from "../flags.js";
import { CONT, GprI32, UNHANDLED } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one mov instruction (UNHANDLED: not one this family knows). */
export function execMov(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  switch (inst.op) {
    case Op.MOV: {
      const lo = cpu.rd1(inst);
      cpu.wr0New(inst, lo, cpu.tHi);
      return CONT;
    }
    case Op.LEA: {
      const a = cpu.leaAddr(inst);
      cpu.wrReg(inst.r0, inst.s0, a | 0, cpu.tHi);
      return CONT;
    }
    case Op.MOVZX: {
      const lo = cpu.rd1(inst);
      cpu.wrReg(inst.r0, inst.s0, lo, 0);
      return CONT;
    }
    case Op.MOVSX: case Op.MOVSXD: {
      let v = cpu.rd1(inst);
      v = inst.s1 === 1 ? (v << 24) >> 24 : inst.s1 === 2 ? (v << 16) >> 16 : v | 0;
      if (inst.s0 === 2) v &= 0xffff;
      cpu.wrReg(inst.r0, inst.s0, v, v >> 31);
      return CONT;
    }
    case Op.CMOVCC: {
      const lo = cpu.rd1(inst);
      const hi = cpu.tHi;
      if (cond(g, inst.cond)) cpu.wrReg(inst.r0, inst.s0, lo, hi);
      else if (inst.s0 === 4) g[2 * inst.r0 + 1] = 0;
      return CONT;
    }
    case Op.SETCC:
      cpu.wr0New(inst, cond(g, inst.cond) ? 1 : 0, 0);
      return CONT;
    case Op.XCHG: {
      if (inst.k0 === K.REG && inst.k1 === K.REG) {
        const a = cpu.rdReg(inst.r0, inst.s0);
        const ah = cpu.tHi;
        const b = cpu.rdReg(inst.r1, inst.s1);
        const bh = cpu.tHi;
        cpu.wrReg(inst.r0, inst.s0, b, bh);
        cpu.wrReg(inst.r1, inst.s1, a, ah);
        return CONT;
      }
      const memFirst = inst.k0 === K.MEM;
      const m = memFirst ? cpu.rd0(inst) : cpu.rd1(inst);
      const mh = cpu.tHi;
      const reg = memFirst ? inst.r1 : inst.r0;
      const size = memFirst ? inst.s1 : inst.s0;
      const v = cpu.rdReg(reg, size);
      cpu.wrMem(cpu.ea, size, v, cpu.tHi);
      cpu.wrReg(reg, size, m, mh);
      return CONT;
    }
    case Op.BSWAP: {
      const r = inst.r0;
      if (inst.s0 === 8) {
        const lo = g[2 * r], hi = g[2 * r + 1];
        g[2 * r] = bswap32(hi);
        g[2 * r + 1] = bswap32(lo);
      } else {
        g[2 * r] = bswap32(g[2 * r]);
        g[2 * r + 1] = 0;
      }
      return CONT;
    }
    case Op.CBW: {
      const s = inst.opsize;
      if (s === 8) { g[GprI32.RAX_HI] = g[GprI32.RAX] >> 31; }
      else if (s === 4) { g[GprI32.RAX] = (g[GprI32.RAX] << 16) >> 16; g[GprI32.RAX_HI] = 0; }
      else g[GprI32.RAX] = (g[GprI32.RAX] & ~0xffff) | (((g[GprI32.RAX] << 24) >> 24) & 0xffff);
      return CONT;
    }
    case Op.CWD: {
      const s = inst.opsize;
      if (s === 8) { const x = g[GprI32.RAX_HI] >> 31; g[GprI32.RDX] = x; g[GprI32.RDX_HI] = x; }
      else if (s === 4) { g[GprI32.RDX] = g[GprI32.RAX] >> 31; g[GprI32.RDX_HI] = 0; }
      else g[GprI32.RDX] = (g[GprI32.RDX] & ~0xffff) | (((g[GprI32.RAX] << 16) >> 31) & 0xffff);
      return CONT;
    }
    case Op.MOVNTI: {
      const lo = cpu.rd1(inst);
      cpu.wr0New(inst, lo, cpu.tHi);
      return CONT;
    }
    case Op.XLAT: {
      const base = (g[GprI32.RBX_HI] >>> 0) * U64.TWO32 + (g[GprI32.RBX] >>> 0);
      g[GprI32.RAX] = (g[GprI32.RAX] & ~255) | cpu.space.rd8(base + (g[GprI32.RAX] & 255));
      return CONT;
    }
  }
  return UNHANDLED;
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}
