// The x86-64 (64-bit mode) instruction decoder: prefixes, REX/VEX/EVEX, the opcode maps of
// tables.ts, ModRM/SIB/displacement (incl. EVEX disp8*N), immediates. Fills a caller-owned
// Inst without allocating and never throws: undecodable bytes give op = Op.INVALID.

import { Inst, K, P, R, resetInst } from "./inst.js";
import { Op } from "./ops.generated.js";
import {
  FF, Form, NK, Node, OK, SZ, T0, T0F, T0F38, T0F3A, TE0F, TE0F38, TE0F3A, TX87MEM, TX87REG,
} from "./tables.js";

// The constants the decoder compares against, as module-level constants: until V8 optimizes
// decode() (a large function, optimized late in a short run), every `OK.E` in a switch is a
// property load through an inline cache, and a constant is a plain slot read.
const OK_B = OK.B, OK_C = OK.C, OK_D = OK.D, OK_E = OK.E, OK_F = OK.F, OK_FIXED = OK.FIXED, OK_G = OK.G,
  OK_H = OK.H, OK_I = OK.I, OK_J = OK.J, OK_K = OK.K, OK_L = OK.L, OK_M = OK.M, OK_N = OK.N, OK_O = OK.O,
  OK_ONE = OK.ONE, OK_P = OK.P, OK_Q = OK.Q, OK_R = OK.R, OK_S = OK.S, OK_T = OK.T, OK_U = OK.U, OK_V = OK.V,
  OK_W = OK.W, OK_X = OK.X, OK_Y = OK.Y, OK_Z = OK.Z;
const SZ_b = SZ.b, SZ_bs = SZ.bs, SZ_d = SZ.d, SZ_dq = SZ.dq, SZ_e = SZ.e, SZ_f = SZ.f, SZ_h = SZ.h,
  SZ_m = SZ.m, SZ_p = SZ.p, SZ_q = SZ.q, SZ_qq = SZ.qq, SZ_t = SZ.t, SZ_v = SZ.v, SZ_w = SZ.w, SZ_x = SZ.x,
  SZ_y = SZ.y, SZ_z = SZ.z, SZ_zz = SZ.zz;
const FF_B4 = FF.B4, FF_B8 = FF.B8, FF_BYTE = FF.BYTE, FF_CC = FF.CC, FF_D64 = FF.D64, FF_F64 = FF.F64;
const NK_ENC = NK.ENC, NK_FORM = NK.FORM, NK_L = NK.L, NK_MOD = NK.MOD, NK_PFX = NK.PFX, NK_REG = NK.REG,
  NK_RM = NK.RM, NK_W = NK.W;
const K_IMM = K.IMM, K_IMM2 = K.IMM2, K_MEM = K.MEM, K_REG = K.REG, K_REL = K.REL;
const P_ADDRSIZE = P.ADDRSIZE, P_BND = P.BND, P_EVEX = P.EVEX, P_EVEX_BCST = P.EVEX_BCST,
  P_EVEX_RC = P.EVEX_RC, P_EVEX_Z = P.EVEX_Z, P_HINT_NT = P.HINT_NT, P_HINT_T = P.HINT_T, P_LOCK = P.LOCK,
  P_NOTRACK = P.NOTRACK, P_OPSIZE = P.OPSIZE, P_OPSIZE_UNUSED = P.OPSIZE_UNUSED,
  P_OPSIZE_USED = P.OPSIZE_USED, P_REP = P.REP, P_REPNE = P.REPNE, P_REX = P.REX, P_REX_B = P.REX_B,
  P_REX_R = P.REX_R, P_REX_UNUSED = P.REX_UNUSED, P_REX_W = P.REX_W, P_REX_X = P.REX_X, P_VEX = P.VEX;
const R_AH = R.AH, R_CR0 = R.CR0, R_CS = R.CS, R_DR0 = R.DR0, R_DS = R.DS, R_ES = R.ES, R_FS = R.FS,
  R_GS = R.GS, R_K0 = R.K0, R_MM0 = R.MM0, R_RIP = R.RIP, R_SS = R.SS, R_ST0 = R.ST0, R_XMM0 = R.XMM0;
const Op_CALL = Op.CALL, Op_INVALID = Op.INVALID, Op_JCC = Op.JCC, Op_JMP = Op.JMP, Op_RET = Op.RET;

// Decoder state for the instruction being decoded (module-level: no allocation per call).
let code: Uint8Array = new Uint8Array(0);
let pos = 0;
let end = 0;
let short = false;
let rexW = 0, rexR = 0, rexX = 0, rexB = 0, hasRex = false, rexByte = 0, rexUsed = 0;
let evexR2 = 0, evexV2 = 0, vvvv = 0, vl = 16, isVex = false, isEvex = false, evexB = 0;
let mod = 0, reg = 0, rm = 0, hasModrm = false;
let opsize = 4;
let memOperand = -1;
let rawDisp8 = false;

function rd(): number {
  if (pos >= end) { short = true; return 0; }
  return code[pos++]!;
}
function rd16(): number { const a = rd(); return a | (rd() << 8); }
function rd32(): number { const a = rd16(); return (a | (rd16() << 16)) | 0; }

function invalid(out: Inst, consumed: number): void {
  const addr = out.addr;
  resetInst(out);
  out.addr = addr;
  out.op = Op_INVALID;
  out.len = consumed < 1 ? 1 : consumed > 15 ? 15 : consumed;
}

function setOpnd(out: Inst, i: number, k: number, r: number, s: number): void {
  switch (i) {
    case 0: out.k0 = k; out.r0 = r; out.s0 = s; break;
    case 1: out.k1 = k; out.r1 = r; out.s1 = s; break;
    case 2: out.k2 = k; out.r2 = r; out.s2 = s; break;
    default: out.k3 = k; out.r3 = r; out.s3 = s; break;
  }
}

/** GPR operand size in bytes for a size code. */
function gsz(c: number): number {
  switch (c) {
    case SZ_b: return 1;
    case SZ_w: return 2;
    case SZ_d: return 4;
    case SZ_q: return 8;
    case SZ_v: return opsize;
    case SZ_y: return rexW ? 8 : 4;
    case SZ_z: return opsize === 2 ? 2 : 4;
    case SZ_t: return 10;
    case SZ_p: return opsize === 8 ? 10 : opsize + 2;
    case SZ_dq: return 16;
    case SZ_qq: return 32;
    default: return 0;
  }
}
/** Vector register width for a size code. */
function vregsz(c: number): number {
  switch (c) {
    case SZ_x: case SZ_m: return vl;
    case SZ_h: return vl > 16 ? vl >> 1 : 16;
    case SZ_qq: return 32;
    case SZ_zz: return 64;
    default: return 16;
  }
}
/** Vector memory access width for a size code. */
function vmemsz(c: number): number {
  switch (c) {
    case SZ_x: return vl;
    case SZ_h: return vl >> 1;
    case SZ_f: return vl >> 2;
    case SZ_e: return vl >> 3;
    case SZ_b: return 1;
    case SZ_w: return 2;
    case SZ_d: return 4;
    case SZ_q: return 8;
    case SZ_t: return 10;
    case SZ_dq: return 16;
    case SZ_qq: return 32;
    case SZ_zz: return 64;
    default: return 0;
  }
}

function gpr(n: number, size: number): number {
  if (size === 1 && n >= 4) rexUsed |= 0x40;
  if (size === 1 && !hasRex && !isVex && n >= 4 && n < 8) return R_AH + (n - 4);
  return n;
}

/** Parse SIB/displacement of the memory operand (ModRM already read, mod != 3). */
function parseMem(out: Inst, vsib: boolean): void {
  const a32 = (out.pfx & P_ADDRSIZE) !== 0;
  rexUsed |= 1;
  out.addrsize = a32 ? 4 : 8;
  let base = -1, index = -1, scale = 1, disp = 0;
  if (rm === 4) {
    const sib = rd();
    rexUsed |= 2 | ((sib & 7) === 5 && mod === 0 ? 0 : 1);
    scale = 1 << (sib >> 6);
    const idx = ((sib >> 3) & 7) | (rexX << 3);
    if (vsib) index = R_XMM0 + idx + (isEvex ? evexV2 << 4 : 0);
    else if (idx !== 4) index = idx;
    const b = sib & 7;
    if (b === 5 && mod === 0) { disp = rd32(); }
    else base = b | (rexB << 3);
  } else if (rm === 5 && mod === 0) {
    base = R_RIP;
    disp = rd32();
  } else {
    base = rm | (rexB << 3);
    rexUsed |= 1;
  }
  if (mod === 1) { disp = (rd() << 24) >> 24; rawDisp8 = true; }
  else if (mod === 2) disp = rd32();
  out.base = base; out.index = index; out.scale = scale; out.disp = disp;
}

function walk(n: Node | null, mp: number): Node | null {
  while (n !== null && n.kind !== NK_FORM) {
    switch (n.kind) {
      case NK_PFX: {
        const k = n.kids;
        if (isVex) { n = k[mp] ?? null; break; }
        let next = k[mp] ?? null;
        if (next === null && mp === 1 && n.same66) {
          // 66 selects the 16-bit form of the no-prefix instruction (objdump: no data16).
          next = k[0] ?? null;
          mpUsed = 4;
        } else if (next === null && mp !== 0) {
          // The prefix is not part of this opcode: fall back (the prefix stays a prefix).
          next = mp >= 2 && k[1] && mpHas66 ? k[1] : k[0] ?? null;
          mpUsed = next === k[1] && next !== null ? 1 : 0;
        } else mpUsed = mp;
        n = next;
        break;
      }
      case NK_MOD: n = n.kids[mod === 3 ? 1 : 0] ?? null; break;
      case NK_REG: n = n.kids[reg & 7] ?? null; break;
      case NK_RM: n = mod === 3 ? n.kids[rm & 7] ?? null : null; break;
      case NK_W: n = n.kids[rexW] ?? null; rexUsed |= 8; break;
      case NK_L: n = n.kids[vl === 16 ? 0 : 1] ?? null; break;
      case NK_ENC: n = n.kids[isVex ? 1 : 0] ?? null; break;
      default: return null;
    }
  }
  return n;
}
let mpUsed = 0;
let mpHas66 = false;

/** Whether a one-byte opcode reads a ModRM byte (also looked up for VEX/EVEX map 0). */
function modrm0(opc: number): boolean {
  if (opc >= 0xd8 && opc <= 0xdf) return true;
  const n = T0.get(opc);
  return n !== null && n.modrm;
}

/**
 * Decode one instruction at code[offset] whose address is addr into out. Never throws.
 * At most 15 bytes (and no byte at or past `limit`, default code.length) are read: a caller
 * with a reused fetch buffer passes the count it holds instead of allocating a subarray.
 */
export function decode(bytes: Uint8Array, offset: number, addr: number, out: Inst, limit: number = bytes.length): void {
  // An address below 2^31 is stored as a small integer even when the caller computed it as a
  // double (RIP kept in a Float64Array): V8 then keeps Inst.addr/target unboxed, not as heap
  // numbers allocated per record. (The vDSO sits below the executable for the same reason.)
  if (addr >= 0 && addr < 0x80000000) addr |= 0;
  // A record never decoded into (len 0: fresh from newInst, or reset) is already in its reset
  // state; the decode cache fills only fresh records.
  if (out.len !== 0) resetInst(out);
  out.addr = addr;
  code = bytes; pos = offset; short = false;
  end = Math.min(bytes.length, limit, offset + 15);
  rexW = rexR = rexX = rexB = 0; hasRex = false; rexByte = 0; rexUsed = 0;
  evexR2 = evexV2 = 0; vvvv = 0; vl = 16; isVex = false; isEvex = false; evexB = 0;
  mod = reg = rm = 0; hasModrm = false; memOperand = -1; rawDisp8 = false;
  let pfx = 0, lastRep = 0, seg = -1;
  // Legacy prefixes and REX.
  let b: number;
  for (;;) {
    if (pos >= end) { invalid(out, pos - offset); return; }
    b = code[pos]!;
    let isPfx = true;
    switch (b) {
      case 0xf0: pfx |= P_LOCK; break;
      case 0xf2: pfx |= P_REPNE; lastRep = 0xf2; break;
      case 0xf3: pfx |= P_REP; lastRep = 0xf3; break;
      case 0x2e: seg = R_CS; break;
      case 0x36: seg = R_SS; break;
      case 0x3e: seg = R_DS; break;
      case 0x26: seg = R_ES; break;
      case 0x64: seg = R_FS; break;
      case 0x65: seg = R_GS; break;
      case 0x66: pfx |= P_OPSIZE; break;
      case 0x67: pfx |= P_ADDRSIZE; break;
      default: isPfx = false;
    }
    if (isPfx) { hasRex = false; rexByte = 0; rexW = rexR = rexX = rexB = 0; pfx &= ~(P_REX | P_REX_W | P_REX_R | P_REX_X | P_REX_B); pos++; continue; }
    if ((b & 0xf0) === 0x40) {
      hasRex = true;
      rexByte = b;
      rexW = (b >> 3) & 1; rexR = (b >> 2) & 1; rexX = (b >> 1) & 1; rexB = b & 1;
      pfx = (pfx & ~(P_REX_W | P_REX_R | P_REX_X | P_REX_B)) | P_REX |
        (rexW ? P_REX_W : 0) | (rexR ? P_REX_R : 0) | (rexX ? P_REX_X : 0) | (rexB ? P_REX_B : 0);
      pos++;
      continue;
    }
    break;
  }
  out.pfx = pfx;
  out.seg = seg;
  mpHas66 = (pfx & P_OPSIZE) !== 0;
  let mp = lastRep === 0xf3 ? 2 : lastRep === 0xf2 ? 3 : mpHas66 ? 1 : 0;
  let map = 0;
  let root: Node | null;
  let eroot: Node | null = null;
  let opc = rd();
  if (opc === 0x0f) {
    opc = rd();
    if (opc === 0x38) { map = 2; opc = rd(); root = T0F38.get(opc); }
    else if (opc === 0x3a) { map = 3; opc = rd(); root = T0F3A.get(opc); }
    else { map = 1; root = T0F.get(opc); }
  } else if (opc === 0xc4 || opc === 0xc5) {
    if (hasRex || (pfx & (P_OPSIZE | P_REP | P_REPNE | P_LOCK)) !== 0) { invalid(out, pos - offset); return; }
    isVex = true;
    const b1 = rd();
    rexR = (~b1 >> 7) & 1;
    let pp: number;
    if (opc === 0xc5) {
      map = 1; rexX = 0; rexB = 0; rexW = 0;
      vvvv = (~b1 >> 3) & 15; vl = b1 & 4 ? 32 : 16; pp = b1 & 3;
    } else {
      rexX = (~b1 >> 6) & 1; rexB = (~b1 >> 5) & 1; map = b1 & 31;
      const b2 = rd();
      rexW = b2 >> 7; vvvv = (~b2 >> 3) & 15; vl = b2 & 4 ? 32 : 16; pp = b2 & 3;
    }
    pfx |= P_VEX | (rexW ? P_REX_W : 0) | (rexR ? P_REX_R : 0) | (rexX ? P_REX_X : 0) | (rexB ? P_REX_B : 0);
    out.pfx = pfx;
    mp = pp === 1 ? 1 : pp === 2 ? 2 : pp === 3 ? 3 : 0;
    opc = rd();
    root = map === 1 ? T0F.get(opc) : map === 2 ? T0F38.get(opc) : map === 3 ? T0F3A.get(opc) : null;
  } else if (opc === 0x62) {
    if (hasRex || (pfx & (P_OPSIZE | P_REP | P_REPNE | P_LOCK)) !== 0) { invalid(out, pos - offset); return; }
    isVex = true; isEvex = true;
    const p0 = rd(), p1 = rd(), p2 = rd();
    rexR = (~p0 >> 7) & 1; rexX = (~p0 >> 6) & 1; rexB = (~p0 >> 5) & 1; evexR2 = (~p0 >> 4) & 1;
    map = p0 & 7;
    rexW = p1 >> 7; vvvv = (~p1 >> 3) & 15;
    const pp = p1 & 3;
    const z = p2 >> 7, ll = (p2 >> 5) & 3;
    evexB = (p2 >> 4) & 1; evexV2 = (~p2 >> 3) & 1;
    out.mask = p2 & 7;
    vl = ll === 0 ? 16 : ll === 1 ? 32 : 64;
    if ((p1 & 4) === 0 || ll === 3) { invalid(out, pos - offset); return; }
    pfx |= P_EVEX | (z ? P_EVEX_Z : 0) | (rexW ? P_REX_W : 0) | (rexR ? P_REX_R : 0) | (rexX ? P_REX_X : 0) | (rexB ? P_REX_B : 0);
    out.pfx = pfx;
    mp = pp === 1 ? 1 : pp === 2 ? 2 : pp === 3 ? 3 : 0;
    opc = rd();
    root = map === 1 ? T0F.get(opc) : map === 2 ? T0F38.get(opc) : map === 3 ? T0F3A.get(opc) : null;
    eroot = map === 1 ? TE0F.get(opc) : map === 2 ? TE0F38.get(opc) : map === 3 ? TE0F3A.get(opc) : null;
  } else {
    root = T0.get(opc);
    // 90 with REX.B is XCHG r8,rAX, not NOP.
    if (opc === 0x90 && rexB) root = T0.get(0x91);
    if (opc >= 0xd8 && opc <= 0xdf) root = null;
  }
  if (short) { invalid(out, pos - offset); return; }
  out.map = map;
  out.opcode = opc;
  const isX87 = map === 0 && opc >= 0xd8 && opc <= 0xdf && !isVex;
  const needModrm = isX87 || (map === 0 ? modrm0(opc) : map >= 2 || (root !== null && root.modrm) || (eroot !== null && eroot.modrm));
  if (needModrm) {
    const m = rd();
    if (short) { invalid(out, pos - offset); return; }
    hasModrm = true;
    out.modrm = m;
    mod = m >> 6; reg = (m >> 3) & 7; rm = m & 7;
  }
  if (isEvex && evexB && mod === 3) vl = 64;
  let node: Node | null;
  mpUsed = 0;
  if (isX87) {
    const esc = opc - 0xd8;
    node = mod === 3 ? TX87REG[esc]![reg]! : TX87MEM[esc]![reg]!;
    node = walk(node, 0);
  } else {
    node = null;
    if (eroot !== null) node = walk(eroot, mp);
    if (node === null || (node.vex === null)) node = walk(root, mp);
  }
  const form: Form | null = node === null ? null : isVex ? node.vex : node.leg;
  if (form === null) { invalid(out, pos - offset); return; }
  // Mandatory prefix consumed: clear it from the prefix bits.
  if (!isVex) {
    if (mpUsed === 1) out.pfx |= P_OPSIZE_USED;
    else if (mpUsed === 2) out.pfx &= ~P_REP;
    else if (mpUsed === 3) out.pfx &= ~P_REPNE;
  }
  const flags = form.flags;
  // Operand size.
  if (flags & FF_F64) opsize = 8;
  else if (rexW) opsize = 8;
  else if ((out.pfx & P_OPSIZE) !== 0 && mpUsed !== 1) opsize = 2;
  else if (flags & FF_D64) opsize = 8;
  else opsize = 4;
  if (flags & FF_BYTE) opsize = 1;
  out.op = form.op;
  if (form.op === Op_JCC && (seg === R_CS || seg === R_DS)) out.pfx |= seg === R_CS ? P_HINT_NT : P_HINT_T;
  out.cond = form.cond >= 0 ? form.cond : (flags & FF_CC) !== 0 ? opc & 15 : 0;
  // Memory operand: SIB and displacement.
  const opnds = form.opnds;
  if (form.rmIsReg) mod = 3;
  if (hasModrm && mod !== 3) parseMem(out, form.vsib);
  if (short) { invalid(out, pos - offset); return; }
  // Operands.
  let vecOp = false;
  let nimm = 0;
  let relSize = 0;
  let memSize = 0;
  const regR = reg | (rexR << 3) | (evexR2 << 4);
  const sizeDep = form.sizeDep;
  const wDep = form.wDep;
  for (let i = 0; i < opnds.length; i++) {
    const o = opnds[i]!;
    switch (o.kind) {
      case OK_G: case OK_V: case OK_C: case OK_D: rexUsed |= 4; break;
      case OK_Z: rexUsed |= 1; break;
      case OK_E: case OK_W: case OK_R: case OK_U: if (mod === 3) rexUsed |= 1; break;
      default: break;
    }
    switch (o.kind) {
      case OK_E: case OK_Q: case OK_W: case OK_Y: case OK_M: case OK_X: {
        if (mod === 3) {
          if (o.kind === OK_M || o.kind === OK_X) { invalid(out, pos - offset); return; }
          if (o.kind === OK_E) { const s = gsz(o.size); setOpnd(out, i, K_REG, gpr(rm | (rexB << 3), s), s); }
          else if (o.kind === OK_Q) setOpnd(out, i, K_REG, R_MM0 + rm, 8);
          else if (o.kind === OK_Y) setOpnd(out, i, K_REG, R_K0 + rm, 8);
          else { setOpnd(out, i, K_REG, R_XMM0 + (rm | (rexB << 3) | (isEvex ? rexX << 4 : 0)), vregsz(o.size)); vecOp = true; }
        } else {
          let s: number;
          if (o.kind === OK_W || o.kind === OK_X) { s = vmemsz(o.size); vecOp = true; }
          else if (o.kind === OK_Q) s = o.size === SZ_d ? 4 : 8;
          else if (o.size >= SZ_x && o.size <= SZ_zz) s = vmemsz(o.size);
          else s = gsz(o.size);
          setOpnd(out, i, K_MEM, -1, s);
          memOperand = i; memSize = s;
        }
        break;
      }
      case OK_R: case OK_U: case OK_N: {
        if (mod !== 3 && o.kind !== OK_R) { invalid(out, pos - offset); return; }
        if (o.kind === OK_R) { const s = gsz(o.size); setOpnd(out, i, K_REG, gpr(rm | (rexB << 3), s), s); }
        else if (o.kind === OK_N) setOpnd(out, i, K_REG, R_MM0 + rm, 8);
        else { setOpnd(out, i, K_REG, R_XMM0 + (rm | (rexB << 3) | (isEvex ? rexX << 4 : 0)), vregsz(o.size)); vecOp = true; }
        break;
      }
      case OK_G: { const s = gsz(o.size); setOpnd(out, i, K_REG, gpr(reg | (rexR << 3), s), s); break; }
      case OK_B: { const s = gsz(o.size); setOpnd(out, i, K_REG, vvvv, s); break; }
      case OK_Z: { const s = gsz(o.size); setOpnd(out, i, K_REG, gpr((opc & 7) | (rexB << 3), s), s); break; }
      case OK_V: setOpnd(out, i, K_REG, R_XMM0 + regR, vregsz(o.size)); vecOp = true; break;
      case OK_H: setOpnd(out, i, K_REG, R_XMM0 + (vvvv | (evexV2 << 4)), vregsz(o.size)); vecOp = true; break;
      case OK_P: setOpnd(out, i, K_REG, R_MM0 + reg, 8); break;
      case OK_S: if (reg > 5) { invalid(out, pos - offset); return; } setOpnd(out, i, K_REG, R_ES + reg, 2); break;
      case OK_C: setOpnd(out, i, K_REG, R_CR0 + (reg | (rexR << 3)), 8); break;
      case OK_D: setOpnd(out, i, K_REG, R_DR0 + (reg | (rexR << 3)), 8); break;
      case OK_K: setOpnd(out, i, K_REG, R_K0 + reg, 8); break;
      case OK_T: setOpnd(out, i, K_REG, R_K0 + (vvvv & 7), 8); break;
      case OK_F: setOpnd(out, i, K_REG, R_ST0 + rm, 10); break;
      case OK_FIXED: {
        let s = gsz(o.size);
        if (o.fixed >= R_XMM0 && o.fixed < R_MM0) s = 16;
        else if (o.fixed === R_ST0) s = 10;
        setOpnd(out, i, K_REG, o.fixed, s);
        break;
      }
      case OK_ONE: setOpnd(out, i, K_IMM, -1, 1); out.imm = 1; break;
      case OK_I: case OK_L: {
        if (nimm > 0) {
          // ENTER's second immediate.
          setOpnd(out, i, K_IMM2, -1, 1);
          nimm++;
          break;
        }
        nimm++;
        setOpnd(out, i, K_IMM, -1, o.kind === OK_L ? 1 : o.size === SZ_bs ? opsize : o.size === SZ_b ? 1 : o.size === SZ_w ? 2 : o.size === SZ_z ? (opsize === 8 ? 8 : opsize) : opsize);
        break;
      }
      case OK_J: relSize = o.size === SZ_b ? 1 : 4; setOpnd(out, i, K_REL, -1, 8); break;
      case OK_O: setOpnd(out, i, K_MEM, -1, 0); memOperand = i; break;
      default: invalid(out, pos - offset); return;
    }
  }
  // EVEX broadcast: the memory operand is one element.
  if (isEvex && evexB && memOperand >= 0) {
    memSize = (flags & FF_B4) ? 4 : (flags & FF_B8) ? 8 : rexW ? 8 : 4;
    if (memOperand === 0) out.s0 = memSize; else if (memOperand === 1) out.s1 = memSize; else if (memOperand === 2) out.s2 = memSize; else out.s3 = memSize;
  }
  // EVEX compressed displacement.
  if (isEvex && rawDisp8 && memOperand >= 0) {
    const n = memSize > 0 ? memSize : vl;
    out.disp *= n;
  }
  if (isEvex) {
    if (evexB) out.pfx |= mod === 3 ? P_EVEX_RC : P_EVEX_BCST;
  }
  // Immediates, relative targets, moffs (in encoding order after the displacement).
  for (let i = 0; i < opnds.length; i++) {
    const o = opnds[i]!;
    if (o.kind === OK_I) {
      const sz = o.size;
      if (i > 0 && opnds[i - 1]!.kind === OK_I) { out.imm2 = rd(); continue; }
      if (sz === SZ_b) out.imm = rd();
      else if (sz === SZ_bs) { out.imm = (rd() << 24) >> 24; if (opsize === 8) out.immHi = out.imm < 0 ? -1 : 0; }
      else if (sz === SZ_w) out.imm = rd16();
      else if (sz === SZ_z) {
        if (opsize === 2) out.imm = (rd16() << 16) >> 16;
        else { out.imm = rd32(); if (opsize === 8) out.immHi = out.imm < 0 ? -1 : 0; }
      } else if (sz === SZ_v) {
        if (opsize === 2) out.imm = (rd16() << 16) >> 16;
        else if (opsize === 4) out.imm = rd32();
        else { out.imm = rd32(); out.immHi = rd32(); }
      }
    } else if (o.kind === OK_L) {
      const v = rd();
      out.imm = v;
      setOpnd(out, i, K_REG, R_XMM0 + (v >> 4), vregsz(o.size));
    } else if (o.kind === OK_O) {
      if (out.pfx & P_ADDRSIZE) { out.imm = rd32(); out.disp = out.imm >>> 0; out.dispHi = 0; out.addrsize = 4; }
      else { const lo = rd32(); const hi = rd32(); out.disp = hi * 4294967296 + (lo >>> 0); out.dispHi = hi; out.imm = lo; }
      const s = o.size === SZ_b ? 1 : opsize;
      if (i === 0) out.s0 = s; else out.s1 = s;
    } else if (o.kind === OK_J) {
      out.imm = relSize === 1 ? (rd() << 24) >> 24 : rd32();
    }
  }
  if (short) { invalid(out, pos - offset); return; }
  if (wDep && !(flags & (FF_F64 | FF_D64))) rexUsed |= 8;
  if (hasRex && !isVex && ((rexByte & 15 & ~rexUsed) !== 0 || (rexByte === 0x40 && (rexUsed & 0x40) === 0))) out.pfx |= P_REX_UNUSED;
  if ((out.pfx & P_OPSIZE) !== 0 && mpUsed !== 1 && mpUsed !== 4 && !(sizeDep && opsize === 2) && !vecOp) out.pfx |= P_OPSIZE_UNUSED;
  // BND (F2) on branches, NOTRACK (3E) on indirect CALL/JMP.
  const fop = form.op;
  if ((out.pfx & P_REPNE) !== 0 && (fop === Op_JCC || fop === Op_JMP || fop === Op_CALL || fop === Op_RET)) out.pfx = (out.pfx & ~P_REPNE) | P_BND;
  if (seg === R_DS && (fop === Op_CALL || fop === Op_JMP) && out.k0 !== K_REL) out.pfx |= P_NOTRACK;
  // The register VEX.vvvv names, when the form reads it.
  if (isVex) {
    for (let i = 0; i < opnds.length; i++) {
      const k = opnds[i]!.kind;
      if (k === OK_H) out.vreg = R_XMM0 + (vvvv | (evexV2 << 4));
      else if (k === OK_B) out.vreg = vvvv;
      else if (k === OK_T) out.vreg = R_K0 + (vvvv & 7);
    }
  }
  out.nops = opnds.length;
  out.len = pos - offset;
  if (relSize !== 0) {
    const t = addr + out.len + out.imm;
    out.target = t >= 0 && t < 0x80000000 ? t | 0 : t;
  }
  out.opsize = vecOp ? vl : opsize;
  if (vecOp && !isVex && (opsize === 2 && mpUsed !== 1)) out.opsize = 16;
}

/** Decode into a fresh Inst (convenience for tools and tests; the CPU reuses records). */
export function decodeAt(bytes: Uint8Array, offset: number, addr: number, out: Inst = new Inst()): Inst {
  decode(bytes, offset, addr, out);
  return out;
}
