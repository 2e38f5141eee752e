// The browser host for the Linux layer: an in-memory file system (the dropped binary at /prog,
// /tmp writable), stdout/stderr handed to callbacks (the page's terminal), stdin fed by the
// page, performance.now() as the clock and crypto.getRandomValues for randomness. No node:*.

import type { DirEntry, Host, HostStream, Stat, Vfs, VfsFile } from "../linux/vfs.js";
import { DT_DIR, DT_REG, S_IFDIR, S_IFREG, drainChunks } from "../linux/vfs.js";
import { EACCES, EAGAIN, EBADF, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM } from "../linux/errno.js";
import { O_ACCMODE, O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_TRUNC } from "../linux/abi.js";

interface Node {
  ino: number;
  dir: boolean;
  mode: number;
  data: Uint8Array;
  size: number;
  mtimeMs: number;
}

/** A path without the trailing "/" or "/." the syscall layer keeps (Linux's trailing-slash
 *  rules); this file system does not tell them apart. */
function trimDir(path: string): string {
  while (path.length > 1 && (path.endsWith("/") || path.endsWith("/."))) path = path.slice(0, path.endsWith("/") ? -1 : -2) || "/";
  return path;
}

class PathMap<V> extends Map<string, V> {
  override get(k: string): V | undefined { return super.get(trimDir(k)); }
  override has(k: string): boolean { return super.has(trimDir(k)); }
  override set(k: string, v: V): this { return super.set(trimDir(k), v); }
  override delete(k: string): boolean { return super.delete(trimDir(k)); }
}

/** Split "/a/b/c" into its parent "/a/b" and name "c". */
function parentOf(path: string): [string, string] {
  path = trimDir(path);
  const k = path.lastIndexOf("/");
  return [k <= 0 ? "/" : path.slice(0, k), path.slice(k + 1)];
}

/** A flat map of absolute paths to files and directories (no symbolic links). */
export class MemVfs implements Vfs {
  private readonly nodes = new PathMap<Node>();
  private nextIno = 10;

  constructor() {
    for (const d of ["/", "/tmp", "/proc", "/dev"]) this.nodes.set(d, this.node(true, 0o755));
  }

  private node(dir: boolean, mode: number, data: Uint8Array = new Uint8Array(0)): Node {
    return { ino: this.nextIno++, dir, mode, data, size: data.length, mtimeMs: Date.now() };
  }

  /** Add a file (creating its directories). */
  addFile(path: string, data: Uint8Array, mode = 0o644): void {
    const parts = path.split("/").filter((p) => p !== "");
    let dir = "";
    for (const p of parts.slice(0, -1)) {
      dir += "/" + p;
      if (!this.nodes.has(dir)) this.nodes.set(dir, this.node(true, 0o755));
    }
    this.nodes.set("/" + parts.join("/"), this.node(false, mode, data));
  }

  private parentDir(path: string): number {
    const p = this.nodes.get(parentOf(path)[0]);
    if (p === undefined) return -ENOENT;
    return p.dir ? 0 : -ENOTDIR;
  }

  private statOf(n: Node): Stat {
    const sec = Math.floor(n.mtimeMs / 1000), nsec = Math.floor((n.mtimeMs % 1000) * 1e6);
    return {
      dev: 1, ino: n.ino, mode: (n.dir ? S_IFDIR : S_IFREG) | n.mode, nlink: n.dir ? 2 : 1, uid: 0, gid: 0, rdev: 0,
      size: n.dir ? 4096 : n.size, blksize: 4096, blocks: Math.ceil(n.size / 512),
      atimeSec: sec, atimeNsec: nsec, mtimeSec: sec, mtimeNsec: nsec, ctimeSec: sec, ctimeNsec: nsec,
    };
  }

  private children(dir: string): string[] {
    dir = trimDir(dir);
    const prefix = dir === "/" ? "/" : dir + "/";
    const out: string[] = [];
    for (const p of this.nodes.keys()) if (p !== "/" && p.startsWith(prefix) && !p.slice(prefix.length).includes("/")) out.push(p.slice(prefix.length));
    return out;
  }

  open(path: string, flags: number, mode: number): VfsFile | number {
    let n = this.nodes.get(path);
    if (n !== undefined && (flags & O_CREAT) && (flags & O_EXCL)) return -EEXIST;
    if (n === undefined) {
      if (!(flags & O_CREAT)) return -ENOENT;
      const e = this.parentDir(path);
      if (e < 0) return e;
      n = this.node(false, mode & 0o7777);
      this.nodes.set(path, n);
    }
    const acc = flags & O_ACCMODE;
    if (n.dir && acc !== O_RDONLY) return -EISDIR;
    if (!n.dir && (flags & O_DIRECTORY)) return -ENOTDIR;
    if (!n.dir && (flags & O_TRUNC) && acc !== O_RDONLY) n.size = 0;
    return new MemFile(this, trimDir(path), n, (flags & O_APPEND) !== 0);
  }

  /** Directory entries of `path` (used by MemFile.readdir). */
  entries(path: string): DirEntry[] {
    const out: DirEntry[] = [{ name: ".", ino: 1, type: DT_DIR }, { name: "..", ino: 2, type: DT_DIR }];
    for (const c of this.children(path)) {
      const n = this.nodes.get(path === "/" ? "/" + c : path + "/" + c)!;
      out.push({ name: c, ino: n.ino, type: n.dir ? DT_DIR : DT_REG });
    }
    return out;
  }

  stat(path: string): Stat | number {
    const n = this.nodes.get(path);
    return n === undefined ? -ENOENT : this.statOf(n);
  }
  statNode(n: Node): Stat {
    return this.statOf(n);
  }
  readlink(path: string): string | number {
    return this.nodes.has(path) ? -EINVAL : -ENOENT;
  }
  mkdir(path: string, mode: number): number {
    if (this.nodes.has(path)) return -EEXIST;
    const e = this.parentDir(path);
    if (e < 0) return e;
    this.nodes.set(path, this.node(true, mode & 0o7777));
    return 0;
  }
  unlink(path: string): number {
    const n = this.nodes.get(path);
    if (n === undefined) return -ENOENT;
    if (n.dir) return -EISDIR;
    this.nodes.delete(path);
    return 0;
  }
  rmdir(path: string): number {
    const n = this.nodes.get(path);
    if (n === undefined) return -ENOENT;
    if (!n.dir) return -ENOTDIR;
    if (this.children(path).length > 0) return -ENOTEMPTY;
    this.nodes.delete(path);
    return 0;
  }
  rename(from: string, to: string): number {
    const n = this.nodes.get(from);
    if (n === undefined) return -ENOENT;
    if (n.dir) return -EPERM;
    const e = this.parentDir(to);
    if (e < 0) return e;
    this.nodes.delete(from);
    this.nodes.set(to, n);
    return 0;
  }
  symlink(): number {
    return -EPERM;
  }
  chmod(path: string, mode: number): number {
    const n = this.nodes.get(path);
    if (n === undefined) return -ENOENT;
    n.mode = mode & 0o7777;
    return 0;
  }
  access(path: string, mode: number): number {
    const n = this.nodes.get(path);
    if (n === undefined) return -ENOENT;
    if ((mode & 1) && !(n.mode & 0o111)) return -EACCES;
    return 0;
  }
}

class MemFile implements VfsFile {
  private pos = 0;
  readonly isDir: boolean;
  constructor(private readonly vfs: MemVfs, private readonly path: string, private readonly n: Node, private readonly append: boolean) {
    this.isDir = n.dir;
  }
  read(buf: Uint8Array, pos: number | null): number {
    if (this.n.dir) return -EISDIR;
    const at = pos ?? this.pos;
    const k = Math.max(0, Math.min(buf.length, this.n.size - at));
    buf.set(this.n.data.subarray(at, at + k));
    if (pos === null) this.pos += k;
    return k;
  }
  write(buf: Uint8Array, pos: number | null): number {
    if (this.n.dir) return -EISDIR;
    return this.writeAt(buf, this.append ? this.n.size : pos ?? this.pos, pos === null);
  }
  /** In place at `at` (writeAt), or as write() asked (the offset follows when `advance`). */
  writeAt(buf: Uint8Array, at: number, advance = false): number {
    if (this.n.dir) return -EISDIR;
    const end = at + buf.length;
    if (end > this.n.data.length) {
      const grown = new Uint8Array(Math.max(end, this.n.data.length * 2));
      grown.set(this.n.data.subarray(0, this.n.size));
      this.n.data = grown;
    }
    this.n.data.set(buf, at);
    this.n.size = Math.max(this.n.size, end);
    this.n.mtimeMs = Date.now();
    if (advance) this.pos = end;
    return buf.length;
  }
  seek(off: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? this.n.size : NaN;
    if (Number.isNaN(base) || base + off < 0) return -EINVAL;
    this.pos = base + off;
    return this.pos;
  }
  stat(): Stat {
    return this.vfs.statNode(this.n);
  }
  truncate(len: number): number {
    if (this.n.dir) return -EISDIR;
    if (len > this.n.data.length) {
      const grown = new Uint8Array(len);
      grown.set(this.n.data.subarray(0, this.n.size));
      this.n.data = grown;
    } else this.n.data.fill(0, len, this.n.size);
    this.n.size = len;
    return 0;
  }
  sync(): number {
    return 0;
  }
  readdir(): DirEntry[] | number {
    return this.n.dir ? this.vfs.entries(this.path) : -ENOTDIR;
  }
  close(): void {
    /* nothing to release */
  }
}

/** stdout/stderr: every write goes to the page (through the worker's message port). */
export class SinkStream implements HostStream {
  constructor(private readonly sink: (bytes: Uint8Array) => void, readonly isTTY: boolean, private readonly size: () => { rows: number; cols: number }) {}
  read(): number {
    return -EBADF;
  }
  write(buf: Uint8Array): number {
    this.sink(buf.slice());
    return buf.length;
  }
  readable(): boolean {
    return false;
  }
  winsize(): { rows: number; cols: number } {
    return this.size();
  }
}

/** stdin: bytes typed in the page's terminal, queued until the guest reads them. */
export class QueueStream implements HostStream {
  private chunks: Uint8Array[] = [];
  private eof = false;
  constructor(private readonly wake: () => void, readonly isTTY: boolean, private readonly size: () => { rows: number; cols: number }) {}
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.wake();
  }
  end(): void {
    this.eof = true;
    this.wake();
  }
  read(buf: Uint8Array): number {
    if (this.chunks.length === 0) return this.eof ? 0 : -EAGAIN;
    return drainChunks(this.chunks, buf);
  }
  write(): number {
    return -EBADF;
  }
  readable(): boolean {
    return this.chunks.length > 0 || this.eof;
  }
  winsize(): { rows: number; cols: number } {
    return this.size();
  }
}

export interface WebHostOptions {
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  cpuCount: number;
  /** The terminal's size (TIOCGWINSZ). */
  size?: () => { rows: number; cols: number };
}

/** Time and randomness from the web platform (performance, crypto): what a Host in a browser or
 *  in a library run needs besides its streams and files. */
export abstract class PlatformClock {
  protected readonly t0 = performance.now();
  monotonicNs(): number {
    return Math.round((performance.now() - this.t0) * 1e6);
  }
  realtimeMs(): number {
    return performance.timeOrigin + performance.now();
  }
  randomFill(buf: Uint8Array): void {
    // getRandomValues fills at most 65536 bytes per call.
    for (let off = 0; off < buf.length; off += 65536) crypto.getRandomValues(buf.subarray(off, Math.min(buf.length, off + 65536)));
  }
}

export class WebHost extends PlatformClock implements Host {
  readonly vfs = new MemVfs();
  readonly stdin: QueueStream;
  readonly stdout: SinkStream;
  readonly stderr: SinkStream;
  readonly cpuCount: number;
  onWake?: () => void;
  constructor(o: WebHostOptions) {
    super();
    const size = o.size ?? ((): { rows: number; cols: number } => ({ rows: 24, cols: 80 }));
    this.stdin = new QueueStream(() => this.onWake?.(), true, size);
    this.stdout = new SinkStream(o.stdout, true, size);
    this.stderr = new SinkStream(o.stderr, true, size);
    this.cpuCount = o.cpuCount;
  }
}
