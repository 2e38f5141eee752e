// WebAssembly emitters for the integer instructions: moves, ALU, shifts and rotates, multiply
// and divide, bit scans and tests, stack, flags. Each mirrors the interpreter's semantics
// (src/cpu/cpu.ts), including its lazy-flag records, so that an exit hands the interpreter the
// state it would have produced. Every memory access comes before any register or flag local
// changes, so a fault leaves the state as it was before the instruction. Returns false for a
// form it does not compile (the interpreter then runs that instruction).

import { K, P, R, type Inst } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { condFlagsRead, FLAGS_ARITH, flagsClobbered, flagsRead, flagsWritten, NOTE_CC, NOTE_COUNT, NOTE_KEEPS, NOTE_REP, NOTES } from "../x86/facts.js";
import { STOP } from "../cpu/api.js";
import { Lazy } from "../cpu/flags.js";
import { CF, DF, FL_OTHER, OF, ZF } from "../cpu/state.js";
import { OP, SIMD } from "./wasm.js";
import type { FnCompiler } from "./fn.js";

const isGpr = (k: number, r: number): boolean => k === K.REG && r >= 0 && r < 20;
const okSize = (s: number): boolean => s === 1 || s === 2 || s === 4 || s === 8;

export function emitInt(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  switch (inst.op) {
    case Op.NOP: case Op.ENDBR64: case Op.PAUSE: case Op.PREFETCHT0: case Op.PREFETCHT1: case Op.PREFETCHT2:
    case Op.PREFETCHNTA: case Op.PREFETCH: case Op.PREFETCHW: case Op.LFENCE: case Op.MFENCE: case Op.SFENCE:
      return true;

    case Op.MOV: case Op.MOVNTI: {
      const s = inst.s0;
      if (!okSize(s)) return false;
      if (inst.k0 === K.REG) {
        if (!isGpr(inst.k0, inst.r0)) return false;
        if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
        if (!c.readOp(inst, 1, s)) return false;
        c.setReg(inst.r0, s);
        return true;
      }
      if (inst.k0 === K.MEM) {
        if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
        if (inst.k1 !== K.REG && inst.k1 !== K.IMM) return false;
        c.readOp(inst, 1, s);
        b.set(c.tv);
        c.ea(inst);
        b.set(c.ta);
        c.store(s);
        return true;
      }
      return false;
    }

    case Op.MOVZX: case Op.MOVSX: case Op.MOVSXD: {
      const s0 = inst.s0, s1 = inst.s1;
      if (!isGpr(inst.k0, inst.r0) || !okSize(s0) || !okSize(s1)) return false;
      if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
      if (!c.readOp(inst, 1, s1)) return false;
      if (inst.op !== Op.MOVZX) {
        c.sext(s1);
        if (s0 === 2) b.i64(0xffff, 0).op(OP.i64_and);
      }
      c.setReg(inst.r0, s0);
      return true;
    }

    case Op.LEA: {
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || (s !== 8 && s !== 4 && s !== 2) || inst.k1 !== K.MEM) return false;
      if (inst.base > 15 && inst.base !== R.RIP) return false;
      if (inst.index > 15) return false;
      const seg = inst.seg;
      inst.seg = R.NONE;
      c.ea(inst);
      inst.seg = seg;
      c.setReg(inst.r0, s);
      return true;
    }

    case Op.ADD: case Op.SUB: case Op.CMP: case Op.AND: case Op.OR: case Op.XOR: case Op.TEST: case Op.ADC: case Op.SBB:
      return alu(c, inst);

    case Op.INC: case Op.DEC: case Op.NEG: case Op.NOT:
      return unary(c, inst);

    case Op.SHL: case Op.SHR: case Op.SAR:
      return shift(c, inst);

    case Op.ROL: case Op.ROR:
      return rotate(c, inst);

    case Op.IMUL: case Op.MUL:
      return mul(c, inst);

    case Op.DIV: case Op.IDIV:
      return div(c, inst);

    case Op.CMOVCC: {
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || (s !== 8 && s !== 4 && s !== 2)) return false;
      if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
      if (!c.readOp(inst, 1, s)) return false;
      b.set(c.t2);
      b.get(c.t2);
      c.getReg(inst.r0, 8);
      c.cond(inst.cond);
      b.op(OP.select);
      c.setReg(inst.r0, s);
      return true;
    }

    case Op.SETCC: {
      if (inst.k0 === K.REG) {
        if (!isGpr(inst.k0, inst.r0)) return false;
        c.cond(inst.cond);
        b.op(OP.i64_extend_i32_u);
        c.setReg(inst.r0, 1);
        return true;
      }
      if (inst.k0 !== K.MEM) return false;
      c.ea(inst);
      b.set(c.ta);
      c.cond(inst.cond);
      b.op(OP.i64_extend_i32_u).set(c.tv);
      c.store(1);
      return true;
    }

    case Op.XCHG: {
      const s = inst.s0;
      if (!okSize(s)) return false;
      if (inst.k0 === K.REG && inst.k1 === K.REG) {
        if (!isGpr(inst.k0, inst.r0) || !isGpr(inst.k1, inst.r1)) return false;
        c.getReg(inst.r0, s);
        b.set(c.t1);
        c.getReg(inst.r1, s);
        c.setReg(inst.r0, s);
        b.get(c.t1);
        c.setReg(inst.r1, s);
        return true;
      }
      const memFirst = inst.k0 === K.MEM;
      const reg = memFirst ? inst.r1 : inst.r0;
      if (!isGpr(K.REG, reg)) return false;
      c.ea(inst);
      b.set(c.ta);
      c.load(s);
      b.set(c.t1);
      c.getReg(reg, s);
      b.set(c.tv);
      c.store(s);
      b.get(c.t1);
      c.setReg(reg, s);
      return true;
    }

    case Op.XADD: {
      const s = inst.s0;
      if (!okSize(s) || !isGpr(inst.k1, inst.r1)) return false;
      if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
      if (!c.readOp(inst, 0, s)) return false;
      b.set(c.t1);
      c.getReg(inst.r1, s);
      b.set(c.t2);
      b.get(c.t1).get(c.t2).op(OP.i64_add);
      c.zext(s);
      b.set(c.tv);
      if (inst.k0 === K.MEM) {
        c.store(s);
        b.get(c.t1);
        c.setReg(inst.r1, s);
      } else {
        b.get(c.t1);
        c.setReg(inst.r1, s);
        b.get(c.tv);
        c.setReg(inst.r0, s);
      }
      c.setFlags(Lazy.ADD, s, c.tv, c.t1, c.t2);
      return true;
    }

    case Op.CMPXCHG: {
      const s = inst.s0;
      if (!okSize(s) || !isGpr(inst.k1, inst.r1)) return false;
      if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
      if (!c.readOp(inst, 0, s)) return false;
      b.set(c.t1); // dst
      c.getReg(R.RAX, s);
      b.set(c.t2); // accumulator
      b.get(c.t2).get(c.t1).op(OP.i64_eq);
      b.if_();
      c.getReg(inst.r1, s);
      if (inst.k0 === K.MEM) {
        b.set(c.tv);
        c.store(s);
      } else c.setReg(inst.r0, s);
      b.else_();
      if (inst.k0 === K.MEM) {
        // The processor writes the old value back: a read-only page faults.
        b.get(c.t1).set(c.tv);
        c.store(s);
      }
      b.get(c.t1);
      c.setReg(R.RAX, s);
      b.end();
      b.get(c.t2).get(c.t1).op(OP.i64_sub);
      c.zext(s);
      b.set(c.t3);
      c.setFlags(Lazy.SUB, s, c.t3, c.t2, c.t1);
      return true;
    }

    case Op.BSWAP: {
      if (!isGpr(inst.k0, inst.r0) || (inst.s0 !== 8 && inst.s0 !== 4)) return false;
      const s = inst.s0;
      c.getReg(inst.r0, s);
      b.simd(SIMD.i64x2_splat).tee(c.tq1).get(c.tq1);
      b.shuffle(s === 8 ? [7, 6, 5, 4, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 15] : [3, 2, 1, 0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      b.lane(SIMD.i64x2_extract_lane, 0);
      if (s === 4) c.zext(4);
      c.setReg(inst.r0, s);
      return true;
    }

    case Op.BSF: case Op.BSR: case Op.TZCNT: case Op.LZCNT: case Op.POPCNT:
      return bitScan(c, inst);

    case Op.BT: case Op.BTS: case Op.BTR: case Op.BTC:
      return bitTest(c, inst);

    case Op.CBW: {
      const s = inst.opsize;
      if (s !== 8 && s !== 4 && s !== 2) return false;
      c.getReg(R.RAX, s / 2);
      c.sext(s / 2);
      c.zext(s);
      c.setReg(R.RAX, s);
      return true;
    }
    case Op.CWD: {
      const s = inst.opsize;
      if (s !== 8 && s !== 4 && s !== 2) return false;
      c.getReg(R.RAX, s);
      c.sext(s);
      b.i64(63, 0).op(OP.i64_shr_s);
      c.zext(s);
      c.setReg(R.RDX, s);
      return true;
    }

    case Op.PUSH: {
      if (inst.s0 !== 8) return false;
      if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
      if (inst.k0 === K.MEM) {
        // The source first (it may fault), then the push.
        c.readOp(inst, 0, 8);
        b.set(c.t1);
        c.push(() => { b.get(c.t1); });
        return true;
      }
      if (inst.k0 !== K.REG && inst.k0 !== K.IMM) return false;
      c.push(() => { c.readOp(inst, 0, 8); });
      return true;
    }
    case Op.POP: {
      if (inst.s0 !== 8 || !isGpr(inst.k0, inst.r0)) return false;
      const rsp = c.reg(R.RSP);
      b.get(rsp).set(c.ta);
      c.load(8);
      b.set(c.t1);
      b.get(rsp).i64(8, 0).op(OP.i64_add).set(rsp);
      b.get(c.t1);
      c.setReg(inst.r0, 8);
      return true;
    }
    case Op.LEAVE: {
      const rsp = c.reg(R.RSP), rbp = c.reg(R.RBP);
      b.get(rbp).set(c.ta);
      c.load(8);
      b.set(c.t1);
      b.get(rbp).i64(8, 0).op(OP.i64_add).set(rsp);
      b.get(c.t1).set(rbp);
      return true;
    }

    case Op.CLC: case Op.STC: case Op.CMC: {
      c.arith();
      if (inst.op === Op.CLC) b.i32(~CF).op(OP.i32_and);
      else if (inst.op === Op.STC) b.i32(CF).op(OP.i32_or);
      else b.i32(CF).op(OP.i32_xor);
      c.setBits();
      return true;
    }
    case Op.CLD: case Op.STD: {
      b.get(c.st).get(c.st).mem(OP.i32_load, FL_OTHER * 4, 2);
      if (inst.op === Op.CLD) b.i32(~DF).op(OP.i32_and);
      else b.i32(DF).op(OP.i32_or);
      b.mem(OP.i32_store, FL_OTHER * 4, 2);
      return true;
    }
  }
  return false;
}

/** ADD OR ADC SBB AND SUB XOR CMP TEST. */
function alu(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const s = inst.s0;
  if (!okSize(s)) return false;
  const dstMem = inst.k0 === K.MEM;
  if (!dstMem && !isGpr(inst.k0, inst.r0)) return false;
  if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
  if (inst.k1 !== K.REG && inst.k1 !== K.IMM && inst.k1 !== K.MEM) return false;
  const op = inst.op;
  const dead = flagsDead(c);
  // The memory operand first (the only access that can fault besides the store).
  if (inst.k1 === K.MEM) {
    c.readOp(inst, 1, s);
    b.set(c.t2);
    c.readOp(inst, 0, s);
    b.set(c.t1);
  } else {
    c.readOp(inst, 0, s);
    b.set(c.t1);
    c.readOp(inst, 1, s);
    b.set(c.t2);
  }
  const carryIn = op === Op.ADC || op === Op.SBB;
  if (carryIn) {
    c.carry();
    b.set(c.tc);
  }
  b.get(c.t1).get(c.t2);
  switch (op) {
    case Op.ADD: b.op(OP.i64_add); break;
    case Op.ADC: b.op(OP.i64_add).get(c.tc).op(OP.i64_extend_i32_u).op(OP.i64_add); break;
    case Op.SUB: case Op.CMP: b.op(OP.i64_sub); break;
    case Op.SBB: b.op(OP.i64_sub).get(c.tc).op(OP.i64_extend_i32_u).op(OP.i64_sub); break;
    case Op.AND: case Op.TEST: b.op(OP.i64_and); break;
    case Op.OR: b.op(OP.i64_or); break;
    default: b.op(OP.i64_xor); break;
  }
  if (s < 8 && op !== Op.AND && op !== Op.TEST && op !== Op.OR && op !== Op.XOR) c.zext(s);
  b.set(c.t3);
  if (op !== Op.CMP && op !== Op.TEST) putResult(c, inst, s);
  if (dead) return true;
  switch (op) {
    case Op.ADD: c.setFlags(Lazy.ADD, s, c.t3, c.t1, c.t2); break;
    case Op.SUB: case Op.CMP: c.setFlags(Lazy.SUB, s, c.t3, c.t1, c.t2); break;
    case Op.ADC: case Op.SBB:
      c.setFlags(op === Op.ADC ? Lazy.ADC : Lazy.SBB, s, c.t3, c.t1, c.t2);
      b.get(c.tc).set(c.fa);
      c.known = null;
      break;
    default:
      b.i64(0, 0).set(c.t1);
      c.setFlags(Lazy.LOGIC, s, c.t3, c.t1, c.t1);
  }
  return true;
}

/** INC DEC NEG NOT. */
function unary(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const s = inst.s0;
  if (!okSize(s)) return false;
  if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
  if (inst.k0 !== K.REG && inst.k0 !== K.MEM) return false;
  const op = inst.op;
  // Flags nobody reads: not computed (nor INC/DEC's carry in).
  const dead = op !== Op.NOT && flagsDead(c);
  if ((op === Op.INC || op === Op.DEC) && !dead) {
    c.carry();
    b.set(c.tc);
  }
  c.readOp(inst, 0, s);
  b.set(c.t1);
  switch (op) {
    case Op.INC: b.get(c.t1).i64(1, 0).op(OP.i64_add); break;
    case Op.DEC: b.get(c.t1).i64(1, 0).op(OP.i64_sub); break;
    case Op.NEG: b.i64(0, 0).get(c.t1).op(OP.i64_sub); break;
    default: b.get(c.t1).i64(-1, -1).op(OP.i64_xor); break;
  }
  c.zext(s);
  b.set(c.t3);
  putResult(c, inst, s);
  if (op === Op.NOT || dead) return true;
  if (op === Op.NEG) {
    b.i64(0, 0).set(c.t2);
    c.setFlags(Lazy.SUB, s, c.t3, c.t2, c.t1);
    return true;
  }
  b.i64(1, 0).set(c.t2);
  c.setFlags(op === Op.INC ? Lazy.INC : Lazy.DEC, s, c.t3, c.t1, c.t2);
  b.get(c.tc).set(c.fa);
  return true;
}

/** Whether the flags written by the instruction at k are all overwritten, unread, later in its
 *  block (then they are not computed: only a fault in between could expose the stale flags, to
 *  a signal handler; Go's do not read them — the documented imprecision of the compiled tier).
 *  Flag by flag, from the instruction table's facts: a ROL followed by ROL and XOR is dead
 *  (its CF and OF are rewritten before anything reads them). */
export function flagsDead(c: FnCompiler): boolean {
  const insts = c.unit.blocks[c.j].insts;
  let pending = flagsClobbered(insts[c.k].op) & FLAGS_ARITH;
  for (let j = c.k + 1; j < insts.length && pending !== 0; j++) {
    const x = insts[j];
    if ((x.pfx & (P.VEX | P.EVEX | P.XOP)) !== 0) return false;
    const notes = NOTES[x.op];
    const read = (notes & NOTE_CC) !== 0 ? condFlagsRead(x.cond) : flagsRead(x.op);
    if ((read & pending) !== 0) return false;
    // What x surely overwrites: nothing when a zero count or an empty REP may leave every flag
    // as it was; only the defined ones when rt0 keeps its undefined flags.
    if ((notes & NOTE_COUNT) !== 0 && !(x.k1 === K.IMM && (x.imm & (x.s0 === 8 ? 63 : 31)) !== 0)) continue;
    if ((notes & NOTE_REP) !== 0 && (x.pfx & (P.REP | P.REPNE)) !== 0) continue;
    pending &= ~((notes & NOTE_KEEPS) !== 0 ? flagsWritten(x.op) : flagsClobbered(x.op));
  }
  return pending === 0;
}

/** SHL SHR SAR: 32/64-bit by an immediate or CL, 8/16-bit by an immediate below the width. */
function shift(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const s = inst.s0;
  if (s !== 4 && s !== 8 && s !== 2 && s !== 1) return false;
  if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
  if (inst.k0 !== K.REG && inst.k0 !== K.MEM) return false;
  const byCl = inst.k1 === K.REG && inst.r1 === R.RCX;
  if (!byCl && inst.k1 !== K.IMM) return false;
  const mask = s === 8 ? 63 : 31;
  // 8/16-bit: only constant counts below the width (the interpreter's flags for wider counts
  // are computed apart, ops/shift.ts).
  if (s < 4 && (byCl || (inst.imm & mask) >= 8 * s)) return false;
  const kind = inst.op === Op.SHL ? Lazy.SHL : inst.op === Op.SHR ? Lazy.SHR : Lazy.SAR;
  if (!byCl && (inst.imm & mask) === 0) {
    // A zero count changes nothing, but a 32-bit register is still zero-extended; a memory
    // operand is still read (it may fault).
    c.readOp(inst, 0, s);
    if (inst.k0 === K.REG) c.setReg(inst.r0, s);
    else b.op(OP.drop);
    return true;
  }
  c.readOp(inst, 0, s);
  b.set(c.t1);
  if (byCl) {
    c.getReg(R.RCX, 1);
    b.i64(mask, 0).op(OP.i64_and).set(c.t2);
  } else b.i64(inst.imm & mask, 0).set(c.t2);
  const body = (): void => {
    if (inst.op === Op.SAR) {
      b.get(c.t1);
      c.sext(s);
      b.get(c.t2).op(OP.i64_shr_s);
    } else {
      b.get(c.t1).get(c.t2).op(inst.op === Op.SHL ? OP.i64_shl : OP.i64_shr_u);
    }
    c.zext(s);
    b.set(c.t3);
    putResult(c, inst, s);
    c.setFlags(kind, s, c.t3, c.t1, c.t2);
  };
  if (!byCl) {
    body();
    return true;
  }
  byCount(c, inst, body);
  return true;
}

/** ROL ROR of 32/64-bit operands (CF and OF change; the other flags stay). */
function rotate(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const s = inst.s0;
  if (s !== 4 && s !== 8) return false;
  if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
  if (inst.k0 !== K.REG && inst.k0 !== K.MEM) return false;
  const byCl = inst.k1 === K.REG && inst.r1 === R.RCX;
  if (!byCl && inst.k1 !== K.IMM) return false;
  const mask = s === 8 ? 63 : 31;
  c.readOp(inst, 0, s);
  b.set(c.t1);
  if (byCl) {
    c.getReg(R.RCX, 1);
    b.i64(mask, 0).op(OP.i64_and).set(c.t2);
  } else {
    if ((inst.imm & mask) === 0) {
      if (inst.k0 === K.REG) {
        b.get(c.t1);
        c.setReg(inst.r0, s);
      }
      return true;
    }
    b.i64(inst.imm & mask, 0).set(c.t2);
  }
  const dead = !byCl && flagsDead(c);
  const body = (): void => {
    if (s === 8) b.get(c.t1).get(c.t2).op(inst.op === Op.ROL ? OP.i64_rotl : OP.i64_rotr);
    else {
      b.get(c.t1).op(OP.i32_wrap_i64).get(c.t2).op(OP.i32_wrap_i64).op(inst.op === Op.ROL ? OP.i32_rotl : OP.i32_rotr);
      b.op(OP.i64_extend_i32_u);
    }
    b.set(c.t3);
    putResult(c, inst, s);
    if (dead) return;
    // msb and the next bit of the result.
    const bit = (k: number): void => {
      b.get(c.t3).i64(k, 0).op(OP.i64_shr_u).op(OP.i32_wrap_i64).i32(1).op(OP.i32_and);
    };
    c.arith();
    b.i32(~(CF | OF)).op(OP.i32_and);
    if (inst.op === Op.ROL) {
      // cf = bit 0; of = msb ^ cf
      bit(0);
      b.op(OP.i32_or);
      bit(s * 8 - 1);
      bit(0);
      b.op(OP.i32_xor).i32(11).op(OP.i32_shl).op(OP.i32_or);
    } else {
      // cf = msb; of = msb ^ next
      bit(s * 8 - 1);
      b.op(OP.i32_or);
      bit(s * 8 - 1);
      bit(s * 8 - 2);
      b.op(OP.i32_xor).i32(11).op(OP.i32_shl).op(OP.i32_or);
    }
    c.setBits();
  };
  if (!byCl) {
    body();
    if (!dead) c.known = null;
    return true;
  }
  byCount(c, inst, body);
  return true;
}

/** A shift or rotate by CL (count in t2, operand in t1): a zero count changes no flag and
 *  writes only a 32-bit register's zero-extension; else body(). */
function byCount(c: FnCompiler, inst: Inst, body: () => void): void {
  const b = c.b;
  b.get(c.t2).op(OP.i64_eqz);
  b.if_();
  if (inst.k0 === K.REG) {
    b.get(c.t1);
    c.setReg(inst.r0, inst.s0);
  }
  b.else_();
  body();
  b.end();
  c.known = null;
}

/** Write t3 to the destination operand (a register, or memory through tv). */
function putResult(c: FnCompiler, inst: Inst, s: number): void {
  const b = c.b;
  if (inst.k0 === K.MEM) {
    b.get(c.t3).set(c.tv);
    c.store(s);
  } else {
    b.get(c.t3);
    c.setReg(inst.r0, s);
  }
}

/** Push the high 64 bits of the unsigned product of the i64 locals x and y. */
function mulhu(c: FnCompiler, x: number, y: number): void {
  const b = c.b;
  // Split in 32-bit halves: x = a:b, y = c:d. hi = a*c + (a*d >> 32) + (b*c >> 32) + carry of
  // the middle terms: mid = (b*d >> 32) + (a*d & M) + (b*c & M).
  const lo32 = (v: number): void => { b.get(v).i64(-1, 0).op(OP.i64_and); };
  const hi32 = (v: number): void => { b.get(v).i64(32, 0).op(OP.i64_shr_u); };
  // t3 = b*d >> 32 + (a*d & M) + (b*c & M)
  lo32(x); lo32(y); b.op(OP.i64_mul).i64(32, 0).op(OP.i64_shr_u);
  hi32(x); lo32(y); b.op(OP.i64_mul).i64(-1, 0).op(OP.i64_and).op(OP.i64_add);
  lo32(x); hi32(y); b.op(OP.i64_mul).i64(-1, 0).op(OP.i64_and).op(OP.i64_add);
  b.i64(32, 0).op(OP.i64_shr_u);
  hi32(x); hi32(y); b.op(OP.i64_mul).op(OP.i64_add);
  hi32(x); lo32(y); b.op(OP.i64_mul).i64(32, 0).op(OP.i64_shr_u).op(OP.i64_add);
  lo32(x); hi32(y); b.op(OP.i64_mul).i64(32, 0).op(OP.i64_shr_u).op(OP.i64_add);
}

/** Push the high 64 bits of the signed product of x and y. */
function mulhs(c: FnCompiler, x: number, y: number): void {
  const b = c.b;
  mulhu(c, x, y);
  // - (x < 0 ? y : 0) - (y < 0 ? x : 0)
  b.get(y).get(x).i64(63, 0).op(OP.i64_shr_s).op(OP.i64_and).op(OP.i64_sub);
  b.get(x).get(y).i64(63, 0).op(OP.i64_shr_s).op(OP.i64_and).op(OP.i64_sub);
}

/** MUL/IMUL flags, eager as the interpreter's: CF = OF = overflow (i32 local ovf), SF ZF PF from
 *  the low result (i64 local lo) of a size, AF 0. */
function mulFlags(c: FnCompiler, lo: number, size: number, ovf: number): void {
  const b = c.b;
  b.get(lo).op(OP.i32_wrap_i64).i32(255).op(OP.i32_and).op(OP.i32_popcnt).i32(1).op(OP.i32_and).op(OP.i32_eqz).i32(2).op(OP.i32_shl);
  b.get(lo).op(OP.i64_eqz).i32(6).op(OP.i32_shl).op(OP.i32_or);
  b.get(lo).i64(size * 8 - 1, 0).op(OP.i64_shr_u).op(OP.i32_wrap_i64).i32(1).op(OP.i32_and).i32(7).op(OP.i32_shl).op(OP.i32_or);
  b.get(ovf).i32(CF | OF).op(OP.i32_mul).op(OP.i32_or);
  c.setBits();
}

function mul(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const signed = inst.op === Op.IMUL;
  const s = inst.s0;
  if (s !== 4 && s !== 8 && !(s === 2 && inst.nops >= 2)) return false;
  const dead = flagsDead(c);
  if (inst.nops >= 2) {
    if (!isGpr(inst.k0, inst.r0)) return false;
    if (inst.nops === 3) {
      if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
      if (!c.readOp(inst, 1, s)) return false;
      b.set(c.t1);
      c.imm(inst, s);
      b.set(c.t2);
    } else {
      if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
      if (!c.readOp(inst, 1, s)) return false;
      b.set(c.t2);
      c.getReg(inst.r0, s);
      b.set(c.t1);
    }
    if (s < 8) {
      // Exact in 64 bits: sign-extend both, multiply, truncate; overflow if it does not fit.
      b.get(c.t1);
      c.sext(s);
      b.get(c.t2);
      c.sext(s);
      b.op(OP.i64_mul).set(c.tv);
      b.get(c.tv);
      c.zext(s);
      b.set(c.t3);
      b.get(c.t3);
      c.setReg(inst.r0, s);
      if (!dead) {
        b.get(c.tv).get(c.tv);
        c.sext(s);
        b.op(OP.i64_ne).set(c.tc);
        mulFlags(c, c.t3, s, c.tc);
      }
      return true;
    }
    b.get(c.t1).get(c.t2).op(OP.i64_mul).set(c.t3);
    if (!dead) {
      mulhs(c, c.t1, c.t2);
      b.get(c.t3).i64(63, 0).op(OP.i64_shr_s).op(OP.i64_ne).set(c.tc);
    }
    b.get(c.t3);
    c.setReg(inst.r0, 8);
    if (!dead) mulFlags(c, c.t3, 8, c.tc);
    return true;
  }
  // One operand: RDX:RAX = RAX * src.
  if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
  if (!c.readOp(inst, 0, s)) return false;
  b.set(c.t2);
  c.getReg(R.RAX, s);
  b.set(c.t1);
  if (s === 4) {
    b.get(c.t1);
    if (signed) c.sext(4);
    b.get(c.t2);
    if (signed) c.sext(4);
    b.op(OP.i64_mul).set(c.tv);
    b.get(c.tv);
    c.zext(4);
    b.set(c.t3);
    b.get(c.t3);
    c.setReg(R.RAX, 4);
    b.get(c.tv).i64(32, 0).op(signed ? OP.i64_shr_s : OP.i64_shr_u);
    c.setReg(R.RDX, 4);
    if (!dead) {
      if (signed) {
        b.get(c.tv).get(c.tv);
        c.sext(4);
        b.op(OP.i64_ne);
      } else b.get(c.tv).i64(32, 0).op(OP.i64_shr_u).i64(0, 0).op(OP.i64_ne);
      b.set(c.tc);
      mulFlags(c, c.t3, 4, c.tc);
    }
    return true;
  }
  b.get(c.t1).get(c.t2).op(OP.i64_mul).set(c.t3);
  if (signed) mulhs(c, c.t1, c.t2);
  else mulhu(c, c.t1, c.t2);
  b.set(c.tv);
  b.get(c.t3);
  c.setReg(R.RAX, 8);
  b.get(c.tv);
  c.setReg(R.RDX, 8);
  if (!dead) {
    if (signed) b.get(c.tv).get(c.t3).i64(63, 0).op(OP.i64_shr_s).op(OP.i64_ne);
    else b.get(c.tv).i64(0, 0).op(OP.i64_ne);
    b.set(c.tc);
    mulFlags(c, c.t3, 8, c.tc);
  }
  return true;
}

/** DIV/IDIV of 32/64-bit operands; a dividend that does not fit the fast form goes to the
 *  interpreter at run time. A zero divisor or a quotient overflow is #DE (STOP.DIVIDE). */
function div(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const signed = inst.op === Op.IDIV;
  const s = inst.s0;
  if (s !== 4 && s !== 8) return false;
  if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
  if (!c.readOp(inst, 0, s)) return false;
  b.set(c.t2); // divisor, zero-extended
  c.reg(R.RAX);
  c.reg(R.RDX);
  b.get(c.t2).op(OP.i64_eqz);
  b.if_();
  c.exitHere(STOP.DIVIDE);
  b.end();
  if (s === 8) {
    // The fast form: the dividend fits in 64 bits (RDX is 0, or RAX's sign for IDIV).
    c.getReg(R.RDX, 8);
    if (signed) {
      c.getReg(R.RAX, 8);
      b.i64(63, 0).op(OP.i64_shr_s).op(OP.i64_eq);
      // and not MIN / -1 (overflow)
      c.getReg(R.RAX, 8);
      b.i64(0, -2147483648).op(OP.i64_ne).get(c.t2).i64(-1, -1).op(OP.i64_ne).op(OP.i32_or).op(OP.i32_and);
    } else b.op(OP.i64_eqz);
    b.if_();
    c.getReg(R.RAX, 8);
    b.get(c.t2).op(signed ? OP.i64_div_s : OP.i64_div_u).set(c.t1);
    c.getReg(R.RAX, 8);
    b.get(c.t2).op(signed ? OP.i64_rem_s : OP.i64_rem_u);
    c.setReg(R.RDX, 8);
    b.get(c.t1);
    c.setReg(R.RAX, 8);
    b.else_();
    c.fallback(inst);
    b.end();
    return true;
  }
  // 32-bit: EDX:EAX / src in 64-bit arithmetic.
  c.getReg(R.RDX, 4);
  b.i64(32, 0).op(OP.i64_shl);
  c.getReg(R.RAX, 4);
  b.op(OP.i64_or).set(c.t1); // dividend, unsigned view
  if (signed) {
    // Divisor -1 goes to the interpreter (MIN / -1 would trap in wasm).
    b.get(c.t2).i64(-1, 0).op(OP.i64_eq);
    b.if_();
    c.fallback(inst);
    b.else_();
    b.get(c.t1).get(c.t2);
    c.sext(4);
    b.op(OP.i64_div_s).set(c.t3);
    b.get(c.t3).get(c.t3);
    c.sext(4);
    b.op(OP.i64_ne);
    b.if_();
    c.exitHere(STOP.DIVIDE);
    b.end();
    b.get(c.t1).get(c.t2);
    c.sext(4);
    b.op(OP.i64_rem_s);
    c.setReg(R.RDX, 4);
    b.get(c.t3);
    c.setReg(R.RAX, 4);
    b.end();
    return true;
  }
  b.get(c.t1).get(c.t2).op(OP.i64_div_u).tee(c.t3).i64(-1, 0).op(OP.i64_gt_u);
  b.if_();
  c.exitHere(STOP.DIVIDE);
  b.end();
  b.get(c.t1).get(c.t2).op(OP.i64_rem_u);
  c.setReg(R.RDX, 4);
  b.get(c.t3);
  c.setReg(R.RAX, 4);
  return true;
}

/** BSF BSR TZCNT LZCNT POPCNT (32/64-bit). */
function bitScan(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const s = inst.s0;
  if ((s !== 4 && s !== 8) || !isGpr(inst.k0, inst.r0)) return false;
  if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
  let op = inst.op;
  if (op === Op.POPCNT && !c.env.has("popcnt")) return false;
  if ((op === Op.LZCNT || op === Op.TZCNT) && !c.env.has("lzcnt")) op = op === Op.LZCNT ? Op.BSR : Op.BSF;
  if (!c.readOp(inst, 1, s)) return false;
  b.set(c.t1);
  if (op === Op.POPCNT) {
    b.get(c.t1).op(OP.i64_popcnt).set(c.t3);
    b.get(c.t3);
    c.setReg(inst.r0, s);
    b.get(c.t3).op(OP.i64_eqz).i32(6).op(OP.i32_shl);
    c.setBits();
    return true;
  }
  if (op === Op.BSF || op === Op.BSR) {
    b.get(c.t1).op(OP.i64_eqz);
    b.if_();
    c.arith();
    b.i32(ZF).op(OP.i32_or);
    c.setBits();
    b.else_();
    if (op === Op.BSF) b.get(c.t1).op(OP.i64_ctz);
    else b.i64(63, 0).get(c.t1).op(OP.i64_clz).op(OP.i64_sub);
    c.setReg(inst.r0, s);
    c.arith();
    b.i32(~ZF).op(OP.i32_and);
    c.setBits();
    b.end();
    c.known = null;
    return true;
  }
  // TZCNT / LZCNT: count of the size; CF when the source is zero, ZF when the count is zero.
  if (op === Op.TZCNT) {
    b.get(c.t1);
    if (s === 4) b.i64(0, 1).op(OP.i64_or);
    b.op(OP.i64_ctz);
  } else {
    b.get(c.t1).op(OP.i64_clz);
    if (s === 4) b.i64(32, 0).op(OP.i64_sub);
  }
  b.set(c.t3);
  b.get(c.t3);
  c.setReg(inst.r0, s);
  c.arith();
  b.i32(OF).op(OP.i32_and);
  b.get(c.t1).op(OP.i64_eqz).op(OP.i32_or); // CF = 1
  b.get(c.t3).op(OP.i64_eqz).i32(6).op(OP.i32_shl).op(OP.i32_or);
  c.setBits();
  return true;
}

/** BT BTS BTR BTC with a register or immediate bit offset into a register, or an immediate one
 *  into memory. */
function bitTest(c: FnCompiler, inst: Inst): boolean {
  const b = c.b;
  const s = inst.s0;
  if (s !== 4 && s !== 8) return false;
  if (inst.k0 === K.MEM && inst.k1 !== K.IMM) return false;
  if (inst.k0 === K.REG && !isGpr(inst.k0, inst.r0)) return false;
  if (inst.k1 === K.REG && !isGpr(inst.k1, inst.r1)) return false;
  if (!c.readOp(inst, 0, s)) return false;
  b.set(c.t1);
  if (!c.readOp(inst, 1, s)) return false;
  b.i64(s * 8 - 1, 0).op(OP.i64_and).set(c.t2);
  if (inst.op !== Op.BT) {
    b.get(c.t1);
    b.i64(1, 0).get(c.t2).op(OP.i64_shl);
    if (inst.op === Op.BTS) b.op(OP.i64_or);
    else if (inst.op === Op.BTC) b.op(OP.i64_xor);
    else b.i64(-1, -1).op(OP.i64_xor).op(OP.i64_and);
    b.set(c.t3);
    putResult(c, inst, s);
  }
  c.arith();
  b.i32(~CF).op(OP.i32_and);
  b.get(c.t1).get(c.t2).op(OP.i64_shr_u).op(OP.i32_wrap_i64).i32(1).op(OP.i32_and).op(OP.i32_or);
  c.setBits();
  return true;
}
