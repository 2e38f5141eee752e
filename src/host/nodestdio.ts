// The Node host's standard descriptors: what fd 0, 1 and 2 are on the host (a regular file, a
// FIFO, a socket, /dev/null, a terminal) decides how the guest's reads, writes, fstat, lseek,
// pread and poll on them behave, so that a program sees its stdio as it would natively.

import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import { isatty, ReadStream } from "node:tty";
import type { HostStream, HostTerminal, Stat } from "../linux/vfs.js";
import { defaultTermios, TERMIOS_SIZE } from "../linux/tty.js";
import { drainChunks } from "../linux/vfs.js";
import { EAGAIN, EINVAL, ESPIPE } from "../linux/errno.js";
import { EPOLLHUP, EPOLLIN, EPOLLOUT, O_ACCMODE, O_APPEND, O_NOCTTY, O_RDONLY, O_RDWR, O_WRONLY } from "../linux/abi.js";
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
  constructor(fd: 1 | 2, readonly terminal: NodeTerminal | undefined) {
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
    if (this.terminal) return this.terminal.winsize();
    const s = this.fd === 1 ? process.stdout : process.stderr;
    return { rows: s.rows || 24, cols: s.columns || 80 };
  }
}

/**
 * A Node stream (process.stdin, a tty.ReadStream on /dev/tty) read only while the guest waits
 * for input: the stream is paused once a chunk is queued and resumed when a read finds the queue
 * empty. A terminal's stream (high-water mark 0) then stops reading the host's tty, so keys typed
 * ahead stay in the host's input queue, under the line discipline the guest sets next, and for
 * whatever runs after rt0.
 */
class Reader {
  private chunks: Uint8Array[] = [];
  private eof = false;
  private stream: NodeJS.ReadStream | undefined;
  constructor(private readonly open: () => NodeJS.ReadStream, private readonly wake: () => void) {}
  /** The guest waits for input: read the host's. */
  private want(): void {
    if (this.eof || this.chunks.length > 0) return;
    if (this.stream === undefined) {
      const s = (this.stream = this.open());
      s.on("data", (c: Buffer) => {
        this.chunks.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        s.pause();
        this.wake();
      });
      const end = (): void => {
        this.eof = true;
        this.wake();
      };
      s.on("end", end);
      s.on("error", end);
    } else this.stream.resume();
  }
  read(buf: Uint8Array): number {
    if (this.chunks.length === 0) {
      if (this.eof) return 0;
      this.want();
      return -EAGAIN;
    }
    return drainChunks(this.chunks, buf);
  }
  /** Bytes queued (poll's EPOLLIN); asks for more when none are. */
  ready(): { data: boolean; eof: boolean } {
    if (this.chunks.length === 0) this.want();
    return { data: this.chunks.length > 0, eof: this.eof };
  }
  /** Drop the input read but not yet taken (TCSETSF, TCFLSH). */
  flush(): void {
    this.chunks = [];
  }
  /** Node's handle of the terminal (setRawMode), when the stream has been opened. */
  get handle(): NodeJS.ReadStream | undefined {
    return this.stream;
  }
  close(): void {
    this.stream?.destroy();
  }
}

/** stdin: regular files and memory devices are read in place; pipes, sockets and terminals
 *  through Node's process.stdin, read while the guest waits for input. */
export class StdinStream extends StdioStream {
  private readonly reader: Reader;
  constructor(wake: () => void, readonly terminal: NodeTerminal | undefined) {
    super(0, O_RDONLY);
    this.reader = new Reader(() => process.stdin, wake);
    terminal?.attach(this.reader);
  }
  read(buf: Uint8Array): number {
    return this.direct ? this.readInPlace(buf) : this.reader.read(buf);
  }
  readable(): boolean {
    if (this.direct) return true;
    const r = this.reader.ready();
    return r.data || r.eof;
  }
  override poll(): number {
    if (this.direct) return EPOLLIN | EPOLLOUT;
    const r = this.reader.ready();
    // The read end of a pipe is not writable; at its end poll says POLLHUP (and POLLIN only while
    // data is left). A socket or terminal is writable and readable at its end (read gives 0).
    if (this.kind === "pipe") return (r.data ? EPOLLIN : 0) | (r.eof ? EPOLLHUP : 0);
    return (r.data || r.eof ? EPOLLIN : 0) | EPOLLOUT;
  }
  winsize(): { rows: number; cols: number } {
    return this.terminal ? this.terminal.winsize() : { rows: 24, cols: 80 };
  }
  close(): void {
    this.reader.close();
  }
}

/** The host's controlling terminal opened as /dev/tty when stdin is not that terminal (fzf's
 *  case: `find | fzf`), read through its own tty.ReadStream. */
class TerminalStream implements HostStream {
  readonly isTTY = true;
  private readonly reader: Reader;
  constructor(private readonly fd: number, readonly terminal: NodeTerminal, wake: () => void) {
    this.reader = new Reader(() => new ReadStream(fd), wake);
    terminal.attach(this.reader);
  }
  read(buf: Uint8Array): number {
    return this.reader.read(buf);
  }
  write(buf: Uint8Array): number {
    let off = 0;
    while (off < buf.length) {
      try {
        off += fs.writeSync(this.fd, buf, off, buf.length - off);
      } catch (e) {
        if (errOf(e) === -EAGAIN) continue;
        return off > 0 ? off : errOf(e);
      }
    }
    return off;
  }
  readable(): boolean {
    const r = this.reader.ready();
    return r.data || r.eof;
  }
  poll(): number {
    const r = this.reader.ready();
    return (r.data || r.eof ? EPOLLIN : 0) | EPOLLOUT;
  }
  stat(): Stat | number {
    try {
      return toStat(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errOf(e);
    }
  }
  winsize(): { rows: number; cols: number } {
    return this.terminal.winsize();
  }
  close(): void {
    this.reader.close();
  }
}

/** "iflag:oflag:cflag:lflag:cc0:...:cc31" in hexadecimal, GNU stty -g's form of a termios
 *  (glibc's, whose first 19 control characters are the kernel's). */
const NCCS_GLIBC = 32;
function formatStty(t: Uint8Array): string {
  const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const words = [0, 4, 8, 12].map((o) => dv.getUint32(o, true).toString(16));
  const cc = Array.from({ length: NCCS_GLIBC }, (_, i) => (i < 19 ? t[17 + i]! : 0).toString(16));
  return [...words, ...cc].join(":");
}
function parseStty(g: string): Uint8Array | undefined {
  const f = g.trim().split(":");
  if (f.length !== 4 + NCCS_GLIBC || !f.every((x) => /^[0-9a-f]+$/.test(x))) return undefined;
  const t = new Uint8Array(TERMIOS_SIZE), dv = new DataView(t.buffer);
  for (let i = 0; i < 4; i++) dv.setUint32(i * 4, parseInt(f[i]!, 16) >>> 0, true);
  for (let i = 0; i < 19; i++) t[17 + i] = parseInt(f[4 + i]!, 16) & 0xff;
  return t;
}

const ICANON = 0o2;

/**
 * A terminal of the host. Node reads and sets no termios but raw mode on and off (setRawMode,
 * which keeps output processing and cannot express cbreak or no-echo), so the modes go through
 * stty(1) on the terminal's descriptor: `stty -g` reads the whole termios, `stty HEX:...` sets
 * it exactly (the host's line discipline then echoes, edits lines and sends Ctrl-C as the guest
 * asked). The modes are read once and remembered as set; the window size is asked again after
 * each SIGWINCH. Where stty is missing or speaks another dialect, the modes are kept here and
 * Node's setRawMode applies what clearing ICANON means. Node restores the terminal's modes when
 * rt0 exits.
 */
export class NodeTerminal implements HostTerminal {
  private attr: Uint8Array | undefined;
  private size: { rows: number; cols: number } | undefined;
  private noStty = false;
  private readonly readers: Reader[] = [];
  private readonly resized = (): void => {
    this.size = undefined;
  };
  constructor(private readonly fd: number) {
    process.on("SIGWINCH", this.resized);
  }
  /** A reader of this terminal's input: TCSETSF and TCFLSH drop what it holds. */
  attach(r: Reader): void {
    this.readers.push(r);
  }
  private stty(args: string[]): string | undefined {
    if (this.noStty) return undefined;
    const r = spawnSync("stty", args, { stdio: [this.fd, "pipe", "pipe"], encoding: "utf8" });
    return r.status === 0 ? r.stdout : undefined;
  }
  getAttr(): Uint8Array | number {
    if (this.attr === undefined) {
      const g = this.stty(["-g"]);
      const t = g === undefined ? undefined : parseStty(g);
      if (t === undefined) this.noStty = true;
      this.attr = t ?? defaultTermios();
    }
    return this.attr.slice();
  }
  setAttr(t: Uint8Array, when: number): number {
    if (when === 2) this.flushInput();
    this.getAttr();
    if (this.stty([formatStty(t)]) === undefined) {
      this.noStty = true;
      const raw = (new DataView(t.buffer, t.byteOffset).getUint32(12, true) & ICANON) === 0;
      for (const r of this.readers) r.handle?.setRawMode?.(raw);
    }
    this.attr = t.slice();
    return 0;
  }
  winsize(): { rows: number; cols: number } {
    if (this.size === undefined) {
      const m = /^(\d+) (\d+)$/.exec(this.stty(["size"])?.trim() ?? "");
      if (m) this.size = { rows: Number(m[1]), cols: Number(m[2]) };
      else {
        const s = process.stdout.isTTY ? process.stdout : process.stderr;
        this.size = { rows: s.rows || 24, cols: s.columns || 80 };
      }
    }
    return this.size;
  }
  setWinsize(rows: number, cols: number): number {
    this.size = undefined;
    return this.stty(["rows", String(rows), "cols", String(cols)]) === undefined ? -EINVAL : 0;
  }
  flushInput(): void {
    for (const r of this.readers) r.flush();
  }
  close(): void {
    process.off("SIGWINCH", this.resized);
  }
}

/** The host's standard descriptors and terminals: stdin, stdout and stderr (those on the same
 *  terminal share one NodeTerminal), and /dev/tty opened on the guest's first open of it. */
export class NodeStdio {
  readonly stdin: StdinStream;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  private readonly terminals = new Map<number, NodeTerminal>();
  private tty: HostStream | number | undefined;
  constructor(private readonly wake: () => void) {
    this.stdin = new StdinStream(wake, this.terminalOf(0));
    this.stdout = new OutStream(1, this.terminalOf(1));
    this.stderr = new OutStream(2, this.terminalOf(2));
  }
  /** The NodeTerminal of descriptor fd when it is a terminal (one per terminal device). */
  private terminalOf(fd: number): NodeTerminal | undefined {
    let rdev: number;
    try {
      const st = fs.fstatSync(fd);
      if (!st.isCharacterDevice() || !isatty(fd)) return undefined;
      rdev = st.rdev;
    } catch {
      return undefined;
    }
    let t = this.terminals.get(rdev);
    if (t === undefined) this.terminals.set(rdev, (t = new NodeTerminal(fd)));
    return t;
  }
  /** open("/dev/tty"): stdin itself when it is the controlling terminal, else the terminal opened
   *  (ENXIO when rt0 has none). */
  openTerminal(): HostStream | number {
    if (this.tty !== undefined) return this.tty;
    let fd: number;
    try {
      fd = fs.openSync("/dev/tty", O_RDWR | O_NOCTTY);
    } catch (e) {
      return (this.tty = errOf(e));
    }
    const rdev = fs.fstatSync(fd).rdev;
    const same = this.terminals.get(rdev);
    if (same !== undefined && this.stdin.terminal === same) {
      fs.closeSync(fd);
      return (this.tty = this.stdin);
    }
    let t = same;
    if (t === undefined) this.terminals.set(rdev, (t = new NodeTerminal(fd)));
    return (this.tty = new TerminalStream(fd, t, this.wake));
  }
  close(): void {
    this.stdin.close();
    if (this.tty instanceof TerminalStream) this.tty.close();
    for (const t of this.terminals.values()) t.close();
  }
}
