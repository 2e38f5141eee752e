// Extended attributes (the xattr family) and fadvise64. rt0's files carry no extended attributes:
// Node has no xattr API, so the host's are out of reach. The calls therefore answer as Linux
// does for a file that has none, after the same argument and path checks: the list is empty,
// getting or removing a name of a namespace the file system knows is ENODATA, an unknown
// namespace EOPNOTSUPP; setting one is EOPNOTSUPP (nothing can hold it). fadvise64 is advice:
// checked as Linux checks it, then nothing to do.

import { NR } from "../sysnums.generated.js";
import { rows, type Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { AT_FDCWD } from "../abi.js";
import { readPath, resolveAt, statPath } from "./fs.js";
import { E2BIG, EBADF, EINVAL, ENODATA, EOPNOTSUPP, EPERM, ERANGE, ESPIPE } from "../errno.js";
import { S_IFDIR, S_IFIFO, S_IFMT, S_IFREG, type Stat } from "../vfs.js";

const XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536, XATTR_CREATE = 1, XATTR_REPLACE = 2;

/** The attribute name (a C string of at most 255 bytes), or ERANGE as Linux's copy of it gives. */
function attrName(t: Thread, addr: number): string | number {
  const bytes: number[] = [];
  for (let i = 0; i <= XATTR_NAME_MAX; i++) {
    const b = t.proc.mem.readU8(addr + i);
    if (b === 0) break;
    bytes.push(b);
  }
  if (bytes.length === 0 || bytes.length > XATTR_NAME_MAX) return -ERANGE;
  return String.fromCharCode(...bytes);
}

/** The namespaces a Linux file system (ext4) has handlers for. */
function knownNamespace(name: string): boolean {
  return name.startsWith("user.") || name.startsWith("trusted.") || name.startsWith("security.") ||
    name === "system.posix_acl_access" || name === "system.posix_acl_default";
}

/** The file the call is about: the path argument (following a final link or not) or the
 *  descriptor; its stat, or an errno. */
function target(t: Thread, a: Args, w: Which): Stat | number {
  const p = t.proc;
  if (!w.path) {
    const f = p.getFile(a.i32(0));
    return f ? f.stat() : -EBADF;
  }
  const path = readPath(p, a.u(0));
  if (typeof path === "number") return path;
  return statPath(t, resolveAt(p, AT_FDCWD, path), w.follow);
}

/** Linux's xattr_permission for a file without attributes: user.* exists only on regular files
 *  and directories (others: ENODATA to read, EPERM to write). Then what the file system says:
 *  `absent` for a namespace it has, EOPNOTSUPP for one it does not. */
function answer(st: Stat, name: string, write: boolean, absent: number): number {
  const type = st.mode & S_IFMT;
  if (name.startsWith("user.") && type !== S_IFREG && type !== S_IFDIR) return write ? -EPERM : -ENODATA;
  return knownNamespace(name) ? absent : -EOPNOTSUPP;
}

type Which = { path: boolean; follow: boolean };

function get(w: Which) {
  return (t: Thread, a: Args): number => {
    if (!w.path && !t.proc.getFile(a.i32(0))) return -EBADF;
    const name = attrName(t, a.u(1));
    if (typeof name === "number") return name;
    const st = target(t, a, w);
    return typeof st === "number" ? st : answer(st, name, false, -ENODATA);
  };
}

function remove(w: Which) {
  return (t: Thread, a: Args): number => {
    if (!w.path && !t.proc.getFile(a.i32(0))) return -EBADF;
    const name = attrName(t, a.u(1));
    if (typeof name === "number") return name;
    const st = target(t, a, w);
    return typeof st === "number" ? st : answer(st, name, true, -ENODATA);
  };
}

function set(w: Which) {
  return (t: Thread, a: Args): number => {
    if (!w.path && !t.proc.getFile(a.i32(0))) return -EBADF;
    const flags = a.i32(4);
    if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
    const name = attrName(t, a.u(1));
    if (typeof name === "number") return name;
    if (a.u(3) > XATTR_SIZE_MAX) return -E2BIG;
    t.proc.mem.read(a.u(2), a.u(3));
    const st = target(t, a, w);
    // Nothing can hold the attribute: EOPNOTSUPP, as from a file system without xattrs.
    return typeof st === "number" ? st : answer(st, name, true, -EOPNOTSUPP);
  };
}

function list(w: Which) {
  return (t: Thread, a: Args): number => {
    const st = target(t, a, w);
    return typeof st === "number" ? st : 0;
  };
}

/** fadvise64(fd, offset, len, advice): EBADF, ESPIPE for a pipe or FIFO, EINVAL for a negative
 *  length or an advice beyond POSIX_FADV_NOREUSE, else 0 (advice has nothing to change here). */
function sysFadvise64(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0));
  if (!f) return -EBADF;
  const st = f.kind === "pipe" ? undefined : f.stat();
  if (f.kind === "pipe" || (typeof st === "object" && (st.mode & S_IFMT) === S_IFIFO)) return -ESPIPE;
  const advice = a.i32(3);
  if (a.s64(2) < 0 || advice < 0 || advice > 5) return -EINVAL;
  return 0;
}

const PATH: Which = { path: true, follow: true }, LPATH: Which = { path: true, follow: false }, FD: Which = { path: false, follow: true };

export const xattrRows: SyscallRow[] = rows(NR, {
  getxattr: [["path", "path", "ptr", "uint"], get(PATH)],
  lgetxattr: [["path", "path", "ptr", "uint"], get(LPATH)],
  fgetxattr: [["fd", "path", "ptr", "uint"], get(FD)],
  removexattr: [["path", "path"], remove(PATH)],
  lremovexattr: [["path", "path"], remove(LPATH)],
  fremovexattr: [["fd", "path"], remove(FD)],
  setxattr: [["path", "path", "ptr", "uint", "hex"], set(PATH)],
  lsetxattr: [["path", "path", "ptr", "uint", "hex"], set(LPATH)],
  fsetxattr: [["fd", "path", "ptr", "uint", "hex"], set(FD)],
  listxattr: [["path", "ptr", "uint"], list(PATH)],
  llistxattr: [["path", "ptr", "uint"], list(LPATH)],
  flistxattr: [["fd", "ptr", "uint"], list(FD)],
  fadvise64: [["fd", "int", "int", "int"], sysFadvise64],
});
