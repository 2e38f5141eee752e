// WebAssembly emitters for the SSE integer and move instructions the compiled tier runs natively
// (Go's memmove/memclr, string compares, Swiss-table group matching, chacha8rand). The XMM
// registers stay in the state, read and written as v128. Mirrors src/cpu/sse.ts, including #GP
// (STOP.PRIVILEGED) on a misaligned 16-byte operand of the aligned forms. Returns false for a
// form it does not compile (the interpreter then runs that instruction).

import { K, type Inst } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { STOP } from "../cpu/api.js";
import { XMM_BYTE } from "../cpu/state.js";
import { OP, SIMD, V128 } from "./wasm.js";
import type { FnCompiler } from "./fn.js";

const isXmm = (k: number, r: number): boolean => k === K.REG && r >= 32 && r < 48;
const isGpr = (k: number, r: number): boolean => k === K.REG && r >= 0 && r < 16;
/** Byte offset of XMM register r (R.XMM0 + n) in the state. */
const xmm = (r: number): number => XMM_BYTE + 16 * (r - 32);

/** Forms that need a 16-byte aligned memory operand (legacy SSE except the unaligned moves). */
function aligned(op: number): boolean {
  switch (op) {
    case Op.MOVUPS: case Op.MOVUPD: case Op.MOVDQU: case Op.LDDQU:
      return false;
  }
  return true;
}

/** Push XMM register r as a v128. */
function getX(c: FnCompiler, r: number): void {
  c.b.get(c.st).simdMem(SIMD.v128_load, xmm(r), 0);
}

/** Store the v128 on the stack to XMM register r. */
function setX(c: FnCompiler, r: number): void {
  const b = c.b;
  b.set(c.tq1);
  b.get(c.st).get(c.tq1).simdMem(SIMD.v128_store, xmm(r), 0);
}

/** Push operand 1 (an XMM register or a 16-byte memory operand) as a v128. */
function src128(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  if (isXmm(inst.k1, inst.r1)) {
    getX(c, inst.r1);
    return true;
  }
  if (inst.k1 !== K.MEM) return false;
  c.ea(inst);
  b.set(c.ta);
  if (aligned(inst.op)) alignCheck(c);
  c.loadV();
  return true;
}

/** #GP when the address in ta is not 16-byte aligned. */
function alignCheck(c: FnCompiler): void {
  const b = c.b;
  b.get(c.ta).op(OP.i32_wrap_i64).i32(15).op(OP.i32_and);
  b.if_();
  c.exitHere(STOP.PRIVILEGED);
  b.end();
}

/** A two-operand op dst = f(dst, src) on whole registers. */
function binary(c: FnCompiler, inst: Inst, emit: () => void, srcFirst = false): boolean {
  if (!isXmm(inst.k0, inst.r0) || inst.nops !== 2) return false;
  const b = c.b;
  if (!src128(c, inst)) return false;
  b.set(c.tq2);
  if (srcFirst) {
    b.get(c.tq2);
    getX(c, inst.r0);
  } else {
    getX(c, inst.r0);
    b.get(c.tq2);
  }
  emit();
  setX(c, inst.r0);
  return true;
}

/** Shuffle lanes for PUNPCKL/H of an element size (bytes), low or high half: interleave dst
 *  (lanes 0..15) and src (16..31). */
function unpackLanes(size: number, high: boolean): number[] {
  const out: number[] = [];
  const base = high ? 8 : 0;
  for (let e = 0; e < 8 / size; e++) {
    for (let k = 0; k < size; k++) out.push(base + e * size + k);
    for (let k = 0; k < size; k++) out.push(16 + base + e * size + k);
  }
  return out;
}

export function emitVec(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  if (inst.opsize > 16) return false;
  switch (inst.op) {
    case Op.MOVUPS: case Op.MOVUPD: case Op.MOVAPS: case Op.MOVAPD: case Op.MOVDQA: case Op.MOVDQU:
    case Op.MOVNTPS: case Op.MOVNTPD: case Op.MOVNTDQ: {
      if (inst.k0 === K.MEM) {
        if (!isXmm(inst.k1, inst.r1)) return false;
        c.ea(inst);
        b.set(c.ta);
        if (aligned(inst.op)) alignCheck(c);
        getX(c, inst.r1);
        b.set(c.tq1);
        c.storeV();
        return true;
      }
      if (!isXmm(inst.k0, inst.r0) || !src128(c, inst)) return false;
      setX(c, inst.r0);
      return true;
    }

    case Op.MOVD: case Op.MOVQ: {
      const size = inst.op === Op.MOVD ? 4 : 8;
      if (isXmm(inst.k0, inst.r0)) {
        if (isXmm(inst.k1, inst.r1)) {
          // MOVQ xmm, xmm: the low quadword, the high one cleared.
          getX(c, inst.r1);
          b.lane(SIMD.i64x2_extract_lane, 0);
        } else if (isGpr(inst.k1, inst.r1)) {
          c.getReg(inst.r1, inst.s1 === 8 ? 8 : 4);
        } else if (inst.k1 === K.MEM) {
          c.ea(inst);
          b.set(c.ta);
          c.load(inst.s1 === 8 || size === 8 ? 8 : 4);
        } else return false;
        b.set(c.t1);
        b.v128const(new Uint8Array(16)).get(c.t1).lane(SIMD.i64x2_replace_lane, 0);
        setX(c, inst.r0);
        return true;
      }
      if (!isXmm(inst.k1, inst.r1)) return false;
      if (isGpr(inst.k0, inst.r0)) {
        getX(c, inst.r1);
        b.lane(SIMD.i64x2_extract_lane, 0);
        c.setReg(inst.r0, inst.s0 === 8 ? 8 : 4);
        return true;
      }
      if (inst.k0 !== K.MEM) return false;
      c.ea(inst);
      b.set(c.ta);
      getX(c, inst.r1);
      b.lane(SIMD.i64x2_extract_lane, 0).set(c.tv);
      c.store(inst.s0 === 8 || size === 8 ? 8 : 4);
      return true;
    }

    case Op.MOVSD: case Op.MOVSS: {
      // (MOVSD here is the SSE2 scalar move; the string MOVSD is Op.MOVS.)
      const w = inst.op === Op.MOVSS ? 4 : 8;
      if (inst.k0 === K.MEM) {
        if (!isXmm(inst.k1, inst.r1)) return false;
        c.ea(inst);
        b.set(c.ta);
        getX(c, inst.r1);
        b.lane(SIMD.i64x2_extract_lane, 0).set(c.tv);
        c.store(w);
        return true;
      }
      if (!isXmm(inst.k0, inst.r0) || inst.nops !== 2) return false;
      if (inst.k1 === K.MEM) {
        c.ea(inst);
        b.set(c.ta);
        c.load(w);
        b.set(c.t1);
        b.v128const(new Uint8Array(16)).get(c.t1).lane(SIMD.i64x2_replace_lane, 0);
        setX(c, inst.r0);
        return true;
      }
      if (!isXmm(inst.k1, inst.r1)) return false;
      // Register form: the low element moves, the rest of dst stays.
      getX(c, inst.r0);
      getX(c, inst.r1);
      const lanes: number[] = [];
      for (let k = 0; k < 16; k++) lanes.push(k < w ? 16 + k : k);
      b.shuffle(lanes);
      setX(c, inst.r0);
      return true;
    }

    case Op.PXOR: case Op.XORPS: case Op.XORPD:
      if (isXmm(inst.k0, inst.r0) && isXmm(inst.k1, inst.r1) && inst.r0 === inst.r1 && inst.nops === 2) {
        b.v128const(new Uint8Array(16));
        setX(c, inst.r0);
        return true;
      }
      return binary(c, inst, () => { b.simd(SIMD.v128_xor); });
    case Op.PAND: case Op.ANDPS: case Op.ANDPD:
      return binary(c, inst, () => { b.simd(SIMD.v128_and); });
    case Op.POR: case Op.ORPS: case Op.ORPD:
      return binary(c, inst, () => { b.simd(SIMD.v128_or); });
    case Op.PANDN: case Op.ANDNPS: case Op.ANDNPD:
      // dst = ~dst & src: v128.andnot(src, dst).
      return binary(c, inst, () => { b.simd(SIMD.v128_andnot); }, true);
    case Op.PCMPEQB:
      return binary(c, inst, () => { b.simd(SIMD.i8x16_eq); });
    case Op.PCMPEQW:
      return binary(c, inst, () => { b.simd(SIMD.i16x8_eq); });
    case Op.PCMPEQD:
      return binary(c, inst, () => { b.simd(SIMD.i32x4_eq); });
    case Op.PCMPGTB:
      return binary(c, inst, () => { b.simd(SIMD.i8x16_gt_s); });
    case Op.PCMPGTW:
      return binary(c, inst, () => { b.simd(SIMD.i16x8_gt_s); });
    case Op.PCMPGTD:
      return binary(c, inst, () => { b.simd(SIMD.i32x4_gt_s); });
    case Op.PADDB: return binary(c, inst, () => { b.simd(SIMD.i8x16_add); });
    case Op.PADDW: return binary(c, inst, () => { b.simd(SIMD.i16x8_add); });
    case Op.PADDD: return binary(c, inst, () => { b.simd(SIMD.i32x4_add); });
    case Op.PADDQ: return binary(c, inst, () => { b.simd(SIMD.i64x2_add); });
    case Op.PSUBB: return binary(c, inst, () => { b.simd(SIMD.i8x16_sub); });
    case Op.PSUBW: return binary(c, inst, () => { b.simd(SIMD.i16x8_sub); });
    case Op.PSUBD: return binary(c, inst, () => { b.simd(SIMD.i32x4_sub); });
    case Op.PSUBQ: return binary(c, inst, () => { b.simd(SIMD.i64x2_sub); });
    case Op.PMINUB: return binary(c, inst, () => { b.simd(SIMD.i8x16_min_u); });
    case Op.PMAXUB: return binary(c, inst, () => { b.simd(SIMD.i8x16_max_u); });
    case Op.PADDUSB: return binary(c, inst, () => { b.simd(SIMD.i8x16_add_sat_u); });
    case Op.PSUBUSB: return binary(c, inst, () => { b.simd(SIMD.i8x16_sub_sat_u); });
    case Op.PMULLW: return binary(c, inst, () => { b.simd(SIMD.i16x8_mul); });

    case Op.PUNPCKLBW: return binary(c, inst, () => { b.shuffle(unpackLanes(1, false)); });
    case Op.PUNPCKLWD: return binary(c, inst, () => { b.shuffle(unpackLanes(2, false)); });
    case Op.PUNPCKLDQ: return binary(c, inst, () => { b.shuffle(unpackLanes(4, false)); });
    case Op.PUNPCKLQDQ: return binary(c, inst, () => { b.shuffle(unpackLanes(8, false)); });
    case Op.PUNPCKHBW: return binary(c, inst, () => { b.shuffle(unpackLanes(1, true)); });
    case Op.PUNPCKHWD: return binary(c, inst, () => { b.shuffle(unpackLanes(2, true)); });
    case Op.PUNPCKHDQ: return binary(c, inst, () => { b.shuffle(unpackLanes(4, true)); });
    case Op.PUNPCKHQDQ: return binary(c, inst, () => { b.shuffle(unpackLanes(8, true)); });

    case Op.PSHUFD: case Op.PSHUFLW: case Op.PSHUFHW: {
      if (!isXmm(inst.k0, inst.r0) || inst.k2 !== K.IMM) return false;
      if (!src128(c, inst)) return false;
      b.tee(c.tq2).get(c.tq2);
      const imm = inst.imm & 255;
      const lanes: number[] = [];
      if (inst.op === Op.PSHUFD) {
        for (let e = 0; e < 4; e++) {
          const from = (imm >> (2 * e)) & 3;
          for (let k = 0; k < 4; k++) lanes.push(4 * from + k);
        }
      } else {
        const hi = inst.op === Op.PSHUFHW;
        for (let e = 0; e < 8; e++) {
          if ((e >= 4) !== hi) {
            lanes.push(2 * e, 2 * e + 1);
            continue;
          }
          const from = (hi ? 4 : 0) + ((imm >> (2 * (e & 3))) & 3);
          lanes.push(2 * from, 2 * from + 1);
        }
      }
      b.shuffle(lanes);
      setX(c, inst.r0);
      return true;
    }

    case Op.PMOVMSKB: {
      if (!isGpr(inst.k0, inst.r0) || !isXmm(inst.k1, inst.r1)) return false;
      getX(c, inst.r1);
      b.simd(SIMD.i8x16_bitmask).op(OP.i64_extend_i32_u);
      c.setReg(inst.r0, inst.s0 === 8 ? 8 : 4);
      return true;
    }

    case Op.PSLLW: case Op.PSRLW: case Op.PSRAW: case Op.PSLLD: case Op.PSRLD: case Op.PSRAD: case Op.PSLLQ: case Op.PSRLQ: {
      if (!isXmm(inst.k0, inst.r0) || inst.k1 !== K.IMM) return false;
      const count = inst.imm & 255;
      const op = inst.op;
      const bits = op === Op.PSLLW || op === Op.PSRLW || op === Op.PSRAW ? 16 : op === Op.PSLLQ || op === Op.PSRLQ ? 64 : 32;
      const arith = op === Op.PSRAW || op === Op.PSRAD;
      if (count >= bits && !arith) {
        b.v128const(new Uint8Array(16));
        setX(c, inst.r0);
        return true;
      }
      getX(c, inst.r0);
      b.i32(Math.min(count, bits - 1));
      const left = op === Op.PSLLW || op === Op.PSLLD || op === Op.PSLLQ;
      if (bits === 16) b.simd(left ? SIMD.i16x8_shl : arith ? SIMD.i16x8_shr_s : SIMD.i16x8_shr_u);
      else if (bits === 32) b.simd(left ? SIMD.i32x4_shl : arith ? SIMD.i32x4_shr_s : SIMD.i32x4_shr_u);
      else b.simd(left ? SIMD.i64x2_shl : SIMD.i64x2_shr_u);
      setX(c, inst.r0);
      return true;
    }

    case Op.PSLLDQ: case Op.PSRLDQ: {
      if (!isXmm(inst.k0, inst.r0) || inst.k1 !== K.IMM) return false;
      const n = inst.imm & 255;
      // Bytes shifted in are zero (lanes 16.. of the zero vector).
      getX(c, inst.r0);
      b.v128const(new Uint8Array(16));
      const lanes: number[] = [];
      for (let k = 0; k < 16; k++) {
        const from = inst.op === Op.PSLLDQ ? k - n : k + n;
        lanes.push(from >= 0 && from < 16 ? from : 16);
      }
      b.shuffle(lanes);
      setX(c, inst.r0);
      return true;
    }
  }
  void V128;
  return false;
}
