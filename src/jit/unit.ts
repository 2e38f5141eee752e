// Unit formation for the compiled tier: the decoded blocks that become one WebAssembly function.
// For Go code the unit is the guest function (bounds from the pclntab, through a callback); for
// other code, the blocks reachable from a hot entry by direct jumps and fall-throughs. Calls end
// nothing: the block after a call is the return point, part of the unit. Blocks are laid out by
// address, so most branches are forward.

import { K, type Inst } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { MEM_FAULT } from "../mem/space.js";
import type { Block, DecodeCache } from "../cpu/cache.js";

import type { FunctionBounds } from "../mem/api.js";

/** Most guest instructions in one unit (a larger function is cut: its far blocks are exits). */
export const MAX_UNIT_INSTS = 4000;

export interface Unit {
  /** Address of block 0 (the function's entry, or the hot block when bounds are unknown). */
  entry: number;
  /** The blocks by address; index = entry number. */
  blocks: Block[];
  /** Block index by address. */
  index: Map<number, number>;
  /** Guest function bounds when known (direct jumps outside are tail calls). */
  bounds: { start: number; end: number; name?: string } | null;
  /** Guest instructions in the unit. */
  insts: number;
}

/** The direct successors of a block inside a unit: fall-through and taken target (-1: none). */
export function successors(b: Block): { fall: number; taken: number } {
  const insts = b.insts;
  const last: Inst = insts[insts.length - 1];
  switch (last.op) {
    case Op.JCC: case Op.JRCXZ: case Op.LOOP: case Op.LOOPE: case Op.LOOPNE:
      return { fall: b.end, taken: last.target };
    case Op.JMP:
      return { fall: -1, taken: last.k0 === K.REL ? last.target : -1 };
    case Op.CALL:
      // The callee is another unit; the return point is this one's.
      return { fall: b.end, taken: -1 };
    case Op.RET: case Op.LRET: case Op.IRET: case Op.LJMP: case Op.UD0: case Op.UD1: case Op.UD2: case Op.INVALID:
    case Op.HLT: case Op.INT3: case Op.INT: case Op.INT1:
      // Nothing runs after these in the normal flow (INT3 is padding between Go functions).
      return { fall: -1, taken: -1 };
    default:
      // Cut at the block size or a page end, or a SYSCALL/INT3 (the run goes on after them).
      return { fall: b.end, taken: -1 };
  }
}

/** How a unit chooses its blocks. */
export interface UnitOptions {
  /** Only blocks that have run (interpreted, or compiled before): the paths a function has not
   *  taken are exits to the interpreter, which recompiles the unit when one of them gets hot.
   *  Less code to compile, and V8's optimizing tier compiles small functions much faster. */
  executedOnly: boolean;
  /** More blocks to start from (the blocks of the unit's previous compile: indirect-jump targets
   *  that direct branches do not reach). */
  seeds?: number[];
}

/** Has the block run? (Interpreted entries counted, or compiled in a unit.) */
function executed(b: Block): boolean {
  return b.hits > 0 || b.wslot !== 0;
}

/** Form the unit for a hot block. Blocks are decoded as needed (a fault ends that path). */
export function formUnit(cache: DecodeCache, seed: Block, bounds: FunctionBounds | null, opts: UnitOptions = { executedOnly: false }): Unit {
  const fb = bounds !== null ? bounds(seed.addr) : null;
  const entry = fb !== null ? fb.start : seed.addr;
  const inside = (a: number): boolean => fb === null || (a >= fb.start && a < fb.end);
  const found = new Map<number, Block>();
  const work = [entry];
  if (opts.seeds !== undefined) for (const a of opts.seeds) if (a !== entry) work.push(a);
  if (seed.addr !== entry) work.push(seed.addr);
  let insts = 0;
  while (work.length > 0) {
    const a = work.pop() as number;
    if (found.has(a) || !inside(a)) continue;
    let b = cache.get(a);
    if (opts.executedOnly && a !== entry && a !== seed.addr && (b === undefined || !b.valid || !executed(b))) continue;
    if (b === undefined || !b.valid) {
      try {
        b = cache.build(a);
      } catch (e) {
        if (e !== MEM_FAULT) throw e;
        continue;
      }
    }
    if (b.insts.length === 0) continue;
    if (insts + b.insts.length > MAX_UNIT_INSTS && a !== entry && a !== seed.addr) continue;
    found.set(a, b);
    insts += b.insts.length;
    const s = successors(b);
    if (s.taken >= 0) work.push(s.taken);
    if (s.fall >= 0) work.push(s.fall);
  }
  // Block 0 is the entry; the rest by address.
  const rest = [...found.values()].filter((b) => b.addr !== entry).sort((x, y) => x.addr - y.addr);
  const first = found.get(entry);
  const blocks = first !== undefined ? [first, ...rest] : rest;
  const index = new Map<number, number>();
  blocks.forEach((b, i) => index.set(b.addr, i));
  return { entry: blocks.length > 0 ? blocks[0].addr : entry, blocks, index, bounds: fb, insts };
}
