// Shared file mappings (mmap MAP_SHARED of a file) kept coherent with the file's read(2) and
// write(2), as Linux's single page cache makes them. A mapping's pages are a copy of the file,
// watched for writes (Memory.watchWrites): a dirty page is written back before any read of
// that part of the file (through any descriptor of the same inode), on msync and munmap, at
// exit and execve, before rt0 goes idle with stores outstanding and at least once a second
// (Machine); a write(2), pwrite or truncate of the file puts its bytes into every mapping of
// it, so a later munmap writes back nothing stale. Two mappings of the same file page are two
// copies, made equal again whenever one is written back (see the README).

import type { Memory } from "../mem/api.js";
import { PAGE_SIZE, PROT_WRITE } from "../mem/api.js";
import type { FileCoherence, HostFileDesc } from "./files.js";

interface SharedMapping {
  mem: Memory;
  at: number;
  len: number;
  /** File offset of `at`. */
  off: number;
  file: HostFileDesc;
  /** The inode ("dev:ino"). */
  key: string;
  /** Opened for writing: PROT_WRITE may be added (mprotect) and stores are written back. */
  writable: boolean;
  /** Has been writable (PROT_WRITE at mmap or since): may hold stores (a fork cannot copy it). */
  stores: boolean;
}

const pageDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;
const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

/** Every shared file mapping of one Kernel's processes, by inode and by address space. */
export class SharedFiles implements FileCoherence {
  private readonly byKey = new Map<string, SharedMapping[]>();
  private readonly byMem = new Map<Memory, SharedMapping[]>();

  get active(): boolean {
    return this.byKey.size !== 0;
  }

  mapped(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Remember a MAP_SHARED mapping of `file` (it holds a reference to the file). */
  add(mem: Memory, at: number, len: number, file: HostFileDesc, off: number, prot: number): void {
    const key = file.inodeKey();
    if (key === undefined) return;
    file.refs++;
    const m: SharedMapping = { mem, at, len, off, file, key, writable: (file.flags & 3) !== 0, stores: (prot & PROT_WRITE) !== 0 };
    this.insert(m);
    if (prot & PROT_WRITE) mem.watchWrites?.(at, len);
  }

  private insert(m: SharedMapping): void {
    let k = this.byKey.get(m.key);
    if (!k) this.byKey.set(m.key, (k = []));
    k.push(m);
    let l = this.byMem.get(m.mem);
    if (!l) this.byMem.set(m.mem, (l = []));
    l.push(m);
  }

  private remove(m: SharedMapping): void {
    const k = this.byKey.get(m.key);
    if (k) {
      k.splice(k.indexOf(m), 1);
      if (k.length === 0) this.byKey.delete(m.key);
    }
    const l = this.byMem.get(m.mem);
    if (l) {
      l.splice(l.indexOf(m), 1);
      if (l.length === 0) this.byMem.delete(m.mem);
    }
  }

  /** Whether the address space has shared file mappings that may hold stores (a fork cannot
   *  copy them: the two processes' stores would have to land in one page). */
  hasStores(mem: Memory): boolean {
    return (this.byMem.get(mem) ?? []).some((m) => m.stores);
  }

  /** fork copied `parent` into `child`: the child's copies of the (read-only) shared mappings
   *  follow the file too. */
  forked(parent: Memory, child: Memory): void {
    for (const m of this.byMem.get(parent) ?? []) {
      m.file.refs++;
      this.insert({ ...m, mem: child });
    }
  }

  /** Whether [at, at+len) overlaps a shared mapping of a file not opened for writing
   *  (mprotect cannot add PROT_WRITE there: EACCES). */
  readOnlyIn(mem: Memory, at: number, len: number): boolean {
    return (this.byMem.get(mem) ?? []).some((m) => !m.writable && m.at < at + len && at < m.at + m.len);
  }

  /** mprotect gave [at, at+len) `prot`: pages of shared mappings that became writable are
   *  watched from now on. */
  protect(mem: Memory, at: number, len: number, prot: number): void {
    if (!(prot & PROT_WRITE)) return;
    for (const m of this.byMem.get(mem) ?? []) {
      const a = Math.max(at, m.at), b = Math.min(at + len, m.at + m.len);
      if (a >= b) continue;
      m.stores = true;
      mem.watchWrites?.(a, b - a);
    }
  }

  /** Write back the dirty pages of m in [from, to) (addresses), each also copied into the
   *  other mappings of the file. Bytes past the end of the file are not written (as on Linux,
   *  a store there never reaches the file). */
  private writeBack(m: SharedMapping, from: number, to: number): void {
    if (!m.writable) return;
    const pages = m.mem.takeDirty ? m.mem.takeDirty(from, to - from) : allPages(from, to);
    if (pages.length === 0) return;
    const st = m.file.f.stat();
    const size = typeof st === "number" ? Infinity : st.size;
    for (const a of pages) {
      const pos = m.off + (a - m.at);
      const n = Math.min(PAGE_SIZE, size - pos);
      if (n <= 0) continue;
      let bytes: Uint8Array;
      try {
        bytes = m.mem.read(a, n, true);
      } catch {
        continue; // unmapped meanwhile
      }
      // In place, also through an O_APPEND descriptor (the host would append).
      if (m.file.f.writeAt !== undefined) m.file.f.writeAt(bytes, pos);
      else m.file.f.write(bytes, pos);
      this.spread(m.key, pos, bytes, m);
    }
  }

  /** Put the file's bytes at pos into every mapping of key but `except`; a page keeps its
   *  clean or dirty state (a dirty page's other stores are still to be written back). */
  private spread(key: string, pos: number, data: Uint8Array, except?: SharedMapping): void {
    for (const m of this.byKey.get(key) ?? []) {
      if (m === except) continue;
      const a = Math.max(pos, m.off), b = Math.min(pos + data.length, m.off + m.len);
      for (let x = a; x < b; ) {
        const addr = m.at + (x - m.off);
        const k = Math.min(b - x, PAGE_SIZE - (addr % PAGE_SIZE));
        const wasDirty = m.mem.isDirty?.(addr) ?? true;
        try {
          m.mem.write(addr, data.subarray(x - pos, x - pos + k), true);
          if (!wasDirty) m.mem.takeDirty?.(pageDown(addr), PAGE_SIZE);
        } catch {
          // unmapped meanwhile
        }
        x += k;
      }
    }
  }

  /** The mappings of key overlapping file bytes [pos, end), with that part as addresses
   *  (whole pages). */
  private *overlapping(key: string, pos: number, end: number): Generator<[SharedMapping, number, number]> {
    for (const m of [...(this.byKey.get(key) ?? [])]) {
      const a = Math.max(pos, m.off), b = Math.min(end, m.off + m.len);
      if (a < b) yield [m, pageDown(m.at + (a - m.off)), pageUp(m.at + (b - m.off))];
    }
  }

  beforeRead(key: string, pos: number, len: number): void {
    for (const [m, from, to] of this.overlapping(key, pos, pos + len)) this.writeBack(m, from, to);
  }

  afterWrite(key: string, pos: number, data: Uint8Array): void {
    this.spread(key, pos, data);
  }

  /** The file is about to be cut (or grown) to len: its dirty pages from len's page on are
   *  written back first (their bytes before len are kept). */
  beforeTruncate(key: string, len: number): void {
    for (const [m, from, to] of this.overlapping(key, pageDown(len), Infinity)) this.writeBack(m, from, to);
  }

  /** After a truncate to len: the mapped pages from len's page on hold the file again (zeros
   *  past its end, where Linux would raise SIGBUS on access). */
  afterTruncate(key: string, len: number): void {
    for (const [m, from, to] of this.overlapping(key, pageDown(len), Infinity)) this.reload(m, from, to);
  }

  /** Refill m's pages [from, to) from the file, clean: the bytes it holds, zeros past its end
   *  (whole pages there are mapped afresh, so a large mapping of a file cut short costs no
   *  storage). Dirty pages there must have been written back: their stores are dropped. */
  private reload(m: SharedMapping, from: number, to: number): void {
    const st = m.file.f.stat();
    const size = typeof st === "number" ? 0 : st.size;
    const dataEnd = Math.min(to, Math.max(from, pageUp(m.at + (size - m.off))));
    if (dataEnd > from) {
      const buf = new Uint8Array(dataEnd - from);
      m.file.f.read(buf, m.off + (from - m.at)); // an error leaves zeros
      for (let a = from; a < dataEnd; a += PAGE_SIZE) {
        try {
          const prot = m.mem.protOf(a);
          if (prot > 0 && (prot & PROT_WRITE)) m.mem.watchWrites?.(a, PAGE_SIZE); // after madvise's map
          m.mem.write(a, buf.subarray(a - from, a - from + PAGE_SIZE), true);
        } catch {
          // unmapped meanwhile
        }
      }
      m.mem.takeDirty?.(from, dataEnd - from);
    }
    for (let a = dataEnd; a < to; ) {
      const prot = m.mem.protOf(a);
      let b = a + PAGE_SIZE;
      while (b < to && m.mem.protOf(b) === prot) b += PAGE_SIZE;
      if (prot >= 0) {
        m.mem.map(a, b - a, prot);
        if (prot & PROT_WRITE) m.mem.watchWrites?.(a, b - a);
      }
      a = b;
    }
  }

  /** msync, or munmap / a new mapping with `drop`: write back m's dirty pages overlapping
   *  [at, at+len) and, with drop, forget that part (the file is released when nothing is left). */
  sync(mem: Memory, at: number, len: number, drop: boolean): void {
    const end = at + len;
    for (const m of [...(this.byMem.get(mem) ?? [])]) {
      const mEnd = m.at + m.len;
      if (mEnd <= at || m.at >= end) continue;
      const from = Math.max(at, m.at), to = Math.min(end, mEnd);
      this.writeBack(m, from, to);
      if (!drop) continue;
      mem.unwatchWrites?.(from, to - from);
      this.remove(m);
      // Keep the parts outside the range.
      let parts = 0;
      if (m.at < at) { this.insert({ ...m, len: at - m.at }); parts++; }
      if (mEnd > end) { this.insert({ ...m, at: end, len: mEnd - end, off: m.off + (end - m.at) }); parts++; }
      if (parts === 2) m.file.refs++;
      if (parts === 0 && --m.file.refs === 0) m.file.release();
    }
  }

  /** mremap moved the pages of [from, from+len) to `to` (their stores written back first):
   *  the mappings there move with them, and are watched at their new place. */
  move(mem: Memory, from: number, to: number, len: number): void {
    const end = from + len;
    for (const m of [...(this.byMem.get(mem) ?? [])]) {
      const mEnd = m.at + m.len;
      if (mEnd <= from || m.at >= end) continue;
      const a = Math.max(from, m.at), b = Math.min(end, mEnd);
      this.remove(m);
      // The parts outside the moved range stay; the part inside goes to its new address.
      let parts = 1;
      if (m.at < a) { this.insert({ ...m, len: a - m.at }); parts++; }
      if (mEnd > b) { this.insert({ ...m, at: b, len: mEnd - b, off: m.off + (b - m.at) }); parts++; }
      m.file.refs += parts - 1;
      const moved: SharedMapping = { ...m, at: to + (a - from), len: b - a, off: m.off + (a - m.at) };
      this.insert(moved);
      if (moved.stores) mem.watchWrites?.(moved.at, moved.len);
    }
  }

  /** madvise(MADV_DONTNEED) dropped [at, at+len): the shared mappings there read the file
   *  again (their dirty pages were written back first), as Linux refaults them from the page
   *  cache. */
  refill(mem: Memory, at: number, len: number): void {
    for (const m of this.byMem.get(mem) ?? []) {
      const from = Math.max(at, m.at), to = Math.min(at + len, m.at + m.len);
      if (from >= to) continue;
      this.reload(m, from, to);
    }
  }

  /** The address space is going away (exit, execve): write every shared mapping back and
   *  release the files. */
  dropMem(mem: Memory): void {
    for (const m of [...(this.byMem.get(mem) ?? [])]) {
      this.writeBack(m, m.at, m.at + m.len);
      this.remove(m);
      if (--m.file.refs === 0) m.file.release();
    }
  }

  /** Whether any watched page is dirty. */
  anyDirty(): boolean {
    for (const mem of this.byMem.keys()) if ((mem.dirtyCount ?? 1) > 0) return true;
    return false;
  }

  /** Write back every dirty page of every mapping (rt0's periodic write-back, and its end). */
  writeBackAll(): void {
    for (const [mem, l] of [...this.byMem]) {
      if ((mem.dirtyCount ?? 1) === 0) continue;
      for (const m of [...l]) this.writeBack(m, m.at, m.at + m.len);
    }
  }
}

function allPages(from: number, to: number): number[] {
  const out: number[] = [];
  for (let a = from; a < to; a += PAGE_SIZE) out.push(a);
  return out;
}
