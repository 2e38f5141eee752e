// Memory syscalls: mmap (anonymous, file copies; shared ones kept coherent with the file, see
// ../shmap.ts), munmap, mremap, msync, mprotect, madvise, mincore, brk. Go reserves with PROT_NONE.
// Arguments are checked as Linux 6.x checks them, in 64-bit arithmetic (a length that wraps, a range
// past the top of user space), and RLIMIT_AS counts every mapping, as Linux's may_expand_vm does.

import { NR } from "../sysnums.generated.js";
import { rows, TASK_SIZE, type Args, type SyscallRow } from "../sysapi.js";
import type { Process, Thread } from "../process.js";
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM, EOVERFLOW } from "../errno.js";
import { MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_SHARED, O_ACCMODE, O_RDWR, O_WRONLY } from "../abi.js";
import { PAGE_SIZE, PROT_WRITE, USER_TOP, type Memory } from "../../mem/api.js";
import { HostFileDesc, type FileDesc } from "../files.js";
import { RLIMIT_AS, softLimit } from "../rlimit.js";

const U64 = (1n << 64n) - 1n;
const PAGE = BigInt(PAGE_SIZE);
/** vm.max_map_count: more separate mappings than this is ENOMEM. */
const MAX_MAP_COUNT = 65530;
const MAP_TYPE = 0x0f, MAP_SHARED_VALIDATE = 3, MAP_PRIVATE_TYPE = 2, MAP_HUGETLB = 0x40000;
const PROT_SEM = 8, PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;

/** PAGE_ALIGN in 64-bit arithmetic: 0 when len is within a page of 2^64. */
const pageAlign = (len: bigint): bigint => (len + PAGE - 1n) & ~(PAGE - 1n) & U64;
const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

/** Can the process's address space grow by `more` bytes under RLIMIT_AS (and the map count)? */
export function mayExpand(p: Process, more: number): boolean {
  const mem = p.mem;
  if (mem.rangeCount && mem.rangeCount() >= MAX_MAP_COUNT) return false;
  const limit = softLimit(p.rlimits, RLIMIT_AS);
  if (limit === Infinity || !mem.mappedBytes) return more <= Number(TASK_SIZE);
  return mem.mappedBytes() + more <= limit;
}

/** The bytes of [addr, addr+len) that are mapped (every page when the memory cannot say). */
function mappedIn(mem: Memory, addr: number, len: number): number {
  if (mem.mappedIn) return mem.mappedIn(addr, len);
  let n = 0;
  for (let p = addr; p < addr + len; p += PAGE_SIZE) if (mem.protOf(p) >= 0) n += PAGE_SIZE;
  return n;
}

/** The mapped pieces of [addr, end), ascending. */
function mappedPieces(mem: Memory, addr: number, end: number): Array<[number, number]> {
  if (mem.mappedRanges) {
    return mem.mappedRanges()
      .filter((r) => r.end > addr && r.start < end)
      .map((r): [number, number] => [Math.max(addr, r.start), Math.min(end, r.end)]);
  }
  const out: Array<[number, number]> = [];
  for (let p = addr; p < end; p += PAGE_SIZE) {
    if (mem.protOf(p) < 0) continue;
    const last = out[out.length - 1];
    if (last && last[1] === p) last[1] = p + PAGE_SIZE;
    else out.push([p, p + PAGE_SIZE]);
  }
  return out;
}

/** How far from addr (up to end) the mapping continues without a hole. */
function mappedPrefix(mem: Memory, addr: number, end: number): number {
  const first = mappedPieces(mem, addr, end)[0];
  return first && first[0] === addr ? first[1] - addr : 0;
}

function isFree(mem: Memory, addr: number, len: number): boolean {
  return mappedIn(mem, addr, len) === 0;
}

export function sysMmap(t: Thread, a: Args): number {
  const p = t.proc, mem = p.mem;
  const addr = a.v[0]!, len = a.v[1]!, prot = a.i32(2), flags = a.i32(3), fd = a.i32(4), off = a.v[5]!;
  if ((off & (PAGE - 1n)) !== 0n) return -EINVAL;
  let file: FileDesc | undefined;
  if (!(flags & MAP_ANONYMOUS)) {
    file = p.getFile(fd);
    if (!file) return -EBADF;
    if (flags & MAP_HUGETLB) return -EINVAL;
  }
  if (len === 0n) return -EINVAL;
  const sizeBig = pageAlign(len);
  if (sizeBig === 0n) return -ENOMEM;
  if (((off >> 12n) + (sizeBig >> 12n)) > U64) return -EOVERFLOW;
  if (mem.rangeCount && mem.rangeCount() > MAX_MAP_COUNT) return -ENOMEM;
  // get_unmapped_area
  if (sizeBig > TASK_SIZE) return -ENOMEM;
  const size = Number(sizeBig);
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  let at: number;
  if (fixed) {
    if (addr > TASK_SIZE - sizeBig) return -ENOMEM;
    if ((addr & (PAGE - 1n)) !== 0n) return -EINVAL;
    at = Number(addr);
    if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && !isFree(mem, at, size)) return -EEXIST;
  } else {
    const hint = pageAlign(addr);
    if (hint >= 65536n && hint <= TASK_SIZE - sizeBig && isFree(mem, Number(hint), size)) at = Number(hint);
    else at = mem.findFree(size, 0, Number(TASK_SIZE));
    if (at < 0) return -ENOMEM;
  }
  const type = flags & MAP_TYPE;
  if (file) {
    if (file.kind !== "file") return -ENODEV;
    // file_mmap_ok: the offset and length must fit in a loff_t.
    if (off + sizeBig > (1n << 63n) - 1n) return -EOVERFLOW;
    const acc = file.flags & O_ACCMODE;
    if (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) {
      if ((prot & PROT_WRITE) && acc !== O_WRONLY && acc !== O_RDWR) return -EACCES;
      if (acc === O_WRONLY) return -EACCES;
    } else if (type === MAP_PRIVATE_TYPE) {
      if (acc === O_WRONLY) return -EACCES;
    } else return -EINVAL;
  } else if (type !== MAP_SHARED && type !== MAP_PRIVATE_TYPE) return -EINVAL;
  if (!mayExpand(p, size - mappedIn(mem, at, size))) return -ENOMEM;
  let data: Uint8Array | undefined;
  if (file) {
    // The file's bytes from off, as far as the file goes (past its end the pages stay zero).
    // Reading them first writes back other mappings' stores there (coherence).
    const st = file.stat();
    const fileSize = typeof st === "number" ? 0 : st.size;
    const want = Math.max(0, Math.min(size, fileSize - Number(off)));
    data = new Uint8Array(want);
    const n = want > 0 ? file.pread(data, Number(off)) : 0;
    if (n < 0) return n;
    data = data.subarray(0, n);
  }
  const shared = p.kernel.shared;
  shared.sync(mem, at, size, true);
  if (data && data.length > 0 && mem.mapData !== undefined) mem.mapData(at, size, prot, data);
  else {
    mem.map(at, size, prot);
    if (data && data.length > 0) mem.write(at, data, true);
  }
  // A shared mapping of a host file follows the file (../shmap.ts).
  if (file instanceof HostFileDesc && type !== MAP_PRIVATE_TYPE) shared.add(mem, at, size, file, Number(off), prot);
  return at;
}

/** A range argument as Linux checks start/len for munmap: aligned, below TASK_SIZE, not wrapping. */
function sysMunmap(t: Thread, a: Args): number {
  const start = a.v[0]!, len = a.v[1]!;
  if ((start & (PAGE - 1n)) !== 0n || start > TASK_SIZE || len > TASK_SIZE - start) return -EINVAL;
  const size = pageAlign(len);
  if (size === 0n) return -EINVAL;
  const addr = Number(start), n = Number(size);
  t.proc.kernel.shared.sync(t.proc.mem, addr, n, true);
  t.proc.mem.unmap(addr, Math.min(n, USER_TOP - addr));
  return 0;
}

const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

function sysMsync(t: Thread, a: Args): number {
  const start = a.v[0]!, flags = a.i32(2);
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if ((start & (PAGE - 1n)) !== 0n) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
  const end = start + pageAlign(a.v[1]!);
  if (end > U64) return -ENOMEM;
  if (end === start) return 0;
  const addr = Number(start), stop = Number(end < TASK_SIZE ? end : TASK_SIZE);
  const mem = t.proc.mem;
  if (addr >= stop) return -ENOMEM;
  for (const [from, to] of mappedPieces(mem, addr, stop)) t.proc.kernel.shared.sync(mem, from, to - from, false);
  return mappedIn(mem, addr, stop - addr) === stop - addr && end <= TASK_SIZE ? 0 : -ENOMEM;
}

function sysMprotect(t: Thread, a: Args): number {
  const start = a.v[0]!, len = a.v[1]!;
  let prot = a.i32(2);
  const grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
  prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
  if (grows === (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  if ((start & (PAGE - 1n)) !== 0n) return -EINVAL;
  if (len === 0n) return 0;
  const end = start + pageAlign(len);
  if (end <= start || end > U64) return -ENOMEM;
  if (prot & ~(7 | PROT_SEM)) return -EINVAL;
  if (start >= TASK_SIZE) return -ENOMEM;
  // Linux changes the mapping as far as it continues from start, and fails at the first hole.
  const addr = Number(start), stop = Number(end < TASK_SIZE ? end : TASK_SIZE);
  const mem = t.proc.mem;
  const n = mappedPrefix(mem, addr, stop);
  // A shared mapping of a file not opened for writing cannot become writable.
  const shared = t.proc.kernel.shared;
  if ((prot & PROT_WRITE) && n > 0 && shared.readOnlyIn(mem, addr, n)) return -EACCES;
  if (n > 0) {
    mem.protect(addr, n, prot & 7);
    shared.protect(mem, addr, n, prot);
  }
  return n === stop - addr && end <= TASK_SIZE ? 0 : -ENOMEM;
}

const MADV_DONTNEED = 4, MADV_REMOVE = 9, MADV_LAST = 25, MADV_DONTNEED_LOCKED = 24;

/** madvise: hints are no-ops, except MADV_DONTNEED (and REMOVE, DONTNEED_LOCKED), after which
 *  private anonymous pages read back as zero, as on Linux (Go's scavenger relies on it), and
 *  shared file pages keep their stores (written back first) and read the file again. The
 *  mapped parts of the range are advised; a hole makes the result ENOMEM. */
function sysMadvise(t: Thread, a: Args): number {
  const start = a.v[0]!, lenIn = a.v[1]!, advice = a.i32(2), mem = t.proc.mem;
  if (advice < 0 || advice > MADV_LAST) return -EINVAL;
  if ((start & (PAGE - 1n)) !== 0n) return -EINVAL;
  const len = pageAlign(lenIn);
  if (lenIn !== 0n && len === 0n) return -EINVAL;
  const end = start + len;
  if (end > U64) return -EINVAL;
  if (end === start) return 0;
  if (start >= TASK_SIZE) return -ENOMEM;
  const addr = Number(start), stop = Number(end < TASK_SIZE ? end : TASK_SIZE);
  const pieces = mappedPieces(mem, addr, stop);
  if (advice === MADV_DONTNEED || advice === MADV_REMOVE || advice === MADV_DONTNEED_LOCKED) {
    const shared = t.proc.kernel.shared;
    for (const [from, to] of pieces) {
      shared.sync(mem, from, to - from, false);
      discard(mem, from, to);
      shared.refill(mem, from, to - from);
    }
  }
  const mapped = pieces.reduce((s, [from, to]) => s + to - from, 0);
  return mapped === stop - addr && end <= TASK_SIZE ? 0 : -ENOMEM;
}

/** Drop the contents of the mapped [from, to), keeping each page's protection. */
function discard(mem: Memory, from: number, to: number): void {
  let start = from, prot = mem.protOf(from);
  for (let p = from + PAGE_SIZE; p <= to; p += PAGE_SIZE) {
    const q = p < to ? mem.protOf(p) : -2;
    if (q !== prot) {
      mem.map(start, p - start, prot);
      start = p;
      prot = q;
    }
  }
}

function sysMincore(t: Thread, a: Args): number {
  const start = a.v[0]!, len = a.v[1]!, vec = a.u(2), mem = t.proc.mem;
  if ((start & (PAGE - 1n)) !== 0n) return -EINVAL;
  if (start + len > TASK_SIZE) return -ENOMEM; // access_ok
  const addr = Number(start), pages = Number((len + PAGE - 1n) / PAGE);
  if (vec + pages > USER_TOP) return -EFAULT;
  if (pages === 0) return 0;
  // Resident in rt0 means mapped: every page of a mapping reports 1, up to the first hole.
  const n = mappedPrefix(mem, addr, addr + pages * PAGE_SIZE) / PAGE_SIZE;
  const ones = new Uint8Array(Math.min(n, 65536)).fill(1);
  for (let i = 0; i < n; i += ones.length) {
    try {
      mem.write(vec + i, ones.subarray(0, Math.min(ones.length, n - i)));
    } catch {
      return -EFAULT;
    }
  }
  return n === pages ? 0 : -ENOMEM;
}

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;

/** mremap: shrink in place, grow in place when the pages after are free, or move (MAYMOVE, or
 *  FIXED to new_addr; DONTUNMAP leaves the old range mapped and empty). The old range must be
 *  one mapping of one protection. */
function sysMremap(t: Thread, a: Args): number {
  const p = t.proc, mem = p.mem;
  const start = a.v[0]!, flags = a.u32(3), newAddrBig = a.v[4]!;
  const oldLenBig = pageAlign(a.v[1]!), newLenBig = pageAlign(a.v[2]!);
  if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP) || a.v[3]! > 0xffffffffn) return -EINVAL;
  if ((start & (PAGE - 1n)) !== 0n) return -EINVAL;
  if (newLenBig === 0n || newLenBig > TASK_SIZE) return -EINVAL;
  const toNew = (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) !== 0;
  if (toNew) {
    if (newAddrBig > TASK_SIZE - newLenBig || (newAddrBig & (PAGE - 1n)) !== 0n) return -EINVAL;
    if (!(flags & MREMAP_MAYMOVE)) return -EINVAL;
    if ((flags & MREMAP_DONTUNMAP) && oldLenBig !== newLenBig) return -EINVAL;
    if ((flags & MREMAP_FIXED) && start + oldLenBig > newAddrBig && newAddrBig + newLenBig > start) return -EINVAL;
  }
  if (start >= TASK_SIZE || mem.protOf(Number(start)) < 0) return -EFAULT;
  const addr = Number(start), newLen = Number(newLenBig);
  if (!toNew && oldLenBig >= newLenBig) {
    // Always allowed: shrinking (munmap of the tail, with its checks).
    if (oldLenBig === newLenBig) return addr;
    const tail = start + newLenBig, tailLen = oldLenBig - newLenBig;
    if (tail > TASK_SIZE || tailLen > TASK_SIZE - tail) return -EINVAL;
    p.kernel.shared.sync(mem, Number(tail), Number(tailLen), true);
    mem.unmap(Number(tail), Number(tailLen));
    return addr;
  }
  if (oldLenBig > TASK_SIZE - start) return -EFAULT;
  const oldLen = Number(oldLenBig);
  if (oldLen === 0) return -EINVAL; // the "duplicate a shared mapping" case is not modelled
  const prot = mem.protOf(addr);
  for (let q = addr; q < addr + oldLen; q += PAGE_SIZE) if (mem.protOf(q) !== prot) return -EFAULT;
  const grow = newLen > oldLen ? newLen - oldLen : 0;
  if (!toNew && isFree(mem, addr + oldLen, grow) && addr + newLen <= Number(TASK_SIZE)) {
    if (!mayExpand(p, grow)) return -ENOMEM;
    mem.map(addr + oldLen, grow, prot);
    return addr;
  }
  if (!(flags & MREMAP_MAYMOVE) || !mem.move) return -ENOMEM;
  let to: number;
  const keepOld = (flags & MREMAP_DONTUNMAP) !== 0;
  if (flags & MREMAP_FIXED) {
    to = Number(newAddrBig);
    const replaced = mappedIn(mem, to, newLen);
    if (!mayExpand(p, newLen - replaced - (keepOld ? 0 : Math.min(oldLen, newLen)))) return -ENOMEM;
    p.kernel.shared.sync(mem, to, newLen, true);
    mem.unmap(to, newLen);
  } else {
    if (!mayExpand(p, keepOld ? newLen : grow)) return -ENOMEM;
    to = mem.findFree(newLen, 0, Number(TASK_SIZE));
    if (to < 0) return -ENOMEM;
  }
  const moved = Math.min(oldLen, newLen);
  // Shared file mappings move with their pages (written back first); a cut tail is dropped.
  const shared = p.kernel.shared;
  shared.sync(mem, addr, oldLen, false);
  if (oldLen > moved) shared.sync(mem, addr + moved, oldLen - moved, true);
  mem.move(addr, to, moved);
  shared.move(mem, addr, to, moved);
  if (oldLen > newLen) mem.unmap(addr + moved, oldLen - moved);
  if (newLen > moved) mem.map(to + moved, newLen - moved, prot);
  if (keepOld) mem.map(addr, oldLen, prot);
  return to;
}

function sysBrk(t: Thread, a: Args): number {
  const p = t.proc, wantBig = a.v[0]!;
  if (wantBig < BigInt(p.brkStart) || wantBig > TASK_SIZE) return p.brk;
  const want = Number(wantBig);
  const cur = pageUp(p.brk), next = pageUp(want);
  if (next > cur) {
    if (!isFree(p.mem, cur, next - cur) || !mayExpand(p, next - cur)) return p.brk;
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
  mremap: [["ptr", "uint", "uint", "hex", "ptr"], sysMremap, true],
});
