// Shifts and rotates: SHL SHR SAR (lazy flags), ROL ROR RCL RCR, SHLD SHRD; a zero count
// changes nothing but the zero-extension of a 32-bit register destination.

import { K, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { carry, Lazy, setLazy, signOf } from "../flags.js";
import { CONT, UNHANDLED } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one shift instruction (UNHANDLED: not one this family knows). */
export function execShift(cpu: CpuCore, inst: Inst): number {
  switch (inst.op) {
    case Op.SHL: case Op.SHR: case Op.SAR:
      shift(cpu, inst);
      return CONT;
    case Op.ROL: case Op.ROR: case Op.RCL: case Op.RCR:
      rotate(cpu, inst);
      return CONT;
    case Op.SHLD: case Op.SHRD:
      shiftDouble(cpu, inst);
      return CONT;
  }
  return UNHANDLED;
}

function shift(cpu: CpuCore, inst: Inst): void {
  const g = cpu.g;
  const size = inst.s0;
  const dlo = cpu.rd0(inst);
  const dhi = cpu.tHi;
  const isMem = inst.k0 === K.MEM;
  const ea = cpu.ea;
  const raw = cpu.rd1(inst) & 255;
  const c = raw & (size === 8 ? 63 : 31);
  cpu.ea = ea;
  if (c === 0) {
    if (size === 4 && inst.k0 === K.REG) cpu.g[2 * inst.r0 + 1] = 0;
    return;
  }
  const op = inst.op;
  let rlo: number, rhi: number;
  const w = size * 8;
  if (size === 8) {
    if (op === Op.SHL) {
      if (c < 32) { rhi = (dhi << c) | (dlo >>> (32 - c)); rlo = dlo << c; }
      else { rhi = dlo << (c - 32); rlo = 0; }
    } else if (op === Op.SHR) {
      if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >>> c; }
      else { rlo = dhi >>> (c - 32); rhi = 0; }
    } else {
      if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >> c; }
      else { rlo = dhi >> (c - 32); rhi = dhi >> 31; }
    }
    rlo |= 0;
    rhi |= 0;
    if (isMem) cpu.space.probeWrite(ea, 8);
    cpu.wr0(inst, rlo, rhi);
    setLazy(g, op === Op.SHR ? Lazy.SHR : op === Op.SAR ? Lazy.SAR : Lazy.SHL, 8, rlo, rhi, dlo, dhi, c, 0);
    return;
  }
  const mask = size === 4 ? -1 : (1 << w) - 1;
  let cf: number;
  if (op === Op.SHL) {
    const t = c - 1 < 32 ? dlo << (c - 1) : 0;
    cf = (t >>> (w - 1)) & 1;
    rlo = (t << 1) & mask;
  } else if (op === Op.SHR) {
    const t = dlo >>> (c - 1);
    cf = t & 1;
    rlo = (t >>> 1) & mask;
  } else {
    const sx = size === 4 ? dlo | 0 : size === 2 ? (dlo << 16) >> 16 : (dlo << 24) >> 24;
    const t = sx >> (c - 1);
    cf = t & 1;
    rlo = (t >> 1) & mask;
  }
  if (size === 4) rlo |= 0;
  cpu.wr0(inst, rlo, 0);
  if (c < w) {
    setLazy(g, op === Op.SHR ? Lazy.SHR : op === Op.SAR ? Lazy.SAR : Lazy.SHL, size, rlo, 0, dlo, 0, c, 0);
  } else {
    // 8/16-bit shifts by >= the width: eager flags (OF as the host computes it for count 1).
    const sr = signOf(rlo, 0, size);
    const of = op === Op.SHL ? sr ^ cf : 0;
    cpu.setResultFlags(rlo, 0, size, cf, of, 1);
  }
}

function rotate(cpu: CpuCore, inst: Inst): void {
  const g = cpu.g;
  const size = inst.s0;
  const w = size * 8;
  const dlo = cpu.rd0(inst);
  const dhi = cpu.tHi;
  const ea = cpu.ea;
  const raw = cpu.rd1(inst) & 255;
  cpu.ea = ea;
  let c = raw & (size === 8 ? 63 : 31);
  const op = inst.op;
  if (op === Op.RCL || op === Op.RCR) c = size === 1 ? c % 9 : size === 2 ? c % 17 : c;
  if (c === 0) {
    // Flags unchanged; a 32-bit register destination is still zero-extended.
    if (size === 4 && inst.k0 === K.REG) cpu.g[2 * inst.r0 + 1] = 0;
    return;
  }
  let rlo: number, rhi = 0, cf: number, of: number;
  if (op === Op.ROL || op === Op.ROR) {
    const k = op === Op.ROL ? c % w : (w - (c % w)) % w;
    if (size === 8) {
      if (k === 0) { rlo = dlo; rhi = dhi; }
      else if (k < 32) { rlo = (dlo << k) | (dhi >>> (32 - k)); rhi = (dhi << k) | (dlo >>> (32 - k)); }
      else if (k === 32) { rlo = dhi; rhi = dlo; }
      else { const j = k - 32; rlo = (dhi << j) | (dlo >>> (32 - j)); rhi = (dlo << j) | (dhi >>> (32 - j)); }
    } else if (size === 4) {
      rlo = k === 0 ? dlo : (dlo << k) | (dlo >>> (32 - k));
    } else {
      const m = (1 << w) - 1;
      rlo = k === 0 ? dlo : ((dlo << k) | (dlo >>> (w - k))) & m;
    }
    rlo |= 0;
    rhi |= 0;
    const msb = signOf(rlo, rhi, size);
    if (op === Op.ROL) {
      cf = rlo & 1;
      of = msb ^ cf;
    } else {
      cf = msb;
      const msb2 = size === 8 ? (rhi >>> 30) & 1 : (rlo >>> (w - 2)) & 1;
      of = msb ^ msb2;
    }
  } else {
    // RCL/RCR through carry: bit-serial on (size*8+1)-bit values, c <= 64.
    let cin = carry(g);
    let lo = dlo, hi = dhi;
    for (let k = 0; k < c; k++) {
      if (op === Op.RCL) {
        const out = signOf(lo, hi, size);
        if (size === 8) { hi = (hi << 1) | (lo >>> 31); lo = (lo << 1) | cin; }
        else { lo = ((lo << 1) | cin) & (size === 4 ? -1 : (1 << w) - 1); }
        cin = out;
      } else {
        const out = lo & 1;
        if (size === 8) { lo = (lo >>> 1) | (hi << 31); hi = (hi >>> 1) | (cin << 31); }
        else { lo = (lo >>> 1) | (cin << (w - 1)); if (size < 4) lo &= (1 << w) - 1; }
        cin = out;
      }
    }
    rlo = lo | 0;
    rhi = size === 8 ? hi | 0 : 0;
    cf = cin;
    const msb = signOf(rlo, rhi, size);
    if (op === Op.RCL) of = msb ^ cf;
    else {
      const msb2 = size === 8 ? (rhi >>> 30) & 1 : (rlo >>> (w - 2)) & 1;
      of = msb ^ msb2;
    }
  }
  cpu.wr0(inst, rlo, rhi);
  cpu.setCfOf(cf, of);
}

function shiftDouble(cpu: CpuCore, inst: Inst): void {
  const size = inst.s0;
  const w = size * 8;
  const dlo = cpu.rd0(inst);
  const dhi = cpu.tHi;
  const ea = cpu.ea;
  const slo = cpu.rdReg(inst.r1, size);
  const shi = cpu.tHi;
  const c = cpu.rd2(inst) & (size === 8 ? 63 : 31);
  cpu.ea = ea;
  if (c === 0) {
    if (size === 4 && inst.k0 === K.REG) cpu.g[2 * inst.r0 + 1] = 0;
    return;
  }
  // Compose on BigInt-free pairs: for 64-bit use (dhi:dlo) and (shi:slo).
  let rlo: number, rhi = 0, cf: number;
  const left = inst.op === Op.SHLD;
  if (size === 8) {
    // Concatenate: SHLD: (d:s) << c, take high 64; SHRD: (s:d) >> c, take low 64.
    const words = left ? [slo, shi, dlo, dhi] : [dlo, dhi, slo, shi];
    const get = (bit: number): number => (words[bit >>> 5] >>> (bit & 31)) & 1;
    let lo = 0, hi = 0;
    for (let b = 0; b < 64; b++) {
      const srcBit = left ? b + 64 - c : b + c;
      const v = get(srcBit);
      if (b < 32) lo |= v << b;
      else hi |= v << (b - 32);
    }
    rlo = lo | 0;
    rhi = hi | 0;
    cf = left ? get(128 - c) : get(c - 1);
  } else if (size === 4) {
    if (left) { rlo = (dlo << c) | (slo >>> (32 - c)); cf = (dlo >>> (32 - c)) & 1; }
    else { rlo = (dlo >>> c) | (slo << (32 - c)); cf = (dlo >>> (c - 1)) & 1; }
    rlo |= 0;
  } else if (size === 2) {
    // 16-bit with counts up to 31 (result undefined above 16): model as a 32-bit concat.
    const cat = left ? ((dlo & 0xffff) << 16) | (slo & 0xffff) : ((slo & 0xffff) << 16) | (dlo & 0xffff);
    if (left) {
      const x = c < 32 ? (cat << c) : 0;
      rlo = (c <= 16 ? x >>> 16 : ((((slo & 0xffff) << 16) | (dlo & 0xffff)) << (c - 16)) >>> 16) & 0xffff;
      cf = c <= 16 ? (cat >>> (32 - c)) & 1 : 0;
      void x;
    } else {
      rlo = (cat >>> c) & 0xffff;
      cf = (cat >>> (c - 1)) & 1;
    }
  } else {
    rlo = dlo;
    cf = 0;
  }
  cpu.wr0(inst, rlo, rhi);
  // OF is defined for count 1 (sign change); for larger counts cpu matches AMD hosts.
  const sr = signOf(rlo, rhi, size);
  const of = left ? sr ^ cf : sr ^ (size === 8 ? (rhi >>> 30) & 1 : (rlo >>> (w - 2)) & 1);
  cpu.setResultFlags(rlo, rhi, size, cf, of, 1);
  void w;
}
