// A linux/amd64 Go executable opened for inspection: its ELF, build info and pclntab, with
// symbolization (ELF .symtab when present, else pclntab names) and virtual-address reads.
// This is the API the disassembler, loader and runtime views code against.

import { UserError } from "../base/assert.js";
import { ElfFile, ET, PF, PT, SHT, STB, STT, parseElf } from "../elf/elf.js";
import type { ElfSymbol } from "../elf/elf.js";
import { readBuildInfo } from "./buildinfo.js";
import type { BuildInfo } from "./buildinfo.js";
import { PCLN_MAGIC, PcLnTab, peekPcHeader } from "./pclntab.js";
import type { GoFunc } from "./pclntab.js";

export type { GoFunc } from "./pclntab.js";
export type { BuildInfo } from "./buildinfo.js";

export interface GoBinary {
  readonly path: string;
  readonly elf: ElfFile;
  /** e.g. "go1.26.1" from the build info. */
  readonly goVersion: string | undefined;
  readonly buildInfo: BuildInfo | undefined;
  /** Functions from the pclntab, sorted by entry. */
  readonly funcs: readonly GoFunc[];
  readonly hasSymtab: boolean;
  readonly hasDwarf: boolean;
  /** The parsed pclntab (undefined when none was found). */
  readonly pclntab: PcLnTab | undefined;
  /** Virtual address of the pclntab header and how it was found. */
  readonly pclntabAddr: number | undefined;
  readonly pclntabFoundBy: "section" | "scan" | undefined;
  /** Virtual address of runtime.firstmoduledata when it was located (stripped or not). */
  readonly moduledataAddr: number | undefined;
  /** ELF symbols usable for symbolization (defined, named, not FILE/SECTION), sorted by value. */
  readonly sortedSymbols: readonly ElfSymbol[];
  funcAt(pc: number): GoFunc | undefined;
  lineAt(pc: number): { file: string; line: number } | undefined;
  /** Bytes the function at pc has pushed below its entry SP (pclntab pcsp), for unwinding. */
  spDeltaAt(pc: number): number | undefined;
  /** Name+offset for any address: ELF .symtab (functions and data) when present, else pclntab funcs. */
  symbolize(addr: number): { name: string; offset: number } | undefined;
  /** Address of a symbol by exact name (symtab, else pclntab), or undefined. */
  lookup(name: string): number | undefined;
  /** Bytes at virtual addresses from the file-backed part of PT_LOAD segments (zeros for bss). */
  readVirt(addr: number, len: number): Uint8Array;
}

/** Open a Go executable from its bytes; throws UserError with one line when it is unusable.
 *  With `anyElf`, any x86-64 executable opens (info and disasm read C programs too): without
 *  build info or pclntab it has no Go facts (goVersion undefined, no funcs). */
export function openBinary(bytes: Uint8Array, path: string, o: { anyElf?: boolean } = {}): GoBinary {
  const elf = parseElf(bytes);
  const t = elf.header.type;
  if (t === ET.REL) throw new UserError("relocatable object file (ET_REL), not an executable: rt0 runs only linked executables");
  if (t === ET.CORE) throw new UserError("core dump (ET_CORE), not an executable");
  if (!elf.phdrs.some((p) => p.type === PT.LOAD)) throw new UserError("bad ELF: no PT_LOAD segment");
  return new Binary(path, elf, o.anyElf === true);
}

class Binary implements GoBinary {
  readonly goVersion: string | undefined;
  readonly buildInfo: BuildInfo | undefined;
  readonly funcs: readonly GoFunc[];
  readonly hasSymtab: boolean;
  readonly hasDwarf: boolean;
  readonly pclntab: PcLnTab | undefined;
  readonly pclntabAddr: number | undefined;
  readonly pclntabFoundBy: "section" | "scan" | undefined;
  readonly moduledataAddr: number | undefined;
  private sortedCache: ElfSymbol[] | undefined;
  private symValues: Float64Array = new Float64Array(0);
  private symByName: Map<string, number> | undefined;
  private funcByName: Map<string, number> | undefined;

  constructor(readonly path: string, readonly elf: ElfFile, anyElf: boolean) {
    this.buildInfo = readBuildInfo(elf);
    this.goVersion = this.buildInfo?.goVersion;
    this.hasSymtab = elf.sections.some((x) => x.type === SHT.SYMTAB && x.size >= 48);
    this.hasDwarf = elf.sections.some((s) => s.name.startsWith(".debug_") || s.name.startsWith(".zdebug_"));
    const found = findPclntab(elf);
    this.pclntab = found?.tab;
    this.pclntabAddr = found?.addr;
    this.pclntabFoundBy = found?.by;
    this.moduledataAddr = found?.moduledata;
    this.funcs = found?.tab.funcs ?? [];
    if (!anyElf && !this.buildInfo && !this.pclntab) throw new UserError("not a Go binary: no Go build info and no pclntab found");
  }

  get sortedSymbols(): readonly ElfSymbol[] {
    if (!this.sortedCache) {
      const syms = this.elf.symbols.filter((s) => s.name !== "" && s.shndx !== 0 && s.type !== STT.FILE && s.type !== STT.SECTION && s.type !== STT.TLS);
      syms.sort((a, b) => a.value - b.value || rank(b) - rank(a));
      this.sortedCache = syms;
      this.symValues = Float64Array.from(syms, (s) => s.value);
    }
    return this.sortedCache;
  }

  funcAt(pc: number): GoFunc | undefined {
    const tab = this.pclntab;
    if (!tab) return undefined;
    const i = tab.funcIndex(pc);
    return i < 0 ? undefined : tab.funcs[i];
  }

  lineAt(pc: number): { file: string; line: number } | undefined {
    return this.pclntab?.lineAt(pc);
  }

  spDeltaAt(pc: number): number | undefined {
    return this.pclntab?.spDelta(pc);
  }

  symbolize(addr: number): { name: string; offset: number } | undefined {
    if (this.sortedSymbols.length > 0) {
      if (!this.elf.segmentAt(addr) && !this.elf.sectionAt(addr)) return undefined;
      const v = this.symValues;
      // Last index with value <= addr; among equal values the best-ranked comes first.
      let lo = 0;
      let hi = v.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (v[mid]! > addr) hi = mid;
        else lo = mid + 1;
      }
      if (lo === 0) return undefined;
      let i = lo - 1;
      while (i > 0 && v[i - 1] === v[i]) i--;
      const s = this.sortedSymbols[i]!;
      return { name: s.name, offset: addr - s.value };
    }
    const f = this.funcAt(addr);
    return f ? { name: f.name, offset: addr - f.entry } : undefined;
  }

  lookup(name: string): number | undefined {
    if (!this.symByName) {
      this.symByName = new Map();
      for (const s of this.sortedSymbols) if (!this.symByName.has(s.name)) this.symByName.set(s.name, s.value);
    }
    const v = this.symByName.get(name);
    if (v !== undefined) return v;
    if (!this.funcByName) {
      this.funcByName = new Map();
      for (const f of this.funcs) if (!this.funcByName.has(f.name)) this.funcByName.set(f.name, f.entry);
    }
    return this.funcByName.get(name);
  }

  readVirt(addr: number, len: number): Uint8Array {
    return this.elf.readVirt(addr, len);
  }
}

/** Preference among symbols at one address: functions, then data, then global over local. */
function rank(s: ElfSymbol): number {
  const t = s.type === STT.FUNC ? 4 : s.type === STT.OBJECT ? 2 : 0;
  return t + (s.bind === STB.GLOBAL ? 1 : 0);
}

interface Found {
  tab: PcLnTab;
  addr: number;
  by: "section" | "scan";
  moduledata: number | undefined;
}

/**
 * Locate the pclntab: the .gopclntab section, else a scan of the read-only PT_LOAD segments for
 * a pcHeader magic that parses. Then find runtime.firstmoduledata (its first word points at
 * the pcHeader) for moduledata.text, which Go 1.18+ entries are relative to.
 */
function findPclntab(elf: ElfFile): Found | undefined {
  const sec = elf.section(".gopclntab");
  const candidates: { addr: number; by: "section" | "scan" }[] = [];
  if (sec && sec.size >= 64 && elf.fileOffset(sec.addr) >= 0) candidates.push({ addr: sec.addr, by: "section" });
  else {
    for (const p of elf.phdrs) {
      if (p.type !== PT.LOAD || p.flags & PF.W) continue;
      const w = words(elf.bytes, p.offset, p.filesz);
      const b = elf.bytes;
      for (let k = 0; k + 16 <= w.length; k++) {
        const m = w[k]!;
        if (m !== PCLN_MAGIC.GO116 && m !== PCLN_MAGIC.GO118 && m !== PCLN_MAGIC.GO120) continue;
        const o = p.offset + k * 4;
        if (b[o + 4] === 0 && b[o + 5] === 0 && b[o + 7] === 8) {
          candidates.push({ addr: p.vaddr + k * 4, by: "scan" });
          if (candidates.length > 64) break;
        }
      }
    }
  }
  for (const c of candidates) {
    const data = virtTail(elf, c.addr);
    const hdr = peekPcHeader(data);
    if (!hdr && c.by === "scan") continue;
    const md = hdr ? findModuledata(elf, c.addr, hdr.funcnametab) : undefined;
    let text: number | undefined = md?.text;
    if (hdr && text === undefined && hdr.layout !== "1.16") text = hdr.textStart || elf.section(".text")?.addr;
    if (hdr && text === undefined && hdr.layout !== "1.16") continue;
    let tab: PcLnTab;
    try {
      tab = new PcLnTab(data, text ?? 0);
    } catch (e) {
      if (c.by === "section" && e instanceof UserError) throw e;
      continue;
    }
    if (c.by === "scan" && !plausible(elf, tab)) continue;
    return { tab, addr: c.addr, by: c.by, moduledata: md?.addr };
  }
  return undefined;
}

/** File-backed bytes from addr to the end of its PT_LOAD segment's file part. */
function virtTail(elf: ElfFile, addr: number): Uint8Array {
  const p = elf.phdrs.find((h) => h.type === PT.LOAD && addr >= h.vaddr && addr < h.vaddr + h.filesz);
  if (!p) return new Uint8Array(0);
  return elf.bytes.subarray(p.offset + (addr - p.vaddr), p.offset + p.filesz);
}

function plausible(elf: ElfFile, tab: PcLnTab): boolean {
  if (tab.funcs.length === 0) return false;
  const seg = elf.segmentAt(tab.funcs[0]!.entry);
  return seg !== undefined && (seg.flags & PF.X) !== 0 && elf.segmentAt(tab.funcs[tab.funcs.length - 1]!.entry) === seg;
}

/** runtime.firstmoduledata: pcHeader pointer, then funcnametab slice pointing into the table. */
function findModuledata(elf: ElfFile, pclnAddr: number, funcnameOff: number): { addr: number; text: number } | undefined {
  const want = pclnAddr + funcnameOff;
  for (const p of elf.phdrs) {
    if (p.type !== PT.LOAD || !(p.flags & PF.W)) continue;
    const w = words(elf.bytes, p.offset, p.filesz);
    const lo = pclnAddr % 4294967296;
    const hi = Math.floor(pclnAddr / 4294967296);
    for (let k = 0; k + 46 <= w.length; k += 2) {
      if (w[k] !== lo || w[k + 1] !== hi) continue;
      if (w[k + 3]! * 4294967296 + w[k + 2]! !== want) continue;
      const text = w[k + 45]! * 4294967296 + w[k + 44]!;
      return { addr: p.vaddr + k * 4, text };
    }
  }
  return undefined;
}

/** Little-endian 32-bit words of bytes[off, off+len) (a view when aligned, else a copy). */
function words(bytes: Uint8Array, off: number, len: number): Uint32Array {
  const n = Math.floor(len / 4);
  const start = bytes.byteOffset + off;
  if (start % 4 === 0) return new Uint32Array(bytes.buffer, start, n);
  const copy = bytes.slice(off, off + n * 4);
  return new Uint32Array(copy.buffer, 0, n);
}
