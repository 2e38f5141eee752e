// The `go tool objdump` layout: "TEXT sym(SB) file" per function, then one tab-aligned line per
// instruction ("  file.go:12\t0x401000\t493b6610\tCMPQ SP, 0x10(R14)\t"), aligned exactly as Go's
// text/tabwriter does it (minwidth 18, tabwidth 8, padding 1, tab padding, flushed per function).
//
// Ported from Go's cmd/internal/disasm/disasm.go (Print, Decode, lookup) and text/tabwriter
// (format, writeLines, writePadding). Copyright 2014 The Go Authors, BSD-style license.

import { Inst, P, resetInst } from "../x86/inst.js";
import { formatGo, x86asmKnows } from "./goasm.js";
import type { GoSymLookup, GoSyntaxOptions } from "./goasm.js";

/** A symbol as `go tool objdump` sees it (ELF .symtab, or pclntab functions when stripped). */
export interface GoToolSym {
  name: string;
  addr: number;
  size: number;
  /** A code symbol ('T' or 't' in go tool nm terms): these get a TEXT block. */
  text: boolean;
}

export interface GoToolInput {
  /** Address and bytes of the .text section. */
  textStart: number;
  text: Uint8Array;
  /** Every symbol, sorted by address (code and data: data symbols name memory operands). */
  syms: readonly GoToolSym[];
  lineAt(pc: number): { file: string; line: number } | undefined;
  /** Decode one instruction of code[off..] at address pc into inst (never throws). Returns false
   *  for bytes that do not decode: the line shows "?" and one byte is consumed. */
  decode(inst: Inst, code: Uint8Array, off: number, pc: number): boolean;
  options: GoSyntaxOptions;
  /** Reproduce x86asm's failures byte for byte: where it cannot decode an instruction (EVEX,
   *  most VEX, a few newer legacy ones) go tool objdump prints "?" and steps one byte, or (VEX)
   *  decodes the bytes after the VEX prefix as a one-byte-map instruction. Off by default: rt0
   *  then prints its own correct decoding there. */
  x86asmFailures?: boolean;
}

export interface GoToolRange {
  /** Only functions whose name matches. */
  filter?: RegExp | undefined;
  /** Only functions overlapping [start, end); like go tool objdump, a function is shown from
   *  its entry and cut at end. */
  start?: number | undefined;
  end?: number | undefined;
  /** Interleave source positions (like go tool objdump -S): a line with the source text when
   *  sourceLine can read it, else "file:line"; the address column then has no file:line. */
  source?: boolean | undefined;
  sourceLine?: ((file: string, line: number) => string | undefined) | undefined;
}

/** Drop the section-marker symbols exactly as disasm.go does. */
const DROPPED = new Set(["runtime.text", "text", "_text", "runtime.etext", "etext", "_etext"]);

/** x86asm-style symbol lookup: the last symbol starting at or before addr, if addr is inside it. */
export function makeLookup(syms: readonly GoToolSym[]): GoSymLookup {
  const kept = syms.filter((s) => !DROPPED.has(s.name));
  const addrs = Float64Array.from(kept, (s) => s.addr);
  return (addr: number) => {
    let lo = 0;
    let hi = addrs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (addr < addrs[mid]!) hi = mid;
      else lo = mid + 1;
    }
    if (lo === 0) return undefined;
    const s = kept[lo - 1]!;
    if (s.addr !== 0 && s.addr <= addr && addr < s.addr + s.size) return { name: s.name, base: s.addr };
    return undefined;
  };
}

/** The final element of a path (Go's disasm.base: both / and \ separate). */
function baseName(path: string): string {
  let i = path.lastIndexOf("/");
  let p = i >= 0 ? path.slice(i + 1) : path;
  i = p.lastIndexOf("\\");
  if (i >= 0) p = p.slice(i + 1);
  return p;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));

function hexBytes(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += HEX[b[i]!]!;
  return s;
}

/** One instruction as go tool objdump decodes it. */
export interface GoToolInst {
  pc: number;
  size: number;
  file: string;
  line: number;
  hex: string;
  text: string;
}

/**
 * Yield the disassembly as go tool objdump prints it, one chunk (one function) at a time.
 */
export function* goToolObjdump(input: GoToolInput, range: GoToolRange = {}): Generator<string> {
  const textStart = input.textStart;
  const textEnd = textStart + input.text.length;
  let start = range.start ?? 0;
  let end = range.end ?? Number.MAX_SAFE_INTEGER;
  if (start < textStart) start = textStart;
  if (end > textEnd) end = textEnd;
  const lookup = makeLookup(input.syms);
  const inst = new Inst();
  let printed = false;
  for (const sym of input.syms) {
    if (DROPPED.has(sym.name)) continue;
    const symStart = sym.addr;
    let symEnd = sym.addr + sym.size;
    if (!sym.text || symStart < textStart || symEnd <= start || end <= symStart) continue;
    if (range.filter && !range.filter.test(sym.name)) continue;
    const out: string[] = [];
    if (printed) out.push("\n");
    printed = true;
    const head = input.lineAt(sym.addr);
    out.push(`TEXT ${sym.name}(SB) ${head?.file ?? ""}\n`);
    if (symEnd > end) symEnd = end;
    const rows: string[][] = [];
    let lastFile = "";
    let lastLine = 0;
    decodeRange(input, inst, lookup, symStart, symEnd, end, (d) => {
      if (range.source) {
        if (d.file !== lastFile || d.line !== lastLine) {
          const src = range.sourceLine?.(d.file, d.line);
          rows.push([src !== undefined ? src : `${d.file}:${d.line}`]);
          lastFile = d.file;
          lastLine = d.line;
        }
        rows.push([`  0x${d.pc.toString(16)}`, d.hex, d.text, ""]);
      } else {
        rows.push([`  ${baseName(d.file)}:${d.line}`, `0x${d.pc.toString(16)}`, d.hex, d.text, ""]);
      }
    });
    tabwrite(rows, out);
    yield out.join("");
  }
}

/** Decode [from, to) as disasm.go's Decode does; the decoder may read up to limit. */
export function decodeRange(input: GoToolInput, inst: Inst, lookup: GoSymLookup, from: number, to: number, limit: number,
  f: (d: GoToolInst) => void): void {
  const textStart = input.textStart;
  const code = limit - textStart < input.text.length ? input.text.subarray(0, limit - textStart) : input.text;
  for (let pc = from; pc < to;) {
    const i = pc - textStart;
    resetInst(inst);
    let text: string;
    let size: number;
    if (input.decode(inst, code, i, pc) && inst.len > 0) {
      size = inst.len;
      if (input.x86asmFailures && !x86asmKnows(inst)) {
        [text, size] = x86asmFailure(input, inst, lookup, code, i, pc);
      } else {
        text = formatGo(inst, pc, lookup, input.options, code.subarray(i, i + inst.len));
      }
    } else if (input.x86asmFailures) {
      [text, size] = x86asmFailure(input, inst, lookup, code, i, pc);
    } else {
      size = 1;
      text = "?";
    }
    if (i + size > code.length) {
      size = 1;
      text = "?";
    }
    const pos = input.lineAt(pc);
    f({ pc, size, file: pos?.file ?? "", line: pos?.line ?? 0, hex: hexBytes(code, i, i + size), text });
    pc += size;
  }
}

/** What x86asm makes of an instruction it does not know (see GoToolInput.x86asmFailures). */
function x86asmFailure(input: GoToolInput, inst: Inst, lookup: GoSymLookup, code: Uint8Array, i: number, pc: number): [string, number] {
  const b0 = code[i]!;
  // A VEX prefix as the first byte: x86asm consumes it, then decodes the next bytes with its
  // one-byte opcode map (so C5 FD D7 C0, VPMOVMSKB, reads as XLATB and leaves C0 as "?").
  if ((b0 === 0xc5 && i + 1 < code.length) || (b0 === 0xc4 && i + 2 < code.length)) {
    const vexLen = b0 === 0xc5 ? 2 : 3;
    const sub = new Inst();
    if (input.decode(sub, code, i + vexLen, pc + vexLen) && x86asmKnows(sub) && !(sub.pfx & (P.REX | P.VEX | P.EVEX))) {
      // GoSyntax stops reading prefixes at the VEX byte: none of the later ones is shown.
      sub.pfx &= ~(P.REP | P.REPNE | P.LOCK | P.BND | P.HINT_NT | P.HINT_T | P.NOTRACK);
      if (sub.base === -1 && sub.index === -1 && sub.modrm < 0) sub.seg = -1;
      return [formatGo(sub, pc + vexLen, lookup, input.options, code.subarray(i + vexLen, i + vexLen + sub.len)), vexLen + sub.len];
    }
  }
  void inst;
  return ["?", 1];
}

// ---- text/tabwriter, as configured by disasm.go: NewWriter(w, 18, 8, 1, '\t', StripEscape) ----

const MINWIDTH = 18;
const TABWIDTH = 8;
const PADDING = 1;
const TABS = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

function cellWidth(s: string): number {
  // Go counts runes; our cells are ASCII except possibly file names.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s.length : [...s].length;
}

/**
 * Format lines of cells like Go's tabwriter with tab padding. Each line is its cells; the last
 * element is the text after the last tab (it belongs to no column).
 */
export function tabwrite(lines: readonly (readonly string[])[], out: string[]): void {
  const widths: number[] = [];
  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i]!;
      let s = "";
      for (let j = 0; j < line.length; j++) {
        const c = line[j]!;
        s += c;
        if (j < widths.length) {
          // Tab padding: round the cell width up to a multiple of the tab width.
          const cellw = Math.ceil(widths[j]! / TABWIDTH) * TABWIDTH;
          const n = cellw - cellWidth(c);
          s += TABS.slice(0, Math.ceil(n / TABWIDTH));
        }
      }
      out.push(s, "\n");
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      // A cell exists in this column: print the lines before the block, then size the block.
      writeLines(line0, t);
      line0 = t;
      let width = MINWIDTH;
      for (; t < line1; t++) {
        const line = lines[t]!;
        if (column >= line.length - 1) break;
        const w = cellWidth(line[column]!) + PADDING;
        if (w > width) width = w;
      }
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
}

// ---- Go's pdqsort (sort/zsortinterface.go, slices/zsortanyfunc.go) ----
// go tool objdump sorts the ELF symbols by address with Go's unstable sort; which of several
// symbols at one address comes last decides what a memory operand is named. Porting the sort
// makes that choice identical. Not a hot path (once per run), so BigInt is fine here.

/** Sort syms by address exactly as the go tool objdump of Go 1.minor does. */
export function goSortByAddr<T extends { addr: number }>(syms: T[], minor: number): void {
  const n = syms.length;
  if (n <= 1) return;
  const shifts: [bigint, bigint, bigint] = minor <= 23 ? [13n, 17n, 5n] : [13n, 7n, 17n];
  const less = (i: number, j: number): boolean => syms[i]!.addr < syms[j]!.addr;
  const swap = (i: number, j: number): void => {
    const t = syms[i]!;
    syms[i] = syms[j]!;
    syms[j] = t;
  };
  const bitsLen = (x: number): number => (x === 0 ? 0 : Math.floor(Math.log2(x)) + 1);
  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1);
  };
  const siftDown = (lo: number, hi: number, first: number): void => {
    let root = lo;
    for (;;) {
      let child = 2 * root + 1;
      if (child >= hi) break;
      if (child + 1 < hi && less(first + child, first + child + 1)) child++;
      if (!less(first + root, first + child)) return;
      swap(first + root, first + child);
      root = child;
    }
  };
  const heapSort = (a: number, b: number): void => {
    const first = a;
    const hi = b - a;
    for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(i, hi, first);
    for (let i = hi - 1; i >= 0; i--) {
      swap(first, first + i);
      siftDown(0, i, first);
    }
  };
  const breakPatterns = (a: number, b: number): void => {
    const length = b - a;
    if (length >= 8) {
      let r = BigInt(length);
      const mask64 = (1n << 64n) - 1n;
      const modulus = 2 ** bitsLen(length);
      for (let idx = a + Math.floor(length / 4) * 2 - 1; idx <= a + Math.floor(length / 4) * 2 + 1; idx++) {
        r ^= (r << shifts[0]) & mask64;
        r ^= r >> shifts[1];
        r ^= (r << shifts[2]) & mask64;
        let other = Number(r & BigInt(modulus - 1));
        if (other >= length) other -= length;
        swap(idx, a + other);
      }
    }
  };
  let swaps = 0;
  const order2 = (a: number, b: number): [number, number] => {
    if (less(b, a)) {
      swaps++;
      return [b, a];
    }
    return [a, b];
  };
  const median = (a: number, b: number, c: number): number => {
    [a, b] = order2(a, b);
    [b] = order2(b, c);
    return order2(a, b)[1];
  };
  const INCREASING = 1;
  const DECREASING = 2;
  const choosePivot = (a: number, b: number): [number, number] => {
    const l = b - a;
    swaps = 0;
    let i = a + Math.floor(l / 4) * 1;
    let j = a + Math.floor(l / 4) * 2;
    let k = a + Math.floor(l / 4) * 3;
    if (l >= 8) {
      if (l >= 50) {
        i = median(i - 1, i, i + 1);
        j = median(j - 1, j, j + 1);
        k = median(k - 1, k, k + 1);
      }
      j = median(i, j, k);
    }
    return [j, swaps === 0 ? INCREASING : swaps === 12 ? DECREASING : 0];
  };
  const reverseRange = (a: number, b: number): void => {
    for (let i = a, j = b - 1; i < j; i++, j--) swap(i, j);
  };
  const partialInsertionSort = (a: number, b: number): boolean => {
    let i = a + 1;
    for (let step = 0; step < 5; step++) {
      while (i < b && !less(i, i - 1)) i++;
      if (i === b) return true;
      if (b - a < 50) return false;
      swap(i, i - 1);
      if (i - a >= 2) {
        for (let j = i - 1; j >= 1; j--) {
          if (!less(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
      if (b - i >= 2) {
        for (let j = i + 1; j < b; j++) {
          if (!less(j, j - 1)) break;
          swap(j, j - 1);
        }
      }
    }
    return false;
  };
  const partitionEqual = (a: number, b: number, pivot: number): number => {
    swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    for (;;) {
      while (i <= j && !less(a, i)) i++;
      while (i <= j && less(a, j)) j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    return i;
  };
  const partition = (a: number, b: number, pivot: number): [number, boolean] => {
    swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    while (i <= j && less(i, a)) i++;
    while (i <= j && !less(j, a)) j--;
    if (i > j) {
      swap(j, a);
      return [j, true];
    }
    swap(i, j);
    i++;
    j--;
    for (;;) {
      while (i <= j && less(i, a)) i++;
      while (i <= j && !less(j, a)) j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    swap(j, a);
    return [j, false];
  };
  const pdqsort = (a: number, b: number, limit: number): void => {
    let wasBalanced = true;
    let wasPartitioned = true;
    for (;;) {
      const length = b - a;
      if (length <= 12) {
        insertionSort(a, b);
        return;
      }
      if (limit === 0) {
        heapSort(a, b);
        return;
      }
      if (!wasBalanced) {
        breakPatterns(a, b);
        limit--;
      }
      let [pivot, hint] = choosePivot(a, b);
      if (hint === DECREASING) {
        reverseRange(a, b);
        pivot = b - 1 - (pivot - a);
        hint = INCREASING;
      }
      if (wasBalanced && wasPartitioned && hint === INCREASING) {
        if (partialInsertionSort(a, b)) return;
      }
      if (a > 0 && !less(a - 1, pivot)) {
        a = partitionEqual(a, b, pivot);
        continue;
      }
      const [mid, already] = partition(a, b, pivot);
      wasPartitioned = already;
      const leftLen = mid - a;
      const rightLen = b - mid;
      const balanceThreshold = Math.floor(length / 8);
      if (leftLen < rightLen) {
        wasBalanced = leftLen >= balanceThreshold;
        pdqsort(a, mid, limit);
        a = mid + 1;
      } else {
        wasBalanced = rightLen >= balanceThreshold;
        pdqsort(mid + 1, b, limit);
        b = mid;
      }
    }
  };
  pdqsort(0, n, bitsLen(n));
}
