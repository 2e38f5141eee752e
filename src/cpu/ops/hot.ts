// The interpreter's specialized handlers for the hottest forms (MOV, two-operand ALU ops with a
// 64/32-bit register destination, PUSH/POP/CALL/RET, ...): chosen once per decoded instruction
// (Block.hids), they check the TLB themselves with the address in int32 halves.

import { K, P, R, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { cond, Lazy, setLazy } from "../flags.js";
import { CODE_CHANGED, CONT, GprI32, RIP_F64, UNHANDLED, XMM_I32 } from "../state.js";
import type { CpuCore } from "../core.js";
import { alu } from "./alu.js";

/** Specialized handlers for the hottest forms (ids kept per block in Block.hids). */
export const enum Hot {
  GENERIC = 0,
  MOV_RR64, MOV_RR32, MOV_LD64, MOV_LD32, MOV_ST64, MOV_ST32, MOV_RI32, MOV_RI64,
  ALU_RR64, ALU_RI64, ALU_RR32, ALU_RI32, ALU_RM64, ALU_RM32,
  JCC, JMP, CALL, RET, LEA64, MOVZX_LD, NOP,
  PUSH_R64, POP_R64, MOV_MI, CMP_MI, SHIFT_RI64, MOVU_LD, MOVU_ST,
  /** Put in every slot of a block whose code was written while it ran (DecodeCache.dropPage):
   *  the next instruction of that block returns CODE_CHANGED instead of running stale. */
  CODE_CHANGED,
}

/** ADD OR ADC SBB AND SUB XOR CMP TEST: the two-operand ALU ops. */
function isAluBinary(op: number): boolean {
  switch (op) {
    case Op.ADD: case Op.OR: case Op.ADC: case Op.SBB: case Op.AND: case Op.SUB: case Op.XOR: case Op.CMP: case Op.TEST:
      return true;
  }
  return false;
}

/** A general-purpose register operand (RAX..R15). */
function gpr(k: number, r: number): boolean {
  return k === K.REG && r >= 0 && r < 16;
}

/** Pick a specialized handler for a decoded instruction (Hot.GENERIC: the generic exec). */
export function specialize(inst: Inst): number {
  const op = inst.op;
  if ((inst.pfx & (P.VEX | P.EVEX)) !== 0) return Hot.GENERIC;
  if (op === Op.MOV) {
    const s = inst.s0;
    if (s !== 8 && s !== 4) return Hot.GENERIC;
    if (gpr(inst.k0, inst.r0) && gpr(inst.k1, inst.r1)) return s === 8 ? Hot.MOV_RR64 : Hot.MOV_RR32;
    if (gpr(inst.k0, inst.r0) && inst.k1 === K.MEM) return s === 8 ? Hot.MOV_LD64 : Hot.MOV_LD32;
    if (inst.k0 === K.MEM && gpr(inst.k1, inst.r1)) return s === 8 ? Hot.MOV_ST64 : Hot.MOV_ST32;
    if (gpr(inst.k0, inst.r0) && inst.k1 === K.IMM) return s === 8 ? Hot.MOV_RI64 : Hot.MOV_RI32;
    return Hot.GENERIC;
  }
  if (isAluBinary(op)) {
    const s = inst.s0;
    if ((s !== 8 && s !== 4) || !gpr(inst.k0, inst.r0)) return Hot.GENERIC;
    if (gpr(inst.k1, inst.r1)) return s === 8 ? Hot.ALU_RR64 : Hot.ALU_RR32;
    if (inst.k1 === K.IMM) return s === 8 ? Hot.ALU_RI64 : Hot.ALU_RI32;
    if (inst.k1 === K.MEM) return s === 8 ? Hot.ALU_RM64 : Hot.ALU_RM32;
    return Hot.GENERIC;
  }
  if (op === Op.MOV && inst.k0 === K.MEM && inst.k1 === K.IMM) return Hot.MOV_MI;
  if ((op === Op.CMP || op === Op.TEST) && inst.k0 === K.MEM && inst.k1 === K.IMM) return Hot.CMP_MI;
  switch (op) {
    case Op.PUSH: return inst.s0 === 8 && gpr(inst.k0, inst.r0) ? Hot.PUSH_R64 : Hot.GENERIC;
    case Op.POP: return inst.s0 === 8 && gpr(inst.k0, inst.r0) ? Hot.POP_R64 : Hot.GENERIC;
    case Op.SHL: case Op.SHR: case Op.SAR:
      return inst.s0 === 8 && gpr(inst.k0, inst.r0) && inst.k1 === K.IMM && (inst.imm & 63) !== 0 ? Hot.SHIFT_RI64 : Hot.GENERIC;
    case Op.MOVUPS: case Op.MOVDQU: case Op.MOVUPD:
      if (inst.opsize !== 16) return Hot.GENERIC;
      if (inst.k0 === K.REG && inst.k1 === K.MEM) return Hot.MOVU_LD;
      if (inst.k0 === K.MEM && inst.k1 === K.REG) return Hot.MOVU_ST;
      return Hot.GENERIC;
    case Op.JCC: return Hot.JCC;
    case Op.JMP: return inst.k0 === K.REL ? Hot.JMP : Hot.GENERIC;
    case Op.CALL: return inst.k0 === K.REL ? Hot.CALL : Hot.GENERIC;
    case Op.RET: return inst.nops === 0 ? Hot.RET : Hot.GENERIC;
    case Op.LEA: return inst.s0 === 8 && inst.addrsize === 8 && inst.base !== R.RIP ? Hot.LEA64 : Hot.GENERIC;
    case Op.MOVZX: return inst.k1 === K.MEM && (inst.s0 === 4 || inst.s0 === 8) ? Hot.MOVZX_LD : Hot.GENERIC;
    case Op.NOP: case Op.ENDBR64: case Op.PREFETCHT0: case Op.PREFETCHNTA: case Op.PAUSE: return Hot.NOP;
  }
  return Hot.GENERIC;
}

/** Run inst through its specialized handler h (specialize()). */
export function execHot(cpu: CpuCore, inst: Inst, h: number): number {
  const g = cpu.g;
  switch (h) {
    case Hot.CODE_CHANGED:
      return CODE_CHANGED;
    case Hot.MOV_RR64: {
      const d = 2 * inst.r0, s = 2 * inst.r1;
      g[d] = g[s];
      g[d + 1] = g[s + 1];
      return CONT;
    }
    case Hot.MOV_RR32: {
      const d = 2 * inst.r0;
      g[d] = g[2 * inst.r1];
      g[d + 1] = 0;
      return CONT;
    }
    case Hot.MOV_LD64: {
      const d = 2 * inst.r0;
      const i = cpu.rSlot(inst, 4088);
      if (i >= 0) {
        const v = cpu.space.rView[i], o = cpu.slotOff;
        g[d] = v.getInt32(o, true);
        g[d + 1] = v.getInt32(o + 4, true);
        return CONT;
      }
      const lo = cpu.space.rd64(cpu.addr(inst));
      g[d] = lo;
      g[d + 1] = cpu.space.hi;
      return CONT;
    }
    case Hot.MOV_LD32: {
      const i = cpu.rSlot(inst, 4092);
      const v = i >= 0 ? cpu.space.rView[i].getInt32(cpu.slotOff, true) : cpu.space.rd32(cpu.addr(inst));
      const d = 2 * inst.r0;
      g[d] = v;
      g[d + 1] = 0;
      return CONT;
    }
    case Hot.MOV_ST64: {
      const s = 2 * inst.r1;
      const i = cpu.wSlot(inst, 4088);
      if (i >= 0) {
        const v = cpu.space.wView[i], o = cpu.slotOff;
        v.setInt32(o, g[s], true);
        v.setInt32(o + 4, g[s + 1], true);
        return CONT;
      }
      cpu.space.wr64(cpu.addr(inst), g[s], g[s + 1]);
      return CONT;
    }
    case Hot.MOV_ST32: {
      const i = cpu.wSlot(inst, 4092);
      if (i >= 0) cpu.space.wView[i].setInt32(cpu.slotOff, g[2 * inst.r1], true);
      else cpu.space.wr32(cpu.addr(inst), g[2 * inst.r1]);
      return CONT;
    }
    case Hot.MOV_RI32: {
      const d = 2 * inst.r0;
      g[d] = inst.imm;
      g[d + 1] = 0;
      return CONT;
    }
    case Hot.MOV_RI64: {
      const d = 2 * inst.r0;
      g[d] = inst.imm;
      g[d + 1] = inst.immHi;
      return CONT;
    }
    case Hot.ALU_RR64: {
      const s = 2 * inst.r1;
      alu64(cpu, inst, g[s], g[s + 1]);
      return CONT;
    }
    case Hot.ALU_RI64:
      alu64(cpu, inst, inst.imm, inst.immHi);
      return CONT;
    case Hot.ALU_RM64: {
      const i = cpu.rSlot(inst, 4088);
      if (i >= 0) {
        const v = cpu.space.rView[i], o = cpu.slotOff;
        alu64(cpu, inst, v.getInt32(o, true), v.getInt32(o + 4, true));
        return CONT;
      }
      const lo = cpu.space.rd64(cpu.addr(inst));
      alu64(cpu, inst, lo, cpu.space.hi);
      return CONT;
    }
    case Hot.ALU_RR32:
      alu32(cpu, inst, g[2 * inst.r1]);
      return CONT;
    case Hot.ALU_RI32:
      alu32(cpu, inst, inst.imm);
      return CONT;
    case Hot.ALU_RM32: {
      const i = cpu.rSlot(inst, 4092);
      alu32(cpu, inst, i >= 0 ? cpu.space.rView[i].getInt32(cpu.slotOff, true) : cpu.space.rd32(cpu.addr(inst)));
      return CONT;
    }
    case Hot.JCC:
      cpu.f64[RIP_F64] = cond(g, inst.cond) ? inst.target : inst.addr + inst.len;
      return CONT;
    case Hot.JMP:
      cpu.f64[RIP_F64] = inst.target;
      return CONT;
    case Hot.CALL: {
      const ret = inst.addr + inst.len;
      const lo = g[GprI32.RSP] >>> 0;
      const i = lo >= 8 && ret < U64.TWO32 ? cpu.wHit(lo - 8, g[GprI32.RSP_HI], 4088) : -1;
      if (i >= 0) {
        const v = cpu.space.wView[i], o = cpu.slotOff;
        v.setInt32(o, ret | 0, true);
        v.setInt32(o + 4, 0, true);
        g[GprI32.RSP] = lo - 8;
      } else cpu.pushNum(ret);
      cpu.f64[RIP_F64] = inst.target;
      return CONT;
    }
    case Hot.RET: {
      const i = cpu.rHit(g[GprI32.RSP] >>> 0, g[GprI32.RSP_HI], 4088);
      let lo: number, hi: number;
      if (i >= 0) {
        const v = cpu.space.rView[i], o = cpu.slotOff;
        lo = v.getInt32(o, true);
        hi = v.getInt32(o + 4, true);
        cpu.popped();
      } else {
        const sp = (g[GprI32.RSP_HI] >>> 0) * U64.TWO32 + (g[GprI32.RSP] >>> 0);
        lo = cpu.space.rd64(sp);
        hi = cpu.space.hi;
        cpu.setRsp(sp + 8);
      }
      cpu.f64[RIP_F64] = (hi >>> 0) * U64.TWO32 + (lo >>> 0);
      return CONT;
    }
    case Hot.LEA64: {
      const lo = cpu.leaAddr(inst);
      const d = 2 * inst.r0;
      g[d] = lo | 0;
      g[d + 1] = cpu.tHi;
      return CONT;
    }
    case Hot.MOVZX_LD: {
      const i = cpu.rSlot(inst, inst.s1 === 1 ? 4095 : 4094);
      let v: number;
      if (i >= 0) v = inst.s1 === 1 ? cpu.space.rView[i].getUint8(cpu.slotOff) : cpu.space.rView[i].getUint16(cpu.slotOff, true);
      else {
        const a = cpu.addr(inst);
        v = inst.s1 === 1 ? cpu.space.rd8(a) : cpu.space.rd16(a);
      }
      const d = 2 * inst.r0;
      g[d] = v;
      g[d + 1] = 0;
      return CONT;
    }
    case Hot.NOP:
      return CONT;
    case Hot.PUSH_R64: {
      const s = 2 * inst.r0;
      const lo = g[GprI32.RSP] >>> 0;
      const i = lo >= 8 ? cpu.wHit(lo - 8, g[GprI32.RSP_HI], 4088) : -1;
      if (i >= 0) {
        const v = cpu.space.wView[i], o = cpu.slotOff;
        v.setInt32(o, g[s], true);
        v.setInt32(o + 4, g[s + 1], true);
        g[GprI32.RSP] = lo - 8;
        return CONT;
      }
      const sp = (g[GprI32.RSP_HI] >>> 0) * U64.TWO32 + lo - 8;
      cpu.space.wr64(sp, g[s], g[s + 1]);
      cpu.setRsp(sp);
      return CONT;
    }
    case Hot.POP_R64: {
      const d = 2 * inst.r0;
      const i = cpu.rHit(g[GprI32.RSP] >>> 0, g[GprI32.RSP_HI], 4088);
      if (i >= 0) {
        const v = cpu.space.rView[i], o = cpu.slotOff;
        const lo = v.getInt32(o, true), hi = v.getInt32(o + 4, true);
        cpu.popped();
        g[d] = lo;
        g[d + 1] = hi;
        return CONT;
      }
      const sp = (g[GprI32.RSP_HI] >>> 0) * U64.TWO32 + (g[GprI32.RSP] >>> 0);
      const lo = cpu.space.rd64(sp);
      const hi = cpu.space.hi;
      cpu.setRsp(sp + 8);
      g[d] = lo;
      g[d + 1] = hi;
      return CONT;
    }
    case Hot.MOV_MI: {
      const i = cpu.wSlot(inst, 4096 - inst.s0);
      if (i >= 0) {
        const v = cpu.space.wView[i], o = cpu.slotOff;
        switch (inst.s0) {
          case 8: v.setInt32(o, inst.imm, true); v.setInt32(o + 4, inst.immHi, true); break;
          case 4: v.setInt32(o, inst.imm, true); break;
          case 2: v.setUint16(o, inst.imm & 0xffff, true); break;
          default: v.setUint8(o, inst.imm & 255); break;
        }
        return CONT;
      }
      const a = cpu.addr(inst);
      switch (inst.s0) {
        case 8: cpu.space.wr64(a, inst.imm, inst.immHi); break;
        case 4: cpu.space.wr32(a, inst.imm); break;
        case 2: cpu.space.wr16(a, inst.imm & 0xffff); break;
        default: cpu.space.wr8(a, inst.imm & 255); break;
      }
      return CONT;
    }
    case Hot.CMP_MI: {
      const size = inst.s0;
      const i = cpu.rSlot(inst, 4096 - size);
      let dlo: number, dhi: number;
      if (i >= 0) {
        const v = cpu.space.rView[i], o = cpu.slotOff;
        switch (size) {
          case 8: dlo = v.getInt32(o, true); dhi = v.getInt32(o + 4, true); break;
          case 4: dlo = v.getInt32(o, true); dhi = 0; break;
          case 2: dlo = v.getUint16(o, true); dhi = 0; break;
          default: dlo = v.getUint8(o); dhi = 0; break;
        }
      } else {
        dlo = cpu.rdMem(cpu.addr(inst), size);
        dhi = cpu.tHi;
      }
      const slo = cpu.imm(inst, inst.s1);
      const shi = cpu.tHi;
      if (inst.op === Op.TEST) setLazy(g, Lazy.LOGIC, size, dlo & slo, dhi & shi, 0, 0, 0, 0);
      else {
        const rlo = cpu.subv(size, dlo, dhi, slo, shi, 0);
        setLazy(g, Lazy.SUB, size, rlo, cpu.tHi, dlo, dhi, slo, shi);
      }
      return CONT;
    }
    case Hot.SHIFT_RI64: {
      const d = 2 * inst.r0;
      const dlo = g[d], dhi = g[d + 1];
      const c = inst.imm & 63;
      let rlo: number, rhi: number, kind: number;
      if (inst.op === Op.SHL) {
        kind = Lazy.SHL;
        if (c < 32) { rhi = (dhi << c) | (dlo >>> (32 - c)); rlo = dlo << c; } else { rhi = dlo << (c - 32); rlo = 0; }
      } else if (inst.op === Op.SHR) {
        kind = Lazy.SHR;
        if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >>> c; } else { rlo = dhi >>> (c - 32); rhi = 0; }
      } else {
        kind = Lazy.SAR;
        if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >> c; } else { rlo = dhi >> (c - 32); rhi = dhi >> 31; }
      }
      g[d] = rlo | 0;
      g[d + 1] = rhi | 0;
      setLazy(g, kind, 8, rlo | 0, rhi | 0, dlo, dhi, c, 0);
      return CONT;
    }
    case Hot.MOVU_LD: {
      const x = XMM_I32 + 4 * (inst.r0 - 32);
      const i = cpu.rSlot(inst, 4080);
      if (i >= 0) {
        const v = cpu.space.rView[i], o = cpu.slotOff;
        g[x] = v.getInt32(o, true); g[x + 1] = v.getInt32(o + 4, true); g[x + 2] = v.getInt32(o + 8, true); g[x + 3] = v.getInt32(o + 12, true);
        return CONT;
      }
      const a = cpu.addr(inst);
      const m = cpu.space;
      const l0 = m.rd64(a), h0 = m.hi, l1 = m.rd64(a + 8), h1 = m.hi;
      g[x] = l0; g[x + 1] = h0; g[x + 2] = l1; g[x + 3] = h1;
      return CONT;
    }
    case Hot.MOVU_ST: {
      const x = XMM_I32 + 4 * (inst.r1 - 32);
      const i = cpu.wSlot(inst, 4080);
      if (i >= 0) {
        const v = cpu.space.wView[i], o = cpu.slotOff;
        v.setInt32(o, g[x], true); v.setInt32(o + 4, g[x + 1], true); v.setInt32(o + 8, g[x + 2], true); v.setInt32(o + 12, g[x + 3], true);
        return CONT;
      }
      const a = cpu.addr(inst);
      const m = cpu.space;
      m.probeWrite(a, 16);
      m.wr64(a, g[x], g[x + 1]);
      m.wr64(a + 8, g[x + 2], g[x + 3]);
      return CONT;
    }
    default:
      return UNHANDLED;
  }
}

/** 64-bit register destination ALU op with a (lo, hi) source. */
function alu64(cpu: CpuCore, inst: Inst, slo: number, shi: number): void {
  const g = cpu.g;
  const d = 2 * inst.r0;
  const dlo = g[d], dhi = g[d + 1];
  let rlo: number, rhi: number;
  switch (inst.op) {
    case Op.ADD: {
      const l = (dlo >>> 0) + (slo >>> 0);
      rlo = l | 0;
      rhi = (dhi + shi + (l >= U64.TWO32 ? 1 : 0)) | 0;
      g[d] = rlo; g[d + 1] = rhi;
      setLazy(g, Lazy.ADD, 8, rlo, rhi, dlo, dhi, slo, shi);
      return;
    }
    case Op.SUB: case Op.CMP: {
      const l = (dlo >>> 0) - (slo >>> 0);
      rlo = l | 0;
      rhi = (dhi - shi - (l < 0 ? 1 : 0)) | 0;
      if (inst.op === Op.SUB) { g[d] = rlo; g[d + 1] = rhi; }
      setLazy(g, Lazy.SUB, 8, rlo, rhi, dlo, dhi, slo, shi);
      return;
    }
    case Op.AND: rlo = dlo & slo; rhi = dhi & shi; g[d] = rlo; g[d + 1] = rhi; break;
    case Op.OR: rlo = dlo | slo; rhi = dhi | shi; g[d] = rlo; g[d + 1] = rhi; break;
    case Op.XOR: rlo = dlo ^ slo; rhi = dhi ^ shi; g[d] = rlo; g[d + 1] = rhi; break;
    case Op.TEST: rlo = dlo & slo; rhi = dhi & shi; break;
    default: {
      // ADC/SBB: the generic path.
      alu(cpu, inst);
      return;
    }
  }
  setLazy(g, Lazy.LOGIC, 8, rlo, rhi, 0, 0, 0, 0);
}

/** 32-bit register destination ALU op (the result zero-extends). */
function alu32(cpu: CpuCore, inst: Inst, slo: number): void {
  const g = cpu.g;
  const d = 2 * inst.r0;
  const dlo = g[d];
  let r: number;
  switch (inst.op) {
    case Op.ADD: r = (dlo + slo) | 0; g[d] = r; g[d + 1] = 0; setLazy(g, Lazy.ADD, 4, r, 0, dlo, 0, slo, 0); return;
    case Op.SUB: r = (dlo - slo) | 0; g[d] = r; g[d + 1] = 0; setLazy(g, Lazy.SUB, 4, r, 0, dlo, 0, slo, 0); return;
    case Op.CMP: r = (dlo - slo) | 0; setLazy(g, Lazy.SUB, 4, r, 0, dlo, 0, slo, 0); return;
    case Op.AND: r = dlo & slo; g[d] = r; g[d + 1] = 0; break;
    case Op.OR: r = dlo | slo; g[d] = r; g[d + 1] = 0; break;
    case Op.XOR: r = dlo ^ slo; g[d] = r; g[d + 1] = 0; break;
    case Op.TEST: r = dlo & slo; break;
    default:
      alu(cpu, inst);
      return;
  }
  setLazy(g, Lazy.LOGIC, 4, r, 0, 0, 0, 0, 0);
}
