// Memory syscalls: mmap (anonymous, file copies; shared writable ones written back, see
// ../shmap.ts), munmap, msync, mprotect, madvise, mincore, brk. Go reserves with PROT_NONE.

import { NR } from "../sysnums.generated.js";
import { rows, type Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { EBADF, EEXIST, EINVAL, ENOMEM, ENOSYS, EACCES } from "../errno.js";
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_SHARED, PROT_MASK } from "../abi.js";
import { PAGE_SIZE, PROT_WRITE, USER_TOP } from "../../mem/api.js";
import type { FileDesc } from "../files.js";
import { addSharedMapping, syncShared } from "../shmap.js";

const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

function isFree(t: Thread, addr: number, len: number): boolean {
  return t.proc.mem.findFree(len, addr) === addr;
}

export function sysMmap(t: Thread, a: Args): number {
  const addr = a.u(0), len = a.u(1), prot = a.i32(2), flags = a.i32(3), fd = a.i32(4), off = a.s64(5);
  const mem = t.proc.mem;
  if (len === 0 || len > USER_TOP || (prot & ~PROT_MASK) !== 0) return -EINVAL;
  if (off % PAGE_SIZE !== 0 || off < 0) return -EINVAL;
  const size = pageUp(len);
  let at: number;
  if (flags & MAP_FIXED) {
    if (addr % PAGE_SIZE !== 0) return -EINVAL;
    if (addr + size > USER_TOP) return -ENOMEM;
    at = addr;
  } else {
    const hint = addr - (addr % PAGE_SIZE);
    if (hint !== 0 && hint + size <= USER_TOP && isFree(t, hint, size)) at = hint;
    else if (flags & MAP_FIXED_NOREPLACE) return -EEXIST;
    else at = mem.findFree(size, 0);
    if (at < 0) return -ENOMEM;
  }
  let data: Uint8Array | undefined;
  let file: FileDesc | undefined;
  if (!(flags & MAP_ANONYMOUS)) {
    const f = (file = t.proc.getFile(fd));
    if (!f) return -EBADF;
    if (f.kind !== "file") return -EACCES;
    data = new Uint8Array(len);
    const n = f.pread(data, off);
    if (n < 0) return n;
    data = data.subarray(0, n);
  }
  syncShared(mem, at, size, true);
  mem.map(at, size, prot);
  if (data && data.length > 0) mem.write(at, data, true);
  if (file && (flags & MAP_SHARED) !== 0 && (prot & PROT_WRITE)) addSharedMapping(mem, at, size, file, off);
  return at;
}

function sysMunmap(t: Thread, a: Args): number {
  const addr = a.u(0), len = a.u(1);
  if (addr % PAGE_SIZE !== 0 || len === 0 || addr + len > USER_TOP) return -EINVAL;
  syncShared(t.proc.mem, addr, pageUp(len), true);
  t.proc.mem.unmap(addr, pageUp(len));
  return 0;
}

function sysMsync(t: Thread, a: Args): number {
  const addr = a.u(0), len = pageUp(a.u(1)), flags = a.i32(2);
  if (addr % PAGE_SIZE !== 0 || (flags & ~7) !== 0) return -EINVAL;
  if (!allMapped(t, addr, len)) return -ENOMEM;
  syncShared(t.proc.mem, addr, len, false);
  return 0;
}

function allMapped(t: Thread, addr: number, len: number): boolean {
  for (let p = addr; p < addr + len; p += PAGE_SIZE) if (t.proc.mem.protOf(p) < 0) return false;
  return true;
}

function sysMprotect(t: Thread, a: Args): number {
  const addr = a.u(0), len = pageUp(a.u(1)), prot = a.i32(2);
  if (addr % PAGE_SIZE !== 0 || (prot & ~PROT_MASK) !== 0) return -EINVAL;
  if (!allMapped(t, addr, len)) return -ENOMEM;
  t.proc.mem.protect(addr, len, prot);
  return 0;
}

const MADV_DONTNEED = 4, MADV_REMOVE = 9;

/** madvise: hints are no-ops, except MADV_DONTNEED (and MADV_REMOVE), after which private
 *  anonymous pages read back as zero, as on Linux (Go's scavenger relies on it). */
function sysMadvise(t: Thread, a: Args): number {
  const addr = a.u(0), len = pageUp(a.u(1)), advice = a.i32(2), mem = t.proc.mem;
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (advice !== MADV_DONTNEED && advice !== MADV_REMOVE) return 0;
  if (!allMapped(t, addr, len)) return -ENOMEM;
  let start = addr, prot = mem.protOf(addr);
  for (let p = addr + PAGE_SIZE; p <= addr + len; p += PAGE_SIZE) {
    const q = p < addr + len ? mem.protOf(p) : -2;
    if (q !== prot) {
      mem.map(start, p - start, prot);
      start = p;
      prot = q;
    }
  }
  return 0;
}

function sysMincore(t: Thread, a: Args): number {
  const addr = a.u(0), len = pageUp(a.u(1)), vec = a.u(2);
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (!allMapped(t, addr, len)) return -ENOMEM;
  t.proc.mem.write(vec, new Uint8Array(len / PAGE_SIZE).fill(1));
  return 0;
}

function sysBrk(t: Thread, a: Args): number {
  const p = t.proc, want = a.u(0);
  if (want === 0 || want < p.brkStart) return p.brk;
  const cur = pageUp(p.brk), next = pageUp(want);
  if (next > cur) {
    if (!isFree(t, cur, next - cur)) return p.brk;
    p.mem.map(cur, next - cur, 3);
  } else if (next < cur) p.mem.unmap(next, cur - next);
  p.brk = want;
  return want;
}

export const memRows: SyscallRow[] = rows(NR, {
  mmap: [["ptr", "uint", "prot", "mapflags", "fd", "int"], sysMmap, true],
  munmap: [["ptr", "uint"], sysMunmap],
  msync: [["ptr", "uint", "hex"], sysMsync],
  mprotect: [["ptr", "uint", "prot"], sysMprotect],
  madvise: [["ptr", "uint", "int"], sysMadvise],
  mincore: [["ptr", "uint", "ptr"], sysMincore],
  brk: [["ptr"], sysBrk, true],
  mremap: [["ptr", "uint", "uint", "hex", "ptr"], () => -ENOSYS],
});
