// The x86-64 user-mode interpreter: run(maxInstructions) executes decoded blocks from the shared
// cache over the state buffer (state.ts) and guest memory (Space), with lazy flags (flags.ts),
// handing hot blocks to the JIT tier. Each instruction runs in its family's handler
// (src/cpu/ops/, dispatched by handlers.generated.ts from the instruction table); the hottest
// forms through the specialized handlers of ops/hot.ts. Operand access is in core.ts.

import { STOP, type Cpu, type CpuModel, type StopReason } from "./api.js";
import type { Memory } from "../mem/api.js";
import { MEM_FAULT } from "../mem/space.js";
import { type Inst } from "../x86/inst.js";
import { Op, OP_NAMES } from "../x86/ops.generated.js";
import { Block, DecodeCache, setsRip } from "./cache.js";
import { CpuCore } from "./core.js";
import { execute } from "./handlers.generated.js";
import { execHot, Hot, specialize } from "./ops/hot.js";
import { RIP_F64, CONT, UNHANDLED } from "./state.js";
import { compileBlock, traceBlocks, type JitFn } from "./jit.js";

/** A per-instruction hook: return true to stop the run (STOP.HOOK) before the instruction. */
export type CodeHook = (addr: number) => boolean;

export { specialize };

/** Default hotness threshold of the JIT tier (interpreted entries before compiling a block). */
export const JIT_THRESHOLD = 2000;

export class X86Cpu extends CpuCore implements Cpu {
  readonly cache: DecodeCache;
  private codeHook: CodeHook | null = null;
  /** Interpreted entries before a block is compiled (0: at once; Infinity: never). */
  jitThreshold = JIT_THRESHOLD;
  /** Set by compiled code: the address of the instruction that stopped or faulted, and the
   *  instructions the call retired (before it). */
  jitAt = 0;
  jitDone = 0;
  /** A trace takes in only blocks that already ran (are in the cache): cold paths stay out. */
  private readonly blockAt = (addr: number): Block | null => this.cache.get(addr) ?? null;

  constructor(mem: Memory, model: CpuModel, cache?: DecodeCache) {
    super(mem, model);
    // A cache belongs to one address space (a forked process gets its own).
    this.cache = cache !== undefined && cache.mem === this.space ? cache : new DecodeCache(this.space);
    this.cache.specialize = specialize;
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

  run(maxInstructions: number): StopReason {
    if (this.codeHook !== null) return this.runHooked(maxInstructions);
    const f64 = this.f64;
    let done = 0;
    let prev: Block | null = null;
    let stop: number = STOP.SLICE_END;
    let stalled = false;
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
      if (prev !== null) {
        // Edge counts for the trace former (only interpreted blocks need them).
        if (rip === prev.end) prev.nNext++;
        else prev.nTaken++;
      }
      const insts = b.insts;
      const hids = b.hids;
      let n = insts.length;
      if (b.jit === null && b.hits++ >= this.jitThreshold) b.jit = compileBlock(b, traceBlocks(b, this.blockAt), this.space);
      if (b.jit !== null && b.jitLen <= maxInstructions - done && !stalled) {
        done += this.runChain(b, maxInstructions - done);
        const r = this.chainStop;
        if (r !== CONT) {
          stop = r;
          break;
        }
        prev = this.chainLast;
        // A trace that left before its first instruction (a TLB miss): the interpreter runs
        // this block once.
        stalled = this.chainStalled;
        continue;
      }
      stalled = false;
      if (n > maxInstructions - done) n = maxInstructions - done;
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

  /** How the last runChain ended: CONT (the next block is not compiled or does not fit) or a
   *  STOP code with RIP set; and the last block it ran (for the successor slots). */
  private chainStop: number = CONT;
  private chainLast: Block | null = null;
  /** The last compiled call ran no instruction (it left at its entry: a TLB miss there). */
  private chainStalled = false;

  /** Run compiled blocks from b (compiled, fitting the budget) for as long as the next block
   *  is compiled and fits; returns the instructions retired. */
  private runChain(b: Block, budget: number): number {
    const g = this.g, f64 = this.f64, space = this.space, cache = this.cache;
    let done = 0;
    let jb = b;
    let before: Block | null = null;
    this.chainStop = CONT;
    this.chainStalled = false;
    try {
      for (;;) {
        const r = (jb.jit as JitFn)(this, g, f64, space, budget - done);
        if (r !== CONT) {
          // STOP.* from an instruction: SYSCALL/BREAKPOINT count as retired; others do not.
          if (r === STOP.SYSCALL || r === STOP.BREAKPOINT) done++;
          else f64[RIP_F64] = this.jitAt;
          this.chainStop = r;
          return done + this.jitDone;
        }
        if (this.jitDone === 0) {
          // Left at its entry: back to the run loop, which interprets this block.
          this.chainStalled = true;
          this.chainLast = before;
          return done;
        }
        done += this.jitDone;
        const rip = f64[RIP_F64];
        let nb = jb.next;
        if (nb === null || nb.addr !== rip || !nb.valid) {
          nb = jb.taken;
          if (nb === null || nb.addr !== rip || !nb.valid) {
            const c = cache.lookup(rip);
            if (c === undefined) break;
            nb = c;
            if (rip === jb.end) jb.next = nb;
            else jb.taken = nb;
          }
        }
        if (nb.jit === null || nb.jitLen > budget - done) break;
        before = jb;
        jb = nb;
      }
    } catch (e) {
      if (e !== MEM_FAULT) throw e;
      f64[RIP_F64] = this.jitAt;
      this.takeFault();
      this.chainStop = STOP.FAULT;
      return done + this.jitDone;
    }
    this.chainLast = jb;
    return done;
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

  private takeFault(): void {
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
