// The Node host's standard descriptors: what fd 0, 1 and 2 are on the host (a regular file, a
// FIFO, a socket, /dev/null, a terminal) decides how the guest's reads, writes, fstat, lseek,
// pread and poll on them behave, so that a program sees its stdio as it would natively.

import * as fs from "node:fs";
import { isatty } from "node:tty";
import type { HostStream, Stat } from "../linux/vfs.js";
import { drainChunks } from "../linux/vfs.js";
import { EAGAIN, EINVAL, ESPIPE } from "../linux/errno.js";
import { EPOLLHUP, EPOLLIN, EPOLLOUT, O_ACCMODE, O_APPEND, O_RDONLY, O_RDWR, O_WRONLY } from "../linux/abi.js";
import { errOf, toStat } from "./confined.js";

/** What a standard descriptor is on the host, as far as its I/O goes:
 *  file:   a regular file, directory or block device: read and written in place, seekable;
 *  memdev: a memory character device (/dev/null, /dev/zero, /dev/urandom): never blocks, and
 *          lseek answers 0 as Linux's null_lseek and noop_llseek do;
 *  tty:    a terminal; pipe: a FIFO; socket: a socket; chardev: any other character device.
 *  The last four are read through an asynchronous stream (a read there may wait). */
export type StdioKind = "file" | "memdev" | "tty" | "pipe" | "socket" | "chardev" | "closed";

/** Major number of a Linux dev_t. */
const major = (rdev: number): number => ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
const MEM_MAJOR = 1;

function kindOf(fd: number): StdioKind {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return "closed";
  }
  if (st.isFIFO()) return "pipe";
  if (st.isSocket()) return "socket";
  if (st.isCharacterDevice()) {
    if (major(st.rdev) === MEM_MAJOR) return "memdev";
    // Only a character device can be a terminal: node:tty (which the CLI bundle loads on first
    // use, 2-3 ms of every start) is asked only then.
    return isatty(fd) ? "tty" : "chardev";
  }
  return "file";
}

/**
 * Was standard descriptor fd closed when rt0 started? Node's start-up puts /dev/null, opened
 * read-write, in the place of a missing 0, 1 or 2 before any JavaScript runs, while a shell's
 * `</dev/null` and `>/dev/null` open it read-only or write-only. So: /dev/null (its device
 * number) with the access mode O_RDWR in /proc/self/fdinfo. Without /proc, never. A caller that
 * hands rt0 a read-write /dev/null itself (libuv's "ignore" for 1 and 2, Python's DEVNULL)
 * looks the same: the guest then finds that descriptor closed.
 */
export function stdioWasClosed(fd: number): boolean {
  try {
    const st = fs.fstatSync(fd);
    if (!st.isCharacterDevice() || st.rdev !== fs.statSync("/dev/null").rdev) return false;
    const flags = fdinfo(fd, "flags");
    return flags !== undefined && (parseInt(flags, 8) & O_ACCMODE) === O_RDWR;
  } catch {
    return false;
  }
}

/** A field of /proc/self/fdinfo/FD ("pos", "flags"), undefined without /proc. */
function fdinfo(fd: number, field: string): string | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\S+)$`, "m").exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
    return m ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

/** One standard descriptor of the host. Regular files and memory devices are read and written
 *  in place; the others go through stdin's stream (StdinStream) or blocking writes. */
abstract class StdioStream implements HostStream {
  readonly kind: StdioKind;
  readonly isTTY: boolean;
  readonly closed: boolean;
  /** O_ACCMODE and O_APPEND as the host descriptor was opened (fcntl F_GETFL; the syscall layer
   *  refuses a read or write the access mode does not allow, with EBADF). */
  readonly flags: number;
  /** The guest's file offset once it has moved it with lseek: Node cannot move the host
   *  descriptor's offset (there is no lseek in node:fs), so from then on reads and writes go
   *  through pread and pwrite at this offset, and the host's offset stays where the guest's
   *  sequential I/O left it. Undefined: the host's offset is the guest's. */
  private moved: number | undefined;
  /** The host offset as counted here, where there is no /proc/self/fdinfo to read it from. */
  private counted = 0;
  constructor(protected readonly fd: number, defaultFlags: number) {
    this.kind = kindOf(fd);
    this.isTTY = this.kind === "tty";
    this.closed = stdioWasClosed(fd);
    const fl = fdinfo(fd, "flags");
    this.flags = fl === undefined ? defaultFlags : parseInt(fl, 8) & (O_ACCMODE | O_APPEND);
  }
  /** Read and written in place (no stream): a regular file or a memory device. */
  protected get direct(): boolean {
    return this.kind === "file" || this.kind === "memdev";
  }
  stat(): Stat | number {
    try {
      return toStat(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errOf(e);
    }
  }
  private offset(): number {
    if (this.moved !== undefined) return this.moved;
    const pos = fdinfo(this.fd, "pos");
    return pos === undefined ? this.counted : Number(pos);
  }
  seek(off: number, whence: number): number {
    if (this.kind === "memdev") return 0;
    if (this.kind !== "file") return -ESPIPE;
    let base: number;
    if (whence === 0) base = 0;
    else if (whence === 1) base = this.offset();
    else {
      const st = this.stat();
      if (typeof st === "number") return st;
      base = st.size;
    }
    const to = base + off;
    if (to < 0) return -EINVAL;
    if (to !== this.offset()) this.moved = to;
    return to;
  }
  pread(buf: Uint8Array, pos: number): number {
    if (!this.direct) return -ESPIPE;
    try {
      return fs.readSync(this.fd, buf, 0, buf.length, pos);
    } catch (e) {
      return errOf(e);
    }
  }
  pwrite(buf: Uint8Array, pos: number): number {
    if (!this.direct) return -ESPIPE;
    try {
      return fs.writeSync(this.fd, buf, 0, buf.length, pos);
    } catch (e) {
      return errOf(e);
    }
  }
  /** read(2) on a regular file or memory device. */
  protected readInPlace(buf: Uint8Array): number {
    try {
      const n = fs.readSync(this.fd, buf, 0, buf.length, this.moved ?? null);
      if (this.moved !== undefined && this.kind === "file") this.moved += n;
      else this.counted += n;
      return n;
    } catch (e) {
      return errOf(e);
    }
  }
  write(buf: Uint8Array): number {
    let off = 0;
    // After an lseek, writes land at the guest's offset (at the end with O_APPEND, as pwrite
    // through an O_APPEND descriptor does on Linux).
    const at = this.moved;
    while (off < buf.length) {
      try {
        off += fs.writeSync(this.fd, buf, off, buf.length - off, at === undefined ? null : at + off);
      } catch (e) {
        if (errOf(e) === -EAGAIN) continue;
        if (off > 0) break;
        return errOf(e);
      }
    }
    if (at !== undefined) {
      if (this.flags & O_APPEND) {
        const st = this.stat();
        this.moved = typeof st === "number" ? at + off : st.size;
      } else this.moved = at + off;
    } else this.counted += off;
    return off;
  }
  abstract read(buf: Uint8Array): number;
  abstract readable(): boolean;
  poll(): number {
    // A regular file or memory device is always ready (Linux's DEFAULT_POLLMASK).
    return EPOLLIN | EPOLLOUT;
  }
}

/** stdout and stderr. */
export class OutStream extends StdioStream {
  constructor(fd: 1 | 2) {
    super(fd, O_WRONLY);
  }
  read(buf: Uint8Array): number {
    return this.direct ? this.readInPlace(buf) : -EINVAL;
  }
  readable(): boolean {
    return false;
  }
  override poll(): number {
    return this.direct ? EPOLLIN | EPOLLOUT : EPOLLOUT;
  }
  winsize(): { rows: number; cols: number } {
    const s = this.fd === 1 ? process.stdout : process.stderr;
    return { rows: s.rows || 24, cols: s.columns || 80 };
  }
}

/** stdin: regular files and memory devices are read in place; pipes, sockets and terminals
 *  through an asynchronous stream that starts on the first read and wakes the machine when data
 *  arrives. */
export class StdinStream extends StdioStream {
  private chunks: Uint8Array[] = [];
  private eof = false;
  private started = false;
  constructor(private readonly wake: () => void) {
    super(0, O_RDONLY);
  }
  private start(): void {
    if (this.started) return;
    this.started = true;
    process.stdin.on("data", (c: Buffer) => {
      this.chunks.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
      this.wake();
    });
    process.stdin.on("end", () => {
      this.eof = true;
      this.wake();
    });
    process.stdin.on("error", () => {
      this.eof = true;
      this.wake();
    });
  }
  read(buf: Uint8Array): number {
    if (this.direct) return this.readInPlace(buf);
    this.start();
    if (this.chunks.length === 0) return this.eof ? 0 : -EAGAIN;
    return drainChunks(this.chunks, buf);
  }
  readable(): boolean {
    if (this.direct) return true;
    this.start();
    return this.chunks.length > 0 || this.eof;
  }
  override poll(): number {
    if (this.direct) return EPOLLIN | EPOLLOUT;
    const data = this.readable() && this.chunks.length > 0 ? EPOLLIN : 0;
    // The read end of a pipe is not writable; at its end poll says POLLHUP (and POLLIN only while
    // data is left). A socket or terminal is writable and readable at its end (read gives 0).
    if (this.kind === "pipe") return data | (this.eof ? EPOLLHUP : 0);
    return data | (this.eof ? EPOLLIN : 0) | EPOLLOUT;
  }
  close(): void {
    if (this.started) process.stdin.destroy();
  }
}
