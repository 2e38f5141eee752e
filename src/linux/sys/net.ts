// Loopback TCP inside the process: AF_INET/AF_INET6 stream sockets that can bind, listen,
// accept and connect to each other (127.0.0.0/8, ::1, or the any address), as Go's net/http
// tests need. No host networking: connecting anywhere else is ECONNREFUSED/ENETUNREACH.

import { NR } from "../sysnums.js";
import { rows, type Args, type SyscallRow } from "../sysapi.js";
import type { Process, Thread } from "../process.js";
import { EAFNOSUPPORT, EAGAIN, EBADF, EINVAL, ENOTSOCK, EPIPE, EOPNOTSUPP } from "../errno.js";
import { EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP, O_CLOEXEC, O_NONBLOCK } from "../abi.js";
import { fakeStat, type FileDesc } from "../files.js";
import { S_IFSOCK, type Stat } from "../vfs.js";

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, SOCK_STREAM = 1, SOCK_TYPE_MASK = 0xf;
const EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101, EISCONN = 106, ENOTCONN = 107, ECONNREFUSED = 111;
const SOL_SOCKET = 1, SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_ACCEPTCONN = 30, SO_DOMAIN = 39;
const BUF = 256 * 1024;

/** One direction of a connection. */
class Stream {
  chunks: Uint8Array[] = [];
  size = 0;
  writeClosed = false;
  readClosed = false;
  ends: Socket[] = [];
  touch(): void {
    for (const s of this.ends) s.gen++;
  }
}

interface Addr {
  family: number;
  ip: Uint8Array;
  port: number;
}

export class Socket implements FileDesc {
  readonly kind = "socket" as const;
  flags = 2;
  gen = 0;
  refs = 1;
  local?: Addr;
  peer?: Addr;
  listening = false;
  backlog: Socket[] = [];
  rx?: Stream;
  tx?: Stream;
  constructor(readonly proc: Process, readonly family: number) {}

  read(buf: Uint8Array): number {
    const s = this.rx;
    if (!s) return -ENOTCONN;
    if (s.size === 0) return s.writeClosed ? 0 : -EAGAIN;
    let n = 0;
    while (n < buf.length && s.chunks.length > 0) {
      const c = s.chunks[0]!;
      const k = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) s.chunks.shift();
      else s.chunks[0] = c.subarray(k);
    }
    s.size -= n;
    s.touch();
    return n;
  }
  write(buf: Uint8Array): number {
    const s = this.tx;
    if (!s) return -ENOTCONN;
    if (s.readClosed || s.writeClosed) return -EPIPE;
    const room = BUF - s.size;
    if (room <= 0) return -EAGAIN;
    const k = Math.min(room, buf.length);
    s.chunks.push(buf.slice(0, k));
    s.size += k;
    s.touch();
    return k;
  }
  pread(): number { return -29; }
  pwrite(): number { return -29; }
  seek(): number { return -29; }
  truncate(): number { return -EINVAL; }
  sync(): number { return -EINVAL; }
  stat(): Stat { return fakeStat(S_IFSOCK | 0o777); }
  poll(): number {
    if (this.listening) return this.backlog.length > 0 ? EPOLLIN : 0;
    if (!this.rx || !this.tx) return EPOLLOUT | EPOLLHUP;
    let ev = 0;
    if (this.rx.size > 0 || this.rx.writeClosed) ev |= EPOLLIN;
    if (this.rx.writeClosed) ev |= EPOLLRDHUP;
    if (this.tx.readClosed) ev |= EPOLLERR | EPOLLOUT;
    else if (this.tx.size < BUF) ev |= EPOLLOUT;
    if (this.rx.writeClosed && this.tx.readClosed) ev |= EPOLLHUP;
    return ev;
  }
  shutdown(how: number): void {
    if ((how === 0 || how === 2) && this.rx) { this.rx.readClosed = true; this.rx.touch(); }
    if ((how === 1 || how === 2) && this.tx) { this.tx.writeClosed = true; this.tx.touch(); }
  }
  release(): void {
    this.shutdown(2);
    if (this.listening && this.local) listeners(this.proc).delete(this.local.port);
    for (const s of this.backlog) s.release();
    this.backlog = [];
  }
}

const registry = new WeakMap<Process, Map<number, Socket>>();
function listeners(p: Process): Map<number, Socket> {
  let m = registry.get(p);
  if (!m) registry.set(p, (m = new Map()));
  return m;
}
const nextPort = new WeakMap<Process, number>();
const bound = new WeakMap<Process, Set<number>>();

function readAddr(p: Process, at: number, len: number): Addr | number {
  if (len < 2) return -EINVAL;
  const family = p.mem.readU16(at);
  if (family === AF_INET) {
    if (len < 16) return -EINVAL;
    const b = p.mem.read(at, 16);
    return { family, port: (b[2]! << 8) | b[3]!, ip: b.slice(4, 8) };
  }
  if (family === AF_INET6) {
    if (len < 24) return -EINVAL;
    const b = p.mem.read(at, 24);
    return { family, port: (b[2]! << 8) | b[3]!, ip: b.slice(8, 24) };
  }
  return -EAFNOSUPPORT;
}

function writeAddr(p: Process, a: Addr, at: number, lenAt: number): void {
  if (!at || !lenAt) return;
  const max = p.mem.readU32(lenAt);
  const b = new Uint8Array(a.family === AF_INET ? 16 : 28);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, a.family, true);
  dv.setUint16(2, a.port, false);
  if (a.family === AF_INET) b.set(a.ip.subarray(0, 4), 4);
  else b.set(a.ip.subarray(0, 16), 8);
  p.mem.write(at, b.subarray(0, Math.min(max, b.length)));
  p.mem.writeU32(lenAt, b.length);
}

function isLoopbackOrAny(a: Addr): boolean {
  const ip = a.ip;
  if (a.family === AF_INET) return ip[0] === 127 || ip.every((x) => x === 0);
  if (ip.subarray(0, 15).every((x) => x === 0)) return ip[15] === 1 || ip[15] === 0;
  // v4-mapped ::ffff:a.b.c.d
  if (ip.subarray(0, 10).every((x) => x === 0) && ip[10] === 0xff && ip[11] === 0xff) return ip[12] === 127 || ip.subarray(12).every((x) => x === 0);
  return false;
}

function sock(t: Thread, fd: number): Socket | number {
  const f = t.proc.getFile(fd);
  if (!f) return -EBADF;
  return f instanceof Socket ? f : -ENOTSOCK;
}

function sysSocket(t: Thread, a: Args): number {
  const domain = a.i32(0), type = a.i32(1);
  if (domain !== AF_INET && domain !== AF_INET6) return -EAFNOSUPPORT; // AF_UNIX and others: not yet
  void AF_UNIX;
  if ((type & SOCK_TYPE_MASK) !== SOCK_STREAM) return -EOPNOTSUPP;
  const s = new Socket(t.proc, domain);
  s.flags = 2 | (type & O_NONBLOCK);
  return t.proc.allocFd(s, (type & O_CLOEXEC) !== 0);
}

function sysBind(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const addr = readAddr(t.proc, a.u(1), a.u32(2));
  if (typeof addr === "number") return addr;
  if (!isLoopbackOrAny(addr)) return -EADDRNOTAVAIL;
  let used = bound.get(t.proc);
  if (!used) bound.set(t.proc, (used = new Set()));
  if (addr.port === 0) {
    let n = nextPort.get(t.proc) ?? 40000;
    while (used.has(n)) n++;
    addr.port = n;
    nextPort.set(t.proc, n + 1);
  } else if (used.has(addr.port)) return -EADDRINUSE;
  used.add(addr.port);
  s.local = addr;
  return 0;
}

function sysListen(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (!s.local) return -EINVAL;
  s.listening = true;
  listeners(t.proc).set(s.local.port, s);
  return 0;
}

function sysConnect(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (s.rx) return -EISCONN;
  const addr = readAddr(p, a.u(1), a.u32(2));
  if (typeof addr === "number") return addr;
  if (!isLoopbackOrAny(addr)) return -ENETUNREACH;
  const l = listeners(p).get(addr.port);
  if (!l) return -ECONNREFUSED;
  const up = new Stream(), down = new Stream();
  const server = new Socket(p, l.family);
  server.local = { ...l.local!, family: l.family };
  if (!s.local) {
    const n = nextPort.get(p) ?? 40000;
    nextPort.set(p, n + 1);
    s.local = { family: s.family, ip: addr.ip, port: n };
  }
  server.peer = s.local;
  s.peer = addr;
  s.tx = up; s.rx = down; server.rx = up; server.tx = down;
  up.ends.push(s, server);
  down.ends.push(s, server);
  l.backlog.push(server);
  l.gen++;
  s.gen++;
  return 0;
}

function sysAccept4(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (!s.listening) return -EINVAL;
  const flags = a.i32(3);
  const c = s.backlog.shift();
  if (!c) return -EAGAIN; // Go's listeners are non-blocking and wait in epoll
  s.gen++;
  c.flags = 2 | (flags & O_NONBLOCK);
  if (c.peer) writeAddr(p, c.peer, a.u(1), a.u(2));
  return p.allocFd(c, (flags & O_CLOEXEC) !== 0);
}

function sysGetsockname(peer: boolean) {
  return (t: Thread, a: Args): number => {
    const s = sock(t, a.i32(0));
    if (typeof s === "number") return s;
    const addr = peer ? s.peer : (s.local ?? { family: s.family, ip: new Uint8Array(16), port: 0 });
    if (!addr) return -ENOTCONN;
    writeAddr(t.proc, addr, a.u(1), a.u(2));
    return 0;
  };
}

function sysGetsockopt(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const level = a.i32(1), name = a.i32(2), val = a.u(3), lenAt = a.u(4);
  let v = 0;
  if (level === SOL_SOCKET) {
    if (name === SO_ERROR) v = 0;
    else if (name === SO_TYPE) v = SOCK_STREAM;
    else if (name === SO_DOMAIN) v = s.family;
    else if (name === SO_ACCEPTCONN) v = s.listening ? 1 : 0;
    else if (name === SO_SNDBUF || name === SO_RCVBUF) v = BUF;
  }
  if (val && lenAt) {
    t.proc.mem.writeU32(val, v);
    t.proc.mem.writeU32(lenAt, 4);
  }
  return 0;
}

function sysShutdown(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (!s.rx) return -ENOTCONN;
  s.shutdown(a.i32(1));
  return 0;
}

export const netRows: SyscallRow[] = rows(NR, {
  socket: [["int", "int", "int"], sysSocket],
  bind: [["fd", "ptr", "uint"], sysBind],
  listen: [["fd", "int"], sysListen],
  connect: [["fd", "ptr", "uint"], sysConnect],
  accept4: [["fd", "ptr", "ptr", "hex"], sysAccept4],
  accept: [["fd", "ptr", "ptr"], (t, a) => sysAccept4(t, a)],
  getsockname: [["fd", "ptr", "ptr"], sysGetsockname(false)],
  getpeername: [["fd", "ptr", "ptr"], sysGetsockname(true)],
  setsockopt: [["fd", "int", "int", "ptr", "uint"], (t, a) => { const s = sock(t, a.i32(0)); return typeof s === "number" ? s : 0; }],
  getsockopt: [["fd", "int", "int", "ptr", "ptr"], sysGetsockopt],
  shutdown: [["fd", "int"], sysShutdown],
});
