// SSE/SSE2 (and the SSE3 moves MOVDDUP/MOVSLDUP/MOVSHDUP, LDDQU behind their CPUID bits) over the
// XMM registers in the state buffer: lanes through Int8/16/32 and Float32/64 views, x86 NaN
// rules (first-operand propagation, negative QNaN "indefinite"), MXCSR rounding for conversions.

import { K, type Inst } from "../../x86/inst.js";
import { Op, OP_BY_NAME, OP_NAMES } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { STOP } from "../api.js";
import type { CpuCore } from "../core.js";
import { setBits } from "../flags.js";
import { CF, CONT, GprI32, MXCSR_I32, PF, SCRATCH_BYTE, UNHANDLED, XMM_I32, ZF } from "../state.js";


/** i32 index of the scratch vector (memory source) and of a temporary result. */
const SCR = SCRATCH_BYTE / 4;
const TMP = SCR + 8;
const TMP2 = SCR + 16;

const f64buf = new Float64Array(1);
const f64i = new Int32Array(f64buf.buffer);
const f32buf = new Float32Array(1);
const f32i = new Int32Array(f32buf.buffer);

function xi(r: number): number {
  return XMM_I32 + 4 * (r - 32);
}

/** Needs 16-byte alignment for a 16-byte memory operand (legacy SSE except the unaligned moves). */
function alignedOp(op: number): boolean {
  switch (op) {
    case Op.MOVUPS: case Op.MOVUPD: case Op.MOVDQU: case Op.LDDQU: case Op.MOVSD: case Op.MOVSS: case Op.MOVQ: case Op.MOVD:
    case Op.MOVLPS: case Op.MOVHPS: case Op.MOVLPD: case Op.MOVHPD: case Op.PINSRW: case Op.MOVDDUP:
    case Op.PINSRB: case Op.PINSRD: case Op.PINSRQ: case Op.PEXTRB: case Op.PEXTRD: case Op.PEXTRQ: case Op.PEXTRW:
    case Op.EXTRACTPS: case Op.INSERTPS: case Op.PCMPESTRI: case Op.PCMPESTRM: case Op.PCMPISTRI: case Op.PCMPISTRM:
    case Op.MASKMOVDQU:
      return false;
    default:
      return true;
  }
}

/** i32 index of operand 1 (an XMM register, or memory loaded into the scratch vector);
 *  -1 when a 16-byte memory operand is misaligned (#GP). */
function src(cpu: CpuCore, inst: Inst): number {
  if (inst.k1 === K.REG) return xi(inst.r1);
  return loadMem(cpu, inst, inst.s1);
}

function loadMem(cpu: CpuCore, inst: Inst, size: number): number {
  const a = cpu.addr(inst);
  cpu.ea = a;
  const i = cpu.s.i32;
  const m = cpu.space;
  if (size >= 16) {
    if (a % 16 !== 0 && alignedOp(inst.op)) return -1;
    i[SCR] = m.rd64(a);
    i[SCR + 1] = m.hi;
    i[SCR + 2] = m.rd64(a + 8);
    i[SCR + 3] = m.hi;
  } else if (size === 8) {
    i[SCR] = m.rd64(a);
    i[SCR + 1] = m.hi;
    i[SCR + 2] = 0;
    i[SCR + 3] = 0;
  } else if (size === 4) {
    i[SCR] = m.rd32(a);
    i[SCR + 1] = i[SCR + 2] = i[SCR + 3] = 0;
  } else if (size === 2) {
    i[SCR] = m.rd16(a);
    i[SCR + 1] = i[SCR + 2] = i[SCR + 3] = 0;
  } else {
    i[SCR] = m.rd8(a);
    i[SCR + 1] = i[SCR + 2] = i[SCR + 3] = 0;
  }
  return SCR;
}

function store(cpu: CpuCore, a: number, from: number, size: number): void {
  const i = cpu.s.i32;
  const m = cpu.space;
  if (size >= 16) {
    m.probeWrite(a, 16);
    m.wr64(a, i[from], i[from + 1]);
    m.wr64(a + 8, i[from + 2], i[from + 3]);
  } else if (size === 8) m.wr64(a, i[from], i[from + 1]);
  else if (size === 4) m.wr32(a, i[from]);
  else if (size === 2) m.wr16(a, i[from] & 0xffff);
  else m.wr8(a, i[from] & 255);
}

function copy4(i: Int32Array, d: number, s: number): void {
  i[d] = i[s]; i[d + 1] = i[s + 1]; i[d + 2] = i[s + 2]; i[d + 3] = i[s + 3];
}

// ---- float helpers ----

function mxcsrRc(cpu: CpuCore): number {
  return (cpu.s.i32[MXCSR_I32] >>> 13) & 3;
}

/** Round to an integer per RC (0 nearest-even, 1 down, 2 up, 3 truncate). */
export function roundRc(x: number, rc: number): number {
  switch (rc) {
    case 0: {
      const r = Math.round(x);
      return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
    case 1: return Math.floor(x);
    case 2: return Math.ceil(x);
    default: return Math.trunc(x);
  }
}

/** Float64 NaN handling for a binary op on lanes (i32 indexes of the low words): returns true
 *  when it wrote the NaN result (quieted first NaN operand). */
function nan2d(i: Int32Array, d: number, a: number, b: number): boolean {
  const ah = i[a + 1], bh = i[b + 1];
  const aNan = (ah & 0x7ff00000) === 0x7ff00000 && ((ah & 0xfffff) | i[a]) !== 0;
  const bNan = (bh & 0x7ff00000) === 0x7ff00000 && ((bh & 0xfffff) | i[b]) !== 0;
  if (!aNan && !bNan) return false;
  const s = aNan ? a : b;
  const lo = i[s], hi = i[s + 1] | 0x80000;
  i[d] = lo;
  i[d + 1] = hi;
  return true;
}

function nan2s(i: Int32Array, d: number, a: number, b: number): boolean {
  const av = i[a], bv = i[b];
  const aNan = (av & 0x7f800000) === 0x7f800000 && (av & 0x7fffff) !== 0;
  const bNan = (bv & 0x7f800000) === 0x7f800000 && (bv & 0x7fffff) !== 0;
  if (!aNan && !bNan) return false;
  i[d] = (aNan ? av : bv) | 0x400000;
  return true;
}

/** Store a double result; a NaN produced from non-NaN inputs is the negative QNaN indefinite. */
function putD(i: Int32Array, f: Float64Array, d: number, v: number): void {
  if (v !== v) {
    i[d] = 0;
    i[d + 1] = 0xfff80000 | 0;
  } else f[d >> 1] = v;
}
function putS(i: Int32Array, f: Float32Array, d: number, v: number): void {
  if (v !== v) i[d] = 0xffc00000 | 0;
  else f[d] = v;
}

function arithD(k: number, a: number, b: number): number {
  switch (k) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    default: return Math.sqrt(b);
  }
}

/** Float op shape: 1 ps, 2 pd, 3 ss, 4 sd. */
const FSHAPE = new Uint8Array(OP_NAMES.length + 1);
for (const [k, name] of OP_NAMES.entries()) {
  if (!/^(ADD|SUB|MUL|DIV|SQRT|MIN|MAX)(PS|PD|SS|SD)$/.test(name)) continue;
  FSHAPE[k] = ["PS", "PD", "SS", "SD"].indexOf(name.slice(-2)) + 1;
}
/** fkind per op id (computed once). */
const FKIND = new Int8Array(OP_NAMES.length + 1).fill(-1);

/** Float op kind of an op id: 0 add 1 sub 2 mul 3 div 4 sqrt 5 min 6 max; -1 none. */
function fkind(op: number): number {
  return FKIND[op];
}

function fkindSlow(op: number): number {
  switch (op) {
    case Op.ADDPS: case Op.ADDPD: case Op.ADDSS: case Op.ADDSD: return 0;
    case Op.SUBPS: case Op.SUBPD: case Op.SUBSS: case Op.SUBSD: return 1;
    case Op.MULPS: case Op.MULPD: case Op.MULSS: case Op.MULSD: return 2;
    case Op.DIVPS: case Op.DIVPD: case Op.DIVSS: case Op.DIVSD: return 3;
    case Op.SQRTPS: case Op.SQRTPD: case Op.SQRTSS: case Op.SQRTSD: return 4;
    case Op.MINPS: case Op.MINPD: case Op.MINSS: case Op.MINSD: return 5;
    case Op.MAXPS: case Op.MAXPD: case Op.MAXSS: case Op.MAXSD: return 6;
    default: return -1;
  }
}

for (let k = 0; k < FKIND.length; k++) FKIND[k] = fkindSlow(k);

/** One double lane: d = a op b (i32 indexes of low words). */
function laneD(i: Int32Array, f: Float64Array, k: number, d: number, a: number, b: number): void {
  if (k === 5 || k === 6) {
    const x = f[a >> 1], y = f[b >> 1];
    // MIN/MAX: the second operand when unordered or both zero.
    const takeA = k === 5 ? x < y : x > y;
    const s = takeA ? a : b;
    i[d] = i[s];
    i[d + 1] = i[s + 1];
    return;
  }
  if (k === 4) {
    const bh = i[b + 1];
    if ((bh & 0x7ff00000) === 0x7ff00000 && ((bh & 0xfffff) | i[b]) !== 0) {
      i[d] = i[b];
      i[d + 1] = bh | 0x80000;
      return;
    }
    putD(i, f, d, Math.sqrt(f[b >> 1]));
    return;
  }
  if (nan2d(i, d, a, b)) return;
  putD(i, f, d, arithD(k, f[a >> 1], f[b >> 1]));
}

function laneS(i: Int32Array, f: Float32Array, k: number, d: number, a: number, b: number): void {
  if (k === 5 || k === 6) {
    const x = f[a], y = f[b];
    const takeA = k === 5 ? x < y : x > y;
    i[d] = i[takeA ? a : b];
    return;
  }
  if (k === 4) {
    const bv = i[b];
    if ((bv & 0x7f800000) === 0x7f800000 && (bv & 0x7fffff) !== 0) {
      i[d] = bv | 0x400000;
      return;
    }
    putS(i, f, d, Math.fround(Math.sqrt(f[b])));
    return;
  }
  if (nan2s(i, d, a, b)) return;
  putS(i, f, d, Math.fround(arithD(k, f[a], f[b])));
}

/** CMPPS/CMPSD predicate (imm8 & 7) on two numbers. */
function cmpPred(p: number, x: number, y: number): boolean {
  const un = x !== x || y !== y;
  switch (p & 7) {
    case 0: return x === y;
    case 1: return x < y;
    case 2: return x <= y;
    case 3: return un;
    case 4: return !(x === y);
    case 5: return !(x < y);
    case 6: return !(x <= y);
    default: return !un;
  }
}

/** Double -> int32/int64 per x86 (indefinite integer on NaN/overflow): lo returned, hi in tHi. */
function cvtToInt(cpu: CpuCore, v: number, size: number, rc: number): number {
  const r = v !== v ? NaN : roundRc(v, rc);
  if (size === 4) {
    cpu.tHi = 0;
    if (!(r >= -2147483648 && r <= 2147483647)) return 0x80000000 | 0;
    return r | 0;
  }
  if (!(r >= -9223372036854775808 && r < 9223372036854775808)) {
    cpu.tHi = 0x80000000 | 0;
    return 0;
  }
  const hi = Math.floor(r / U64.TWO32);
  cpu.tHi = hi | 0;
  return (r - hi * U64.TWO32) | 0;
}

function nextUpF32(x: number): number {
  if (x === 0) return 1.401298464324817e-45;
  f32buf[0] = x;
  f32i[0] += x > 0 ? 1 : -1;
  return f32buf[0];
}

/** Round an exact (or sticky-exact) double to float32 under RC. */
export function roundF32(v: number, rc: number): number {
  const r = Math.fround(v);
  if (rc === 0 || r === v || v !== v) return r;
  if (rc === 1) return r > v ? -nextUpF32(-r) : r;
  if (rc === 2) return r < v ? nextUpF32(r) : r;
  return Math.abs(r) > Math.abs(v) ? (r > 0 ? -nextUpF32(-r) : nextUpF32(r)) : r;
}

function nextUpF64(x: number): number {
  if (x === 0) return 5e-324;
  f64buf[0] = x;
  const up = x > 0;
  let lo = f64i[0] >>> 0, hi = f64i[1];
  if (up) { lo = (lo + 1) >>> 0; if (lo === 0) hi++; } else { if (lo === 0) hi--; lo = (lo - 1) >>> 0; }
  f64i[0] = lo;
  f64i[1] = hi;
  return f64buf[0];
}

/** int64 (lo, hi) -> double under RC. */
function i64ToF64(lo: number, hi: number, rc: number): number {
  const v = hi * U64.TWO32 + (lo >>> 0);
  if (rc === 0 || (hi >= -0x200000 && hi < 0x200000)) return v;
  const big = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
  const d = Number(big);
  const bd = BigInt(d);
  if (bd === big) return d;
  if (rc === 1) return bd > big ? -nextUpF64(-d) : d;
  if (rc === 2) return bd < big ? nextUpF64(d) : d;
  return (big > 0n ? bd > big : bd < big) ? (d > 0 ? -nextUpF64(-d) : nextUpF64(d)) : d;
}

/** int64 (lo, hi) -> float32 under RC (one rounding: a sticky bit keeps the double exact
 *  enough to land between the same two floats as the true value). */
function i64ToF32(lo: number, hi: number, rc = 0): number {
  return roundF32(i64ToSticky(lo, hi), rc);
}

function i64ToSticky(lo: number, hi: number): number {
  const neg = hi < 0;
  let l = lo >>> 0, h = hi >>> 0;
  if (neg) {
    l = (~l + 1) >>> 0;
    h = (~h + (l === 0 ? 1 : 0)) >>> 0;
  }
  let v: number;
  if (h < 0x200000) v = h * U64.TWO32 + l;
  else {
    // Keep the top bits with a sticky bit so the final rounding to float32 is the only one.
    const sh = 32 - Math.clz32(h) - 21 + 1; // bits to drop so h fits in 21 bits
    const keepH = h >>> sh;
    const mid = ((h & ((1 << sh) - 1)) * 2 ** (32 - sh)) + (l >>> sh);
    const lost = (l & ((1 << sh) - 1)) !== 0 ? 1 : 0;
    const m = keepH * U64.TWO32 + (mid - (mid % 2)) + ((mid % 2) | lost);
    v = m * 2 ** sh;
  }
  return neg ? -v : v;
}

function f64ToF32Bits(i: Int32Array, s: number, rc: number): number {
  const hi = i[s + 1];
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | i[s]) !== 0) {
    return (hi & 0x80000000) | 0x7fc00000 | ((hi & 0x7ffff) << 3) | (i[s] >>> 29);
  }
  f64i[0] = i[s];
  f64i[1] = hi;
  f32buf[0] = roundF32(f64buf[0], rc);
  return f32i[0];
}

function f32ToF64(i: Int32Array, d: number, v: number): void {
  if ((v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0) {
    i[d + 1] = (v & 0x80000000) | 0x7ff80000 | ((v & 0x3fffff) >>> 3);
    i[d] = (v & 7) << 29;
    return;
  }
  f32i[0] = v;
  f64buf[0] = f32buf[0];
  i[d] = f64i[0];
  i[d + 1] = f64i[1];
}

// ---- saturation ----
function ss8(x: number): number { return x > 127 ? 127 : x < -128 ? -128 : x; }
function ss16(x: number): number { return x > 32767 ? 32767 : x < -32768 ? -32768 : x; }
function us8(x: number): number { return x > 255 ? 255 : x < 0 ? 0 : x; }
function us16(x: number): number { return x > 65535 ? 65535 : x < 0 ? 0 : x; }

/** Execute an SSE/SSE2 instruction, or return UNHANDLED. */
export function execSse(cpu: CpuCore, inst: Inst): number {
  if (inst.opsize > 16 || (inst.pfx & (1 << 10 | 1 << 11)) !== 0) return UNHANDLED; // VEX/EVEX: ext.ts
  const st = cpu.s;
  const i = st.i32;
  const op = inst.op;
  const fk = fkind(op);
  if (fk >= 0) return floatArith(cpu, inst, fk);
  switch (op) {
    // ---- moves ----
    case Op.MOVUPS: case Op.MOVUPD: case Op.MOVAPS: case Op.MOVAPD: case Op.MOVDQA: case Op.MOVDQU: case Op.LDDQU:
    case Op.MOVNTPS: case Op.MOVNTPD: case Op.MOVNTDQ: case Op.MOVNTDQA: {
      if (op === Op.LDDQU && !cpu.features.sse3) return cpu.illegal(inst, "LDDQU (SSE3 not advertised)");
      if (op === Op.MOVNTDQA && !cpu.features.sse41) return cpu.illegal(inst, "MOVNTDQA (SSE4.1 not advertised)");
      if (inst.k0 === K.MEM) {
        const a = cpu.addr(inst);
        if (a % 16 !== 0 && alignedOp(op)) return STOP.PRIVILEGED;
        store(cpu, a, xi(inst.r1), 16);
        return CONT;
      }
      const s = src(cpu, inst);
      if (s < 0) return STOP.PRIVILEGED;
      copy4(i, xi(inst.r0), s);
      return CONT;
    }
    case Op.MOVSS: case Op.MOVSD: {
      const w = op === Op.MOVSS ? 1 : 2;
      if (inst.k0 === K.MEM) {
        store(cpu, cpu.addr(inst), xi(inst.r1), w * 4);
        return CONT;
      }
      const d = xi(inst.r0);
      if (inst.k1 === K.MEM) {
        const s = loadMem(cpu, inst, w * 4);
        copy4(i, d, s);
        return CONT;
      }
      // Register form: the operands may be (dst, src) or VEX-like (dst, dst, src).
      const s = inst.nops === 3 ? xi(inst.r2) : xi(inst.r1);
      i[d] = i[s];
      if (w === 2) i[d + 1] = i[s + 1];
      return CONT;
    }
    case Op.MOVD: case Op.MOVQ: {
      const size = op === Op.MOVD ? 4 : 8;
      if (inst.k0 === K.REG && inst.r0 >= 32 && inst.r0 < 64) {
        const d = xi(inst.r0);
        if (inst.k1 === K.REG && inst.r1 >= 32) {
          i[d] = i[xi(inst.r1)];
          i[d + 1] = i[xi(inst.r1) + 1];
          i[d + 2] = 0;
          i[d + 3] = 0;
          return CONT;
        }
        if (inst.k1 === K.REG) {
          if (inst.r1 >= 64) return cpu.illegal(inst, "MMX register operand (MMX not implemented)");
          const lo = cpu.rdReg(inst.r1, inst.s1);
          i[d] = lo;
          i[d + 1] = inst.s1 === 8 ? cpu.tHi : 0;
          i[d + 2] = 0;
          i[d + 3] = 0;
          return CONT;
        }
        const s = loadMem(cpu, inst, inst.s1 === 8 || size === 8 ? 8 : 4);
        copy4(i, d, s);
        return CONT;
      }
      if (inst.k1 !== K.REG || inst.r1 < 32 || inst.r1 >= 64) return cpu.illegal(inst, "MMX register operand (MMX not implemented)");
      const s = xi(inst.r1);
      if (inst.k0 === K.REG) {
        if (inst.r0 >= 64) return cpu.illegal(inst, "MMX register operand (MMX not implemented)");
        cpu.wrReg(inst.r0, inst.s0, i[s], inst.s0 === 8 ? i[s + 1] : 0);
      } else store(cpu, cpu.addr(inst), s, inst.s0 === 8 || size === 8 ? 8 : 4);
      return CONT;
    }
    case Op.MOVLPS: case Op.MOVLPD: case Op.MOVHPS: case Op.MOVHPD: {
      const hiHalf = op === Op.MOVHPS || op === Op.MOVHPD;
      if (inst.k0 === K.MEM) {
        store(cpu, cpu.addr(inst), xi(inst.r1) + (hiHalf ? 2 : 0), 8);
        return CONT;
      }
      const d = xi(inst.r0);
      const s = loadMem(cpu, inst, 8);
      i[d + (hiHalf ? 2 : 0)] = i[s];
      i[d + (hiHalf ? 3 : 1)] = i[s + 1];
      return CONT;
    }
    case Op.MOVHLPS: case Op.MOVLHPS: {
      const d = xi(inst.r0);
      const s = xi(inst.nops === 3 ? inst.r2 : inst.r1);
      if (op === Op.MOVHLPS) { i[d] = i[s + 2]; i[d + 1] = i[s + 3]; }
      else { i[d + 2] = i[s]; i[d + 3] = i[s + 1]; }
      return CONT;
    }
    case Op.MOVMSKPS: case Op.MOVMSKPD: case Op.PMOVMSKB: {
      const s = xi(inst.r1);
      let m = 0;
      if (op === Op.MOVMSKPS) for (let k = 0; k < 4; k++) m |= (i[s + k] >>> 31) << k;
      else if (op === Op.MOVMSKPD) m = (i[s + 1] >>> 31) | ((i[s + 3] >>> 31) << 1);
      else { const u = st.u8; const b = s * 4; for (let k = 0; k < 16; k++) m |= (u[b + k] >>> 7) << k; }
      cpu.wrReg(inst.r0, inst.s0, m, 0);
      return CONT;
    }
    case Op.MOVDDUP: case Op.MOVSLDUP: case Op.MOVSHDUP: {
      if (!cpu.features.sse3) return cpu.illegal(inst, "SSE3 (not advertised)");
      const s = inst.k1 === K.MEM ? loadMem(cpu, inst, op === Op.MOVDDUP ? 8 : 16) : xi(inst.r1);
      if (s < 0) return STOP.PRIVILEGED;
      const d = xi(inst.r0);
      if (op === Op.MOVDDUP) { const a = i[s], b = i[s + 1]; i[d] = a; i[d + 1] = b; i[d + 2] = a; i[d + 3] = b; }
      else if (op === Op.MOVSLDUP) { const a = i[s], b = i[s + 2]; i[d] = a; i[d + 1] = a; i[d + 2] = b; i[d + 3] = b; }
      else { const a = i[s + 1], b = i[s + 3]; i[d] = a; i[d + 1] = a; i[d + 2] = b; i[d + 3] = b; }
      return CONT;
    }
    case Op.MASKMOVDQU: {
      const d = xi(inst.r0), s = xi(inst.r1);
      const g = cpu.g;
      const base = (g[GprI32.RDI_HI] >>> 0) * U64.TWO32 + (g[GprI32.RDI] >>> 0);
      const u = st.u8;
      for (let k = 0; k < 16; k++) if (u[s * 4 + k] & 0x80) cpu.space.wr8(base + k, u[d * 4 + k]);
      return CONT;
    }
    case Op.LDMXCSR: {
      const v = cpu.space.rd32(cpu.addr(inst));
      if ((v & 0xffff0000) !== 0) return STOP.PRIVILEGED;
      i[MXCSR_I32] = v;
      return CONT;
    }
    case Op.STMXCSR:
      cpu.space.wr32(cpu.addr(inst), i[MXCSR_I32]);
      return CONT;
    case Op.FXSAVE: {
      const a = cpu.addr(inst);
      if (a % 16 !== 0) return STOP.PRIVILEGED;
      const img = cpu.fxsave();
      cpu.space.probeWrite(a, 512);
      for (let k = 0; k < 512; k += 4) cpu.space.wr32(a + k, img[k] | (img[k + 1] << 8) | (img[k + 2] << 16) | (img[k + 3] << 24));
      return CONT;
    }
    case Op.FXRSTOR: {
      const a = cpu.addr(inst);
      if (a % 16 !== 0) return STOP.PRIVILEGED;
      const img = new Uint8Array(512);
      for (let k = 0; k < 512; k++) img[k] = cpu.space.rd8(a + k);
      cpu.fxrstor(img);
      return CONT;
    }
  }
  return vecOps(cpu, inst);
}

function floatArith(cpu: CpuCore, inst: Inst, k: number): number {
  const st = cpu.s;
  const i = st.i32;
  const op = inst.op;
  const d = xi(inst.r0);
  const shape = FSHAPE[op];
  const scalarS = shape === 3;
  const scalarD = shape === 4;
  const isD = shape === 2 || shape === 4;
  const s = inst.k1 === K.MEM ? loadMem(cpu, inst, scalarS ? 4 : scalarD ? 8 : 16) : xi(inst.r1);
  if (s < 0) return STOP.PRIVILEGED;
  if (isD) {
    const f = st.f64;
    const n = scalarD ? 1 : 2;
    for (let l = 0; l < n; l++) laneD(i, f, k, TMP + 2 * l, d + 2 * l, s + 2 * l);
    for (let l = 0; l < 2 * n; l++) i[d + l] = i[TMP + l];
  } else {
    const f = st.f32;
    const n = scalarS ? 1 : 4;
    for (let l = 0; l < n; l++) laneS(i, f, k, TMP + l, d + l, s + l);
    for (let l = 0; l < n; l++) i[d + l] = i[TMP + l];
  }
  return CONT;
}

function vecOps(cpu: CpuCore, inst: Inst): number {
  const st = cpu.s;
  const i = st.i32;
  const op = inst.op;
  const feat = cpu.features;
  switch (op) {
    case Op.CMPPS: case Op.CMPPD: case Op.CMPSS: case Op.CMPSD: {
      const scalar = op === Op.CMPSS || op === Op.CMPSD;
      const dbl = op === Op.CMPPD || op === Op.CMPSD;
      const s = inst.k1 === K.MEM ? loadMem(cpu, inst, scalar ? (dbl ? 8 : 4) : 16) : xi(inst.r1);
      if (s < 0) return STOP.PRIVILEGED;
      const d = xi(inst.r0);
      const p = inst.imm & 7;
      if (dbl) {
        const f = st.f64;
        for (let l = 0; l < (scalar ? 1 : 2); l++) {
          const m = cmpPred(p, f[(d >> 1) + l], f[(s >> 1) + l]) ? -1 : 0;
          i[TMP + 2 * l] = m; i[TMP + 2 * l + 1] = m;
        }
        for (let l = 0; l < (scalar ? 2 : 4); l++) i[d + l] = i[TMP + l];
      } else {
        const f = st.f32;
        for (let l = 0; l < (scalar ? 1 : 4); l++) i[TMP + l] = cmpPred(p, f[d + l], f[s + l]) ? -1 : 0;
        for (let l = 0; l < (scalar ? 1 : 4); l++) i[d + l] = i[TMP + l];
      }
      return CONT;
    }
    case Op.UCOMISS: case Op.COMISS: case Op.UCOMISD: case Op.COMISD: {
      const dbl = op === Op.UCOMISD || op === Op.COMISD;
      const s = inst.k1 === K.MEM ? loadMem(cpu, inst, dbl ? 8 : 4) : xi(inst.r1);
      const d = xi(inst.r0);
      const x = dbl ? st.f64[d >> 1] : st.f32[d];
      const y = dbl ? st.f64[s >> 1] : st.f32[s];
      let f: number;
      if (x !== x || y !== y) f = ZF | PF | CF;
      else if (x < y) f = CF;
      else if (x > y) f = 0;
      else f = ZF;
      setBits(cpu.g, f);
      return CONT;
    }
    case Op.CVTSI2SD: case Op.CVTSI2SS: {
      const d = xi(inst.r0);
      const lo = cpu.rd1(inst);
      const hi = cpu.tHi;
      const rc = mxcsrRc(cpu);
      if (op === Op.CVTSI2SD) st.f64[d >> 1] = inst.s1 === 8 ? i64ToF64(lo, hi, rc) : lo | 0;
      else st.f32[d] = inst.s1 === 8 ? i64ToF32(lo, hi, rc) : roundF32(lo | 0, rc);
      return CONT;
    }
    case Op.CVTTSD2SI: case Op.CVTSD2SI: case Op.CVTTSS2SI: case Op.CVTSS2SI: {
      const dbl = op === Op.CVTTSD2SI || op === Op.CVTSD2SI;
      const s = inst.k1 === K.MEM ? loadMem(cpu, inst, dbl ? 8 : 4) : xi(inst.r1);
      const v = dbl ? st.f64[s >> 1] : st.f32[s];
      const rc = op === Op.CVTTSD2SI || op === Op.CVTTSS2SI ? 3 : mxcsrRc(cpu);
      const lo = cvtToInt(cpu, v, inst.s0, rc);
      cpu.wrReg(inst.r0, inst.s0, lo, cpu.tHi);
      return CONT;
    }
    case Op.CVTSD2SS: {
      const s = inst.k1 === K.MEM ? loadMem(cpu, inst, 8) : xi(inst.r1);
      i[xi(inst.r0)] = f64ToF32Bits(i, s, mxcsrRc(cpu));
      return CONT;
    }
    case Op.CVTSS2SD: {
      const s = inst.k1 === K.MEM ? loadMem(cpu, inst, 4) : xi(inst.r1);
      f32ToF64(i, xi(inst.r0), i[s]);
      return CONT;
    }
    case Op.CVTDQ2PS: case Op.CVTPS2DQ: case Op.CVTTPS2DQ: case Op.CVTDQ2PD: case Op.CVTPD2DQ: case Op.CVTTPD2DQ:
    case Op.CVTPS2PD: case Op.CVTPD2PS: {
      const half = op === Op.CVTDQ2PD || op === Op.CVTPS2PD;
      const s = inst.k1 === K.MEM ? loadMem(cpu, inst, half ? 8 : 16) : xi(inst.r1);
      if (s < 0) return STOP.PRIVILEGED;
      const d = xi(inst.r0);
      const f32 = st.f32, f64 = st.f64;
      switch (op) {
        case Op.CVTDQ2PS: { const rc = mxcsrRc(cpu); for (let l = 0; l < 4; l++) f32[TMP + l] = roundF32(i[s + l], rc); break; }
        case Op.CVTPS2DQ: case Op.CVTTPS2DQ: {
          const rc = op === Op.CVTTPS2DQ ? 3 : mxcsrRc(cpu);
          for (let l = 0; l < 4; l++) i[TMP + l] = cvtToInt(cpu, f32[s + l], 4, rc);
          break;
        }
        case Op.CVTDQ2PD: { const a = i[s], b = i[s + 1]; f64[TMP >> 1] = a; f64[(TMP >> 1) + 1] = b; break; }
        case Op.CVTPD2DQ: case Op.CVTTPD2DQ: {
          const rc = op === Op.CVTTPD2DQ ? 3 : mxcsrRc(cpu);
          i[TMP] = cvtToInt(cpu, f64[s >> 1], 4, rc);
          i[TMP + 1] = cvtToInt(cpu, f64[(s >> 1) + 1], 4, rc);
          i[TMP + 2] = 0; i[TMP + 3] = 0;
          break;
        }
        case Op.CVTPS2PD: { const a = i[s], b = i[s + 1]; f32ToF64(i, TMP, a); f32ToF64(i, TMP + 2, b); break; }
        default: { const rc = mxcsrRc(cpu); i[TMP] = f64ToF32Bits(i, s, rc); i[TMP + 1] = f64ToF32Bits(i, s + 2, rc); i[TMP + 2] = 0; i[TMP + 3] = 0; break; }
      }
      copy4(i, d, TMP);
      return CONT;
    }
    case Op.PSHUFD: case Op.PSHUFLW: case Op.PSHUFHW: case Op.SHUFPS: case Op.SHUFPD: {
      const s = src(cpu, inst);
      if (s < 0) return STOP.PRIVILEGED;
      const d = xi(inst.r0);
      const im = inst.imm & 255;
      if (op === Op.PSHUFD) for (let l = 0; l < 4; l++) i[TMP + l] = i[s + ((im >> (2 * l)) & 3)];
      else if (op === Op.SHUFPS) {
        i[TMP] = i[d + (im & 3)]; i[TMP + 1] = i[d + ((im >> 2) & 3)];
        i[TMP + 2] = i[s + ((im >> 4) & 3)]; i[TMP + 3] = i[s + ((im >> 6) & 3)];
      } else if (op === Op.SHUFPD) {
        const a = d + 2 * (im & 1), b = s + 2 * ((im >> 1) & 1);
        i[TMP] = i[a]; i[TMP + 1] = i[a + 1]; i[TMP + 2] = i[b]; i[TMP + 3] = i[b + 1];
      } else {
        const u = st.u16;
        const lowHalf = op === Op.PSHUFLW;
        const sb = s * 2, tb = TMP * 2, off = lowHalf ? 0 : 4;
        for (let l = 0; l < 8; l++) u[tb + l] = u[sb + l];
        for (let l = 0; l < 4; l++) u[tb + off + l] = u[sb + off + ((im >> (2 * l)) & 3)];
      }
      copy4(i, d, TMP);
      return CONT;
    }
    case Op.PINSRW: {
      const v = cpu.rd1(inst);
      st.u16[xi(inst.r0) * 2 + (inst.imm & 7)] = v & 0xffff;
      return CONT;
    }
    case Op.PEXTRW: {
      if (inst.k0 === K.MEM) {
        if (!feat.sse41) return cpu.illegal(inst, "PEXTRW to memory (SSE4.1 not advertised)");
        cpu.space.wr16(cpu.addr(inst), st.u16[xi(inst.r1) * 2 + (inst.imm & 7)]);
        return CONT;
      }
      if (inst.r1 >= 64) return cpu.illegal(inst, "MMX register operand (MMX not implemented)");
      cpu.wrReg(inst.r0, inst.s0, st.u16[xi(inst.r1) * 2 + (inst.imm & 7)], 0);
      return CONT;
    }
  }
  return intOps(cpu, inst);
}

/** Packed integer ops (dst = dst op src), shifts, packs, unpacks, logic. */
/** Ops intOps() handles (others go to the extensions before any operand is loaded). */
const INT_HANDLED = new Uint8Array(OP_NAMES.length + 1);
for (const n of "PAND ANDPS ANDPD PANDN ANDNPS ANDNPD POR ORPS ORPD PXOR XORPS XORPD PADDB PADDW PADDD PADDQ PSUBB PSUBW PSUBD PSUBQ PADDSB PADDSW PADDUSB PADDUSW PSUBSB PSUBSW PSUBUSB PSUBUSW PMULLW PMULHW PMULHUW PMULUDQ PMADDWD PAVGB PAVGW PMINUB PMAXUB PMINSW PMAXSW PSADBW PCMPEQB PCMPEQW PCMPEQD PCMPGTB PCMPGTW PCMPGTD PSLLW PSLLD PSLLQ PSRLW PSRLD PSRLQ PSRAW PSRAD PACKSSWB PACKUSWB PACKSSDW PUNPCKLBW PUNPCKHBW PUNPCKLWD PUNPCKHWD PUNPCKLDQ PUNPCKHDQ UNPCKLPS UNPCKHPS PUNPCKLQDQ PUNPCKHQDQ UNPCKLPD UNPCKHPD".split(" ")) INT_HANDLED[OP_BY_NAME.get(n)!] = 1;

function intOps(cpu: CpuCore, inst: Inst): number {
  const st = cpu.s;
  const i = st.i32;
  const op = inst.op;
  if (inst.k0 !== K.REG || inst.r0 < 32 || inst.r0 >= 64) return intOpsExt(cpu, inst);
  // Shift by immediate (group 12/13/14): operand 1 is the immediate.
  if (inst.k1 === K.IMM) return shiftImm(cpu, inst);
  if (INT_HANDLED[op] === 0) return intOpsExt(cpu, inst);
  if (inst.k1 === K.REG && (inst.r1 < 32 || inst.r1 >= 64)) return UNHANDLED;
  const d = xi(inst.r0);
  const u8 = st.u8, i8 = st.i8, u16 = st.u16, i16 = st.i16;
  // The source operand (a closure loading it lazily allocated a context per instruction).
  const b = src(cpu, inst);
  if (b < 0) return STOP.PRIVILEGED;
  switch (op) {
    case Op.PAND: case Op.ANDPS: case Op.ANDPD: case Op.PANDN: case Op.ANDNPS: case Op.ANDNPD:
    case Op.POR: case Op.ORPS: case Op.ORPD: case Op.PXOR: case Op.XORPS: case Op.XORPD: {
      for (let l = 0; l < 4; l++) {
        const x = i[d + l], y = i[b + l];
        switch (op) {
          case Op.PAND: case Op.ANDPS: case Op.ANDPD: i[d + l] = x & y; break;
          case Op.PANDN: case Op.ANDNPS: case Op.ANDNPD: i[d + l] = ~x & y; break;
          case Op.POR: case Op.ORPS: case Op.ORPD: i[d + l] = x | y; break;
          default: i[d + l] = x ^ y; break;
        }
      }
      return CONT;
    }
  }
  const db = d * 4, sb = b * 4, dw = d * 2, sw = b * 2;
  switch (op) {
    case Op.PADDB: for (let l = 0; l < 16; l++) u8[db + l] = u8[db + l] + u8[sb + l]; break;
    case Op.PADDW: for (let l = 0; l < 8; l++) u16[dw + l] = u16[dw + l] + u16[sw + l]; break;
    case Op.PADDD: for (let l = 0; l < 4; l++) i[d + l] = (i[d + l] + i[b + l]) | 0; break;
    case Op.PADDQ: for (let l = 0; l < 4; l += 2) { const lo = (i[d + l] >>> 0) + (i[b + l] >>> 0); i[d + l + 1] = (i[d + l + 1] + i[b + l + 1] + (lo >= U64.TWO32 ? 1 : 0)) | 0; i[d + l] = lo | 0; } break;
    case Op.PSUBB: for (let l = 0; l < 16; l++) u8[db + l] = u8[db + l] - u8[sb + l]; break;
    case Op.PSUBW: for (let l = 0; l < 8; l++) u16[dw + l] = u16[dw + l] - u16[sw + l]; break;
    case Op.PSUBD: for (let l = 0; l < 4; l++) i[d + l] = (i[d + l] - i[b + l]) | 0; break;
    case Op.PSUBQ: for (let l = 0; l < 4; l += 2) { const lo = (i[d + l] >>> 0) - (i[b + l] >>> 0); i[d + l + 1] = (i[d + l + 1] - i[b + l + 1] - (lo < 0 ? 1 : 0)) | 0; i[d + l] = lo | 0; } break;
    case Op.PADDSB: for (let l = 0; l < 16; l++) i8[db + l] = ss8(i8[db + l] + i8[sb + l]); break;
    case Op.PADDSW: for (let l = 0; l < 8; l++) i16[dw + l] = ss16(i16[dw + l] + i16[sw + l]); break;
    case Op.PADDUSB: for (let l = 0; l < 16; l++) u8[db + l] = us8(u8[db + l] + u8[sb + l]); break;
    case Op.PADDUSW: for (let l = 0; l < 8; l++) u16[dw + l] = us16(u16[dw + l] + u16[sw + l]); break;
    case Op.PSUBSB: for (let l = 0; l < 16; l++) i8[db + l] = ss8(i8[db + l] - i8[sb + l]); break;
    case Op.PSUBSW: for (let l = 0; l < 8; l++) i16[dw + l] = ss16(i16[dw + l] - i16[sw + l]); break;
    case Op.PSUBUSB: for (let l = 0; l < 16; l++) u8[db + l] = us8(u8[db + l] - u8[sb + l]); break;
    case Op.PSUBUSW: for (let l = 0; l < 8; l++) u16[dw + l] = us16(u16[dw + l] - u16[sw + l]); break;
    case Op.PMULLW: for (let l = 0; l < 8; l++) i16[dw + l] = Math.imul(i16[dw + l], i16[sw + l]); break;
    case Op.PMULHW: for (let l = 0; l < 8; l++) i16[dw + l] = (i16[dw + l] * i16[sw + l]) >> 16; break;
    case Op.PMULHUW: for (let l = 0; l < 8; l++) u16[dw + l] = (u16[dw + l] * u16[sw + l]) >>> 16; break;
    case Op.PMULUDQ: {
      for (let l = 0; l < 4; l += 2) {
        const x = i[d + l] >>> 0, y = i[b + l] >>> 0;
        const lo = Math.imul(x, y);
        const xl = x & 0xffff, xh = x >>> 16, yl = y & 0xffff, yh = y >>> 16;
        const mid = ((xl * yl) >>> 16) + (xh * yl & 0xffff) + (xl * yh & 0xffff);
        const hi = xh * yh + ((xh * yl) >>> 16) + ((xl * yh) >>> 16) + Math.floor(mid / 65536);
        i[d + l] = lo; i[d + l + 1] = hi | 0;
      }
      break;
    }
    case Op.PMADDWD: for (let l = 0; l < 4; l++) i[TMP + l] = (i16[dw + 2 * l] * i16[sw + 2 * l] + i16[dw + 2 * l + 1] * i16[sw + 2 * l + 1]) | 0; copy4(i, d, TMP); break;
    case Op.PAVGB: for (let l = 0; l < 16; l++) u8[db + l] = (u8[db + l] + u8[sb + l] + 1) >> 1; break;
    case Op.PAVGW: for (let l = 0; l < 8; l++) u16[dw + l] = (u16[dw + l] + u16[sw + l] + 1) >> 1; break;
    case Op.PMINUB: for (let l = 0; l < 16; l++) u8[db + l] = Math.min(u8[db + l], u8[sb + l]); break;
    case Op.PMAXUB: for (let l = 0; l < 16; l++) u8[db + l] = Math.max(u8[db + l], u8[sb + l]); break;
    case Op.PMINSW: for (let l = 0; l < 8; l++) i16[dw + l] = Math.min(i16[dw + l], i16[sw + l]); break;
    case Op.PMAXSW: for (let l = 0; l < 8; l++) i16[dw + l] = Math.max(i16[dw + l], i16[sw + l]); break;
    case Op.PSADBW: {
      for (let h = 0; h < 2; h++) {
        let sum = 0;
        for (let l = 0; l < 8; l++) sum += Math.abs(u8[db + 8 * h + l] - u8[sb + 8 * h + l]);
        i[TMP + 2 * h] = sum; i[TMP + 2 * h + 1] = 0;
      }
      copy4(i, d, TMP);
      break;
    }
    case Op.PCMPEQB: for (let l = 0; l < 16; l++) u8[db + l] = u8[db + l] === u8[sb + l] ? 255 : 0; break;
    case Op.PCMPEQW: for (let l = 0; l < 8; l++) u16[dw + l] = u16[dw + l] === u16[sw + l] ? 0xffff : 0; break;
    case Op.PCMPEQD: for (let l = 0; l < 4; l++) i[d + l] = i[d + l] === i[b + l] ? -1 : 0; break;
    case Op.PCMPGTB: for (let l = 0; l < 16; l++) u8[db + l] = i8[db + l] > i8[sb + l] ? 255 : 0; break;
    case Op.PCMPGTW: for (let l = 0; l < 8; l++) u16[dw + l] = i16[dw + l] > i16[sw + l] ? 0xffff : 0; break;
    case Op.PCMPGTD: for (let l = 0; l < 4; l++) i[d + l] = i[d + l] > i[b + l] ? -1 : 0; break;
    case Op.PSLLW: case Op.PSLLD: case Op.PSLLQ: case Op.PSRLW: case Op.PSRLD: case Op.PSRLQ: case Op.PSRAW: case Op.PSRAD: {
      const c = i[b + 1] !== 0 || (i[b] >>> 0) > 255 ? 255 : i[b] & 255;
      shiftLanes(st, op, d, c);
      break;
    }
    case Op.PACKSSWB: case Op.PACKUSWB: {
      const t = TMP * 4;
      for (let l = 0; l < 8; l++) {
        const x = i16[dw + l], y = i16[sw + l];
        if (op === Op.PACKSSWB) { i8[t + l] = ss8(x); i8[t + 8 + l] = ss8(y); }
        else { u8[t + l] = us8(x); u8[t + 8 + l] = us8(y); }
      }
      copy4(i, d, TMP);
      break;
    }
    case Op.PACKSSDW: {
      const t = TMP * 2;
      for (let l = 0; l < 4; l++) { i16[t + l] = ss16(i[d + l]); i16[t + 4 + l] = ss16(i[b + l]); }
      copy4(i, d, TMP);
      break;
    }
    case Op.PUNPCKLBW: case Op.PUNPCKHBW: {
      const o = op === Op.PUNPCKHBW ? 8 : 0, t = TMP * 4;
      for (let l = 0; l < 8; l++) { u8[t + 2 * l] = u8[db + o + l]; u8[t + 2 * l + 1] = u8[sb + o + l]; }
      copy4(i, d, TMP);
      break;
    }
    case Op.PUNPCKLWD: case Op.PUNPCKHWD: {
      const o = op === Op.PUNPCKHWD ? 4 : 0, t = TMP * 2;
      for (let l = 0; l < 4; l++) { u16[t + 2 * l] = u16[dw + o + l]; u16[t + 2 * l + 1] = u16[sw + o + l]; }
      copy4(i, d, TMP);
      break;
    }
    case Op.PUNPCKLDQ: case Op.PUNPCKHDQ: case Op.UNPCKLPS: case Op.UNPCKHPS: {
      const o = op === Op.PUNPCKHDQ || op === Op.UNPCKHPS ? 2 : 0;
      i[TMP] = i[d + o]; i[TMP + 1] = i[b + o]; i[TMP + 2] = i[d + o + 1]; i[TMP + 3] = i[b + o + 1];
      copy4(i, d, TMP);
      break;
    }
    case Op.PUNPCKLQDQ: case Op.PUNPCKHQDQ: case Op.UNPCKLPD: case Op.UNPCKHPD: {
      const o = op === Op.PUNPCKHQDQ || op === Op.UNPCKHPD ? 2 : 0;
      i[TMP] = i[d + o]; i[TMP + 1] = i[d + o + 1]; i[TMP + 2] = i[b + o]; i[TMP + 3] = i[b + o + 1];
      copy4(i, d, TMP);
      break;
    }
    default:
      return intOpsExt(cpu, inst, b);
  }
  return CONT;
}

function shiftLanes(st: { i32: Int32Array; u16: Uint16Array; i16: Int16Array }, op: number, d: number, c: number): void {
  const i = st.i32, u16 = st.u16, i16 = st.i16, dw = d * 2;
  switch (op) {
    case Op.PSLLW: for (let l = 0; l < 8; l++) u16[dw + l] = c > 15 ? 0 : u16[dw + l] << c; break;
    case Op.PSRLW: for (let l = 0; l < 8; l++) u16[dw + l] = c > 15 ? 0 : u16[dw + l] >>> c; break;
    case Op.PSRAW: for (let l = 0; l < 8; l++) i16[dw + l] = i16[dw + l] >> (c > 15 ? 15 : c); break;
    case Op.PSLLD: for (let l = 0; l < 4; l++) i[d + l] = c > 31 ? 0 : i[d + l] << c; break;
    case Op.PSRLD: for (let l = 0; l < 4; l++) i[d + l] = c > 31 ? 0 : i[d + l] >>> c; break;
    case Op.PSRAD: for (let l = 0; l < 4; l++) i[d + l] = i[d + l] >> (c > 31 ? 31 : c); break;
    case Op.PSLLQ: case Op.PSRLQ:
      for (let l = 0; l < 4; l += 2) {
        const lo = i[d + l], hi = i[d + l + 1];
        let rl = 0, rh = 0;
        if (c === 0) { rl = lo; rh = hi; }
        else if (c < 32) {
          if (op === Op.PSLLQ) { rh = (hi << c) | (lo >>> (32 - c)); rl = lo << c; }
          else { rl = (lo >>> c) | (hi << (32 - c)); rh = hi >>> c; }
        } else if (c < 64) {
          if (op === Op.PSLLQ) { rh = lo << (c - 32); rl = 0; }
          else { rl = hi >>> (c - 32); rh = 0; }
        }
        i[d + l] = rl; i[d + l + 1] = rh;
      }
      break;
  }
}

function shiftImm(cpu: CpuCore, inst: Inst): number {
  const st = cpu.s;
  const d = xi(inst.r0);
  const c = inst.imm & 255;
  const op = inst.op;
  if (op === Op.PSLLDQ || op === Op.PSRLDQ) {
    const u8 = st.u8, db = d * 4, t = TMP * 4;
    const n = c > 16 ? 16 : c;
    for (let l = 0; l < 16; l++) {
      const from = op === Op.PSLLDQ ? l - n : l + n;
      u8[t + l] = from >= 0 && from < 16 ? u8[db + from] : 0;
    }
    copy4(st.i32, d, TMP);
    return CONT;
  }
  switch (op) {
    case Op.PSLLW: case Op.PSLLD: case Op.PSLLQ: case Op.PSRLW: case Op.PSRLD: case Op.PSRLQ: case Op.PSRAW: case Op.PSRAD:
      shiftLanes(st, op, d, c);
      return CONT;
  }
  return intOpsExt(cpu, inst);
}

/** A form the SSE/SSE2 handlers do not implement (an MMX register operand, ...): the CPU stops
 *  with ILLEGAL naming the instruction. */
function intOpsExt(_cpu: CpuCore, _inst: Inst, _b = -3): number {
  return UNHANDLED;
}

export { laneS, laneD, src as vecSrc, xi as xmmIndex, loadMem as vecLoad, store as vecStore, copy4, TMP, TMP2, SCR, roundRc as sseRound, mxcsrRc, cvtToInt, ss16, us16, ss8, us8 };
