// ELF64 little-endian x86-64 reader over a Uint8Array: file header, program headers, section
// headers with names, the .symtab symbol table and notes. Every count and offset read from the
// file is validated against the file size before use; a bad file is one UserError line.

import { UserError } from "../base/assert.js";
import { ByteReader, hex } from "./bytes.js";

export const ET = { REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;
export const PT = { NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, PHDR: 6, TLS: 7, GNU_STACK: 0x6474e551 } as const;
export const PF = { X: 1, W: 2, R: 4 } as const;
export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOTE: 7, NOBITS: 8, DYNSYM: 11 } as const;
export const SHF = { WRITE: 1, ALLOC: 2, EXECINSTR: 4, TLS: 0x400 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, TLS: 6 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const EM_X86_64 = 62;

export interface ElfHeader {
  type: number;
  machine: number;
  osabi: number;
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ProgramHeader {
  index: number;
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface Section {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* */
  type: number;
  /** STB_* */
  bind: number;
  other: number;
  shndx: number;
}

export interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
}

const MACHINES: Record<number, string> = {
  2: "SPARC", 3: "i386", 8: "MIPS", 20: "PowerPC", 21: "PowerPC64", 22: "S390", 40: "ARM",
  43: "SPARC V9", 50: "IA-64", 183: "AArch64", 243: "RISC-V", 258: "LoongArch",
};

export class ElfFile {
  readonly r: ByteReader;
  readonly header: ElfHeader;
  readonly phdrs: readonly ProgramHeader[];
  readonly sections: readonly Section[];
  private dynCache: ElfSymbol[] | undefined;
  private symCache: ElfSymbol[] | undefined;

  constructor(readonly bytes: Uint8Array) {
    this.r = new ByteReader(bytes);
    this.header = readHeader(this.r);
    this.phdrs = readPhdrs(this.r, this.header);
    this.sections = readSections(this.r, this.header);
    checkSegments(this.r, this.phdrs);
  }

  get entry(): number {
    return this.header.entry;
  }

  /** The first section with this name, if any. */
  section(name: string): Section | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** File bytes of a section (empty for SHT_NOBITS). Validated at parse time. */
  sectionData(s: Section): Uint8Array {
    if (s.type === SHT.NOBITS || s.type === SHT.NULL) return new Uint8Array(0);
    return this.r.slice(s.offset, s.size, `section ${s.name || s.index}`);
  }

  /** The PT_INTERP path (dynamic linker) when the binary has one. */
  get interp(): string | undefined {
    const p = this.phdrs.find((h) => h.type === PT.INTERP);
    if (!p) return undefined;
    return this.r.cstring(p.offset, p.offset + p.filesz);
  }

  /** Symbols of .symtab (index 0 excluded); [] when there is none. */
  get symbols(): readonly ElfSymbol[] {
    if (!this.symCache) this.symCache = this.readSymbols(SHT.SYMTAB);
    return this.symCache;
  }

  /** Symbols of .dynsym (index 0 excluded); [] when there is none. */
  get dynamicSymbols(): readonly ElfSymbol[] {
    if (!this.dynCache) this.dynCache = this.readSymbols(SHT.DYNSYM);
    return this.dynCache;
  }

  hasSection(type: number): boolean {
    return this.sections.some((s) => s.type === type);
  }

  private readSymbols(type: number): ElfSymbol[] {
    const sec = this.sections.find((s) => s.type === type);
    if (!sec) return [];
    const strtab = this.sections[sec.link];
    if (!strtab || strtab.type !== SHT.STRTAB) throw new UserError(`bad ELF: ${sec.name} links to section ${sec.link}, not a string table`);
    const n = Math.floor(sec.size / 24);
    const out: ElfSymbol[] = [];
    const strEnd = strtab.offset + strtab.size;
    for (let i = 1; i < n; i++) {
      const o = sec.offset + i * 24;
      const nameOff = this.r.u32(o, "symbol");
      const info = this.r.u8(o + 4, "symbol");
      out.push({
        name: nameOff < strtab.size ? this.r.cstring(strtab.offset + nameOff, strEnd) : "",
        type: info & 0xf,
        bind: info >> 4,
        other: this.r.u8(o + 5, "symbol"),
        shndx: this.r.u16(o + 6, "symbol"),
        value: this.r.u64(o + 8, "symbol"),
        size: this.r.u64(o + 16, "symbol"),
      });
    }
    return out;
  }

  /** Notes from SHT_NOTE sections, or from PT_NOTE segments when there are no sections. */
  notes(): ElfNote[] {
    const out: ElfNote[] = [];
    const ranges: [number, number][] = [];
    for (const s of this.sections) if (s.type === SHT.NOTE) ranges.push([s.offset, s.size]);
    if (ranges.length === 0) for (const p of this.phdrs) if (p.type === PT.NOTE) ranges.push([p.offset, p.filesz]);
    for (const [off, size] of ranges) {
      if (!this.r.inRange(off, size)) continue;
      let p = off;
      const end = off + size;
      while (p + 12 <= end) {
        const namesz = this.r.u32(p, "note");
        const descsz = this.r.u32(p + 4, "note");
        const type = this.r.u32(p + 8, "note");
        const nameOff = p + 12;
        const descOff = nameOff + align4(namesz);
        const next = descOff + align4(descsz);
        if (next > end) break;
        out.push({ name: this.r.cstring(nameOff, nameOff + namesz), type, desc: this.bytes.subarray(descOff, descOff + descsz) });
        p = next;
      }
    }
    return out;
  }

  /** The Go build ID (note "Go", type 4), if present. */
  goBuildId(): string | undefined {
    const n = this.notes().find((x) => x.name === "Go" && x.type === 4);
    return n ? new TextDecoder().decode(n.desc) : undefined;
  }

  /** The GNU build ID (note "GNU", type 3) as hex, if present. */
  gnuBuildId(): string | undefined {
    const n = this.notes().find((x) => x.name === "GNU" && x.type === 3);
    return n ? Array.from(n.desc, (b) => b.toString(16).padStart(2, "0")).join("") : undefined;
  }

  /** The PT_LOAD segment containing virtual address addr (by memsz), if any. */
  segmentAt(addr: number): ProgramHeader | undefined {
    for (const p of this.phdrs) if (p.type === PT.LOAD && addr >= p.vaddr && addr < p.vaddr + p.memsz) return p;
    return undefined;
  }

  /** The allocated section containing virtual address addr, if any. */
  sectionAt(addr: number): Section | undefined {
    for (const s of this.sections) if (s.flags & SHF.ALLOC && s.size > 0 && addr >= s.addr && addr < s.addr + s.size) return s;
    return undefined;
  }

  /** File offset of virtual address addr when it is file-backed, else -1. */
  fileOffset(addr: number): number {
    for (const p of this.phdrs) {
      if (p.type === PT.LOAD && addr >= p.vaddr && addr < p.vaddr + p.filesz) return p.offset + (addr - p.vaddr);
    }
    return -1;
  }

  /**
   * Bytes at virtual addresses [addr, addr+len) from PT_LOAD segments: file bytes where the
   * segment is file-backed, zeros for its bss part and for unmapped addresses. Returns a view
   * into the file when the range is wholly file-backed (do not modify it).
   */
  readVirt(addr: number, len: number): Uint8Array {
    if (!Number.isSafeInteger(len) || len < 0) throw new UserError(`bad read length ${len}`);
    const off = this.fileOffset(addr);
    if (off >= 0) {
      const p = this.segmentAt(addr)!;
      if (addr + len <= p.vaddr + p.filesz) return this.bytes.subarray(off, off + len);
    }
    const out = new Uint8Array(len);
    for (const p of this.phdrs) {
      if (p.type !== PT.LOAD || p.filesz === 0) continue;
      const lo = Math.max(addr, p.vaddr);
      const hi = Math.min(addr + len, p.vaddr + p.filesz);
      if (lo < hi) out.set(this.bytes.subarray(p.offset + (lo - p.vaddr), p.offset + (hi - p.vaddr)), lo - addr);
    }
    return out;
  }

  /** objdump's BFD flags word and names for `objdump -f`. */
  bfdFlags(): { value: number; names: string[] } {
    let v = 0;
    const names: string[] = [];
    const t = this.header.type;
    if (t === ET.REL) v |= 0x1; // HAS_RELOC
    if (t === ET.EXEC) v |= 0x2; // EXEC_P
    if (this.hasSection(SHT.SYMTAB) || this.hasSection(SHT.DYNSYM)) v |= 0x10; // HAS_SYMS
    if (t === ET.DYN) v |= 0x40; // DYNAMIC
    if (this.isPaged()) v |= 0x100; // D_PAGED
    const all: [number, string][] = [
      [0x1, "HAS_RELOC"], [0x2, "EXEC_P"], [0x4, "HAS_LINENO"], [0x8, "HAS_DEBUG"], [0x10, "HAS_SYMS"],
      [0x20, "HAS_LOCALS"], [0x40, "DYNAMIC"], [0x80, "WP_TEXT"], [0x100, "D_PAGED"],
    ];
    for (const [bit, name] of all) if (v & bit) names.push(name);
    return { value: v, names };
  }

  /** BFD sets D_PAGED when every PT_LOAD has vaddr ≡ offset modulo the page size (0x1000). */
  private isPaged(): boolean {
    let any = false;
    for (const p of this.phdrs) {
      if (p.type !== PT.LOAD) continue;
      any = true;
      if ((p.vaddr - p.offset) % 0x1000 !== 0) return false;
    }
    return any;
  }
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Parse an ELF64 x86-64 file (throws UserError naming what is wrong). */
export function parseElf(bytes: Uint8Array): ElfFile {
  return new ElfFile(bytes);
}

function readHeader(r: ByteReader): ElfHeader {
  const b = r.bytes;
  if (b.length === 0) throw new UserError("empty file (0 bytes): not an ELF file");
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) {
    throw new UserError(`not an ELF file (no \\x7fELF magic at the start; ${looksLike(b)})`);
  }
  if (b.length < 16) throw new UserError(`truncated ELF: file is ${b.length} bytes, the ELF header needs 64`);
  const cls = b[4]!;
  if (cls === 1) throw new UserError("32-bit ELF (ELFCLASS32): rt0 runs only 64-bit x86-64 binaries");
  if (cls !== 2) throw new UserError(`bad ELF class ${cls} (expected ELFCLASS64)`);
  const data = b[5]!;
  if (data === 2) throw new UserError("big-endian ELF (ELFDATA2MSB): rt0 runs only little-endian x86-64 binaries");
  if (data !== 1) throw new UserError(`bad ELF data encoding ${data} (expected ELFDATA2LSB)`);
  if (b.length < 64) throw new UserError(`truncated ELF: file is ${b.length} bytes, the ELF header needs 64`);
  const machine = r.u16(18, "ELF header");
  if (machine !== EM_X86_64) {
    const name = MACHINES[machine];
    throw new UserError(`ELF for ${name ?? "machine"} (e_machine ${machine}), rt0 runs only x86-64`);
  }
  const h: ElfHeader = {
    type: r.u16(16, "ELF header"),
    machine,
    osabi: b[7]!,
    entry: r.u64(24, "ELF header"),
    phoff: r.u64(32, "ELF header"),
    shoff: r.u64(40, "ELF header"),
    flags: r.u32(48, "ELF header"),
    phentsize: r.u16(54, "ELF header"),
    phnum: r.u16(56, "ELF header"),
    shentsize: r.u16(58, "ELF header"),
    shnum: r.u16(60, "ELF header"),
    shstrndx: r.u16(62, "ELF header"),
  };
  if (h.type !== ET.EXEC && h.type !== ET.DYN && h.type !== ET.REL && h.type !== ET.CORE) {
    throw new UserError(`bad ELF: unknown file type e_type ${h.type}`);
  }
  // Extended numbering: the real counts live in section header 0.
  if (h.shoff !== 0 && h.shentsize === 64 && r.inRange(h.shoff, 64)) {
    if (h.shnum === 0) h.shnum = r.u64(h.shoff + 32, "section header 0");
    if (h.shstrndx === 0xffff) h.shstrndx = r.u32(h.shoff + 40, "section header 0");
  }
  return h;
}

function looksLike(b: Uint8Array): string {
  const head = b.subarray(0, 512);
  if (head[0] === 0x23 && head[1] === 0x21) return "it looks like a script";
  if (head[0] === 0x50 && head[1] === 0x4b) return "it looks like a zip archive";
  if (head[0] === 0x1f && head[1] === 0x8b) return "it looks like gzip data";
  if (head[0] === 0x4d && head[1] === 0x5a) return "it looks like a Windows PE file";
  if (head[0] === 0xcf && head[1] === 0xfa && head[2] === 0xed && head[3] === 0xfe) return "it looks like a Mach-O file";
  for (const c of head) if (c === 0 || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) return "binary data";
  return "it looks like text";
}

function readPhdrs(r: ByteReader, h: ElfHeader): ProgramHeader[] {
  if (h.phnum === 0) return [];
  if (h.phentsize !== 56) throw new UserError(`bad ELF: program header entry size ${h.phentsize} (expected 56)`);
  if (!r.inRange(h.phoff, h.phnum * 56)) throw new UserError("truncated ELF: program header table beyond end of file");
  const out: ProgramHeader[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const o = h.phoff + i * 56;
    const p: ProgramHeader = {
      index: i,
      type: r.u32(o, "program header"),
      flags: r.u32(o + 4, "program header"),
      offset: r.u64(o + 8, "program header"),
      vaddr: r.u64(o + 16, "program header"),
      paddr: r.u64(o + 24, "program header"),
      filesz: r.u64(o + 32, "program header"),
      memsz: r.u64(o + 40, "program header"),
      align: r.u64(o + 48, "program header"),
    };
    if (p.type === PT.LOAD) {
      if (p.memsz < p.filesz) throw new UserError(`bad ELF: PT_LOAD segment ${i} has p_memsz < p_filesz`);
      if (!Number.isSafeInteger(p.vaddr + p.memsz) || p.vaddr + p.memsz > 2 ** 47) {
        throw new UserError(`bad ELF: PT_LOAD segment ${i} at ${hex(p.vaddr)} (${hex(p.memsz)} bytes) is outside the user address space`);
      }
    }
    out.push(p);
  }
  return out;
}

function checkSegments(r: ByteReader, phdrs: readonly ProgramHeader[]): void {
  for (const p of phdrs) {
    if ((p.type === PT.LOAD || p.type === PT.INTERP || p.type === PT.NOTE) && !r.inRange(p.offset, p.filesz)) {
      throw new UserError(
        `truncated ELF: file is ${hex(r.size)} bytes but its ${segName(p.type)} segment (vaddr ${hex(p.vaddr)}) needs file bytes up to ${hex(p.offset + p.filesz)}`,
      );
    }
  }
}

function segName(t: number): string {
  return t === PT.LOAD ? "PT_LOAD" : t === PT.INTERP ? "PT_INTERP" : t === PT.NOTE ? "PT_NOTE" : `type ${t}`;
}

function readSections(r: ByteReader, h: ElfHeader): Section[] {
  if (h.shnum === 0 || h.shoff === 0) return [];
  if (h.shentsize !== 64) throw new UserError(`bad ELF: section header entry size ${h.shentsize} (expected 64)`);
  if (!r.inRange(h.shoff, h.shnum * 64)) throw new UserError("truncated ELF: section header table beyond end of file");
  const out: Section[] = [];
  for (let i = 0; i < h.shnum; i++) {
    const o = h.shoff + i * 64;
    const s: Section = {
      index: i,
      name: "",
      type: r.u32(o + 4, "section header"),
      flags: r.u64(o + 8, "section header"),
      addr: r.u64(o + 16, "section header"),
      offset: r.u64(o + 24, "section header"),
      size: r.u64(o + 32, "section header"),
      link: r.u32(o + 40, "section header"),
      info: r.u32(o + 44, "section header"),
      addralign: r.u64(o + 48, "section header"),
      entsize: r.u64(o + 56, "section header"),
    };
    out.push(s);
  }
  const shstr = out[h.shstrndx];
  if (h.shstrndx !== 0 && shstr && shstr.type !== SHT.NOBITS && r.inRange(shstr.offset, shstr.size)) {
    for (let i = 0; i < out.length; i++) {
      const nameOff = r.u32(h.shoff + i * 64, "section header");
      if (nameOff < shstr.size) out[i]!.name = r.cstring(shstr.offset + nameOff, shstr.offset + shstr.size);
    }
  } else if (h.shstrndx !== 0 && shstr && shstr.type !== SHT.NOBITS) {
    throw new UserError(`truncated ELF: section name table (section ${h.shstrndx}, file offset ${hex(shstr.offset)}) beyond end of file`);
  } else if (h.shstrndx !== 0) {
    throw new UserError(`bad ELF: section name table index ${h.shstrndx} is not a section with data`);
  }
  for (const s of out) {
    if (s.type !== SHT.NOBITS && s.type !== SHT.NULL && !r.inRange(s.offset, s.size)) {
      throw new UserError(`truncated ELF: section ${s.name || s.index} (file offset ${hex(s.offset)}, ${hex(s.size)} bytes) beyond end of file`);
    }
  }
  return out;
}
