// The opcode maps of spec.ts parsed into the decision trees decode.ts walks (tables.ts), and the
// instruction table of optable.ts parsed into rows. Only the generator (tools/gen-x86.ts) and
// the tests run these parsers; rt0 itself loads what they produced (tables.generated.ts,
// ops.generated.ts, facts.generated.ts), so no spec text is parsed at start-up.

import { OP_BY_NAME } from "./ops.generated.js";
import { EVEX0F, EVEX0F38, EVEX0F3A, MAP0, MAP0F, MAP0F38, MAP0F3A, X87_MEM, X87_REG, type Spec, type SpecNode } from "./spec.js";
import { FF, Form, NK, Node, OK, SZ, type FormData, type NodeData, type Opnd, type TablesData, type Trees } from "./tables.js";

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

/** Op ids by upper-case mnemonic: the generated ones, or the generator's new numbering. */
let opIds: ReadonlyMap<string, number> = OP_BY_NAME;

function opId(name: string): number {
  const id = opIds.get(name.toUpperCase());
  if (id === undefined) throw new Error(`x86 spec: mnemonic ${name} missing from ops.generated.ts (run npm run gen)`);
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

/** Parse every opcode map of spec.ts into its decision tree (op ids from `ids`, by default the
 *  generated ones). */
export function specTrees(ids: ReadonlyMap<string, number> = OP_BY_NAME): Trees {
  if (MAP0.length !== 256 || MAP0F.length !== 256) {
    throw new Error(`x86 spec: map sizes ${MAP0.length} ${MAP0F.length}`);
  }
  opIds = ids;
  return {
    T0: buildMap(MAP0),
    T0F: buildMap(MAP0F),
    T0F38: buildMap(MAP0F38),
    T0F3A: buildMap(MAP0F3A),
    TE0F: buildMap(EVEX0F),
    TE0F38: buildMap(EVEX0F38),
    TE0F3A: buildMap(EVEX0F3A),
    TX87MEM: X87_MEM.map((row) => row.map(build)),
    TX87REG: X87_REG.map((row) => row.map(build)),
  };
}

/** The serialized form of the trees (what tools/gen-x86.ts writes). */
export function encodeTrees(t: Trees): TablesData {
  const forms: FormData[] = [];
  const formIds = new Map<string, number>();
  const formId = (f: Form | null): number => {
    if (f === null) return -1;
    const d: FormData = [f.op, f.flags, f.cond, f.name];
    for (const o of f.opnds) d.push(o.kind, o.size, o.fixed);
    const key = JSON.stringify(d);
    let id = formIds.get(key);
    if (id === undefined) {
      id = forms.length;
      forms.push(d);
      formIds.set(key, id);
    }
    return id;
  };
  const node = (n: Node | null): NodeData => {
    if (n === null) return 0;
    return [n.kind, (n.modrm ? 1 : 0) | (n.same66 ? 2 : 0), formId(n.leg), formId(n.vex), ...n.kids.map(node)];
  };
  const maps: Record<string, NodeData[]> = {};
  for (const k of ["T0", "T0F", "T0F38", "T0F3A", "TE0F", "TE0F38", "TE0F3A"] as const) maps[k] = t[k].map(node);
  return { forms, maps, x87mem: t.TX87MEM.map((r) => r.map(node)), x87reg: t.TX87REG.map((r) => r.map(node)) };
}


// ---- the instruction table (optable.ts) ----

/** One row of OP_TABLE: its mnemonics (upper case) and the facts they share. */
export interface OpRow {
  names: string[];
  family: string;
  /** ISA of the plain form and of the MMX-register, VEX.256 and EVEX forms (the plain one when
   *  the row names none). */
  isa: string; isaMmx: string; isaYmm: string; isaEvex: string;
  flow: "-" | "jump" | "end";
  reads: number; writes: number; undef: number;
  notes: string[];
}

/** RFLAGS bit of each flag letter of the table. */
export const FLAG_LETTERS: Readonly<Record<string, number>> = { o: 0x800, s: 0x80, z: 0x40, a: 0x10, p: 0x4, c: 0x1, d: 0x400 };

function flagMask(text: string, line: string): number {
  if (text === "-") return 0;
  let m = 0;
  for (const ch of text) {
    const b = FLAG_LETTERS[ch];
    if (b === undefined) throw new Error(`x86 optable: bad flag letter ${ch} in: ${line}`);
    m |= b;
  }
  return m;
}

/** Parse OP_TABLE (rows of whitespace-separated columns; # starts a comment line). */
export function parseOpTable(text: string): OpRow[] {
  const rows: OpRow[] = [];

  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const cols = line.split(/\s+/);
    // Mnemonics (lower case) run up to the family, the column before the ISA (upper case).
    const at = cols.findIndex((c) => /^[A-Z]/.test(c)) - 1;
    if (at < 1 || !FAMILIES.includes(cols[at]!) || cols.length < at + 6) throw new Error(`x86 optable: bad row: ${line}`);
    const names = cols.slice(0, at).map((n) => n.toUpperCase());
    const [family, isaText, flow, reads, writes, undef, ...notes] = cols.slice(at) as [string, string, string, string, string, string, ...string[]];
    if (flow !== "-" && flow !== "jump" && flow !== "end") throw new Error(`x86 optable: bad flow ${flow} in: ${line}`);
    const [isa, ...variants] = isaText.split(",");
    const row: OpRow = { names, family, isa: isa!, isaMmx: isa!, isaYmm: isa!, isaEvex: isa!, flow, reads: flagMask(reads, line), writes: flagMask(writes, line), undef: flagMask(undef, line), notes };
    for (const v of variants) {
      const [k, x] = v.split(":");
      if (k === "mmx") row.isaMmx = x!;
      else if (k === "ymm") row.isaYmm = x!;
      else if (k === "evex") row.isaEvex = x!;
      else throw new Error(`x86 optable: bad isa variant ${v} in: ${line}`);
    }
    for (const n of notes) if (n !== "cc" && n !== "count" && n !== "rep" && n !== "keeps") throw new Error(`x86 optable: bad note ${n} in: ${line}`);
    rows.push(row);
  }
  return rows;
}

/** The handler families, in Op id order (the families' ops get consecutive ids). */
export const FAMILIES: readonly string[] = ["alu", "mov", "shift", "muldiv", "bits", "string", "stack", "branch", "flag", "system", "x87", "sse", "ssex", "bmi", "none"];

/** One row of ISA_TABLE. */
export interface IsaRow { name: string; leaf: number; reg: string; bit: number; level: number }

export function parseIsaTable(text: string): IsaRow[] {
  const out: IsaRow[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [name, leaf, reg, bit, level] = line.split(/\s+/) as [string, string, string, string, string];
    out.push({ name, leaf: leaf === "-" ? -1 : Number(leaf), reg, bit: bit === "-" ? -1 : Number(bit), level: Number(level) });
  }
  return out;
}
