// The decoded-instruction cache: basic blocks (runs of decoded Inst records ending at a control
// transfer) keyed by start address, shared by all threads of a process, dropped page by page
// when a code page is written, unmapped or reprotected. A JIT tier can hang compiled code here.

import { decode } from "../x86/decode.js";
import { type Inst, newInst } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { endsBlock, setsRip } from "../x86/facts.js";
import { PAGE_SIZE } from "../mem/api.js";
import type { Space } from "../mem/space.js";
import { Hot } from "./ops/hot.js";

const OP_INVALID = Op.INVALID;

/** Longest block (instructions). */
export const MAX_BLOCK = 64;
/** Entries of the lookup memo (a power of two). */
const MEMO_SIZE = 8192;
/** Entries of one slab of Block.hids (64 blocks of the longest kind). */
const HIDS_SLAB = 64 * MAX_BLOCK;

export class Block {
  /** Still valid (false once its code page was written or unmapped). */
  valid = true;
  /** Successor blocks cached by the run loop (fall-through / last taken target). */
  next: Block | null = null;
  taken: Block | null = null;
  /** Times entered by the interpreter (the JIT tier's hotness test). */
  hits = 0;
  /** The WebAssembly tier (src/jit): the table slot of the compiled function holding this block
   *  (0: none) and the block's entry index in it. */
  wslot = 0;
  wentry = 0;
  /** Per instruction: the interpreter's specialized handler id (0: generic exec). */
  readonly hids: Int32Array;
  /** The last instruction sets RIP itself (jumps, calls, returns, CPUID). */
  readonly endsInTransfer: boolean;
  constructor(
    readonly addr: number,
    readonly insts: Inst[],
    /** Address after the last instruction. */
    readonly end: number,
    specialize: (inst: Inst) => number,
    /** Where to keep hids (insts.length entries; DecodeCache hands out views of one slab). */
    hids: Int32Array = new Int32Array(insts.length),
  ) {
    for (let i = 0; i < insts.length; i++) hids[i] = specialize(insts[i]);
    this.hids = hids;
    this.endsInTransfer = insts.length > 0 && setsRip(insts[insts.length - 1].op);
  }
}

// Which ops end a block and which set RIP themselves: the flow column of the instruction
// table (src/x86/optable.ts), read through typed arrays (facts.ts).
export { endsBlock, setsRip } from "../x86/facts.js";

export class DecodeCache {
  private blocks = new Map<number, Block>();
  private byPage = new Map<number, Block[]>();
  /** Per code page, a bit per byte offset where a record was decoded (kept while the page's
   *  blocks are: dropPage clears it). */
  private starts = new Map<number, Int32Array>();
  private readonly buf = new Uint8Array(16);
  /** build()'s working list, MAX_BLOCK slots written in place (each block keeps an exact-size
   *  copy: a list grown by push holds 17 slots or more, and most blocks have 4 instructions or
   *  fewer; emptying a list by `length = 0` would free its slots for the next push to allocate
   *  again). Filled with a placeholder so that it and its copies stay packed arrays. */
  private readonly scratch: Inst[] = Array.from({ length: MAX_BLOCK }, newInst);
  /** Blocks' hids are views of a shared slab (one ArrayBuffer per HIDS_SLAB entries, not one per
   *  block). */
  private slab = new Int32Array(0);
  private slabUsed = 0;
  /** Decoded instructions held (for statistics). */
  instCount = 0;

  /** Called for each block dropped (its code page was written, unmapped or reprotected): the
   *  compiled tier forgets what it compiled from it. */
  dropListener: ((b: Block) => void) | null = null;

  /** Handler specialization of the interpreter (set by the CPU; 0 = generic). */
  specialize: (inst: Inst) => number = () => 0;

  constructor(readonly mem: Space) {
    mem.codeListener = (page) => this.dropPage(page);
  }

  get(addr: number): Block | undefined {
    return this.blocks.get(addr);
  }

  /** Direct-mapped memo of recent lookups (returns and indirect jumps miss the successor
   *  slots; this avoids the Map for them). */
  private readonly memo: (Block | null)[] = new Array<Block | null>(MEMO_SIZE).fill(null);

  /** get() through the memo (the run loops' lookup). */
  lookup(addr: number): Block | undefined {
    const k = addr & (MEMO_SIZE - 1);
    const m = this.memo[k];
    if (m !== null && m.addr === addr && m.valid) return m;
    const b = this.blocks.get(addr);
    if (b !== undefined) this.memo[k] = b;
    return b;
  }

  /** A valid block on `page` with an instruction starting at addr after its first one, as
   *  [block, index], or null. */
  private inside(addr: number, page: number): [Block, number] | null {
    const list = this.byPage.get(page);
    if (list === undefined) return null;
    for (let k = 0; k < list.length; k++) {
      const b = list[k];
      if (!b.valid || addr <= b.addr || addr >= b.end) continue;
      const insts = b.insts;
      for (let i = 1; i < insts.length; i++) {
        const x = insts[i].addr;
        if (x === addr) return [b, i];
        if (x > addr) break;
      }
    }
    return null;
  }

  /** Decode the block at addr (exec faults propagate as MEM_FAULT from the first byte).
   *  Blocks that overlap (jump targets inside a block, a block that runs into another's start)
   *  share the decoded records: the stream follows an existing block's records while their
   *  addresses match, and decodes only where no block has been. */
  build(addr: number): Block {
    const insts = this.scratch;
    let n = 0;
    let a = addr;
    const firstPage = Math.floor(addr / PAGE_SIZE);
    // Instruction starts decoded on this page (a filter: most addresses have no record yet, and
    // only a set bit sends the build looking for one).
    let starts = this.starts.get(firstPage);
    if (starts === undefined) {
      starts = new Int32Array(PAGE_SIZE >> 5);
      this.starts.set(firstPage, starts);
    }
    // The records being followed (an existing block's) and the next one's index.
    let src: Inst[] | null = null;
    let j = 0;
    if ((starts[(addr & (PAGE_SIZE - 1)) >> 5] & (1 << (addr & 31))) !== 0) {
      const at = this.inside(addr, firstPage);
      if (at !== null) {
        src = at[0].insts;
        j = at[1];
      }
    }
    for (;;) {
      let inst: Inst;
      if (src !== null && j < src.length && src[j].addr === a) inst = src[j++];
      else {
        src = null;
        const w = (a & (PAGE_SIZE - 1)) >> 5, bit = 1 << (a & 31);
        if (a !== addr && (starts[w] & bit) !== 0) {
          // A record exists here: the start of another block, or inside one (past the end of
          // a block cut at MAX_BLOCK, another block that started inside it may go on).
          const other = this.blocks.get(a);
          if (other !== undefined && other.valid && other.insts.length > 0) {
            src = other.insts;
            j = 0;
          } else {
            const mid = this.inside(a, firstPage);
            if (mid !== null) {
              src = mid[0].insts;
              j = mid[1];
            }
          }
        }
        if (src !== null) inst = src[j++];
        else {
          const n = this.mem.fetch(a, this.buf, 15);
          inst = newInst();
          decode(this.buf, 0, a, inst, n);
          if (inst.op === OP_INVALID && n < 15) {
            // Possibly cut short by an unfetchable page: end the block before it, or, when it
            // is the first instruction, raise the exec fault at the first unfetchable byte.
            if (n > 0) break;
            this.mem.fetch(a + n, this.buf, 1);
          }
          starts[w] |= bit;
        }
      }
      insts[n++] = inst;
      a += inst.len;
      if (endsBlock(inst.op) || n >= MAX_BLOCK || Math.floor(a / PAGE_SIZE) !== firstPage) break;
    }
    if (this.slabUsed + n > this.slab.length) {
      this.slab = new Int32Array(HIDS_SLAB);
      this.slabUsed = 0;
    }
    const hids = this.slab.subarray(this.slabUsed, this.slabUsed + n);
    this.slabUsed += n;
    const b = new Block(addr, insts.slice(0, n), a, this.specialize, hids);
    this.blocks.set(addr, b);
    const lastPage = Math.floor((a - 1) / PAGE_SIZE);
    for (let p = firstPage; p <= Math.max(firstPage, lastPage); p++) {
      this.mem.markCode(p * PAGE_SIZE);
      let list = this.byPage.get(p);
      if (list === undefined) {
        list = [];
        this.byPage.set(p, list);
      }
      list.push(b);
    }
    this.instCount += n;
    return b;
  }

  /** Drop every block with code on a page. */
  dropPage(page: number): void {
    this.starts.delete(page);
    const list = this.byPage.get(page);
    if (list === undefined) return;
    this.byPage.delete(page);
    for (const b of list) {
      b.valid = false;
      // A block running now (its own store changed it) stops before its next instruction.
      b.hids.fill(Hot.CODE_CHANGED);
      if (this.dropListener !== null) this.dropListener(b);
      if (this.blocks.get(b.addr) === b) {
        this.blocks.delete(b.addr);
        this.instCount -= b.insts.length;
      }
    }
  }

  /** Drop everything. */
  clear(): void {
    for (const p of [...this.byPage.keys()]) this.dropPage(p);
  }
}
