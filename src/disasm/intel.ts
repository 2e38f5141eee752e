// Intel syntax for one decoded instruction, as `objdump -d -M intel` (binutils 2.40) prints it:
// destination first, bare registers and immediates, `QWORD PTR [base+index*scale+disp]`,
// `# addr <sym>` comments for RIP-relative operands, `addr <sym+0xoff>` branch targets.

import { Inst, K, P, R } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { dispEncoded, gnuMnemonic, hexU, regName, rexWord, rizForm, symAddr, type Symbolizer } from "./gnu.js";

const PTR: Record<number, string> = { 1: "BYTE", 2: "WORD", 4: "DWORD", 8: "QWORD", 10: "TBYTE", 16: "XMMWORD", 32: "YMMWORD", 64: "ZMMWORD" };
const CMP_PRED = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord", "eq_uq", "nge", "ngt", "false", "neq_oq", "ge", "gt", "true",
  "eq_os", "lt_oq", "le_oq", "unord_s", "neq_us", "nlt_uq", "nle_uq", "ord_s", "eq_us", "nge_uq", "ngt_uq", "false_os", "neq_os", "ge_oq", "gt_oq", "true_us"];
const VPCMP_PRED = ["eq", "lt", "le", "false", "neq", "nlt", "nle", "true"];
const PCLMUL = ["pclmullqlqdq", "pclmulhqlqdq", "pclmullqhqdq", "pclmulhqhqdq"];
const UNSIZED = new Set<number>([Op.LEA, Op.FXSAVE, Op.FXRSTOR, Op.XSAVE, Op.XRSTOR, Op.XSAVEOPT, Op.XSAVEC, Op.XSAVES, Op.XRSTORS,
  Op.FLDENV, Op.FNSTENV, Op.FRSTOR, Op.FNSAVE, Op.SGDT, Op.SIDT, Op.LGDT, Op.LIDT, Op.INVLPG]);

function kindAt(i: Inst, n: number): number { return n === 0 ? i.k0 : n === 1 ? i.k1 : n === 2 ? i.k2 : i.k3; }
function regAt(i: Inst, n: number): number { return n === 0 ? i.r0 : n === 1 ? i.r1 : n === 2 ? i.r2 : i.r3; }
function sizeAt(i: Inst, n: number): number { return n === 0 ? i.s0 : n === 1 ? i.s1 : n === 2 ? i.s2 : i.s3; }

function isString(op: number): boolean {
  return op === Op.MOVS || op === Op.CMPS || op === Op.STOS || op === Op.LODS || op === Op.SCAS || op === Op.INS || op === Op.OUTS;
}

/** Intel mnemonic (lower case). */
function intelMnemonic(i: Inst): string {
  switch (i.op) {
    case Op.CBW: return i.opsize === 2 ? "cbw" : i.opsize === 8 ? "cdqe" : "cwde";
    case Op.CWD: return i.opsize === 2 ? "cwd" : i.opsize === 8 ? "cqo" : "cdq";
    case Op.MOVSXD: return "movsxd";
    case Op.MOVZX: return "movzx";
    case Op.MOVSX: return "movsx";
    case Op.LRET: return i.opsize === 8 ? "retfq" : i.opsize === 2 ? "retfw" : "retf";
    default: return gnuMnemonic(i);
  }
}

function addrText(i: Inst): string {
  const a32 = i.addrsize === 4;
  if (i.modrm < 0) return "0x" + hexU(i.imm, i.dispHi, 8);
  if (i.base === R.NONE && i.index === R.NONE) {
    return "0x" + (a32 ? (i.disp >>> 0).toString(16) : hexU(i.disp, i.disp < 0 ? -1 : 0, 8));
  }
  let t = "";
  if (i.base !== R.NONE) t = regName(i.base, a32 ? 4 : 8);
  if (rizForm(i)) t += (t ? "+" : "") + (a32 ? "eiz" : "riz") + "*" + i.scale;
  else if (i.index !== R.NONE) {
    t += (t ? "+" : "") + regName(i.index, i.index >= R.XMM0 ? i.opsize : a32 ? 4 : 8) + "*" + i.scale;
  }
  // objdump prints a negative RIP-relative displacement as a 64-bit unsigned one.
  if (i.base === R.RIP) t += "+0x" + hexU(i.disp, i.disp < 0 ? -1 : 0, 8);
  else if (dispEncoded(i)) t += i.disp < 0 ? `-0x${(-i.disp).toString(16)}` : `+0x${i.disp.toString(16)}`;
  return `[${t}]`;
}

/** Format one instruction in Intel syntax, exactly as objdump -M intel's third column. */
export function formatIntel(i: Inst, sym?: Symbolizer): string {
  const op = i.op;
  if (op === Op.INVALID) return "(bad)";
  let m = intelMnemonic(i);
  // (x87 DC/DE register forms: Intel syntax keeps the SDM names; only AT&T swaps them.)
  const pfx: string[] = [];
  const hasMem = i.k0 === K.MEM || i.k1 === K.MEM || i.k2 === K.MEM || i.k3 === K.MEM;
  if (i.seg >= R.ES && i.seg <= R.DS && !isString(op)) {
    pfx.push(i.pfx & P.NOTRACK ? "notrack" : regName(i.seg, 2));
  }
  if ((i.seg === R.FS || i.seg === R.GS) && !hasMem && !isString(op) && op !== Op.XLAT) pfx.push(regName(i.seg, 2));
  if ((i.pfx & P.OPSIZE_UNUSED) && !(op === Op.NOP && i.map === 0 && i.opcode === 0x90)) pfx.push("data16");
  if ((i.pfx & P.ADDRSIZE) && !hasMem && !isString(op) && op !== Op.XLAT && op !== Op.JRCXZ && op !== Op.LOOP && op !== Op.LOOPE && op !== Op.LOOPNE) pfx.push("addr32");
  if (i.pfx & P.LOCK) pfx.push("lock");
  if (i.pfx & P.REP) pfx.push(op === Op.CMPS || op === Op.SCAS ? "repz" : isString(op) ? "rep" : "repz");
  if (i.pfx & P.REPNE) pfx.push("repnz");
  if (i.pfx & P.BND) pfx.push("bnd");
  if (i.pfx & P.REX_UNUSED) pfx.push(rexWord(i.pfx));
  if (op === Op.XLAT) return join(pfx, "xlat", `BYTE PTR ${i.seg === R.FS || i.seg === R.GS ? regName(i.seg, 2) : "ds"}:[${i.addrsize === 4 ? "e" : "r"}bx]`);
  if (op === Op.NOP && i.map === 0 && i.opcode === 0x90) return join(pfx, i.pfx & P.OPSIZE ? "xchg" : "nop", i.pfx & P.OPSIZE ? "ax,ax" : "");
  if (isString(op)) return join(pfx, m, stringOps(i));
  const args: string[] = [];
  let comment = "";
  const imm = i.imm;
  for (let k = 0; k < i.nops; k++) {
    const kind = kindAt(i, k);
    if (kind === K.REG) {
      const r = regAt(i, k);
      args.push((op === Op.IN || op === Op.OUT) && r === R.RDX && sizeAt(i, k) === 2 ? "dx" : regName(r, sizeAt(i, k)));
    } else if (kind === K.MEM) {
      const s = sizeAt(i, k);
      let seg = i.seg === R.FS ? "fs:" : i.seg === R.GS ? "gs:" : "";
      if (seg === "" && (i.modrm < 0 || (i.base === R.NONE && i.index === R.NONE))) seg = "ds:";
      let t = seg + addrText(i);
      if (i.pfx & P.EVEX_BCST) t = `${PTR[s] ?? ""} BCST ${t}`;
      else if (!UNSIZED.has(op) && i.modrm >= 0 && PTR[s] !== undefined) t = `${PTR[s]} PTR ${t}`;
      args.push(t);
      if (i.base === R.RIP) comment = "        # " + symAddr(i.addr + i.len + i.disp, sym);
    } else if (kind === K.IMM) {
      const s = sizeAt(i, k);
      if (i.map === 0 && (i.opcode === 0xd0 || i.opcode === 0xd1)) { args.push("1"); continue; }
      if ((op === Op.CMPPS || op === Op.CMPPD || op === Op.CMPSS || op === Op.CMPSD) && (imm & 0xff) < 8) { m = "cmp" + CMP_PRED[imm & 0xff] + m.slice(3); continue; }
      if ((op === Op.VCMPPS || op === Op.VCMPPD || op === Op.VCMPSS || op === Op.VCMPSD) && (imm & 0xff) < 32) { m = "vcmp" + CMP_PRED[imm & 0xff] + m.slice(4); continue; }
      if ((op === Op.PCLMULQDQ || op === Op.VPCLMULQDQ) && (imm & ~0x11) === 0) { m = (op === Op.VPCLMULQDQ ? "v" : "") + PCLMUL[((imm & 0x10) >> 3) | (imm & 1)]; continue; }
      if ((op === Op.VPCMPB || op === Op.VPCMPW || op === Op.VPCMPD || op === Op.VPCMPQ || op === Op.VPCMPUB || op === Op.VPCMPUW || op === Op.VPCMPUD || op === Op.VPCMPUQ)
        && (imm & 0xff) < 8 && (imm & 0xff) !== 3 && (imm & 0xff) !== 7) { m = "vpcmp" + VPCMP_PRED[imm & 0xff] + m.slice(5); continue; }
      args.push("0x" + hexU(imm, i.immHi, s));
    } else if (kind === K.IMM2) {
      args.push("0x" + (i.imm2 & 0xff).toString(16));
    } else if (kind === K.REL) {
      args.push(symAddr(i.target, sym));
    }
    if (k === 0 && (i.pfx & P.EVEX) !== 0) {
      if (i.mask) args[args.length - 1] += `{k${i.mask}}`;
      if (i.pfx & P.EVEX_Z) args[args.length - 1] += "{z}";
    }
  }
  if (op === Op.MOV && ((i.k1 === K.IMM && i.s1 === 8 && i.map === 0 && i.opcode >= 0xb8 && i.opcode <= 0xbf) || (i.map === 0 && i.opcode >= 0xa0 && i.opcode <= 0xa3))) m = "movabs";
  return join(pfx, m, args.join(",")) + comment;
}

function join(pfx: string[], m: string, ops: string): string {
  const head = pfx.length ? pfx.join(" ") + " " + m : m;
  return ops === "" ? head : head.padEnd(6) + " " + ops;
}

function stringOps(i: Inst): string {
  const s = i.opsize;
  const a = i.addrsize === 4 ? "e" : "r";
  const p = PTR[s]! + " PTR ";
  const fsgs = i.seg === R.FS ? "fs:" : i.seg === R.GS ? "gs:" : "ds:";
  const si = `${p}${fsgs}[${a}si]`, di = `${p}es:[${a}di]`;
  const acc = regName(R.RAX, s);
  switch (i.op) {
    case Op.MOVS: return `${di},${si}`;
    case Op.CMPS: return `${si},${di}`;
    case Op.STOS: return `${di},${acc}`;
    case Op.LODS: return `${acc},${si}`;
    case Op.SCAS: return `${acc},${di}`;
    case Op.INS: return `${PTR[s === 8 ? 4 : s]} PTR es:[${a}di],dx`;
    default: return `dx,${PTR[s === 8 ? 4 : s]} PTR ${fsgs}[${a}si]`;
  }
}
