// What the explorer adds to rt0's raw observations, from the binary itself: each instruction's
// Go assembler text and file:line (pclntab), a name for any address (symbol, or which stack),
// the runtime's own names for g statuses and wait reasons (its gStatusStrings and
// waitReasonStrings tables, read from the binary), breakpoint names resolved the forgiving way,
// and the facts the pictures need. Runs in the explorer's worker; Node tests use it directly.

import type { GoBinary } from "../gobin/binary.js";
import type { BootEvent, TracedInst } from "../goruntime/boot.js";
import { fieldOffset, layoutsFor, type ReleaseLayouts } from "../goruntime/layouts.js";
import { Inst } from "../x86/inst.js";
import { decode } from "../x86/decode.js";
import { formatGnu } from "../disasm/gnu.js";
import { formatGo, goSyntaxFor, type GoSyntaxOptions } from "../disasm/goasm.js";
import type { PictureFacts } from "./pictures.js";

/** One instruction as the explorer shows it: both syntaxes and where in the source it is. */
export interface WebInst extends TracedInst {
  /** Go assembler syntax (as go tool objdump prints it). */
  go: string;
  /** "runtime/asm_amd64.s:159", or "" when the pclntab has no line. */
  pos: string;
}

/** A boot step with its instructions annotated. `live`: its values come from the run on screen
 *  (false: from an earlier run of the same binary, shown ahead of this run reaching it). */
export interface WebEvent extends Omit<BootEvent, "instructions"> {
  instructions: WebInst[];
  /** What each register of `regs` points at, when it points somewhere with a name. */
  regNotes?: Record<string, string>;
  live: boolean;
}

/** The offsets the pictures and the structure views use, as "struct.field". */
const OFFSETS: Array<[string, string, string]> = [
  ["g.stack.lo", "runtime.g", "stack.lo"], ["g.stack.hi", "runtime.g", "stack.hi"],
  ["g.stackguard0", "runtime.g", "stackguard0"], ["g.stackguard1", "runtime.g", "stackguard1"],
  ["g.m", "runtime.g", "m"], ["g.goid", "runtime.g", "goid"], ["g.atomicstatus", "runtime.g", "atomicstatus"],
  ["g.waitreason", "runtime.g", "waitreason"], ["m.g0", "runtime.m", "g0"], ["m.tls", "runtime.m", "tls"],
  ["m.curg", "runtime.m", "curg"], ["m.procid", "runtime.m", "procid"],
];

export class Annotator {
  readonly layouts: ReleaseLayouts | undefined;
  private readonly syntax: GoSyntaxOptions;
  private readonly inst = new Inst();
  private gStatusNames: string[] | undefined;
  private waitNames: string[] | undefined;
  private names: string[] | undefined;

  constructor(readonly bin: GoBinary, readonly osStack: { lo: number; hi: number }) {
    this.layouts = bin.goVersion ? layoutsFor(bin.goVersion) : undefined;
    this.syntax = goSyntaxFor(bin.goVersion);
  }

  facts(): PictureFacts {
    const offsets: Record<string, number> = {};
    const L = this.layouts;
    if (L) {
      for (const [k, s, f] of OFFSETS) {
        const o = fieldOffset(L, s, f);
        if (o !== undefined) offsets[k] = o;
      }
    }
    const tls = L?.find((s) => s.name === "runtime.m")?.fields.find((f) => f.name === "tls");
    return { osStack: this.osStack, offsets, tlsSlots: tls ? tls.size / 8 : 0 };
  }

  /** "runtime/asm_amd64.s:159" for pc, "" when unknown. */
  pos(pc: number): string {
    const l = this.bin.lineAt(pc);
    return l ? `${l.file}:${l.line}` : "";
  }

  /** Decode the instruction at pc from the binary: its length, and both syntaxes. */
  decodeAt(pc: number): { len: number; bytes: Uint8Array; gnu: string; go: string; isInt3: boolean; endsFlow: boolean } | undefined {
    let raw: Uint8Array;
    try {
      raw = this.bin.readVirt(pc, 16);
    } catch {
      return undefined;
    }
    const i = this.inst;
    decode(raw, 0, pc, i);
    const len = Math.max(1, i.len);
    const bytes = raw.subarray(0, len);
    const gnu = formatGnu(i, this.bin);
    return {
      len, bytes, gnu, go: formatGo(i, pc, this.bin, this.syntax, bytes), isInt3: bytes[0] === 0xcc && len === 1,
      endsFlow: /^(ret|jmp)\b/.test(gnu) || /^ud2/.test(gnu),
    };
  }

  webInst(t: TracedInst): WebInst {
    const pc = Number(t.addr);
    return { ...t, go: this.decodeAt(pc)?.go ?? t.text, pos: this.pos(pc) };
  }

  event(ev: BootEvent, live: boolean): WebEvent {
    const out: WebEvent = { ...ev, instructions: ev.instructions.map((i) => this.webInst(i)), live };
    if (ev.regs) {
      const notes: Record<string, string> = {};
      for (const [r, v] of Object.entries(ev.regs)) {
        const n = r === "rip" ? undefined : this.note(BigInt(v));
        if (n !== undefined) notes[r] = n;
      }
      out.regNotes = notes;
    }
    return out;
  }

  /** A name for an address: its symbol (+offset) in the binary, or the OS stack; undefined for
   *  small numbers and addresses nothing names. `stacks` adds the known goroutine stacks. */
  note(value: bigint, stacks: Array<{ lo: number; hi: number; name: string }> = []): string | undefined {
    if (value < 0x1000n || value > 0x7fffffffffffn) return undefined;
    const a = Number(value);
    for (const s of stacks) if (a >= s.lo && a < s.hi) return s.name;
    if (a >= this.osStack.lo && a < this.osStack.hi) return "OS stack";
    const s = this.bin.symbolize(a);
    if (s === undefined) return undefined;
    const sym = this.bin.sortedSymbols.find((x) => x.name === s.name);
    // Past a sized symbol's end the name would mislead (an address in the gap after it).
    if (sym !== undefined && sym.size > 0 && s.offset >= sym.size) return undefined;
    const name = s.name.replace(/\.abi0$/, "");
    return s.offset === 0 ? name : `${name}+0x${s.offset.toString(16)}`;
  }

  /** A [N]string table of the runtime, read from the binary's data (undefined when stripped). */
  private stringTable(symbol: string): string[] | undefined {
    const sym = this.bin.sortedSymbols.find((s) => s.name === symbol);
    if (sym === undefined || sym.size === 0 || sym.size % 16 !== 0) return undefined;
    try {
      const hdr = this.bin.readVirt(sym.value, sym.size);
      const dv = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
      const out: string[] = [];
      for (let k = 0; k < sym.size / 16; k++) {
        const p = Number(dv.getBigUint64(16 * k, true)), n = Number(dv.getBigUint64(16 * k + 8, true));
        out.push(n === 0 ? "" : new TextDecoder().decode(this.bin.readVirt(p, Math.min(n, 200))));
      }
      return out;
    } catch {
      return undefined;
    }
  }

  /** A g's atomicstatus as the runtime's traceback words it ("running", "waiting"; "+scan"). */
  gStatus(n: number): string | undefined {
    this.gStatusNames ??= this.stringTable("runtime.gStatusStrings") ?? [];
    const scan = (n & 0x1000) !== 0;
    const name = this.gStatusNames[n & ~0x1000];
    return name === undefined || name === "" ? undefined : scan ? `${name}, being scanned` : name;
  }

  /** A g's waitreason as the runtime words it ("chan receive", "GC worker (idle)"). */
  waitReason(n: number): string | undefined {
    this.waitNames ??= this.stringTable("runtime.waitReasonStrings") ?? [];
    if (n === 0) return "none";
    const s = this.waitNames[n];
    return s === undefined || s === "" ? undefined : s;
  }

  /** Function names for completion, without ABI suffixes, sorted. */
  functionNames(): string[] {
    if (this.names === undefined) {
      const set = new Set<string>();
      for (const f of this.bin.funcs) set.add(f.name.replace(/\.abi0$/, ""));
      this.names = [...set].sort();
    }
    return this.names;
  }

  /** Where a breakpoint name points: an exact function or symbol, NAME.abi0, a 0x address, or the
   *  one function whose last element is NAME ("schedinit" → runtime.schedinit). */
  resolve(input: string): { addr: number; name: string } | { error: string } {
    const name = input.trim();
    if (/^0x[0-9a-f]+$/i.test(name)) {
      const a = parseInt(name, 16);
      const f = this.bin.funcAt(a);
      if (f === undefined) return { error: `${name} is not inside any function` };
      const s = this.note(BigInt(a));
      return { addr: a, name: s ?? name };
    }
    const exact = this.bin.lookup(name) ?? this.bin.lookup(`${name}.abi0`);
    if (exact !== undefined) return { addr: exact, name };
    const tail = (f: string): string => f.slice(f.lastIndexOf(".") + 1);
    const found = this.bin.funcs.filter((f) => {
      const n = f.name.replace(/\.abi0$/, "");
      return n.endsWith(`.${name}`) || n.endsWith(`/${name}`) || tail(n) === name;
    });
    // One name may have two entries (a Go function and its ABI0 wrapper): the symbol table's
    // address for the name is the Go function.
    const names = [...new Set(found.map((f) => f.name.replace(/\.abi0$/, "")))];
    if (names.length === 1) {
      const n = names[0]!;
      return { addr: this.bin.lookup(n) ?? found[0]!.entry, name: n };
    }
    if (names.length > 1) return { error: `${name} is ambiguous: ${names.slice(0, 4).join(", ")}${names.length > 4 ? ` and ${names.length - 4} more` : ""}` };
    return { error: `no function ${name} in this binary` };
  }
}
