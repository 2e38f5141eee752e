// The Node.js host for the Linux layer: files through node:fs (optionally confined to a root
// directory: no path, "..", or symbolic link leaves it, see confined.ts), stdio, clocks and
// randomness. With confined.ts, the only place rt0's emulator touches node:fs.

import * as fs from "node:fs";
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { resolve as hostResolve } from "node:path";
import type { DirEntry, Host, HostStream, Stat, TimeSpec, Vfs, VfsFile } from "../linux/vfs.js";
import { DT_BLK, DT_CHR, DT_DIR, DT_FIFO, DT_LNK, DT_REG, DT_SOCK, DT_UNKNOWN } from "../linux/vfs.js";
import { EACCES, EBUSY, EINVAL, EPERM, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EXDEV } from "../linux/errno.js";
import { O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY, O_WRONLY } from "../linux/abi.js";
import { Confined, LINK, errOf, idOf, toStat, type ResolveOptions } from "./confined.js";
import { NodeStdio, type OutStream, type StdinStream } from "./nodestdio.js";
import { NodeNet } from "./nodenet.js";

/** Host paths at least this long go through withShort. */
const PATH_LIMIT = 4000;

/** The host fd directory, usable by this process and its children (touch). */
const procFd = `/proc/${process.pid}/fd/`;

/**
 * Run f on a host path the kernel accepts: one longer than PATH_MAX (a guest working in a very
 * deep directory, as Linux allows with relative names) is reached in pieces, through
 * /proc/PID/fd/N of directories opened O_PATH along it, closed afterwards.
 */
function withShort<T>(host: string, f: (h: string) => T): T {
  if (host.length < PATH_LIMIT) return f(host);
  const fds: number[] = [];
  try {
    let prefix = "", rest = host;
    while (prefix.length + rest.length >= PATH_LIMIT) {
      const cut = rest.lastIndexOf("/", PATH_LIMIT - prefix.length - 1);
      if (cut <= 0) throw Object.assign(new Error("ENAMETOOLONG"), { errno: -ENAMETOOLONG });
      const fd = fs.openSync(prefix + rest.slice(0, cut), O_PATH | O_DIRECTORY);
      fds.push(fd);
      prefix = `${procFd}${fd}/`;
      rest = rest.slice(cut + 1);
    }
    return f(prefix + rest);
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
}

/** "@SECONDS.NANOSECONDS" for touch -d. */
function touchTime(t: TimeSpec): string {
  const ns = BigInt(t.sec) * 1000000000n + BigInt(t.nsec), abs = ns < 0n ? -ns : ns;
  return `@${ns < 0n ? "-" : ""}${abs / 1000000000n}.${(abs % 1000000000n).toString().padStart(9, "0")}`;
}

/** This host has no touch(1) that takes "@SEC.NSEC" (found out at the first try). */
let noTouch = false;

/**
 * Set a file's times with nanosecond precision. Node's utimes take seconds as a double (and
 * libuv rounds to microseconds), so only whole seconds go that way; other times, and a time
 * left as it is (UTIME_OMIT), go through touch(1), which calls utimensat with the exact value.
 */
function setTimes(host: string, follow: boolean, atime: TimeSpec | null, mtime: TimeSpec | null, fd?: number): void {
  if (atime && mtime && atime.nsec === 0 && mtime.nsec === 0 && atime.sec >= 0 && mtime.sec >= 0) {
    if (fd !== undefined) fs.futimesSync(fd, atime.sec, mtime.sec);
    else if (follow) fs.utimesSync(host, atime.sec, mtime.sec);
    else fs.lutimesSync(host, atime.sec, mtime.sec);
    return;
  }
  // touch -c (no creating) is silent about a missing file: ask first, for the errno.
  const st = follow ? fs.statSync(host) : fs.lstatSync(host);
  if (noTouch) {
    // A host without a GNU touch(1) (Windows, macOS): Node's utimes, to the microsecond.
    const a = atime ? atime.sec + atime.nsec / 1e9 : st.atimeMs / 1000, m = mtime ? mtime.sec + mtime.nsec / 1e9 : st.mtimeMs / 1000;
    if (fd !== undefined) fs.futimesSync(fd, a, m);
    else if (follow) fs.utimesSync(host, a, m);
    else fs.lutimesSync(host, a, m);
    return;
  }
  const touch = (which: string, t: TimeSpec): void => {
    try {
      execFileSync("touch", [...(follow ? [] : ["-h"]), "-c", which, "-d", touchTime(t), "--", host], { stdio: ["ignore", "ignore", "pipe"] });
    } catch (e) {
      const msg = String((e as { stderr?: unknown }).stderr ?? "");
      const errno = /No such file/.test(msg) ? -ENOENT : /Not a directory/.test(msg) ? -ENOTDIR : /Permission denied/.test(msg) ? -EACCES : /not permitted/.test(msg) ? -EPERM : 0;
      if ((e as { code?: unknown }).code === "ENOENT" || errno === 0) {
        // No touch(1), or one that does not take "@SEC.NSEC" (BSD's): Node's utimes from now on.
        noTouch = true;
        setTimes(host, follow, atime, mtime, fd);
        return;
      }
      throw Object.assign(new Error(msg), { errno });
    }
  };
  if (atime && mtime && atime.sec === mtime.sec && atime.nsec === mtime.nsec) touch("-am", atime);
  else {
    if (atime) touch("-a", atime);
    if (mtime) touch("-m", mtime);
  }
}

function dtype(d: fs.Dirent): number {
  if (d.isFile()) return DT_REG;
  if (d.isDirectory()) return DT_DIR;
  if (d.isSymbolicLink()) return DT_LNK;
  if (d.isFIFO()) return DT_FIFO;
  if (d.isCharacterDevice()) return DT_CHR;
  if (d.isBlockDevice()) return DT_BLK;
  if (d.isSocket()) return DT_SOCK;
  return DT_UNKNOWN;
}

/** How an open directory is listed: through its descriptor (or a path), errno when it cannot. */
type Lister = (fd: number) => fs.Dirent[] | number;

class NodeFile implements VfsFile {
  private pos = 0;
  /** A descriptor of the same file without O_APPEND, opened on the first writeAt of an
   *  O_APPEND file. */
  private inPlace: number | undefined;
  constructor(
    private readonly fd: number, readonly isDir: boolean, private readonly append: boolean,
    private readonly list: Lister, private readonly toGuest: (host: string) => string | undefined,
  ) {}
  read(buf: Uint8Array, pos: number | null): number {
    try {
      const n = fs.readSync(this.fd, buf, 0, buf.length, pos ?? this.pos);
      if (pos === null) this.pos += n;
      return n;
    } catch (e) {
      return errOf(e);
    }
  }
  write(buf: Uint8Array, pos: number | null): number {
    try {
      if (pos === null && this.append) {
        const n = fs.writeSync(this.fd, buf, 0, buf.length, null);
        this.pos = Number(fs.fstatSync(this.fd).size);
        return n;
      }
      const n = fs.writeSync(this.fd, buf, 0, buf.length, pos ?? this.pos);
      if (pos === null) this.pos += n;
      return n;
    } catch (e) {
      return errOf(e);
    }
  }
  writeAt(buf: Uint8Array, pos: number): number {
    if (!this.append) return this.write(buf, pos);
    try {
      // The host appends every write through an O_APPEND descriptor: reopen the file itself.
      this.inPlace ??= fs.openSync(`/proc/self/fd/${this.fd}`, fs.constants.O_WRONLY);
      return fs.writeSync(this.inPlace, buf, 0, buf.length, pos);
    } catch (e) {
      return errOf(e);
    }
  }
  seek(off: number, whence: number): number {
    let base: number;
    if (whence === 0) base = 0;
    else if (whence === 1) base = this.pos;
    else if (whence === 2) {
      try {
        base = Number(fs.fstatSync(this.fd).size);
      } catch (e) {
        return errOf(e);
      }
    } else return -EINVAL;
    if (base + off < 0) return -EINVAL;
    this.pos = base + off;
    return this.pos;
  }
  stat(): Stat | number {
    try {
      return toStat(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errOf(e);
    }
  }
  truncate(len: number): number {
    try {
      fs.ftruncateSync(this.fd, len);
      return 0;
    } catch (e) {
      return errOf(e);
    }
  }
  sync(): number {
    try {
      fs.fsyncSync(this.fd);
      return 0;
    } catch (e) {
      return errOf(e);
    }
  }
  readdir(): DirEntry[] | number {
    if (!this.isDir) return -ENOTDIR;
    try {
      const out: DirEntry[] = [{ name: ".", ino: 1, type: DT_DIR }, { name: "..", ino: 2, type: DT_DIR }];
      const list = this.list(this.fd);
      if (typeof list === "number") return list;
      list.forEach((d, i) => out.push({ name: d.name, ino: i + 3, type: dtype(d) }));
      return out;
    } catch (e) {
      return errOf(e);
    }
  }
  chmod(mode: number): number {
    return this.try(() => fs.fchmodSync(this.fd, mode));
  }
  chown(uid: number, gid: number): number {
    return this.try(() => fs.fchownSync(this.fd, uid, gid));
  }
  utimes(atime: TimeSpec | null, mtime: TimeSpec | null): number {
    return this.try(() => setTimes(procFd + this.fd, true, atime, mtime, this.fd));
  }
  currentPath(): string | undefined {
    let h: string;
    try {
      h = fs.readlinkSync(procFd + this.fd);
    } catch {
      return undefined;
    }
    if (!h.startsWith("/") || h.endsWith(" (deleted)")) return undefined;
    return this.toGuest(h);
  }
  private try(f: () => void): number {
    try {
      f();
      return 0;
    } catch (e) {
      return errOf(e);
    }
  }
  close(): void {
    for (const fd of [this.fd, this.inPlace]) {
      if (fd === undefined) continue;
      try {
        fs.closeSync(fd);
      } catch {
        /* already gone */
      }
    }
  }
}

/** A directory listed through its descriptor (it may have been renamed, or be deeper than
 *  PATH_MAX), or by the path it was opened with where there is no /proc. */
function listByFd(openedAs: string): Lister {
  return (fd) => {
    try {
      return fs.readdirSync(procFd + fd, { withFileTypes: true });
    } catch (e) {
      if (errOf(e) !== -ENOENT || fs.existsSync("/proc/self")) throw e;
      return fs.readdirSync(openedAs, { withFileTypes: true });
    }
  };
}

/** access(2) worked out from the mode bits, as the kernel does (root passes all but X_OK on a
 *  file nobody may execute): for a host without /proc, where access() itself would follow a
 *  symbolic link swapped in. ACLs and read-only mounts are not seen. */
function accessByMode(st: fs.Stats, mode: number): number {
  const want = mode & 7;
  if (want === 0) return 0;
  const uid = process.getuid?.() ?? -1;
  if (uid === 0) return want & 1 && !st.isDirectory() && !(st.mode & 0o111) ? -EACCES : 0;
  const groups = [process.getgid?.() ?? -1, ...(process.getgroups?.() ?? [])];
  const bits = st.uid === uid ? (st.mode >> 6) & 7 : groups.includes(st.gid) ? (st.mode >> 3) & 7 : st.mode & 7;
  return want & ~bits ? -EACCES : 0;
}

export interface NodeVfsOptions {
  /** Hold directories through /proc/PID/fd when the host has it (default true); false: the
   *  working-directory method every host has (see confined.ts). */
  procFd?: boolean;
}

/** Host files, optionally confined to `root` (an existing directory). */
export class NodeVfs implements Vfs {
  readonly root: string | undefined;
  private readonly confined: Confined | undefined;
  constructor(root?: string, o: NodeVfsOptions = {}) {
    this.root = root === undefined ? undefined : fs.realpathSync(hostResolve(root));
    this.confined = this.root === undefined ? undefined : new Confined(this.root, o.procFd ?? true);
  }

  /** Release the root directory held open. */
  close(): void {
    this.confined?.close();
  }

  /** Without a root: f on the host path (guest paths are host paths). */
  private plain(path: string, f: (host: string) => void): number {
    try {
      withShort(path, f);
      return 0;
    } catch (e) {
      return errOf(e);
    }
  }

  /** With a root: f on the final name's host path, not following a final link (see
   *  Confined.resolve). */
  private named(path: string, parentOp: boolean, f: (at: string) => void): number {
    return this.confined!.resolve(path, { follow: false, parentOp }, (at) => {
      f(at);
      return 0;
    });
  }

  /** With a root: f on the object a path names, following symbolic links: on /proc/PID/fd/N of
   *  it held O_PATH (it cannot change meanwhile); without /proc, f gets its name and `st`. */
  private object(path: string, f: (host: string, st?: fs.Stats) => void): number {
    const c = this.confined!;
    return c.resolve(path, { follow: true, parentOp: false }, (at) => {
      if (c.procFd === undefined) {
        const st = fs.lstatSync(at);
        if (st.isSymbolicLink()) return LINK;
        f(at, st);
        return 0;
      }
      const fd = fs.openSync(at, O_PATH | O_NOFOLLOW);
      try {
        if (fs.fstatSync(fd).isSymbolicLink()) return LINK;
        f(c.procFd + fd);
        return 0;
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  /** The guest path of a host path (undefined when it lies outside the root). */
  private toGuest = (h: string): string | undefined => {
    if (this.root === undefined || this.root === "/") return h;
    if (h === this.root) return "/";
    return h.startsWith(this.root + "/") ? h.slice(this.root.length) : undefined;
  };

  open(path: string, flags: number, mode: number): VfsFile | number {
    const hostFlags = flags & ~(O_CLOEXEC | O_NONBLOCK), append = (flags & O_APPEND) !== 0;
    const c = this.confined;
    if (!c) {
      try {
        const fd = withShort(path, (x) => fs.openSync(x, hostFlags, mode));
        return new NodeFile(fd, fs.fstatSync(fd).isDirectory(), append, listByFd(path), this.toGuest);
      } catch (e) {
        return errOf(e);
      }
    }
    // O_CREAT|O_EXCL never follows a final link (EEXIST, even for a dangling one); "name/" with
    // O_CREAT is EISDIR from the host kernel, which looks no further.
    const follow = !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) !== (O_CREAT | O_EXCL);
    const proc = c.procFd;
    const list: Lister = proc !== undefined ? (fd) => fs.readdirSync(proc + fd, { withFileTypes: true }) : (fd) => this.listHeld(path, fd);
    return c.resolve(path, { follow, parentOp: path.endsWith("/") && (flags & O_CREAT) !== 0 }, (at) => {
      let fd: number;
      try {
        fd = fs.openSync(at, hostFlags | O_NOFOLLOW, mode);
      } catch (e) {
        const err = errOf(e);
        // A final symbolic link: ELOOP, or ENOTDIR with O_DIRECTORY.
        if (follow && (err === -ELOOP || err === -ENOTDIR) && fs.lstatSync(at).isSymbolicLink()) return LINK;
        return err;
      }
      let st: fs.Stats;
      try {
        st = fs.fstatSync(fd);
      } catch (e) {
        fs.closeSync(fd);
        return errOf(e);
      }
      if (follow && st.isSymbolicLink()) { // O_PATH opened the link itself
        fs.closeSync(fd);
        return LINK;
      }
      return new NodeFile(fd, st.isDirectory(), append, list, this.toGuest);
    });
  }

  /** Without /proc: list the directory open as fd by entering it through its guest path again,
   *  when that is still the same directory (ENOENT after it was renamed or replaced). */
  private listHeld(path: string, fd: number): fs.Dirent[] | number {
    const id = idOf(fs.fstatSync(fd));
    return this.confined!.resolve(path + "/.", { follow: true, parentOp: false }, (at) =>
      idOf(fs.statSync(at)) === id ? fs.readdirSync(at, { withFileTypes: true }) : -ENOENT);
  }

  stat(path: string, follow: boolean): Stat | number {
    if (!this.confined) {
      try {
        return withShort(path, (x) => toStat(follow ? fs.statSync(x, { bigint: true }) : fs.lstatSync(x, { bigint: true })));
      } catch (e) {
        return errOf(e);
      }
    }
    return this.confined.resolve(path, { follow, parentOp: false }, (at) => {
      const st = fs.lstatSync(at, { bigint: true });
      return follow && st.isSymbolicLink() ? LINK : toStat(st);
    });
  }
  readlink(path: string): string | number {
    if (!this.confined) {
      try {
        return withShort(path, (x) => fs.readlinkSync(x));
      } catch (e) {
        return errOf(e);
      }
    }
    return this.confined.resolve(path, { follow: false, parentOp: false }, (at) => fs.readlinkSync(at));
  }
  mkdir(path: string, mode: number): number {
    const f = (h: string): void => fs.mkdirSync(h, { mode });
    return this.confined ? this.named(path, true, f) : this.plain(path, f);
  }
  unlink(path: string): number {
    const f = (h: string): void => fs.unlinkSync(h);
    return this.confined ? this.named(path, true, f) : this.plain(path, f);
  }
  rmdir(path: string): number {
    const f = (h: string): void => fs.rmdirSync(h);
    if (!this.confined) return this.plain(path, f);
    // The root is a mount point to the guest: Linux says EBUSY (never remove the host directory).
    if (/^\/+$/.test(path)) return -EBUSY;
    return this.named(path, true, f);
  }
  rename(from: string, to: string): number {
    if (!this.confined) return this.plain(from, (h) => withShort(to, (x) => fs.renameSync(h, x)));
    return this.two(from, { follow: false, parentOp: true }, to, (a, b) => fs.renameSync(a, b));
  }
  link(from: string, to: string, follow: boolean): number {
    // link(2) never follows a final symbolic link; linkat AT_SYMLINK_FOLLOW resolves it first.
    if (!this.confined) return this.plain(to, (x) => withShort(from, (h) => (follow ? fs.linkSync(fs.realpathSync(h), x) : fs.linkSync(h, x))));
    // The old name is looked up (a trailing slash would follow a link): not a name operation.
    return this.two(from, { follow, parentOp: false }, to, (a, b) => fs.linkSync(a, b));
  }
  /** rename and link under a root: both names resolved, the first one's directory held while
   *  the second is. Without /proc both must be in one directory (else EXDEV, which programs
   *  answer by copying, as across file systems). */
  private two(from: string, o: ResolveOptions, to: string, f: (a: string, b: string) => void): number {
    const c = this.confined!;
    return c.resolve(from, o, (a, da) => {
      if (o.follow && fs.lstatSync(a).isSymbolicLink()) return LINK;
      return c.resolve(to, { follow: false, parentOp: true }, (b, db) => {
        if (da !== db) return -EXDEV;
        f(a, b);
        return 0;
      });
    });
  }
  chown(path: string, follow: boolean, uid: number, gid: number): number {
    if (!this.confined) return this.plain(path, (h) => (follow ? fs.chownSync(h, uid, gid) : fs.lchownSync(h, uid, gid)));
    return this.confined.resolve(path, { follow, parentOp: false }, (at) => {
      if (follow && fs.lstatSync(at).isSymbolicLink()) return LINK;
      fs.lchownSync(at, uid, gid);
      return 0;
    });
  }
  utimes(path: string, follow: boolean, atime: TimeSpec | null, mtime: TimeSpec | null): number {
    if (!this.confined) return this.plain(path, (h) => setTimes(h, follow, atime, mtime));
    return this.confined.resolve(path, { follow, parentOp: false }, (at) => {
      if (follow && fs.lstatSync(at).isSymbolicLink()) return LINK;
      setTimes(at, false, atime, mtime);
      return 0;
    });
  }
  symlink(target: string, path: string): number {
    const f = (h: string): void => fs.symlinkSync(target, h);
    return this.confined ? this.named(path, true, f) : this.plain(path, f);
  }
  chmod(path: string, mode: number): number {
    if (!this.confined) return this.plain(path, (h) => fs.chmodSync(h, mode));
    return this.object(path, (h, st) => {
      if (!st) return fs.chmodSync(h, mode);
      // No /proc: change it through a descriptor (chmod(2) would follow a link swapped in).
      let fd: number;
      try {
        fd = fs.openSync(h, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
      } catch {
        fd = fs.openSync(h, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
      }
      try {
        if (idOf(fs.fstatSync(fd)) !== idOf(st)) throw Object.assign(new Error("replaced"), { errno: -ENOENT });
        fs.fchmodSync(fd, mode);
      } finally {
        fs.closeSync(fd);
      }
    });
  }
  access(path: string, mode: number): number {
    if (!this.confined) return this.plain(path, (h) => fs.accessSync(h, mode));
    let r = 0;
    const done = this.object(path, (h, st) => {
      if (st) r = accessByMode(st, mode);
      else fs.accessSync(h, mode);
    });
    return done < 0 ? done : r;
  }
}

export interface NodeHostOptions {
  root?: string;
}

export class NodeHost implements Host {
  readonly vfs: NodeVfs;
  /** stdin, stdout, stderr and /dev/tty (nodestdio.ts). */
  private readonly stdio: NodeStdio;
  readonly stdin: StdinStream;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly cpuCount = availableParallelism();
  onWake?: () => void;
  /** The host's network for guest sockets under --net host (nothing is opened until a guest
   *  socket asks). */
  readonly net = new NodeNet(() => this.onWake?.());
  private readonly t0 = process.hrtime.bigint();
  /** Runs confined to a --root directory. */
  private readonly rooted: boolean;
  constructor(o: NodeHostOptions = {}) {
    this.vfs = new NodeVfs(o.root);
    this.rooted = o.root !== undefined;
    this.stdio = new NodeStdio(() => this.onWake?.());
    this.stdin = this.stdio.stdin;
    this.stdout = this.stdio.stdout;
    this.stderr = this.stdio.stderr;
  }
  monotonicNs(): number {
    return Number(process.hrtime.bigint() - this.t0);
  }
  realtimeMs(): number {
    return performance.timeOrigin + performance.now();
  }
  /** /dev/urandom, opened on first use (-1: unavailable). Loading node:crypto alone would cost
   *  a few milliseconds of every start-up; Go asks for random bytes in its first steps. */
  private urandom: number | undefined;
  randomFill(buf: Uint8Array): void {
    if (this.urandom === undefined) {
      try {
        this.urandom = fs.openSync("/dev/urandom", "r");
      } catch {
        this.urandom = -1;
      }
    }
    let n = 0;
    if (this.urandom >= 0) {
      try {
        while (n < buf.length) {
          const k = fs.readSync(this.urandom, buf, n, buf.length - n, null);
          if (k <= 0) break;
          n += k;
        }
      } catch {
        // fall back below
      }
    }
    for (let off = n; off < buf.length; off += 65536) globalThis.crypto.getRandomValues(buf.subarray(off, Math.min(buf.length, off + 65536)));
  }
  /** /dev/tty: the host's controlling terminal; with --root, only if the root has a /dev/tty (as
   *  in a chroot, where it is there when /dev is). */
  openTerminal(): HostStream | number {
    if (this.rooted) {
      const st = this.vfs.stat("/dev/tty", true);
      if (typeof st === "number") return st;
    }
    return this.stdio.openTerminal();
  }
  /** Release host resources (the stdin stream, /dev/tty, sockets, /dev/urandom) so Node can exit. */
  close(): void {
    this.stdio.close();
    this.net.closeAll();
    this.vfs.close();
    if (this.urandom !== undefined && this.urandom >= 0) fs.closeSync(this.urandom);
    this.urandom = undefined;
  }
}
