// Go build info: the "\xff Go buildinf:" blob in .go.buildinfo (or, without sections, in the
// first writable PT_LOAD segment), in both layouts: pointers to Go strings (before Go 1.18) and
// inline varint-prefixed strings (1.18+). Parses the module info text like `go version -m`.

import type { ElfFile } from "../elf/elf.js";
import { PF, PT } from "../elf/elf.js";
import { latin1 } from "../elf/bytes.js";

export interface Module {
  path: string;
  version: string;
  sum: string;
  replace?: Module;
}

export interface BuildSetting {
  key: string;
  value: string;
}

export interface BuildInfo {
  /** e.g. "go1.26.1" */
  goVersion: string;
  /** The main package path ("command-line-arguments" for a file build). */
  path: string;
  main: Module | undefined;
  deps: Module[];
  settings: BuildSetting[];
  /** Whether the blob used the pre-1.18 pointer layout. */
  pointerFormat: boolean;
  /** Virtual address of the blob. */
  addr: number;
}

const MAGIC = [0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a]; // "\xff Go buildinf:"
const HEADER = 32;

/** Find and decode the build info, or undefined when the binary has none (not a Go binary). */
export function readBuildInfo(elf: ElfFile): BuildInfo | undefined {
  const addr = findBlob(elf);
  if (addr === undefined) return undefined;
  const hdr = elf.readVirt(addr, HEADER);
  const flags = hdr[15]!;
  let vers: string;
  let mod: string;
  let pointerFormat = false;
  if ((flags & 2) === 2) {
    const a = decodeString(elf, addr + HEADER);
    if (!a) return undefined;
    const b = decodeString(elf, a.next);
    if (!b) return undefined;
    vers = a.s;
    mod = b.s;
  } else {
    pointerFormat = true;
    const ptrSize = hdr[14]!;
    if (ptrSize !== 8 || (flags & 1) !== 0) return undefined;
    const dv = new DataView(hdr.buffer, hdr.byteOffset, hdr.byteLength);
    vers = readGoString(elf, readPtr(dv, 16));
    mod = readGoString(elf, readPtr(dv, 24));
  }
  if (vers === "") return undefined;
  if (mod.length >= 33 && mod[mod.length - 17] === "\n") mod = mod.slice(16, mod.length - 16);
  else mod = "";
  return { ...parseModInfo(mod), goVersion: vers, pointerFormat, addr };
}

function readPtr(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
}

function findBlob(elf: ElfFile): number | undefined {
  const sec = elf.section(".go.buildinfo");
  if (sec && sec.size >= HEADER && matchMagic(elf.readVirt(sec.addr, MAGIC.length))) return sec.addr;
  // Like debug/buildinfo: search the first writable, non-executable PT_LOAD, 16-byte aligned.
  const seg = elf.phdrs.find((p) => p.type === PT.LOAD && (p.flags & (PF.X | PF.W)) === PF.W);
  if (!seg) return undefined;
  const data = elf.bytes.subarray(seg.offset, seg.offset + seg.filesz);
  for (let i = 0; i + HEADER <= data.length; i += 16) {
    if (data[i] === 0xff && matchMagic(data.subarray(i, i + MAGIC.length))) return seg.vaddr + i;
  }
  return undefined;
}

function matchMagic(b: Uint8Array): boolean {
  if (b.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (b[i] !== MAGIC[i]) return false;
  return true;
}

function decodeString(elf: ElfFile, addr: number): { s: string; next: number } | undefined {
  const b = elf.readVirt(addr, 10);
  let len = 0;
  let mul = 1;
  let n = 0;
  for (;;) {
    if (n >= 10) return undefined;
    const c = b[n++]!;
    len += (c & 0x7f) * mul;
    mul *= 128;
    if (c < 0x80) break;
  }
  if (len > 1 << 24 || elf.fileOffset(addr + n) < 0) return undefined;
  const data = elf.readVirt(addr + n, len);
  return { s: latin1(data, 0, data.length), next: addr + n + len };
}

function readGoString(elf: ElfFile, hdrAddr: number): string {
  if (elf.fileOffset(hdrAddr) < 0) return "";
  const h = elf.readVirt(hdrAddr, 16);
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const ptr = readPtr(dv, 0);
  const len = readPtr(dv, 8);
  if (len > 1 << 24 || elf.fileOffset(ptr) < 0) return "";
  const data = elf.readVirt(ptr, len);
  return latin1(data, 0, data.length);
}

/** Parse the module info text (`path`, `mod`, `dep`, `=>`, `build` lines). */
export function parseModInfo(text: string): Omit<BuildInfo, "goVersion" | "pointerFormat" | "addr"> {
  const out: Omit<BuildInfo, "goVersion" | "pointerFormat" | "addr"> = { path: "", main: undefined, deps: [], settings: [] };
  let last: Module | undefined;
  for (const line of text.split("\n")) {
    const f = line.split("\t");
    switch (f[0]) {
      case "path":
        out.path = f[1] ?? "";
        break;
      case "mod":
        out.main = last = { path: f[1] ?? "", version: f[2] ?? "", sum: f[3] ?? "" };
        break;
      case "dep":
        last = { path: f[1] ?? "", version: f[2] ?? "", sum: f[3] ?? "" };
        out.deps.push(last);
        break;
      case "=>":
        if (last) last.replace = { path: f[1] ?? "", version: f[2] ?? "", sum: f[3] ?? "" };
        break;
      case "build": {
        const kv = f.slice(1).join("\t");
        const eq = kv.indexOf("=", kv.startsWith('"') ? kv.indexOf('"', 1) : 0);
        if (eq < 0) break;
        out.settings.push({ key: unquote(kv.slice(0, eq)), value: unquote(kv.slice(eq + 1)) });
        break;
      }
    }
  }
  return out;
}

function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  return s;
}

/** A build setting's value by key ("GOAMD64", "CGO_ENABLED", "-trimpath", "-ldflags"...). */
export function setting(bi: BuildInfo | undefined, key: string): string | undefined {
  return bi?.settings.find((s) => s.key === key)?.value;
}

/** The module info lines as `go version -m` prints them (after the first line), tab-indented. */
export function formatModInfo(bi: BuildInfo): string {
  const mod = (kind: string, m: Module): string => `\t${kind}\t${m.path}\t${m.version}\t${m.sum}\n` + (m.replace ? `\t=>\t${m.replace.path}\t${m.replace.version}\t${m.replace.sum}\n` : "");
  let s = bi.path ? `\tpath\t${bi.path}\n` : "";
  if (bi.main) s += mod("mod", bi.main);
  for (const d of bi.deps) s += mod("dep", d);
  for (const { key, value } of bi.settings) {
    const k = key === "" || /[= \t\r\n"`]/.test(key) ? JSON.stringify(key) : key;
    const v = /[ \t\r\n"`]/.test(value) ? JSON.stringify(value) : value;
    s += `\tbuild\t${k}=${v}\n`;
  }
  return s;
}
