// Shared writable file mappings (mmap MAP_SHARED of a file, as the Go linker writes its output):
// the pages are a copy, written back to the file on msync, munmap, MAP_FIXED replacement and when
// the address space is dropped (exit, execve). Reads through read(2) meanwhile see the old bytes.

import type { Memory } from "../mem/api.js";
import { PAGE_SIZE } from "../mem/api.js";
import type { FileDesc } from "./files.js";

interface SharedMapping {
  at: number;
  len: number;
  file: FileDesc;
  off: number;
}

const maps = new WeakMap<Memory, SharedMapping[]>();

/** Remember a MAP_SHARED file mapping with write access; it holds a reference to the file. */
export function addSharedMapping(mem: Memory, at: number, len: number, file: FileDesc, off: number): void {
  let l = maps.get(mem);
  if (!l) maps.set(mem, (l = []));
  file.refs++;
  l.push({ at, len, file, off });
}

function writeBack(mem: Memory, m: SharedMapping, from: number, to: number): void {
  const st = m.file.stat();
  const size = typeof st === "number" ? Infinity : st.size;
  for (let a = from; a < to; a += PAGE_SIZE) {
    const pos = m.off + (a - m.at);
    const n = Math.min(PAGE_SIZE, to - a, size - pos);
    if (n <= 0) break;
    let bytes: Uint8Array;
    try {
      bytes = mem.read(a, n, true);
    } catch {
      continue; // unmapped meanwhile
    }
    m.file.pwrite(bytes, pos);
  }
}

/** Write back the shared mappings overlapping [at, at+len); with `drop`, forget that part
 *  (munmap, or a new mapping over it). */
export function syncShared(mem: Memory, at: number, len: number, drop: boolean): void {
  const l = maps.get(mem);
  if (!l || l.length === 0) return;
  const end = at + len;
  const keep: SharedMapping[] = [];
  for (const m of l) {
    const mEnd = m.at + m.len;
    if (mEnd <= at || m.at >= end) {
      keep.push(m);
      continue;
    }
    writeBack(mem, m, Math.max(at, m.at), Math.min(end, mEnd));
    if (!drop) {
      keep.push(m);
      continue;
    }
    // Keep the parts outside the range; release the file when nothing is left.
    let parts = 0;
    if (m.at < at) { keep.push({ ...m, len: at - m.at }); parts++; }
    if (mEnd > end) { keep.push({ ...m, at: end, len: mEnd - end, off: m.off + (end - m.at) }); parts++; }
    if (parts === 2) m.file.refs++;
    if (parts === 0 && --m.file.refs === 0) m.file.release();
  }
  maps.set(mem, keep);
}

/** The address space is going away: write every shared mapping back and release the files. */
export function dropShared(mem: Memory): void {
  const l = maps.get(mem);
  if (!l) return;
  for (const m of l) {
    writeBack(mem, m, m.at, m.at + m.len);
    if (--m.file.refs === 0) m.file.release();
  }
  maps.delete(mem);
}

/** Whether the address space has shared writable file mappings (a fork cannot copy them). */
export function hasShared(mem: Memory): boolean {
  return (maps.get(mem)?.length ?? 0) > 0;
}
