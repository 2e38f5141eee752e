// The function compiler of the WebAssembly tier: one unit (unit.ts) becomes one wasm function
// (state, entry, expected return address, depth) -> status. The guest registers the unit touches
// live in i64 locals, the lazy flags in locals (the interpreter's format, so an exit stores them
// as they are), and the blocks are laid out as a switch with fall-through: a forward branch is a
// `br`, a backward one goes through the `br_table` at the loop head, which is also how the
// dispatcher enters at any block. fn.ts holds the emitting context; emit-int.ts and emit-vec.ts
// the instruction emitters.

import { P, type Inst } from "../x86/inst.js";
import { setsRip } from "../x86/facts.js";
import { OP } from "./wasm.js";
import type { Body } from "./wasm.js";
import { S_CONT } from "./core.js";
import type { Unit } from "./unit.js";
import { FnCompiler, isStopper, type CompileEnv } from "./fn.js";
import { successors } from "./unit.js";
import { Op } from "../x86/ops.generated.js";
import { emitInt } from "./emit-int.js";
import { emitVec } from "./emit-vec.js";

export { MAX_DEPTH, CODE_CHANGED, type CompileEnv } from "./fn.js";

/** Statistics (rt0 run --stats-file). */
export const compileStats = { units: 0, insts: 0, fallback: 0, bytes: 0, ms: 0, modules: 0 };

/** The blocks control can enter from outside the straight-line flow of the unit: the entry,
 *  targets of backward branches (through the loop head), return points after calls and the
 *  blocks after a syscall or other stopper (the run loop re-enters there), and blocks no branch
 *  of the unit reaches (entered by an indirect jump, a return or the run loop). Only these are
 *  targets of the dispatch `br_table`: every target is a merge of all the locals, which makes
 *  V8's optimizing compiler slow and its code worse; the other blocks are reached only by the
 *  branches that lead to them. */
export function entryBlocks(unit: Unit, forced?: ReadonlySet<number>): boolean[] {
  const nb = unit.blocks.length;
  const entry = new Array<boolean>(nb).fill(false);
  const reached = new Array<boolean>(nb).fill(false);
  entry[0] = true;
  unit.blocks.forEach((blk, j) => {
    const last = blk.insts[blk.insts.length - 1];
    const s = successors(blk);
    for (const t of [s.fall, s.taken]) {
      if (t < 0) continue;
      const i = unit.index.get(t);
      if (i === undefined) continue;
      reached[i] = true;
      if (i <= j) entry[i] = true;
    }
    if (s.fall >= 0 && (last.op === Op.CALL || isStopper(last.op))) {
      const i = unit.index.get(s.fall);
      if (i !== undefined) entry[i] = true;
    }
  });
  for (let j = 0; j < nb; j++) if (!reached[j] || forced?.has(unit.blocks[j].addr) === true) entry[j] = true;
  return entry;
}

/** The whole function: prologue, the dispatch switch over the blocks, the exit path. */
function compile(fc: FnCompiler): void {
  const b = fc.b;
  fc.loadAll();
  b.get(fc.entry).set(fc.next);
  fc.exitLabel = b.block();
  fc.loopLabel = b.loop();
  const nb = fc.unit.blocks.length;
  fc.blockLabels = new Array<number>(nb);
  for (let j = nb - 1; j >= 0; j--) fc.blockLabels[j] = b.block();
  const trap = b.block();
  b.get(fc.next);
  const entry = fc.entries;
  b.brTable(fc.blockLabels.map((l, j) => (entry[j] ? l : trap)), trap);
  // Only entry blocks are entered by number: anything else is a bug of the tier.
  b.end();
  b.op(OP.unreachable);
  for (let j = 0; j < nb; j++) {
    b.end(); // closes block j's label: its code follows
    emitBlock(fc, j);
  }
  b.end(); // loop
  b.end(); // exit block
  // The exit path: state back to memory, then the status.
  fc.storeAll();
  b.get(fc.st).get(fc.xrip).op(OP.f64_convert_i64_u);
  fc.storeRipFromStack();
  b.get(fc.xstat);
}

function emitBlock(fc: FnCompiler, j: number): void {
  const b = fc.b;
  const blk = fc.unit.blocks[j];
  const insts = blk.insts;
  const n = insts.length;
  fc.j = j;
  fc.n = n;
  fc.k = 0;
  fc.known = null;
  // Budget: the whole block, or leave (the interpreter runs what is left of the slice).
  b.get(fc.bud).i32(n).op(OP.i32_sub).tee(fc.bud).i32(0).op(OP.i32_lt_s);
  b.if_();
  fc.exit(S_CONT, blk.addr, n);
  b.end();
  for (let k = 0; k < n; k++) {
    const inst = insts[k];
    fc.k = k;
    if (k === n - 1 && (setsRip(inst.op) || isStopper(inst.op))) {
      fc.emitLast(inst, blk);
      return;
    }
    emitInst(fc, inst);
  }
  fc.goto(blk.end);
}

function emitInst(fc: FnCompiler, inst: Inst): void {
  if ((inst.pfx & (P.VEX | P.EVEX | P.XOP)) === 0 && (emitInt(fc, inst) || emitVec(fc, inst))) {
    fc.compiled++;
    return;
  }
  fc.fallback(inst);
}

/** Compile a unit's function body (two passes: the first finds the registers it uses). */
export function compileFunction(unit: Unit, env: CompileEnv): Body {
  const used = new Array<boolean>(16).fill(false);
  const entries = entryBlocks(unit, env.forcedEntries);
  for (;;) {
    const fc = new FnCompiler(unit, env, used);
    fc.entries = entries;
    compile(fc);
    if (!fc.incomplete) {
      compileStats.insts += fc.compiled;
      compileStats.fallback += fc.fallbacks;
      return fc.b;
    }
  }
}

