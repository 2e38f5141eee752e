// A short text key for an instruction's form ("ADD r64,imm8", "lock XADD m32,r32",
// "evex VPERMB zmm{k},zmm,m512"): what coverage reports and differential tests count by.

import { Inst, K, P, R } from "./inst.js";
import { Op, OP_NAMES } from "./ops.generated.js";

function opnd(i: Inst, k: number, r: number, s: number): string {
  switch (k) {
    case K.REG:
      if (r >= 0 && r < 16) return `r${s * 8}`;
      if (r >= R.AH && r <= R.BH) return "r8h";
      if (r >= R.ES && r <= R.GS) return "sreg";
      if (r >= R.XMM0 && r < R.XMM0 + 32) return s === 64 ? "zmm" : s === 32 ? "ymm" : "xmm";
      if (r >= R.MM0 && r < R.MM0 + 8) return "mm";
      if (r >= R.ST0 && r < R.ST0 + 8) return "st";
      if (r >= R.K0 && r < R.K0 + 8) return "k";
      if (r >= R.CR0 && r < R.CR0 + 16) return "cr";
      if (r >= R.DR0 && r < R.DR0 + 16) return "dr";
      return "?";
    case K.MEM:
      return (i.pfx & P.EVEX_BCST) !== 0 ? `m${s * 8}bcst` : i.modrm < 0 ? `moffs${s * 8}` : s ? `m${s * 8}` : "m";
    case K.IMM: return `imm${s * 8}`;
    case K.IMM2: return "imm8";
    case K.REL: return "rel";
    default: return "";
  }
}

/** Form key of a decoded instruction (condition codes are not part of it). */
export function formKey(i: Inst): string {
  if (i.op === Op.INVALID) return "INVALID";
  let key = OP_NAMES[i.op]!;
  const ops: string[] = [];
  const ks = [i.k0, i.k1, i.k2, i.k3], rs = [i.r0, i.r1, i.r2, i.r3], ss = [i.s0, i.s1, i.s2, i.s3];
  for (let n = 0; n < i.nops; n++) {
    let t = opnd(i, ks[n]!, rs[n]!, ss[n]!);
    if (n === 0 && i.mask) t += (i.pfx & P.EVEX_Z) ? "{k}{z}" : "{k}";
    ops.push(t);
  }
  if (i.nops === 0 && (i.op === Op.MOVS || i.op === Op.STOS || i.op === Op.LODS || i.op === Op.SCAS || i.op === Op.CMPS)) ops.push(`${i.opsize * 8}`);
  if (ops.length) key += " " + ops.join(",");
  if (i.pfx & P.EVEX) key = "evex " + key;
  if (i.pfx & P.REPNE) key = "repne " + key;
  if (i.pfx & P.REP) key = "rep " + key;
  if (i.pfx & P.LOCK) key = "lock " + key;
  return key;
}
