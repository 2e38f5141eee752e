// Open file descriptions: host files and directories, host stdio, pipes, eventfds and pidfds.
// Reads and writes never block here: they return -EAGAIN and the syscall layer parks the
// thread until poll() reports readiness. `gen` counts readiness changes (for EPOLLET).

import { EAGAIN, EBADF, EINVAL, ESPIPE, EPIPE, ENOTDIR, EISDIR } from "./errno.js";
import { EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR, O_APPEND, O_NONBLOCK } from "./abi.js";
import { S_IFCHR, S_IFIFO, S_IFREG, type DirEntry, type HostStream, type Stat, type VfsFile } from "./vfs.js";

export interface FileDesc {
  readonly kind: "file" | "dir" | "stream" | "pipe" | "eventfd" | "epoll" | "proc" | "socket" | "pidfd";
  /** File status flags (access mode, O_NONBLOCK, O_APPEND). */
  flags: number;
  /** Guest path it was opened with, when any (strace, /proc/self/fd). */
  path?: string;
  read(buf: Uint8Array): number;
  write(buf: Uint8Array): number;
  pread(buf: Uint8Array, pos: number): number;
  pwrite(buf: Uint8Array, pos: number): number;
  seek(off: number, whence: number): number;
  stat(): Stat | number;
  /** Ready events now (EPOLLIN | EPOLLOUT | EPOLLHUP ...). */
  poll(): number;
  /** Incremented whenever readiness may have changed. */
  gen: number;
  readdir?(): DirEntry[] | number;
  /** getdents64 position (entries already returned). */
  dirPos?: number;
  truncate(len: number): number;
  sync(): number;
  isTTY?: boolean;
  winsize?(): { rows: number; cols: number };
  /** Bytes a read would take now (FIONREAD): sockets and pipes. */
  available?(): number;
  /** Called when the last descriptor referring to it is closed. */
  release(): void;
  refs: number;
}

export function fakeStat(mode: number, size = 0, ino = 1): Stat {
  return { dev: 0xc, ino, mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size, blksize: 4096, blocks: 0,
    atimeSec: 0, atimeNsec: 0, mtimeSec: 0, mtimeNsec: 0, ctimeSec: 0, ctimeNsec: 0 };
}

abstract class Base {
  flags = 0;
  gen = 0;
  refs = 1;
  path?: string;
  read(_buf: Uint8Array): number { return -EINVAL; }
  write(_buf: Uint8Array): number { return -EINVAL; }
  pread(_buf: Uint8Array, _pos: number): number { return -ESPIPE; }
  pwrite(_buf: Uint8Array, _pos: number): number { return -ESPIPE; }
  seek(_off: number, _whence: number): number { return -ESPIPE; }
  truncate(_len: number): number { return -EINVAL; }
  sync(): number { return -EINVAL; }
  poll(): number { return EPOLLIN | EPOLLOUT; }
  release(): void {}
}

/** What a host file's reads, writes and truncations tell the shared mappings of the same inode
 *  (shmap.ts's SharedFiles), so that mappings and file I/O stay coherent. */
export interface FileCoherence {
  /** Any shared file mapping exists. */
  readonly active: boolean;
  /** The inode ("dev:ino") has shared mappings. */
  mapped(key: string): boolean;
  /** Bytes [pos, pos+len) are about to be read: dirty mapped pages there are written back. */
  beforeRead(key: string, pos: number, len: number): void;
  /** data was written at pos: the mappings hold it too. */
  afterWrite(key: string, pos: number, data: Uint8Array): void;
  beforeTruncate(key: string, len: number): void;
  afterTruncate(key: string, len: number): void;
}

const SEEK_CUR = 1;

/** A host regular file or directory. */
export class HostFileDesc extends Base implements FileDesc {
  readonly kind: "file" | "dir";
  /** The inode ("dev:ino"), found on first need. */
  private key: string | undefined;
  constructor(readonly f: VfsFile, flags: number, path: string, private readonly shared?: FileCoherence) {
    super();
    this.kind = f.isDir ? "dir" : "file";
    this.flags = flags;
    this.path = path;
  }
  /** The inode as "dev:ino" (undefined when fstat fails). */
  inodeKey(): string | undefined {
    if (this.key === undefined) {
      const st = this.f.stat();
      if (typeof st !== "number") this.key = `${st.dev}:${st.ino}`;
    }
    return this.key;
  }
  /** The inode when it has shared mappings (its I/O must keep them coherent), else undefined. */
  private mappedKey(): string | undefined {
    if (this.shared === undefined || !this.shared.active || this.f.isDir) return undefined;
    const k = this.inodeKey();
    return k !== undefined && this.shared.mapped(k) ? k : undefined;
  }
  override read(buf: Uint8Array): number {
    if (this.f.isDir) return -EISDIR;
    const k = this.mappedKey();
    if (k !== undefined) this.shared!.beforeRead(k, this.f.seek(0, SEEK_CUR), buf.length);
    return this.f.read(buf, null);
  }
  override write(buf: Uint8Array): number {
    if (this.f.isDir) return -EBADF;
    const k = this.mappedKey();
    if (k === undefined) return this.f.write(buf, null);
    let pos = this.f.seek(0, SEEK_CUR);
    if (this.flags & O_APPEND) {
      const st = this.f.stat();
      if (typeof st !== "number") pos = st.size;
    }
    const n = this.f.write(buf, null);
    if (n > 0) this.shared!.afterWrite(k, pos, buf.subarray(0, n));
    return n;
  }
  override pread(buf: Uint8Array, pos: number): number {
    if (this.f.isDir) return -EISDIR;
    const k = this.mappedKey();
    if (k !== undefined) this.shared!.beforeRead(k, pos, buf.length);
    return this.f.read(buf, pos);
  }
  override pwrite(buf: Uint8Array, pos: number): number {
    const k = this.mappedKey();
    if (k === undefined) return this.f.write(buf, pos);
    // Through an O_APPEND descriptor Linux's pwrite appends, whatever pos says.
    if (this.flags & O_APPEND) {
      const st = this.f.stat();
      if (typeof st !== "number") pos = st.size;
    }
    const n = this.f.write(buf, pos);
    if (n > 0) this.shared!.afterWrite(k, pos, buf.subarray(0, n));
    return n;
  }
  override seek(off: number, whence: number): number {
    if (this.f.isDir) { if (off === 0 && whence === 0) { this.dirPos = 0; return 0; } return -EINVAL; }
    return this.f.seek(off, whence);
  }
  stat(): Stat | number { return this.f.stat(); }
  readdir(): DirEntry[] | number { return this.f.isDir ? this.f.readdir() : -ENOTDIR; }
  dirPos = 0;
  override truncate(len: number): number {
    const k = this.mappedKey();
    if (k === undefined) return this.f.truncate(len);
    this.shared!.beforeTruncate(k, len);
    const r = this.f.truncate(len);
    this.shared!.afterTruncate(k, len);
    return r;
  }
  /** open(O_TRUNC) emptied the file: its mappings hold zeros again. */
  truncatedByOpen(): void {
    const k = this.mappedKey();
    if (k !== undefined) this.shared!.afterTruncate(k, 0);
  }
  override sync(): number { return this.f.sync(); }
  override release(): void { this.f.close(); }
}

/** stdin/stdout/stderr of the host. */
export class StreamDesc extends Base implements FileDesc {
  readonly kind = "stream";
  readonly isTTY: boolean;
  constructor(readonly s: HostStream, flags: number) {
    super();
    this.flags = flags;
    this.isTTY = s.isTTY;
  }
  override read(buf: Uint8Array): number { return this.s.read(buf); }
  override write(buf: Uint8Array): number { return this.s.write(buf); }
  override pread(buf: Uint8Array, pos: number): number { return this.s.pread ? this.s.pread(buf, pos) : -ESPIPE; }
  override pwrite(buf: Uint8Array, pos: number): number { return this.s.pwrite ? this.s.pwrite(buf, pos) : -ESPIPE; }
  override seek(off: number, whence: number): number { return this.s.seek ? this.s.seek(off, whence) : -ESPIPE; }
  stat(): Stat | number { return this.s.stat ? this.s.stat() : fakeStat(this.isTTY ? S_IFCHR | 0o620 : S_IFIFO | 0o600); }
  override poll(): number { return this.s.poll ? this.s.poll() : (this.s.readable() ? EPOLLIN : 0) | EPOLLOUT; }
  winsize(): { rows: number; cols: number } { return this.s.winsize ? this.s.winsize() : { rows: 24, cols: 80 }; }
}

export const PIPE_BUF_SIZE = 65536;

/** The shared buffer of a pipe; its two ends are PipeEnd descriptors. */
export class PipeBuffer {
  chunks: Uint8Array[] = [];
  size = 0;
  readers = 1;
  writers = 1;
  readEnd?: PipeEnd;
  writeEnd?: PipeEnd;
  /** Writer opens so far (FIFOs): a FIFO reader sees EPOLLHUP only once a writer came and went
   *  after it opened, as on Linux. */
  wOpens = 0;
  touch(): void {
    if (this.readEnd) this.readEnd.gen++;
    if (this.writeEnd) this.writeEnd.gen++;
  }
}

export class PipeEnd extends Base implements FileDesc {
  readonly kind = "pipe";
  /** A FIFO opened O_RDWR: a read end that may also write. */
  readonly writer: boolean;
  /** A FIFO read end opened O_NONBLOCK while there was no writer: the writer-open count then
   *  (PipeBuffer.wOpens); EPOLLHUP waits for a later writer to come and go. Else -1. */
  hupAfter = -1;
  constructor(readonly p: PipeBuffer, readonly reader: boolean, flags: number, alsoWrite = false) {
    super();
    this.flags = flags;
    this.writer = !reader || alsoWrite;
    if (reader) p.readEnd = this;
    else p.writeEnd = this;
  }
  override read(buf: Uint8Array): number {
    if (!this.reader) return -EBADF;
    const p = this.p;
    if (p.size === 0) return p.writers === 0 ? 0 : -EAGAIN;
    let n = 0;
    while (n < buf.length && p.chunks.length > 0) {
      const c = p.chunks[0]!;
      const k = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) p.chunks.shift();
      else p.chunks[0] = c.subarray(k);
    }
    p.size -= n;
    p.touch();
    return n;
  }
  override write(buf: Uint8Array): number {
    if (!this.writer) return -EBADF;
    const p = this.p;
    if (p.readers === 0) return -EPIPE;
    const room = PIPE_BUF_SIZE - p.size;
    if (room <= 0 || (buf.length <= 4096 && room < buf.length)) return -EAGAIN;
    const k = Math.min(room, buf.length);
    p.chunks.push(buf.slice(0, k));
    p.size += k;
    p.touch();
    return k;
  }
  /** Up to `max` buffered bytes without consuming them (splice from a pipe). */
  peek(max: number): Uint8Array {
    const p = this.p, out = new Uint8Array(Math.min(max, p.size));
    let n = 0;
    for (const c of p.chunks) {
      if (n >= out.length) break;
      const k = Math.min(c.length, out.length - n);
      out.set(c.subarray(0, k), n);
      n += k;
    }
    return out;
  }
  available(): number {
    return this.reader ? this.p.size : 0;
  }
  /** Drop `n` buffered bytes (those a splice moved on). */
  consume(n: number): void {
    this.read(new Uint8Array(n));
  }
  stat(): Stat | number { return fakeStat(S_IFIFO | 0o600); }
  override poll(): number {
    const p = this.p;
    const out = (p.size < PIPE_BUF_SIZE ? EPOLLOUT : 0) | (p.readers === 0 ? EPOLLERR : 0);
    if (!this.reader) return out;
    const hup = p.writers === 0 && p.wOpens !== this.hupAfter ? EPOLLHUP : 0;
    return (p.size > 0 ? EPOLLIN : 0) | hup | (this.writer ? out : 0);
  }
  override release(): void {
    if (this.reader) this.p.readers--;
    if (this.writer) this.p.writers--;
    // A FIFO's buffer empties when its last end closes.
    if (this.p.readers === 0 && this.p.writers === 0) {
      this.p.chunks = [];
      this.p.size = 0;
    }
    this.p.touch();
  }
}

/** eventfd2: a 64-bit counter (kept as a number; Go only adds 1). */
export class EventFd extends Base implements FileDesc {
  readonly kind = "eventfd";
  constructor(public count: number, readonly semaphore: boolean, flags: number) {
    super();
    this.flags = flags;
  }
  override read(buf: Uint8Array): number {
    if (buf.length < 8) return -EINVAL;
    if (this.count === 0) return -EAGAIN;
    const v = this.semaphore ? 1 : this.count;
    this.count -= v;
    new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, BigInt(v), true);
    this.gen++;
    return 8;
  }
  override write(buf: Uint8Array): number {
    if (buf.length < 8) return -EINVAL;
    const v = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
    if (v === 0xffffffffffffffffn) return -EINVAL;
    this.count += Number(v);
    this.gen++;
    return 8;
  }
  stat(): Stat | number { return fakeStat(0o600); }
  override poll(): number { return (this.count > 0 ? EPOLLIN : 0) | EPOLLOUT; }
}

/** A regular file whose bytes rt0 makes up (virtual /proc entries). */
export class MemFileDesc extends Base implements FileDesc {
  readonly kind = "proc";
  pos = 0;
  constructor(readonly data: Uint8Array, flags: number, path: string) {
    super();
    this.flags = flags;
    this.path = path;
  }
  override read(buf: Uint8Array): number {
    const n = this.pread(buf, this.pos);
    this.pos += n;
    return n;
  }
  override pread(buf: Uint8Array, pos: number): number {
    const k = Math.max(0, Math.min(buf.length, this.data.length - pos));
    buf.set(this.data.subarray(pos, pos + k));
    return k;
  }
  override seek(off: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? this.data.length : NaN;
    if (Number.isNaN(base) || base + off < 0) return -EINVAL;
    this.pos = base + off;
    return this.pos;
  }
  stat(): Stat | number { return fakeStat(S_IFREG | 0o444, 0); }
}

export function isNonblock(f: FileDesc): boolean {
  return (f.flags & O_NONBLOCK) !== 0;
}

/** What a pidfd needs of its process (kept abstract: files.ts sits below process.ts). */
export interface PidTarget {
  readonly pid: number;
  exitStatus: number | undefined;
}

/** pidfd_open / CLONE_PIDFD: refers to one process; readable once it has ended. */
export class PidFd extends Base implements FileDesc {
  readonly kind = "pidfd";
  constructor(readonly target: PidTarget, flags: number) {
    super();
    this.flags = flags;
    this.path = "anon_inode:[pidfd]";
  }
  stat(): Stat | number { return fakeStat(0o600); }
  override read(_buf: Uint8Array): number { return -EINVAL; }
  override poll(): number { return this.target.exitStatus !== undefined ? EPOLLIN : 0; }
}
