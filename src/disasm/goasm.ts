// Go (Plan 9) assembler syntax for one decoded instruction, exactly as `go tool objdump` prints
// it: x86asm's mnemonics with B/W/L/Q size suffixes, source operands first, AX..R15/X0..X15
// registers, `0x10(R14)`, `FS:0xfffffff8`, `$0x123`, `runtime.morestack_noctxt.abi0(SB)`.
//
// A port of golang.org/x/arch/x86/x86asm's GoSyntax (plan9x.go, Copyright 2014 The Go Authors,
// BSD-style license) onto rt0's Inst record, with the parts of x86asm's decoder that shape its
// output (argument lists, immediate signedness, 32-bit displacements printed unsigned, prefix
// display). Instructions x86asm cannot decode (most VEX, all EVEX, BMI...) are printed in the
// same style from rt0's own decoding, with Y/Z/K registers; go tool objdump prints "?" there.

import { K, P, R } from "../x86/inst.js";
import type { Inst } from "../x86/inst.js";
import { OP_NAMES } from "../x86/ops.generated.js";

/** Symbol lookup as x86asm wants it: the symbol containing addr and its start, if any. */
export type GoSymLookup = (addr: number) => { name: string; base: number } | undefined;

/** The objdump-style symbolizer (GoBinary fits): name and offset of the symbol at or before
 *  addr, sizes not checked. */
export interface Symbolizer {
  symbolize(addr: number): { name: string; offset: number } | undefined;
}

function fromSymbolizer(s: Symbolizer): GoSymLookup {
  return (addr) => {
    const r = s.symbolize(addr);
    return r ? { name: r.name, base: addr - r.offset } : undefined;
  };
}

/** The behaviour of the go tool objdump of a given Go release (x86asm changed over time). */
export interface GoSyntaxOptions {
  /** go1.21+: CMP operands read left to right ("CMPQ SP, 0x10(R14)"); before: reversed. */
  cmpLeftToRight: boolean;
  /** Before go1.25 any immediate inside a symbol is shown as $sym+off(SB); from go1.25 only
   *  the immediates of 32-bit MOV and PUSH (x/arch issue 72942). */
  immSymbolsAll: boolean;
  /** Reproduce x86asm's misreadings too (see GoToolInput.x86asmFailures): VEX.B ignored on a
   *  ModRM base without SIB, YMM registers named X. Off by default. */
  x86asmBugs?: boolean;
}

/** Options matching the go tool objdump of the toolchain that built a binary ("go1.22.3"). */
export function goSyntaxFor(goVersion: string | undefined): GoSyntaxOptions {
  const m = /^go1\.(\d+)/.exec(goVersion ?? "");
  const minor = m ? Number(m[1]) : 99;
  return { cmpLeftToRight: minor >= 21, immSymbolsAll: minor < 25 };
}

const LATEST: GoSyntaxOptions = { cmpLeftToRight: true, immSymbolsAll: false };

const CC = ["O", "NO", "B", "AE", "E", "NE", "BE", "A", "S", "NS", "P", "NP", "L", "GE", "LE", "G"];
const FCMOV: Record<number, string> = { 2: "B", 3: "NB", 4: "E", 5: "NE", 6: "BE", 7: "NBE", 10: "U", 11: "NU" };
const SIZE_LETTER: Record<number, string> = { 1: "B", 2: "W", 4: "D", 8: "Q" };

/** x86asm's plan9Suffix set: these get B/W/L/Q from the memory or data size. */
const SUFFIXED = new Set([
  "ADC", "ADD", "AND", "BSF", "BSR", "BT", "BTC", "BTR", "BTS", "CMP", "CMPXCHG", "CVTSI2SD", "CVTSI2SS",
  "CVTSD2SI", "CVTSS2SI", "CVTTSD2SI", "CVTTSS2SI", "DEC", "DIV", "FLDENV", "FRSTOR", "IDIV", "IMUL", "IN",
  "INC", "LEA", "MOV", "MOVNTI", "MUL", "NEG", "NOP", "NOT", "OR", "OUT", "POP", "POPA", "POPCNT", "PUSH",
  "PUSHA", "RCL", "RCR", "ROL", "ROR", "SAR", "SBB", "SHL", "SHLD", "SHR", "SHRD", "SUB", "TEST", "XADD",
  "XCHG", "XOR",
]);

/** Mnemonics x86asm knows (legacy encodings); everything VEX/EVEX is unknown to it but these. */
const X86ASM_VEX = new Set(["VMOVDQA", "VMOVDQU", "VMOVNTDQ", "VMOVNTDQA", "VZEROUPPER"]);
const X86ASM_UNKNOWN = new Set([
  "INVALID", "ADCX", "ADOX", "ANDN", "BEXTR", "BLSI", "BLSMSK", "BLSR", "BZHI", "CLAC", "CLFLUSHOPT", "CLWB",
  "CLZERO", "ENCLS", "ENCLU", "ENCLV", "ENDBR32", "ENDBR64", "FCOM2", "FCOMP3", "FCOMP5", "FDISI8087_NOP",
  "FEMMS", "FENI8087_NOP", "FSETPM287_NOP", "FSTP1", "FSTP8", "FSTP9", "FXCH4", "FXCH7", "GETSEC",
  "GF2P8AFFINEINVQB", "GF2P8AFFINEQB", "GF2P8MULB", "INCSSPD", "MONITORX", "MULX", "MWAITX", "PDEP", "PEXT",
  "PREFETCH", "PREFETCHWT1", "PTWRITE", "RDPID", "RDPRU", "RDSEED", "RDSSPD", "RORX", "SAL", "SARX",
  "SHA1MSG1", "SHA1MSG2", "SHA1NEXTE", "SHA1RNDS4", "SHA256MSG1", "SHA256MSG2", "SHA256RNDS2", "SHLX", "SHRX",
  "STAC", "UMONITOR", "PREFETCHW",
]);
/** VEX-encoded general-register instructions: Go's assembler spells them with a size suffix. */
const GPR_VEX = new Set(["ANDN", "BEXTR", "BLSI", "BLSMSK", "BLSR", "BZHI", "MULX", "PDEP", "PEXT", "RORX", "SARX", "SHLX", "SHRX"]);

const GPR64 = ["AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"];
const GPR8 = ["AL", "CL", "DL", "BL", "SP", "BP", "SI", "DI", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"];
const HIGH8 = ["AH", "CH", "DH", "BH"];
const SEGS = ["ES", "CS", "SS", "DS", "FS", "GS"];

/** True when golang.org/x/arch/x86/x86asm decodes this instruction (else go tool objdump prints "?"). */
export function x86asmKnows(inst: Inst): boolean {
  if (inst.pfx & (P.EVEX | P.XOP)) return false;
  const name = OP_NAMES[inst.op] ?? "INVALID";
  if (inst.pfx & P.VEX) return X86ASM_VEX.has(name);
  // The undocumented SAL row (C0/C1/D0-D3 /6) is not in x86asm's tables, whatever rt0 calls it.
  if (inst.map === 0 && inst.opcode >= 0xc0 && inst.opcode <= 0xd3 && (inst.opcode <= 0xc1 || inst.opcode >= 0xd0) &&
    inst.modrm >= 0 && ((inst.modrm >> 3) & 7) === 6) return false;
  return !X86ASM_UNKNOWN.has(name);
}

/** The mnemonic x86asm uses for this instruction. */
function mnemonic(inst: Inst, name: string): string {
  switch (name) {
    case "JCC": return "J" + CC[inst.cond & 15]!;
    case "SETCC": return "SET" + CC[inst.cond & 15]!;
    case "CMOVCC": return "CMOV" + CC[inst.cond & 15]!;
    case "FCMOVCC": return "FCMOV" + (FCMOV[inst.cond & 15] ?? CC[inst.cond & 15]!);
    case "MOVS": case "CMPS": case "STOS": case "LODS": case "SCAS":
      return name + SIZE_LETTER[inst.opsize]!;
    case "INS": case "OUTS": // no 64-bit form: REX.W still reads D
      return name + SIZE_LETTER[inst.opsize === 8 ? 4 : inst.opsize]!;
    case "MOVSD": return "MOVSD_XMM";
    case "CMPSD": return "CMPSD_XMM";
    case "CBW": return inst.opsize === 2 ? "CBW" : inst.opsize === 8 ? "CDQE" : "CWDE";
    case "CWD": return inst.opsize === 2 ? "CWD" : inst.opsize === 8 ? "CQO" : "CDQ";
    case "INT3": return "INT";
    case "INT1": return "ICEBP";
    case "XLAT": return "XLATB";
    case "PUSHF": return inst.opsize === 2 ? "PUSHF" : "PUSHFQ";
    case "POPF": return inst.opsize === 2 ? "POPF" : "POPFQ";
    case "IRET": return inst.opsize === 8 ? "IRETQ" : inst.opsize === 2 ? "IRET" : "IRETD";
    case "JRCXZ": return inst.addrsize === 4 ? "JECXZ" : "JRCXZ";
    case "FXSAVE": case "FXRSTOR": case "XSAVE": case "XRSTOR": case "XSAVEOPT": case "XSAVEC": case "XSAVES": case "XRSTORS":
      return inst.pfx & P.REX_W ? name + "64" : name;
    default: return name;
  }
}

/** An argument in x86asm's terms (Intel order), already rendered. */
interface Arg {
  text: string;
  /** A 64-bit general register (RAX..R15): x86asm's PUSHQ/POPQ rule. */
  gpr64: boolean;
  mem: boolean;
}

function hex(v: number): string {
  return v < 0 ? "-0x" + (-v).toString(16) : "0x" + v.toString(16);
}

/** Register name in Plan 9 spelling. xOnly: x86asm's naming, every vector register an X. */
function regName(r: number, size: number, xOnly: boolean): string {
  if (r >= 0 && r < 16) return size === 1 ? GPR8[r]! : GPR64[r]!;
  if (r >= R.AH && r <= R.BH) return HIGH8[r - R.AH]!;
  if (r === R.RIP) return "IP";
  if (r >= R.ES && r <= R.GS) return SEGS[r - R.ES]!;
  if (r >= R.XMM0 && r < R.XMM0 + 32) {
    const n = r - R.XMM0;
    if (xOnly || size <= 16) return "X" + n;
    return (size === 32 ? "Y" : "Z") + n;
  }
  if (r >= R.MM0 && r < R.MM0 + 8) return "M" + (r - R.MM0);
  if (r >= R.ST0 && r < R.ST0 + 8) return "F" + (r - R.ST0);
  if (r >= R.K0 && r < R.K0 + 8) return "K" + (r - R.K0);
  if (r >= R.CR0 && r < R.CR0 + 16) return "CR" + (r - R.CR0);
  if (r >= R.DR0 && r < R.DR0 + 16) return "DR" + (r - R.DR0);
  return "?";
}

/** The immediate as x86asm holds it (an int64), from the encoded width and signedness. */
function immValue(inst: Inst, name: string): number {
  const v = inst.imm;
  if (inst.map === 0) {
    const op = inst.opcode;
    if (op === 0x6a || op === 0x6b || op === 0x83) return (v << 24) >> 24;
    if (op === 0xc2 || op === 0xca || op === 0xc8) return v & 0xffff;
    if (op >= 0xb8 && op <= 0xbf) {
      if (inst.opsize === 8) return inst.immHi * 0x100000000 + (v >>> 0);
      return inst.opsize === 2 ? (v << 16) >> 16 : v | 0;
    }
    const wide = op === 0x68 || op === 0x69 || op === 0x81 || op === 0xa9 || op === 0xc7 || op === 0xf7 ||
      (op < 0x40 && (op & 7) === 5);
    if (wide && inst.opsize !== 1) return inst.opsize === 2 ? (v << 16) >> 16 : v | 0;
    if (name === "ENTER") return v & 0xffff;
  }
  return v & 0xff;
}

function immText(val: number, inst: Inst, name: string, dataSize: number, lookup: GoSymLookup, o: GoSyntaxOptions): string {
  if (o.immSymbolsAll || ((name === "MOV" || name === "PUSH") && dataSize === 32)) {
    // uint64(a): negative immediates are huge addresses that no symbol contains.
    if (val >= 0) {
      const s = lookup(val);
      if (s) return `$${s.name}${val !== s.base ? "+" + (val - s.base) : ""}(SB)`;
    }
  }
  void inst;
  if (val >= -0x80000000 && val <= 0x7fffffff) return "$" + hex(val);
  // Outside int32: printed as uint64.
  return "$0x" + u64hex(val);
}

/** Hex of a signed 64-bit value reinterpreted as uint64 (the value may exceed 2^53 in magnitude
 *  only for MOV r64, imm64; those are rebuilt exactly from imm/immHi). */
function u64hex(val: number): string {
  if (val >= 0) return val.toString(16);
  const hi = Math.floor(val / 0x100000000);
  const lo = val - hi * 0x100000000;
  return ((hi >>> 0).toString(16)) + (lo >>> 0).toString(16).padStart(8, "0");
}

function imm64Text(inst: Inst, name: string, dataSize: number, lookup: GoSymLookup, o: GoSyntaxOptions): string {
  // MOV r64, imm64: exact 64-bit hex from the halves.
  const hi = inst.immHi | 0;
  const lo = inst.imm >>> 0;
  if ((hi === 0 && lo <= 0x7fffffff) || (hi === -1 && lo >= 0x80000000)) return immText(hi * 0x100000000 + lo, inst, name, dataSize, lookup, o);
  if (o.immSymbolsAll && hi >= 0) {
    const val = hi * 0x100000000 + lo;
    const s = lookup(val);
    if (s) return `$${s.name}${val !== s.base ? "+" + (val - s.base) : ""}(SB)`;
  }
  return "$0x" + (hi >>> 0).toString(16) + lo.toString(16).padStart(8, "0");
}

/** The memory operand, as x86asm prints it (or as a symbol reference). */
function memText(inst: Inst, pc: number, lookup: GoSymLookup, compat: boolean, o: GoSyntaxOptions, raw: Uint8Array | undefined): string {
  const modrm = inst.modrm;
  let disp = inst.disp;
  let sib = false;
  if (modrm >= 0) {
    const mod = modrm >> 6;
    sib = (modrm & 7) === 4;
    // x86asm keeps a disp32 as an unsigned 32-bit number (a disp8 stays signed).
    const disp32 = mod === 2 || (mod === 0 && (inst.base === -1 || inst.base === R.RIP));
    if (disp32 && compat) disp = disp >>> 0;
  }
  if (modrm < 0 && inst.dispHi !== 0) {
    // moffs64: x86asm prints the int64; rebuild it exactly from the instruction's last 8 bytes.
    let hi = inst.dispHi;
    let lo = inst.disp % 0x100000000;
    if (raw && raw.length >= 8) {
      const n = raw.length;
      lo = (raw[n - 8]! | (raw[n - 7]! << 8) | (raw[n - 6]! << 16) | (raw[n - 5]! << 24)) >>> 0;
      hi = raw[n - 4]! | (raw[n - 3]! << 8) | (raw[n - 2]! << 16) | (raw[n - 1]! << 24);
    }
    const seg0 = inst.seg === R.FS || inst.seg === R.GS ? SEGS[inst.seg - R.ES]! + ":" : "";
    if (hi >= 0) return seg0 + "0x" + hi.toString(16) + (lo >>> 0).toString(16).padStart(8, "0");
    // Negative int64: two's complement magnitude.
    const nlo = (0x100000000 - lo) % 0x100000000;
    const nhi = (~hi >>> 0) + (lo === 0 ? 1 : 0);
    return seg0 + "-0x" + (nhi === 0 ? nlo.toString(16) : nhi.toString(16) + nlo.toString(16).padStart(8, "0"));
  }
  let base = inst.base;
  // x86asm applies VEX.B only to a SIB base: C4 C1 7E 7F 22 reads as VMOVDQU X4, 0(DX).
  if (o.x86asmBugs && inst.pfx & P.VEX && !sib && base >= 8 && base < 16) base -= 8;
  const seg = inst.seg === R.FS || inst.seg === R.GS ? inst.seg : -1;
  if (seg < 0 && disp !== 0 && inst.index === -1 && !sib && (inst.base === R.RIP || inst.base === -1)) {
    const addr = inst.base === R.RIP ? disp + pc + inst.len : disp;
    const s = lookup(addr);
    if (s) {
      const d = addr - s.base;
      return `${s.name}${d !== 0 ? (d > 0 ? "+" + d : String(d)) : ""}(SB)`;
    }
  }
  let s = seg >= 0 ? SEGS[seg - R.ES]! + ":" : "";
  s += disp !== 0 ? hex(disp) : "0";
  if (base !== -1) s += `(${regName(base, 8, true)})`;
  if (inst.index !== -1) {
    const ix = inst.index >= R.XMM0 ? regName(inst.index, inst.opsize, compat && o.x86asmBugs === true) : regName(inst.index, 8, true);
    s += `(${ix}*${inst.scale})`;
  }
  return s;
}

function strMem(seg: string, base: number): Arg {
  return { text: `${seg}:0(${GPR64[base]!})`, gpr64: false, mem: true };
}

/**
 * The instruction in Go assembler syntax, as x86asm.GoSyntax prints it. pc is the instruction's
 * address (for PC-relative operands), lookup names the symbols of the binary (x86asm's lookup:
 * the symbol containing the address; or a GoBinary-style symbolizer). raw, the instruction's
 * bytes, is only needed for the exact value of a 64-bit moffs beyond 2^53.
 */
export function formatGo(inst: Inst, pc: number, lookup?: GoSymLookup | Symbolizer, options: GoSyntaxOptions = LATEST, raw?: Uint8Array): string {
  const look: GoSymLookup = lookup === undefined ? () => undefined : typeof lookup === "function" ? lookup : fromSymbolizer(lookup);
  const name = OP_NAMES[inst.op] ?? "INVALID";
  const compat = x86asmKnows(inst);
  const pfx = inst.pfx;
  const dataSize = pfx & P.REX_W && !(pfx & (P.VEX | P.EVEX)) ? 64 : pfx & P.OPSIZE ? 16 : 32;
  const op = compat ? mnemonic(inst, name) : name;
  // x86asm prints YMM registers as X0..X15; rt0 does too only when reproducing its misreadings.
  const xOnly = compat && options.x86asmBugs === true;

  // The segment prefix goes into memory operands only for FS/GS (in 64-bit mode x86asm ignores
  // ES/CS/SS/DS overrides and shows them as prefixes); string ops consume it for their DS: side.
  const segName = inst.seg >= R.ES && inst.seg <= R.GS ? SEGS[inst.seg - R.ES]! : "";
  let segUsed = false;
  const defSeg = (): string => {
    if (inst.seg === R.FS || inst.seg === R.GS) {
      segUsed = true;
      return segName;
    }
    return "DS";
  };

  const args: Arg[] = [];
  let memBytes = 0;
  const acc = (size: number): Arg => ({ text: size === 1 ? "AL" : "AX", gpr64: size === 8, mem: false });
  switch (name) {
    case "INS": args.push(strMem("ES", 7), { text: "DX", gpr64: false, mem: false }); break;
    case "OUTS": args.push({ text: "DX", gpr64: false, mem: false }, strMem(defSeg(), 6)); break;
    case "MOVS": args.push(strMem("ES", 7), strMem(defSeg(), 6)); break;
    case "CMPS": args.push(strMem(defSeg(), 6), strMem("ES", 7)); break;
    case "LODS": args.push(acc(inst.opsize), strMem(defSeg(), 6)); break;
    case "STOS": args.push(strMem("ES", 7), acc(inst.opsize)); break;
    case "SCAS": args.push(acc(inst.opsize), strMem("ES", 7)); break;
    case "XLAT": args.push(strMem(defSeg(), 3)); break;
    case "INT3": args.push({ text: "$0x3", gpr64: false, mem: false }); break;
    default:
      // NOP 90 (and 66 90) has no operands in x86asm.
      if (name === "NOP" && inst.map === 0 && inst.opcode === 0x90) break;
      for (let i = 0; i < inst.nops; i++) {
        const k = i === 0 ? inst.k0 : i === 1 ? inst.k1 : i === 2 ? inst.k2 : inst.k3;
        const r = i === 0 ? inst.r0 : i === 1 ? inst.r1 : i === 2 ? inst.r2 : inst.r3;
        const s = i === 0 ? inst.s0 : i === 1 ? inst.s1 : i === 2 ? inst.s2 : inst.s3;
        switch (k) {
          case K.REG:
            args.push({ text: regName(r, s, xOnly), gpr64: r >= 0 && r < 16 && s === 8, mem: false });
            break;
          case K.MEM:
            if (inst.seg === R.FS || inst.seg === R.GS) segUsed = true;
            memBytes = name === "LEA" || name === "FLDENV" || name === "FRSTOR" ? 0 : s;
            args.push({ text: memText(inst, pc, look, compat, options, raw), gpr64: false, mem: true });
            break;
          case K.IMM:
            if (inst.map === 0 && inst.opcode >= 0xb8 && inst.opcode <= 0xbf && inst.opsize === 8) {
              args.push({ text: imm64Text(inst, op, dataSize, look, options), gpr64: false, mem: false });
            } else {
              args.push({ text: immText(immValue(inst, name), inst, op, dataSize, look, options), gpr64: false, mem: false });
            }
            break;
          case K.IMM2:
            args.push({ text: "$" + hex(inst.imm2 & 0xff), gpr64: false, mem: false });
            break;
          case K.REL: {
            const t = inst.target;
            const s2 = look(t);
            args.push({ text: s2 && s2.base === t ? `${s2.name}(SB)` : hex(t), gpr64: false, mem: false });
            break;
          }
          default:
            break;
        }
      }
      // Shifts by one: x86asm shows the implicit 1.
      if (inst.map === 0 && (inst.opcode === 0xd0 || inst.opcode === 0xd1) && args.length === 1) {
        args.push({ text: "$0x1", gpr64: false, mem: false });
      }
  }

  // Prefixes: REP/REPNE as separate "opcodes", then the last other visible prefix.
  let rep = "";
  if (pfx & P.REP) rep = "REP; ";
  if (pfx & (P.REPNE | P.BND)) rep = "REPNE; ";
  // Of LOCK and a segment/hint prefix only one is shown (x86asm shows the last; the segment
  // prefix follows LOCK in practice). FS/GS consumed by a memory operand are not shown; in
  // 64-bit mode ES/CS/SS/DS are ignored by the CPU and always shown; on conditional branches
  // CS/DS are the branch hints PN/PT.
  let prefix = pfx & P.LOCK ? "LOCK " : "";
  let segShown = "";
  if (segName === "FS" || segName === "GS") {
    if (!segUsed) segShown = segName;
  } else if (segName) {
    segShown = segName;
  }
  const isCondBranch = name === "JCC" || name === "JRCXZ" || name === "LOOP" || name === "LOOPE" || name === "LOOPNE";
  if (isCondBranch) {
    if (pfx & P.HINT_T || segName === "DS") segShown = "PT";
    else if (pfx & P.HINT_NT || segName === "CS") segShown = "PN";
  }
  if (!segShown && pfx & P.NOTRACK) segShown = "DS";
  if (segShown) prefix = segShown + " ";

  let mn = op;
  if (compat && SUFFIXED.has(op)) {
    let s = dataSize;
    if (memBytes !== 0) s = memBytes * 8;
    else if (args.length === 1 && args[0]!.gpr64) s = 64;
    if (s === 8) mn += "B";
    else if (s === 16) mn += "W";
    else if (s === 32) mn += "L";
    else if (s === 64) mn += "Q";
  } else if (!compat && GPR_VEX.has(name)) {
    mn += inst.opsize === 8 ? "Q" : "L";
  }

  const texts: string[] = [];
  for (let i = args.length - 1; i >= 0; i--) texts.push(args[i]!.text);
  if (!compat) {
    // EVEX masking and broadcast in Go assembler spelling: the opmask goes before the destination.
    if (inst.mask > 0 && texts.length > 0) texts.splice(texts.length - 1, 0, "K" + inst.mask);
    if (pfx & P.EVEX_Z) mn += ".Z";
    if (pfx & P.EVEX_BCST) mn += ".BCST";
  }
  if (op === "CMP" && options.cmpLeftToRight && texts.length >= 2) {
    const t = texts[0]!;
    texts[0] = texts[1]!;
    texts[1] = t;
  }
  if (texts.length > 0) mn += " " + texts.join(", ");
  return rep + prefix + mn;
}
