// In-kernel copies Go's os and net packages try before falling back to read/write loops:
// sendfile (a regular file to any descriptor), copy_file_range (file to file) and splice (to or
// from a pipe), with the offsets either given by pointer (and updated there) or the descriptors'
// own positions.

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, type Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { EAGAIN, EBADF, EINVAL, EPIPE, ESPIPE, EXDEV } from "../errno.js";
import { O_ACCMODE, O_APPEND, O_WRONLY } from "../abi.js";
import { isNonblock, PipeEnd, PIPE_BUF_SIZE, type FileDesc } from "../files.js";
import { S_IFMT, S_IFREG } from "../vfs.js";

const CHUNK = 1 << 20;
const SEEK_SET = 0, SEEK_CUR = 1;

/** The input position: *offp, or the descriptor's offset. */
function startPos(t: Thread, f: FileDesc, offp: number): number {
  return offp ? t.proc.mem.readU64(offp) : f.seek(0, SEEK_CUR);
}

/** A regular file: an opened one, or a standard descriptor that is one on the host (`<file`). */
function regular(f: FileDesc): boolean {
  if (f.kind === "file") return true;
  if (f.kind !== "stream") return false;
  const st = f.stat();
  return typeof st !== "number" && (st.mode & S_IFMT) === S_IFREG;
}

function advance(t: Thread, f: FileDesc, offp: number, pos: number): void {
  if (offp) t.proc.mem.writeU64(offp, pos);
  else f.seek(pos, SEEK_SET);
}

function sysSendfile(t: Thread, a: Args): number {
  const p = t.proc, out = p.getFile(a.i32(0)), inp = p.getFile(a.i32(1)), offp = a.u(2), count = Math.min(a.u(3), CHUNK);
  if (!out || !inp) return -EBADF;
  if ((inp.flags & O_ACCMODE) === O_WRONLY || (out.flags & O_ACCMODE) === 0) return -EBADF;
  if (!regular(inp)) return -EINVAL;
  const pos = startPos(t, inp, offp);
  if (pos < 0) return pos;
  const buf = new Uint8Array(count);
  const got = inp.pread(buf, pos);
  if (got <= 0) return got;
  const data = buf.subarray(0, got);
  const attempt = (): number => {
    const n = out.write(data);
    if (n > 0) advance(t, inp, offp, pos + n);
    return n;
  };
  const r = attempt();
  if (r !== -EAGAIN || isNonblock(out)) return r;
  p.park(t, { deadline: Infinity, interruptible: true, onTimeout: () => -EAGAIN, poll: () => {
    const x = attempt();
    return x === -EAGAIN ? undefined : x;
  } });
  return BLOCK;
}

function sysCopyFileRange(t: Thread, a: Args): number {
  const p = t.proc, inp = p.getFile(a.i32(0)), offIn = a.u(1), out = p.getFile(a.i32(2)), offOut = a.u(3);
  const len = Math.min(a.u(4), CHUNK), flags = a.u32(5);
  if (flags !== 0) return -EINVAL;
  if (!inp || !out) return -EBADF;
  if ((inp.flags & O_ACCMODE) === O_WRONLY || (out.flags & O_ACCMODE) === 0 || (out.flags & O_APPEND)) return -EBADF;
  // Only regular files; other kinds make Go fall back to its own copy loop.
  if (!regular(inp) || !regular(out)) return -EXDEV;
  const pin = startPos(t, inp, offIn), pout = startPos(t, out, offOut);
  if (pin < 0) return pin;
  if (pout < 0) return pout;
  // Linux refuses overlapping ranges within one file (count cut to what the input holds).
  const si = inp.stat(), so = out.stat();
  if (typeof si !== "number" && typeof so !== "number" && si.dev === so.dev && si.ino === so.ino) {
    const count = Math.min(a.u(4), Math.max(0, si.size - pin));
    if (pout + count > pin && pout < pin + count) return -EINVAL;
  }
  const buf = new Uint8Array(len);
  const got = inp.pread(buf, pin);
  if (got <= 0) return got;
  const n = out.pwrite(buf.subarray(0, got), pout);
  if (n <= 0) return n;
  advance(t, inp, offIn, pin + n);
  advance(t, out, offOut, pout + n);
  return n;
}

const SPLICE_F_NONBLOCK = 2;

/** splice's I/O at the offset *offp (of a regular file: ESPIPE otherwise), which advances by
 *  the bytes moved. */
function atOffset(t: Thread, f: FileDesc, offp: number, io: (pos: number) => number): number {
  if (!regular(f)) return -ESPIPE;
  const pos = t.proc.mem.readU64(offp);
  const n = io(pos);
  if (n > 0) t.proc.mem.writeU64(offp, pos + n);
  return n;
}

/**
 * splice(2): moves up to `len` bytes from fd_in to fd_out, one of them a pipe. Bytes leave a
 * source pipe only once the destination took them, so a short or refused write loses nothing.
 * Blocks (parks) like read/write unless SPLICE_F_NONBLOCK or a descriptor is non-blocking.
 */
function sysSplice(t: Thread, a: Args): number {
  const p = t.proc, inp = p.getFile(a.i32(0)), offIn = a.u(1), out = p.getFile(a.i32(2)), offOut = a.u(3);
  const len = Math.min(a.u(4), CHUNK), flags = a.u32(5);
  if (!inp || !out) return -EBADF;
  if ((inp.flags & O_ACCMODE) === O_WRONLY || (out.flags & O_ACCMODE) === 0) return -EBADF;
  const pin = inp instanceof PipeEnd ? inp : undefined, pout = out instanceof PipeEnd ? out : undefined;
  if (!pin && !pout) return -EINVAL;
  if ((pin && offIn) || (pout && offOut)) return -ESPIPE;
  if (pin && pout && pin.p === pout.p) return -EINVAL;
  if (out.flags & O_APPEND && !pout) return -EINVAL;
  if ((!pin && inp.kind === "dir") || (!pout && out.kind === "dir")) return -EINVAL;
  if (len === 0) return 0;
  const attempt = (): number => {
    if (pin) {
      if (!pin.reader) return -EBADF;
      if (pin.p.size === 0) return pin.p.writers === 0 ? 0 : -EAGAIN;
      const data = pin.peek(len);
      const n = offOut ? atOffset(t, out, offOut, (pos) => out.pwrite(data, pos)) : out.write(data);
      if (n > 0) pin.consume(n);
      return n;
    }
    const po = pout!;
    if (po.reader) return -EBADF;
    if (po.p.readers === 0) return -EPIPE;
    const room = PIPE_BUF_SIZE - po.p.size;
    if (room <= 0) return -EAGAIN;
    const buf = new Uint8Array(Math.min(len, room));
    const got = offIn ? atOffset(t, inp, offIn, (pos) => inp.pread(buf, pos)) : inp.read(buf);
    if (got <= 0) return got;
    return po.write(buf.subarray(0, got));
  };
  const r = attempt();
  if (r !== -EAGAIN || (flags & SPLICE_F_NONBLOCK) || isNonblock(inp) || isNonblock(out)) return r;
  p.park(t, { deadline: Infinity, interruptible: true, onTimeout: () => -EAGAIN, poll: () => {
    const x = attempt();
    return x === -EAGAIN ? undefined : x;
  } });
  return BLOCK;
}

export const copyRows: SyscallRow[] = rows(NR, {
  sendfile: [["fd", "fd", "ptr", "uint"], sysSendfile],
  copy_file_range: [["fd", "ptr", "fd", "ptr", "uint", "hex"], sysCopyFileRange],
  splice: [["fd", "ptr", "fd", "ptr", "uint", "hex"], sysSplice],
});
