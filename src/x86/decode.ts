// The x86-64 (64-bit mode) instruction decoder: prefixes, REX/VEX/EVEX, the opcode maps of
// tables.ts, ModRM/SIB/displacement (incl. EVEX disp8*N), immediates. Fills a caller-owned
// Inst without allocating and never throws: undecodable bytes give op = Op.INVALID.

import { Inst, K, P, R, resetInst } from "./inst.js";
import { Op } from "./ops.js";
import {
  FF, Form, NK, Node, OK, SZ, T0, T0F, T0F38, T0F3A, TE0F, TE0F38, TE0F3A, TX87MEM, TX87REG,
} from "./tables.js";

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
  out.op = Op.INVALID;
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
    case SZ.b: return 1;
    case SZ.w: return 2;
    case SZ.d: return 4;
    case SZ.q: return 8;
    case SZ.v: return opsize;
    case SZ.y: return rexW ? 8 : 4;
    case SZ.z: return opsize === 2 ? 2 : 4;
    case SZ.t: return 10;
    case SZ.p: return opsize === 8 ? 10 : opsize + 2;
    case SZ.dq: return 16;
    case SZ.qq: return 32;
    default: return 0;
  }
}
/** Vector register width for a size code. */
function vregsz(c: number): number {
  switch (c) {
    case SZ.x: case SZ.m: return vl;
    case SZ.h: return vl > 16 ? vl >> 1 : 16;
    case SZ.qq: return 32;
    case SZ.zz: return 64;
    default: return 16;
  }
}
/** Vector memory access width for a size code. */
function vmemsz(c: number): number {
  switch (c) {
    case SZ.x: return vl;
    case SZ.h: return vl >> 1;
    case SZ.f: return vl >> 2;
    case SZ.e: return vl >> 3;
    case SZ.b: return 1;
    case SZ.w: return 2;
    case SZ.d: return 4;
    case SZ.q: return 8;
    case SZ.t: return 10;
    case SZ.dq: return 16;
    case SZ.qq: return 32;
    case SZ.zz: return 64;
    default: return 0;
  }
}

function gpr(n: number, size: number): number {
  if (size === 1 && n >= 4) rexUsed |= 0x40;
  if (size === 1 && !hasRex && !isVex && n >= 4 && n < 8) return R.AH + (n - 4);
  return n;
}

/** Parse SIB/displacement of the memory operand (ModRM already read, mod != 3). */
function parseMem(out: Inst, vsib: boolean): void {
  const a32 = (out.pfx & P.ADDRSIZE) !== 0;
  rexUsed |= 1;
  out.addrsize = a32 ? 4 : 8;
  let base = -1, index = -1, scale = 1, disp = 0;
  if (rm === 4) {
    const sib = rd();
    rexUsed |= 2 | ((sib & 7) === 5 && mod === 0 ? 0 : 1);
    scale = 1 << (sib >> 6);
    const idx = ((sib >> 3) & 7) | (rexX << 3);
    if (vsib) index = R.XMM0 + idx + (isEvex ? evexV2 << 4 : 0);
    else if (idx !== 4) index = idx;
    const b = sib & 7;
    if (b === 5 && mod === 0) { disp = rd32(); }
    else base = b | (rexB << 3);
  } else if (rm === 5 && mod === 0) {
    base = R.RIP;
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
  while (n !== null && n.kind !== NK.FORM) {
    switch (n.kind) {
      case NK.PFX: {
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
      case NK.MOD: n = n.kids[mod === 3 ? 1 : 0] ?? null; break;
      case NK.REG: n = n.kids[reg & 7] ?? null; break;
      case NK.RM: n = mod === 3 ? n.kids[rm & 7] ?? null : null; break;
      case NK.W: n = n.kids[rexW] ?? null; rexUsed |= 8; break;
      case NK.L: n = n.kids[vl === 16 ? 0 : 1] ?? null; break;
      case NK.ENC: n = n.kids[isVex ? 1 : 0] ?? null; break;
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
      case 0xf0: pfx |= P.LOCK; break;
      case 0xf2: pfx |= P.REPNE; lastRep = 0xf2; break;
      case 0xf3: pfx |= P.REP; lastRep = 0xf3; break;
      case 0x2e: seg = R.CS; break;
      case 0x36: seg = R.SS; break;
      case 0x3e: seg = R.DS; break;
      case 0x26: seg = R.ES; break;
      case 0x64: seg = R.FS; break;
      case 0x65: seg = R.GS; break;
      case 0x66: pfx |= P.OPSIZE; break;
      case 0x67: pfx |= P.ADDRSIZE; break;
      default: isPfx = false;
    }
    if (isPfx) { hasRex = false; rexByte = 0; rexW = rexR = rexX = rexB = 0; pfx &= ~(P.REX | P.REX_W | P.REX_R | P.REX_X | P.REX_B); pos++; continue; }
    if ((b & 0xf0) === 0x40) {
      hasRex = true;
      rexByte = b;
      rexW = (b >> 3) & 1; rexR = (b >> 2) & 1; rexX = (b >> 1) & 1; rexB = b & 1;
      pfx = (pfx & ~(P.REX_W | P.REX_R | P.REX_X | P.REX_B)) | P.REX |
        (rexW ? P.REX_W : 0) | (rexR ? P.REX_R : 0) | (rexX ? P.REX_X : 0) | (rexB ? P.REX_B : 0);
      pos++;
      continue;
    }
    break;
  }
  out.pfx = pfx;
  out.seg = seg;
  mpHas66 = (pfx & P.OPSIZE) !== 0;
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
    if (hasRex || (pfx & (P.OPSIZE | P.REP | P.REPNE | P.LOCK)) !== 0) { invalid(out, pos - offset); return; }
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
    pfx |= P.VEX | (rexW ? P.REX_W : 0) | (rexR ? P.REX_R : 0) | (rexX ? P.REX_X : 0) | (rexB ? P.REX_B : 0);
    out.pfx = pfx;
    mp = pp === 1 ? 1 : pp === 2 ? 2 : pp === 3 ? 3 : 0;
    opc = rd();
    root = map === 1 ? T0F.get(opc) : map === 2 ? T0F38.get(opc) : map === 3 ? T0F3A.get(opc) : null;
  } else if (opc === 0x62) {
    if (hasRex || (pfx & (P.OPSIZE | P.REP | P.REPNE | P.LOCK)) !== 0) { invalid(out, pos - offset); return; }
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
    pfx |= P.EVEX | (z ? P.EVEX_Z : 0) | (rexW ? P.REX_W : 0) | (rexR ? P.REX_R : 0) | (rexX ? P.REX_X : 0) | (rexB ? P.REX_B : 0);
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
    if (mpUsed === 1) out.pfx |= P.OPSIZE_USED;
    else if (mpUsed === 2) out.pfx &= ~P.REP;
    else if (mpUsed === 3) out.pfx &= ~P.REPNE;
  }
  const flags = form.flags;
  // Operand size.
  if (flags & FF.F64) opsize = 8;
  else if (rexW) opsize = 8;
  else if ((out.pfx & P.OPSIZE) !== 0 && mpUsed !== 1) opsize = 2;
  else if (flags & FF.D64) opsize = 8;
  else opsize = 4;
  if (flags & FF.BYTE) opsize = 1;
  out.op = form.op;
  if (form.op === Op.JCC && (seg === R.CS || seg === R.DS)) out.pfx |= seg === R.CS ? P.HINT_NT : P.HINT_T;
  out.cond = form.cond >= 0 ? form.cond : (flags & FF.CC) !== 0 ? opc & 15 : 0;
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
      case OK.G: case OK.V: case OK.C: case OK.D: rexUsed |= 4; break;
      case OK.Z: rexUsed |= 1; break;
      case OK.E: case OK.W: case OK.R: case OK.U: if (mod === 3) rexUsed |= 1; break;
      default: break;
    }
    switch (o.kind) {
      case OK.E: case OK.Q: case OK.W: case OK.Y: case OK.M: case OK.X: {
        if (mod === 3) {
          if (o.kind === OK.M || o.kind === OK.X) { invalid(out, pos - offset); return; }
          if (o.kind === OK.E) { const s = gsz(o.size); setOpnd(out, i, K.REG, gpr(rm | (rexB << 3), s), s); }
          else if (o.kind === OK.Q) setOpnd(out, i, K.REG, R.MM0 + rm, 8);
          else if (o.kind === OK.Y) setOpnd(out, i, K.REG, R.K0 + rm, 8);
          else { setOpnd(out, i, K.REG, R.XMM0 + (rm | (rexB << 3) | (isEvex ? rexX << 4 : 0)), vregsz(o.size)); vecOp = true; }
        } else {
          let s: number;
          if (o.kind === OK.W || o.kind === OK.X) { s = vmemsz(o.size); vecOp = true; }
          else if (o.kind === OK.Q) s = o.size === SZ.d ? 4 : 8;
          else if (o.size >= SZ.x && o.size <= SZ.zz) s = vmemsz(o.size);
          else s = gsz(o.size);
          setOpnd(out, i, K.MEM, -1, s);
          memOperand = i; memSize = s;
        }
        break;
      }
      case OK.R: case OK.U: case OK.N: {
        if (mod !== 3 && o.kind !== OK.R) { invalid(out, pos - offset); return; }
        if (o.kind === OK.R) { const s = gsz(o.size); setOpnd(out, i, K.REG, gpr(rm | (rexB << 3), s), s); }
        else if (o.kind === OK.N) setOpnd(out, i, K.REG, R.MM0 + rm, 8);
        else { setOpnd(out, i, K.REG, R.XMM0 + (rm | (rexB << 3) | (isEvex ? rexX << 4 : 0)), vregsz(o.size)); vecOp = true; }
        break;
      }
      case OK.G: { const s = gsz(o.size); setOpnd(out, i, K.REG, gpr(reg | (rexR << 3), s), s); break; }
      case OK.B: { const s = gsz(o.size); setOpnd(out, i, K.REG, vvvv, s); break; }
      case OK.Z: { const s = gsz(o.size); setOpnd(out, i, K.REG, gpr((opc & 7) | (rexB << 3), s), s); break; }
      case OK.V: setOpnd(out, i, K.REG, R.XMM0 + regR, vregsz(o.size)); vecOp = true; break;
      case OK.H: setOpnd(out, i, K.REG, R.XMM0 + (vvvv | (evexV2 << 4)), vregsz(o.size)); vecOp = true; break;
      case OK.P: setOpnd(out, i, K.REG, R.MM0 + reg, 8); break;
      case OK.S: if (reg > 5) { invalid(out, pos - offset); return; } setOpnd(out, i, K.REG, R.ES + reg, 2); break;
      case OK.C: setOpnd(out, i, K.REG, R.CR0 + (reg | (rexR << 3)), 8); break;
      case OK.D: setOpnd(out, i, K.REG, R.DR0 + (reg | (rexR << 3)), 8); break;
      case OK.K: setOpnd(out, i, K.REG, R.K0 + reg, 8); break;
      case OK.T: setOpnd(out, i, K.REG, R.K0 + (vvvv & 7), 8); break;
      case OK.F: setOpnd(out, i, K.REG, R.ST0 + rm, 10); break;
      case OK.FIXED: {
        let s = gsz(o.size);
        if (o.fixed >= R.XMM0 && o.fixed < R.MM0) s = 16;
        else if (o.fixed === R.ST0) s = 10;
        setOpnd(out, i, K.REG, o.fixed, s);
        break;
      }
      case OK.ONE: setOpnd(out, i, K.IMM, -1, 1); out.imm = 1; break;
      case OK.I: case OK.L: {
        if (nimm > 0) {
          // ENTER's second immediate.
          setOpnd(out, i, K.IMM2, -1, 1);
          nimm++;
          break;
        }
        nimm++;
        setOpnd(out, i, K.IMM, -1, o.kind === OK.L ? 1 : o.size === SZ.bs ? opsize : o.size === SZ.b ? 1 : o.size === SZ.w ? 2 : o.size === SZ.z ? (opsize === 8 ? 8 : opsize) : opsize);
        break;
      }
      case OK.J: relSize = o.size === SZ.b ? 1 : 4; setOpnd(out, i, K.REL, -1, 8); break;
      case OK.O: setOpnd(out, i, K.MEM, -1, 0); memOperand = i; break;
      default: invalid(out, pos - offset); return;
    }
  }
  // EVEX broadcast: the memory operand is one element.
  if (isEvex && evexB && memOperand >= 0) {
    memSize = (flags & FF.B4) ? 4 : (flags & FF.B8) ? 8 : rexW ? 8 : 4;
    if (memOperand === 0) out.s0 = memSize; else if (memOperand === 1) out.s1 = memSize; else if (memOperand === 2) out.s2 = memSize; else out.s3 = memSize;
  }
  // EVEX compressed displacement.
  if (isEvex && rawDisp8 && memOperand >= 0) {
    const n = memSize > 0 ? memSize : vl;
    out.disp *= n;
  }
  if (isEvex) {
    if (evexB) out.pfx |= mod === 3 ? P.EVEX_RC : P.EVEX_BCST;
  }
  // Immediates, relative targets, moffs (in encoding order after the displacement).
  for (let i = 0; i < opnds.length; i++) {
    const o = opnds[i]!;
    if (o.kind === OK.I) {
      const sz = o.size;
      if (i > 0 && opnds[i - 1]!.kind === OK.I) { out.imm2 = rd(); continue; }
      if (sz === SZ.b) out.imm = rd();
      else if (sz === SZ.bs) { out.imm = (rd() << 24) >> 24; if (opsize === 8) out.immHi = out.imm < 0 ? -1 : 0; }
      else if (sz === SZ.w) out.imm = rd16();
      else if (sz === SZ.z) {
        if (opsize === 2) out.imm = (rd16() << 16) >> 16;
        else { out.imm = rd32(); if (opsize === 8) out.immHi = out.imm < 0 ? -1 : 0; }
      } else if (sz === SZ.v) {
        if (opsize === 2) out.imm = (rd16() << 16) >> 16;
        else if (opsize === 4) out.imm = rd32();
        else { out.imm = rd32(); out.immHi = rd32(); }
      }
    } else if (o.kind === OK.L) {
      const v = rd();
      out.imm = v;
      setOpnd(out, i, K.REG, R.XMM0 + (v >> 4), vregsz(o.size));
    } else if (o.kind === OK.O) {
      if (out.pfx & P.ADDRSIZE) { out.imm = rd32(); out.disp = out.imm >>> 0; out.dispHi = 0; out.addrsize = 4; }
      else { const lo = rd32(); const hi = rd32(); out.disp = hi * 4294967296 + (lo >>> 0); out.dispHi = hi; out.imm = lo; }
      const s = o.size === SZ.b ? 1 : opsize;
      if (i === 0) out.s0 = s; else out.s1 = s;
    } else if (o.kind === OK.J) {
      out.imm = relSize === 1 ? (rd() << 24) >> 24 : rd32();
    }
  }
  if (short) { invalid(out, pos - offset); return; }
  if (wDep && !(flags & (FF.F64 | FF.D64))) rexUsed |= 8;
  if (hasRex && !isVex && ((rexByte & 15 & ~rexUsed) !== 0 || (rexByte === 0x40 && (rexUsed & 0x40) === 0))) out.pfx |= P.REX_UNUSED;
  if ((out.pfx & P.OPSIZE) !== 0 && mpUsed !== 1 && mpUsed !== 4 && !(sizeDep && opsize === 2) && !vecOp) out.pfx |= P.OPSIZE_UNUSED;
  // BND (F2) on branches, NOTRACK (3E) on indirect CALL/JMP.
  const fop = form.op;
  if ((out.pfx & P.REPNE) !== 0 && (fop === Op.JCC || fop === Op.JMP || fop === Op.CALL || fop === Op.RET)) out.pfx = (out.pfx & ~P.REPNE) | P.BND;
  if (seg === R.DS && (fop === Op.CALL || fop === Op.JMP) && out.k0 !== K.REL) out.pfx |= P.NOTRACK;
  // The register VEX.vvvv names, when the form reads it.
  if (isVex) {
    for (let i = 0; i < opnds.length; i++) {
      const k = opnds[i]!.kind;
      if (k === OK.H) out.vreg = R.XMM0 + (vvvv | (evexV2 << 4));
      else if (k === OK.B) out.vreg = vvvv;
      else if (k === OK.T) out.vreg = R.K0 + (vvvv & 7);
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
