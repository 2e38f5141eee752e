// GNU (AT&T) syntax for one decoded instruction, as GNU objdump 2.40 `objdump -d` prints it:
// operands reversed, %registers, $immediates, size suffixes only where no register operand
// gives the size, `addr <sym+0xoff>` branch targets, `# addr <sym>` comments for RIP-relative.
// The suffix and pseudo-op rules follow golang.org/x/arch/x86/x86asm's gnu.go (Copyright 2014
// The Go Authors, BSD-style license), updated for binutils 2.40 (no q on call/ret/push/pop).

import { Inst, K, P, R } from "../x86/inst.js";
import { Op, OP_NAMES } from "../x86/ops.generated.js";

/** Symbol lookup for branch targets and RIP-relative comments (GoBinary.symbolize fits). */
export interface Symbolizer {
  symbolize(addr: number): { name: string; offset: number } | undefined;
}

export const CC_NAMES = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const GPR64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"];
const GPR32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const GPR16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
const GPR8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"];
const HIGH8 = ["ah", "ch", "dh", "bh"];
const SEGS = ["es", "cs", "ss", "ds", "fs", "gs"];
const CMP_PRED = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord", "eq_uq", "nge", "ngt", "false", "neq_oq", "ge", "gt", "true",
  "eq_os", "lt_oq", "le_oq", "unord_s", "neq_us", "nlt_uq", "nle_uq", "ord_s", "eq_us", "nge_uq", "ngt_uq", "false_os", "neq_os", "ge_oq", "gt_oq", "true_us"];
const VPCMP_PRED = ["eq", "lt", "le", "false", "neq", "nlt", "nle", "true"];
const PCLMUL = ["pclmullqlqdq", "pclmulhqlqdq", "pclmullqhqdq", "pclmulhqhqdq"];

/** Register name without the % (size s in bytes for GPRs and vector registers). */
export function regName(r: number, s: number): string {
  if (r >= 0 && r < 16) {
    if (r < 8) return s === 8 ? GPR64[r]! : s === 4 ? GPR32[r]! : s === 2 ? GPR16[r]! : GPR8[r]!;
    return s === 8 ? `r${r}` : s === 4 ? `r${r}d` : s === 2 ? `r${r}w` : `r${r}b`;
  }
  if (r >= R.AH && r <= R.BH) return HIGH8[r - R.AH]!;
  if (r === R.RIP) return s === 4 ? "eip" : "rip";
  if (r >= R.ES && r <= R.GS) return SEGS[r - R.ES]!;
  if (r >= R.XMM0 && r < R.XMM0 + 32) return (s === 64 ? "zmm" : s === 32 ? "ymm" : "xmm") + (r - R.XMM0);
  if (r >= R.MM0 && r < R.MM0 + 8) return `mm${r - R.MM0}`;
  if (r >= R.ST0 && r < R.ST0 + 8) return r === R.ST0 ? "st" : `st(${r - R.ST0})`;
  if (r >= R.K0 && r < R.K0 + 8) return `k${r - R.K0}`;
  if (r >= R.CR0 && r < R.CR0 + 16) return `cr${r - R.CR0}`;
  if (r >= R.DR0 && r < R.DR0 + 16) return `db${r - R.DR0}`;
  return `?${r}`;
}

/** Unsigned hex of a 64-bit value given as lo/hi int32 halves, masked to s bytes. */
export function hexU(lo: number, hi: number, s: number): string {
  if (s >= 8 && hi !== 0) return (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, "0");
  const v = s >= 4 ? lo >>> 0 : s === 2 ? lo & 0xffff : s === 1 ? lo & 0xff : lo >>> 0;
  return v.toString(16);
}

/** Signed hex of a displacement ("-0x8", "0x10"). */
function sdisp(d: number): string {
  return d < 0 ? `-0x${(-d).toString(16)}` : `0x${d.toString(16)}`;
}

/** `addr <sym+0xoff>` when a symbol covers addr, else `0xaddr`. */
export function symAddr(addr: number, sym: Symbolizer | undefined): string {
  if (addr < 0 || addr >= 2 ** 64) return `0x${BigInt.asUintN(64, BigInt(addr)).toString(16)}`;
  const s = sym?.symbolize(addr);
  if (!s) return `0x${addr.toString(16)}`;
  // A negative offset: objdump names an address before the first symbol after the next one.
  const off = s.offset > 0 ? `+0x${s.offset.toString(16)}` : s.offset < 0 ? `-0x${(-s.offset).toString(16)}` : "";
  return `${addr.toString(16)} <${s.name}${off}>`;
}

/** Was a displacement encoded (so that a zero displacement is still printed)? */
export function dispEncoded(i: Inst): boolean {
  if (i.modrm < 0) return true;
  const mod = i.modrm >> 6;
  if (mod === 1 || mod === 2) return true;
  return i.base === R.NONE || i.base === R.RIP;
}

/** Whether the instruction's memory operand is at index n. */
function kindAt(i: Inst, n: number): number { return n === 0 ? i.k0 : n === 1 ? i.k1 : n === 2 ? i.k2 : i.k3; }
function regAt(i: Inst, n: number): number { return n === 0 ? i.r0 : n === 1 ? i.r1 : n === 2 ? i.r2 : i.r3; }
function sizeAt(i: Inst, n: number): number { return n === 0 ? i.s0 : n === 1 ? i.s1 : n === 2 ? i.s2 : i.s3; }

function isString(op: number): boolean {
  return op === Op.MOVS || op === Op.CMPS || op === Op.STOS || op === Op.LODS || op === Op.SCAS || op === Op.INS || op === Op.OUTS;
}

function sfx(s: number): string { return s === 1 ? "b" : s === 2 ? "w" : s === 4 ? "l" : s === 8 ? "q" : ""; }

const FLOAT_INT = new Set<number>([Op.FIADD, Op.FICOM, Op.FICOMP, Op.FIDIV, Op.FIDIVR, Op.FILD, Op.FIMUL, Op.FIST, Op.FISTP, Op.FISTTP, Op.FISUB, Op.FISUBR]);
const FLOAT_MEM = new Set<number>([Op.FADD, Op.FCOM, Op.FCOMP, Op.FDIV, Op.FDIVR, Op.FLD, Op.FMUL, Op.FST, Op.FSTP, Op.FSUB, Op.FSUBR, ...FLOAT_INT]);
const NO_SUFFIX = new Set<number>([Op.CMPXCHG8B, Op.CMPXCHG16B, Op.FLDCW, Op.FNSTCW, Op.FNSTSW, Op.LDMXCSR, Op.STMXCSR, Op.VLDMXCSR, Op.VSTMXCSR,
  Op.LLDT, Op.LMSW, Op.LTR, Op.SLDT, Op.SMSW, Op.STR, Op.VERR, Op.VERW, Op.SETCC, Op.CALL, Op.JMP, Op.PUSH, Op.POP,
  Op.PREFETCHNTA, Op.PREFETCHT0, Op.PREFETCHT1, Op.PREFETCHT2, Op.PREFETCHW, Op.PREFETCH, Op.CLFLUSH, Op.CLFLUSHOPT, Op.CLWB,
  Op.FXSAVE, Op.FXRSTOR, Op.XSAVE, Op.XRSTOR, Op.XSAVEOPT, Op.XSAVEC, Op.XSAVES, Op.XRSTORS, Op.LEA, Op.INVLPG,
  Op.FLDENV, Op.FNSTENV, Op.FRSTOR, Op.FNSAVE, Op.FBLD, Op.FBSTP, Op.SGDT, Op.SIDT, Op.LGDT, Op.LIDT,
  Op.VMPTRLD, Op.VMPTRST, Op.VMCLEAR, Op.VMXON, Op.LCALL, Op.LJMP, Op.MOVNTI]);

/** Lower-case GNU mnemonic (before any size suffix) of a decoded instruction. */
export function gnuMnemonic(i: Inst): string {
  const op = i.op;
  switch (op) {
    case Op.JCC: return "j" + CC_NAMES[i.cond];
    case Op.SETCC: return "set" + CC_NAMES[i.cond];
    case Op.CMOVCC: return "cmov" + CC_NAMES[i.cond];
    case Op.FCMOVCC: return ["", "", "fcmovb", "fcmovnb", "fcmove", "fcmovne", "fcmovbe", "fcmovnbe", "", "", "fcmovu", "fcmovnu"][i.cond] ?? "fcmov";
    case Op.CBW: return i.opsize === 2 ? "cbtw" : i.opsize === 8 ? "cltq" : "cwtl";
    case Op.CWD: return i.opsize === 2 ? "cwtd" : i.opsize === 8 ? "cqto" : "cltd";
    case Op.IRET: return i.opsize === 8 ? "iretq" : i.opsize === 2 ? "iretw" : "iret";
    case Op.PUSHF: return i.opsize === 2 ? "pushfw" : "pushf";
    case Op.POPF: return i.opsize === 2 ? "popfw" : "popf";
    case Op.JRCXZ: return i.addrsize === 4 ? "jecxz" : "jrcxz";
    case Op.MOVSXD: return i.s0 === 8 ? "movslq" : "movsxd";
    case Op.LRET: return i.opsize === 8 ? "lretq" : i.opsize === 2 ? "lretw" : "lret";
    default: return OP_NAMES[op]!.toLowerCase();
  }
}

/** Format one instruction in AT&T syntax, exactly as objdump's third column. */
export function formatGnu(i: Inst, sym?: Symbolizer): string {
  const op = i.op;
  if (op === Op.INVALID) return "(bad)";
  let m = gnuMnemonic(i);
  const pfx: string[] = [];
  // In 64-bit mode ES/CS/SS/DS overrides do nothing; objdump shows them as prefix words
  // (3E on an indirect branch is NOTRACK), and drops them on string instructions.
  if (i.seg >= R.ES && i.seg <= R.DS && !isString(op)) {
    pfx.push(i.pfx & P.NOTRACK ? "notrack" : regName(i.seg, 2));
  }
  const hasMem = i.k0 === K.MEM || i.k1 === K.MEM || i.k2 === K.MEM || i.k3 === K.MEM;
  if ((i.seg === R.FS || i.seg === R.GS) && !hasMem && !isString(op) && op !== Op.XLAT) pfx.push(regName(i.seg, 2));
  if ((i.pfx & P.OPSIZE_UNUSED) && !(op === Op.NOP && i.map === 0 && i.opcode === 0x90)) pfx.push("data16");
  if ((i.pfx & P.ADDRSIZE) && !hasMem && !isString(op) && op !== Op.XLAT && op !== Op.JRCXZ && op !== Op.LOOP && op !== Op.LOOPE && op !== Op.LOOPNE) pfx.push("addr32");
  if (i.pfx & P.LOCK) pfx.push("lock");
  if (i.pfx & P.REP) pfx.push(op === Op.CMPS || op === Op.SCAS ? "repz" : isString(op) ? "rep" : "repz");
  if (i.pfx & P.REPNE) pfx.push("repnz");
  if (i.pfx & P.BND) pfx.push("bnd");
  if (op === Op.JCC && (i.pfx & (P.HINT_NT | P.HINT_T))) { pfx.shift(); m += i.pfx & P.HINT_NT ? ",pn" : ",pt"; }
  if (i.pfx & P.REX_UNUSED) pfx.push(rexWord(i.pfx));
  if (op === Op.XLAT) return withPfx(pfx, "xlat", `${i.seg === R.FS || i.seg === R.GS ? "%" + regName(i.seg, 2) : "%ds"}:(%${i.addrsize === 4 ? "e" : "r"}bx)`);
  // x87 register forms where objdump's AT&T names swap (see x86asm gnu.go).
  if (i.map === 0 && (i.opcode === 0xdc || i.opcode === 0xde) && i.modrm >= 0xc0) {
    const swap: Record<string, string> = { fsub: "fsubr", fsubr: "fsub", fdiv: "fdivr", fdivr: "fdiv", fsubp: "fsubrp", fsubrp: "fsubp", fdivp: "fdivrp", fdivrp: "fdivp" };
    m = swap[m] ?? m;
  }
  // Special forms.
  if (op === Op.NOP && i.map === 0 && i.opcode === 0x90) {
    if (i.pfx & P.OPSIZE) return withPfx(pfx, "xchg", "%ax,%ax");
    return withPfx(pfx, "nop", "");
  }
  if (isString(op)) return withPfx(pfx, ...stringOp(i, m));
  const n = i.nops;
  // Operands in Intel order, formatted; then reversed.
  const args: string[] = [];
  let comment = "";
  let hasReg = false, memIdx = -1;
  let imm = i.imm;
  for (let k = 0; k < n; k++) {
    const kind = kindAt(i, k);
    if (kind === K.REG) {
      const r = regAt(i, k);
      const s = sizeAt(i, k);
      let skip = false;
      if ((op === Op.SHL || op === Op.SHR || op === Op.SAR || op === Op.ROL || op === Op.ROR || op === Op.RCL || op === Op.RCR || op === Op.SHLD || op === Op.SHRD) && k >= 1 && r === R.RCX && s === 1) skip = true;
      if ((op === Op.CVTSI2SD || op === Op.CVTSI2SS || op === Op.VCVTSI2SD || op === Op.VCVTSI2SS || op === Op.VCVTUSI2SD || op === Op.VCVTUSI2SS) && r >= R.XMM0) skip = true;
      if (r >= R.ST0 && r < R.ST0 + 8) skip = true;
      if (r >= R.K0 && r < R.K0 + 8) skip = false;
      if (!skip) hasReg = true;
      let t = "%" + regName(r, s);
      // An x87 register form names its ModRM operand st(i) even when i is 0 (fld %st(0),
      // fucomi %st(0),%st); the implicit top of stack stays %st.
      if (r === R.ST0 && i.map === 0 && i.opcode >= 0xd8 && i.opcode <= 0xdf && i.modrm >= 0xc0 && k === (n === 1 || i.opcode === 0xdc || i.opcode === 0xdd || i.opcode === 0xde ? 0 : 1)) t = "%st(0)";
      if ((op === Op.IN || op === Op.OUT) && r === R.RDX && s === 2) t = "(%dx)";
      args.push(t);
    } else if (kind === K.MEM) {
      memIdx = k;
      args.push(memText(i, sym));
      if (i.base === R.RIP) comment = "        # " + symAddr(i.addr + i.len + i.disp, sym);
    } else if (kind === K.IMM) {
      if (i.map === 0 && (i.opcode === 0xd0 || i.opcode === 0xd1)) continue;
      const s = sizeAt(i, k);
      // Pseudo-ops that fold the immediate into the mnemonic.
      if ((op === Op.CMPPS || op === Op.CMPPD || op === Op.CMPSS || op === Op.CMPSD) && (imm & 0xff) < 8) {
        m = "cmp" + CMP_PRED[imm & 0xff] + m.slice(3); continue;
      }
      if ((op === Op.VCMPPS || op === Op.VCMPPD || op === Op.VCMPSS || op === Op.VCMPSD) && (imm & 0xff) < 32) {
        m = "vcmp" + CMP_PRED[imm & 0xff] + m.slice(4); continue;
      }
      if ((op === Op.PCLMULQDQ || op === Op.VPCLMULQDQ) && (imm & ~0x11) === 0) {
        m = (op === Op.VPCLMULQDQ ? "v" : "") + PCLMUL[((imm & 0x10) >> 3) | (imm & 1)]; continue;
      }
      if ((op === Op.VPCMPB || op === Op.VPCMPW || op === Op.VPCMPD || op === Op.VPCMPQ || op === Op.VPCMPUB || op === Op.VPCMPUW || op === Op.VPCMPUD || op === Op.VPCMPUQ)
        && (imm & 0xff) < 8 && (imm & 0xff) !== 3 && (imm & 0xff) !== 7) {
        m = "vpcmp" + VPCMP_PRED[imm & 0xff] + m.slice(5); continue;
      }
      args.push("$0x" + hexU(imm, i.immHi, s));
      imm = i.imm;
    } else if (kind === K.IMM2) {
      args.push("$0x" + (i.imm2 & 0xff).toString(16));
    } else if (kind === K.REL) {
      args.push(symAddr(i.target, sym));
    }
    if (k === 0 && (i.pfx & P.EVEX) !== 0) {
      if (i.mask) args[args.length - 1] += `{%k${i.mask}}`;
      if (i.pfx & P.EVEX_Z) args[args.length - 1] += "{z}";
    }
  }
  // Mnemonic changes.
  if (op === Op.MOV && ((i.k1 === K.IMM && i.s1 === 8 && i.map === 0 && i.opcode >= 0xb8 && i.opcode <= 0xbf) || (i.map === 0 && i.opcode >= 0xa0 && i.opcode <= 0xa3))) m = "movabs";
  if (op === Op.MOVZX || op === Op.MOVSX) m = m.slice(0, 4) + sfx(i.s1) + sfx(i.s0);
  else if (op === Op.CRC32 && i.k1 === K.MEM) m += sfx(i.s1);
  else if ((op === Op.VCVTSI2SS || op === Op.VCVTSI2SD || op === Op.VCVTUSI2SS || op === Op.VCVTUSI2SD) && memIdx >= 0) m += sfx(sizeAt(i, memIdx));
  else if (memIdx >= 0 && !hasReg && !NO_SUFFIX.has(op) && (i.pfx & (P.VEX | P.EVEX)) === 0) {
    const s = sizeAt(i, memIdx);
    if (FLOAT_MEM.has(op)) {
      if (s === 4) m += FLOAT_INT.has(op) ? "l" : "s";
      else if (s === 8) m += FLOAT_INT.has(op) ? "ll" : "l";
      else if (s === 10 && (op === Op.FLD || op === Op.FSTP)) m += "t";
      else if (s === 2 && FLOAT_INT.has(op)) m += "s";
    } else if (i.opsize <= 8 || op === Op.CVTSI2SD || op === Op.CVTSI2SS) m += sfx(s);
  }
  if ((op === Op.CALL || op === Op.JMP) && i.k0 !== K.REL) args[0] = "*" + args[0];
  if (op === Op.LCALL || op === Op.LJMP) args[0] = "*" + args[0];
  if (op === Op.ENTER) return withPfx(pfx, m, args.join(","));
  args.reverse();
  return withPfx(pfx, m, args.join(",")) + comment;
}

/** "rex", "rex.W", "rex.WRXB"... as objdump names an unused REX prefix. */
export function rexWord(pfx: number): string {
  const bits = (pfx & P.REX_W ? "W" : "") + (pfx & P.REX_R ? "R" : "") + (pfx & P.REX_X ? "X" : "") + (pfx & P.REX_B ? "B" : "");
  return bits ? "rex." + bits : "rex";
}

/** SIB byte present without an index: objdump shows %riz unless it is the plain (%rsp) form. */
export function rizForm(i: Inst): boolean {
  if (i.modrm < 0 || i.modrm >= 0xc0 || (i.modrm & 7) !== 4 || i.index !== R.NONE) return false;
  if (i.base === R.NONE) return i.scale !== 1;
  return !((i.base & 7) === 4 && i.scale === 1);
}

function withPfx(pfx: string[], m: string, ops: string): string {
  const head = pfx.length ? pfx.join(" ") + " " + m : m;
  return ops === "" ? head : head.padEnd(6) + " " + ops;
}

function memText(i: Inst, _sym: Symbolizer | undefined): string {
  let seg = "";
  if (i.seg === R.FS) seg = "%fs:";
  else if (i.seg === R.GS) seg = "%gs:";
  const a32 = i.addrsize === 4;
  if (i.modrm < 0) {
    // moffs
    return seg + "0x" + hexU(i.imm, i.dispHi, 8);
  }
  let t = "";
  if (i.base === R.NONE && i.index === R.NONE) {
    t = "0x" + (a32 ? (i.disp >>> 0).toString(16) : hexU(i.disp, i.disp < 0 ? -1 : 0, 8));
  } else {
    if (dispEncoded(i)) t = sdisp(i.disp);
    const b = i.base === R.NONE ? "" : "%" + regName(i.base, a32 ? 4 : 8);
    if (rizForm(i)) t += `(${b},%${a32 ? "eiz" : "riz"},${i.scale})`;
    else if (i.index === R.NONE) t += `(${b})`;
    else if (i.index >= R.XMM0) t += `(${b},%${regName(i.index, i.opsize)},${i.scale})`;
    else t += `(${b},%${regName(i.index, a32 ? 4 : 8)},${i.scale})`;
  }
  if (i.pfx & P.EVEX_BCST) {
    const el = bcstElem(i);
    t += `{1to${i.opsize / el}}`;
  }
  return seg + t;
}

function bcstElem(i: Inst): number {
  // Element size of an EVEX broadcast: the memory operand's size.
  for (let k = 0; k < i.nops; k++) if (kindAt(i, k) === K.MEM) return sizeAt(i, k) || 4;
  return 4;
}

function stringOp(i: Inst, m: string): [string, string] {
  const s = i.opsize;
  const a = i.addrsize === 4 ? "e" : "r";
  const si = `%ds:(%${a}si)`, di = `%es:(%${a}di)`;
  const acc = "%" + regName(R.RAX, s);
  switch (i.op) {
    case Op.MOVS: return [m + sfx(s), `${segOr(i, si)},${di}`];
    case Op.CMPS: return [m + sfx(s), `${di},${segOr(i, si)}`];
    case Op.STOS: return [m, `${acc},${di}`];
    case Op.LODS: return [m, `${segOr(i, si)},${acc}`];
    case Op.SCAS: return [m, `${di},${acc}`];
    case Op.INS: return [m + sfx(s === 8 ? 4 : s), `(%dx),${di}`];
    default: return [m + sfx(s === 8 ? 4 : s), `${segOr(i, si)},(%dx)`];
  }
}
function segOr(i: Inst, dflt: string): string {
  return i.seg === R.FS || i.seg === R.GS ? "%" + regName(i.seg, 2) + dflt.slice(3) : dflt;
}
