// Bit tests, scans and counts: BT BTS BTR BTC (bit strings in memory), BSF BSR, TZCNT LZCNT
// (BSF/BSR without LZCNT/BMI1), POPCNT.

import { K, type Inst } from "../../x86/inst.js";
import { Op } from "../../x86/ops.generated.js";
import { U64 } from "../../base/u64.js";
import { arithFlags, setBits } from "../flags.js";
import { CF, CONT, OF, UNHANDLED, ZF } from "../state.js";
import type { CpuCore } from "../core.js";

/** Execute one bits instruction (UNHANDLED: not one this family knows). */
export function execBits(cpu: CpuCore, inst: Inst): number {
  switch (inst.op) {
    case Op.BT: case Op.BTS: case Op.BTR: case Op.BTC:
      bitTest(cpu, inst);
      return CONT;
    case Op.BSF: case Op.BSR: case Op.TZCNT: case Op.LZCNT: case Op.POPCNT:
      return bitScan(cpu, inst);
  }
  return UNHANDLED;
}

function bitTest(cpu: CpuCore, inst: Inst): void {
  const g = cpu.g;
  const size = inst.s0;
  const w = size * 8;
  let bit: number;
  let lo: number, hi: number;
  if (inst.k0 === K.MEM && inst.k1 === K.REG) {
    // Bit string: the signed offset selects a word relative to the address.
    const olo = cpu.rdReg(inst.r1, size);
    const ohi = cpu.tHi;
    const off = size === 8 ? ohi * U64.TWO32 + (olo >>> 0) : size === 4 ? olo | 0 : (olo << 16) >> 16;
    const wordIdx = Math.floor(off / w);
    bit = off - wordIdx * w;
    cpu.ea = cpu.addr(inst) + wordIdx * size;
    lo = cpu.rdMem(cpu.ea, size);
    hi = cpu.tHi;
  } else {
    lo = cpu.rd0(inst);
    hi = cpu.tHi;
    const ea = cpu.ea;
    bit = cpu.rd1(inst) & (w - 1);
    cpu.ea = ea;
  }
  const cf = bit < 32 ? (lo >>> bit) & 1 : (hi >>> (bit - 32)) & 1;
  if (inst.op !== Op.BT) {
    const m = bit < 32 ? 1 << bit : 0;
    const mh = bit >= 32 ? 1 << (bit - 32) : 0;
    let nlo = lo, nhi = hi;
    if (inst.op === Op.BTS) { nlo |= m; nhi |= mh; }
    else if (inst.op === Op.BTR) { nlo &= ~m; nhi &= ~mh; }
    else { nlo ^= m; nhi ^= mh; }
    if (size === 2) nlo &= 0xffff;
    cpu.wr0(inst, nlo, nhi);
  }
  setBits(g, (arithFlags(g) & ~CF) | cf);
}

function bitScan(cpu: CpuCore, inst: Inst): number {
  const op = inst.op;
  if (op === Op.POPCNT && !cpu.features.popcnt) return cpu.illegal(inst, "POPCNT (not advertised at cpu CPU level)");
  if ((op === Op.LZCNT || op === Op.TZCNT) && !cpu.features.lzcnt) {
    // Without LZCNT/BMI1 the F3 prefix is ignored: LZCNT runs as BSR, TZCNT as BSF.
    return bitScanAs(cpu, inst, op === Op.LZCNT ? Op.BSR : Op.BSF);
  }
  return bitScanAs(cpu, inst, op);
}

function bitScanAs(cpu: CpuCore, inst: Inst, op: number): number {
  const g = cpu.g;
  const size = inst.s0;
  const w = size * 8;
  const lo = cpu.rd1(inst);
  const hi = cpu.tHi;
  const zero = (lo | hi) === 0;
  if (op === Op.POPCNT) {
    const n = popcnt32(lo) + popcnt32(hi);
    cpu.wrReg(inst.r0, size, n, 0);
    setBits(g, n === 0 ? ZF : 0);
    return CONT;
  }
  if (op === Op.BSF || op === Op.BSR) {
    if (zero) {
      // Destination unchanged (AMD documents it; Intel hardware does the same).
      setBits(g, (arithFlags(g) & ~ZF) | ZF);
      return CONT;
    }
    let n: number;
    if (op === Op.BSF) n = lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
    else n = size === 8 && hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
    cpu.wrReg(inst.r0, size, n, 0);
    setBits(g, arithFlags(g) & ~ZF);
    return CONT;
  }
  let n: number;
  if (op === Op.TZCNT) n = zero ? w : lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
  else n = size === 8 ? (hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo)) : Math.clz32(lo) - (32 - w);
  cpu.wrReg(inst.r0, size, n, 0);
  // SF AF PF OF are undefined: the AMD hosts clear SF AF PF and keep OF.
  setBits(g, (arithFlags(g) & OF) | (zero ? CF : 0) | (n === 0 ? ZF : 0));
  return CONT;
}

export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
