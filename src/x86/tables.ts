// Parses the opcode maps of spec.ts once, at load, into decision trees of plain objects that
// decode.ts walks with a switch per node: no string handling on the decode path.
// Operand kinds and sizes of a form are small integers (OK.*, SZ.*) described below.

import { Op, OP_BY_NAME } from "./ops.js";
import { EVEX0F, EVEX0F38, EVEX0F3A, MAP0, MAP0F, MAP0F38, MAP0F3A, X87_MEM, X87_REG, type Spec, type SpecNode } from "./spec.js";

/** Operand kinds of a form (what the decoder does for that operand). */
export const OK = {
  E: 1, M: 2, R: 3, G: 4, B: 5, Z: 6, V: 7, W: 8, U: 9, H: 10, L: 11, P: 12, Q: 13, N: 14,
  S: 15, C: 16, D: 17, K: 18, Y: 19, T: 20, F: 21, X: 22, I: 23, J: 24, O: 25,
  /** A fixed register: reg in `fixed`, size code in `size`. */
  FIXED: 26,
  /** The constant 1 of the shift-by-one forms (an immediate operand). */
  ONE: 27,
  /** The second immediate of ENTER (imm8 after imm16). */
  I2: 28,
} as const;

/** Size codes. */
export const SZ = {
  b: 1, w: 2, d: 3, q: 4, v: 5, y: 6, z: 7, t: 8, p: 9, m: 10, x: 11, h: 12, f: 13, e: 14,
  dq: 15, qq: 16, zz: 17, bs: 18,
} as const;

export interface Opnd { kind: number; size: number; fixed: number }

/** Form flags. */
export const FF = {
  D64: 1, F64: 2, CC: 4, BYTE: 8, B4: 16, B8: 32, KDST: 64,
  /** VEX/EVEX form. */
  VEX: 128,
  /** Uses ModRM. */
  MODRM: 256,
} as const;

/** Ops without operands whose operand size still matters (REX.W / 66 are used). */
const SIZE_DEP_OPS = new Set<number>([Op.CBW, Op.CWD, Op.IRET, Op.LRET, Op.MOVS, Op.CMPS, Op.STOS, Op.LODS, Op.SCAS, Op.INS, Op.OUTS, Op.PUSHF, Op.POPF]);

export class Form {
  /** Facts about the operands, precomputed for the decoder. */
  readonly vsib: boolean;
  /** MOV to/from CR/DR: ModRM.mod is ignored. */
  readonly rmIsReg: boolean;
  /** The 66 prefix / REX.W change the operand size of this form. */
  readonly sizeDep: boolean;
  readonly wDep: boolean;
  constructor(
    readonly op: number,
    readonly name: string,
    readonly opnds: readonly Opnd[],
    readonly flags: number,
    /** Fixed condition code (FCMOVcc rows), or -1. */
    readonly cond: number,
  ) {
    this.vsib = opnds.some((o) => o.kind === OK.X);
    this.rmIsReg = op === Op.MOV && opnds.some((o) => o.kind === OK.R);
    let sd = (flags & FF.BYTE) === 0 && SIZE_DEP_OPS.has(op);
    let wd = sd;
    for (const o of opnds) {
      if (o.size === SZ.v || o.size === SZ.z || o.size === SZ.bs || o.size === SZ.p) { sd = true; wd = true; }
      else if (o.size === SZ.y) wd = true;
    }
    this.sizeDep = sd;
    this.wDep = wd;
  }
}

export const NK = { INVALID: 0, FORM: 1, PFX: 2, MOD: 3, REG: 4, RM: 5, W: 6, L: 7, ENC: 8, X87: 9 } as const;

export class Node {
  /** Children: PFX [np,66,f3,f2], MOD [mem,reg], REG/RM [8], W [w0,w1], L [l0,l1], ENC [leg,vex]. */
  kids: (Node | null)[] = [];
  /** FORM: the legacy-encoded and VEX/EVEX-encoded forms (either may be null). */
  leg: Form | null = null;
  vex: Form | null = null;
  /** Whether any form under this node reads a ModRM byte. */
  modrm = false;
  /** PFX: the 66 variant is the no-prefix form with 16-bit operands (BSF/BSR/MOVBE). */
  same66 = false;
  constructor(readonly kind: number) {}
}

const FIXED_REGS: Record<string, [number, number]> = {
  al: [0, SZ.b], cl: [1, SZ.b], dx: [2, SZ.w], ax: [0, SZ.w], rax: [0, SZ.v], eax: [0, SZ.z],
  st: [72, SZ.m], xmm0: [32, SZ.dq], fs: [28, SZ.w], gs: [29, SZ.w],
};
const KIND_LETTERS: Record<string, number> = {
  E: OK.E, M: OK.M, R: OK.R, G: OK.G, B: OK.B, Z: OK.Z, V: OK.V, W: OK.W, U: OK.U, H: OK.H,
  L: OK.L, P: OK.P, Q: OK.Q, N: OK.N, S: OK.S, C: OK.C, D: OK.D, K: OK.K, Y: OK.Y, T: OK.T,
  F: OK.F, X: OK.X, I: OK.I, J: OK.J, O: OK.O,
};
const MODRM_KINDS = new Set<number>([OK.E, OK.M, OK.R, OK.G, OK.V, OK.W, OK.U, OK.P, OK.Q, OK.N, OK.S, OK.C, OK.D, OK.K, OK.Y, OK.F, OK.X]);
const DROP_IN_LEGACY = new Set<number>([OK.H, OK.L]);

function parseOpnd(tok: string): Opnd {
  const fx = FIXED_REGS[tok];
  if (fx) return { kind: OK.FIXED, size: fx[1], fixed: fx[0] };
  if (tok === "one") return { kind: OK.ONE, size: SZ.b, fixed: -1 };
  const kind = KIND_LETTERS[tok[0]!];
  if (kind === undefined) throw new Error(`x86 spec: bad operand ${tok}`);
  let s = tok.slice(1);
  if (s === "") s = kind === OK.K || kind === OK.Y || kind === OK.T ? "q" : kind === OK.F ? "m" : "m";
  const size = (SZ as Record<string, number>)[s];
  if (size === undefined) throw new Error(`x86 spec: bad operand size ${tok}`);
  return { kind, size, fixed: -1 };
}

function opId(name: string): number {
  const id = OP_BY_NAME.get(name.toUpperCase());
  if (id === undefined) throw new Error(`x86 spec: mnemonic ${name} missing from ops.ts (run tools/gen-x86-ops.ts)`);
  return id;
}

function parseForm(s: string, node: Node): void {
  const parts = s.trim().split(/\s+/);
  let mnem = parts[0]!;
  let opndText = "";
  const flagToks: string[] = [];
  for (const p of parts.slice(1)) {
    if (p.startsWith(":")) flagToks.push(p.slice(1));
    else opndText = p;
  }
  let flags = 0;
  let cond = -1;
  for (const f of flagToks) {
    if (f === "d64") flags |= FF.D64;
    else if (f === "f64") flags |= FF.F64;
    else if (f === "cc") flags |= FF.CC;
    else if (f === "b") flags |= FF.BYTE;
    else if (f === "b4") flags |= FF.B4;
    else if (f === "b8") flags |= FF.B8;
    else if (/^c\d+$/.test(f)) cond = Number(f.slice(1));
    else throw new Error(`x86 spec: bad flag ${f} in ${s}`);
  }
  const opnds = opndText === "" ? [] : opndText.split(",").map(parseOpnd);
  const modrm = opnds.some((o) => MODRM_KINDS.has(o.kind));
  if (opnds.length > 0 && opnds[0]!.kind === OK.K) flags |= FF.KDST;
  if (modrm) flags |= FF.MODRM;
  let legacy = true, vex = false, vname = mnem;
  if (mnem.startsWith("v:")) { mnem = mnem.slice(2); vname = "v" + mnem; vex = true; }
  else if (mnem.startsWith("V:")) { mnem = mnem.slice(2); vname = mnem; vex = true; legacy = false; }
  if (legacy) {
    const lops = opnds.filter((o) => !DROP_IN_LEGACY.has(o.kind));
    node.leg = new Form(opId(mnem), mnem, lops, flags, cond);
  }
  if (vex) node.vex = new Form(opId(vname), vname, opnds, flags | FF.VEX, cond);
  node.modrm = modrm;
}

function build(s: Spec | undefined): Node | null {
  if (s === undefined || s === "") return null;
  if (typeof s === "string") {
    if (s === "X87") return new Node(NK.X87);
    const n = new Node(NK.FORM);
    parseForm(s, n);
    return n;
  }
  let n: Node;
  if (Array.isArray(s)) {
    n = new Node(NK.REG);
    n.kids = (s as readonly Spec[]).map(build);
  } else {
    const o = s as SpecNode;
    if (o.rm) { n = new Node(NK.RM); n.kids = o.rm.map(build); }
    else if ("mem" in o || "reg" in o) { n = new Node(NK.MOD); n.kids = [build(o.mem), build(o.reg)]; }
    else if ("w0" in o || "w1" in o) { n = new Node(NK.W); n.kids = [build(o.w0), build(o.w1)]; }
    else if ("l0" in o || "l1" in o) { n = new Node(NK.L); n.kids = [build(o.l0), build(o.l1)]; }
    else if ("vex" in o || "leg" in o) { n = new Node(NK.ENC); n.kids = [build(o.leg), build(o.vex)]; }
    else {
      n = new Node(NK.PFX);
      // A 66 variant spelled exactly like the no-prefix one (BSF/BSR/MOVBE Gv,Ev) is the same
      // instruction with 16-bit operands: 66 stays an operand-size prefix, not a mandatory one.
      const p66 = o.p66 !== undefined && o.p66 === o.np && typeof o.np === "string" && /\bGv\b|\bEv\b|\bMv\b/.test(o.np) ? undefined : o.p66;
      n.kids = [build(o.np), build(p66), build(o.f3), build(o.f2)];
      n.same66 = p66 === undefined && o.p66 !== undefined;
    }
  }
  n.modrm = n.kind === NK.REG || n.kind === NK.RM || n.kind === NK.MOD || n.kids.some((k) => k !== null && k.modrm);
  return n;
}

function buildMap(m: readonly Spec[] | Readonly<Record<number, Spec>>): (Node | null)[] {
  const out: (Node | null)[] = new Array(256).fill(null);
  for (let i = 0; i < 256; i++) out[i] = build((m as Record<number, Spec | undefined>)[i]);
  return out;
}

if (MAP0.length !== 256 || MAP0F.length !== 256) {
  throw new Error(`x86 spec: map sizes ${MAP0.length} ${MAP0F.length}`);
}

/** Decision trees: index by opcode byte. */
export const T0 = buildMap(MAP0);
export const T0F = buildMap(MAP0F);
export const T0F38 = buildMap(MAP0F38);
export const T0F3A = buildMap(MAP0F3A);
export const TE0F = buildMap(EVEX0F);
export const TE0F38 = buildMap(EVEX0F38);
export const TE0F3A = buildMap(EVEX0F3A);
/** x87: [escape 0..7][reg] memory forms; register forms [escape][reg] (RM nodes or forms). */
export const TX87MEM = X87_MEM.map((row) => row.map(build));
export const TX87REG = X87_REG.map((row) => row.map(build));

/** Whether a one-byte opcode reads a ModRM byte. */
export const MODRM0 = new Uint8Array(256);
for (let i = 0; i < 256; i++) MODRM0[i] = T0[i] !== null && T0[i]!.modrm ? 1 : 0;
for (let i = 0xd8; i <= 0xdf; i++) MODRM0[i] = 1;

