// The decoder's decision trees over the x86-64 opcode maps, plain objects that decode.ts walks
// with a switch per node: no string handling on the decode path. The trees come precomputed in
// tables.generated.ts (tools/gen-x86.ts parses spec.ts with specparse.ts); this file
// turns that JSON into Node/Form objects, one opcode's tree on its first lookup.
// Operand kinds and sizes of a form are small integers (OK.*, SZ.*) described below.

import { Op } from "./ops.generated.js";
import { TABLES_JSON } from "./tables.generated.js";

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

/** Every decision tree: opcode maps indexed by opcode byte; x87 by [escape 0..7][ModRM.reg]
 *  (memory forms, and register forms: RM nodes or forms). */
export interface Trees {
  T0: (Node | null)[];
  T0F: (Node | null)[];
  T0F38: (Node | null)[];
  T0F3A: (Node | null)[];
  TE0F: (Node | null)[];
  TE0F38: (Node | null)[];
  TE0F3A: (Node | null)[];
  TX87MEM: (Node | null)[][];
  TX87REG: (Node | null)[][];
}

// ---- the serialized form (written by tools/gen-x86.ts, read below) ----
// A form: [op, flags, cond, name, kind, size, fixed, kind, size, fixed, ...].
// A node: 0 for null, else [kind, modrm | same66 << 1, leg form index, vex form index (-1:
// none), ...kids].

export type FormData = (number | string)[];
export type NodeData = 0 | (number | NodeData)[];
export interface TablesData {
  forms: FormData[];
  maps: Record<string, NodeData[]>;
  x87mem: NodeData[][];
  x87reg: NodeData[][];
}

const DATA = JSON.parse(TABLES_JSON) as TablesData;
const FORMS: (Form | undefined)[] = new Array<Form | undefined>(DATA.forms.length);

function form(id: number): Form | null {
  if (id < 0) return null;
  let f = FORMS[id];
  if (f === undefined) {
    const d = DATA.forms[id]!;
    const opnds: Opnd[] = [];
    for (let i = 4; i < d.length; i += 3) opnds.push({ kind: d[i] as number, size: d[i + 1] as number, fixed: d[i + 2] as number });
    f = new Form(d[0] as number, d[3] as string, opnds, d[1] as number, d[2] as number);
    FORMS[id] = f;
  }
  return f;
}

function node(d: NodeData): Node | null {
  if (d === 0) return null;
  const n = new Node(d[0] as number);
  const bits = d[1] as number;
  n.modrm = (bits & 1) !== 0;
  n.same66 = (bits & 2) !== 0;
  n.leg = form(d[2] as number);
  n.vex = form(d[3] as number);
  for (let i = 4; i < d.length; i++) n.kids.push(node(d[i] as NodeData));
  return n;
}

/** An opcode map whose trees are built on first lookup: `get(opc)`. */
export class LazyMap {
  private readonly nodes: (Node | null | undefined)[] = new Array<Node | null | undefined>(256).fill(undefined);
  constructor(private readonly data: NodeData[]) {}
  get(opc: number): Node | null {
    let n = this.nodes[opc];
    if (n === undefined) {
      n = node(this.data[opc]!);
      this.nodes[opc] = n;
    }
    return n;
  }
}

export const T0 = new LazyMap(DATA.maps["T0"]!);
export const T0F = new LazyMap(DATA.maps["T0F"]!);
export const T0F38 = new LazyMap(DATA.maps["T0F38"]!);
export const T0F3A = new LazyMap(DATA.maps["T0F3A"]!);
export const TE0F = new LazyMap(DATA.maps["TE0F"]!);
export const TE0F38 = new LazyMap(DATA.maps["TE0F38"]!);
export const TE0F3A = new LazyMap(DATA.maps["TE0F3A"]!);
/** x87: [escape 0..7][reg] memory forms; register forms [escape][reg] (RM nodes or forms). */
export const TX87MEM = DATA.x87mem.map((row) => row.map(node));
export const TX87REG = DATA.x87reg.map((row) => row.map(node));

/** Every tree, fully built (tests compare them with the spec parser's). */
export function loadedTrees(): Trees {
  const all = (m: LazyMap): (Node | null)[] => Array.from({ length: 256 }, (_, i) => m.get(i));
  return {
    T0: all(T0), T0F: all(T0F), T0F38: all(T0F38), T0F3A: all(T0F3A),
    TE0F: all(TE0F), TE0F38: all(TE0F38), TE0F3A: all(TE0F3A), TX87MEM, TX87REG,
  };
}
