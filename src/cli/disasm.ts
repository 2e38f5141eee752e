// `rt0 disasm BIN`: the code of a Go binary in objdump -d layout (gnu/intel syntax) or in
// go tool objdump layout (go syntax), with Go's function names from the pclntab when the binary
// is stripped; --symbol/--start/--stop narrow it, --source interleaves file:line. Any other
// x86-64 executable (a C program, /bin/true) in objdump -d layout with objdump's symbols.

import { readFileSync } from "node:fs";
import { UserError } from "../base/assert.js";
import { goSyntaxFor } from "../disasm/goasm.js";
import { goSortByAddr, goToolObjdump } from "../disasm/gotool.js";
import type { GoToolInput, GoToolRange, GoToolSym } from "../disasm/gotool.js";
import { SHF, STB, STT } from "../elf/elf.js";
import { disassembleGnu } from "../disasm/objdump.js";
import { objdumpAny, ObjdumpSymbols } from "../disasm/elfsyms.js";
import type { Label, Symbolizer } from "../disasm/objdump.js";
import type { GoBinary } from "../gobin/binary.js";
import { openBinaryFile } from "../host/readbin.js";
import { decode } from "../x86/decode.js";
import { Op } from "../x86/ops.generated.js";
import type { DisasmCliOptions } from "./main.js";

export interface DisasmOptions {
  /** goobjdump: go syntax reproducing go tool objdump byte for byte, including x86asm's "?"
   *  and misreadings where it cannot decode an instruction (VEX/EVEX). */
  syntax: "gnu" | "intel" | "go" | "goobjdump";
  symbol?: RegExp | undefined;
  start?: number | undefined;
  stop?: number | undefined;
  source: boolean;
}

/** Parse an address flag: hex with 0x, or decimal. */
export function parseAddr(flag: string, v: string): number {
  const t = v.trim();
  let n = Number.NaN;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^[0-9]+$/.test(t)) n = parseInt(t, 10);
  if (!Number.isSafeInteger(n)) throw new UserError(`--${flag}: "${v}" is not an address (use hex like 0x401000, or decimal)`, 2);
  return n;
}

/** Check the flags; bad values are one line and exit 2. */
export function parseDisasmOptions(o: DisasmCliOptions): DisasmOptions {
  const syntax = o.syntax ?? "gnu";
  if (syntax !== "gnu" && syntax !== "intel" && syntax !== "go" && syntax !== "goobjdump") {
    throw new UserError(`--syntax: "${syntax}" is not one of gnu, intel, go, goobjdump`, 2);
  }
  let symbol: RegExp | undefined;
  if (o.symbol !== undefined) {
    try {
      symbol = new RegExp(o.symbol);
    } catch (e) {
      throw new UserError(`--symbol: bad regular expression "${o.symbol}": ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, "") : String(e)}`, 2);
    }
  }
  const start = o.start !== undefined ? parseAddr("start", o.start) : undefined;
  const stop = o.stop !== undefined ? parseAddr("stop", o.stop) : undefined;
  if (start !== undefined && stop !== undefined && start > stop) {
    throw new UserError(`--start 0x${start.toString(16)} is after --stop 0x${stop.toString(16)}`, 2);
  }
  return { syntax, symbol, start, stop, source: o.source === true };
}

/** The binary as go tool objdump sees it: .text, the ELF symbols (pclntab funcs if stripped). */
export function goToolInputFor(bin: GoBinary): GoToolInput {
  const elf = bin.elf;
  const text = elf.section(".text");
  if (!text) throw new UserError(`${bin.path}: no .text section`);
  const textBytes = elf.sectionData(text);
  const syms: GoToolSym[] = [];
  if (elf.symbols.length > 0) {
    for (const s of elf.symbols) {
      if (s.shndx === 0) continue; // undefined
      const sec = elf.sections[s.shndx];
      const code = sec !== undefined && s.shndx < 0xff00 &&
        (sec.flags & (SHF.WRITE | SHF.ALLOC | SHF.EXECINSTR)) === (SHF.ALLOC | SHF.EXECINSTR);
      syms.push({ name: s.name, addr: s.value, size: s.size, text: code });
    }
  } else {
    // Stripped: the pclntab functions. A function runs to the next one's entry; drop the INT3
    // alignment padding at its end (bytes with no line), which a symbol size would exclude.
    for (const f of bin.funcs) {
      let end = f.end;
      while (end > f.entry) {
        const off = end - 1 - text.addr;
        if (off < 0 || off >= textBytes.length || textBytes[off] !== 0xcc) break;
        const pos = bin.lineAt(end - 1);
        if (pos !== undefined && pos.line > 0) break;
        end--;
      }
      syms.push({ name: f.name, addr: f.entry, size: end - f.entry, text: true });
    }
  }
  // Go sorts by address with its unstable pdqsort: same algorithm, same order among symbols
  // at one address (it decides which name a memory operand gets).
  goSortByAddr(syms, goMinor(bin.goVersion));
  return {
    textStart: text.addr,
    text: textBytes,
    syms,
    lineAt: (pc) => bin.lineAt(pc),
    decode: (inst, code, off, pc) => {
      decode(code, off, pc, inst);
      return inst.op !== Op.INVALID;
    },
    options: goSyntaxFor(bin.goVersion),
  };
}

function goMinor(v: string | undefined): number {
  const m = /^go1\.(\d+)/.exec(v ?? "");
  return m ? Number(m[1]) : 99;
}

/** Source text of file:line when the file is readable here (for --source), else undefined. */
function sourceLineReader(): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | null>();
  return (file, line) => {
    if (!file.endsWith(".go")) return undefined;
    let lines = cache.get(file);
    if (lines === undefined) {
      try {
        lines = readFileSync(file, "utf8").split("\n");
      } catch {
        lines = null;
      }
      cache.set(file, lines);
    }
    const t = lines?.[line - 1];
    return t === undefined ? undefined : `${file}:${line}\t${t.trim()}`;
  };
}

/** Write chunks to stdout in large writes; a closed pipe (| head) ends the output quietly. */
class Out {
  private buf: string[] = [];
  private size = 0;
  closed = false;
  /** A write error other than a closed pipe (reported once the output stops). */
  error: string | undefined;

  constructor() {
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
      this.closed = true;
      if (e.code !== "EPIPE") this.error = e.message;
    });
  }

  async write(s: string): Promise<void> {
    this.buf.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) {
      this.buf = [];
      this.size = 0;
      return;
    }
    const chunk = this.buf.join("");
    this.buf = [];
    this.size = 0;
    const ok = process.stdout.write(chunk);
    if (!ok && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          process.stdout.off("drain", done);
          process.stdout.off("error", done);
          process.stdout.off("close", done);
          resolve();
        };
        process.stdout.on("drain", done);
        process.stdout.on("error", done);
        process.stdout.on("close", done);
      });
    }
  }
}

/** The go-syntax listing as chunks (also used by the tests). */
export function goListing(bin: GoBinary, opts: DisasmOptions, x86asmFailures = false): Generator<string> {
  const range: GoToolRange = {
    filter: opts.symbol,
    start: opts.start,
    end: opts.stop,
    source: opts.source,
    sourceLine: opts.source ? sourceLineReader() : undefined,
  };
  const input = goToolInputFor(bin);
  return goToolObjdump({ ...input, x86asmFailures, options: { ...input.options, x86asmBugs: x86asmFailures } }, range);
}

/** Labels for the objdump layout: ELF symbols of .text (objdump shows the global one when
 *  several share an address), or the pclntab functions of a stripped binary. */
export function objdumpLabels(bin: GoBinary): Label[] {
  const elf = bin.elf;
  const text = elf.section(".text");
  if (!text) return [];
  if (elf.symbols.length === 0) return bin.funcs.map((f) => ({ addr: f.entry, name: f.name }));
  const syms = elf.symbols.filter((s) => s.shndx === text.index && s.name !== "" && s.type !== STT.SECTION && s.type !== STT.FILE);
  syms.sort((a, b) => a.value - b.value || rankSym(b) - rankSym(a));
  return syms.map((s) => ({ addr: s.value, name: s.name }));
}

function rankSym(s: { bind: number; type: number; size: number }): number {
  return (s.bind === STB.GLOBAL ? 4 : s.bind === STB.WEAK ? 2 : 0) + (s.type === STT.FUNC ? 1 : 0);
}

/** The objdump -d listing (gnu or intel syntax) as chunks, with --source file:line lines. */
export function* objdumpListing(bin: GoBinary, opts: DisasmOptions, file: string): Generator<string> {
  const text = bin.elf.section(".text");
  if (!text) throw new UserError(`${bin.path}: no .text section`);
  const symbolizer: Symbolizer = bin.hasSymtab ? bin : { symbolize: (a) => { const f = bin.funcAt(a); return f ? { name: f.name, offset: a - f.entry } : undefined; } };
  const re = opts.symbol;
  const lines = disassembleGnu({
    code: bin.elf.sectionData(text),
    addr: text.addr,
    labels: objdumpLabels(bin),
    symbolizer,
    syntax: opts.syntax === "intel" ? "intel" : "gnu",
    start: opts.start,
    stop: opts.stop,
    file,
    filter: re ? (name) => re.test(name) : undefined,
  });
  let out: string[] = [];
  let size = 0;
  let lastPos = "";
  const header = /^[0-9a-f]{16} <(.*)>:$/;
  const instLine = /^ *([0-9a-f]+):\t[^\t]*\t/;
  for (const l of lines) {
    if (opts.source) {
      const h = header.exec(l);
      if (h) {
        // Like objdump -l: the function name, then file:line whenever it changes.
        out.push(l, "\n", `${h[1]!.replace(/\+0x[0-9a-f]+$/, "")}():\n`);
        lastPos = "";
        continue;
      }
      const m = instLine.exec(l);
      if (m) {
        const p = bin.lineAt(parseInt(m[1]!, 16));
        const pos = p ? `${p.file}:${p.line}` : "";
        if (pos !== lastPos && pos !== "") out.push(pos, "\n");
        lastPos = pos;
      }
    }
    out.push(l, "\n");
    size += l.length;
    if (size > 1 << 18) {
      yield out.join("");
      out = [];
      size = 0;
    }
  }
  if (out.length) yield out.join("");
}

export async function disasmCommand(binPath: string, cli: DisasmCliOptions): Promise<void> {
  const opts = parseDisasmOptions(cli);
  const bin = openBinaryFile(binPath, { anyElf: true });
  if (bin.goVersion === undefined && bin.pclntab === undefined) {
    // Not Go (a C program, /bin/ls): objdump's own symbols and sections.
    if (opts.syntax === "go" || opts.syntax === "goobjdump") throw new UserError(`${binPath}: --syntax ${opts.syntax} needs a Go binary (no Go build info and no pclntab found); gnu and intel disassemble any x86-64 ELF`);
    const re = opts.symbol;
    if (re && !new ObjdumpSymbols(bin.elf).syms.some((s) => re.test(s.name))) throw new UserError(`no function matches --symbol ${re.source}`);
    const out = new Out();
    let chunk: string[] = [];
    for (const l of objdumpAny(bin.elf, { file: binPath, syntax: opts.syntax, start: opts.start, stop: opts.stop, filter: re ? (n) => re.test(n) : undefined })) {
      chunk.push(l, "\n");
      if (chunk.length > 8192) {
        if (out.closed) break;
        await out.write(chunk.join(""));
        chunk = [];
      }
    }
    if (!out.closed) await out.write(chunk.join(""));
    await out.flush();
    if (out.error !== undefined) throw new UserError(`cannot write the listing: ${out.error}`);
    return;
  }
  if (opts.symbol) {
    const re = opts.symbol;
    const names = opts.syntax === "gnu" || opts.syntax === "intel" ? objdumpLabels(bin).map((l) => l.name) : goToolInputFor(bin).syms.filter((s) => s.text).map((s) => s.name);
    if (!names.some((n) => re.test(n))) throw new UserError(`no function matches --symbol ${re.source}`);
  }
  let chunks: Iterable<string>;
  if (opts.syntax === "go" || opts.syntax === "goobjdump") {
    chunks = goListing(bin, opts, opts.syntax === "goobjdump");
  } else {
    chunks = objdumpListing(bin, opts, binPath);
  }
  const out = new Out();
  for (const c of chunks) {
    if (out.closed) break;
    await out.write(c);
  }
  await out.flush();
  if (out.error !== undefined) throw new UserError(`cannot write the listing: ${out.error}`);
}
