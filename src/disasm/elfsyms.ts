// objdump's symbols for any x86-64 executable (a C program, /bin/true), for `rt0 disasm`: the
// .symtab symbols it keeps, the synthetic `name@plt` symbols it makes for PLT entries from the
// dynamic relocations, sorted as objdump sorts them, and its two lookups: the symbol that
// names a place in a section being disassembled, and the one that names an operand's address.

import { SHF, SHT, STB, STT, type ElfFile, type ElfSymbol, type Section } from "../elf/elf.js";
import { decode } from "../x86/decode.js";
import { Inst } from "../x86/inst.js";
import { formatGnu, type Symbolizer } from "./gnu.js";
import { formatIntel } from "./intel.js";
import { bytesCol } from "./objdump.js";

/** One symbol as objdump holds it. */
export interface ObjSym {
  name: string;
  value: number;
  /** Section index (synthetic: the PLT section's); ABS symbols have 0xfff1. */
  sec: number;
  /** Its section's name ("*ABS*" for SHN_ABS). */
  secName: string;
  func: boolean;
  object: boolean;
  local: boolean;
  global: boolean;
  size: number;
}

const SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2;
const R_X86_64_GLOB_DAT = 6, R_X86_64_JUMP_SLOT = 7, R_X86_64_IRELATIVE = 37;

function fromElf(elf: ElfFile, s: ElfSymbol, name = s.name): ObjSym {
  return {
    name, value: s.value, sec: s.shndx, secName: s.shndx === SHN_ABS ? "*ABS*" : (elf.sections[s.shndx]?.name ?? ""),
    // STT_GNU_IFUNC is BSF_GNU_INDIRECT_FUNCTION in BFD, not BSF_FUNCTION.
    func: s.type === STT.FUNC, object: s.type === STT.OBJECT,
    local: s.bind === STB.LOCAL, global: s.bind === STB.GLOBAL && s.shndx !== SHN_UNDEF && s.shndx !== SHN_COMMON, size: s.size,
  };
}

/** The symbols objdump -d keeps from .symtab (remove_useless_symbols): named, defined, not
 *  FILE or SECTION symbols, not common. */
function useful(s: ElfSymbol): boolean {
  if (s.shndx === SHN_ABS && s.type === STT.FILE) return false;
  return s.name !== "" && s.type !== STT.FILE && s.type !== STT.SECTION && s.shndx !== SHN_UNDEF && s.shndx !== SHN_COMMON;
}

const fileLike = (n: string): boolean => n.length > 2 && n[n.length - 2] === "." && (n.endsWith("o") || n.endsWith("a"));

/** binutils' compare_symbols while `secName` is disassembled (symbols of a section of that name
 *  first among equal values; no other order between sections). */
function compare(a: ObjSym, b: ObjSym, secName: string): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const as = a.secName === secName, bs = b.secName === secName;
  if (as !== bs) return as ? -1 : 1;
  const ag = a.name.includes("gnu_compiled") || a.name.includes("gcc2_compiled"), bg = b.name.includes("gnu_compiled") || b.name.includes("gcc2_compiled");
  if (ag !== bg) return ag ? 1 : -1;
  const af = fileLike(a.name), bf = fileLike(b.name);
  if (af !== bf) return af ? 1 : -1;
  if (a.func !== b.func) return a.func ? -1 : 1;
  if (a.object !== b.object) return a.object ? -1 : 1;
  if (a.local !== b.local) return a.local ? 1 : -1;
  if (a.global !== b.global) return a.global ? -1 : 1;
  if (a.size !== b.size) return a.size > b.size ? -1 : 1;
  if ((a.name[0] === ".") !== (b.name[0] === ".")) return a.name[0] === "." ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

interface Reloc {
  offset: number;
  type: number;
  sym: number;
  addend: number;
}

function relocations(elf: ElfFile): Reloc[] {
  const out: Reloc[] = [];
  for (const s of elf.sections) {
    if (s.type !== SHT.RELA || (s.flags & 2) === 0) continue; // the dynamic (allocated) ones
    for (let o = s.offset; o + 24 <= s.offset + s.size; o += 24) {
      const info = elf.r.u64(o + 8, "relocation");
      out.push({ offset: elf.r.u64(o, "relocation"), type: info % 4294967296, sym: Math.floor(info / 4294967296), addend: elf.r.u64(o + 16, "relocation") });
    }
  }
  return out;
}

/**
 * objdump's synthetic PLT symbols (elf_x86_64_get_synthetic_symtab): each entry of .plt,
 * .plt.sec and .plt.got that jumps through a GOT slot with a JUMP_SLOT, GLOB_DAT or IRELATIVE
 * relocation is named after the relocation's symbol ("free@plt"), or "*ABS*+0xADDEND@plt".
 */
function pltSymbols(elf: ElfFile): ObjSym[] {
  if (!elf.sections.some((x) => x.type === 6 /* SHT_DYNAMIC */)) return [];
  const relocs = relocations(elf).filter((r) => r.type === R_X86_64_JUMP_SLOT || r.type === R_X86_64_GLOB_DAT || r.type === R_X86_64_IRELATIVE);
  if (relocs.length === 0) return [];
  const bySlot = new Map<number, Reloc>();
  for (const r of relocs) if (!bySlot.has(r.offset)) bySlot.set(r.offset, r);
  const dyn = elf.dynamicSymbols;
  const out: ObjSym[] = [];
  const secs = elf.sections.filter((s) => s.name === ".plt" || s.name === ".plt.sec" || s.name === ".plt.got");
  // With .plt.sec (IBT), the .plt entries only push and jump to PLT0: the names go to .plt.sec.
  const hasSec = secs.some((s) => s.name === ".plt.sec");
  for (const s of secs) {
    if (hasSec && s.name === ".plt") continue;
    const code = elf.sectionData(s);
    const entry = s.name === ".plt.got" && s.entsize > 0 ? s.entsize : 16;
    for (let off = 0; off + 6 <= code.length; off += entry) {
      const slot = gotSlot(code, off, Math.min(off + entry, code.length), s.addr);
      if (slot === undefined) continue;
      const r = bySlot.get(slot);
      if (r === undefined) continue;
      const base = r.sym === 0 ? undefined : dyn[r.sym - 1];
      let name: string;
      if (base !== undefined && base.name !== "") name = base.name + (r.addend !== 0 ? `+0x${r.addend.toString(16)}` : "") + "@plt";
      else name = `*ABS*+0x${r.addend.toString(16)}@plt`;
      out.push({
        name, value: s.addr + off, sec: s.index, secName: s.name, func: base !== undefined && base.type === STT.FUNC, object: false,
        local: base !== undefined && base.bind === STB.LOCAL, global: base === undefined || base.bind !== STB.LOCAL, size: 0,
      });
    }
  }
  return out;
}

/** The GOT slot an entry's `jmp *disp(%rip)` (ff 25, after endbr64 and bnd prefixes) reads. */
function gotSlot(code: Uint8Array, from: number, to: number, base: number): number | undefined {
  for (let k = from; k + 6 <= to; k++) {
    if (code[k] === 0xff && code[k + 1] === 0x25) {
      const disp = (code[k + 2]! | (code[k + 3]! << 8) | (code[k + 4]! << 16) | (code[k + 5]! << 24));
      return base + k + 6 + disp;
    }
  }
  return undefined;
}

/** objdump's sorted symbol table of an executable and its lookups. */
export class ObjdumpSymbols {
  /** Every symbol objdump keeps, and the synthetic ones after them. */
  private readonly all: ObjSym[];
  syms: ObjSym[] = [];
  private values: number[] = [];
  constructor(readonly elf: ElfFile) {
    // The .symtab, or for a stripped binary the defined dynamic symbols named with their
    // versions ("stdout@GLIBC_2.2.5"), as objdump falls back to them.
    const real = elf.symbols.length > 0 ? elf.symbols.filter(useful).map((x) => fromElf(elf, x)) : dynamicWithVersions(elf);
    this.all = [...real, ...pltSymbols(elf)];
    this.sortFor("");
  }

  /** Sort as objdump does while disassembling section `name`. */
  sortFor(name: string): void {
    this.syms = [...this.all].sort((a, b) => compare(a, b, name));
    this.values = this.syms.map((x) => x.value);
  }

  /** Index of the last symbol with value <= addr (0 when none), then back to the first of
   *  its value. */
  private place(addr: number): number {
    const v = this.values;
    let lo = 0, hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid]! > addr) hi = mid;
      else lo = mid + 1;
    }
    let i = Math.max(0, lo - 1);
    while (i > 0 && v[i - 1] === v[i]) i--;
    return i;
  }

  /** find_symbol_for_address: the symbol naming addr while `sec` is disassembled; with
   *  `requireSec` only a symbol of that section (the headers), undefined when there is none. */
  find(addr: number, sec: Section, requireSec: boolean): ObjSym | undefined {
    const s = this.syms;
    if (s.length === 0) return undefined;
    let here = this.place(addr);
    // Among symbols of one value, prefer the section's.
    for (let k = here; k < s.length && s[k]!.value === s[here]!.value; k++) {
      if (s[k]!.sec === sec.index) return s[k];
    }
    if (!requireSec || s[here]!.sec === sec.index) return s[here];
    let found = -1;
    for (let k = here - 1; k >= 0; k--) {
      if (s[k]!.sec !== sec.index) continue;
      if (found >= 0 && s[k]!.value !== s[found]!.value) break;
      found = k;
    }
    if (found >= 0) here = found;
    else {
      for (let k = here + 1; k < s.length; k++) {
        if (s[k]!.sec === sec.index) {
          here = k;
          break;
        }
      }
    }
    return s[here]!.sec === sec.index ? s[here] : undefined;
  }

  /** Symbol values at or after `from` (where the next region begins), ascending. */
  nextValue(after: number): number | undefined {
    const v = this.values;
    let lo = 0, hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid]! > after) hi = mid;
      else lo = mid + 1;
    }
    return lo < v.length ? v[lo] : undefined;
  }
}

/** objdump prints "..." for a run of at least this many zero bytes (SKIP_ZEROES), or for
 *  fewer than SKIP_AT_END zero bytes that end a region. */
const SKIP_ZEROES = 8, SKIP_AT_END = 3;

/**
 * The `objdump -d` listing of any x86-64 executable, line by line (without "\n"): every
 * executable section in header order, a `<name>:` header wherever objdump's symbols begin a
 * region, runs of zero bytes as "...". `file` gives the leading "file format" block.
 */
export function* objdumpAny(elf: ElfFile, o: {
  file: string;
  syntax: "gnu" | "intel";
  start?: number | undefined;
  stop?: number | undefined;
  filter?: ((name: string) => boolean) | undefined;
}): Generator<string> {
  const syms = new ObjdumpSymbols(elf);
  const fmt = o.syntax === "intel" ? formatIntel : formatGnu;
  yield "";
  yield `${o.file}:     file format elf64-x86-64`;
  yield "";
  const inst = new Inst();
  for (const sec of elf.sections) {
    if ((sec.flags & SHF.EXECINSTR) === 0 || (sec.flags & SHF.ALLOC) === 0 || sec.type === SHT.NOBITS || sec.size === 0) continue;
    const code = elf.sectionData(sec);
    const end = sec.addr + code.length;
    const from = Math.max(sec.addr, o.start ?? sec.addr), to = Math.min(end, o.stop ?? end);
    if (from >= to) continue;
    yield "";
    yield `Disassembly of section ${sec.name}:`;
    syms.sortFor(sec.name);
    const symbolizer = { symbolize: (a: number) => { const s = syms.find(a, sec, false); return s && { name: s.name, offset: a - s.value }; } };
    let sym = syms.find(from, sec, true);
    let pc = from;
    while (pc < to) {
      let next: ObjSym | undefined;
      if (sym === undefined) next = undefined;
      else if (sym.value > pc) next = sym;
      else next = syms.syms.find((s) => s.sec === sec.index && s.value > sym!.value);
      let stop = sym !== undefined && sym.value > pc ? sym.value : next === undefined ? to : next.value;
      if (stop > to || stop <= pc) stop = to;
      const label = sym === undefined ? sec.name + (pc > sec.addr ? `+0x${(pc - sec.addr).toString(16)}` : "") :
        sym.name + (pc > sym.value ? `+0x${(pc - sym.value).toString(16)}` : pc < sym.value ? `-0x${(sym.value - pc).toString(16)}` : "");
      const show = o.filter === undefined || (sym !== undefined && o.filter(sym.name));
      if (show) {
        yield "";
        yield `${pc.toString(16).padStart(16, "0")} <${label}>:`;
        yield* region(code, sec.addr, pc, stop, fmt, symbolizer, inst);
      }
      pc = stop;
      sym = next;
    }
  }
}

/** disassemble_bytes: the instruction lines of [from, to), zero runs as "...". */
function* region(code: Uint8Array, base: number, from: number, to: number, fmt: typeof formatGnu, sym: Symbolizer, inst: Inst): Generator<string> {
  let pc = from;
  while (pc < to) {
    let z = pc;
    while (z < to && code[z - base] === 0) z++;
    if (z - pc >= SKIP_ZEROES || (z === to && z > pc && z - pc < SKIP_AT_END)) {
      yield "\t...";
      pc = z === to ? z : pc + ((z - pc) & ~3);
      continue;
    }
    const off = pc - base;
    decode(code, off, pc, inst);
    const len = inst.len;
    yield `${pc.toString(16).padStart(8, " ")}:\t${bytesCol(code, off, off + Math.min(7, len), true)}\t${repeated66(code, off, len)}${fmt(inst, sym)}`;
    for (let k = 7; k < len; k += 7) yield `${(pc + k).toString(16).padStart(8, " ")}:\t${bytesCol(code, off + k, off + Math.min(k + 7, len), false)}`;
    pc += len;
  }
}

const SHT_GNU_VERSYM = 0x6fffffff, SHT_GNU_VERNEED = 0x6ffffffe, SHT_GNU_VERDEF = 0x6ffffffd;

/** The defined dynamic symbols with objdump's version suffixes: "@@V" for a version this
 *  object defines (hidden: "@V"), "@V" for one it needs. */
function dynamicWithVersions(elf: ElfFile): ObjSym[] {
  const dyn = elf.dynamicSymbols;
  const versym = elf.sections.find((x) => x.type === SHT_GNU_VERSYM);
  const names = new Map<number, { name: string; defined: boolean }>();
  const str = (sec: Section, off: number): string => {
    const strtab = elf.sections[sec.link];
    return strtab === undefined ? "" : elf.r.cstring(strtab.offset + off, strtab.offset + strtab.size);
  };
  for (const sec of elf.sections) {
    if (sec.type === SHT_GNU_VERNEED) {
      let vn = sec.offset;
      for (let i = 0; i < sec.info && vn + 16 <= sec.offset + sec.size; i++) {
        const cnt = elf.r.u16(vn + 2, "verneed"), aux = elf.r.u32(vn + 8, "verneed"), next = elf.r.u32(vn + 12, "verneed");
        let a = vn + aux;
        for (let k = 0; k < cnt && a + 16 <= sec.offset + sec.size; k++) {
          names.set(elf.r.u16(a + 6, "vernaux"), { name: str(sec, elf.r.u32(a + 8, "vernaux")), defined: false });
          const an = elf.r.u32(a + 12, "vernaux");
          if (an === 0) break;
          a += an;
        }
        if (next === 0) break;
        vn += next;
      }
    } else if (sec.type === SHT_GNU_VERDEF) {
      let vd = sec.offset;
      for (let i = 0; i < sec.info && vd + 20 <= sec.offset + sec.size; i++) {
        const ndx = elf.r.u16(vd + 4, "verdef"), aux = elf.r.u32(vd + 12, "verdef"), next = elf.r.u32(vd + 16, "verdef");
        names.set(ndx, { name: str(sec, elf.r.u32(vd + aux, "verdaux")), defined: true });
        if (next === 0) break;
        vd += next;
      }
    }
  }
  const out: ObjSym[] = [];
  dyn.forEach((x, i) => {
    if (!useful(x)) return;
    let name = x.name;
    if (versym !== undefined && versym.offset + 2 * (i + 2) <= versym.offset + versym.size) {
      const v = elf.r.u16(versym.offset + 2 * (i + 1), "versym");
      const ver = names.get(v & 0x7fff);
      if ((v & 0x7fff) > 1 && ver !== undefined) name += (ver.defined && (v & 0x8000) === 0 ? "@@" : "@") + ver.name;
    }
    out.push(fromElf(elf, x, name));
  });
  return out;
}

const LEGACY_PREFIXES = new Set([0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67]);

/** objdump shows every 66 prefix after the first that an instruction repeats as "data16" (gcc's
 *  long nops, `66 66 2e 0f 1f 84 00 ...`); the formatters see one 66 at most. */
function repeated66(code: Uint8Array, off: number, len: number): string {
  let n = 0;
  for (let k = off; k < off + len && LEGACY_PREFIXES.has(code[k]!); k++) if (code[k] === 0x66) n++;
  return n > 1 ? "data16 ".repeat(n - 1) : "";
}
