// The emitting context of one compiled function (compile.ts drives it block by block): the
// locals (guest registers, lazy flags, budget, temporaries), the exit path, transfers (branches,
// calls, returns, the lookup of indirect targets), memory access through the TLB, operand access
// and the lazy flags. The instruction emitters (emit-int.ts, emit-vec.ts) write through it.
import { K, R, type Inst } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { STOP } from "../cpu/api.js";
import {
  FL_AUX, FL_BITS, FL_DST, FL_OP, FL_RES, FL_SIZE, FL_SRC, FSBASE_F64, GSBASE_F64, JIT_BUDGET_BYTE, JIT_XFER_BYTE, RIP_F64,
} from "../cpu/state.js";
import { Lazy } from "../cpu/flags.js";
import { LOOKUP, LOOKUP_HASH_MUL, LOOKUP_HASH_SHIFT, RTLB_OFF, RTLB_TAG, WASM_TLB_SIZE, WTLB_OFF, WTLB_TAG } from "../mem/layout.js";
import { Body, F64, I32, I64, OP, V128 } from "./wasm.js";
import { S_CONT, S_INTERP, S_RET } from "./core.js";
import type { Unit } from "./unit.js";
import type { Block } from "../cpu/cache.js";

/** Deepest nesting of wasm calls for guest calls; deeper calls become tail calls (their return
 *  then goes through the lookup table), so guest recursion never overflows the host stack. */
export const MAX_DEPTH = 64;

/** What the function compiler needs from the batch it is part of (tier.ts). */
export interface CompileEnv {
  /** Function index of the core's dispatch (state, entry, ret, depth, slot) -> status: a call
   *  through the function table, which only the core instance holds. */
  fnCall: number;
  /** Function indices of the imports. */
  fnArith: number;
  fnCond: number;
  fnRead: number;
  fnWrite: number;
  fnExec: number;
  /** Table slot through which a guest address is called (allocated on demand). */
  slotFor(addr: number): number;
  /** Registry id of an instruction the interpreter runs for compiled code. */
  instId(inst: Inst): number;
  /** The unit's own slot. */
  ownSlot: number;
  /** Whether the CPU advertises a feature an instruction needs (else it is not compiled). */
  has(feature: "popcnt" | "lzcnt" | "bmi1" | "bmi2" | "ssse3" | "sse41"): boolean;
  /** Blocks that must be entries (the run loop kept arriving there). */
  forcedEntries?: ReadonlySet<number>;
}

/** The setter whose operands are in the flag locals (known statically), or null. */
interface Known {
  kind: number;
  size: number;
}


/** The state's byte offsets the compiled code uses. */
const OFF = {
  flOp: FL_OP * 4, flSize: FL_SIZE * 4, flRes: FL_RES * 4, flDst: FL_DST * 4, flSrc: FL_SRC * 4, flAux: FL_AUX * 4,
  flBits: FL_BITS * 4, rip: RIP_F64 * 8, fs: FSBASE_F64 * 8, gs: GSBASE_F64 * 8, budget: JIT_BUDGET_BYTE, xfer: JIT_XFER_BYTE,
};

export class FnCompiler {
  readonly b: Body;
  // Parameters.
  readonly st = 0;
  readonly entry = 1;
  readonly ret = 2;
  readonly depth = 3;
  /** Register locals (-1: not cached). */
  readonly regs = new Int32Array(16).fill(-1);
  readonly usedRegs: boolean[];
  // Flag locals.
  readonly fk: number; readonly fsz: number; readonly fr: number; readonly fd: number; readonly fs: number;
  readonly fa: number; readonly fb: number;
  readonly bud: number;
  readonly next: number;
  readonly xstat: number;
  readonly xrip: number;
  // Temporaries (i64 a v t1 t2 t3; i32 slot c i; f64 x y; v128 q1 q2).
  readonly ta: number; readonly tv: number; readonly t1: number; readonly t2: number; readonly t3: number;
  readonly tslot: number; readonly tc: number; readonly ti: number; readonly tj: number;
  readonly tx: number; readonly ty: number; readonly tq1: number; readonly tq2: number;
  /** Scratch for emitArith. */
  readonly af: number; readonly aw: number; readonly asr: number;

  /** Labels of the exit path, the dispatch loop and each block (set by compile.ts). */
  exitLabel = -1;
  loopLabel = -1;
  /** The blocks the dispatch switch can enter (compile.ts entryBlocks). */
  entries: boolean[] = [];
  blockLabels: number[] = [];
  /** Block being compiled, its instruction count, and the instruction's position. */
  j = 0;
  n = 0;
  k = 0;
  known: Known | null = null;

  constructor(readonly unit: Unit, readonly env: CompileEnv, used: boolean[]) {
    this.usedRegs = used;
    const b = (this.b = new Body(4));
    for (let r = 0; r < 16; r++) if (used[r]) this.regs[r] = b.local(I64);
    this.fk = b.local(I32); this.fsz = b.local(I32);
    this.fr = b.local(I64); this.fd = b.local(I64); this.fs = b.local(I64);
    this.fa = b.local(I32); this.fb = b.local(I32);
    this.bud = b.local(I32); this.next = b.local(I32); this.xstat = b.local(I32); this.xrip = b.local(I64);
    this.ta = b.local(I64); this.tv = b.local(I64); this.t1 = b.local(I64); this.t2 = b.local(I64); this.t3 = b.local(I64);
    this.tslot = b.local(I32); this.tc = b.local(I32); this.ti = b.local(I32); this.tj = b.local(I32);
    this.tx = b.local(F64); this.ty = b.local(F64); this.tq1 = b.local(V128); this.tq2 = b.local(V128);
    this.af = b.local(I32); this.aw = b.local(I32); this.asr = b.local(I32);
  }

  /** A register's local. One the first pass did not know about is marked used and the
   *  function is compiled again (incomplete); meanwhile a scratch local stands in. */
  reg(r: number): number {
    const l = this.regs[r];
    if (l < 0) {
      this.usedRegs[r] = true;
      this.incomplete = true;
      return this.t3;
    }
    return l;
  }

  /** A register was used that the locals did not cover: compile again. */
  incomplete = false;

  /** Load the cached registers, the flags and the budget from the state. */
  loadAll(): void {
    const b = this.b;
    for (let r = 0; r < 16; r++) if (this.regs[r] >= 0) b.get(this.st).mem(OP.i64_load, 8 * r, 3).set(this.regs[r]);
    b.get(this.st).mem(OP.i32_load, OFF.flOp, 2).set(this.fk);
    b.get(this.st).mem(OP.i32_load, OFF.flSize, 2).set(this.fsz);
    b.get(this.st).mem(OP.i64_load, OFF.flRes, 3).set(this.fr);
    b.get(this.st).mem(OP.i64_load, OFF.flDst, 3).set(this.fd);
    b.get(this.st).mem(OP.i64_load, OFF.flSrc, 3).set(this.fs);
    b.get(this.st).mem(OP.i32_load, OFF.flAux, 2).set(this.fa);
    b.get(this.st).mem(OP.i32_load, OFF.flBits, 2).set(this.fb);
    b.get(this.st).mem(OP.i32_load, OFF.budget, 2).set(this.bud);
    this.known = null;
  }

  /** Store the cached registers, the flags and the budget to the state. */
  storeAll(): void {
    const b = this.b;
    for (let r = 0; r < 16; r++) if (this.regs[r] >= 0) b.get(this.st).get(this.regs[r]).mem(OP.i64_store, 8 * r, 3);
    b.get(this.st).get(this.fk).mem(OP.i32_store, OFF.flOp, 2);
    b.get(this.st).get(this.fsz).mem(OP.i32_store, OFF.flSize, 2);
    b.get(this.st).get(this.fr).mem(OP.i64_store, OFF.flRes, 3);
    b.get(this.st).get(this.fd).mem(OP.i64_store, OFF.flDst, 3);
    b.get(this.st).get(this.fs).mem(OP.i64_store, OFF.flSrc, 3);
    b.get(this.st).get(this.fa).mem(OP.i32_store, OFF.flAux, 2);
    b.get(this.st).get(this.fb).mem(OP.i32_store, OFF.flBits, 2);
    b.get(this.st).get(this.bud).mem(OP.i32_store, OFF.budget, 2);
  }

  /** Instructions compiled natively and through the interpreter (statistics). */
  compiled = 0;
  fallbacks = 0;

  /** Store the f64 on the stack (above the state address) as RIP. */
  storeRipFromStack(): void {
    this.b.mem(OP.f64_store, OFF.rip, 3);
  }

  /** Store RIP (a constant). */
  storeRip(addr: number): void {
    this.b.get(this.st).f64c(addr).mem(OP.f64_store, OFF.rip, 3);
  }

  // ---- exits ----

  /** Leave to the dispatcher with a status and RIP, crediting back `credit` instructions of the
   *  current block that did not run. */
  exit(status: number, rip: number, credit: number): void {
    const b = this.b;
    if (credit !== 0) b.get(this.bud).i32(credit).op(OP.i32_add).set(this.bud);
    b.i32(status).set(this.xstat);
    b.i64n(rip).set(this.xrip);
    b.br(this.exitLabel);
  }

  /** Leave with RIP from the i64 on the stack (after the current instruction retired). */
  exitDyn(status: number): void {
    const b = this.b;
    b.set(this.xrip);
    b.i32(status).set(this.xstat);
    b.br(this.exitLabel);
  }

  /** Leave before the current instruction with a status (it did not retire). */
  exitHere(status: number): void {
    const inst = this.unit.blocks[this.j].insts[this.k];
    this.exit(status, inst.addr, this.n - this.k);
  }

  /** Continue at a guest address after the current block: a branch inside the unit, or a tail
   *  call to the function compiled for it (or the dispatcher). */
  goto(addr: number): void {
    const b = this.b;
    const idx = this.unit.index.get(addr);
    if (idx === undefined) {
      this.tailTo(addr, this.ret);
      return;
    }
    if (idx === this.j + 1 && !this.inArm) return;
    if (idx > this.j) {
      b.br(this.blockLabels[idx]);
      return;
    }
    b.i32(idx).set(this.next);
    b.br(this.loopLabel);
  }

  /** Inside an if arm (a fall-through would not reach the next block). */
  inArm = false;

  /** Tail call to the function at a constant address (its slot; a stub leaves to the dispatcher
   *  with RIP there). retLocal: the expected return address to pass on. */
  tailTo(addr: number, retLocal: number): void {
    const b = this.b;
    this.storeAll();
    this.storeRip(addr);
    b.get(this.st).i32(0).get(retLocal).get(this.depth);
    b.i32(this.env.slotFor(addr));
    b.returnCall(this.env.fnCall);
  }

  /** The lookup of the i64 guest address in local `t`: on a hit, go there (a block of this unit
   *  through the dispatch switch, else a tail call with `retLocal`); on a miss, leave with RIP
   *  there. */
  jumpDyn(t: number, retLocal: number): void {
    const b = this.b;
    // i = LOOKUP + (addr & (size-1)) * 16
    b.get(t).op(OP.i32_wrap_i64).i32(LOOKUP_HASH_MUL).op(OP.i32_mul).i32(LOOKUP_HASH_SHIFT).op(OP.i32_shr_u).i32(4).op(OP.i32_shl).tee(this.ti);
    b.mem(OP.i64_load, LOOKUP, 3).get(t).op(OP.i64_eq);
    b.if_();
    {
      b.get(this.ti).mem(OP.i32_load, LOOKUP + 8, 2).tee(this.tj).i32(this.env.ownSlot).op(OP.i32_eq);
      b.if_();
      b.get(this.ti).mem(OP.i32_load, LOOKUP + 12, 2).set(this.next);
      b.br(this.loopLabel);
      b.end();
      this.storeAll();
      b.get(this.st).get(t).op(OP.f64_convert_i64_u).mem(OP.f64_store, OFF.rip, 3);
      b.get(this.st).get(this.ti).mem(OP.i32_load, LOOKUP + 12, 2).get(retLocal).get(this.depth).get(this.tj);
      b.returnCall(this.env.fnCall);
    }
    b.end();
    b.get(t);
    this.exitDyn(S_CONT);
  }

  /** Call the function at slot (an i32 on the stack is the entry) with return address ret (a
   *  constant), then go on in this block, or pass the callee's status up. */
  private callOut(pushSlotEntry: () => void, retAddr: number): void {
    const b = this.b;
    // Too deep: a tail call (the return goes through the lookup table).
    b.get(this.depth).i32(MAX_DEPTH).op(OP.i32_ge_u);
    b.if_();
    this.storeAll();
    b.get(this.st);
    pushSlotEntry(); // entry, slot
    b.set(this.tj).get(this.ret).get(this.depth).get(this.tj);
    b.returnCall(this.env.fnCall);
    b.end();
    this.storeAll();
    b.get(this.st);
    pushSlotEntry();
    b.set(this.tj).i64n(retAddr).get(this.depth).i32(1).op(OP.i32_add).get(this.tj);
    b.call(this.env.fnCall);
    b.tee(this.tc).i32(S_RET).op(OP.i32_ne);
    b.if_();
    b.get(this.tc).op(OP.return);
    b.end();
    this.loadAll();
  }

  /** The last instruction of a block when it transfers control or stops the run. */
  emitLast(inst: Inst, blk: Block): void {
    const b = this.b;
    const next = inst.addr + inst.len;
    switch (inst.op) {
      case Op.JMP:
        if (inst.k0 === K.REL) {
          this.goto(inst.target);
          return;
        }
        if (this.readRM(inst, 0, 8)) {
          b.set(this.t1);
          this.jumpDyn(this.t1, this.ret);
          return;
        }
        break;
      case Op.JCC: {
        this.cond(inst.cond);
        b.if_();
        this.inArm = true;
        this.goto(inst.target);
        this.inArm = false;
        b.end();
        this.goto(blk.end);
        return;
      }
      case Op.CALL: {
        if (inst.k0 === K.REL) {
          this.push(() => { b.i64n(next); });
          const t = inst.target;
          this.storeRip(t);
          this.callOut(() => { b.i32(0).i32(this.env.slotFor(t)); }, next);
          this.goto(blk.end);
          return;
        }
        // Indirect: the target first (it may fault), then the push.
        if (!this.readRM(inst, 0, 8)) break;
        b.set(this.t1);
        this.push(() => { b.i64n(next); });
        this.callDyn(this.t1, next);
        this.goto(blk.end);
        return;
      }
      case Op.RET: {
        const r = this.reg(R.RSP);
        b.get(r).set(this.ta);
        this.load(8);
        b.set(this.t1);
        const extra = inst.nops > 0 ? inst.imm & 0xffff : 0;
        b.get(r).i64n(8 + extra).op(OP.i64_add).set(r);
        // The address the caller expects: back to it.
        b.get(this.t1).get(this.ret).op(OP.i64_eq);
        b.if_();
        b.get(this.t1);
        this.exitDyn(S_RET);
        b.end();
        this.jumpDyn(this.t1, this.ret);
        return;
      }
    }
    // SYSCALL, INT3, CPUID, string ops at a block end...: the interpreter runs it.
    this.exitHere(S_INTERP);
  }

  /** An indirect call to the i64 address in local t (the return address pushed): through the
   *  lookup table, else leave with RIP there. */
  private callDyn(t: number, retAddr: number): void {
    const b = this.b;
    b.get(t).op(OP.i32_wrap_i64).i32(LOOKUP_HASH_MUL).op(OP.i32_mul).i32(LOOKUP_HASH_SHIFT).op(OP.i32_shr_u).i32(4).op(OP.i32_shl).tee(this.ti);
    b.mem(OP.i64_load, LOOKUP, 3).get(t).op(OP.i64_eq).op(OP.i32_eqz);
    b.if_();
    b.get(t);
    this.exitDyn(S_CONT);
    b.end();
    b.get(this.st).get(t).op(OP.f64_convert_i64_u).mem(OP.f64_store, OFF.rip, 3);
    this.callOut(() => { b.get(this.ti).mem(OP.i32_load, LOOKUP + 12, 2).get(this.ti).mem(OP.i32_load, LOOKUP + 8, 2); }, retAddr);
  }

  /** Run one instruction in the interpreter (compiled code's state goes to memory and back). */
  fallback(inst: Inst): void {
    const b = this.b;
    this.fallbacks++;
    this.storeAll();
    b.i32(this.env.instId(inst)).call(this.env.fnExec).set(this.tc);
    this.loadAll();
    b.get(this.tc).i32(S_CONT).op(OP.i32_ne);
    b.if_();
    // CODE_CHANGED: the instruction retired and changed code: leave after it.
    b.get(this.tc).i32(CODE_CHANGED).op(OP.i32_eq);
    b.if_();
    this.exit(S_CONT, inst.addr + inst.len, this.n - this.k - 1);
    b.end();
    // A stop (fault, illegal, divide...): the instruction did not retire.
    b.get(this.tc).set(this.xstat);
    b.get(this.bud).i32(this.n - this.k).op(OP.i32_add).set(this.bud);
    b.i64n(inst.addr).set(this.xrip);
    b.br(this.exitLabel);
    b.end();
  }

  // ---- registers ----

  /** Push a GPR of a size, zero-extended to i64 (r 16..19: AH CH DH BH). */
  getReg(r: number, size: number): void {
    const b = this.b;
    if (r >= 16 && r < 20) {
      b.get(this.reg(r - 16)).i64(8, 0).op(OP.i64_shr_u).i64(255, 0).op(OP.i64_and);
      return;
    }
    b.get(this.reg(r));
    this.zext(size);
  }

  /** Mask the i64 on the stack to a size (zero-extension). */
  zext(size: number): void {
    const b = this.b;
    if (size === 8) return;
    if (size === 4) {
      if (!b.isZx32()) b.i64(-1, 0).op(OP.i64_and).markZx32();
    }
    else if (size === 2) b.i64(0xffff, 0).op(OP.i64_and).markZx32();
    else if (size === 1) b.i64(0xff, 0).op(OP.i64_and).markZx32();
  }

  /** Sign-extend the i64 on the stack from a size. */
  sext(size: number): void {
    const b = this.b;
    if (size === 4) b.op(OP.i64_extend32_s);
    else if (size === 2) b.op(OP.i64_extend16_s);
    else if (size === 1) b.op(OP.i64_extend8_s);
  }

  /** Write the i64 on the stack to a GPR of a size (32-bit writes zero-extend; 8/16-bit merge). */
  setReg(r: number, size: number): void {
    const b = this.b;
    if (size === 8) {
      b.set(this.reg(r));
      return;
    }
    if (size === 4) {
      if (!b.isZx32()) b.i64(-1, 0).op(OP.i64_and);
      b.set(this.reg(r));
      return;
    }
    b.set(this.t3);
    if (r >= 16 && r < 20) {
      const l = this.reg(r - 16);
      b.get(l).i64(~0xff00, -1).op(OP.i64_and).get(this.t3).i64(0xff, 0).op(OP.i64_and).i64(8, 0).op(OP.i64_shl).op(OP.i64_or).set(l);
      return;
    }
    const l = this.reg(r);
    const m = size === 2 ? 0xffff : 0xff;
    b.get(l).i64(~m, -1).op(OP.i64_and).get(this.t3).i64(m, 0).op(OP.i64_and).op(OP.i64_or).set(l);
  }

  // ---- memory ----

  /** Push the i64 effective address of inst's memory operand (segment base included; a 67
   *  prefix truncates to 32 bits). */
  ea(inst: Inst): void {
    const b = this.b;
    if (inst.base === R.RIP) {
      b.i64n(inst.addr + inst.len + inst.disp);
      if (inst.addrsize === 4) this.zext(4);
      return;
    }
    let have = false;
    if (inst.base >= 0) {
      b.get(this.reg(inst.base));
      have = true;
    }
    if (inst.index >= 0) {
      b.get(this.reg(inst.index));
      if (inst.scale > 1) b.i64(inst.scale === 2 ? 1 : inst.scale === 4 ? 2 : 3, 0).op(OP.i64_shl);
      if (have) b.op(OP.i64_add);
      have = true;
    }
    if (!have) b.i64n(inst.disp);
    else if (inst.disp !== 0) b.i64n(inst.disp).op(OP.i64_add);
    if (inst.seg === R.FS || inst.seg === R.GS) {
      b.get(this.st).mem(OP.f64_load, inst.seg === R.FS ? OFF.fs : OFF.gs, 3).fc(7).op(OP.i64_add);
    }
    if (inst.addrsize === 4) this.zext(4);
  }

  /** The TLB test for an access of `size` at the address in local ta through a TLB (tag and
   *  offset arrays): leaves an i32 "hit" on the stack and the slot in tslot. */
  private tlbTest(tagBase: number, size: number): void {
    const b = this.b;
    b.get(this.ta).i64(12, 0).op(OP.i64_shr_u).op(OP.i32_wrap_i64).i32(WASM_TLB_SIZE - 1).op(OP.i32_and).tee(this.tslot);
    b.i32(3).op(OP.i32_shl).mem(OP.i64_load, tagBase, 3);
    b.get(this.ta);
    if (size > 1) b.i64(size - 1, 0).op(OP.i64_add);
    b.i64(12, 0).op(OP.i64_shr_u).op(OP.i64_eq);
  }

  /** Push the host offset of the hit access (slot in tslot, address in ta). */
  private hostAddr(offBase: number): void {
    this.b.get(this.tslot).i32(2).op(OP.i32_shl).mem(OP.i32_load, offBase, 2).get(this.ta).op(OP.i32_wrap_i64).op(OP.i32_add);
  }

  /** Load `size` bytes (1, 2, 4, 8) at the address in local ta: pushes the value zero-extended
   *  to i64. A miss asks the host (tier.ts); a fault leaves before the instruction. */
  load(size: number): void {
    const b = this.b;
    this.tlbTest(RTLB_TAG, size);
    b.if_(I64);
    this.hostAddr(RTLB_OFF);
    b.mem(size === 8 ? OP.i64_load : size === 4 ? OP.i64_load32_u : size === 2 ? OP.i64_load16_u : OP.i64_load8_u, 0, 0);
    b.else_();
    this.slowRead(size);
    b.get(this.st).mem(size === 8 ? OP.i64_load : size === 4 ? OP.i64_load32_u : size === 2 ? OP.i64_load16_u : OP.i64_load8_u, OFF.xfer, 0);
    b.end();
  }

  /** Load 16 bytes at ta as a v128. */
  loadV(): void {
    const b = this.b;
    this.tlbTest(RTLB_TAG, 16);
    b.if_(V128);
    this.hostAddr(RTLB_OFF);
    b.simdMem(0x00, 0, 0);
    b.else_();
    this.slowRead(16);
    b.get(this.st).simdMem(0x00, OFF.xfer, 0);
    b.end();
  }

  private slowRead(size: number): void {
    const b = this.b;
    b.get(this.ta).op(OP.f64_convert_i64_u).i32(size).call(this.env.fnRead);
    b.if_();
    this.exitHere(STOP.FAULT);
    b.end();
  }

  /** Store the low `size` bytes of the i64 in local tv at the address in ta. */
  store(size: number): void {
    const b = this.b;
    this.tlbTest(WTLB_TAG, size);
    b.if_();
    this.hostAddr(WTLB_OFF);
    b.get(this.tv).mem(size === 8 ? OP.i64_store : size === 4 ? OP.i64_store32 : size === 2 ? OP.i64_store16 : OP.i64_store8, 0, 0);
    b.else_();
    b.get(this.st).get(this.tv).mem(OP.i64_store, OFF.xfer, 0);
    this.slowWrite(size);
    b.end();
  }

  /** Store the v128 in local tq1 at ta. */
  storeV(): void {
    const b = this.b;
    this.tlbTest(WTLB_TAG, 16);
    b.if_();
    this.hostAddr(WTLB_OFF);
    b.get(this.tq1).simdMem(0x0b, 0, 0);
    b.else_();
    b.get(this.st).get(this.tq1).simdMem(0x0b, OFF.xfer, 0);
    this.slowWrite(16);
    b.end();
  }

  /** Check that [ta, ta+size) can be written, without writing (an instruction that must not
   *  change anything when its store would fault: the store comes after a register write). */
  private slowWrite(size: number): void {
    const b = this.b;
    b.get(this.ta).op(OP.f64_convert_i64_u).i32(size).call(this.env.fnWrite).tee(this.tc);
    b.if_();
    // 1: a fault; 2: the page holds decoded code (the interpreter does the store).
    b.get(this.tc).i32(1).op(OP.i32_eq);
    b.if_();
    this.exitHere(STOP.FAULT);
    b.end();
    this.exitHere(S_INTERP);
    b.end();
  }

  /** Push the i64 value of operand j of a size, REG/MEM/IMM, zero-extended; false when the
   *  operand is of another kind (the caller falls back). A memory operand's address stays in ta. */
  readOp(inst: Inst, j: number, size: number): boolean {
    const k = j === 0 ? inst.k0 : j === 1 ? inst.k1 : inst.k2;
    const r = j === 0 ? inst.r0 : j === 1 ? inst.r1 : inst.r2;
    if (k === K.REG) {
      if (!(r >= 0 && r < 20)) return false;
      this.getReg(r, size);
      return true;
    }
    if (k === K.MEM) {
      this.ea(inst);
      this.b.set(this.ta);
      this.load(size);
      return true;
    }
    if (k === K.IMM) {
      this.imm(inst, size);
      return true;
    }
    return false;
  }

  /** A register or memory operand (JMP/CALL targets). */
  readRM(inst: Inst, j: number, size: number): boolean {
    const k = j === 0 ? inst.k0 : inst.k1;
    if (k !== K.REG && k !== K.MEM) return false;
    if (k === K.REG && (j === 0 ? inst.r0 : inst.r1) >= 16) return false;
    return this.readOp(inst, j, size);
  }

  /** Push the immediate of a size as an i64 (the decoder extended it to the operand size). */
  imm(inst: Inst, size: number): void {
    const b = this.b;
    switch (size) {
      case 8: b.i64(inst.imm, inst.immHi); break;
      case 4: b.i64(inst.imm, 0); break;
      case 2: b.i64(inst.imm & 0xffff, 0); break;
      default: b.i64(inst.imm & 0xff, 0); break;
    }
  }

  /** Push a 64-bit value with `emit` and store it at RSP-8, then RSP -= 8 (the store first: a
   *  fault leaves RSP unchanged). */
  push(emit: () => void): void {
    const b = this.b;
    const r = this.reg(R.RSP);
    emit();
    b.set(this.tv);
    b.get(r).i64(8, 0).op(OP.i64_sub).set(this.ta);
    this.store(8);
    b.get(this.ta).set(r);
  }

  // ---- flags ----

  /** Record a setter's operands (from the i64 temps) in the flag locals. */
  setFlags(kind: number, size: number, res: number, dst: number, src: number): void {
    const b = this.b;
    b.get(res).set(this.fr);
    b.get(dst).set(this.fd);
    b.get(src).set(this.fs);
    b.i32(kind).set(this.fk);
    b.i32(size).set(this.fsz);
    this.known = { kind, size };
  }

  /** Push the arithmetic flags (CF PF AF ZF SF OF) of the current lazy state as an i32. */
  arith(): void {
    const b = this.b;
    b.get(this.fk).get(this.fsz).get(this.fr).get(this.fd).get(this.fs).get(this.fa).get(this.fb).call(this.env.fnArith);
  }

  /** Set materialized flags from the i32 on the stack. */
  setBits(): void {
    const b = this.b;
    b.set(this.fb);
    b.i32(0).set(this.fk);
    this.known = null;
  }

  /** Push the condition code cc (0..15) as an i32 0/1. */
  cond(cc: number): void {
    const b = this.b;
    const k = this.known;
    if (k !== null) {
      const s = k.size;
      const sx = (v: number): void => {
        b.get(v);
        this.sext(s);
      };
      const zero = (): void => {
        b.get(this.fr).op(OP.i64_eqz);
      };
      const neg = (): void => {
        sx(this.fr);
        b.i64(0, 0).op(OP.i64_lt_s);
      };
      if (k.kind === Lazy.SUB) {
        switch (cc) {
          case 2: b.get(this.fd).get(this.fs).op(OP.i64_lt_u); return;
          case 3: b.get(this.fd).get(this.fs).op(OP.i64_ge_u); return;
          case 4: b.get(this.fd).get(this.fs).op(OP.i64_eq); return;
          case 5: b.get(this.fd).get(this.fs).op(OP.i64_ne); return;
          case 6: b.get(this.fd).get(this.fs).op(OP.i64_le_u); return;
          case 7: b.get(this.fd).get(this.fs).op(OP.i64_gt_u); return;
          case 8: neg(); return;
          case 9: neg(); b.op(OP.i32_eqz); return;
          case 12: sx(this.fd); sx(this.fs); b.op(OP.i64_lt_s); return;
          case 13: sx(this.fd); sx(this.fs); b.op(OP.i64_ge_s); return;
          case 14: sx(this.fd); sx(this.fs); b.op(OP.i64_le_s); return;
          case 15: sx(this.fd); sx(this.fs); b.op(OP.i64_gt_s); return;
        }
      } else if (k.kind === Lazy.LOGIC) {
        switch (cc) {
          case 0: case 2: b.i32(0); return;
          case 1: case 3: b.i32(1); return;
          case 4: case 6: zero(); return;
          case 5: case 7: zero(); b.op(OP.i32_eqz); return;
          case 8: case 12: neg(); return;
          case 9: case 13: neg(); b.op(OP.i32_eqz); return;
          case 14: zero(); neg(); b.op(OP.i32_or); return;
          case 15: zero(); neg(); b.op(OP.i32_or).op(OP.i32_eqz); return;
        }
      } else if (k.kind === Lazy.ADD || k.kind === Lazy.INC || k.kind === Lazy.DEC) {
        switch (cc) {
          case 4: zero(); return;
          case 5: zero(); b.op(OP.i32_eqz); return;
          case 8: neg(); return;
          case 9: neg(); b.op(OP.i32_eqz); return;
        }
        if (k.kind === Lazy.ADD && (cc === 2 || cc === 3)) {
          b.get(this.fr).get(this.fd).op(cc === 2 ? OP.i64_lt_u : OP.i64_ge_u);
          return;
        }
      }
    }
    b.get(this.fk).get(this.fsz).get(this.fr).get(this.fd).get(this.fs).get(this.fa).get(this.fb).i32(cc).call(this.env.fnCond);
  }

  /** Push CF as an i32 0/1. */
  carry(): void {
    const k = this.known;
    if (k !== null && (k.kind === Lazy.INC || k.kind === Lazy.DEC)) {
      this.b.get(this.fa).i32(1).op(OP.i32_and);
      return;
    }
    if (k !== null && k.kind === Lazy.LOGIC) {
      this.b.i32(0);
      return;
    }
    this.cond(2);
  }
}

/** Returned by the exec import when the instruction changed code (the function may be stale). */
export const CODE_CHANGED = 102;

/** Ops that end a block by stopping (SYSCALL, INT3, ...) rather than by a plain transfer. */
export function isStopper(op: number): boolean {
  switch (op) {
    case Op.SYSCALL: case Op.INT3: case Op.INT: case Op.INT1: case Op.HLT: case Op.UD0: case Op.UD1: case Op.UD2:
    case Op.INVALID: case Op.LJMP: case Op.LCALL: case Op.LRET: case Op.IRET: case Op.SYSENTER: case Op.SYSEXIT:
    case Op.SYSRET: case Op.XBEGIN: case Op.XABORT:
      return true;
  }
  return false;
}

