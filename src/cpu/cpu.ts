// The x86-64 user-mode interpreter: run(maxInstructions) executes decoded blocks from the shared
// cache over the state buffer (state.ts) and guest memory (Space), with lazy flags (flags.ts),
// handing the functions of hot blocks to the WebAssembly tier (src/jit). Each instruction runs in its family's handler
// (src/cpu/ops/, dispatched by handlers.generated.ts from the instruction table); the hottest
// forms through the specialized handlers of ops/hot.ts. Operand access is in core.ts.

import { STOP, TIER_CONT, TIER_INTERP, type Cpu, type CpuModel, type StopReason } from "./api.js";
import type { Memory } from "../mem/api.js";
import { MEM_FAULT } from "../mem/space.js";
import { type Inst } from "../x86/inst.js";
import { Op, OP_NAMES } from "../x86/ops.generated.js";
import { Block, DecodeCache, setsRip } from "./cache.js";
import { CpuCore } from "./core.js";
import { execute } from "./handlers.generated.js";
import { execHot, Hot, specialize } from "./ops/hot.js";
import { RIP_F64, CODE_CHANGED, CONT, UNHANDLED } from "./state.js";
import { compare, peek, snapshot, TierMismatch, undo, WriteLog } from "./tiercheck.js";

/** A compiled tier as the run loop uses it (src/jit/tier.ts implements it). */
export interface CompiledTier {
  /** Run compiled code from block b (b.wslot > 0; -1: compiled inside a unit but entered only by
   *  its branches) with a budget: TIER_CONT, TIER_INTERP or a
   *  STOP code, RIP in the state; `ran` = instructions retired. */
  enter(cpu: X86Cpu, b: Block, budget: number): number;
  ran: number;
  /** b reached the hotness threshold in the interpreter. */
  hot(b: Block): void;
  /** The interpreter ran another block (a waiting batch compiles after a while). */
  tick(): void;
  /** Compile a function at its first entry (no batching delay). */
  eager: boolean;
}

/** A per-instruction hook: return true to stop the run (STOP.HOOK) before the instruction. */
export type CodeHook = (addr: number) => boolean;

export { specialize };

/** Default hotness threshold of the compiled tier: interpreted entries of a block before its
 *  function is compiled to WebAssembly. */
export const JIT_THRESHOLD = 200;

export class X86Cpu extends CpuCore implements Cpu {
  readonly cache: DecodeCache;
  private codeHook: CodeHook | null = null;
  /** Interpreted entries before a block's function is compiled (0: at once; Infinity: never). */
  private threshold = JIT_THRESHOLD;
  /** The compiled tier of this address space (null: interpreter only). */
  private tier: CompiledTier | null = null;

  constructor(mem: Memory, model: CpuModel, cache?: DecodeCache) {
    super(mem, model);
    // A cache belongs to one address space (a forked process gets its own).
    this.cache = cache !== undefined && cache.mem === this.space ? cache : new DecodeCache(this.space);
    this.cache.specialize = specialize;
  }

  /** Give the CPU a compiled tier (src/jit's WasmTier, one per address space), or none. */
  setTier(t: CompiledTier | null): void {
    this.tier = this.threshold === Infinity ? null : t;
    this.givenTier = t;
    if (this.tier !== null) this.tier.eager = this.threshold === 0;
  }
  private givenTier: CompiledTier | null = null;

  /** Interpreted entries of a block before its function is compiled (0: compile on first entry,
   *  with no batching; Infinity: interpreter only). */
  get jitThreshold(): number {
    return this.threshold;
  }
  set jitThreshold(n: number) {
    this.threshold = n;
    this.setTier(this.givenTier);
  }

  get retired(): number {
    return this.retiredCount;
  }

  /** Attach (or detach with null) a per-instruction hook; runs then take the slow loop. */
  setCodeHook(h: CodeHook | null): void {
    this.codeHook = h;
  }
  /** Attach a memory-write hook (addr, size) called before each CPU store. */
  setWriteHook(h: ((addr: number, size: number) => void) | null): void {
    this.space.setWriteHook(h);
  }

  private disposed = false;
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.space.freeState(this.s.offset);
  }

  copyStateFrom(other: Cpu): void {
    if (other instanceof X86Cpu) {
      this.s.u8.set(other.s.u8);
      return;
    }
    for (let r = 0; r < 16; r++) this.setRegBig(r, other.getRegBig(r));
    this.rip = other.rip;
    this.rflags = other.rflags;
    this.fsBase = other.fsBase;
    this.gsBase = other.gsBase;
    this.fxrstor(other.fxsave());
  }


  // ---- the run loop ----

  run(maxInstructions: number, toBlockEnd = false): StopReason {
    if (this.codeHook !== null) return this.runHooked(maxInstructions);
    const f64 = this.f64;
    let done = 0;
    let prev: Block | null = null;
    let stop: number = STOP.SLICE_END;
    const tier = this.tier;
    while (done < maxInstructions) {
      const rip = f64[RIP_F64];
      let b: Block | null = null;
      if (prev !== null) {
        // Two successor slots (fall-through and taken) avoid the Map for most transitions.
        const nb: Block | null = prev.next;
        if (nb !== null && nb.addr === rip && nb.valid) b = nb;
        else {
          const tb: Block | null = prev.taken;
          if (tb !== null && tb.addr === rip && tb.valid) b = tb;
        }
      }
      if (b === null) {
        const cached = this.cache.lookup(rip);
        if (cached !== undefined) b = cached;
        else {
          try {
            b = this.cache.build(rip);
          } catch (e) {
            if (e !== MEM_FAULT) throw e;
            this.takeFault();
            stop = STOP.FAULT;
            break;
          }
        }
        if (prev !== null) {
          if (rip === prev.end) prev.next = b;
          else prev.taken = b;
        }
      }
      if (tier !== null) {
        if (b.wslot <= 0) {
          // A compiled block that is no entry (wslot < 0) counts only when the run loop reaches
          // it in mid-slice (an indirect jump or a return the lookup table missed): the first
          // block of a slice, and a block compiled code left at because it did not fit what was
          // left of the slice, are where slices happen to end, not entries to add.
          const counts = b.wslot === 0 || (done !== 0 && maxInstructions - done >= b.insts.length);
          if (counts && b.hits++ >= this.threshold) tier.hot(b);
          else tier.tick();
        }
        if (b.wslot > 0) {
          // Compiled: run it (it goes on through other compiled functions as far as it can).
          const r = this.checkTier ? this.checkedEnter(tier, b, maxInstructions - done) : tier.enter(this, b, maxInstructions - done);
          done += tier.ran;
          prev = null;
          if (r === TIER_CONT) {
            // Left at once (the block does not fit what is left of the slice): the interpreter
            // runs the rest.
            if (tier.ran !== 0 || f64[RIP_F64] !== b.addr) continue;
          } else if (r === TIER_INTERP) {
            // The interpreter runs the instruction compiled code left at (a syscall, a store to
            // a page holding code, an instruction the tier does not compile).
            const s1 = this.stepOne();
            done += this.stepped;
            if (s1 === CONT) continue;
            stop = s1;
            break;
          } else {
            stop = r;
            break;
          }
        }
      }
      const insts = b.insts;
      const hids = b.hids;
      let n = insts.length;
      if (n > maxInstructions - done && !toBlockEnd) n = maxInstructions - done;
      let i = 0;
      let r = CONT;
      try {
        for (; i < n; i++) {
          const h = hids[i];
          r = h === Hot.GENERIC ? this.exec(insts[i]) : this.fast(insts[i], h);
          if (r !== CONT) break;
        }
      } catch (e) {
        if (e !== MEM_FAULT) throw e;
        const inst = insts[i];
        f64[RIP_F64] = inst.addr;
        this.takeFault();
        done += i;
        stop = STOP.FAULT;
        break;
      }
      if (r !== CONT) {
        if (r === CODE_CHANGED) {
          // The block's code was written by one of its instructions: decode from here again.
          f64[RIP_F64] = insts[i].addr;
          done += i;
          prev = null;
          continue;
        }
        // STOP.* from the instruction: SYSCALL/BREAKPOINT count as retired; faults do not.
        if (r === STOP.SYSCALL || r === STOP.BREAKPOINT) i++;
        else f64[RIP_F64] = insts[i].addr;
        done += i;
        stop = r;
        break;
      }
      done += n;
      if (n < insts.length || !b.endsInTransfer) f64[RIP_F64] = insts[n - 1].addr + insts[n - 1].len;
      prev = b;
    }
    this.retiredCount += done;
    return stop as StopReason;
  }

  /** Check the compiled tier against the interpreter at every entry (rt0 run --check-jit):
   *  a difference throws TierMismatch. */
  checkTier = false;

  /** Enter compiled code, then run the same instructions from the same state in the
   *  interpreter and compare (tiercheck.ts); the interpreter's state and memory are kept. */
  private checkedEnter(tier: CompiledTier, b: Block, budget: number): number {
    const start = this.s.u8.slice();
    const first = this.checkOnce(tier, b, budget, start, false);
    if (first.diff === "") return first.r;
    // Find the shortest run that differs (compiled code stops at block boundaries).
    let found = first;
    for (let k = 1; k < first.ran; k++) {
      const t = this.checkOnce(tier, b, k, start, true);
      if (t.diff !== "") {
        found = t;
        break;
      }
    }
    const at = (n: number): string => "0x" + n.toString(16);
    const from = new DataView(start.buffer).getFloat64(RIP_F64 * 8, true);
    // The instructions of that run, as the interpreter ran them.
    const path: string[] = [];
    if (found.ran <= 64) {
      this.codeHook = (rip: number): boolean => {
        const inst = (this.cache.lookup(rip) ?? this.cache.build(rip)).insts[0];
        path.push(`${at(rip)} ${OP_NAMES[inst.op] ?? "?"}`);
        return false;
      };
      try {
        this.checkOnce(tier, b, found.ran, start, true);
      } finally {
        this.codeHook = null;
      }
    }
    const trail = path.length > 0 ? `\n  instructions: ${path.join("; ")}` : "";
    throw new TierMismatch(`compiled code entered at ${at(from)} (after ${this.retiredCount} instructions) differs from the interpreter after ${found.ran} instructions (status ${found.r}): ${found.diff}${trail}`);
  }

  /** One checked entry with a budget: compiled, undone, interpreted, compared. The interpreter's
   *  result stays (or, with `undoAll`, the start state and memory come back). */
  private checkOnce(tier: CompiledTier, b: Block, budget: number, start: Uint8Array, undoAll: boolean): { diff: string; r: number; ran: number } {
    const sp = this.space;
    this.s.u8.set(start);
    const logC = new WriteLog(sp);
    sp.setWriteHook(logC.hook);
    let r: number;
    try {
      r = tier.enter(this, b, budget);
    } finally {
      sp.setWriteHook(null);
    }
    const ran = tier.ran;
    const compiled = snapshot(this);
    const compiledBytes = new Map<number, number>();
    for (const a of logC.old.keys()) compiledBytes.set(a, peek(sp, a));
    undo(sp, logC);
    this.s.u8.set(start);
    const logI = new WriteLog(sp);
    sp.setWriteHook(logI.hook);
    const saved = this.tier;
    const before = this.retiredCount;
    let ri: number = STOP.SLICE_END;
    this.tier = null;
    try {
      if (ran > 0) ri = this.run(ran);
    } finally {
      this.tier = saved;
      sp.setWriteHook(null);
    }
    const interpRan = this.retiredCount - before;
    this.retiredCount = before;
    for (const [a, v] of logI.old) if (!compiledBytes.has(a)) compiledBytes.set(a, v);
    let diff = compare(compiled, snapshot(this), sp, compiledBytes, compiledBytes.keys());
    if (interpRan !== ran) diff = `the interpreter ran ${interpRan} (stop ${ri}); ${diff}`;
    if (undoAll) {
      undo(sp, logI);
      this.s.u8.set(start);
    }
    tier.ran = ran;
    return { diff, r, ran };
  }

  /** Instructions the last stepOne retired (0 or 1). */
  private stepped = 0;

  /** Run the one instruction at RIP in the interpreter: CONT, or the STOP code it ended with. */
  private stepOne(): number {
    const f64 = this.f64;
    const rip = f64[RIP_F64];
    this.stepped = 0;
    let inst: Inst;
    try {
      const b = this.cache.lookup(rip) ?? this.cache.build(rip);
      inst = b.insts[0];
      const r = this.exec(inst);
      if (r !== CONT) {
        if (r === STOP.SYSCALL || r === STOP.BREAKPOINT) this.stepped = 1;
        else f64[RIP_F64] = inst.addr;
        return r;
      }
    } catch (e) {
      if (e !== MEM_FAULT) throw e;
      f64[RIP_F64] = rip;
      this.takeFault();
      return STOP.FAULT;
    }
    this.stepped = 1;
    if (!setsRip(inst.op)) f64[RIP_F64] = inst.addr + inst.len;
    return CONT;
  }

  /** The slow loop used while a code hook is attached: one instruction at a time. */
  private runHooked(maxInstructions: number): StopReason {
    const f64 = this.f64;
    let done = 0;
    let stop: number = STOP.SLICE_END;
    const hook = this.codeHook as CodeHook;
    while (done < maxInstructions) {
      const rip = f64[RIP_F64];
      if (hook(rip)) {
        stop = STOP.HOOK;
        break;
      }
      let inst: Inst;
      try {
        const b = this.cache.get(rip) ?? this.cache.build(rip);
        inst = b.insts[0];
        const r = this.exec(inst);
        if (r !== CONT) {
          if (r === STOP.SYSCALL || r === STOP.BREAKPOINT) done++;
          else f64[RIP_F64] = inst.addr;
          stop = r;
          break;
        }
      } catch (e) {
        if (e !== MEM_FAULT) throw e;
        f64[RIP_F64] = rip;
        this.takeFault();
        stop = STOP.FAULT;
        break;
      }
      done++;
      if (!setsRip(inst.op)) f64[RIP_F64] = inst.addr + inst.len;
    }
    this.retiredCount += done;
    return stop as StopReason;
  }

  /** Record the details of the Space fault just raised. */
  takeFault(): void {
    this.faultAddr = this.space.faultAddr;
    this.faultAccess = this.space.faultAccess;
    this.faultProtection = this.space.faultProtection;
  }


  // ---- one instruction ----

  /** Execute one instruction in its family's handler; ILLEGAL naming it when no family
   *  executes it (decoded only, or a form its family does not implement). */
  exec(inst: Inst): number {
    const r = execute(this, inst);
    if (r !== UNHANDLED) return r;
    if (inst.op === Op.INVALID) return this.illegal(inst, "undecodable bytes");
    return this.illegal(inst, `${OP_NAMES[inst.op] ?? "?"} (not implemented)`);
  }

  /** Execute one instruction through its specialized handler h (ops/hot.ts). */
  fast(inst: Inst, h: number): number {
    const r = execHot(this, inst, h);
    return r !== UNHANDLED ? r : this.exec(inst);
  }
}
