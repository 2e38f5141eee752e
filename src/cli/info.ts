// `rt0 info BIN [--json]`: an `objdump -f` compatible header block of any x86-64 ELF, then the
// Go facts of a Go binary (version, entry symbol, main module, GOAMD64, CGO_ENABLED, -trimpath, function count,
// symbols, DWARF, build IDs). --json prints one object with the fields documented below.

import { openBinaryFile } from "../host/readbin.js";
import type { GoBinary } from "../gobin/binary.js";
import { setting } from "../gobin/buildinfo.js";
import { ET } from "../elf/elf.js";

/**
 * The --json object (every field always present; null when unknown):
 *   file           string   the path as given
 *   format         string   "elf64-x86-64" (objdump's BFD target name)
 *   architecture   string   "i386:x86-64"
 *   elfType        string   "EXEC" or "DYN" (static PIE)
 *   flags          number   objdump -f's BFD flags word (e.g. 0x112)
 *   flagNames      string[] its names in objdump order (EXEC_P, HAS_SYMS, D_PAGED...)
 *   startAddress   string   ELF entry as "0x" + 16 hex digits (objdump's "start address")
 *   entrySymbol    string|null  the symbol at the entry (`_rt0_amd64_linux`)
 *   entrySource    string|null  "file:line" of the entry from the pclntab
 *   goVersion      string|null  e.g. "go1.26.1" (what `go version BIN` prints)
 *   mainPath       string|null  the main package path from the build info
 *   mainModule     {path, version, sum}|null  the main module
 *   goamd64        string|null  GOAMD64 level (v1..v4) from the build settings
 *   cgoEnabled     boolean|null CGO_ENABLED build setting
 *   trimpath       boolean      -trimpath build setting
 *   ldflags        string|null  -ldflags build setting
 *   buildSettings  object   every build setting, key -> value (as `go version -m` lists them)
 *   functions      number   number of functions in the pclntab
 *   pclntab        {address, layout, foundBy}|null  where the pclntab is: hex address,
 *                  "1.16" | "1.18" | "1.20" (the layout family), "section" | "scan"
 *   moduledata     string|null  hex address of runtime.firstmoduledata when located
 *   hasSymbols     boolean  .symtab present with symbols
 *   symbolCount    number   number of .symtab entries (0 when stripped)
 *   hasDwarf       boolean  any .debug_* / .zdebug_* section present
 *   goBuildId      string|null  the Go build ID note ("Go", type 4)
 *   gnuBuildId     string|null  the GNU build ID note as hex
 *   interpreter    string|null  PT_INTERP (the dynamic linker) of a dynamically linked binary
 * Any x86-64 executable is described; one that is not Go has goVersion and pclntab null.
 */
export interface InfoJson {
  file: string;
  format: string;
  architecture: string;
  elfType: string;
  flags: number;
  flagNames: string[];
  startAddress: string;
  entrySymbol: string | null;
  entrySource: string | null;
  goVersion: string | null;
  mainPath: string | null;
  mainModule: { path: string; version: string; sum: string } | null;
  goamd64: string | null;
  cgoEnabled: boolean | null;
  trimpath: boolean;
  ldflags: string | null;
  buildSettings: Record<string, string>;
  functions: number;
  pclntab: { address: string; layout: string; foundBy: string } | null;
  moduledata: string | null;
  hasSymbols: boolean;
  symbolCount: number;
  hasDwarf: boolean;
  goBuildId: string | null;
  gnuBuildId: string | null;
  interpreter: string | null;
}

export async function infoCommand(bin: string, opts: { json?: boolean }): Promise<void> {
  const b = openBinaryFile(bin, { anyElf: true });
  const info = collectInfo(b, bin);
  process.stdout.write(opts.json ? JSON.stringify(info, null, 2) + "\n" : infoText(info));
}

/** The text `rt0 info` prints: the objdump -f block, then the Go facts. */
export function infoText(info: InfoJson): string {
  return objdumpF(info) + goFacts(info);
}

export function collectInfo(b: GoBinary, file: string): InfoJson {
  const elf = b.elf;
  const flags = elf.bfdFlags();
  const entry = elf.entry;
  const sym = b.symbolize(entry);
  const src = b.lineAt(entry);
  const bi = b.buildInfo;
  const cgo = setting(bi, "CGO_ENABLED");
  const settings: Record<string, string> = {};
  for (const s of bi?.settings ?? []) settings[s.key] = s.value;
  return {
    file,
    format: "elf64-x86-64",
    architecture: "i386:x86-64",
    elfType: elf.header.type === ET.DYN ? "DYN" : "EXEC",
    flags: flags.value,
    flagNames: flags.names,
    startAddress: "0x" + entry.toString(16).padStart(16, "0"),
    entrySymbol: sym ? (sym.offset === 0 ? sym.name : `${sym.name}+0x${sym.offset.toString(16)}`) : null,
    entrySource: src && src.file ? `${src.file}:${src.line}` : null,
    goVersion: b.goVersion ?? null,
    mainPath: bi?.path || null,
    mainModule: bi?.main ? { path: bi.main.path, version: bi.main.version, sum: bi.main.sum } : null,
    goamd64: setting(bi, "GOAMD64") ?? null,
    cgoEnabled: cgo === undefined ? null : cgo === "1",
    trimpath: setting(bi, "-trimpath") === "true",
    ldflags: setting(bi, "-ldflags") ?? null,
    buildSettings: settings,
    functions: b.funcs.length,
    pclntab: b.pclntab && b.pclntabAddr !== undefined ? { address: "0x" + b.pclntabAddr.toString(16), layout: b.pclntab.layout, foundBy: b.pclntabFoundBy ?? "section" } : null,
    moduledata: b.moduledataAddr !== undefined ? "0x" + b.moduledataAddr.toString(16) : null,
    hasSymbols: b.hasSymtab,
    symbolCount: elf.symbols.length,
    hasDwarf: b.hasDwarf,
    goBuildId: elf.goBuildId() ?? null,
    gnuBuildId: elf.gnuBuildId() ?? null,
    interpreter: elf.interp ?? null,
  };
}

/** Exactly what `objdump -f BIN` prints for a 64-bit x86-64 ELF. */
export function objdumpF(i: InfoJson): string {
  return (
    `\n${i.file}:     file format ${i.format}\n` +
    `architecture: ${i.architecture}, flags 0x${i.flags.toString(16).padStart(8, "0")}:\n` +
    `${i.flagNames.join(", ")}\n` +
    `start address ${i.startAddress}\n\n`
  );
}

const LAYOUTS: Record<string, string> = { "1.16": "Go 1.16-1.17", "1.18": "Go 1.18-1.19", "1.20": "Go 1.20+" };

function goFacts(i: InfoJson): string {
  // Not a Go program (a C program, /bin/ls): what is known of any ELF.
  const rows: [string, string][] = i.goVersion === null && i.pclntab === null ? [
    ["Go", "no (no Go build info, no pclntab)"],
    ["entry symbol", i.entrySymbol ?? "(unknown)"],
    ["interpreter", i.interpreter ?? "(none: statically linked)"],
    ["symbols", i.hasSymbols ? `yes (.symtab, ${i.symbolCount} entries)` : "no (stripped)"],
    ["DWARF", i.hasDwarf ? "yes" : "no"],
  ] : [
    ["Go version", i.goVersion ?? "(no build info)"],
    ["entry symbol", (i.entrySymbol ?? "(unknown)") + (i.entrySource ? ` (${i.entrySource})` : "")],
    ["main package", i.mainPath ?? "(unknown)"],
    ["main module", i.mainModule ? `${i.mainModule.path}${i.mainModule.version ? " " + i.mainModule.version : ""}` : "(none)"],
    ["GOAMD64", i.goamd64 ?? "(not recorded)"],
    ["CGO_ENABLED", i.cgoEnabled === null ? "(not recorded)" : i.cgoEnabled ? "1" : "0"],
    ["-trimpath", i.trimpath ? "true" : "false"],
    ["-ldflags", i.ldflags ?? "(none)"],
    ["functions", i.pclntab ? `${i.functions} (pclntab at ${i.pclntab.address}, ${LAYOUTS[i.pclntab.layout]} layout, found by ${i.pclntab.foundBy})` : "0 (no pclntab)"],
    ["symbols", i.hasSymbols ? `yes (.symtab, ${i.symbolCount} entries)` : "no (stripped)"],
    ["DWARF", i.hasDwarf ? "yes" : "no"],
    ["Go build ID", i.goBuildId ?? "(none)"],
  ];
  if (i.gnuBuildId) rows.push(["GNU build ID", i.gnuBuildId]);
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([k, v]) => `${(k + ":").padEnd(w)}${v}\n`).join("");
}
