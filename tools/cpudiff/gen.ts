// Case generator for the CPU differential tests: for each form, random and edge operands
// (0, 1, -1, sign boundaries, every shift count, NaN/Inf/denormals) in a 528-byte state image
// shared with harness.c; instruction bytes come from GNU as (Intel syntax).

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { FORMS, type Form } from "./forms.js";

export const STATE = 528;
export const GPR_OFF = 0;
export const FLAGS_OFF = 128;
export const MXCSR_OFF = 136;
export const XMM_OFF = 144;
export const MEM_OFF = 400;
export const MEMLEN = 128;
export const MEMBASE = 0x20000000;
export const CODEBASE = 0x30000000;

export interface Case {
  form: number;
  asm: string;
  code: Uint8Array;
  input: Uint8Array;
}

/** mulberry32: small deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REG64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
const REG32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"];
const REG16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"];
const REG8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"];
const PTR: Record<string, string> = { m8: "byte ptr", m16: "word ptr", m32: "dword ptr", m64: "qword ptr", m128: "xmmword ptr" };

const EDGE64 = [
  0n, 1n, 2n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0xffffffff80000000n, 0xffffffffffff8000n, 0xffffffffffffff80n, 7n, 8n, 15n, 16n, 31n, 32n, 63n, 64n,
];

const F64EDGE = [0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308,
  1.7976931348623157e308, 2147483647.5, -2147483648.5, 2147483648, -2147483649, 2 ** 63, -(2 ** 63),
  9007199254740992 + 2, 1e20, -1e20, 3.4028234663852886e38, 1.401298464324817e-45, 0.1, 123456.789];

function rand64(r: () => number): bigint {
  const pick = r();
  if (pick < 0.35) return EDGE64[Math.floor(r() * EDGE64.length)];
  const bits = [8, 16, 32, 64][Math.floor(r() * 4)];
  let v = 0n;
  for (let k = 0; k < bits; k += 16) v |= BigInt(Math.floor(r() * 65536)) << BigInt(k);
  v &= (1n << BigInt(bits)) - 1n;
  if (r() < 0.3) v = BigInt.asUintN(64, -v);
  return v;
}

function randDoubleBits(r: () => number, dv: DataView, off: number): void {
  const p = r();
  if (p < 0.4) dv.setFloat64(off, F64EDGE[Math.floor(r() * F64EDGE.length)], true);
  else if (p < 0.5) {
    // NaN with a payload (quiet or signalling), either sign.
    dv.setUint32(off, Math.floor(r() * 2 ** 32), true);
    dv.setUint32(off + 4, (r() < 0.5 ? 0x7ff00000 : 0xfff00000) | Math.floor(r() * 0x100000) | (r() < 0.5 ? 0x80000 : 1), true);
  } else if (p < 0.6) {
    dv.setUint32(off, Math.floor(r() * 2 ** 32), true);
    dv.setUint32(off + 4, Math.floor(r() * 2 ** 32), true);
  } else dv.setFloat64(off, (r() - 0.5) * 10 ** Math.floor(r() * 24 - 8), true);
}

function randFloatBits(r: () => number, dv: DataView, off: number): void {
  const p = r();
  if (p < 0.4) dv.setFloat32(off, F64EDGE[Math.floor(r() * F64EDGE.length)], true);
  else if (p < 0.5) dv.setUint32(off, (r() < 0.5 ? 0x7f800000 : 0xff800000) | Math.floor(r() * 0x800000) | (r() < 0.5 ? 0x400000 : 1), true);
  else if (p < 0.6) dv.setUint32(off, Math.floor(r() * 2 ** 32), true);
  else dv.setFloat32(off, (r() - 0.5) * 10 ** Math.floor(r() * 16 - 6), true);
}

function imm(r: () => number, kind: string): string {
  const e = r() < 0.3;
  switch (kind) {
    case "i8": return String(e ? [0, 1, -1, 127, -128, 31, 32, 63, 64][Math.floor(r() * 9)] : Math.floor(r() * 256) - 128);
    case "i16": return String(e ? [0, 1, -1, 32767, -32768][Math.floor(r() * 5)] : Math.floor(r() * 65536) - 32768);
    case "i32": return String(e ? [0, 1, -1, 2147483647, -2147483648][Math.floor(r() * 5)] : Math.floor(r() * 2 ** 32) - 2 ** 31);
    default: return "0x" + rand64(r).toString(16);
  }
}

/** Build one case of a form. */
export function makeCase(formIdx: number, r: () => number): Omit<Case, "code"> {
  const f = FORMS[formIdx];
  const input = new Uint8Array(STATE);
  const dv = new DataView(input.buffer);
  // Background: a recognisable pattern per register, random memory, XMM per form.
  for (let k = 0; k < 16; k++) dv.setBigUint64(GPR_OFF + 8 * k, 0x0101010101010101n * BigInt(k + 1) ^ 0x8040201008040201n, true);
  // Background patterns (so the recorded cases compress); the operands are randomized below.
  for (let k = 0; k < MEMLEN; k++) input[MEM_OFF + k] = (k * 37 + 11) & 255;
  for (let k = 0; k < 256; k++) input[XMM_OFF + k] = (k * 53 + 7) & 255;
  /** Random contents for 16 bytes of XMM register or memory at byte offset o. */
  const randVec = (o: number): void => {
    for (let k = 0; k < 16; k += 8) {
      if (f.kind === "double") randDoubleBits(r, dv, o + k);
      else if (f.kind === "float") { randFloatBits(r, dv, o + k); randFloatBits(r, dv, o + k + 4); }
      else { dv.setUint32(o + k, Math.floor(r() * 2 ** 32), true); dv.setUint32(o + k + 4, Math.floor(r() * 2 ** 32), true); }
    }
  };
  if (f.kind === "string" || f.kind === "bitmem") for (let k = 0; k < MEMLEN; k++) input[MEM_OFF + k] = Math.floor(r() * 256);
  const arith = Math.floor(r() * 4096) & (1 | 4 | 16 | 64 | 128 | 2048);
  const df = f.kind === "string" && r() < 0.5 ? 0x400 : 0;
  dv.setBigUint64(FLAGS_OFF, BigInt(arith | df | 0x202), true);
  // Rounding control: random for the conversions (which honour it); arithmetic is tested in
  // round-to-nearest only (directed rounding of arithmetic is a known difference).
  const rcForm = f.mnem.startsWith("cvt") && !f.mnem.startsWith("cvtt");
  dv.setUint32(MXCSR_OFF, rcForm && r() < 0.5 ? 0x1f80 | (Math.floor(r() * 4) << 13) : 0x1f80, true);
  dv.setBigUint64(GPR_OFF + 8 * 4, BigInt(MEMBASE + 64), true); // RSP
  dv.setBigUint64(GPR_OFF + 8 * 5, BigInt(MEMBASE + 32 + 8 * Math.floor(r() * 8)), true); // RBP (for LEAVE)

  const used = new Set<number>([4]);
  /** Registers that address memory: never reused as value operands. */
  const reserved = new Set<number>([4]);
  // Registers the case shaping rewrites (the CL count, DIV's RAX/RDX) never address memory.
  if (f.ops.includes("cl")) reserved.add(1);
  if (f.kind === "div") { reserved.add(0); reserved.add(2); }
  const pickReg = (): number => {
    for (;;) {
      const k = Math.floor(r() * 16);
      if (reserved.has(k)) continue;
      if (used.has(k) && r() < 0.85) continue;
      used.add(k);
      return k;
    }
  };
  const hasMem = f.ops.some((o) => o.startsWith("m"));
  let memText = "";
  if (hasMem) {
    const o = f.ops.find((x) => x.startsWith("m"))!;
    const size = o === "m128" ? 16 : Number(o.slice(1)) / 8;
    const base = pickReg();
    reserved.add(base);
    const align = size === 16 ? 16 : r() < 0.8 ? size : 1;
    const room = MEMLEN - size - (f.kind === "bitmem" ? 16 : 0);
    const off = Math.floor((r() * (room - (f.kind === "bitmem" ? 16 : 0))) / align) * align + (f.kind === "bitmem" ? 16 : 0);
    let index = -1;
    let scale = 1;
    if (r() < 0.3) {
      index = pickReg();
      reserved.add(index);
      scale = [1, 2, 4, 8][Math.floor(r() * 4)];
    }
    const idxVal = index >= 0 ? Math.floor(r() * 3) : 0;
    const disp = Math.floor(r() * 3) * (size === 16 ? 16 : 8) - 8;
    const baseVal = MEMBASE + off - idxVal * scale - disp;
    randVec(MEM_OFF + Math.min(off, MEMLEN - 16));
    dv.setBigUint64(GPR_OFF + 8 * base, BigInt(baseVal), true);
    if (index >= 0) dv.setBigUint64(GPR_OFF + 8 * index, BigInt(idxVal), true);
    memText = `${PTR[o] ?? "qword ptr"} [${REG64[base]}${index >= 0 ? `+${REG64[index]}*${scale}` : ""}${disp >= 0 ? "+" : ""}${disp}]`;
  }
  const text: string[] = [];
  for (const o of f.ops) {
    if (o.startsWith("r") && /^r(8|16|32|64)$/.test(o)) {
      const k = pickReg();
      let v = rand64(r);
      if (f.kind === "bitmem" && o !== f.ops[0]) v = BigInt.asUintN(64, BigInt(Math.floor(r() * 256) - 128));
      if (f.kind === "shiftcount" && r() < 0.5) v = BigInt(Math.floor(r() * 80));
      dv.setBigUint64(GPR_OFF + 8 * k, v, true);
      text.push(o === "r8" ? REG8[k] : o === "r16" ? REG16[k] : o === "r32" ? REG32[k] : REG64[k]);
    } else if (o.startsWith("m")) text.push(memText);
    else if (o === "x") {
      const x = Math.floor(r() * 16);
      randVec(XMM_OFF + 16 * x);
      text.push(`xmm${x}`);
    }
    else if (o.startsWith("i")) {
      if (f.kind === "shiftcount") text.push(String(r() < 0.8 ? Math.floor(r() * 72) : Math.floor(r() * 256)));
      else text.push(imm(r, o));
    } else text.push(o);
  }
  // Shaping.
  // SHLD/SHRD on 16 bits: the result is undefined for counts above 16 (not generated).
  const dbl16 = (f.mnem === "shld" || f.mnem === "shrd") && f.ops[1] === "r16";
  if (f.ops.includes("cl")) {
    const c = dbl16 ? Math.floor(r() * 17) + (r() < 0.5 ? 32 : 0) : r() < 0.8 ? Math.floor(r() * 72) : Math.floor(r() * 256);
    input[GPR_OFF + 8] = c;
  }
  if (dbl16 && f.ops[2] === "i8") text[2] = String(Math.floor(r() * 17));
  if (f.kind === "div") {
    const p = r();
    // Mostly non-faulting: RDX (AH for 8-bit) small or the sign extension of RAX.
    if (p < 0.6) {
      dv.setBigUint64(GPR_OFF + 16, p < 0.3 ? 0n : BigInt(Math.floor(r() * 4)), true);
      if (f.ops[0] === "r8" || f.ops[0] === "m8") input[GPR_OFF + 1] = Math.floor(r() * 4);
    } else if (p < 0.85) {
      const neg = (input[GPR_OFF + 7] & 0x80) !== 0;
      dv.setBigUint64(GPR_OFF + 16, neg ? 0xffffffffffffffffn : 0n, true);
    }
  }
  if (f.kind === "string") {
    const size = { b: 1, w: 2, d: 4, q: 8 }[f.mnem.slice(-1)] ?? 1;
    dv.setBigUint64(GPR_OFF + 8 * 6, BigInt(MEMBASE + 40 + Math.floor(r() * 6) * size), true);
    dv.setBigUint64(GPR_OFF + 8 * 7, BigInt(MEMBASE + 40 + Math.floor(r() * 6) * size), true);
    dv.setBigUint64(GPR_OFF + 8, BigInt(Math.floor(r() * 5)), true);
    if (f.mnem.includes("scas") || f.mnem.includes("cmps")) {
      // Make equal runs likely: copy bytes between the two areas.
      if (r() < 0.5) input.copyWithin(MEM_OFF + 40, MEM_OFF + 70, MEM_OFF + 100);
      if (r() < 0.3) dv.setBigUint64(GPR_OFF, dv.getBigUint64(MEM_OFF + 40, true), true);
    }
  }
  const asm = text.length > 0 ? `${f.mnem} ${text.join(", ")}` : f.mnem;
  return { form: formIdx, asm, input };
}

/** Assemble every case's instruction with GNU as; returns the byte strings. */
export function assemble(asms: string[]): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), "cpudiff-"));
  const lines = [".intel_syntax noprefix", ".text"];
  asms.forEach((a, k) => lines.push(`c${k}: ${a}`));
  lines.push(`c${asms.length}:`, ".data");
  for (let k = 0; k < asms.length; k++) lines.push(`.long c${k + 1}-c${k}`);
  writeFileSync(join(dir, "c.s"), lines.join("\n") + "\n");
  execFileSync("as", ["-o", join(dir, "c.o"), join(dir, "c.s")]);
  execFileSync("objcopy", ["-O", "binary", "-j", ".text", join(dir, "c.o"), join(dir, "t.bin")]);
  execFileSync("objcopy", ["-O", "binary", "-j", ".data", join(dir, "c.o"), join(dir, "d.bin")]);
  const text = readFileSync(join(dir, "t.bin"));
  const lens = readFileSync(join(dir, "d.bin"));
  const out: Uint8Array[] = [];
  let pos = 0;
  for (let k = 0; k < asms.length; k++) {
    const n = lens.readUInt32LE(4 * k);
    out.push(new Uint8Array(text.subarray(pos, pos + n)));
    pos += n;
  }
  return out;
}

/** Generate `perForm` cases for each form at or below `level`, deterministically from seed. */
export function generate(perForm: number, seed: number, level = 1, filter?: RegExp): Case[] {
  const r = rng(seed);
  const partial: Omit<Case, "code">[] = [];
  FORMS.forEach((f, idx) => {
    if ((f.level ?? 1) > level) return;
    if (filter !== undefined && !filter.test(f.name)) return;
    for (let k = 0; k < perForm; k++) partial.push(makeCase(idx, r));
  });
  const codes = assemble(partial.map((c) => c.asm));
  return partial.map((c, k) => ({ ...c, code: codes[k] }));
}

/** Run cases on the host CPU through the native harness (built on demand). */
export function runNative(cases: Case[], harness: string): { status: number; out: Uint8Array }[] {
  const dir = mkdtempSync(join(tmpdir(), "cpudiff-run-"));
  const rec = 16 + STATE;
  const buf = Buffer.alloc(8 + cases.length * rec);
  buf.write("CPUDIFF1", 0, "latin1");
  cases.forEach((c, k) => {
    const o = 8 + k * rec;
    buf[o] = c.code.length;
    buf.set(c.code, o + 1);
    buf.set(c.input, o + 16);
  });
  writeFileSync(join(dir, "in.bin"), buf);
  execFileSync(harness, [join(dir, "in.bin"), join(dir, "out.bin")]);
  const out = readFileSync(join(dir, "out.bin"));
  const res: { status: number; out: Uint8Array }[] = [];
  for (let k = 0; k < cases.length; k++) {
    const o = 8 + k * rec;
    res.push({ status: out[o], out: new Uint8Array(out.subarray(o + 16, o + 16 + STATE)) });
  }
  return res;
}

/** Write recorded cases (records of form, code, input, native status and output) as the
 *  gzipped golden file the tests replay: "CPUDGLD1", the JSON header, then the records. */
export function writeGolden(path: string, records: Buffer[]): void {
  const header = Buffer.from(JSON.stringify({ forms: FORMS.map((f) => ({ name: f.name, undef: f.undef })), state: STATE }));
  const head = Buffer.alloc(12);
  head.write("CPUDGLD1", 0, "latin1");
  head.writeUInt32LE(header.length, 8);
  if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(Buffer.concat([head, header, ...records]), { level: 9 }));
}

export type { Form };
