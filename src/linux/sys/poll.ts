// The poller: epoll_create1/epoll_ctl/epoll_pwait (level- and edge-triggered, EPOLLONESHOT),
// eventfd2 and pipe2, plus poll/ppoll. Waiting parks the thread; the scheduler re-polls it
// whenever something may have changed.

import { NR } from "../sysnums.generated.js";
import { rows, Args, BLOCK, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { EBADF, EEXIST, EINVAL, ENOENT, EPERM } from "../errno.js";
import { EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLLERR, EPOLLET, EPOLLHUP, EPOLLONESHOT, O_CLOEXEC, O_NONBLOCK } from "../abi.js";
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

function sysEpollPwait(t: Thread, a: Args): number {
  const p = t.proc, epfd = a.i32(0), evs = a.u(1), max = a.i32(2), timeout = a.i32(3);
  const ep = p.getFile(epfd);
  if (!ep) return -EBADF;
  if (!(ep instanceof EpollDesc) || max <= 0) return -EINVAL;
  const tryCollect = (): number | undefined => {
    const got = ep.collect(max);
    if (got.length === 0) return undefined;
    got.forEach(([e, d], i) => {
      p.mem.writeU32(evs + 12 * i, e);
      p.mem.writeU64Big(evs + 12 * i + 4, d);
    });
    return got.length;
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
  const wfd = p.allocFd(w, cloexec);
  p.mem.writeU32(fds, rfd);
  p.mem.writeU32(fds + 4, wfd);
  return 0;
}

/** poll/ppoll: struct pollfd { int fd; short events, revents; }. POLLIN etc equal EPOLL*. */
function doPoll(t: Thread, fds: number, n: number, timeoutNs: number): number {
  const p = t.proc;
  const check = (): number | undefined => {
    let ready = 0;
    for (let i = 0; i < n; i++) {
      const at = fds + 8 * i;
      const fd = p.mem.readU32(at) | 0, events = p.mem.readU16(at + 4);
      let rev = 0;
      if (fd >= 0) {
        const f = p.getFile(fd);
        rev = f ? f.poll() & (events | EPOLLERR | EPOLLHUP) : 0x20; // POLLNVAL
      }
      p.mem.writeU16(at + 6, rev);
      if (rev) ready++;
    }
    return ready > 0 ? ready : undefined;
  };
  const r = check();
  if (r !== undefined) return r;
  if (timeoutNs === 0) return 0;
  const deadline = timeoutNs < 0 ? Infinity : p.clock.monotonicNs() + timeoutNs;
  p.park(t, { deadline, poll: check, onTimeout: () => 0, interruptible: true });
  return BLOCK;
}

function sysPoll(t: Thread, a: Args): number {
  const ms = a.i32(2);
  return doPoll(t, a.u(0), a.u32(1), ms < 0 ? -1 : ms * 1e6);
}

function sysPpoll(t: Thread, a: Args): number {
  const ts = a.u(2);
  let ns = -1;
  if (ts) {
    ns = Number(t.proc.mem.readU64(ts)) * 1e9 + t.proc.mem.readU64(ts + 8);
  }
  return doPoll(t, a.u(0), a.u32(1), ns);
}

export const pollRows: SyscallRow[] = rows(NR, {
  epoll_create1: [["hex"], sysEpollCreate1],
  epoll_create: [["int"], sysEpollCreate],
  epoll_ctl: [["fd", "epollop", "fd", "ptr"], sysEpollCtl],
  epoll_pwait: [["fd", "ptr", "int", "int", "ptr", "uint"], sysEpollPwait],
  epoll_wait: [["fd", "ptr", "int", "int"], sysEpollPwait],
  eventfd2: [["uint", "hex"], sysEventfd2],
  eventfd: [["uint"], (t, a) => t.proc.allocFd(new EventFd(a.u32(0), false, 2), false)],
  pipe2: [["ptr", "oflags"], sysPipe2],
  pipe: [["ptr"], (t, a) => sysPipe2(t, new Args([a.v[0]!, 0n]))],
  poll: [["ptr", "uint", "int"], sysPoll],
  ppoll: [["ptr", "uint", "ptr", "ptr", "uint"], sysPpoll],
});
