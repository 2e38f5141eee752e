// flock (whole-file advisory locks between rt0's processes, held by an open file description
// and dropped when its last descriptor closes) and fallocate mode 0 (extend the file), as the go
// command's build cache and the Go linker use them. Host processes outside rt0 are not locked out.

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, type Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import type { Kernel } from "../kernel.js";
import { EAGAIN, EBADF, EFBIG, EINVAL, ENODEV, EOPNOTSUPP, ESPIPE } from "../errno.js";
import type { FileDesc } from "../files.js";
import { S_IFDIR, S_IFMT, S_IFREG } from "../vfs.js";

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

interface FileLock {
  ex: FileDesc | undefined;
  sh: Set<FileDesc>;
}

/** Locks by file identity (dev:ino), per kernel; and which identity each description locked. */
const tables = new WeakMap<Kernel, { byFile: Map<string, FileLock>; held: Map<FileDesc, string> }>();

function table(k: Kernel): { byFile: Map<string, FileLock>; held: Map<FileDesc, string> } {
  let t = tables.get(k);
  if (!t) {
    tables.set(k, (t = { byFile: new Map(), held: new Map() }));
    k.onFileReleased = (f) => unlockFile(k, f);
  }
  return t;
}

/** Drop whatever lock `f` holds (LOCK_UN, or its last descriptor closed). */
export function unlockFile(k: Kernel, f: FileDesc): void {
  const t = tables.get(k);
  const key = t?.held.get(f);
  if (!t || key === undefined) return;
  t.held.delete(f);
  const l = t.byFile.get(key)!;
  if (l.ex === f) l.ex = undefined;
  l.sh.delete(f);
  if (!l.ex && l.sh.size === 0) t.byFile.delete(key);
}

function tryLock(k: Kernel, f: FileDesc, key: string, exclusive: boolean): boolean {
  const t = table(k);
  let l = t.byFile.get(key);
  if (!l) t.byFile.set(key, (l = { ex: undefined, sh: new Set() }));
  const othersShared = [...l.sh].some((x) => x !== f);
  if ((l.ex && l.ex !== f) || (exclusive && othersShared)) return false;
  // Conversion replaces the old lock.
  l.sh.delete(f);
  if (l.ex === f) l.ex = undefined;
  if (exclusive) l.ex = f;
  else l.sh.add(f);
  t.held.set(f, key);
  return true;
}

function sysFlock(t: Thread, a: Args): number {
  const p = t.proc, f = p.getFile(a.i32(0)), op = a.i32(1);
  if (!f) return -EBADF;
  const how = op & ~LOCK_NB;
  if (how === LOCK_UN) {
    unlockFile(p.kernel, f);
    p.dirty = true;
    return 0;
  }
  if (how !== LOCK_SH && how !== LOCK_EX) return -EINVAL;
  const st = f.stat();
  if (typeof st === "number") return st;
  const key = `${st.dev}:${st.ino}`;
  const k = p.kernel;
  if (tryLock(k, f, key, how === LOCK_EX)) return 0;
  if (op & LOCK_NB) return -EAGAIN;
  p.park(t, { deadline: Infinity, interruptible: true, onTimeout: () => -EAGAIN, poll: () => (tryLock(k, f, key, how === LOCK_EX) ? 0 : undefined) });
  return BLOCK;
}

/** fallocate: mode 0 makes sure [offset, offset+len) is part of the file (extending it);
 *  the keep-size, punch-hole and other modes are not offered (EOPNOTSUPP, as on many file
 *  systems; callers such as the Go linker then go on without it). */
function sysFallocate(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0)), mode = a.i32(1), off = a.s64(2), len = a.s64(3);
  if (!f) return -EBADF;
  if (off < 0 || len <= 0) return -EINVAL;
  if ((f.flags & 3) === 0) return -EBADF;
  const st = f.stat();
  if (typeof st === "number") return st;
  if ((st.mode & S_IFMT) === S_IFDIR) return -ENODEV;
  if ((st.mode & S_IFMT) !== S_IFREG || f.kind !== "file") return -ESPIPE;
  if (mode !== 0) return -EOPNOTSUPP;
  const end = off + len;
  if (end > Number.MAX_SAFE_INTEGER) return -EFBIG;
  return end > st.size ? f.truncate(end) : 0;
}

export const flockRows: SyscallRow[] = rows(NR, {
  flock: [["fd", "int"], sysFlock],
  fallocate: [["fd", "int", "int", "int"], sysFallocate],
});
