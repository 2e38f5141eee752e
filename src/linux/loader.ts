// The ELF loader, as Linux's binfmt_elf does it: PT_LOAD segments mapped with their
// protections, an 8 MiB stack under STACK_TOP holding argc, argv, envp and the auxiliary vector
// (with AT_RANDOM bytes and a vDSO at AT_SYSINFO_EHDR), 16-byte aligned. A dynamically linked
// program (PT_INTERP) also gets its interpreter (glibc's ld.so) mapped near the top of the
// address space, read through the guest's file system, and starts there (AT_BASE, AT_ENTRY).

import { UserError } from "../base/assert.js";
import { parseElf, ET, PT, PF, type ElfFile } from "../elf/elf.js";
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, type Memory } from "../mem/api.js";
import type { CpuModel } from "../cpu/api.js";
import { cpuid, featuresFor } from "../cpu/cpuid.js";
import {
  AT_CLKTCK, AT_EGID, AT_ENTRY, AT_EUID, AT_EXECFN, AT_FLAGS, AT_GID, AT_HWCAP, AT_HWCAP2, AT_MINSIGSTKSZ, AT_NULL, AT_PAGESZ,
  AT_PHDR, AT_PHENT, AT_PHNUM, AT_PLATFORM, AT_RANDOM, AT_SECURE, AT_SYSINFO_EHDR, AT_UID, AT_BASE,
} from "./abi.js";
import { buildVdso, VDSO_SIZE } from "./vdso.js";
import { openBinary } from "../gobin/binary.js";
import { ELIBBAD, ENOENT, errnoText } from "./errno.js";

export const STACK_TOP = 0x7ffffffff000;
export const STACK_SIZE = 8 << 20;
/** Linux's vDSO address without ASLR: where the vDSO goes when there is no room below the
 *  executable (see vdsoAddress). */
export const VDSO_ADDR = 0x7ffff7fc1000;
/** Lowest address Linux lets a process map (vm.mmap_min_addr). */
const MMAP_MIN_ADDR = 0x10000;
/** Where a static-PIE (ET_DYN) executable is placed, as Linux does without randomization. */
export const PIE_BASE = 0x555555554000;

export interface LoadOptions {
  argv: string[];
  envp: string[];
  /** AT_EXECFN: the path the program was started as. */
  execfn: string;
  /** 16 bytes for AT_RANDOM. */
  random: Uint8Array;
  model: CpuModel;
  /** Reads a file of the guest's file system (the PT_INTERP interpreter): its bytes, or a
   *  negative errno. Without it a dynamically linked program is refused. */
  readFile?: (path: string) => Uint8Array | number;
}

export interface Loaded {
  entry: number;
  /** Initial RSP, pointing at argc. */
  sp: number;
  /** Initial program break (end of the highest segment). */
  brk: number;
  /** Where the pieces landed (tests, `rt0 boot`). */
  phdrAddr: number;
  loadBias: number;
  auxv: [number, number][];
  elf: ElfFile;
  /** The dynamic linker, for a program with PT_INTERP: its path and load bias (AT_BASE). */
  interp?: { path: string; base: number };
}

/** Where the interpreter's image ends: Linux without ASLR maps ld.so just under
 *  0x7ffff7fff000, with the vDSO below it. */
const INTERP_TOP = 0x7ffff7fff000;

const pageDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;
const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

function protOf(flags: number): number {
  return (flags & PF.R ? PROT_READ : 0) | (flags & PF.W ? PROT_WRITE : 0) | (flags & PF.X ? PROT_EXEC : 0);
}

/** Where the vDSO goes: just below the executable's lowest segment, one guard page apart, when
 *  that is below 2 GiB (a classic non-PIE Go binary at 0x400000), else at VDSO_ADDR. Any address
 *  is valid to the guest (it finds the vDSO through AT_SYSINFO_EHDR); keeping all guest code
 *  below 2^31 keeps code addresses small integers in V8, so decoded-instruction records hold
 *  them unboxed instead of as heap numbers. */
export function vdsoAddress(lowestSegment: number): number {
  const at = lowestSegment - pageUp(VDSO_SIZE) - PAGE_SIZE;
  return lowestSegment < 0x80000000 && at >= MMAP_MIN_ADDR ? at : VDSO_ADDR;
}

/** Parse and check that rt0 can run this binary; UserError otherwise. A dynamically linked one
 *  passes (its interpreter is checked when it is loaded) unless `staticOnly` says why only static
 *  ones will do (the browser has no dynamic linker or C library). */
export function checkRunnable(bytes: Uint8Array, staticOnly?: string): ElfFile {
  const elf = parseElf(bytes);
  const interp = elf.interp;
  if (interp !== undefined && staticOnly !== undefined) throw new UserError(`dynamically linked (interpreter ${interp}): ${staticOnly}`);
  if (elf.header.type !== ET.EXEC && elf.header.type !== ET.DYN) {
    throw new UserError(`not an executable (ELF type ${elf.header.type}): rt0 runs ET_EXEC or ET_DYN binaries`);
  }
  if (!elf.phdrs.some((p) => p.type === PT.LOAD)) throw new UserError("no PT_LOAD segment: nothing to run");
  return elf;
}

/** Map an ELF's PT_LOAD segments at bias; the lowest page and the end of the highest segment. */
function mapSegments(mem: Memory, elf: ElfFile, bytes: Uint8Array, bias: number, what: string): { low: number; end: number } {
  let end = 0;
  let low = Infinity;
  for (const ph of elf.phdrs) {
    if (ph.type !== PT.LOAD || ph.memsz === 0) continue;
    const vaddr = ph.vaddr + bias;
    const start = pageDown(vaddr);
    const stop = pageUp(vaddr + ph.memsz);
    low = Math.min(low, start);
    const lead = vaddr - start;
    const from = ph.offset - lead;
    if (from < 0 || ph.offset + ph.filesz > bytes.length) throw new UserError(`${what}segment ${ph.index} lies outside the file`);
    // Pages get their bytes when first touched (as the kernel maps the file): most of a Go
    // binary's text and rodata is never read by a given run.
    const data = bytes.subarray(from, ph.offset + ph.filesz);
    if (mem.mapData !== undefined) mem.mapData(start, stop - start, protOf(ph.flags), data);
    else {
      mem.map(start, stop - start, protOf(ph.flags));
      mem.write(start, data, true);
    }
    end = Math.max(end, vaddr + ph.memsz);
  }
  return { low, end };
}

/** The span [lowest page, end of the highest page) of an ELF's PT_LOAD segments, unbiased. */
function loadSpan(elf: ElfFile): { lo: number; hi: number } {
  let lo = Infinity, hi = 0;
  for (const ph of elf.phdrs) {
    if (ph.type !== PT.LOAD || ph.memsz === 0) continue;
    lo = Math.min(lo, pageDown(ph.vaddr));
    hi = Math.max(hi, pageUp(ph.vaddr + ph.memsz));
  }
  return { lo, hi };
}

/** The interpreter could not be loaded: one line for the user, and the errno execve returns
 *  for it on Linux (ENOENT when it is missing, ELIBBAD when it is not a usable ELF). */
export class InterpError extends UserError {
  constructor(message: string, readonly errno: number) {
    super(message);
  }
}

/** Read and check the interpreter named by PT_INTERP; InterpError otherwise. */
function readInterp(path: string, o: LoadOptions): { bytes: Uint8Array; elf: ElfFile } {
  const hint = "(with --root, copy it and the libraries into the root)";
  if (o.readFile === undefined) throw new InterpError(`dynamically linked (interpreter ${path}): no file system to load the interpreter from`, ENOENT);
  const bytes = o.readFile(path);
  if (typeof bytes === "number") {
    if (bytes === -ENOENT) throw new InterpError(`dynamically linked: interpreter ${path} not found ${hint}`, ENOENT);
    throw new InterpError(`dynamically linked: interpreter ${path} cannot be read: ${errnoText(-bytes)} ${hint}`, -bytes);
  }
  let elf: ElfFile;
  try {
    elf = parseElf(bytes);
  } catch (e) {
    throw new InterpError(`dynamically linked: interpreter ${path}: ${e instanceof Error ? e.message : String(e)}`, ELIBBAD);
  }
  if (elf.header.type !== ET.DYN || elf.interp !== undefined || !elf.phdrs.some((p) => p.type === PT.LOAD)) {
    throw new InterpError(`dynamically linked: interpreter ${path} is not a self-contained ET_DYN ELF file`, ELIBBAD);
  }
  return { bytes, elf };
}

export function loadElf(mem: Memory, bytes: Uint8Array, o: LoadOptions): Loaded {
  const elf = checkRunnable(bytes);
  const interpPath = elf.interp;
  const interp = interpPath === undefined ? undefined : readInterp(interpPath, o);
  const bias = elf.header.type === ET.DYN ? PIE_BASE : 0;
  const { low, end } = mapSegments(mem, elf, bytes, bias, "");
  mem.functionBounds = goFunctionBounds(bytes, bias);

  // AT_PHDR: where the program headers are in memory.
  const h = elf.header;
  let phdrAddr = 0;
  const pt = elf.phdrs.find((p) => p.type === PT.PHDR);
  if (pt) phdrAddr = pt.vaddr + bias;
  else {
    const seg = elf.phdrs.find((p) => p.type === PT.LOAD && p.offset <= h.phoff && h.phoff < p.offset + p.filesz);
    if (seg) phdrAddr = seg.vaddr + bias + (h.phoff - seg.offset);
  }

  // vDSO.
  const vdso = vdsoAddress(low);
  mem.map(vdso, VDSO_SIZE, PROT_READ | PROT_EXEC);
  mem.write(vdso, buildVdso(), true);

  // The interpreter: ending just under INTERP_TOP when that room is free, else wherever mmap
  // would put it.
  let interpBase = 0;
  if (interp !== undefined) {
    const span = loadSpan(interp.elf);
    const size = span.hi - span.lo;
    let at = INTERP_TOP - size;
    if (mem.findFree(size, at, INTERP_TOP) !== at) at = mem.findFree(size, 0);
    if (at < 0) throw new UserError(`dynamically linked: no room for interpreter ${interpPath}`);
    interpBase = at - span.lo;
    mapSegments(mem, interp.elf, interp.bytes, interpBase, `interpreter ${interpPath}: `);
  }

  // Stack: strings at the top, then the vectors.
  mem.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE);
  const enc = new TextEncoder();
  let sp = STACK_TOP - 8;
  const pushStr = (s: string): number => {
    const b = enc.encode(s + "\0");
    sp -= b.length;
    mem.write(sp, b);
    return sp;
  };
  const execfnAddr = pushStr(o.execfn);
  const envAddrs = o.envp.map(pushStr);
  const argAddrs = o.argv.map(pushStr);
  const platformAddr = pushStr("x86_64");
  sp = Math.floor(sp / 16) * 16 - 16;
  const randomAddr = sp;
  mem.write(randomAddr, o.random.subarray(0, 16));

  const regs = new Int32Array(4);
  cpuid(o.model, featuresFor(o.model), 1, 0, regs);
  const auxv: [number, number][] = [
    [AT_SYSINFO_EHDR, vdso],
    [AT_MINSIGSTKSZ, 2048],
    [AT_HWCAP, regs[3]! >>> 0],
    [AT_PAGESZ, PAGE_SIZE],
    [AT_CLKTCK, 100],
    [AT_PHDR, phdrAddr],
    [AT_PHENT, h.phentsize],
    [AT_PHNUM, h.phnum],
    [AT_BASE, interpBase],
    [AT_FLAGS, 0],
    [AT_ENTRY, h.entry + bias],
    [AT_UID, 0],
    [AT_EUID, 0],
    [AT_GID, 0],
    [AT_EGID, 0],
    [AT_SECURE, 0],
    [AT_RANDOM, randomAddr],
    [AT_HWCAP2, 0],
    [AT_EXECFN, execfnAddr],
    [AT_PLATFORM, platformAddr],
    [AT_NULL, 0],
  ];
  const words = 1 + argAddrs.length + 1 + envAddrs.length + 1 + 2 * auxv.length;
  sp -= words * 8;
  sp = Math.floor(sp / 16) * 16;
  const vec: number[] = [o.argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of auxv) vec.push(k, v);
  vec.forEach((v, i) => mem.writeU64(sp + 8 * i, v));

  const entry = interp !== undefined ? interp.elf.header.entry + interpBase : h.entry + bias;
  return {
    entry, sp, brk: pageUp(end), phdrAddr, loadBias: bias, auxv, elf,
    ...(interpPath !== undefined ? { interp: { path: interpPath, base: interpBase } } : {}),
  };
}

/** The Go functions of an executable (its pclntab, read on first use) as the compiled tier asks
 *  for them; null for an address outside them or a binary without a pclntab. */
function goFunctionBounds(bytes: Uint8Array, bias: number): (addr: number) => { start: number; end: number; name: string } | null {
  let funcAt: ((pc: number) => { entry: number; end: number; name: string } | undefined) | null | undefined;
  return (addr) => {
    if (funcAt === undefined) {
      try {
        const gb = openBinary(bytes, "");
        funcAt = gb.pclntab !== undefined ? (pc) => gb.funcAt(pc) : null;
      } catch {
        funcAt = null;
      }
    }
    if (funcAt === null) return null;
    const f = funcAt(addr - bias);
    return f === undefined ? null : { start: f.entry + bias, end: f.end + bias, name: f.name };
  };
}
