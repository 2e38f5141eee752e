// The `objdump -d` layout: section and `<symbol>:` headers, then one line per instruction
// `  addr:\tbytes (7 per line, continued on the next line)\ttext`, in GNU or Intel syntax.
// For `rt0 disasm` (src/cli/disasm.ts): call disassembleGnu() with the .text bytes, its
// address, the labels (symbol starts) and a symbolizer; write each yielded line plus "\n".

import { decode } from "../x86/decode.js";
import { Inst } from "../x86/inst.js";
import { formatGnu, type Symbolizer } from "./gnu.js";
import { formatIntel } from "./intel.js";

export type { Symbolizer } from "./gnu.js";

/** A symbol start inside the section (objdump prints a `<name>:` header there). */
export interface Label {
  addr: number;
  name: string;
}

export interface ObjdumpOptions {
  /** The section's bytes and the address of code[0]. */
  code: Uint8Array;
  addr: number;
  /** Section name for the "Disassembly of section" line (default ".text"). */
  section?: string;
  /** Symbol starts, any order. Without labels objdump prints `<.text>` at the section start. */
  labels?: readonly Label[];
  /** Resolves branch targets and RIP-relative addresses (undefined: plain 0x addresses). */
  symbolizer?: Symbolizer;
  syntax?: "gnu" | "intel";
  /** Address range to disassemble ([start, stop)), like --start-address/--stop-address. */
  start?: number;
  stop?: number;
  /** When set, the leading "\n<file>:     file format elf64-x86-64\n" block is included. */
  file?: string;
  /** When set, only instructions inside labels whose name passes the filter are shown. */
  filter?: (name: string) => boolean;
}

const HEX16 = (a: number): string => a.toString(16).padStart(16, "0");

/** Bytes column for one line: up to 7 bytes "xx " each, padded to 21 columns when followed
 *  by the instruction text. */
export function bytesCol(code: Uint8Array, from: number, to: number, pad: boolean): string {
  let s = "";
  for (let k = from; k < to; k++) s += code[k]!.toString(16).padStart(2, "0") + " ";
  return pad ? s.padEnd(21) : s;
}

/**
 * Yields the lines (without "\n") of `objdump -d` for one executable section.
 * Instruction lines are exactly objdump's: "  401000:\t49 3b 66 10          \tcmp    ...".
 */
export function* disassembleGnu(o: ObjdumpOptions): Generator<string> {
  const code = o.code;
  const base = o.addr;
  const endAddr = base + code.length;
  const start = Math.max(base, o.start ?? base);
  const stop = Math.min(endAddr, o.stop ?? endAddr);
  const fmt = o.syntax === "intel" ? formatIntel : formatGnu;
  const labels = [...(o.labels ?? [])].filter((l) => l.addr >= base && l.addr < endAddr).sort((a, b) => a.addr - b.addr);
  // One header per address (the first label given for it wins).
  const uniq: Label[] = [];
  for (const l of labels) if (uniq.length === 0 || uniq[uniq.length - 1]!.addr !== l.addr) uniq.push(l);
  if (o.file !== undefined) {
    yield "";
    yield `${o.file}:     file format elf64-x86-64`;
    yield "";
  }
  yield "";
  yield `Disassembly of section ${o.section ?? ".text"}:`;
  // Regions: [label.addr, next label) each printed with its header.
  let li = 0;
  // First label at or before start.
  while (li + 1 < uniq.length && uniq[li + 1]!.addr <= start) li++;
  let pc = start;
  const inst = new Inst();
  let first = true;
  while (pc < stop) {
    let name: string;
    let regionEnd: number;
    if (uniq.length === 0 || uniq[0]!.addr > pc) {
      name = o.section ?? ".text";
      const off = pc - base;
      if (off) name += `+0x${off.toString(16)}`;
      regionEnd = uniq.length ? Math.min(uniq[0]!.addr, stop) : stop;
      li = -1;
    } else {
      const l = uniq[li]!;
      name = l.name + (pc > l.addr ? `+0x${(pc - l.addr).toString(16)}` : "");
      regionEnd = Math.min(li + 1 < uniq.length ? uniq[li + 1]!.addr : endAddr, stop);
    }
    const show = o.filter === undefined || li < 0 || o.filter(uniq[li]!.name);
    if (show) {
      yield "";
      yield `${HEX16(pc)} <${name}>:`;
    }
    const limit = regionEnd - base;
    const view = limit === code.length ? code : code.subarray(0, limit);
    while (pc < regionEnd) {
      const off = pc - base;
      decode(view, off, pc, inst);
      const len = inst.len;
      if (show) {
        const a = pc.toString(16).padStart(8, " ");
        yield `${a}:\t${bytesCol(code, off, off + Math.min(7, len), true)}\t${fmt(inst, o.symbolizer)}`;
        for (let k = 7; k < len; k += 7) {
          yield `${(pc + k).toString(16).padStart(8, " ")}:\t${bytesCol(code, off + k, off + Math.min(k + 7, len), false)}`;
        }
      }
      pc += len;
    }
    li++;
    first = false;
  }
  void first;
}
