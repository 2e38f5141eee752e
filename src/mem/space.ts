// The guest address space: a sparse 47-bit page table over lazily allocated 4 KiB frames, with a
// direct-mapped TLB for the CPU's loads and stores (the fast path) and checked host-side
// accessors (loader, syscalls, debugger). A leaf of the table wholly covered by one storage-less
// mapping (a PROT_NONE reservation) is one number. Frames live in one large main arena (a
// WebAssembly.Memory whose pages the host OS commits only when touched, so compiled WebAssembly
// code, the interpreter and the Linux layer share them), then in 16 MiB arenas. The memory opens
// with a system area (layout.ts): the compiled tier's TLB and lookup table, CPU states.

import { assert } from "../base/assert.js";
import {
  GuestFault, GuestMemoryExhausted, HostOutOfMemory, type FunctionBounds, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, USER_TOP, type FrameBudget,
  type Memory,
} from "./api.js";
import { Wasm, type WasmMemory } from "../base/wasmapi.js";
import { RTLB_OFF, RTLB_TAG, STATE_SLOT, STATE_SLOTS, STATES, SYS_BYTES, WTLB_OFF, WTLB_TAG } from "./layout.js";

const TWO32 = 4294967296;
/** Pages per leaf of the page table (a leaf covers 4 MiB of address space, a 4 KiB array). */
const LEAF_BITS = 10;
const LEAF_SIZE = 1 << LEAF_BITS;
/** Frames per arena after the main one (16 MiB per ArrayBuffer). */
const ARENA_FRAMES = 4096;
/** Sizes tried for the main arena, largest first (MiB). A browser or a host with strict
 *  overcommit may refuse the large ones; untouched frames cost no resident memory either way. */
const MAIN_ARENA_MIB = [1024, 256, 64, 16];

/** WebAssembly pages are 64 KiB. */
const WASM_PAGE = 65536;

/** The main arena's memory (every Space makes its own): the system area, then `bytes` of frames
 *  (tests), else the largest the host gives. */
function mainArena(bytes?: number): WasmMemory {
  const make = (frameBytes: number): WasmMemory =>
    new Wasm.Memory({ initial: Math.ceil((SYS_BYTES + frameBytes) / WASM_PAGE) });
  const sizes = bytes !== undefined ? [bytes] : [...MAIN_ARENA_MIB.map((mib) => mib * 1024 * 1024), ARENA_FRAMES * PAGE_SIZE];
  for (const size of sizes) {
    try {
      return make(size);
    } catch {
      // too large for this host: try a smaller one
    }
  }
  // The host refuses even the smallest: a fork fails with ENOMEM, rt0's start with one line.
  // V8 reserves 10 GiB of address space for each WebAssembly.Memory, whatever its size.
  throw new HostOutOfMemory(SYS_BYTES + sizes[sizes.length - 1]!, "each guest address space is a WebAssembly.Memory, for which V8 reserves 10 GiB of virtual address space: see ulimit -v");
}
/** TLB entries (direct-mapped on the page number). */
export const TLB_SIZE = 16384;
const TLB_MASK = TLB_SIZE - 1;

/** Page-table entry: bit 3 = mapped, bits 0..2 = PROT_*, bits 4.. = frame + 1 (0: no storage). */
const MAPPED = 8;

/** Default search base for findFree(len, 0). */
export const MMAP_BASE = 0x7f0000000000;

/** The object the CPU-side accessors throw on a fault (preallocated: throwing it allocates
 *  nothing). The details are in Space.faultAddr / faultAccess / faultProtection. */
export const MEM_FAULT = { memFault: true } as const;

type Access = "read" | "write" | "exec";

/** Interval [start, end) of mapped pages (page numbers), kept sorted and merged. */
interface Range {
  start: number;
  end: number;
}

export class Space implements Memory {
  /** Top-level table: leaf index (page >> 16) -> leaf of page entries. */
  private leaves = new Map<number, Int32Array>();
  /** Leaves without an array: every page of the leaf has this entry and no storage (mapped
   *  but never touched, e.g. Go's PROT_NONE heap reservations). */
  private uniform = new Map<number, number>();
  /** Pages whose storage, when first touched, starts as a copy of bytes (mapData: an
   *  executable's segments) instead of zeros: page -> the bytes (at most one page of them). */
  private backing = new Map<number, Uint8Array>();
  /** Arena 0 is the main arena (frames [0, mainFrames)); arena k > 0 holds frames from
   *  mainFrames + (k - 1) * ARENA_FRAMES on. */
  private arenas: DataView[] = [];
  private arenaBytes: Uint8Array[] = [];
  private readonly mainFrames: number;
  /** The main arena's memory: the system area (layout.ts) and frames [0, mainFrames) after it. */
  readonly memory: WasmMemory;
  /** The main arena: compiled code reads and writes guest memory through this one view, so V8
   *  sees one DataView everywhere (an array of views cost go1.19's sort 15% of its speed). */
  readonly mainView: DataView;
  /** The compiled tier's TLBs in the system area, as int32 pairs (tag: the page number as a
   *  64-bit value, -1 when empty; off: the frame's byte offset in the memory minus the page's
   *  address, low 32 bits, so that off + the address's low 32 bits is the byte's offset). */
  private readonly wrTag: Int32Array;
  private readonly wrOff: Int32Array;
  private readonly wwTag: Int32Array;
  private readonly wwOff: Int32Array;
  /** CPU state slots given back, and the next never used. */
  private freeStates: number[] = [];
  private nextState = 0;
  private nextFrame = 0;
  private freeFrames: number[] = [];
  private ranges: Range[] = [];
  /** The machine's bound on guest storage this space draws on (none: unbounded). */
  budget: FrameBudget | undefined;

  // The TLB: per slot, the page number it holds (NaN: none), the arena view and the byte offset
  // of the frame. Separate read and write TLBs (a page enters the write TLB only when writable,
  // not holding decoded code, and no write hook is attached).
  readonly rTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rView: DataView[] = new Array<DataView>(TLB_SIZE);
  readonly rOff = new Int32Array(TLB_SIZE);
  readonly wTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wView: DataView[] = new Array<DataView>(TLB_SIZE);
  readonly wOff = new Int32Array(TLB_SIZE);

  functionBounds?: FunctionBounds;

  /** Watched pages (shared file mappings, see watchWrites): clean ones stay out of the write
   *  TLB, so their first write comes to tlbWrite (or hostPage), which moves them to dirtyPages. */
  private cleanPages = new Set<number>();
  private dirtyPages = new Set<number>();

  /** Pages holding decoded code (a write to one invalidates the decode cache). */
  private codePages = new Set<number>();
  /** Called with a page number when a page holding decoded code is written, unmapped or
   *  reprotected (the decode cache drops its blocks there). */
  codeListener: ((page: number) => void) | null = null;
  private writeHook: ((addr: number, size: number) => void) | null = null;

  /** The last page fetch() translated (executable; -1: none) and where its frame is: block
   *  decoding fetches instruction after instruction from the same page. Reset by flushTlb,
   *  which every map/unmap/protect calls. */
  private fetchPage = -1;
  private fetchBytes: Uint8Array = new Uint8Array(0);
  private fetchBase = 0;

  /** Details of the last fault raised by a CPU-side accessor. */
  faultAddr = 0;
  faultAccess: Access = "read";
  faultProtection = false;
  /** High 32 bits returned by rd64 (the low 32 bits are its return value). */
  hi = 0;

  /** Bytes of guest storage allocated (frames touched), for memory accounting. */
  get residentBytes(): number {
    return (this.nextFrame - this.freeFrames.length) * PAGE_SIZE;
  }

  /** Bytes of page-table leaves allocated (4 bytes per page of a leaf with an array). */
  get pageTableBytes(): number {
    return this.leaves.size * LEAF_SIZE * 4;
  }

  /** mainArenaBytes: the main arena's size (a multiple of 4 KiB; tests use a small one to
   *  exercise the arenas after it), else the largest the host gives of 1 GiB, 256, 64, 16 MiB. */
  constructor(mainArenaBytes?: number) {
    assert(mainArenaBytes === undefined || (mainArenaBytes > 0 && mainArenaBytes % PAGE_SIZE === 0), "main arena size");
    this.memory = mainArena(mainArenaBytes);
    const main = this.memory.buffer;
    this.mainFrames = mainArenaBytes !== undefined ? mainArenaBytes / PAGE_SIZE : Math.floor((main.byteLength - SYS_BYTES) / PAGE_SIZE);
    this.mainView = new DataView(main);
    this.arenas.push(this.mainView);
    this.arenaBytes.push(new Uint8Array(main));
    this.wrTag = new Int32Array(main, RTLB_TAG, 2 * TLB_SIZE).fill(-1);
    this.wrOff = new Int32Array(main, RTLB_OFF, TLB_SIZE);
    this.wwTag = new Int32Array(main, WTLB_TAG, 2 * TLB_SIZE).fill(-1);
    this.wwOff = new Int32Array(main, WTLB_OFF, TLB_SIZE);
    const dummy = new DataView(new ArrayBuffer(8));
    this.rView.fill(dummy);
    this.wView.fill(dummy);
  }

  // ---- page table ----

  private entry(page: number): number {
    const li = Math.floor(page / LEAF_SIZE);
    const leaf = this.leaves.get(li);
    if (leaf !== undefined) return leaf[page % LEAF_SIZE];
    const u = this.uniform.get(li);
    return u === undefined ? 0 : u;
  }

  /** The array of leaf li, made (from its uniform entry, or zero) when there is none. */
  private leafArray(li: number): Int32Array {
    let leaf = this.leaves.get(li);
    if (leaf === undefined) {
      leaf = new Int32Array(LEAF_SIZE);
      const u = this.uniform.get(li);
      if (u !== undefined) {
        leaf.fill(u);
        this.uniform.delete(li);
      }
      this.leaves.set(li, leaf);
    }
    return leaf;
  }

  private setEntry(page: number, e: number): void {
    const li = Math.floor(page / LEAF_SIZE);
    const leaf = this.leaves.get(li);
    if (leaf !== undefined) {
      leaf[page % LEAF_SIZE] = e;
      return;
    }
    if ((this.uniform.get(li) ?? 0) === e) return;
    this.leafArray(li)[page % LEAF_SIZE] = e;
  }

  /** Set the entries of pages [first, end) to e, which has no storage (frames there must have
   *  been released): whole leaves become uniform (or vanish for 0), partial ones get arrays. */
  private fillEntries(first: number, end: number, e: number): void {
    if (this.backing.size !== 0) {
      for (const p of this.backing.keys()) if (p >= first && p < end) this.backing.delete(p);
    }
    for (let p = first; p < end; ) {
      const li = Math.floor(p / LEAF_SIZE);
      const lo = li * LEAF_SIZE;
      const stop = Math.min(end, lo + LEAF_SIZE);
      if (p === lo && stop === lo + LEAF_SIZE) {
        this.leaves.delete(li);
        if (e === 0) this.uniform.delete(li);
        else this.uniform.set(li, e);
      } else if (e !== 0 || this.leaves.has(li) || this.uniform.has(li)) {
        this.leafArray(li).fill(e, p - lo, stop - lo);
      }
      p = stop;
    }
  }

  private allocFrame(): number {
    const b = this.budget;
    if (b !== undefined) {
      if (b.used + PAGE_SIZE > b.limit) throw new GuestMemoryExhausted(b.limit);
      b.used += PAGE_SIZE;
    }
    const f = this.freeFrames.pop();
    if (f !== undefined) {
      const off = this.offOf(f);
      this.bytesOf(f).fill(0, off, off + PAGE_SIZE);
      return f;
    }
    const n = this.nextFrame++;
    if (n >= this.mainFrames && this.arenaOf(n) === this.arenas.length) {
      let buf: ArrayBuffer;
      try {
        buf = new ArrayBuffer(ARENA_FRAMES * PAGE_SIZE);
      } catch {
        this.nextFrame--;
        if (b !== undefined) b.used -= PAGE_SIZE;
        throw new HostOutOfMemory(ARENA_FRAMES * PAGE_SIZE);
      }
      this.arenas.push(new DataView(buf));
      this.arenaBytes.push(new Uint8Array(buf));
    }
    return n;
  }

  /** The arena of frame f, and f's byte offset there. */
  private arenaOf(f: number): number {
    return f < this.mainFrames ? 0 : 1 + Math.floor((f - this.mainFrames) / ARENA_FRAMES);
  }
  private offOf(f: number): number {
    return f < this.mainFrames ? SYS_BYTES + f * PAGE_SIZE : ((f - this.mainFrames) % ARENA_FRAMES) * PAGE_SIZE;
  }

  /** Byte offset in `memory` of a new CPU state block (STATE_SLOT bytes, zeroed), in the system
   *  area: compiled code reads the registers where the interpreter does. -1 when all
   *  STATE_SLOTS are in use (threads alive at once). */
  allocState(): number {
    let off = this.freeStates.pop();
    if (off === undefined) {
      if (this.nextState >= STATE_SLOTS) return -1;
      off = STATES + STATE_SLOT * this.nextState++;
    }
    this.arenaBytes[0].fill(0, off, off + STATE_SLOT);
    return off;
  }

  /** Give back a state block (a thread ended). */
  freeState(off: number): void {
    this.freeStates.push(off);
  }
  private bytesOf(f: number): Uint8Array {
    return this.arenaBytes[this.arenaOf(f)];
  }

  /** The frame of a mapped page, allocating storage on first touch: zeros, or the page's
   *  bytes from mapData. */
  private frameOf(page: number, e: number): number {
    let f = (e >>> 4) - 1;
    if (f < 0) {
      f = this.allocFrame();
      this.setEntry(page, ((f + 1) << 4) | (e & 15));
      if (this.backing.size !== 0) {
        const data = this.backing.get(page);
        if (data !== undefined) {
          this.bytesOf(f).set(data, this.offOf(f));
          this.backing.delete(page);
        }
      }
    }
    return f;
  }

  flushTlb(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
    this.wrTag.fill(-1);
    this.wwTag.fill(-1);
    this.fetchPage = -1;
  }

  /** Drop pages [first, end) from the TLBs (map, unmap and protect of a small range leave the
   *  rest of a large TLB warm). */
  private flushTlbRange(first: number, end: number): void {
    if (end - first >= TLB_SIZE) {
      this.flushTlb();
      return;
    }
    const rTag = this.rTag, wTag = this.wTag;
    for (let p = first; p < end; p++) {
      const i = p & TLB_MASK;
      if (rTag[i] === p) {
        rTag[i] = NaN;
        this.wrTag[2 * i] = this.wrTag[2 * i + 1] = -1;
      }
      if (wTag[i] === p) {
        wTag[i] = NaN;
        this.wwTag[2 * i] = this.wwTag[2 * i + 1] = -1;
      }
    }
    if (this.fetchPage >= first && this.fetchPage < end) this.fetchPage = -1;
  }

  private checkRange(addr: number, len: number): void {
    assert(addr % PAGE_SIZE === 0 && addr >= 0 && len >= 0 && addr + len <= USER_TOP, `bad range 0x${addr.toString(16)}+${len}`);
  }

  /** Call fn for every mapped page of [addr, addr+len) in a leaf with an array (pages of
   *  uniform leaves have no storage and no decoded code: callers handle them as a whole). */
  private forPages(addr: number, len: number, fn: (page: number) => void): void {
    const first = addr / PAGE_SIZE;
    const end = Math.ceil((addr + len) / PAGE_SIZE);
    for (const r of this.ranges.slice()) {
      const a = Math.max(first, r.start);
      const b = Math.min(end, r.end);
      for (let p = a; p < b; ) {
        const li = Math.floor(p / LEAF_SIZE);
        const stop = Math.min(b, (li + 1) * LEAF_SIZE);
        const leaf = this.leaves.get(li);
        if (leaf !== undefined) {
          for (; p < stop; p++) if (leaf[p % LEAF_SIZE] !== 0) fn(p);
        }
        p = stop;
      }
    }
  }

  private dropCode(page: number): void {
    if (this.codePages.delete(page) && this.codeListener !== null) this.codeListener(page);
  }

  private releasePage(page: number): void {
    const e = this.entry(page);
    const f = (e >>> 4) - 1;
    if (f >= 0) {
      this.freeFrames.push(f);
      if (this.budget !== undefined) this.budget.used -= PAGE_SIZE;
    }
    this.dropCode(page);
    this.setEntry(page, 0);
  }

  map(addr: number, len: number, prot: number): void {
    this.checkRange(addr, len);
    len = Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
    if (len === 0) return;
    this.forPages(addr, len, (p) => this.releasePage(p));
    const first = addr / PAGE_SIZE;
    const end = first + len / PAGE_SIZE;
    this.forgetWatched(first, end);
    this.fillEntries(first, end, MAPPED | (prot & 7));
    this.addRange(first, end);
    this.flushTlbRange(first, end);
  }

  /** map(addr, data.length rounded up, prot) holding a copy of data (as write(addr, data, true)
   *  would), but each page's storage is allocated and filled only when first touched: the
   *  loader's segments, most of whose pages a program never reads. data must not change
   *  afterwards (it is copied page by page later). */
  mapData(addr: number, len: number, prot: number, data: Uint8Array): void {
    assert(data.length <= len, "mapData: data longer than the mapping");
    this.map(addr, len, prot);
    const first = addr / PAGE_SIZE;
    for (let off = 0; off < data.length; off += PAGE_SIZE) {
      this.backing.set(first + off / PAGE_SIZE, data.subarray(off, Math.min(data.length, off + PAGE_SIZE)));
    }
  }

  unmap(addr: number, len: number): void {
    this.checkRange(addr, len);
    len = Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
    if (len === 0) return;
    this.forPages(addr, len, (p) => this.releasePage(p));
    this.forgetWatched(addr / PAGE_SIZE, addr / PAGE_SIZE + len / PAGE_SIZE);
    this.fillEntries(addr / PAGE_SIZE, addr / PAGE_SIZE + len / PAGE_SIZE, 0);
    this.removeRange(addr / PAGE_SIZE, addr / PAGE_SIZE + len / PAGE_SIZE);
    this.flushTlbRange(addr / PAGE_SIZE, addr / PAGE_SIZE + len / PAGE_SIZE);
  }

  /** mremap's move: the pages of [from, from+len) (entries, storage and file backing) go to
   *  [to, to+len), which must be unmapped and not overlap; the source is left unmapped. */
  move(from: number, to: number, len: number): void {
    this.checkRange(from, len);
    this.checkRange(to, len);
    const n = Math.ceil(len / PAGE_SIZE), src = from / PAGE_SIZE, dst = to / PAGE_SIZE;
    assert(src + n <= dst || dst + n <= src, "move: overlapping ranges");
    this.forgetWatched(src, src + n);
    this.forgetWatched(dst, dst + n);
    for (let i = 0; i < n; i++) {
      const e = this.entry(src + i);
      if (e === 0) continue;
      this.dropCode(src + i);
      this.setEntry(dst + i, e);
      const data = this.backing.get(src + i);
      if (data !== undefined) this.backing.set(dst + i, data);
    }
    this.fillEntries(src, src + n, 0);
    this.removeRange(src, src + n);
    this.addRange(dst, dst + n);
    this.flushTlbRange(src, src + n);
    this.flushTlbRange(dst, dst + n);
  }

  protect(addr: number, len: number, prot: number): void {
    this.checkRange(addr, len);
    len = Math.ceil(len / PAGE_SIZE) * PAGE_SIZE;
    const first = addr / PAGE_SIZE;
    const end = first + len / PAGE_SIZE;
    // Uniform leaves: a whole one changes its entry, a partly covered one gets its array.
    if (this.uniform.size !== 0) {
      for (let li = Math.floor(first / LEAF_SIZE); li * LEAF_SIZE < end; li++) {
        const u = this.uniform.get(li);
        if (u === undefined) continue;
        const lo = li * LEAF_SIZE;
        if (lo >= first && lo + LEAF_SIZE <= end) this.uniform.set(li, (u & ~7) | (prot & 7));
        else this.leafArray(li);
      }
    }
    this.forPages(addr, len, (p) => {
      const e = this.entry(p);
      if ((e & PROT_EXEC) !== 0 && (prot & PROT_EXEC) === 0) this.dropCode(p);
      this.setEntry(p, (e & ~7) | (prot & 7));
    });
    this.flushTlbRange(first, end);
  }

  protOf(addr: number): number {
    const e = this.entry(Math.floor(addr / PAGE_SIZE));
    return e === 0 ? -1 : e & 7;
  }

  /** Whether every page of [addr, addr+len) is mapped. */
  isMapped(addr: number, len: number): boolean {
    const first = Math.floor(addr / PAGE_SIZE);
    const end = Math.ceil((addr + len) / PAGE_SIZE);
    for (let p = first; p < end; p++) if (this.entry(p) === 0) return false;
    return true;
  }

  mappedBytes(): number {
    let pages = 0;
    for (const r of this.ranges) pages += r.end - r.start;
    return pages * PAGE_SIZE;
  }

  mappedIn(addr: number, len: number): number {
    const first = Math.floor(addr / PAGE_SIZE), end = Math.ceil((addr + len) / PAGE_SIZE);
    let pages = 0;
    for (const r of this.ranges) pages += Math.max(0, Math.min(end, r.end) - Math.max(first, r.start));
    return pages * PAGE_SIZE;
  }

  rangeCount(): number {
    return this.ranges.length;
  }

  dispose(): void {
    if (this.budget !== undefined) this.budget.used -= this.residentBytes;
    this.budget = undefined;
  }

  /** The mapped ranges [start, end) in bytes, ascending (merged regardless of protection). */
  mappedRanges(): Array<{ start: number; end: number }> {
    return this.ranges.map((r) => ({ start: r.start * PAGE_SIZE, end: r.end * PAGE_SIZE }));
  }

  private addRange(start: number, end: number): void {
    const out: Range[] = [];
    let placed = false;
    for (const r of this.ranges) {
      if (r.end < start) out.push(r);
      else if (r.start > end) {
        if (!placed) { out.push({ start, end }); placed = true; }
        out.push(r);
      } else {
        start = Math.min(start, r.start);
        end = Math.max(end, r.end);
      }
    }
    if (!placed) out.push({ start, end });
    this.ranges = out;
  }

  private removeRange(start: number, end: number): void {
    const out: Range[] = [];
    for (const r of this.ranges) {
      if (r.end <= start || r.start >= end) { out.push(r); continue; }
      if (r.start < start) out.push({ start: r.start, end: start });
      if (r.end > end) out.push({ start: end, end: r.end });
    }
    this.ranges = out;
  }

  findFree(len: number, hint: number, limit = USER_TOP): number {
    const pages = Math.ceil(len / PAGE_SIZE);
    if (pages === 0) return -1;
    let cand = Math.ceil((hint === 0 ? MMAP_BASE : hint) / PAGE_SIZE);
    const lim = Math.floor(limit / PAGE_SIZE);
    for (const r of this.ranges) {
      if (r.end <= cand) continue;
      if (r.start >= cand + pages) break;
      cand = r.end;
    }
    return cand + pages <= lim ? cand * PAGE_SIZE : -1;
  }

  // ---- write watching (shared file mappings) ----

  /** Pages of [first, end) in `set`, ascending: by walking the range or the set, whichever is
   *  smaller. */
  private pagesIn(set: Set<number>, first: number, end: number): number[] {
    const out: number[] = [];
    if (set.size === 0) return out;
    if (end - first <= set.size) {
      for (let p = first; p < end; p++) if (set.has(p)) out.push(p);
    } else {
      for (const p of set) if (p >= first && p < end) out.push(p);
      out.sort((a, b) => a - b);
    }
    return out;
  }

  private forgetWatched(first: number, end: number): void {
    for (const p of this.pagesIn(this.cleanPages, first, end)) this.cleanPages.delete(p);
    for (const p of this.pagesIn(this.dirtyPages, first, end)) this.dirtyPages.delete(p);
  }

  /** Keep a clean watched page out of the write TLB. */
  private dropWrite(page: number): void {
    const i = page & TLB_MASK;
    if (this.wTag[i] === page) {
      this.wTag[i] = NaN;
      this.wwTag[2 * i] = this.wwTag[2 * i + 1] = -1;
    }
  }

  /** A write reaches a watched clean page: it is dirty from now on. */
  private noteWrite(page: number): void {
    if (this.cleanPages.delete(page)) this.dirtyPages.add(page);
  }

  watchWrites(addr: number, len: number): void {
    this.checkRange(addr, len);
    const first = addr / PAGE_SIZE, end = Math.ceil((addr + len) / PAGE_SIZE);
    for (let p = first; p < end; p++) {
      if (this.dirtyPages.has(p)) continue;
      this.cleanPages.add(p);
      this.dropWrite(p);
    }
  }

  unwatchWrites(addr: number, len: number): void {
    this.checkRange(addr, len);
    this.forgetWatched(addr / PAGE_SIZE, Math.ceil((addr + len) / PAGE_SIZE));
  }

  takeDirty(addr: number, len: number): number[] {
    this.checkRange(addr, len);
    const pages = this.pagesIn(this.dirtyPages, addr / PAGE_SIZE, Math.ceil((addr + len) / PAGE_SIZE));
    for (const p of pages) {
      this.dirtyPages.delete(p);
      this.cleanPages.add(p);
      this.dropWrite(p);
    }
    return pages.map((p) => p * PAGE_SIZE);
  }

  isDirty(addr: number): boolean {
    return this.dirtyPages.has(Math.floor(addr / PAGE_SIZE));
  }

  get dirtyCount(): number {
    return this.dirtyPages.size;
  }

  // ---- decoded code tracking ----

  /** Whether [addr, addr+size) touches a page holding decoded code. */
  holdsCode(addr: number, size: number): boolean {
    if (this.codePages.size === 0) return false;
    const first = Math.floor(addr / PAGE_SIZE), last = Math.floor((addr + size - 1) / PAGE_SIZE);
    for (let p = first; p <= last; p++) if (this.codePages.has(p)) return true;
    return false;
  }

  /** Mark the page holding addr as holding decoded code: writes to it will call codeListener. */
  markCode(addr: number): void {
    const page = Math.floor(addr / PAGE_SIZE);
    if (this.codePages.has(page)) return;
    this.codePages.add(page);
    const i = page & TLB_MASK;
    if (this.wTag[i] === page) {
      this.wTag[i] = NaN;
      this.wwTag[2 * i] = this.wwTag[2 * i + 1] = -1;
    }
  }

  /** Attach (or detach with null) a hook called before every guest write by the CPU. While one
   *  is attached, CPU writes take the slow path; nothing is paid when none is. */
  setWriteHook(h: ((addr: number, size: number) => void) | null): void {
    this.writeHook = h;
    this.wTag.fill(NaN);
    this.wwTag.fill(-1);
  }

  // ---- CPU-side accessors (fast path + slow path; fault -> throw MEM_FAULT) ----

  private fault(addr: number, access: Access, protection: boolean): never {
    this.faultAddr = addr;
    this.faultAccess = access;
    this.faultProtection = protection;
    throw MEM_FAULT;
  }

  /** Translate a page for reading (filling the read TLB); returns the TLB slot. */
  tlbRead(addr: number): number {
    if (!(addr >= 0 && addr < USER_TOP)) this.fault(addr, "read", false);
    const page = Math.floor(addr / PAGE_SIZE);
    const e = this.entry(page);
    if (e === 0) this.fault(addr, "read", false);
    if ((e & PROT_READ) === 0) this.fault(addr, "read", true);
    const f = this.frameOf(page, e);
    const i = page & TLB_MASK;
    this.rTag[i] = page;
    this.rView[i] = this.arenas[this.arenaOf(f)];
    this.rOff[i] = this.offOf(f);
    this.wasmTlb(this.wrTag, this.wrOff, i, page, f < this.mainFrames, this.rOff[i]);
    return i;
  }

  /** Translate a page for writing (filling the write TLB when allowed); returns the slot. */
  tlbWrite(addr: number): number {
    if (!(addr >= 0 && addr < USER_TOP)) this.fault(addr, "write", false);
    const page = Math.floor(addr / PAGE_SIZE);
    const e = this.entry(page);
    if (e === 0) this.fault(addr, "write", false);
    if ((e & PROT_WRITE) === 0) this.fault(addr, "write", true);
    if (this.codePages.size !== 0) this.dropCode(page);
    if (this.cleanPages.size !== 0) this.noteWrite(page);
    const f = this.frameOf(page, e);
    const i = page & TLB_MASK;
    this.wTag[i] = this.writeHook === null ? page : NaN;
    this.wView[i] = this.arenas[this.arenaOf(f)];
    this.wOff[i] = this.offOf(f);
    this.wasmTlb(this.wwTag, this.wwOff, i, page, this.writeHook === null && f < this.mainFrames, this.wOff[i]);
    return i;
  }

  /** Fill slot i of one of the compiled tier's TLBs with page (or empty it when !ok). */
  private wasmTlb(tag: Int32Array, off: Int32Array, i: number, page: number, ok: boolean, frameOff: number): void {
    if (!ok) {
      tag[2 * i] = tag[2 * i + 1] = -1;
      return;
    }
    tag[2 * i] = page % TWO32;
    tag[2 * i + 1] = Math.floor(page / TWO32);
    off[i] = (frameOff - ((page % 1048576) * PAGE_SIZE)) | 0;
  }

  /** Check that [addr, addr+size) is writable (both pages when it crosses) without writing;
   *  lets an instruction fault before it changes anything. */
  probeWrite(addr: number, size: number): void {
    const page = Math.floor(addr / PAGE_SIZE);
    if (this.wTag[page & TLB_MASK] !== page) this.tlbWrite(addr);
    if ((addr % PAGE_SIZE) + size > PAGE_SIZE) this.tlbWrite((page + 1) * PAGE_SIZE);
  }

  rd8(a: number): number {
    const page = Math.floor(a / PAGE_SIZE);
    let i = page & TLB_MASK;
    if (this.rTag[i] !== page) i = this.tlbRead(a);
    return this.rView[i].getUint8(this.rOff[i] + (a & 4095));
  }

  rd16(a: number): number {
    const page = Math.floor(a / PAGE_SIZE);
    const o = a & 4095;
    let i = page & TLB_MASK;
    if (o > 4094) return this.rd8(a) | (this.rd8(a + 1) << 8);
    if (this.rTag[i] !== page) i = this.tlbRead(a);
    return this.rView[i].getUint16(this.rOff[i] + o, true);
  }

  /** 32-bit load as a signed int32. */
  rd32(a: number): number {
    const page = Math.floor(a / PAGE_SIZE);
    const o = a & 4095;
    let i = page & TLB_MASK;
    if (o > 4092) return this.rdSlow(a, 4);
    if (this.rTag[i] !== page) i = this.tlbRead(a);
    return this.rView[i].getInt32(this.rOff[i] + o, true);
  }

  /** 64-bit load: returns the low 32 bits (int32), high 32 bits in this.hi. */
  rd64(a: number): number {
    const page = Math.floor(a / PAGE_SIZE);
    const o = a & 4095;
    let i = page & TLB_MASK;
    if (o > 4088) {
      const lo = this.rdSlow(a, 4);
      this.hi = this.rdSlow(a + 4, 4);
      return lo;
    }
    if (this.rTag[i] !== page) i = this.tlbRead(a);
    const v = this.rView[i];
    const off = this.rOff[i] + o;
    this.hi = v.getInt32(off + 4, true);
    return v.getInt32(off, true);
  }

  private rdSlow(a: number, n: number): number {
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = (v << 8) | this.rd8(a + k);
    return v | 0;
  }

  wr8(a: number, v: number): void {
    const page = Math.floor(a / PAGE_SIZE);
    let i = page & TLB_MASK;
    if (this.wTag[i] !== page) {
      i = this.tlbWrite(a);
      if (this.writeHook !== null) this.writeHook(a, 1);
    }
    this.wView[i].setUint8(this.wOff[i] + (a & 4095), v);
  }

  wr16(a: number, v: number): void {
    const page = Math.floor(a / PAGE_SIZE);
    const o = a & 4095;
    let i = page & TLB_MASK;
    if (o > 4094 || this.wTag[i] !== page) {
      if (o > 4094) { this.probeWrite(a, 2); this.wrSlow(a, v, 2); return; }
      i = this.tlbWrite(a);
      if (this.writeHook !== null) this.writeHook(a, 2);
    }
    this.wView[i].setUint16(this.wOff[i] + o, v, true);
  }

  wr32(a: number, v: number): void {
    const page = Math.floor(a / PAGE_SIZE);
    const o = a & 4095;
    let i = page & TLB_MASK;
    if (o > 4092 || this.wTag[i] !== page) {
      if (o > 4092) { this.probeWrite(a, 4); this.wrSlow(a, v, 4); return; }
      i = this.tlbWrite(a);
      if (this.writeHook !== null) this.writeHook(a, 4);
    }
    this.wView[i].setInt32(this.wOff[i] + o, v, true);
  }

  wr64(a: number, lo: number, hi: number): void {
    const page = Math.floor(a / PAGE_SIZE);
    const o = a & 4095;
    let i = page & TLB_MASK;
    if (o > 4088 || this.wTag[i] !== page) {
      if (o > 4088) {
        this.probeWrite(a, 8);
        this.wrSlow(a, lo, 4);
        this.wrSlow(a + 4, hi, 4);
        return;
      }
      i = this.tlbWrite(a);
      if (this.writeHook !== null) this.writeHook(a, 8);
    }
    const v = this.wView[i];
    const off = this.wOff[i] + o;
    v.setInt32(off, lo, true);
    v.setInt32(off + 4, hi, true);
  }

  private wrSlow(a: number, v: number, n: number): void {
    for (let k = 0; k < n; k++) this.wr8(a + k, (v >>> (8 * k)) & 255);
  }

  /** Copy up to `max` bytes of code at addr into out (exec permission checked page by page).
   *  Returns the number of bytes available (stops at an unmapped or non-executable page); a
   *  fault is raised only when the first byte is not fetchable. */
  fetch(addr: number, out: Uint8Array, max: number): number {
    let n = 0;
    while (n < max) {
      const a = addr + n;
      const page = Math.floor(a / PAGE_SIZE);
      if (page !== this.fetchPage) {
        const e = a < USER_TOP ? this.entry(page) : 0;
        if (e === 0 || (e & PROT_EXEC) === 0) {
          if (n === 0) this.fault(a, "exec", e !== 0);
          break;
        }
        const f = this.frameOf(page, e);
        this.fetchPage = page;
        this.fetchBytes = this.bytesOf(f);
        this.fetchBase = this.offOf(f);
      }
      const bytes = this.fetchBytes;
      const base = this.fetchBase;
      let o = a % PAGE_SIZE;
      while (n < max && o < PAGE_SIZE) out[n++] = bytes[base + o++];
    }
    return n;
  }

  // ---- host-side accessors (throw GuestFault) ----

  private hostPage(addr: number, access: "read" | "write", force: boolean): { bytes: Uint8Array; base: number } {
    const page = Math.floor(addr / PAGE_SIZE);
    const e = addr >= 0 && addr < USER_TOP ? this.entry(page) : 0;
    if (e === 0) throw new GuestFault(addr, access, false);
    if (!force && (e & (access === "read" ? PROT_READ : PROT_WRITE)) === 0) throw new GuestFault(addr, access, true);
    if (access === "write") {
      this.dropCode(page);
      if (this.cleanPages.size !== 0) this.noteWrite(page);
      if (this.writeHook !== null) this.writeHook(addr, 1);
    }
    const f = this.frameOf(page, e);
    return { bytes: this.bytesOf(f), base: this.offOf(f) };
  }

  read(addr: number, len: number, force = false): Uint8Array {
    const out = new Uint8Array(len);
    let n = 0;
    while (n < len) {
      const a = addr + n;
      const { bytes, base } = this.hostPage(a, "read", force);
      const o = a % PAGE_SIZE;
      const k = Math.min(len - n, PAGE_SIZE - o);
      out.set(bytes.subarray(base + o, base + o + k), n);
      n += k;
    }
    return out;
  }

  write(addr: number, data: Uint8Array, force = false): void {
    // Check every page first so a failing write changes nothing.
    for (let a = addr; a < addr + data.length; a = (Math.floor(a / PAGE_SIZE) + 1) * PAGE_SIZE) {
      const e = a >= 0 && a < USER_TOP ? this.entry(Math.floor(a / PAGE_SIZE)) : 0;
      if (e === 0) throw new GuestFault(a, "write", false);
      if (!force && (e & PROT_WRITE) === 0) throw new GuestFault(a, "write", true);
    }
    let n = 0;
    while (n < data.length) {
      const a = addr + n;
      const { bytes, base } = this.hostPage(a, "write", true);
      const o = a % PAGE_SIZE;
      const k = Math.min(data.length - n, PAGE_SIZE - o);
      bytes.set(data.subarray(n, n + k), base + o);
      n += k;
    }
  }

  readU8(addr: number): number {
    return this.read(addr, 1)[0];
  }
  readU16(addr: number): number {
    const b = this.read(addr, 2);
    return b[0] | (b[1] << 8);
  }
  readU32(addr: number): number {
    const b = this.read(addr, 4);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }
  readU64(addr: number): number {
    return this.readU32(addr + 4) * TWO32 + this.readU32(addr);
  }
  readU64Big(addr: number): bigint {
    return (BigInt(this.readU32(addr + 4)) << 32n) | BigInt(this.readU32(addr));
  }
  writeU8(addr: number, v: number): void {
    this.write(addr, Uint8Array.of(v & 255));
  }
  writeU16(addr: number, v: number): void {
    this.write(addr, Uint8Array.of(v & 255, (v >>> 8) & 255));
  }
  writeU32(addr: number, v: number): void {
    this.write(addr, Uint8Array.of(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255));
  }
  writeU64(addr: number, v: number): void {
    const lo = v >>> 0;
    const hi = Math.floor(v / TWO32) >>> 0;
    const b = new Uint8Array(8);
    for (let k = 0; k < 4; k++) {
      b[k] = (lo >>> (8 * k)) & 255;
      b[k + 4] = (hi >>> (8 * k)) & 255;
    }
    this.write(addr, b);
  }
  writeU64Big(addr: number, v: bigint): void {
    const m = BigInt.asUintN(64, v);
    const b = new Uint8Array(8);
    for (let k = 0; k < 8; k++) b[k] = Number((m >> BigInt(8 * k)) & 255n);
    this.write(addr, b);
  }
  readCString(addr: number, max = 4096): string {
    const bytes: number[] = [];
    for (let k = 0; k < max; k++) {
      const c = this.readU8(addr + k);
      if (c === 0) break;
      bytes.push(c);
    }
    return new TextDecoder().decode(Uint8Array.from(bytes));
  }

  /** A copy of this address space (fork): same mappings, copied contents. */
  clone(): Space {
    const b = this.budget;
    if (b !== undefined && b.used + this.residentBytes > b.limit) throw new GuestMemoryExhausted(b.limit);
    let s: Space;
    try {
      s = new Space(this.mainFrames * PAGE_SIZE);
    } catch (e) {
      if (e instanceof RangeError) throw new HostOutOfMemory(this.mainFrames * PAGE_SIZE);
      throw e;
    }
    s.budget = b;
    s.uniform = new Map(this.uniform);
    s.backing = new Map(this.backing);
    for (const r of this.ranges) {
      for (let p = r.start; p < r.end; p++) {
        if (!this.leaves.has(Math.floor(p / LEAF_SIZE))) {
          p = Math.min(r.end, (Math.floor(p / LEAF_SIZE) + 1) * LEAF_SIZE) - 1;
          continue;
        }
        const e = this.entry(p);
        if (e === 0) continue;
        const f = (e >>> 4) - 1;
        if (f < 0) {
          s.setEntry(p, e);
          continue;
        }
        let nf: number;
        try {
          nf = s.allocFrame();
        } catch (e) {
          s.dispose();
          throw e;
        }
        const so = this.offOf(f);
        s.bytesOf(nf).set(this.bytesOf(f).subarray(so, so + PAGE_SIZE), s.offOf(nf));
        s.setEntry(p, ((nf + 1) << 4) | (e & 15));
      }
    }
    s.ranges = this.ranges.map((r) => ({ start: r.start, end: r.end }));
    return s;
  }
}
