// MUL and IMUL (one, two and three operands) and DIV/IDIV: 64x64->128 products on int32
// halves, division by numbers below 2^53 and BigInt above; #DE as STOP.DIVIDE.

import type { Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { STOP } from "../api.js";
import { CONT, GprI32, UNHANDLED } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one muldiv instruction (UNHANDLED: not one this family knows). */
export function execMuldiv(cpu: CpuCore, inst: Inst): number {
  switch (inst.op) {
    case Op.IMUL: case Op.MUL:
      return mul(cpu, inst);
    case Op.DIV: case Op.IDIV:
      return div(cpu, inst);
  }
  return UNHANDLED;
}

/** Unsigned 32x32 -> 64: lo returned, hi in tHi. */
function mul32(cpu: CpuCore, a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  cpu.tHi = (hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) | 0;
  return ((mid & 0xffff) << 16) | (ll & 0xffff);
}

/** Unsigned 64x64 -> 128: words w0 (returned), w1 (tHi), w2, w3. */
function mul64(cpu: CpuCore, alo: number, ahi: number, blo: number, bhi: number): number {
  const p0lo = mul32(cpu, alo, blo), p0hi = cpu.tHi;
  const p1lo = mul32(cpu, alo, bhi), p1hi = cpu.tHi;
  const p2lo = mul32(cpu, ahi, blo), p2hi = cpu.tHi;
  const p3lo = mul32(cpu, ahi, bhi), p3hi = cpu.tHi;
  const w1 = (p0hi >>> 0) + (p1lo >>> 0) + (p2lo >>> 0);
  const c1 = Math.floor(w1 / U64.TWO32);
  const w2 = (p1hi >>> 0) + (p2hi >>> 0) + (p3lo >>> 0) + c1;
  const c2 = Math.floor(w2 / U64.TWO32);
  cpu.w2 = w2 | 0;
  cpu.w3 = ((p3hi >>> 0) + c2) | 0;
  cpu.tHi = w1 | 0;
  return p0lo;
}

function mul(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  const signed = inst.op === Op.IMUL;
  if (inst.nops >= 2) {
    // IMUL r, r/m (, imm): truncated product; CF=OF = signed overflow.
    const size = inst.s0;
    let alo: number, ahi: number, blo: number, bhi: number;
    if (inst.nops === 3) {
      alo = cpu.rd1(inst); ahi = cpu.tHi;
      blo = cpu.rd2(inst); bhi = cpu.tHi;
    } else {
      alo = cpu.rdReg(inst.r0, size); ahi = cpu.tHi;
      blo = cpu.rd1(inst); bhi = cpu.tHi;
    }
    let rlo: number, rhi: number, ovf: boolean;
    if (size === 8) {
      const w0 = mul64(cpu, alo, ahi, blo, bhi);
      let w1 = cpu.tHi, w2 = cpu.w2, w3 = cpu.w3;
      if (ahi < 0) { const l = (w2 >>> 0) - (blo >>> 0); w3 = (w3 - bhi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
      if (bhi < 0) { const l = (w2 >>> 0) - (alo >>> 0); w3 = (w3 - ahi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
      rlo = w0; rhi = w1;
      const sx = rhi >> 31;
      ovf = w2 !== sx || w3 !== sx;
      w1 = 0;
      void w1;
    } else if (size === 4) {
      const p = mul32(cpu, alo, blo);
      let hi = cpu.tHi;
      if (alo < 0) hi = (hi - blo) | 0;
      if (blo < 0) hi = (hi - alo) | 0;
      rlo = p; rhi = 0;
      ovf = hi !== (p >> 31);
    } else {
      const a = (alo << 16) >> 16, b = (blo << 16) >> 16;
      const p = a * b;
      rlo = p & 0xffff; rhi = 0;
      ovf = p !== (rlo << 16) >> 16;
    }
    cpu.wrReg(inst.r0, size, rlo, rhi);
    mulFlags(cpu, rlo, rhi, size, ovf);
    return CONT;
  }
  const size = inst.s0;
  const blo = cpu.rd0(inst);
  const bhi = cpu.tHi;
  if (size === 1) {
    const a = g[GprI32.RAX] & 255;
    let p: number, ovf: boolean;
    if (signed) { p = ((a << 24) >> 24) * ((blo << 24) >> 24); ovf = p !== (p << 24) >> 24; }
    else { p = a * blo; ovf = p > 255; }
    g[GprI32.RAX] = (g[GprI32.RAX] & ~0xffff) | (p & 0xffff);
    mulFlags(cpu, p & 255, 0, 1, ovf);
  } else if (size === 2) {
    const a = g[GprI32.RAX] & 0xffff;
    let p: number, ovf: boolean;
    if (signed) { p = ((a << 16) >> 16) * ((blo << 16) >> 16); ovf = p !== (p << 16) >> 16; }
    else { p = a * blo; ovf = p > 0xffff; }
    g[GprI32.RAX] = (g[GprI32.RAX] & ~0xffff) | (p & 0xffff);
    g[GprI32.RDX] = (g[GprI32.RDX] & ~0xffff) | ((p >>> 16) & 0xffff);
    mulFlags(cpu, p & 0xffff, 0, 2, ovf);
  } else if (size === 4) {
    const a = g[GprI32.RAX];
    const lo = mul32(cpu, a, blo);
    let hi = cpu.tHi;
    if (signed) {
      if (a < 0) hi = (hi - blo) | 0;
      if (blo < 0) hi = (hi - a) | 0;
    }
    g[GprI32.RAX] = lo; g[GprI32.RAX_HI] = 0; g[GprI32.RDX] = hi; g[GprI32.RDX_HI] = 0;
    mulFlags(cpu, lo, 0, 4, signed ? hi !== lo >> 31 : hi !== 0);
  } else {
    const alo = g[GprI32.RAX], ahi = g[GprI32.RAX_HI];
    const w0 = mul64(cpu, alo, ahi, blo, bhi);
    const w1 = cpu.tHi;
    let w2 = cpu.w2, w3 = cpu.w3;
    if (signed) {
      if (ahi < 0) { const l = (w2 >>> 0) - (blo >>> 0); w3 = (w3 - bhi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
      if (bhi < 0) { const l = (w2 >>> 0) - (alo >>> 0); w3 = (w3 - ahi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
    }
    g[GprI32.RAX] = w0; g[GprI32.RAX_HI] = w1; g[GprI32.RDX] = w2; g[GprI32.RDX_HI] = w3;
    const sx = w1 >> 31;
    mulFlags(cpu, w0, w1, 8, signed ? w2 !== sx || w3 !== sx : (w2 | w3) !== 0);
  }
  return CONT;
}

/** MUL/IMUL flags: CF=OF=overflow; SF ZF PF from the low result, AF 0 (host behaviour). */
function mulFlags(cpu: CpuCore, lo: number, hi: number, size: number, ovf: boolean): void {
  cpu.setResultFlags(lo, hi, size, ovf ? 1 : 0, ovf ? 1 : 0, 0);
}

function div(cpu: CpuCore, inst: Inst): number {
  const g = cpu.g;
  const signed = inst.op === Op.IDIV;
  const size = inst.s0;
  const blo = cpu.rd0(inst);
  const bhi = cpu.tHi;
  if (size === 1) {
    const d = signed ? (blo << 24) >> 24 : blo;
    if (d === 0) return STOP.DIVIDE;
    const n = signed ? (g[GprI32.RAX] << 16) >> 16 : g[GprI32.RAX] & 0xffff;
    const q = Math.trunc(n / d);
    const r = n - q * d;
    if (signed ? q > 127 || q < -128 : q > 255) return STOP.DIVIDE;
    g[GprI32.RAX] = (g[GprI32.RAX] & ~0xffff) | ((r & 255) << 8) | (q & 255);
    return CONT;
  }
  if (size === 2) {
    const d = signed ? (blo << 16) >> 16 : blo;
    if (d === 0) return STOP.DIVIDE;
    const n = signed ? ((g[GprI32.RDX] << 16) | (g[GprI32.RAX] & 0xffff)) : ((g[GprI32.RDX] & 0xffff) * 65536 + (g[GprI32.RAX] & 0xffff));
    const q = Math.trunc(n / d);
    const r = n - q * d;
    if (signed ? q > 32767 || q < -32768 : q > 0xffff) return STOP.DIVIDE;
    g[GprI32.RAX] = (g[GprI32.RAX] & ~0xffff) | (q & 0xffff);
    g[GprI32.RDX] = (g[GprI32.RDX] & ~0xffff) | (r & 0xffff);
    return CONT;
  }
  if (size === 4) {
    if (blo === 0) return STOP.DIVIDE;
    if (!signed) {
      const d = blo >>> 0;
      const nh = g[GprI32.RDX] >>> 0, nl = g[GprI32.RAX] >>> 0;
      let q: number, r: number;
      if (nh === 0) {
        q = Math.floor(nl / d);
        r = nl - q * d;
      } else {
        if (nh >= d) return STOP.DIVIDE;
        const n = (BigInt(nh) << 32n) | BigInt(nl);
        q = Number(n / BigInt(d));
        r = Number(n % BigInt(d));
      }
      g[GprI32.RAX] = q | 0; g[GprI32.RAX_HI] = 0; g[GprI32.RDX] = r | 0; g[GprI32.RDX_HI] = 0;
      return CONT;
    }
    const d = blo | 0;
    const nh = g[GprI32.RDX] | 0, nl = g[GprI32.RAX] >>> 0;
    let q: number, r: number;
    if ((nh === 0 && nl < 0x80000000) || (nh === -1 && nl >= 0x80000000)) {
      const n = nl | 0;
      q = Math.trunc(n / d);
      r = n - q * d;
      if (q === 0x80000000) return STOP.DIVIDE;
    } else {
      const n = (BigInt(nh) << 32n) | BigInt(nl);
      const bq = n / BigInt(d);
      if (bq > 0x7fffffffn || bq < -0x80000000n) return STOP.DIVIDE;
      q = Number(bq);
      r = Number(n - bq * BigInt(d));
    }
    g[GprI32.RAX] = q | 0; g[GprI32.RAX_HI] = 0; g[GprI32.RDX] = r | 0; g[GprI32.RDX_HI] = 0;
    return CONT;
  }
  if ((blo | bhi) === 0) return STOP.DIVIDE;
  // 128/64: numbers when the dividend fits in 53 bits, BigInt otherwise (cold).
  const nl = g[GprI32.RAX], nh = g[GprI32.RAX_HI], xl = g[GprI32.RDX], xh = g[GprI32.RDX_HI];
  if (!signed && (xl | xh) === 0 && (nh >>> 0) < 0x200000 && (bhi >>> 0) < 0x200000) {
    const n = (nh >>> 0) * U64.TWO32 + (nl >>> 0);
    const d = (bhi >>> 0) * U64.TWO32 + (blo >>> 0);
    const q = Math.floor(n / d);
    const r = n - q * d;
    g[GprI32.RAX] = q >>> 0; g[GprI32.RAX_HI] = Math.floor(q / U64.TWO32); g[GprI32.RDX] = r >>> 0; g[GprI32.RDX_HI] = Math.floor(r / U64.TWO32);
    return CONT;
  }
  let n = (BigInt(xh >>> 0) << 96n) | (BigInt(xl >>> 0) << 64n) | (BigInt(nh >>> 0) << 32n) | BigInt(nl >>> 0);
  let d = (BigInt(bhi >>> 0) << 32n) | BigInt(blo >>> 0);
  if (signed) {
    n = BigInt.asIntN(128, n);
    d = BigInt.asIntN(64, d);
  }
  const q = n / d;
  const r = n % d;
  if (signed ? q > 0x7fffffffffffffffn || q < -0x8000000000000000n : q > 0xffffffffffffffffn) return STOP.DIVIDE;
  cpu.setRegBig(0, q);
  cpu.setRegBig(2, r);
  return CONT;
}
