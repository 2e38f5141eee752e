// Vector extensions beyond SSE2 that live behind CPUID bits: SSE3, SSSE3, SSE4.1, SSE4.2 (string
// compares), AES-NI and PCLMULQDQ (CPU level 2). Each is reachable only when the CPU level
// advertises it; otherwise the instruction stops with ILLEGAL naming the missing feature.

import { K, type Inst } from "../../x86/inst.js";
import { Op, OP_NAMES } from "../../x86/ops.generated.js";
import { STOP } from "../api.js";
import type { CpuCore } from "../core.js";
import { setBits } from "../flags.js";
import { CF, CONT, GprI32, OF, SF, UNHANDLED, XMM_I32, ZF } from "../state.js";
import { copy4, laneD, laneS, roundRc, mxcsrRc, ss16, us16, vecLoad, vecSrc, xmmIndex, TMP, TMP2 } from "./sse.js";

// ---- AES ----
const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
{
  let p = 1, q = 1;
  do {
    p = p ^ ((p << 1) & 0xff) ^ (p & 0x80 ? 0x1b : 0);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const x = q ^ ((q << 1) | (q >> 7)) ^ ((q << 2) | (q >> 6)) ^ ((q << 3) | (q >> 5)) ^ ((q << 4) | (q >> 4));
    SBOX[p] = (x ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let k = 0; k < 256; k++) INV_SBOX[SBOX[k]] = k;
}
function xt(b: number): number {
  return ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;
}
function gmul(a: number, b: number): number {
  let r = 0;
  while (b) {
    if (b & 1) r ^= a;
    a = xt(a);
    b >>= 1;
  }
  return r;
}

/** AES round pieces on 16 bytes (column-major state: byte 4c+r is row r, column c). */
function aesRound(st: Uint8Array, sb: number, out: number, kind: number): void {
  const t = new Uint8Array(16);
  const enc = kind === 0 || kind === 1;
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      const from = enc ? 4 * ((c + r) % 4) + r : 4 * ((c - r + 4) % 4) + r;
      const v = st[sb + from];
      t[4 * c + r] = enc ? SBOX[v] : INV_SBOX[v];
    }
  }
  if (kind === 0) mixColumns(t, false);
  else if (kind === 2) mixColumns(t, true);
  for (let k = 0; k < 16; k++) st[out + k] = t[k];
}
function mixColumns(t: Uint8Array, inv: boolean): void {
  for (let c = 0; c < 4; c++) {
    const a0 = t[4 * c], a1 = t[4 * c + 1], a2 = t[4 * c + 2], a3 = t[4 * c + 3];
    if (!inv) {
      t[4 * c] = xt(a0) ^ (xt(a1) ^ a1) ^ a2 ^ a3;
      t[4 * c + 1] = a0 ^ xt(a1) ^ (xt(a2) ^ a2) ^ a3;
      t[4 * c + 2] = a0 ^ a1 ^ xt(a2) ^ (xt(a3) ^ a3);
      t[4 * c + 3] = (xt(a0) ^ a0) ^ a1 ^ a2 ^ xt(a3);
    } else {
      t[4 * c] = gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^ gmul(a3, 9);
      t[4 * c + 1] = gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^ gmul(a3, 13);
      t[4 * c + 2] = gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^ gmul(a3, 11);
      t[4 * c + 3] = gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^ gmul(a3, 14);
    }
  }
}
function subWord(x: number): number {
  return SBOX[x & 255] | (SBOX[(x >>> 8) & 255] << 8) | (SBOX[(x >>> 16) & 255] << 16) | (SBOX[x >>> 24] << 24);
}

// ---- feature gates ----
function need(cpu: CpuCore, op: number): string {
  const f = cpu.features;
  switch (op) {
    case Op.ADDSUBPS: case Op.ADDSUBPD: case Op.HADDPS: case Op.HADDPD: case Op.HSUBPS: case Op.HSUBPD:
      return f.sse3 ? "" : "SSE3";
    case Op.PSHUFB: case Op.PHADDW: case Op.PHADDD: case Op.PHADDSW: case Op.PHSUBW: case Op.PHSUBD: case Op.PHSUBSW:
    case Op.PMADDUBSW: case Op.PMULHRSW: case Op.PSIGNB: case Op.PSIGNW: case Op.PSIGND: case Op.PABSB: case Op.PABSW:
    case Op.PABSD: case Op.PALIGNR:
      return f.ssse3 ? "" : "SSSE3";
    case Op.PCMPGTQ: case Op.PCMPESTRI: case Op.PCMPESTRM: case Op.PCMPISTRI: case Op.PCMPISTRM:
      return f.sse42 ? "" : "SSE4.2";
    case Op.AESENC: case Op.AESENCLAST: case Op.AESDEC: case Op.AESDECLAST: case Op.AESIMC: case Op.AESKEYGENASSIST:
      return f.aes ? "" : "AES-NI";
    case Op.PCLMULQDQ:
      return f.pclmul ? "" : "PCLMULQDQ";
    default:
      return f.sse41 ? "" : "SSE4.1";
  }
}

const EXT_OPS = new Set<number>([
  Op.ADDSUBPS, Op.ADDSUBPD, Op.HADDPS, Op.HADDPD, Op.HSUBPS, Op.HSUBPD,
  Op.PSHUFB, Op.PHADDW, Op.PHADDD, Op.PHADDSW, Op.PHSUBW, Op.PHSUBD, Op.PHSUBSW, Op.PMADDUBSW, Op.PMULHRSW,
  Op.PSIGNB, Op.PSIGNW, Op.PSIGND, Op.PABSB, Op.PABSW, Op.PABSD, Op.PALIGNR,
  Op.PBLENDVB, Op.BLENDVPS, Op.BLENDVPD, Op.BLENDPS, Op.BLENDPD, Op.PBLENDW, Op.PTEST,
  Op.PMOVSXBW, Op.PMOVSXBD, Op.PMOVSXBQ, Op.PMOVSXWD, Op.PMOVSXWQ, Op.PMOVSXDQ,
  Op.PMOVZXBW, Op.PMOVZXBD, Op.PMOVZXBQ, Op.PMOVZXWD, Op.PMOVZXWQ, Op.PMOVZXDQ,
  Op.PMULDQ, Op.PCMPEQQ, Op.PACKUSDW, Op.PMINSB, Op.PMINSD, Op.PMINUW, Op.PMINUD, Op.PMAXSB, Op.PMAXSD, Op.PMAXUW,
  Op.PMAXUD, Op.PMULLD, Op.PHMINPOSUW, Op.ROUNDPS, Op.ROUNDPD, Op.ROUNDSS, Op.ROUNDSD,
  Op.PEXTRB, Op.PEXTRD, Op.PEXTRQ, Op.EXTRACTPS, Op.PINSRB, Op.PINSRD, Op.PINSRQ, Op.INSERTPS,
  Op.PCMPGTQ, Op.PCMPESTRI, Op.PCMPESTRM, Op.PCMPISTRI, Op.PCMPISTRM,
  Op.AESENC, Op.AESENCLAST, Op.AESDEC, Op.AESDECLAST, Op.AESIMC, Op.AESKEYGENASSIST, Op.PCLMULQDQ,
]);

/** Execute an SSE3/SSSE3/SSE4.1/SSE4.2/AES-NI/PCLMULQDQ instruction, or return UNHANDLED. */
export function execSsex(cpu: CpuCore, inst: Inst): number {
  const op = inst.op;
  if (!EXT_OPS.has(op)) return UNHANDLED;
  const missing = need(cpu, op);
  if (missing !== "") return cpu.illegal(inst, `${opName(op)} (${missing} not advertised at this CPU level)`);
  const st = cpu.s;
  const i = st.i32, u8 = st.u8, i8 = st.i8, u16 = st.u16, i16 = st.i16, f32 = st.f32, f64 = st.f64;
  // Extracts and inserts with GPR/memory operands.
  switch (op) {
    case Op.PEXTRB: case Op.PEXTRD: case Op.PEXTRQ: case Op.EXTRACTPS: {
      const s = xmmIndex(inst.r1);
      const im = inst.imm;
      let lo: number, hi = 0, size: number;
      if (op === Op.PEXTRB) { lo = u8[s * 4 + (im & 15)]; size = 1; }
      else if (op === Op.PEXTRQ) { lo = i[s + 2 * (im & 1)]; hi = i[s + 2 * (im & 1) + 1]; size = 8; }
      else { lo = i[s + (im & 3)]; size = 4; }
      if (inst.k0 === K.MEM) {
        const a = cpu.addr(inst);
        if (size === 1) cpu.space.wr8(a, lo);
        else if (size === 4) cpu.space.wr32(a, lo);
        else cpu.space.wr64(a, lo, hi);
      } else cpu.wrReg(inst.r0, inst.s0 === 8 ? 8 : 4, lo, inst.s0 === 8 ? hi : 0);
      return CONT;
    }
    case Op.PINSRB: case Op.PINSRD: case Op.PINSRQ: {
      const d = xmmIndex(inst.r0);
      const lo = cpu.rd1(inst);
      const hi = cpu.tHi;
      const im = inst.imm;
      if (op === Op.PINSRB) u8[d * 4 + (im & 15)] = lo & 255;
      else if (op === Op.PINSRD) i[d + (im & 3)] = lo;
      else { i[d + 2 * (im & 1)] = lo; i[d + 2 * (im & 1) + 1] = hi; }
      return CONT;
    }
    case Op.INSERTPS: {
      const d = xmmIndex(inst.r0);
      const im = inst.imm & 255;
      let v: number;
      if (inst.k1 === K.MEM) v = cpu.space.rd32(cpu.addr(inst));
      else v = i[xmmIndex(inst.r1) + ((im >> 6) & 3)];
      i[d + ((im >> 4) & 3)] = v;
      for (let l = 0; l < 4; l++) if (im & (1 << l)) i[d + l] = 0;
      return CONT;
    }
  }
  // Everything else: dst xmm, src xmm/m128 (or smaller for PMOVZX/ROUNDSx).
  const d = xmmIndex(inst.r0);
  let s: number;
  if (inst.k1 === K.MEM) {
    let size = 16;
    switch (op) {
      case Op.PMOVSXBW: case Op.PMOVZXBW: case Op.PMOVSXWD: case Op.PMOVZXWD: case Op.PMOVSXDQ: case Op.PMOVZXDQ: size = 8; break;
      case Op.PMOVSXBD: case Op.PMOVZXBD: case Op.PMOVSXWQ: case Op.PMOVZXWQ: size = 4; break;
      case Op.PMOVSXBQ: case Op.PMOVZXBQ: size = 2; break;
      case Op.ROUNDSS: size = 4; break;
      case Op.ROUNDSD: size = 8; break;
      case Op.PCMPESTRI: case Op.PCMPESTRM: case Op.PCMPISTRI: case Op.PCMPISTRM: size = 17; break;
    }
    if (size === 17) {
      // The string compares allow unaligned memory operands.
      s = vecLoad(cpu, inst, 8);
      const a = cpu.ea;
      i[s] = cpu.space.rd64(a); i[s + 1] = cpu.space.hi;
      i[s + 2] = cpu.space.rd64(a + 8); i[s + 3] = cpu.space.hi;
    } else s = size === 16 ? vecSrc(cpu, inst) : vecLoad(cpu, inst, size);
    if (s < 0) return STOP.PRIVILEGED;
  } else s = xmmIndex(inst.r1);
  const db = d * 4, sb = s * 4, dw = d * 2, sw = s * 2, t = TMP, tb = TMP * 4, tw = TMP * 2;
  const im = inst.imm & 255;
  switch (op) {
    // SSE3
    case Op.ADDSUBPS: for (let l = 0; l < 4; l++) laneS(i, f32, l & 1 ? 0 : 1, t + l, d + l, s + l); break;
    case Op.ADDSUBPD: laneD(i, f64, 1, t, d, s); laneD(i, f64, 0, t + 2, d + 2, s + 2); break;
    case Op.HADDPS: case Op.HSUBPS: {
      const k = op === Op.HSUBPS ? 1 : 0;
      laneS(i, f32, k, TMP2, d, d + 1);
      laneS(i, f32, k, TMP2 + 1, d + 2, d + 3);
      laneS(i, f32, k, TMP2 + 2, s, s + 1);
      laneS(i, f32, k, TMP2 + 3, s + 2, s + 3);
      copy4(i, t, TMP2);
      break;
    }
    case Op.HADDPD: case Op.HSUBPD: {
      const k = op === Op.HSUBPD ? 1 : 0;
      laneD(i, f64, k, TMP2, d, d + 2);
      laneD(i, f64, k, TMP2 + 2, s, s + 2);
      copy4(i, t, TMP2);
      break;
    }
    // SSSE3
    case Op.PSHUFB: for (let l = 0; l < 16; l++) { const c = u8[sb + l]; u8[tb + l] = c & 0x80 ? 0 : u8[db + (c & 15)]; } break;
    case Op.PHADDW: case Op.PHSUBW: case Op.PHADDSW: case Op.PHSUBSW: {
      for (let l = 0; l < 8; l++) {
        const base = l < 4 ? dw : sw, k = (l & 3) * 2;
        const a = i16[base + k], b = i16[base + k + 1];
        const r = op === Op.PHADDW || op === Op.PHADDSW ? a + b : a - b;
        i16[tw + l] = op === Op.PHADDSW || op === Op.PHSUBSW ? ss16(r) : r;
      }
      break;
    }
    case Op.PHADDD: case Op.PHSUBD:
      for (let l = 0; l < 4; l++) {
        const base = l < 2 ? d : s, k = (l & 1) * 2;
        i[t + l] = op === Op.PHADDD ? (i[base + k] + i[base + k + 1]) | 0 : (i[base + k] - i[base + k + 1]) | 0;
      }
      break;
    case Op.PMADDUBSW: for (let l = 0; l < 8; l++) i16[tw + l] = ss16(u8[db + 2 * l] * i8[sb + 2 * l] + u8[db + 2 * l + 1] * i8[sb + 2 * l + 1]); break;
    case Op.PMULHRSW: for (let l = 0; l < 8; l++) i16[tw + l] = (((i16[dw + l] * i16[sw + l]) >> 14) + 1) >> 1; break;
    case Op.PSIGNB: for (let l = 0; l < 16; l++) { const c = i8[sb + l]; i8[tb + l] = c < 0 ? -i8[db + l] : c === 0 ? 0 : i8[db + l]; } break;
    case Op.PSIGNW: for (let l = 0; l < 8; l++) { const c = i16[sw + l]; i16[tw + l] = c < 0 ? -i16[dw + l] : c === 0 ? 0 : i16[dw + l]; } break;
    case Op.PSIGND: for (let l = 0; l < 4; l++) { const c = i[s + l]; i[t + l] = c < 0 ? -i[d + l] | 0 : c === 0 ? 0 : i[d + l]; } break;
    case Op.PABSB: for (let l = 0; l < 16; l++) u8[tb + l] = Math.abs(i8[sb + l]); break;
    case Op.PABSW: for (let l = 0; l < 8; l++) u16[tw + l] = Math.abs(i16[sw + l]); break;
    case Op.PABSD: for (let l = 0; l < 4; l++) i[t + l] = Math.abs(i[s + l]) | 0; break;
    case Op.PALIGNR: {
      // (dst:src) >> (imm*8), low 16 bytes.
      for (let l = 0; l < 16; l++) {
        const k = l + im;
        u8[tb + l] = k < 16 ? u8[sb + k] : k < 32 ? u8[db + k - 16] : 0;
      }
      break;
    }
    // SSE4.1
    case Op.PBLENDVB: { const m = XMM_I32 * 4; for (let l = 0; l < 16; l++) u8[tb + l] = u8[m + l] & 0x80 ? u8[sb + l] : u8[db + l]; break; }
    case Op.BLENDVPS: for (let l = 0; l < 4; l++) i[t + l] = i[XMM_I32 + l] < 0 ? i[s + l] : i[d + l]; break;
    case Op.BLENDVPD: for (let l = 0; l < 4; l += 2) { const m = i[XMM_I32 + l + 1] < 0; i[t + l] = m ? i[s + l] : i[d + l]; i[t + l + 1] = m ? i[s + l + 1] : i[d + l + 1]; } break;
    case Op.BLENDPS: for (let l = 0; l < 4; l++) i[t + l] = im & (1 << l) ? i[s + l] : i[d + l]; break;
    case Op.BLENDPD: for (let l = 0; l < 4; l++) i[t + l] = im & (1 << (l >> 1)) ? i[s + l] : i[d + l]; break;
    case Op.PBLENDW: for (let l = 0; l < 8; l++) u16[tw + l] = im & (1 << l) ? u16[sw + l] : u16[dw + l]; break;
    case Op.PTEST: {
      let z = true, c = true;
      for (let l = 0; l < 4; l++) {
        if ((i[d + l] & i[s + l]) !== 0) z = false;
        if ((~i[d + l] & i[s + l]) !== 0) c = false;
      }
      setBits(cpu.g, (z ? ZF : 0) | (c ? CF : 0));
      return CONT;
    }
    case Op.PMOVSXBW: for (let l = 0; l < 8; l++) i16[tw + l] = i8[sb + l]; break;
    case Op.PMOVSXBD: for (let l = 0; l < 4; l++) i[t + l] = i8[sb + l]; break;
    case Op.PMOVSXBQ: for (let l = 0; l < 2; l++) { const v = i8[sb + l]; i[t + 2 * l] = v; i[t + 2 * l + 1] = v >> 31; } break;
    case Op.PMOVSXWD: for (let l = 0; l < 4; l++) i[t + l] = i16[sw + l]; break;
    case Op.PMOVSXWQ: for (let l = 0; l < 2; l++) { const v = i16[sw + l]; i[t + 2 * l] = v; i[t + 2 * l + 1] = v >> 31; } break;
    case Op.PMOVSXDQ: for (let l = 0; l < 2; l++) { const v = i[s + l]; i[t + 2 * l] = v; i[t + 2 * l + 1] = v >> 31; } break;
    case Op.PMOVZXBW: for (let l = 0; l < 8; l++) u16[tw + l] = u8[sb + l]; break;
    case Op.PMOVZXBD: for (let l = 0; l < 4; l++) i[t + l] = u8[sb + l]; break;
    case Op.PMOVZXBQ: for (let l = 0; l < 2; l++) { i[t + 2 * l] = u8[sb + l]; i[t + 2 * l + 1] = 0; } break;
    case Op.PMOVZXWD: for (let l = 0; l < 4; l++) i[t + l] = u16[sw + l]; break;
    case Op.PMOVZXWQ: for (let l = 0; l < 2; l++) { i[t + 2 * l] = u16[sw + l]; i[t + 2 * l + 1] = 0; } break;
    case Op.PMOVZXDQ: for (let l = 0; l < 2; l++) { i[t + 2 * l] = i[s + l]; i[t + 2 * l + 1] = 0; } break;
    case Op.PMULDQ:
      for (let l = 0; l < 4; l += 2) {
        const a = i[d + l], b = i[s + l];
        i[t + l] = Math.imul(a, b);
        i[t + l + 1] = mulHi32s(a, b);
      }
      break;
    case Op.PCMPEQQ: for (let l = 0; l < 4; l += 2) { const e = i[d + l] === i[s + l] && i[d + l + 1] === i[s + l + 1] ? -1 : 0; i[t + l] = e; i[t + l + 1] = e; } break;
    case Op.PCMPGTQ: {
      for (let l = 0; l < 4; l += 2) {
        const ah = i[d + l + 1], bh = i[s + l + 1];
        const gt = ah !== bh ? ah > bh : i[d + l] >>> 0 > i[s + l] >>> 0;
        i[t + l] = gt ? -1 : 0; i[t + l + 1] = gt ? -1 : 0;
      }
      break;
    }
    case Op.PACKUSDW: for (let l = 0; l < 4; l++) { u16[tw + l] = us16(i[d + l]); u16[tw + 4 + l] = us16(i[s + l]); } break;
    case Op.PMINSB: for (let l = 0; l < 16; l++) i8[tb + l] = Math.min(i8[db + l], i8[sb + l]); break;
    case Op.PMAXSB: for (let l = 0; l < 16; l++) i8[tb + l] = Math.max(i8[db + l], i8[sb + l]); break;
    case Op.PMINUW: for (let l = 0; l < 8; l++) u16[tw + l] = Math.min(u16[dw + l], u16[sw + l]); break;
    case Op.PMAXUW: for (let l = 0; l < 8; l++) u16[tw + l] = Math.max(u16[dw + l], u16[sw + l]); break;
    case Op.PMINSD: for (let l = 0; l < 4; l++) i[t + l] = Math.min(i[d + l], i[s + l]); break;
    case Op.PMAXSD: for (let l = 0; l < 4; l++) i[t + l] = Math.max(i[d + l], i[s + l]); break;
    case Op.PMINUD: for (let l = 0; l < 4; l++) i[t + l] = i[d + l] >>> 0 < i[s + l] >>> 0 ? i[d + l] : i[s + l]; break;
    case Op.PMAXUD: for (let l = 0; l < 4; l++) i[t + l] = i[d + l] >>> 0 > i[s + l] >>> 0 ? i[d + l] : i[s + l]; break;
    case Op.PMULLD: for (let l = 0; l < 4; l++) i[t + l] = Math.imul(i[d + l], i[s + l]); break;
    case Op.PHMINPOSUW: {
      let m = u16[sw], idx = 0;
      for (let l = 1; l < 8; l++) if (u16[sw + l] < m) { m = u16[sw + l]; idx = l; }
      i[t] = m | (idx << 16); i[t + 1] = 0; i[t + 2] = 0; i[t + 3] = 0;
      break;
    }
    case Op.ROUNDPS: case Op.ROUNDSS: {
      const rc = im & 4 ? mxcsrRc(cpu) : im & 3;
      copy4(i, t, d);
      const n = op === Op.ROUNDSS ? 1 : 4;
      for (let l = 0; l < n; l++) {
        const v = f32[s + l];
        if (v !== v) i[t + l] = i[s + l] | 0x400000;
        else f32[t + l] = roundKeepSign(v, rc);
      }
      break;
    }
    case Op.ROUNDPD: case Op.ROUNDSD: {
      const rc = im & 4 ? mxcsrRc(cpu) : im & 3;
      copy4(i, t, d);
      const n = op === Op.ROUNDSD ? 1 : 2;
      for (let l = 0; l < n; l++) {
        const v = f64[(s >> 1) + l];
        if (v !== v) { i[t + 2 * l] = i[s + 2 * l]; i[t + 2 * l + 1] = i[s + 2 * l + 1] | 0x80000; }
        else f64[(t >> 1) + l] = roundKeepSign(v, rc);
      }
      break;
    }
    // SSE4.2 string compares
    case Op.PCMPESTRI: case Op.PCMPESTRM: case Op.PCMPISTRI: case Op.PCMPISTRM:
      return pcmpstr(cpu, inst, d, s, im);
    // AES-NI
    case Op.AESENC: case Op.AESENCLAST: case Op.AESDEC: case Op.AESDECLAST: {
      const kind = op === Op.AESENC ? 0 : op === Op.AESENCLAST ? 1 : op === Op.AESDEC ? 2 : 3;
      aesRound(u8, db, tb, kind);
      for (let l = 0; l < 4; l++) i[t + l] ^= i[s + l];
      break;
    }
    case Op.AESIMC: {
      const tmp = new Uint8Array(16);
      for (let l = 0; l < 16; l++) tmp[l] = u8[sb + l];
      mixColumns(tmp, true);
      for (let l = 0; l < 16; l++) u8[tb + l] = tmp[l];
      break;
    }
    case Op.AESKEYGENASSIST: {
      const x1 = subWord(i[s + 1]), x3 = subWord(i[s + 3]);
      const ror8 = (x: number): number => (x >>> 8) | (x << 24);
      i[t] = x1; i[t + 1] = ror8(x1) ^ im; i[t + 2] = x3; i[t + 3] = ror8(x3) ^ im;
      break;
    }
    case Op.PCLMULQDQ: {
      const a = d + (im & 1 ? 2 : 0), b = s + (im & 0x10 ? 2 : 0);
      const alo = i[a], ahi = i[a + 1], blo = i[b], bhi = i[b + 1];
      let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
      for (let k = 0; k < 64; k++) {
        const bit = k < 32 ? (blo >>> k) & 1 : (bhi >>> (k - 32)) & 1;
        if (bit === 0) continue;
        // XOR (ahi:alo) << k into r3:r2:r1:r0.
        const w = k >>> 5, sh = k & 31;
        const p0 = alo << sh, p1 = sh === 0 ? ahi : (ahi << sh) | (alo >>> (32 - sh)), p2 = sh === 0 ? 0 : ahi >>> (32 - sh);
        if (w === 0) { r0 ^= p0; r1 ^= p1; r2 ^= p2; } else { r1 ^= p0; r2 ^= p1; r3 ^= p2; }
      }
      i[t] = r0; i[t + 1] = r1; i[t + 2] = r2; i[t + 3] = r3;
      break;
    }
    default:
      return UNHANDLED;
  }
  copy4(i, d, t);
  void TMP2;
  return CONT;
}

function mulHi32s(a: number, b: number): number {
  // High 32 bits of the signed 64-bit product, from 16-bit limbs of |a|, |b|.
  const neg = (a < 0) !== (b < 0);
  const x = Math.abs(a), y = Math.abs(b);
  const xl = x % 65536, xh = Math.floor(x / 65536), yl = y % 65536, yh = Math.floor(y / 65536);
  const ll = xl * yl, mid = xh * yl + xl * yh, hh = xh * yh;
  const lowFull = ll + (mid % 65536) * 65536;
  let lo = lowFull % 4294967296;
  let hi = hh + Math.floor(mid / 65536) + Math.floor(lowFull / 4294967296);
  if (neg) {
    lo = lo === 0 ? 0 : 4294967296 - lo;
    hi = lo === 0 ? -hi : -hi - 1;
  }
  return hi | 0;
}

function roundKeepSign(v: number, rc: number): number {
  const r = roundRc(v, rc);
  return r === 0 ? (v < 0 || Object.is(v, -0) ? -0 : 0) : r;
}

function opName(op: number): string {
  const k = OP_NAMES[op];
  if (k !== undefined) return k;
  return "?";
}

/** PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM (SDM vol. 2, 4.1). */
function pcmpstr(cpu: CpuCore, inst: Inst, d: number, s: number, im: number): number {
  const st = cpu.s;
  const words = (im & 1) !== 0;
  const signed = (im & 2) !== 0;
  const agg = (im >> 2) & 3;
  const pol = (im >> 4) & 3;
  const n = words ? 8 : 16;
  const el = (base: number, k: number): number => {
    if (words) return signed ? st.i16[base * 2 + k] : st.u16[base * 2 + k];
    return signed ? st.i8[base * 4 + k] : st.u8[base * 4 + k];
  };
  const explicit = inst.op === Op.PCMPESTRI || inst.op === Op.PCMPESTRM;
  const g = cpu.g;
  let la: number, lb: number;
  if (explicit) {
    const w = (inst.pfx & (1 << 6)) !== 0; // REX.W: 64-bit lengths
    const absLen = (lo: number, hi: number): number => {
      if (w) {
        if (hi < 0) return hi === -1 && lo !== 0 ? Math.min(n, -lo >>> 0) : n;
        return hi > 0 ? n : Math.min(n, lo >>> 0);
      }
      return Math.min(n, Math.abs(lo | 0));
    };
    la = absLen(g[GprI32.RAX], g[GprI32.RAX_HI]);
    lb = absLen(g[GprI32.RDX], g[GprI32.RDX_HI]);
  } else {
    la = n;
    for (let k = 0; k < n; k++) if (el(d, k) === 0) { la = k; break; }
    lb = n;
    for (let k = 0; k < n; k++) if (el(s, k) === 0) { lb = k; break; }
  }
  let res = 0;
  for (let j = 0; j < n; j++) {
    let bit = 0;
    switch (agg) {
      case 0: // equal any
        if (j < lb) for (let k = 0; k < la; k++) if (el(d, k) === el(s, j)) { bit = 1; break; }
        break;
      case 1: // ranges
        if (j < lb) {
          const b = el(s, j);
          for (let k = 0; k + 1 < la; k += 2) if (el(d, k) <= b && b <= el(d, k + 1)) { bit = 1; break; }
        }
        break;
      case 2: // equal each
        if (j >= la && j >= lb) bit = 1;
        else if (j < la && j < lb) bit = el(d, j) === el(s, j) ? 1 : 0;
        break;
      default: { // equal ordered
        bit = 1;
        for (let k = 0; k < n - j; k++) {
          if (k >= la) break;
          if (j + k >= lb) { bit = 0; break; }
          if (el(d, k) !== el(s, j + k)) { bit = 0; break; }
        }
        break;
      }
    }
    res |= bit << j;
  }
  const mask = (1 << n) - 1;
  if (pol === 1) res = ~res & mask;
  else if (pol === 3) res = (res ^ ((1 << lb) - 1)) & mask;
  const indexOut = inst.op === Op.PCMPESTRI || inst.op === Op.PCMPISTRI;
  if (indexOut) {
    let idx = n;
    if (res !== 0) idx = im & 0x40 ? 31 - Math.clz32(res) : 31 - Math.clz32(res & -res);
    g[GprI32.RCX] = idx;
    g[GprI32.RCX_HI] = 0;
  } else {
    const x0 = XMM_I32;
    const i = st.i32;
    if (im & 0x40) {
      for (let k = 0; k < n; k++) {
        const v = (res >> k) & 1 ? (words ? 0xffff : 0xff) : 0;
        if (words) st.u16[x0 * 2 + k] = v;
        else st.u8[x0 * 4 + k] = v;
      }
    } else {
      i[x0] = res; i[x0 + 1] = 0; i[x0 + 2] = 0; i[x0 + 3] = 0;
    }
  }
  let f = 0;
  if (res !== 0) f |= CF;
  if (lb < n) f |= ZF;
  if (la < n) f |= SF;
  if (res & 1) f |= OF;
  setBits(g, f);
  return CONT;
}

