// Go's pclntab (runtime.pcHeader and the tables after it) in the layouts Go 1.16 through 1.26
// use: magic 0xfffffffa (1.16-1.17), 0xfffffff0 (1.18-1.19), 0xfffffff1 (1.20+). Gives function
// names, entry/end addresses and file:line for any PC, like debug/gosym. All reads are bounded.

import { UserError } from "../base/assert.js";
import { latin1 } from "../elf/bytes.js";
import { U64 } from "../base/u64.js";

export const PCLN_MAGIC = { GO116: 0xfffffffa, GO118: 0xfffffff0, GO120: 0xfffffff1, GO12: 0xfffffffb } as const;

export interface GoFunc {
  name: string;
  entry: number;
  end: number;
}

/** The fixed fields of a runtime._func record. */
export interface FuncRecord {
  entry: number;
  nameOff: number;
  args: number;
  deferreturn: number;
  pcsp: number;
  pcfile: number;
  pcln: number;
  npcdata: number;
  cuOffset: number;
  /** Go 1.20+ only (0 before). */
  startLine: number;
  funcID: number;
  flag: number;
  nfuncdata: number;
  /** Offset of the record inside the pclntab data. */
  off: number;
}


/** The layout and funcnametab offset of a pcHeader, without parsing the tables (undefined when
 *  the bytes are not a 64-bit pcHeader of Go 1.16+). */
export function peekPcHeader(d: Uint8Array): { layout: "1.16" | "1.18" | "1.20"; funcnametab: number; textStart: number } | undefined {
  if (d.length < 72 || d[4] !== 0 || d[5] !== 0 || d[7] !== 8) return undefined;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const m = dv.getUint32(0, true);
  const layout = m === PCLN_MAGIC.GO116 ? "1.16" : m === PCLN_MAGIC.GO118 ? "1.18" : m === PCLN_MAGIC.GO120 ? "1.20" : undefined;
  if (!layout) return undefined;
  const w = (i: number): number => dv.getUint32(12 + i * 8, true) * U64.TWO32 + dv.getUint32(8 + i * 8, true);
  return layout === "1.16" ? { layout, funcnametab: w(2), textStart: 0 } : { layout, funcnametab: w(3), textStart: w(2) };
}

export class PcLnTab {
  readonly magic: number;
  /** "1.16" (1.16-1.17), "1.18" (1.18-1.19) or "1.20" (1.20+). */
  readonly layout: "1.16" | "1.18" | "1.20";
  readonly quantum: number;
  readonly ptrSize: number;
  readonly nfunc: number;
  readonly nfiles: number;
  /** The textStart word of the header (0 in Go 1.26+, which no longer stores it). */
  readonly headerTextStart: number;
  readonly textStart: number;
  readonly funcs: GoFunc[];
  private readonly dv: DataView;
  /** Offset of funcnametab from the header (moduledata.funcnametab points there). */
  readonly funcnametab: number;
  private readonly cutab: number;
  private readonly filetab: number;
  private readonly pctab: number;
  private readonly funcdata: number;
  private readonly functab: number;
  private readonly entries: Float64Array;
  private readonly funcOffs: Uint32Array;

  /**
   * data: bytes from the pcHeader to (at least) the end of the table.
   * textStart: moduledata.text (needed for 1.18+ where entries are text-relative); when
   * undefined the header's textStart word is used.
   */
  constructor(readonly data: Uint8Array, textStart?: number) {
    const d = data;
    this.dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    if (d.length < 16) throw new UserError("bad pclntab: shorter than its header");
    this.magic = this.dv.getUint32(0, true);
    if (this.magic === PCLN_MAGIC.GO116) this.layout = "1.16";
    else if (this.magic === PCLN_MAGIC.GO118) this.layout = "1.18";
    else if (this.magic === PCLN_MAGIC.GO120) this.layout = "1.20";
    else if (this.magic === PCLN_MAGIC.GO12) throw new UserError("pclntab of Go 1.2-1.15: rt0 supports Go 1.16 and later");
    else throw new UserError(`bad pclntab: unknown magic 0x${this.magic.toString(16)}`);
    if (d[4] !== 0 || d[5] !== 0 || (d[6] !== 1 && d[6] !== 2 && d[6] !== 4) || d[7] !== 8) {
      throw new UserError("bad pclntab: header is not a 64-bit pcHeader");
    }
    this.quantum = d[6]!;
    this.ptrSize = d[7]!;
    const word = (i: number): number => this.u64(8 + i * 8);
    const nwords = this.layout === "1.16" ? 7 : 8;
    if (d.length < 8 + nwords * 8) throw new UserError("bad pclntab: shorter than its header");
    this.nfunc = word(0);
    this.nfiles = word(1);
    const o = this.layout === "1.16" ? 2 : 3;
    this.headerTextStart = this.layout === "1.16" ? 0 : word(2);
    this.textStart = textStart ?? this.headerTextStart;
    this.funcnametab = word(o);
    this.cutab = word(o + 1);
    this.filetab = word(o + 2);
    this.pctab = word(o + 3);
    this.funcdata = word(o + 4);
    this.functab = this.funcdata;
    for (const [what, off] of [["funcnametab", this.funcnametab], ["cutab", this.cutab], ["filetab", this.filetab], ["pctab", this.pctab], ["functab", this.functab]] as const) {
      if (!(off < d.length)) throw new UserError(`bad pclntab: ${what} offset 0x${off.toString(16)} beyond the table`);
    }
    const fsz = this.fieldSize();
    if (!((this.nfunc * 2 + 1) * fsz <= d.length - this.functab)) throw new UserError(`bad pclntab: ${this.nfunc} functions do not fit in the table`);
    const n = this.nfunc;
    this.entries = new Float64Array(n + 1);
    this.funcOffs = new Uint32Array(n);
    for (let i = 0; i <= n; i++) {
      const p = this.functab + i * 2 * fsz;
      const e = fsz === 4 ? this.textStart + this.dv.getUint32(p, true) : this.u64(p);
      this.entries[i] = e;
      if (i > 0 && e < this.entries[i - 1]!) throw new UserError(`bad pclntab: function table not sorted at entry ${i}`);
      if (i < n) {
        const fo = fsz === 4 ? this.dv.getUint32(p + 4, true) : this.u64(p + 8);
        if (!(this.funcdata + fo + this.recordSize() <= d.length)) throw new UserError(`bad pclntab: function ${i} record beyond the table`);
        this.funcOffs[i] = this.funcdata + fo;
      }
    }
    this.funcs = new Array<GoFunc>(n);
    for (let i = 0; i < n; i++) {
      const nameOff = this.dv.getInt32(this.funcOffs[i]! + this.sz0(), true);
      this.funcs[i] = { name: this.cstr(this.funcnametab + nameOff), entry: this.entries[i]!, end: this.entries[i + 1]! };
    }
  }

  private u64(off: number): number {
    if (off + 8 > this.data.length) return 0;
    return this.dv.getUint32(off + 4, true) * U64.TWO32 + this.dv.getUint32(off, true);
  }

  private u32(off: number): number {
    if (!(off >= 0 && off + 4 <= this.data.length)) return 0xffffffff;
    return this.dv.getUint32(off, true);
  }

  private fieldSize(): number {
    return this.layout === "1.16" ? 8 : 4;
  }

  private sz0(): number {
    return this.layout === "1.16" ? 8 : 4;
  }

  private recordSize(): number {
    return this.sz0() + 8 * 4 + (this.layout === "1.20" ? 8 : 4);
  }

  private cstr(off: number): string {
    const d = this.data;
    if (!(off >= 0 && off < d.length)) return "";
    let i = off;
    const stop = Math.min(d.length, off + 65536);
    while (i < stop && d[i] !== 0) i++;
    return latin1(d, off, i);
  }

  /** Index of the function containing pc (entry <= pc < next entry), or -1. */
  funcIndex(pc: number): number {
    const e = this.entries;
    const n = this.nfunc;
    if (n === 0 || pc < e[0]! || pc >= e[n]!) return -1;
    let lo = 0;
    let hi = n; // first index with entry > pc, in [1, n]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (e[mid]! > pc) hi = mid;
      else lo = mid + 1;
    }
    return lo - 1;
  }

  /** The _func record of function i. */
  record(i: number): FuncRecord {
    const off = this.funcOffs[i]!;
    const f = (k: number): number => this.dv.getUint32(off + this.sz0() + (k - 1) * 4, true);
    const tail = off + this.sz0() + 8 * 4;
    const v120 = this.layout === "1.20";
    return {
      entry: this.entries[i]!,
      nameOff: f(1) | 0,
      args: f(2) | 0,
      deferreturn: f(3),
      pcsp: f(4),
      pcfile: f(5),
      pcln: f(6),
      npcdata: f(7),
      cuOffset: f(8),
      startLine: v120 ? f(9) | 0 : 0,
      funcID: this.data[v120 ? tail + 4 : tail]!,
      flag: v120 ? this.data[tail + 5]! : 0,
      nfuncdata: this.data[v120 ? tail + 7 : tail + 3]!,
      off,
    };
  }

  /**
   * Value of the pc-value table at pctab offset `off` for targetpc, in a function starting at
   * entry (runtime pcvalue / gosym pcvalue); -1 when pc is past the table.
   */
  pcvalue(off: number, entry: number, targetpc: number): number {
    const d = this.data;
    let p = this.pctab + off;
    const end = d.length;
    let val = -1;
    let pc = entry;
    for (;;) {
      const first = pc === entry;
      // uvdelta
      let uv = 0;
      let shift = 0;
      let b = 0x80;
      while (b & 0x80) {
        if (p >= end || shift > 35) return -1;
        b = d[p++]!;
        uv += (b & 0x7f) * 2 ** shift;
        shift += 7;
      }
      if (uv === 0 && !first) return -1;
      uv = uv >>> 0;
      const vdelta = uv & 1 ? ~(uv >>> 1) : uv >>> 1;
      let pcd = 0;
      shift = 0;
      b = 0x80;
      while (b & 0x80) {
        if (p >= end || shift > 35) return -1;
        b = d[p++]!;
        pcd += (b & 0x7f) * 2 ** shift;
        shift += 7;
      }
      pc += (pcd >>> 0) * this.quantum;
      val = (val + vdelta) | 0;
      if (targetpc < pc) return val;
    }
  }

  /** File name for file number fno of the compilation unit at cuOffset, or "". */
  fileName(cuOffset: number, fno: number): string {
    if (fno < 0) return "";
    const fnoff = this.u32(this.cutab + (cuOffset + fno) * 4);
    if (fnoff === 0xffffffff) return "";
    return this.cstr(this.filetab + fnoff);
  }

  /** file:line for pc, as go tool addr2line reports it (undefined outside every function). */
  lineAt(pc: number): { file: string; line: number } | undefined {
    const i = this.funcIndex(pc);
    if (i < 0) return undefined;
    const r = this.record(i);
    const line = this.pcvalue(r.pcln, r.entry, pc);
    const fno = this.pcvalue(r.pcfile, r.entry, pc);
    return { file: this.fileName(r.cuOffset, fno), line };
  }

  /** Stack-pointer delta (bytes pushed since entry, the pcsp table) at pc, or undefined. */
  spDelta(pc: number): number | undefined {
    const i = this.funcIndex(pc);
    if (i < 0) return undefined;
    const r = this.record(i);
    const v = this.pcvalue(r.pcsp, r.entry, pc);
    return v < 0 ? undefined : v;
  }
}
