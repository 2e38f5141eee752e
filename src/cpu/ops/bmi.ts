// The GPR extensions of x86-64-v3 and v2 that need no vector registers: BMI1 (ANDN BEXTR BLSI
// BLSMSK BLSR), BMI2 (BZHI MULX PDEP PEXT RORX SARX SHLX SHRX), ADX (ADCX ADOX), MOVBE, and
// SSE4.2's CRC32. Each stops with ILLEGAL naming its feature when the CPU level lacks it.

import { K, type Inst } from "../../x86/inst.js";
import { Op, OP_NAMES } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import type { CpuCore } from "../core.js";
import { setBits } from "../flags.js";
import { CF, CONT, GprI32, OF, SF, UNHANDLED, ZF } from "../state.js";

/** BMI1/BMI2/ADX/MOVBE (GPR extensions of x86-64-v3), or UNHANDLED. */
function execBmiOps(cpu: CpuCore, inst: Inst): number {
  const op = inst.op;
  const f = cpu.features;
  const g = cpu.g;
  let feat = "";
  switch (op) {
    case Op.ANDN: case Op.BEXTR: case Op.BLSI: case Op.BLSMSK: case Op.BLSR: if (!f.bmi1) feat = "BMI1"; break;
    case Op.BZHI: case Op.MULX: case Op.PDEP: case Op.PEXT: case Op.RORX: case Op.SARX: case Op.SHLX: case Op.SHRX: if (!f.bmi2) feat = "BMI2"; break;
    case Op.ADCX: case Op.ADOX: if (!f.adx) feat = "ADX"; break;
    case Op.MOVBE: if (!f.movbe) feat = "MOVBE"; break;
    default: return UNHANDLED;
  }
  if (feat !== "") return cpu.illegal(inst, `${OP_NAMES[op] ?? "?"} (${feat} not advertised at this CPU level)`);
  const size = inst.s0;
  const w = size * 8;
  const wide = size === 8;
  // Operands as (lo, hi) pairs.
  const rd = (n: number): number => (n === 1 ? cpu.rd1(inst) : cpu.rd2(inst));
  const flagsRes = (lo: number, hi: number, cf: number): void => {
    let fl = arith(cpu) & ~(CF | ZF | SF | OF);
    if ((lo | hi) === 0) fl |= ZF;
    if ((wide ? hi : lo) < 0) fl |= SF;
    if (cf) fl |= CF;
    setBits(g, fl);
  };
  switch (op) {
    case Op.ANDN: {
      const alo = rd(1), ahi = cpu.tHi;
      const blo = rd(2), bhi = cpu.tHi;
      const rlo = ~alo & blo, rhi = wide ? ~ahi & bhi : 0;
      cpu.wrReg(inst.r0, size, rlo, rhi);
      flagsRes(rlo, rhi, 0);
      return CONT;
    }
    case Op.BLSI: case Op.BLSMSK: case Op.BLSR: {
      const slo = rd(1), shi = cpu.tHi;
      // s - 1 and -s on (lo, hi).
      const mlo = (slo - 1) | 0, mhi = slo === 0 ? (shi - 1) | 0 : shi;
      const nlo = -slo | 0, nhi = (~shi + (slo === 0 ? 1 : 0)) | 0;
      let rlo: number, rhi: number;
      if (op === Op.BLSI) { rlo = slo & nlo; rhi = shi & nhi; }
      else if (op === Op.BLSMSK) { rlo = slo ^ mlo; rhi = shi ^ mhi; }
      else { rlo = slo & mlo; rhi = shi & mhi; }
      if (!wide) rhi = 0;
      cpu.wrReg(inst.r0, size, rlo, rhi);
      const zero = (slo | (wide ? shi : 0)) === 0;
      flagsRes(rlo, rhi, op === Op.BLSI ? (zero ? 0 : 1) : zero ? 1 : 0);
      return CONT;
    }
    case Op.BEXTR: case Op.BZHI: {
      const slo = rd(1), shi = cpu.tHi;
      const ctl = rd(2);
      let rlo = slo, rhi = wide ? shi : 0, cf = 0;
      if (op === Op.BEXTR) {
        const start = ctl & 255, len = (ctl >>> 8) & 255;
        // Shift right by start, keep len bits.
        [rlo, rhi] = shr64(rlo, rhi, start >= w ? 64 : start);
        if (len < w) [rlo, rhi] = keep64(rlo, rhi, len);
      } else {
        const n = ctl & 255;
        if (n < w) [rlo, rhi] = keep64(rlo, rhi, n);
        else cf = 1;
      }
      cpu.wrReg(inst.r0, size, rlo, rhi);
      flagsRes(rlo, rhi, cf);
      if (op === Op.BEXTR) setBits(g, arith(cpu) & ~(CF | OF));
      return CONT;
    }
    case Op.MULX: {
      const blo = rd(2), bhi = cpu.tHi;
      let lo: number, hi: number;
      if (wide) {
        const big = (BigInt(g[GprI32.RDX_HI] >>> 0) << 32n | BigInt(g[GprI32.RDX] >>> 0)) * (BigInt(bhi >>> 0) << 32n | BigInt(blo >>> 0));
        lo = Number(big & 0xffffffffffffffffn);
        hi = Number(big >> 64n);
        cpu.setRegBig(inst.r1, BigInt(lo));
        cpu.setRegBig(inst.r0, BigInt(hi));
        // Exactness: BigInt -> Number is exact only below 2^53; redo with BigInt writes.
        cpu.setRegBig(inst.r1, big & 0xffffffffffffffffn);
        cpu.setRegBig(inst.r0, big >> 64n);
        return CONT;
      }
      const p = BigInt(g[GprI32.RDX] >>> 0) * BigInt(blo >>> 0);
      cpu.wrReg(inst.r1, 4, Number(p & 0xffffffffn) | 0, 0);
      cpu.wrReg(inst.r0, 4, Number(p >> 32n) | 0, 0);
      return CONT;
    }
    case Op.PDEP: case Op.PEXT: {
      const slo = rd(1), shi = cpu.tHi;
      const mlo = rd(2), mhi = cpu.tHi;
      let rlo = 0, rhi = 0, k = 0;
      for (let b = 0; b < w; b++) {
        const mb = b < 32 ? (mlo >>> b) & 1 : (mhi >>> (b - 32)) & 1;
        if (!mb) continue;
        if (op === Op.PDEP) {
          const sb = k < 32 ? (slo >>> k) & 1 : (shi >>> (k - 32)) & 1;
          if (sb) { if (b < 32) rlo |= 1 << b; else rhi |= 1 << (b - 32); }
        } else {
          const sb = b < 32 ? (slo >>> b) & 1 : (shi >>> (b - 32)) & 1;
          if (sb) { if (k < 32) rlo |= 1 << k; else rhi |= 1 << (k - 32); }
        }
        k++;
      }
      cpu.wrReg(inst.r0, size, rlo, wide ? rhi : 0);
      return CONT;
    }
    case Op.RORX: {
      const slo = rd(1), shi = cpu.tHi;
      const c = inst.imm & (w - 1);
      let rlo: number, rhi: number;
      if (wide) {
        const [a, b] = shr64(slo, shi, c);
        const [x, y] = shl64(slo, shi, c === 0 ? 64 : 64 - c);
        rlo = a | x; rhi = b | y;
      } else {
        rlo = c === 0 ? slo : (slo >>> c) | (slo << (32 - c));
        rhi = 0;
      }
      cpu.wrReg(inst.r0, size, rlo, rhi);
      return CONT;
    }
    case Op.SARX: case Op.SHLX: case Op.SHRX: {
      const slo = rd(1), shi = cpu.tHi;
      const c = rd(2) & (w - 1);
      let rlo: number, rhi: number;
      if (wide) {
        if (op === Op.SHLX) [rlo, rhi] = shl64(slo, shi, c);
        else if (op === Op.SHRX) [rlo, rhi] = shr64(slo, shi, c);
        else [rlo, rhi] = sar64(slo, shi, c);
      } else {
        rlo = op === Op.SHLX ? slo << c : op === Op.SHRX ? slo >>> c : slo >> c;
        rhi = 0;
      }
      cpu.wrReg(inst.r0, size, rlo | 0, rhi | 0);
      return CONT;
    }
    case Op.ADCX: case Op.ADOX: {
      const flag = op === Op.ADCX ? CF : OF;
      const fl = arith(cpu);
      const cin = (fl & flag) !== 0 ? 1 : 0;
      const dlo = cpu.rdReg(inst.r0, size), dhi = cpu.tHi;
      const slo = cpu.rd1(inst), shi = cpu.tHi;
      let rlo: number, rhi: number, cout: number;
      if (wide) {
        const l = (dlo >>> 0) + (slo >>> 0) + cin;
        const h = (dhi >>> 0) + (shi >>> 0) + (l >= U64.TWO32 ? 1 : 0);
        rlo = l | 0; rhi = h | 0; cout = h >= U64.TWO32 ? 1 : 0;
      } else {
        const l = (dlo >>> 0) + (slo >>> 0) + cin;
        rlo = l | 0; rhi = 0; cout = l >= U64.TWO32 ? 1 : 0;
      }
      cpu.wrReg(inst.r0, size, rlo, rhi);
      setBits(g, (fl & ~flag) | (cout ? flag : 0));
      return CONT;
    }
    case Op.MOVBE: {
      if (inst.k0 === K.MEM) {
        const lo = cpu.rdReg(inst.r1, inst.s1), hi = cpu.tHi;
        const a = cpu.addr(inst);
        if (inst.s1 === 8) cpu.space.wr64(a, bswap(hi), bswap(lo));
        else if (inst.s1 === 4) cpu.space.wr32(a, bswap(lo));
        else cpu.space.wr16(a, ((lo & 255) << 8) | ((lo >>> 8) & 255));
        return CONT;
      }
      const lo = cpu.rd1(inst), hi = cpu.tHi;
      if (size === 8) cpu.wrReg(inst.r0, 8, bswap(hi), bswap(lo));
      else if (size === 4) cpu.wrReg(inst.r0, 4, bswap(lo), 0);
      else cpu.wrReg(inst.r0, 2, ((lo & 255) << 8) | ((lo >>> 8) & 255), 0);
      return CONT;
    }
  }
  return UNHANDLED;
}

function bswap(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}
function shl64(lo: number, hi: number, c: number): [number, number] {
  if (c === 0) return [lo, hi];
  if (c >= 64) return [0, 0];
  if (c < 32) return [lo << c, (hi << c) | (lo >>> (32 - c))];
  return [0, lo << (c - 32)];
}
function shr64(lo: number, hi: number, c: number): [number, number] {
  if (c === 0) return [lo, hi];
  if (c >= 64) return [0, 0];
  if (c < 32) return [(lo >>> c) | (hi << (32 - c)), hi >>> c];
  return [hi >>> (c - 32), 0];
}
function sar64(lo: number, hi: number, c: number): [number, number] {
  if (c === 0) return [lo, hi];
  if (c < 32) return [(lo >>> c) | (hi << (32 - c)), hi >> c];
  return [hi >> (c - 32), hi >> 31];
}
/** Keep the low n bits (n < 64). */
function keep64(lo: number, hi: number, n: number): [number, number] {
  if (n === 0) return [0, 0];
  if (n < 32) return [lo & ((1 << n) - 1), 0];
  if (n === 32) return [lo, 0];
  return [lo, hi & ((1 << (n - 32)) - 1)];
}
function arith(cpu: CpuCore): number {
  return cpu.rflags & (CF | 0x4 | 0x10 | ZF | SF | OF);
}

/** Execute a GPR extension instruction (BMI1, BMI2, ADX, MOVBE, CRC32), or return UNHANDLED. */
export function execBmi(cpu: CpuCore, inst: Inst): number {
  const b = execBmiOps(cpu, inst);
  if (b !== UNHANDLED) return b;
  if (inst.op === Op.CRC32) {
    if (!cpu.features.sse42) return cpu.illegal(inst, "CRC32 (SSE4.2 not advertised at this CPU level)");
    let crc = cpu.rdReg(inst.r0, 4) >>> 0;
    const lo = cpu.rd1(inst);
    const hi = cpu.tHi;
    const n = inst.s1;
    for (let k = 0; k < n; k++) {
      const b = k < 4 ? (lo >>> (8 * k)) & 255 : (hi >>> (8 * (k - 4))) & 255;
      crc = CRC32C[(crc ^ b) & 255] ^ (crc >>> 8);
    }
    cpu.wrReg(inst.r0, inst.s0 === 8 ? 8 : 4, crc | 0, 0);
    return CONT;
  }
  return UNHANDLED;
}

const CRC32C = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  CRC32C[n] = c;
}

