// The virtual file system interface the Linux layer reads files through. The Node host
// (src/host/node.ts) implements it over node:fs, confined to a root directory; a browser host
// can implement it in memory. Paths given to a Vfs are absolute guest paths.

import { EACCES } from "./errno.js";
import type { HostNet } from "./hostnet.js";
import { O_RDONLY } from "./abi.js";

/** What stat(2) reports, as plain numbers (times split into seconds and nanoseconds). */
export interface Stat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
}

export const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000,
  S_IFCHR = 0o020000, S_IFIFO = 0o010000, S_IFSOCK = 0o140000, S_IFBLK = 0o060000;

/** One directory entry for getdents64 (d_type uses DT_* values). */
export interface DirEntry {
  name: string;
  ino: number;
  type: number;
}
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

/** An open host file or directory. Errors are negative errno values. */
export interface VfsFile {
  readonly isDir: boolean;
  /** Read at `pos` (or the file offset when pos is null), advancing the offset in that case. */
  read(buf: Uint8Array, pos: number | null): number;
  /** Write at `pos` (or the file offset when pos is null); on a file opened with O_APPEND,
   *  at its end either way, as Linux's pwrite does. */
  write(buf: Uint8Array, pos: number | null): number;
  /** Write at `pos` even when the file was opened with O_APPEND: a shared mapping's write-back,
   *  which Linux does in place. Absent: write(buf, pos) writes in place on this host. */
  writeAt?(buf: Uint8Array, pos: number): number;
  /** lseek: returns the new offset. */
  seek(offset: number, whence: number): number;
  stat(): Stat | number;
  truncate(len: number): number;
  sync(): number;
  /** Directory entries including "." and "..", for getdents64. */
  readdir(): DirEntry[] | number;
  close(): void;
  /** fchmod / fchown / futimens on the open file (absent: the host cannot). */
  chmod?(mode: number): number;
  chown?(uid: number, gid: number): number;
  utimes?(atime: TimeSpec | null, mtime: TimeSpec | null): number;
  /** The guest path the open file has now (it may have been renamed since it was opened), when
   *  the host can tell. */
  currentPath?(): string | undefined;
}

/** A time to set (utimensat); null where the syscall said UTIME_OMIT. */
export interface TimeSpec {
  sec: number;
  nsec: number;
}

export interface Vfs {
  /** open(2) flags (O_CREAT, O_TRUNC, O_EXCL, O_APPEND, O_DIRECTORY, O_NOFOLLOW, access mode). */
  open(path: string, flags: number, mode: number): VfsFile | number;
  stat(path: string, follow: boolean): Stat | number;
  readlink(path: string): string | number;
  mkdir(path: string, mode: number): number;
  unlink(path: string): number;
  rmdir(path: string): number;
  rename(from: string, to: string): number;
  symlink(target: string, path: string): number;
  chmod(path: string, mode: number): number;
  /** Optional operations: the syscall layer answers EPERM (link, chown) or ENOSYS without them. */
  link?(from: string, to: string, follow: boolean): number;
  chown?(path: string, follow: boolean, uid: number, gid: number): number;
  utimes?(path: string, follow: boolean, atime: TimeSpec | null, mtime: TimeSpec | null): number;
  /** access(2) with F_OK/R_OK/W_OK/X_OK. */
  access(path: string, mode: number): number;
}

/** A byte stream of the host (stdin, stdout, stderr). Reads never block: they return -EAGAIN
 *  (EAGAIN = 11) when no data is buffered yet and call the wake-up function given to the host
 *  once data or end of file arrives. */
export interface HostStream {
  readonly isTTY: boolean;
  /** The descriptor was closed when rt0 started: the guest starts without it (EBADF). */
  readonly closed?: boolean;
  read(buf: Uint8Array): number;
  write(buf: Uint8Array): number;
  /** True when a read would not return EAGAIN. */
  readable(): boolean;
  /** Terminal size for TIOCGWINSZ, when isTTY. */
  winsize?(): { rows: number; cols: number };
  /** The status flags the descriptor has on the host (O_ACCMODE, O_APPEND). Absent: read-write
   *  for a terminal, else read-only for stdin and write-only for stdout and stderr. */
  readonly flags?: number;
  /** fstat of what the descriptor is on the host. Absent: a made-up character device for a
   *  terminal, else a FIFO. */
  stat?(): Stat | number;
  /** lseek, pread and pwrite where the host descriptor allows them (a regular file, /dev/null).
   *  Absent: ESPIPE, as for a pipe. */
  seek?(off: number, whence: number): number;
  pread?(buf: Uint8Array, pos: number): number;
  pwrite?(buf: Uint8Array, pos: number): number;
  /** Readiness as poll reports it (EPOLLIN, EPOLLOUT, EPOLLHUP). Absent: EPOLLIN when
   *  readable(), and EPOLLOUT. */
  poll?(): number;
  /** The host terminal this stream is (when isTTY and the host has one): its modes are read
   *  and set through it. */
  readonly terminal?: HostTerminal;
}

/** A terminal of the host whose modes the guest reads and sets (the Node host's tty). */
export interface HostTerminal {
  /** The terminal's termios (36 bytes: c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[19]), or a negative errno. */
  getAttr(): Uint8Array | number;
  /** Apply a termios: `when` 0 at once (TCSANOW), 1 after output drains (TCSADRAIN), 2 also
   *  discarding input not yet read (TCSAFLUSH). */
  setAttr(t: Uint8Array, when: number): number;
  /** TIOCSWINSZ (absent: the size cannot be set). */
  setWinsize?(rows: number, cols: number): number;
  /** Discard input received but not yet read (TCFLSH, TCSETSF). */
  flushInput?(): void;
}

/** Move queued input chunks into buf (a host stream's read): returns the bytes copied and
 *  leaves any remainder queued. */
export function drainChunks(chunks: Uint8Array[], buf: Uint8Array): number {
  let n = 0;
  while (n < buf.length && chunks.length > 0) {
    const c = chunks[0]!;
    const k = Math.min(c.length, buf.length - n);
    buf.set(c.subarray(0, k), n);
    n += k;
    if (k === c.length) chunks.shift();
    else chunks[0] = c.subarray(k);
  }
  return n;
}

/** Everything the Linux layer needs from the host. */
export interface Host {
  vfs: Vfs;
  stdin: HostStream;
  stdout: HostStream;
  stderr: HostStream;
  /** A monotonic clock in nanoseconds (arbitrary origin). */
  monotonicNs(): number;
  /** Wall-clock time, milliseconds since the epoch (may be fractional). */
  realtimeMs(): number;
  randomFill(buf: Uint8Array): void;
  cpuCount: number;
  /** Called by the host when an asynchronous event (stdin data) may unblock a thread. */
  onWake?: () => void;
  /** The host's network, when it has one the guest may use (--net host). */
  net?: HostNet;
  /** open("/dev/tty"): the host's controlling terminal as a stream (the same stream as stdin
   *  when that is the same terminal), or a negative errno (ENXIO: there is none). Absent: the
   *  first standard stream that is a terminal. */
  openTerminal?(): HostStream | number;
}

/** Join a guest path onto a directory and normalize "." and "//" (not ".."; the Vfs resolves
 *  ".." against real directories and symbolic links). */
export function joinPath(dir: string, path: string): string {
  const full = path.startsWith("/") ? path : `${dir === "/" ? "" : dir}/${path}`;
  const parts: string[] = [];
  for (const p of full.split("/")) if (p !== "" && p !== ".") parts.push(p);
  return "/" + parts.join("/");
}

/** Lexically resolve "..", clamping at "/" (for virtual paths like /proc/self/exe). */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return "/" + out.join("/");
}

/** A whole regular file read through the Vfs (an executable, an ELF interpreter), after an
 *  access(mode) check when mode is non-zero; a negative number is an errno. */
export function readGuestFile(vfs: Vfs, path: string, mode: number): Uint8Array | number {
  const st = vfs.stat(path, true);
  if (typeof st === "number") return st;
  if ((st.mode & S_IFMT) !== S_IFREG) return -EACCES;
  if (mode !== 0) {
    const acc = vfs.access(path, mode);
    if (acc < 0) return acc;
  }
  const f = vfs.open(path, O_RDONLY, 0);
  if (typeof f === "number") return f;
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(Math.max(65536, st.size - total));
      const n = f.read(buf, total);
      if (n < 0) return n;
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    if (chunks.length === 1) return chunks[0]!;
    const all = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) { all.set(c, off); off += c.length; }
    return all;
  } finally {
    f.close();
  }
}
