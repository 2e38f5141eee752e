// The poller: epoll_create1/epoll_ctl/epoll_pwait (level- and edge-triggered, EPOLLONESHOT),
// eventfd2 and pipe2, plus poll/ppoll. Waiting parks the thread; the scheduler re-polls it
// whenever something may have changed.

import { NR } from "../sysnums.generated.js";
import { rows, accessOk, Args, BLOCK, type SyscallRow } from "../sysapi.js";
import type { Process, Thread } from "../process.js";
import { EBADF, EEXIST, EFAULT, EINVAL, ENOENT, EPERM } from "../errno.js";
import { GuestFault } from "../../mem/api.js";
import {
  EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLLERR, EPOLLET, EPOLLHUP, EPOLLIN, EPOLLONESHOT, EPOLLOUT, O_CLOEXEC, O_NONBLOCK,
} from "../abi.js";
import { EventFd, PipeBuffer, PipeEnd, fakeStat, type FileDesc } from "../files.js";
import type { Stat } from "../vfs.js";

interface Interest {
  fd: number;
  file: FileDesc;
  events: number;
  data: bigint;
  lastGen: number;
  disabled: boolean;
}

export class EpollDesc implements FileDesc {
  readonly kind = "epoll";
  flags = 0;
  gen = 0;
  refs = 1;
  items = new Map<number, Interest>();
  read(): number { return -EINVAL; }
  write(): number { return -EINVAL; }
  pread(): number { return -EINVAL; }
  pwrite(): number { return -EINVAL; }
  seek(): number { return -EINVAL; }
  truncate(): number { return -EINVAL; }
  sync(): number { return -EINVAL; }
  stat(): Stat { return fakeStat(0o600); }
  poll(): number { return 0; }
  release(): void { this.items.clear(); }

  /** Ready events, at most max: [events, data] pairs. */
  collect(max: number): [number, bigint][] {
    const out: [number, bigint][] = [];
    for (const [fd, it] of this.items) {
      if (out.length >= max) break;
      if (it.file.refs === 0) { this.items.delete(fd); continue; }
      if (it.disabled) continue;
      const ready = it.file.poll() & (it.events | EPOLLERR | EPOLLHUP);
      if (!ready) continue;
      if (it.events & EPOLLET) {
        if (it.file.gen === it.lastGen) continue;
        it.lastGen = it.file.gen;
      }
      if (it.events & EPOLLONESHOT) it.disabled = true;
      out.push([ready, it.data]);
    }
    return out;
  }
}

function sysEpollCreate1(t: Thread, a: Args): number {
  const flags = a.i32(0);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  return t.proc.allocFd(new EpollDesc(), (flags & O_CLOEXEC) !== 0);
}

function sysEpollCreate(t: Thread, a: Args): number {
  if (a.i32(0) <= 0) return -EINVAL;
  return t.proc.allocFd(new EpollDesc(), false);
}

function sysEpollCtl(t: Thread, a: Args): number {
  const p = t.proc, epfd = a.i32(0), op = a.i32(1), fd = a.i32(2), ev = a.u(3);
  const ep = p.getFile(epfd), f = p.getFile(fd);
  if (!ep || !f) return -EBADF;
  if (!(ep instanceof EpollDesc) || ep === f) return -EINVAL;
  if (f.kind === "file" || f.kind === "dir") return -EPERM;
  const cur = ep.items.get(fd);
  if (op === EPOLL_CTL_DEL) {
    if (!cur) return -ENOENT;
    ep.items.delete(fd);
    return 0;
  }
  const events = p.mem.readU32(ev), data = p.mem.readU64Big(ev + 4);
  if (op === EPOLL_CTL_ADD) {
    if (cur) return -EEXIST;
    ep.items.set(fd, { fd, file: f, events, data, lastGen: -1, disabled: false });
    return 0;
  }
  if (op === EPOLL_CTL_MOD) {
    if (!cur) return -ENOENT;
    Object.assign(cur, { events, data, lastGen: -1, disabled: false });
    return 0;
  }
  return -EINVAL;
}

/** EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
const EP_MAX_EVENTS = Math.floor(0x7fffffff / 12);

function sysEpollPwait(t: Thread, a: Args): number {
  return epollWait(t, a, a.v[4] !== 0n && a.v[5] !== 8n);
}

/** epoll_wait, and epoll_pwait after its signal mask's size was checked (badMask: not 8). */
function epollWait(t: Thread, a: Args, badMask = false): number {
  const p = t.proc, epfd = a.i32(0), evs = a.u(1), max = a.i32(2), timeout = a.i32(3);
  if (max <= 0 || max > EP_MAX_EVENTS) return -EINVAL;
  if (!accessOk(a.v[1]!, BigInt(max) * 12n)) return -EFAULT;
  const ep = p.getFile(epfd);
  if (!ep) return -EBADF;
  if (!(ep instanceof EpollDesc)) return -EINVAL;
  if (badMask) return -EINVAL;
  const tryCollect = (): number | undefined => {
    const got = ep.collect(max);
    if (got.length === 0) return undefined;
    const out = new Uint8Array(12 * got.length), dv = new DataView(out.buffer);
    got.forEach(([e, d], i) => {
      dv.setUint32(12 * i, e, true);
      dv.setBigUint64(12 * i + 4, d, true);
    });
    return writeOrFault(p, evs, out) ?? got.length;
  };
  const n = tryCollect();
  if (n !== undefined) return n;
  if (timeout === 0) return 0;
  const deadline = timeout < 0 ? Infinity : p.clock.monotonicNs() + timeout * 1e6;
  p.park(t, { deadline, poll: tryCollect, onTimeout: () => 0, interruptible: true });
  return BLOCK;
}

function sysEventfd2(t: Thread, a: Args): number {
  const init = a.u32(0), flags = a.i32(1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | 1)) return -EINVAL;
  const f = new EventFd(init, (flags & 1) !== 0, 2 | (flags & O_NONBLOCK));
  return t.proc.allocFd(f, (flags & O_CLOEXEC) !== 0);
}

function sysPipe2(t: Thread, a: Args): number {
  const fds = a.u(0), flags = a.i32(1), p = t.proc;
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  const buf = new PipeBuffer();
  const r = new PipeEnd(buf, true, flags & O_NONBLOCK);
  const w = new PipeEnd(buf, false, 1 | (flags & O_NONBLOCK));
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = p.allocFd(r, cloexec);
  if (rfd < 0) {
    w.release();
    return rfd;
  }
  const wfd = p.allocFd(w, cloexec);
  if (wfd < 0) {
    p.closeFd(rfd);
    return wfd;
  }
  return putFdPair(p, fds, rfd, wfd);
}

/** Store two new descriptors at addr; when that faults they are closed again (EFAULT). */
export function putFdPair(p: Process, addr: number, a: number, b: number): number {
  const pair = new Uint8Array(8);
  const dv = new DataView(pair.buffer);
  dv.setInt32(0, a, true);
  dv.setInt32(4, b, true);
  try {
    p.mem.write(addr, pair);
  } catch (e) {
    p.closeFd(a);
    p.closeFd(b);
    throw e;
  }
  return 0;
}

/** Write bytes to guest memory: undefined, or -EFAULT when that faults (for results written
 *  after a wait, outside the syscall dispatcher that turns faults into EFAULT). */
function writeOrFault(p: Process, addr: number, bytes: Uint8Array): number | undefined {
  try {
    p.mem.write(addr, bytes);
    return undefined;
  } catch (e) {
    if (e instanceof GuestFault) return -EFAULT;
    throw e;
  }
}

/** A wait finished by check() (a result, or undefined to keep waiting) or by the deadline
 *  (timeoutNs < 0: none; 0: do not wait), with `done` called on the result either way. */
function waitFor(t: Thread, timeoutNs: number, check: () => number | undefined, onTimeout: () => number): number {
  const r = check();
  if (r !== undefined) return r;
  if (timeoutNs === 0) return onTimeout();
  const deadline = timeoutNs < 0 ? Infinity : t.proc.clock.monotonicNs() + timeoutNs;
  t.proc.park(t, { deadline, poll: check, onTimeout, interruptible: true });
  return BLOCK;
}

/** poll/ppoll: struct pollfd { int fd; short events, revents; }, copied in at the start and the
 *  revents copied out at the end, as Linux does. POLLIN etc equal EPOLL*. */
function doPoll(t: Thread, fds: number, n: number, timeoutNs: number): number {
  const p = t.proc;
  if (n > p.fdLimit()) return -EINVAL;
  const raw = p.mem.read(fds, 8 * n);
  const dv = new DataView(raw.buffer);
  const scan = (): number => {
    let ready = 0;
    for (let i = 0; i < n; i++) {
      const fd = dv.getInt32(8 * i, true), events = dv.getUint16(8 * i + 4, true);
      let rev = 0;
      if (fd >= 0) {
        const f = p.getFile(fd);
        rev = f ? f.poll() & (events | EPOLLERR | EPOLLHUP) : 0x20; // POLLNVAL
      }
      dv.setUint16(8 * i + 6, rev, true);
      if (rev) ready++;
    }
    return ready;
  };
  const finish = (ready: number): number => writeOrFault(p, fds, raw) ?? ready;
  return waitFor(t, timeoutNs, () => {
    const ready = scan();
    return ready > 0 ? finish(ready) : undefined;
  }, () => finish(scan()));
}

function sysPoll(t: Thread, a: Args): number {
  const ms = a.i32(2);
  return doPoll(t, a.u(0), a.u32(1), ms < 0 ? -1 : ms * 1e6);
}

/** A struct timespec timeout in ns: -1 for none (NULL), NaN when Linux refuses it (EINVAL). */
function timeoutOf(p: Process, at: number): number {
  if (!at) return -1;
  const sec = BigInt.asIntN(64, p.mem.readU64Big(at)), nsec = BigInt.asIntN(64, p.mem.readU64Big(at + 8));
  if (sec < 0n || nsec < 0n || nsec >= 1000000000n) return NaN;
  return Number(sec) * 1e9 + Number(nsec);
}

function sysPpoll(t: Thread, a: Args): number {
  const ns = timeoutOf(t.proc, a.u(2));
  if (Number.isNaN(ns)) return -EINVAL;
  if (a.v[3] !== 0n && a.v[4] !== 8n) return -EINVAL;
  return doPoll(t, a.u(0), a.u32(1), ns);
}

/** select/pselect6 readiness classes (the kernel's POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
const IN_SET = EPOLLIN | EPOLLHUP | EPOLLERR | 0x40 | 0x80, OUT_SET = EPOLLOUT | EPOLLERR | 0x100 | 0x200, EX_SET = 0x2;

/** select over fd_set bitmaps: n is clamped to the size of the descriptor table; a set bit for
 *  a descriptor that is not open is EBADF; the result sets and the time left are written back. */
function doSelect(t: Thread, nfds: number, sets: number[], timeoutNs: number, left: (ns: number) => void): number {
  const p = t.proc;
  if (nfds < 0) return -EINVAL;
  let maxFds = 64;
  for (const fd of p.fds.keys()) while (fd >= maxFds) maxFds *= 2;
  const n = Math.min(nfds, maxFds), bytes = Math.ceil(n / 64) * 8;
  const ins = sets.map((at) => (at ? p.mem.read(at, bytes) : new Uint8Array(bytes)));
  const bit = (b: Uint8Array, fd: number): boolean => (b[fd >> 3]! & (1 << (fd & 7))) !== 0;
  for (let fd = 0; fd < n; fd++) {
    if ((bit(ins[0]!, fd) || bit(ins[1]!, fd) || bit(ins[2]!, fd)) && !p.getFile(fd)) return -EBADF;
  }
  const outs = ins.map(() => new Uint8Array(bytes));
  const classes = [IN_SET, OUT_SET, EX_SET];
  const scan = (): number => {
    let count = 0;
    for (const o of outs) o.fill(0);
    for (let fd = 0; fd < n; fd++) {
      if (!bit(ins[0]!, fd) && !bit(ins[1]!, fd) && !bit(ins[2]!, fd)) continue;
      const f = p.getFile(fd);
      const ready = f ? f.poll() : EPOLLERR;
      for (let k = 0; k < 3; k++) {
        if (bit(ins[k]!, fd) && (ready & classes[k]!) !== 0) {
          outs[k]![fd >> 3]! |= 1 << (fd & 7);
          count++;
        }
      }
    }
    return count;
  };
  const start = p.clock.monotonicNs();
  const finish = (count: number): number => {
    for (let k = 0; k < 3; k++) {
      if (!sets[k]) continue;
      const r = writeOrFault(p, sets[k]!, outs[k]!);
      if (r !== undefined) return r;
    }
    if (timeoutNs > 0) left(Math.max(0, timeoutNs - (p.clock.monotonicNs() - start)));
    return count;
  };
  return waitFor(t, timeoutNs, () => {
    const c = scan();
    return c > 0 ? finish(c) : undefined;
  }, () => finish(scan()));
}

function sysSelect(t: Thread, a: Args): number {
  const p = t.proc, tv = a.u(4);
  let ns = -1;
  if (tv) {
    const sec = BigInt.asIntN(64, p.mem.readU64Big(tv)), usec = BigInt.asIntN(64, p.mem.readU64Big(tv + 8));
    const s = sec + usec / 1000000n, nsec = (usec % 1000000n) * 1000n;
    if (s < 0n || nsec < 0n) return -EINVAL;
    ns = Number(s) * 1e9 + Number(nsec);
  }
  return doSelect(t, a.i32(0), [a.u(1), a.u(2), a.u(3)], ns, (left) => {
    const b = new Uint8Array(16), dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(Math.floor(left / 1e9)), true);
    dv.setBigUint64(8, BigInt(Math.floor((left % 1e9) / 1000)), true);
    writeOrFault(p, tv, b); // a read-only timeval is not an error
  });
}

function sysPselect6(t: Thread, a: Args): number {
  const p = t.proc, ts = a.u(4), sig = a.u(5);
  const ns = timeoutOf(p, ts);
  if (Number.isNaN(ns)) return -EINVAL;
  if (sig) {
    const mask = p.mem.readU64Big(sig), size = p.mem.readU64Big(sig + 8);
    if (mask !== 0n && size !== 8n) return -EINVAL;
  }
  return doSelect(t, a.i32(0), [a.u(1), a.u(2), a.u(3)], ns, (left) => {
    const b = new Uint8Array(16), dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(Math.floor(left / 1e9)), true);
    dv.setBigUint64(8, BigInt(left % 1e9), true);
    writeOrFault(p, ts, b);
  });
}

export const pollRows: SyscallRow[] = rows(NR, {
  epoll_create1: [["hex"], sysEpollCreate1],
  epoll_create: [["int"], sysEpollCreate],
  epoll_ctl: [["fd", "epollop", "fd", "ptr"], sysEpollCtl],
  epoll_pwait: [["fd", "ptr", "int", "int", "ptr", "uint"], sysEpollPwait],
  epoll_wait: [["fd", "ptr", "int", "int"], (t, a) => epollWait(t, a)],
  eventfd2: [["uint", "hex"], sysEventfd2],
  eventfd: [["uint"], (t, a) => t.proc.allocFd(new EventFd(a.u32(0), false, 2), false)],
  pipe2: [["ptr", "oflags"], sysPipe2],
  pipe: [["ptr"], (t, a) => sysPipe2(t, new Args([a.v[0]!, 0n]))],
  poll: [["ptr", "uint", "int"], sysPoll],
  select: [["int", "ptr", "ptr", "ptr", "ptr"], sysSelect],
  pselect6: [["int", "ptr", "ptr", "ptr", "ptr", "ptr"], sysPselect6],
  ppoll: [["ptr", "uint", "ptr", "ptr", "uint"], sysPpoll],
});
