// File syscalls through the Vfs: open/openat, read/write and their p/v variants, close,
// stat family (fstat, newfstatat, statx), lseek, getdents64, fcntl, ioctl (TCGETS, TIOCGWINSZ),
// mkdir/unlink/rename, ftruncate, fsync, readlink (/proc/self/exe virtualized), getcwd/chdir, dup.

import { NR } from "../sysnums.generated.js";
import { isTtyIoctl, openControllingTerminal, ttyIoctl } from "../tty.js";
import { rows, accessOk, Args, BLOCK, type SyscallRow } from "../sysapi.js";
import type { Process, Thread } from "../process.js";
import {
  EAGAIN, EBADF, EFBIG, EINVAL, ENOENT, ENOTDIR, ENOTTY, ERANGE, EISDIR, EFAULT, ESPIPE, ENAMETOOLONG, EEXIST, EPERM, EOPNOTSUPP, EACCES,
} from "../errno.js";
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD,
  F_SETFL, FD_CLOEXEC, O_ACCMODE, O_APPEND, O_CLOEXEC, O_DIRECTORY, O_NONBLOCK, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_EXCL,
} from "../abi.js";
import { HostFileDesc, MemFileDesc, isNonblock, type FileDesc } from "../files.js";
import {
  cleanPath, joinPath, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFMT, S_IFLNK, S_IFREG, S_IFSOCK, DT_FIFO, DT_SOCK, type Stat, type TimeSpec, type VfsFile,
} from "../vfs.js";
import { Fifo } from "../fifo.js";
import { GuestFault, PAGE_SIZE, PROT_WRITE, USER_TOP } from "../../mem/api.js";

const MAX_IO = 16 << 20;

// ---- paths

/** Read a path argument; a negative number is an errno. */
export function readPath(p: Process, addr: number): string | number {
  if (addr === 0) return -EFAULT;
  const s = p.mem.readCString(addr, 4097);
  if (s.length > 4096) return -ENAMETOOLONG;
  return s;
}

/** How a path ends for Linux's trailing-slash rules: "/." when its last component is "." (the
 *  name must be a directory, and rmdir/unlink/rename refuse it), "/" after a trailing slash
 *  (a final symbolic link is followed and the name must be a directory), else "". */
function dirSuffix(path: string): string {
  const bare = path.replace(/\/+$/, "");
  if (bare === "." || bare.endsWith("/.")) return "/.";
  return bare !== "" && bare !== path ? "/" : "";
}

/** Resolve (dirfd, path) to an absolute guest path. "." and "//" are normalized away, except
 *  that a trailing "/" or "/." is kept (see dirSuffix): the Vfs passes it on to the host,
 *  whose kernel then applies the same rules (ENOTDIR for "file/", EINVAL for rmdir "dir/."). */
export function resolveAt(p: Process, dirfd: number, path: string): string | number {
  if (path === "") return -ENOENT;
  let base: string;
  if (path.startsWith("/")) base = "/";
  else if (dirfd === AT_FDCWD) base = p.cwd;
  else {
    const f = p.getFile(dirfd);
    if (!f) return -EBADF;
    if (f.kind !== "dir" || !f.path) return -ENOTDIR;
    // A directory descriptor names the directory, wherever it has been renamed to since.
    base = (f instanceof HostFileDesc ? f.f.currentPath?.() : undefined) ?? f.path;
  }
  const full = joinPath(base, path), suffix = dirSuffix(path);
  // "/." keeps its dot (rmdir says EINVAL for it, EBUSY for "/").
  return full === "/" ? (suffix === "/." ? "/." : full) : full + suffix;
}

/** Is this a /proc path rt0 answers itself? Returns the answer kind. */
function procPath(p: Process, path: string): "exe" | "none" | undefined {
  const c = cleanPath(path);
  if (!c.startsWith("/proc/") && c !== "/proc") return undefined;
  if (c === "/proc/self/exe" || c === `/proc/${p.pid}/exe` || c === "/proc/thread-self/exe") return "exe";
  return "none";
}

function argPath(t: Thread, dirfd: number, addr: number): string | number {
  const s = readPath(t.proc, addr);
  if (typeof s === "number") return s;
  return resolveAt(t.proc, dirfd, s);
}

// ---- read/write with parking

function tryIo(t: Thread, f: FileDesc, op: () => number): number {
  const r = op();
  if (r !== -EAGAIN || isNonblock(f)) return r;
  t.proc.park(t, {
    deadline: Infinity,
    interruptible: true,
    onTimeout: () => -EAGAIN,
    poll: () => {
      const x = op();
      return x === -EAGAIN ? undefined : x;
    },
  });
  return BLOCK;
}

/** How many bytes from addr, up to len, land on mapped writable pages. */
function writableRoom(p: Process, addr: number, len: number): number {
  let n = 0;
  while (n < len && addr + n < USER_TOP) {
    const prot = p.mem.protOf(addr + n);
    if (prot < 0 || (prot & PROT_WRITE) === 0) break;
    n += PAGE_SIZE - ((addr + n) % PAGE_SIZE);
  }
  return Math.min(n, len);
}

/** Read with `reader` into the buffers (base, len) as far as they are writable: Linux stops
 *  copying at the first bad page, and fails with EFAULT only when nothing could be stored.
 *  Only what fits is taken from the file, so nothing read is lost. */
function readInto(p: Process, bufs: [number, number][], reader: (tmp: Uint8Array) => number): number {
  let total = 0, room = 0;
  for (const [base, len] of bufs) {
    total += len;
    const r = writableRoom(p, base, len);
    room += r;
    if (r < len) break;
  }
  if (room === 0 && total > 0) return -EFAULT;
  const tmp = new Uint8Array(room);
  const n = reader(tmp);
  let off = 0;
  for (const [base, len] of bufs) {
    if (off >= n) break;
    const k = Math.min(len, n - off);
    p.mem.write(base, tmp.subarray(off, off + k));
    off += k;
  }
  return n;
}

const canRead = (f: FileDesc): boolean => (f.flags & O_ACCMODE) !== O_WRONLY;
const canWrite = (f: FileDesc): boolean => (f.flags & O_ACCMODE) !== 0;

function sysRead(t: Thread, a: Args): number {
  const p = t.proc, f = p.getFile(a.i32(0));
  if (!f || !canRead(f)) return -EBADF;
  if (!accessOk(a.v[1]!, a.v[2]!)) return -EFAULT;
  const buf = a.u(1), count = Math.min(a.u(2), MAX_IO);
  return tryIo(t, f, () => readInto(p, [[buf, count]], (tmp) => f.read(tmp)));
}

function sysWrite(t: Thread, a: Args): number {
  const p = t.proc, f = p.getFile(a.i32(0));
  if (!f || !canWrite(f)) return -EBADF;
  if (!accessOk(a.v[1]!, a.v[2]!)) return -EFAULT;
  const data = p.mem.read(a.u(1), Math.min(a.u(2), MAX_IO));
  return tryIo(t, f, () => f.write(data));
}

function sysPread(t: Thread, a: Args): number {
  const p = t.proc, off = a.s64(3);
  if (off < 0) return -EINVAL;
  const f = p.getFile(a.i32(0));
  if (!f || !canRead(f)) return -EBADF;
  if (!accessOk(a.v[1]!, a.v[2]!)) return -EFAULT;
  // Past 2^53 is past the end of any file a host file system holds.
  if (off > Number.MAX_SAFE_INTEGER && f.kind === "file") return 0;
  return readInto(p, [[a.u(1), Math.min(a.u(2), MAX_IO)]], (tmp) => f.pread(tmp, off));
}

function sysPwrite(t: Thread, a: Args): number {
  const p = t.proc, off = a.s64(3);
  if (off < 0) return -EINVAL;
  const f = p.getFile(a.i32(0));
  if (!f || !canWrite(f)) return -EBADF;
  if (!accessOk(a.v[1]!, a.v[2]!)) return -EFAULT;
  if (off > Number.MAX_SAFE_INTEGER && f.kind === "file") return -EFBIG;
  return f.pwrite(p.mem.read(a.u(1), Math.min(a.u(2), MAX_IO)), off);
}

/** UIO_MAXIOV: the most iovecs one readv/writev takes. */
const UIO_MAXIOV = 1024;

/** The iovec array of readv/writev as Linux's import_iovec checks it: at most UIO_MAXIOV
 *  entries, no negative length (EINVAL), every buffer inside user space (EFAULT); the lengths
 *  are cut so that they add up to at most MAX_IO. */
function importIovec(p: Process, at: number, count: bigint): [number, number][] | number {
  if (count === 0n) return [];
  if (count > BigInt(UIO_MAXIOV)) return -EINVAL;
  const n = Number(count);
  const raw = p.mem.read(at, 16 * n);
  const dv = new DataView(raw.buffer);
  const iov: [bigint, bigint][] = [];
  for (let i = 0; i < n; i++) {
    const base = dv.getBigUint64(16 * i, true), len = dv.getBigUint64(16 * i + 8, true);
    if (len >= 1n << 63n) return -EINVAL;
    iov.push([base, len]);
  }
  const out: [number, number][] = [];
  let total = 0;
  for (const [base, len] of iov) {
    if (!accessOk(base, len)) return -EFAULT;
    const k = Math.min(Number(len), MAX_IO - total);
    out.push([Number(base), k]);
    total += k;
  }
  return out;
}

function sysReadv(t: Thread, a: Args): number {
  const p = t.proc, f = p.getFile(a.i32(0));
  if (!f || !canRead(f)) return -EBADF;
  const iov = importIovec(p, a.u(1), a.v[2]!);
  if (typeof iov === "number") return iov;
  return tryIo(t, f, () => readInto(p, iov, (tmp) => f.read(tmp)));
}

function sysWritev(t: Thread, a: Args): number {
  const p = t.proc, f = p.getFile(a.i32(0));
  if (!f || !canWrite(f)) return -EBADF;
  const iov = importIovec(p, a.u(1), a.v[2]!);
  if (typeof iov === "number") return iov;
  const data = new Uint8Array(iov.reduce((s, [, l]) => s + l, 0));
  let off = 0;
  for (const [base, len] of iov) {
    data.set(p.mem.read(base, len), off);
    off += len;
  }
  return tryIo(t, f, () => f.write(data));
}

// ---- open/close

function doOpen(t: Thread, path: string | number, flags: number, mode: number): number {
  const p = t.proc;
  if (typeof path === "number") return path;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const virt = procPath(p, path);
  if (virt === "exe") path = p.exePath;
  else if (virt === "none") {
    if (cleanPath(path) === "/proc/self/cmdline" && p.cmdline) return p.allocFd(new MemFileDesc(p.cmdline, 0, path), cloexec);
    return -ENOENT;
  }
  if (cleanPath(path) === "/dev/tty") {
    const tty = openControllingTerminal(p, flags);
    return typeof tty === "number" ? tty : p.allocFd(tty, cloexec);
  }
  const fifo = p.kernel.fifos.get(cleanPath(path));
  if (fifo !== undefined) {
    if ((flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -EEXIST;
    if (flags & O_DIRECTORY) return -ENOTDIR;
    return fifo.open(t, flags, (e) => p.allocFd(e, cloexec));
  }
  const f = p.host.vfs.open(path, flags, mode & ~p.umask);
  if (typeof f === "number") return f;
  if ((flags & O_DIRECTORY) && !f.isDir) { f.close(); return -ENOTDIR; }
  if (f.isDir && ((flags & O_ACCMODE) !== 0 || (flags & (O_CREAT | O_TRUNC)))) { f.close(); return -EISDIR; }
  const desc = new HostFileDesc(f, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), path, p.kernel.shared);
  if (flags & O_TRUNC) desc.truncatedByOpen();
  return p.allocFd(desc, cloexec);
}

function sysOpenat(t: Thread, a: Args): number {
  return doOpen(t, argPath(t, a.i32(0), a.u(1)), a.i32(2), a.u32(3));
}

function sysOpen(t: Thread, a: Args): number {
  return doOpen(t, argPath(t, AT_FDCWD, a.u(0)), a.i32(1), a.u32(2));
}

function sysClose(t: Thread, a: Args): number {
  return t.proc.closeFd(a.i32(0));
}

// ---- stat

export function writeStat(p: Process, at: number, s: Stat): void {
  const b = new Uint8Array(144), dv = new DataView(b.buffer);
  const u64 = (o: number, v: number): void => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), true);
  u64(0, s.dev); u64(8, s.ino); u64(16, s.nlink);
  dv.setUint32(24, s.mode, true); dv.setUint32(28, s.uid, true); dv.setUint32(32, s.gid, true);
  u64(40, s.rdev); u64(48, s.size); u64(56, s.blksize); u64(64, s.blocks);
  u64(72, s.atimeSec); u64(80, s.atimeNsec); u64(88, s.mtimeSec); u64(96, s.mtimeNsec);
  u64(104, s.ctimeSec); u64(112, s.ctimeNsec);
  p.mem.write(at, b);
}

function writeStatx(p: Process, at: number, s: Stat): void {
  const b = new Uint8Array(256), dv = new DataView(b.buffer);
  const u64 = (o: number, v: number): void => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), true);
  dv.setUint32(0, 0x7ff, true); // STATX_BASIC_STATS
  dv.setUint32(4, s.blksize, true);
  dv.setUint32(16, s.nlink, true); dv.setUint32(20, s.uid, true); dv.setUint32(24, s.gid, true);
  dv.setUint16(28, s.mode, true);
  u64(32, s.ino); u64(40, s.size); u64(48, s.blocks);
  u64(64, s.atimeSec); dv.setUint32(72, s.atimeNsec, true);
  u64(96, s.ctimeSec); dv.setUint32(104, s.ctimeNsec, true);
  u64(112, s.mtimeSec); dv.setUint32(120, s.mtimeNsec, true);
  dv.setUint32(128, Math.floor(s.rdev / 256), true); dv.setUint32(132, s.rdev & 0xff, true);
  dv.setUint32(136, Math.floor(s.dev / 256), true); dv.setUint32(140, s.dev & 0xff, true);
  p.mem.write(at, b);
}

export function statPath(t: Thread, path: string | number, follow: boolean): Stat | number {
  const p = t.proc;
  if (typeof path === "number") return path;
  const virt = procPath(p, path);
  if (virt === "exe") {
    if (!follow) return { ...blankStat(), mode: S_IFLNK | 0o777 };
    path = p.exePath;
  } else if (virt === "none") return -ENOENT;
  const st = p.host.vfs.stat(path, follow);
  const kind = typeof st !== "number" && (st.mode & S_IFMT) === S_IFREG ? p.kernel.nameKind(cleanPath(path)) : undefined;
  if (kind !== undefined && typeof st !== "number") {
    return { ...st, mode: (kind === "fifo" ? S_IFIFO : S_IFSOCK) | (st.mode & 0o7777), size: 0, blocks: 0 };
  }
  return st;
}

function blankStat(): Stat {
  return { dev: 0, ino: 0, mode: 0, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
    atimeSec: 0, atimeNsec: 0, mtimeSec: 0, mtimeNsec: 0, ctimeSec: 0, ctimeNsec: 0 };
}

function statAt(t: Thread, dirfd: number, pathAddr: number, flags: number): Stat | number {
  const p = t.proc;
  const s = readPath(p, pathAddr);
  if (typeof s === "number") return s;
  if (s === "" && (flags & AT_EMPTY_PATH)) {
    const f = dirfd === AT_FDCWD ? undefined : p.getFile(dirfd);
    if (dirfd === AT_FDCWD) return p.host.vfs.stat(p.cwd, true);
    return f ? f.stat() : -EBADF;
  }
  // A trailing slash resolves a final symbolic link even for lstat (and then needs a directory).
  const slash = s.length > 1 && s.endsWith("/");
  const st = statPath(t, resolveAt(p, dirfd, s), slash || !(flags & AT_SYMLINK_NOFOLLOW));
  if (slash && typeof st !== "number" && (st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  return st;
}

function sysFstat(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0));
  if (!f) return -EBADF;
  const s = f.stat();
  if (typeof s === "number") return s;
  writeStat(t.proc, a.u(1), s);
  return 0;
}

function sysNewfstatat(t: Thread, a: Args): number {
  const s = statAt(t, a.i32(0), a.u(1), a.i32(3));
  if (typeof s === "number") return s;
  writeStat(t.proc, a.u(2), s);
  return 0;
}

function sysStat(follow: boolean) {
  return (t: Thread, a: Args): number => {
    const s = statAt(t, AT_FDCWD, a.u(0), follow ? 0 : AT_SYMLINK_NOFOLLOW);
    if (typeof s === "number") return s;
    writeStat(t.proc, a.u(1), s);
    return 0;
  };
}

function sysStatx(t: Thread, a: Args): number {
  const s = statAt(t, a.i32(0), a.u(1), a.i32(2));
  if (typeof s === "number") return s;
  writeStatx(t.proc, a.u(4), s);
  return 0;
}

function sysLseek(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0));
  if (!f) return -EBADF;
  const whence = a.i32(2);
  if (whence < 0 || whence > 2) return -EINVAL;
  if (f.kind === "pipe" || f.kind === "eventfd") return -ESPIPE;
  return f.seek(a.s64(1), whence);
}

function sysGetdents64(t: Thread, a: Args): number {
  const p = t.proc, f = p.getFile(a.i32(0)), buf = a.u(1), count = a.u32(2);
  if (!f) return -EBADF;
  if (!f.readdir) return -ENOTDIR;
  const entries = f.readdir();
  if (typeof entries === "number") return entries;
  const out = new Uint8Array(Math.min(count, 1 << 20));
  const dv = new DataView(out.buffer);
  const enc = new TextEncoder();
  let off = 0;
  let pos = f.dirPos ?? 0;
  const fifos = p.kernel.fifos, socks = p.kernel.unixNames;
  while (pos < entries.length) {
    const e = entries[pos]!;
    const name = enc.encode(e.name);
    const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
    if (off + reclen > out.length) {
      if (off === 0) return -EINVAL;
      break;
    }
    dv.setBigUint64(off, BigInt(e.ino), true);
    dv.setBigInt64(off + 8, BigInt(pos + 1), true);
    dv.setUint16(off + 16, reclen, true);
    const kind = (fifos.size > 0 || socks.size > 0) && f.path ? p.kernel.nameKind(joinPath(f.path, e.name)) : undefined;
    dv.setUint8(off + 18, kind === "fifo" ? DT_FIFO : kind === "socket" ? DT_SOCK : e.type);
    out.set(name, off + 19);
    off += reclen;
    pos++;
  }
  f.dirPos = pos;
  p.mem.write(buf, out.subarray(0, off));
  return off;
}

function sysFcntl(t: Thread, a: Args): number {
  const p = t.proc, fd = a.i32(0), cmd = a.i32(1), arg = a.u(2);
  const e = p.fds.get(fd);
  if (!e) return -EBADF;
  switch (cmd) {
    case F_GETFD: return e.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: e.cloexec = (arg & FD_CLOEXEC) !== 0; return 0;
    case F_GETFL: return e.file.flags;
    case F_SETFL: e.file.flags = (e.file.flags & ~(O_NONBLOCK | O_APPEND)) | (arg & (O_NONBLOCK | O_APPEND)); return 0;
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
      // The lowest descriptor is an int (a negative one is huge as unsigned).
      const from = a.i32(2);
      if (from < 0 || from >= p.fdLimit()) return -EINVAL;
      e.file.refs++;
      return p.allocFd(e.file, cmd === F_DUPFD_CLOEXEC, from);
    }
    default: return -EINVAL;
  }
}

const FIONBIO = 0x5421, FIOCLEX = 0x5451, FIONCLEX = 0x5450, FIONREAD = 0x541b;

function sysIoctl(t: Thread, a: Args): number {
  const p = t.proc, e = p.fds.get(a.i32(0)), req = a.u32(1), arg = a.u(2);
  if (!e) return -EBADF;
  const f = e.file;
  if (isTtyIoctl(req)) return ttyIoctl(p, f, req, arg);
  switch (req) {
    case FIOCLEX: e.cloexec = true; return 0;
    case FIONCLEX: e.cloexec = false; return 0;
    case FIONBIO: f.flags = p.mem.readU32(arg) ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK; return 0;
    case FIONREAD: {
      // Sockets (the next datagram's size, or the bytes buffered) and pipes.
      if (!f.available) return -ENOTTY;
      p.mem.writeU32(arg, f.available());
      return 0;
    }
    default: return -ENOTTY;
  }
}

// ---- directories and names

function pathOp(op: (p: Process, path: string) => number, dirArg = true) {
  return (t: Thread, a: Args): number => {
    const path = dirArg ? argPath(t, a.i32(0), a.u(1)) : argPath(t, AT_FDCWD, a.u(0));
    if (typeof path === "number") return path;
    if (procPath(t.proc, path)) return -ENOENT;
    return op(t.proc, path);
  };
}

function sysMkdirat(t: Thread, a: Args): number {
  return pathOp((p, path) => p.host.vfs.mkdir(path, a.u32(2) & ~p.umask))(t, a);
}

/** unlink(2): the name goes, and with it a FIFO's entry (open ends keep their buffer). */
function unlinkPath(p: Process, path: string): number {
  const r = p.host.vfs.unlink(path);
  if (r === 0) {
    p.kernel.dropName(cleanPath(path));
  }
  return r;
}

function sysUnlinkat(t: Thread, a: Args): number {
  const rmdir = (a.i32(2) & AT_REMOVEDIR) !== 0;
  return pathOp((p, path) => (rmdir ? p.host.vfs.rmdir(path) : unlinkPath(p, path)))(t, a);
}

const S_MODE = 0o7777;

/** mknod(2): FIFOs (fifo.ts) and regular files; device nodes and sockets are refused. */
function doMknod(t: Thread, path: string | number, mode: number): number {
  const p = t.proc;
  if (typeof path === "number") return path;
  const type = mode & S_IFMT;
  if (type !== 0 && type !== S_IFREG && type !== S_IFIFO) return type === S_IFCHR || type === S_IFBLK || type === S_IFSOCK ? -EPERM : -EINVAL;
  const f = p.host.vfs.open(path, O_CREAT | O_EXCL | O_WRONLY, (mode & S_MODE) & ~p.umask);
  if (typeof f === "number") return f;
  f.close();
  if (type === S_IFIFO) p.kernel.fifos.set(cleanPath(path), new Fifo(mode & S_MODE));
  return 0;
}

function rename(t: Thread, d1: number, a1: number, d2: number, a2: number): number {
  const from = argPath(t, d1, a1), to = argPath(t, d2, a2);
  if (typeof from === "number") return from;
  if (typeof to === "number") return to;
  const r = t.proc.host.vfs.rename(from, to);
  if (r === 0) {
    t.proc.kernel.moveName(cleanPath(from), cleanPath(to));
  }
  return r;
}

function doReadlink(t: Thread, path: string | number, buf: number, size: number): number {
  const p = t.proc;
  if (typeof path === "number") return path;
  if ((size | 0) <= 0) return -EINVAL;
  const virt = procPath(p, path);
  let target: string | number;
  if (virt === "exe") target = p.exePath;
  else if (virt === "none") target = -ENOENT;
  else target = p.host.vfs.readlink(path);
  if (typeof target === "number") return target;
  const bytes = new TextEncoder().encode(target).subarray(0, size);
  p.mem.write(buf, bytes);
  return bytes.length;
}

function sysGetcwd(t: Thread, a: Args): number {
  const b = new TextEncoder().encode(t.proc.cwd + "\0");
  if (b.length > 4096) return -ENAMETOOLONG; // Linux: a path longer than a page
  if (a.u(1) < b.length) return -ERANGE;
  t.proc.mem.write(a.u(0), b);
  return b.length;
}

function chdirTo(p: Process, path: string | number): number {
  if (typeof path === "number") return path;
  const s = p.host.vfs.stat(path, true);
  if (typeof s === "number") return s;
  if ((s.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  p.cwd = cleanPath(path);
  return 0;
}

function sysFchdir(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0));
  if (!f) return -EBADF;
  if (f.kind !== "dir" || !f.path) return -ENOTDIR;
  t.proc.cwd = cleanPath(f.path);
  return 0;
}

function sysDup(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0));
  if (!f) return -EBADF;
  f.refs++;
  return t.proc.allocFd(f, false);
}

function sysDup3(t: Thread, a: Args): number {
  const p = t.proc, oldfd = a.i32(0), newfd = a.i32(1), flags = a.i32(2);
  if (flags & ~O_CLOEXEC || oldfd === newfd) return -EINVAL;
  return dupTo(p, oldfd, newfd, (flags & O_CLOEXEC) !== 0);
}

function sysDup2(t: Thread, a: Args): number {
  const p = t.proc, oldfd = a.i32(0), newfd = a.i32(1);
  if (oldfd === newfd) return p.getFile(oldfd) ? newfd : -EBADF;
  return dupTo(p, oldfd, newfd, false);
}

/** dup2/dup3 once their own checks passed: newfd (unsigned) must be below RLIMIT_NOFILE. */
function dupTo(p: Process, oldfd: number, newfd: number, cloexec: boolean): number {
  if (newfd < 0 || newfd >= p.fdLimit()) return -EBADF;
  const f = p.getFile(oldfd);
  if (!f) return -EBADF;
  p.installFd(newfd, f, cloexec);
  return newfd;
}

function sysFtruncate(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0));
  if (!f) return -EBADF;
  if (a.s64(1) < 0) return -EINVAL;
  if ((f.flags & O_ACCMODE) !== O_WRONLY && (f.flags & O_ACCMODE) !== O_RDWR) return -EINVAL;
  return f.truncate(a.s64(1));
}

/** truncate(2): through an open for writing, which gives the errors Linux gives (ENOENT,
 *  EISDIR, EACCES). */
function sysTruncate(t: Thread, a: Args): number {
  const p = t.proc, path = argPath(t, AT_FDCWD, a.u(0)), len = a.s64(1);
  if (typeof path === "number") return path;
  if (len < 0) return -EINVAL;
  if (procPath(p, path)) return -EACCES;
  if (p.kernel.fifos.has(cleanPath(path))) return -EINVAL;
  const f = p.host.vfs.open(path, O_WRONLY, 0);
  if (typeof f === "number") return f;
  const desc = new HostFileDesc(f, O_WRONLY, path, p.kernel.shared);
  const r = desc.truncate(len);
  desc.release();
  return r;
}

function sysFsync(t: Thread, a: Args): number {
  const f = t.proc.getFile(a.i32(0));
  if (!f) return -EBADF;
  return f.kind === "file" || f.kind === "dir" ? f.sync() : -EINVAL;
}

function sysFaccessat(t: Thread, a: Args): number {
  const path = argPath(t, a.i32(0), a.u(1));
  if (typeof path === "number") return path;
  const virt = procPath(t.proc, path);
  if (virt === "exe") return t.proc.host.vfs.access(t.proc.exePath, a.i32(2));
  if (virt === "none") return -ENOENT;
  return t.proc.host.vfs.access(path, a.i32(2));
}

// ---- attributes: mode, owner, times, hard links

const AT_SYMLINK_FOLLOW = 0x400;

/** The open host file behind a descriptor (fchmod, fchown, futimens), or an errno. */
function hostFile(p: Process, fd: number): VfsFile | number {
  const f = p.getFile(fd);
  if (!f) return -EBADF;
  // Pipes, sockets and other in-kernel objects have no host file to change.
  return f instanceof HostFileDesc ? f.f : -EPERM;
}

/** A path argument of an *at call, or the descriptor itself (AT_EMPTY_PATH with ""). */
function atTarget(t: Thread, dirfd: number, addr: number, flags: number): { path: string } | { file: VfsFile } | number {
  const s = readPath(t.proc, addr);
  if (typeof s === "number") return s;
  if (s === "" && (flags & AT_EMPTY_PATH)) {
    if (dirfd === AT_FDCWD) return { path: t.proc.cwd };
    const f = hostFile(t.proc, dirfd);
    return typeof f === "number" ? f : { file: f };
  }
  const path = resolveAt(t.proc, dirfd, s);
  if (typeof path === "number") return path;
  if (procPath(t.proc, path)) return -EPERM;
  return { path };
}

function chmodAt(t: Thread, dirfd: number, addr: number, mode: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const x = atTarget(t, dirfd, addr, flags), vfs = t.proc.host.vfs;
  if (typeof x === "number") return x;
  mode &= S_MODE;
  if ("file" in x) return x.file.chmod ? x.file.chmod(mode) : -EPERM;
  if (flags & AT_SYMLINK_NOFOLLOW) {
    // Linux cannot change a symbolic link's own mode: fchmodat2 says EOPNOTSUPP.
    const st = vfs.stat(x.path, false);
    if (typeof st === "number") return st;
    if ((st.mode & S_IFMT) === S_IFLNK) return -EOPNOTSUPP;
  }
  const fifo = t.proc.kernel.fifos.get(cleanPath(x.path));
  const r = vfs.chmod(x.path, mode);
  if (r === 0 && fifo) fifo.mode = mode;
  return r;
}

function sysFchmod(t: Thread, a: Args): number {
  const f = hostFile(t.proc, a.i32(0));
  if (typeof f === "number") return f;
  return f.chmod ? f.chmod(a.u32(1) & S_MODE) : -EPERM;
}

/** chown's "leave it": -1 as a 32-bit id. */
function ownerId(v: number): number {
  return v === 0xffffffff ? -1 : v;
}

function chownAt(t: Thread, dirfd: number, addr: number, uid: number, gid: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const x = atTarget(t, dirfd, addr, flags), vfs = t.proc.host.vfs;
  if (typeof x === "number") return x;
  if ("file" in x) return x.file.chown ? x.file.chown(ownerId(uid), ownerId(gid)) : -EPERM;
  return vfs.chown ? vfs.chown(x.path, !(flags & AT_SYMLINK_NOFOLLOW), ownerId(uid), ownerId(gid)) : -EPERM;
}

function sysFchown(t: Thread, a: Args): number {
  const f = hostFile(t.proc, a.i32(0));
  if (typeof f === "number") return f;
  return f.chown ? f.chown(ownerId(a.u32(1)), ownerId(a.u32(2))) : -EPERM;
}

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

/** utimensat(2); a null path (futimens) means the descriptor itself. */
function sysUtimensat(t: Thread, a: Args): number {
  const p = t.proc, dirfd = a.i32(0), addr = a.u(1), tp = a.u(2), flags = a.i32(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const nowMs = p.host.realtimeMs();
  const now: TimeSpec = { sec: Math.floor(nowMs / 1000), nsec: Math.floor((nowMs % 1000) * 1e6) };
  const times: (TimeSpec | null)[] = [];
  for (let i = 0; i < 2; i++) {
    if (tp === 0) { times.push(now); continue; }
    const sec = BigInt.asIntN(64, p.mem.readU64Big(tp + 16 * i)), nsec = p.mem.readU64(tp + 16 * i + 8);
    if (nsec === UTIME_NOW) times.push(now);
    else if (nsec === UTIME_OMIT) times.push(null);
    else if (nsec >= 1e9) return -EINVAL;
    else times.push({ sec: Number(sec), nsec });
  }
  const [atime, mtime] = times as [TimeSpec | null, TimeSpec | null];
  let x: { path: string } | { file: VfsFile } | number;
  if (addr === 0) {
    const f = hostFile(p, dirfd);
    x = typeof f === "number" ? f : { file: f };
  } else x = atTarget(t, dirfd, addr, flags);
  if (typeof x === "number") return x;
  if (!atime && !mtime) return 0; // both UTIME_OMIT: nothing to change, as on Linux
  if ("file" in x) return x.file.utimes ? x.file.utimes(atime, mtime) : -EPERM;
  const vfs = p.host.vfs;
  return vfs.utimes ? vfs.utimes(x.path, !(flags & AT_SYMLINK_NOFOLLOW), atime, mtime) : -EPERM;
}

function linkAt(t: Thread, d1: number, a1: number, d2: number, a2: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  if (flags & AT_EMPTY_PATH) return -ENOENT; // linking an open file by descriptor: not supported
  const from = argPath(t, d1, a1), to = argPath(t, d2, a2), p = t.proc;
  if (typeof from === "number") return from;
  if (typeof to === "number") return to;
  if (procPath(p, from) || procPath(p, to)) return -EPERM;
  if (!p.host.vfs.link) return -EPERM;
  const r = p.host.vfs.link(from, to, (flags & AT_SYMLINK_FOLLOW) !== 0);
  // A FIFO's new name opens the same pipe.
  const fifo = p.kernel.fifos.get(cleanPath(from));
  if (r === 0 && fifo) p.kernel.fifos.set(cleanPath(to), fifo);
  return r;
}

/** symlink(2) and symlinkat(2): a new name holding `target`, which is not looked at. */
function doSymlink(t: Thread, targetAddr: number, dirfd: number, pathAddr: number): number {
  const target = readPath(t.proc, targetAddr);
  if (typeof target === "number") return target;
  const path = argPath(t, dirfd, pathAddr);
  if (typeof path === "number") return path;
  if (procPath(t.proc, path)) return -EEXIST;
  return t.proc.host.vfs.symlink(target, path);
}

/** A GuestFault inside a handler means a bad user pointer: EFAULT. */
export function isFault(e: unknown): boolean {
  return e instanceof GuestFault;
}

export const fsRows: SyscallRow[] = rows(NR, {
  read: [["fd", "buf_out", "uint"], sysRead],
  write: [["fd", "buf_in", "uint"], sysWrite],
  pread64: [["fd", "buf_out", "uint", "int"], sysPread],
  pwrite64: [["fd", "buf_in", "uint", "int"], sysPwrite],
  readv: [["fd", "ptr", "int"], sysReadv],
  writev: [["fd", "ptr", "int"], sysWritev],
  open: [["path", "oflags", "mode"], sysOpen],
  openat: [["dirfd", "path", "oflags", "mode"], sysOpenat],
  close: [["fd"], sysClose],
  fstat: [["fd", "ptr"], sysFstat],
  stat: [["path", "ptr"], sysStat(true)],
  lstat: [["path", "ptr"], sysStat(false)],
  newfstatat: [["dirfd", "path", "ptr", "atflags"], sysNewfstatat],
  statx: [["dirfd", "path", "atflags", "hex", "ptr"], sysStatx],
  lseek: [["fd", "int", "whence"], sysLseek],
  getdents64: [["fd", "ptr", "uint"], sysGetdents64],
  fcntl: [["fd", "fcntlcmd", "hex"], sysFcntl],
  ioctl: [["fd", "ioctlreq", "ptr"], sysIoctl],
  mkdirat: [["dirfd", "path", "mode"], sysMkdirat],
  mkdir: [["path", "mode"], (t, a) => pathOp((p, path) => p.host.vfs.mkdir(path, a.u32(1) & ~p.umask), false)(t, a)],
  unlinkat: [["dirfd", "path", "atflags"], sysUnlinkat],
  unlink: [["path"], pathOp(unlinkPath, false)],
  mknodat: [["dirfd", "path", "mode", "hex"], (t, a) => doMknod(t, argPath(t, a.i32(0), a.u(1)), a.u32(2))],
  mknod: [["path", "mode", "hex"], (t, a) => doMknod(t, argPath(t, AT_FDCWD, a.u(0)), a.u32(1))],
  rmdir: [["path"], pathOp((p, path) => p.host.vfs.rmdir(path), false)],
  renameat: [["dirfd", "path", "dirfd", "path"], (t, a) => rename(t, a.i32(0), a.u(1), a.i32(2), a.u(3))],
  renameat2: [["dirfd", "path", "dirfd", "path", "hex"], (t, a) => (a.u32(4) ? -EINVAL : rename(t, a.i32(0), a.u(1), a.i32(2), a.u(3)))],
  rename: [["path", "path"], (t, a) => rename(t, AT_FDCWD, a.u(0), AT_FDCWD, a.u(1))],
  readlinkat: [["dirfd", "path", "ptr", "uint"], (t, a) => doReadlink(t, argPath(t, a.i32(0), a.u(1)), a.u(2), a.i32(3))],
  readlink: [["path", "ptr", "uint"], (t, a) => doReadlink(t, argPath(t, AT_FDCWD, a.u(0)), a.u(1), a.i32(2))],
  getcwd: [["ptr", "uint"], sysGetcwd],
  chdir: [["path"], (t, a) => chdirTo(t.proc, argPath(t, AT_FDCWD, a.u(0)))],
  fchdir: [["fd"], sysFchdir],
  dup: [["fd"], sysDup],
  dup2: [["fd", "fd"], sysDup2],
  dup3: [["fd", "fd", "oflags"], sysDup3],
  ftruncate: [["fd", "int"], sysFtruncate],
  truncate: [["path", "int"], sysTruncate],
  fsync: [["fd"], sysFsync],
  fdatasync: [["fd"], sysFsync],
  faccessat: [["dirfd", "path", "int"], sysFaccessat],
  faccessat2: [["dirfd", "path", "int", "atflags"], sysFaccessat],
  access: [["path", "int"], (t, a) => sysFaccessat(t, new Args([BigInt.asUintN(64, BigInt(AT_FDCWD)), a.v[0]!, a.v[1]!]))],
  fchmodat: [["dirfd", "path", "mode"], (t, a) => chmodAt(t, a.i32(0), a.u(1), a.u32(2), 0)],
  fchmodat2: [["dirfd", "path", "mode", "atflags"], (t, a) => chmodAt(t, a.i32(0), a.u(1), a.u32(2), a.i32(3))],
  chmod: [["path", "mode"], (t, a) => chmodAt(t, AT_FDCWD, a.u(0), a.u32(1), 0)],
  fchmod: [["fd", "mode"], sysFchmod],
  symlinkat: [["path", "dirfd", "path"], (t, a) => doSymlink(t, a.u(0), a.i32(1), a.u(2))],
  symlink: [["path", "path"], (t, a) => doSymlink(t, a.u(0), AT_FDCWD, a.u(1))],
  umask: [["mode"], (t, a) => { const old = t.proc.umask; t.proc.umask = a.u32(0) & 0o777; return old; }],
  fchown: [["fd", "int", "int"], sysFchown],
  fchownat: [["dirfd", "path", "int", "int", "atflags"], (t, a) => chownAt(t, a.i32(0), a.u(1), a.u32(2), a.u32(3), a.i32(4))],
  chown: [["path", "int", "int"], (t, a) => chownAt(t, AT_FDCWD, a.u(0), a.u32(1), a.u32(2), 0)],
  lchown: [["path", "int", "int"], (t, a) => chownAt(t, AT_FDCWD, a.u(0), a.u32(1), a.u32(2), AT_SYMLINK_NOFOLLOW)],
  utimensat: [["dirfd", "path", "ptr", "atflags"], sysUtimensat],
  linkat: [["dirfd", "path", "dirfd", "path", "atflags"], (t, a) => linkAt(t, a.i32(0), a.u(1), a.i32(2), a.u(3), a.i32(4))],
  link: [["path", "path"], (t, a) => linkAt(t, AT_FDCWD, a.u(0), AT_FDCWD, a.u(1), 0)],
});
