// Loopback TCP inside the process: AF_INET/AF_INET6 stream sockets that can bind, listen,
// accept and connect to each other (127.0.0.0/8, ::1, or the any address), as Go's net/http
// tests need. No host networking: connecting anywhere else is ECONNREFUSED/ENETUNREACH.
// AF_UNIX stream sockets likewise, within the emulator: bound to a path (a placeholder file
// keeps the name in the directory, as for a FIFO; stat reports a socket) or to an abstract
// name, plus socketpair.

import { NR } from "../sysnums.generated.js";
import { rows, type Args, type SyscallRow } from "../sysapi.js";
import type { Process, Thread } from "../process.js";
import { EAFNOSUPPORT, EAGAIN, EBADF, EEXIST, EINVAL, ENAMETOOLONG, ENOTSOCK, EPIPE, EOPNOTSUPP } from "../errno.js";
import { AT_FDCWD, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP, O_CLOEXEC, O_CREAT, O_EXCL, O_NONBLOCK, O_WRONLY } from "../abi.js";
import { fakeStat, type FileDesc } from "../files.js";
import { cleanPath, S_IFSOCK, type Stat } from "../vfs.js";
import { resolveAt } from "./fs.js";
import { putFdPair } from "./poll.js";

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
  /** AF_UNIX: the name's bytes as given (a leading NUL: abstract; empty: unnamed). */
  unix?: Uint8Array;
  /** AF_UNIX: the key in Kernel.unixNames. */
  key?: string;
}

const UNNAMED: Addr = { family: AF_UNIX, ip: new Uint8Array(0), port: 0, unix: new Uint8Array(0) };

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
    if (this.listening && this.local && this.family !== AF_UNIX) listeners(this.proc).delete(this.local.port);
    const names = this.proc.kernel.unixNames;
    // The name it was bound to (it may have been renamed since).
    if (this.local?.key !== undefined) for (const [k, v] of names) if (v === this) names.delete(k);
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
  if (family === AF_UNIX) {
    if (len > 110) return -EINVAL;
    let name = p.mem.read(at + 2, len - 2);
    if (name.length > 0 && name[0] !== 0) {
      const nul = name.indexOf(0);
      if (nul >= 0) name = name.subarray(0, nul);
      if (name.length > 107) return -EINVAL;
    }
    return { family, ip: new Uint8Array(0), port: 0, unix: name.slice() };
  }
  return -EAFNOSUPPORT;
}

/** The Kernel.unixNames key of an AF_UNIX address (absolute path, or "\0..." abstract). */
function unixKey(p: Process, a: Addr): string | number {
  const name = a.unix!;
  if (name[0] === 0) return "\0" + Array.from(name.subarray(1), (c) => String.fromCharCode(c)).join("");
  const path = resolveAt(p, AT_FDCWD, new TextDecoder().decode(name));
  return typeof path === "number" ? path : cleanPath(path);
}

function writeAddr(p: Process, a: Addr, at: number, lenAt: number): void {
  if (!at || !lenAt) return;
  const max = p.mem.readU32(lenAt);
  if (a.family === AF_UNIX) {
    const name = a.unix ?? new Uint8Array(0);
    const nul = name.length > 0 && name[0] !== 0 ? 1 : 0;
    const b = new Uint8Array(2 + name.length + nul);
    b[0] = AF_UNIX;
    b.set(name, 2);
    p.mem.write(at, b.subarray(0, Math.min(max, b.length)));
    p.mem.writeU32(lenAt, b.length);
    return;
  }
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
  if (domain !== AF_INET && domain !== AF_INET6 && domain !== AF_UNIX) return -EAFNOSUPPORT;
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
  if (addr.family !== s.family) return -EINVAL;
  if (s.family === AF_UNIX) return bindUnix(t.proc, s, addr);
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

let autobind = 0;

/** bind(2) of an AF_UNIX socket: a path gets its placeholder file (EADDRINUSE if the name
 *  exists), an empty name an abstract one made up (autobind). */
function bindUnix(p: Process, s: Socket, addr: Addr): number {
  if (s.local) return -EINVAL;
  if (addr.unix!.length === 0) addr.unix = new TextEncoder().encode(`\0${(autobind++).toString(16).padStart(5, "0")}`);
  const key = unixKey(p, addr);
  if (typeof key === "number") return key;
  if (p.kernel.unixNames.has(key) && key.startsWith("\0")) return -EADDRINUSE;
  if (!key.startsWith("\0")) {
    const f = p.host.vfs.open(key, O_CREAT | O_EXCL | O_WRONLY, 0o777 & ~p.umask);
    if (typeof f === "number") return f === -EEXIST ? -EADDRINUSE : f;
    f.close();
  }
  addr.key = key;
  p.kernel.unixNames.set(key, s);
  s.local = addr;
  return 0;
}

/** connect(2) of an AF_UNIX socket: to a listener bound to that name. */
function connectUnix(p: Process, addr: Addr): Socket | number {
  if (addr.unix!.length === 0) return -EINVAL;
  const key = unixKey(p, addr);
  if (typeof key === "number") return key;
  if (!key.startsWith("\0")) {
    if (key.length > 4096) return -ENAMETOOLONG;
    const st = p.host.vfs.stat(key, true);
    if (typeof st === "number") return st;
  }
  const l = p.kernel.unixNames.get(key);
  return l?.listening ? l : -ECONNREFUSED;
}

/** Two sockets joined by a pair of streams. */
function join(a: Socket, b: Socket): void {
  const up = new Stream(), down = new Stream();
  a.tx = up; a.rx = down; b.rx = up; b.tx = down;
  up.ends.push(a, b);
  down.ends.push(a, b);
}

function sysSocketpair(t: Thread, a: Args): number {
  const p = t.proc, domain = a.i32(0), type = a.i32(1), sv = a.u(3);
  if (domain !== AF_UNIX) return -EOPNOTSUPP;
  if ((type & SOCK_TYPE_MASK) !== SOCK_STREAM) return -EOPNOTSUPP;
  const x = new Socket(p, AF_UNIX), y = new Socket(p, AF_UNIX);
  x.flags = y.flags = 2 | (type & O_NONBLOCK);
  x.local = x.peer = y.local = y.peer = UNNAMED;
  join(x, y);
  const cloexec = (type & O_CLOEXEC) !== 0;
  const fx = p.allocFd(x, cloexec);
  if (fx < 0) {
    y.release();
    return fx;
  }
  const fy = p.allocFd(y, cloexec);
  if (fy < 0) { p.closeFd(fx); return fy; }
  return putFdPair(p, sv, fx, fy);
}

function sysListen(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (!s.local) return -EINVAL;
  s.listening = true;
  if (s.family !== AF_UNIX) listeners(t.proc).set(s.local.port, s);
  return 0;
}

function sysConnect(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (s.rx) return -EISCONN;
  const addr = readAddr(p, a.u(1), a.u32(2));
  if (typeof addr === "number") return addr;
  if (s.family === AF_UNIX) {
    if (addr.family !== AF_UNIX) return -EINVAL;
    const l = connectUnix(p, addr);
    if (typeof l === "number") return l;
    const server = new Socket(p, AF_UNIX);
    server.local = l.local;
    server.peer = s.local ?? UNNAMED;
    s.peer = l.local;
    if (!s.local) s.local = UNNAMED;
    join(s, server);
    l.backlog.push(server);
    l.gen++;
    s.gen++;
    return 0;
  }
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
  socketpair: [["int", "int", "int", "ptr"], sysSocketpair],
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
