// The emulator's own network, one per Kernel and shared by every guest process as a Linux
// host's is: AF_UNIX stream sockets (bound to a path, with a placeholder file that keeps the
// name in the directory and stats as a socket, or to an abstract name; socketpair), and TCP
// and UDP over a loopback interface (127.0.0.0/8, ::1) for --net loopback and the browser.
// Under --net none the loopback interface is down, as in a new network namespace: sockets can
// be made and bound to 127.0.0.1, every connect and send is ENETUNREACH.

import type { Kernel } from "./kernel.js";
import type { Process } from "./process.js";
import {
  EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, ECONNREFUSED, EDESTADDRREQ, EEXIST, EINVAL, EISCONN,
  EMSGSIZE, ENAMETOOLONG, ENETUNREACH, ENOTCONN, EOPNOTSUPP, EPIPE,
} from "./errno.js";
import { AT_FDCWD, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP, O_CREAT, O_EXCL, O_WRONLY } from "./abi.js";
import { cleanPath } from "./vfs.js";
import { resolveAt } from "./sys/fs.js";
import {
  AF_INET, AF_INET6, AF_UNIX, UNNAMED, anyAddr, asV4, familyMismatch, inFamily, isInet, isLoopback, isWildcard, sameIp,
  type InetAddr, type SockAddr, type UnixAddr,
} from "./sockaddr.js";
import {
  IPPROTO_IPV6, IPV6_V6ONLY, MSG_PEEK, SHUT_RD, SO_REUSEADDR, SO_REUSEPORT, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET,
  Socket, type Received, type Res,
} from "./socket.js";

/** Bytes a stream direction buffers before a writer gets EAGAIN. */
const STREAM_BUF = 256 * 1024;
/** Bytes of datagrams a socket queues before it drops more (net.core.rmem_default). */
const DGRAM_RCVBUF = 212992;
/** The largest UDP payload: 65535 less the IPv4 and UDP headers. */
const UDP_MAX = 65507;
/** net.ipv4.ip_local_port_range. */
const EPHEMERAL_LO = 32768, EPHEMERAL_HI = 60999;

/** One direction of a stream connection. */
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

/** The addresses a bound socket takes traffic for: IPv4 and IPv6 ("any", one address, or none). */
interface AddrSet {
  v4?: Uint8Array | "any";
  v6?: Uint8Array | "any";
}

function addrSet(family: number, ip: Uint8Array, v6only: boolean): AddrSet {
  if (family === AF_INET) return { v4: isWildcard(ip) ? "any" : ip };
  if (isWildcard(ip)) return v6only ? { v6: "any" } : { v4: "any", v6: "any" };
  const v4 = asV4(ip);
  if (v4) return { v4: isWildcard(v4) ? "any" : v4 };
  return { v6: ip };
}

function meets(a: Uint8Array | "any" | undefined, b: Uint8Array | "any" | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a === "any" || b === "any" || sameIp(a, b);
}

/** Traffic to `ip` (4 bytes: IPv4, 16: IPv6) matches this set: 2 exactly, 1 by wildcard, 0 not. */
function matchTraffic(set: AddrSet, ip: Uint8Array): number {
  const want = ip.length === 4 ? set.v4 : set.v6;
  if (want === undefined) return 0;
  if (want === "any") return 1;
  return sameIp(want, ip) ? 2 : 0;
}

/** Traffic's destination as the network sees it: IPv4 (4 bytes) even when written v4-mapped,
 *  the wildcard meaning this host's loopback (connect to 0.0.0.0 reaches 127.0.0.1). */
function trafficIp(a: InetAddr): Uint8Array {
  const v4 = asV4(a.ip);
  if (v4) return isWildcard(v4) ? Uint8Array.of(127, 0, 0, 1) : v4;
  if (isWildcard(a.ip)) {
    const lo = new Uint8Array(16);
    lo[15] = 1;
    return lo;
  }
  return a.ip;
}

const asFamily = inFamily;

function inetFamily(family: number): InetAddr["family"] {
  return family === AF_INET6 ? AF_INET6 : AF_INET;
}

/** A socket of the loopback network that binds ports (TCP or UDP). */
type PortSocket = LoopStream | LoopDgram;

export class LoopNet {
  private readonly ports = { tcp: new Map<number, PortSocket[]>(), udp: new Map<number, PortSocket[]>() };
  private nextPort = EPHEMERAL_LO;
  /** AF_NETLINK port ids in use (netlink.ts). */
  readonly netlinkPorts = { used: new Set<number>(), next: -4096 };
  constructor(readonly kernel: Kernel, readonly up: boolean) {}

  /** The source address of this host's traffic to `dst` (traffic form, 4 or 16 bytes). */
  static source(dst: Uint8Array): Uint8Array {
    if (dst.length === 4) return Uint8Array.of(127, 0, 0, 1);
    const lo = new Uint8Array(16);
    lo[15] = 1;
    return lo;
  }

  /** Can a socket bind this address here? 0 or -EADDRNOTAVAIL. */
  private localOk(ip: Uint8Array): number {
    if (isWildcard(ip)) return 0;
    const v4 = asV4(ip);
    if (v4 && isWildcard(v4)) return 0;
    if (!isLoopback(ip)) return -EADDRNOTAVAIL;
    // A downed lo keeps its IPv4 addresses; ::1 goes away with it.
    return this.up || v4 ? 0 : -EADDRNOTAVAIL;
  }

  private conflicts(proto: "tcp" | "udp", s: PortSocket, set: AddrSet, port: number): boolean {
    const reuseAddr = s.option(SOL_SOCKET, SO_REUSEADDR) !== 0, reusePort = s.option(SOL_SOCKET, SO_REUSEPORT) !== 0;
    for (const o of this.ports[proto].get(port) ?? []) {
      if (o === s || !o.local) continue;
      const os = addrSet(o.family, (o.local as InetAddr).ip, o.v6only());
      if (!meets(set.v4, os.v4) && !meets(set.v6, os.v6)) continue;
      if (reusePort && o.option(SOL_SOCKET, SO_REUSEPORT) !== 0) continue;
      if (reuseAddr && o.option(SOL_SOCKET, SO_REUSEADDR) !== 0 && (proto === "udp" || !o.isListening())) continue;
      return true;
    }
    return false;
  }

  /** Bind s to addr (port 0: an ephemeral port): 0 or -errno. */
  bind(proto: "tcp" | "udp", s: PortSocket, addr: InetAddr): number {
    const ok = this.localOk(addr.ip);
    if (ok < 0) return ok;
    const set = addrSet(s.family, addr.ip, s.v6only());
    let port = addr.port;
    if (port === 0) {
      const span = EPHEMERAL_HI - EPHEMERAL_LO + 1;
      for (let i = 0; i < span && port === 0; i++) {
        const p = EPHEMERAL_LO + ((this.nextPort - EPHEMERAL_LO + i) % span);
        if (!this.conflicts(proto, s, set, p) && !(this.ports[proto].get(p)?.length)) port = p;
      }
      if (port === 0) return -EADDRINUSE;
      this.nextPort = port + 1;
    } else if (this.conflicts(proto, s, set, port)) return -EADDRINUSE;
    s.local = { ...addr, port };
    const list = this.ports[proto].get(port);
    if (list) list.push(s);
    else this.ports[proto].set(port, [s]);
    return 0;
  }

  unbind(proto: "tcp" | "udp", s: PortSocket): void {
    const port = (s.local as InetAddr | undefined)?.port;
    if (port === undefined) return;
    const list = this.ports[proto].get(port);
    if (!list) return;
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.ports[proto].delete(port);
  }

  /** The socket that takes traffic for dst (the most specific bound address wins). */
  find(proto: "tcp" | "udp", dst: Uint8Array, port: number, ok: (s: PortSocket) => boolean): PortSocket | undefined {
    let best: PortSocket | undefined, score = 0;
    for (const s of this.ports[proto].get(port) ?? []) {
      if (!s.local || !ok(s)) continue;
      const m = matchTraffic(addrSet(s.family, (s.local as InetAddr).ip, s.v6only()), dst);
      if (m > score) { best = s; score = m; }
    }
    return best;
  }

  /** Where traffic from `s` to `to` goes: the destination in traffic form, or -errno. */
  route(to: InetAddr): Uint8Array | number {
    if (!this.up) return -ENETUNREACH;
    const dst = trafficIp(to);
    return isLoopback(dst) ? dst : -ENETUNREACH;
  }

  /** Give s an ephemeral port (and the source address for dst) if it has none. */
  autobind(proto: "tcp" | "udp", s: PortSocket, dst: Uint8Array | undefined): number {
    if (s.local) return 0;
    const family = inetFamily(s.family);
    const ip = dst ? asFamily(family, LoopNet.source(dst), 0).ip : anyAddr(family).ip;
    return this.bind(proto, s, { family, ip, port: 0 });
  }
}

// ---- AF_UNIX names

/** The Kernel.unixNames key of an AF_UNIX address (absolute path, or "\0..." abstract). */
function unixKey(p: Process, a: UnixAddr): string | number {
  const name = a.name;
  if (name[0] === 0) return "\0" + Array.from(name.subarray(1), (c) => String.fromCharCode(c)).join("");
  const path = resolveAt(p, AT_FDCWD, new TextDecoder().decode(name));
  return typeof path === "number" ? path : cleanPath(path);
}

let autobindName = 0;

// ---- stream sockets: AF_UNIX, and TCP on the loopback network

export class LoopStream extends Socket {
  local?: SockAddr;
  peer?: SockAddr;
  listening = false;
  backlog: LoopStream[] = [];
  rx?: Stream;
  tx?: Stream;
  constructor(readonly net: LoopNet, family: number, protocol: number) {
    super(family, SOCK_STREAM, protocol);
  }

  v6only(): boolean {
    return this.option(IPPROTO_IPV6, IPV6_V6ONLY) !== 0;
  }
  isListening(): boolean { return this.listening; }
  isConnected(): boolean { return this.rx !== undefined; }
  localAddr(): SockAddr {
    return this.local ?? (this.family === AF_UNIX ? UNNAMED : anyAddr(inetFamily(this.family)));
  }
  peerAddr(): SockAddr | undefined { return this.peer; }

  bind(p: Process, addr: SockAddr): Res {
    if (addr.family !== this.family) return this.family === AF_UNIX ? -EINVAL : familyMismatch(this.family, addr);
    if (this.local) return -EINVAL;
    if (addr.family === AF_UNIX) return this.bindUnix(p, addr);
    return isInet(addr) ? this.net.bind("tcp", this, addr) : -EAFNOSUPPORT;
  }

  /** A path gets its placeholder file (EADDRINUSE if the name exists), an empty name an
   *  abstract one made up (autobind). */
  private bindUnix(p: Process, addr: UnixAddr): number {
    let name = addr.name;
    if (name.length === 0) name = new TextEncoder().encode(`\0${(autobindName++).toString(16).padStart(5, "0")}`);
    const a: UnixAddr = { family: AF_UNIX, name };
    const key = unixKey(p, a);
    if (typeof key === "number") return key;
    const names = this.net.kernel.unixNames;
    if (names.has(key) && key.startsWith("\0")) return -EADDRINUSE;
    if (!key.startsWith("\0")) {
      const f = p.host.vfs.open(key, O_CREAT | O_EXCL | O_WRONLY, 0o777 & ~p.umask);
      if (typeof f === "number") return f === -EEXIST ? -EADDRINUSE : f;
      f.close();
    }
    a.key = key;
    names.set(key, this);
    this.local = a;
    return 0;
  }

  listen(_backlog: number): Res {
    if (this.rx) return -EINVAL;
    if (!this.local) {
      if (this.family === AF_UNIX) return -EINVAL;
      const r = this.net.autobind("tcp", this, undefined);
      if (r < 0) return r;
    }
    this.listening = true;
    this.gen++;
    return 0;
  }

  connect(p: Process, to: SockAddr | undefined, _nonblock: boolean): Res {
    if (this.listening || this.rx) return -EISCONN;
    if (!to) return -EAFNOSUPPORT;
    if (this.family === AF_UNIX) {
      if (to.family !== AF_UNIX) return -EINVAL;
      const l = this.findUnix(p, to);
      if (typeof l === "number") return l;
      const server = new LoopStream(this.net, AF_UNIX, 0);
      server.local = l.local;
      server.peer = this.local ?? UNNAMED;
      this.peer = l.local;
      if (!this.local) this.local = UNNAMED;
      this.join(server, l);
      return 0;
    }
    const bad = familyMismatch(this.family, to);
    if (bad < 0 || !isInet(to)) return bad || -EAFNOSUPPORT;
    const dst = this.net.route(to);
    if (typeof dst === "number") return dst;
    const l = this.net.find("tcp", dst, to.port, (s) => s.isListening()) as LoopStream | undefined;
    if (!l) return -ECONNREFUSED;
    const b = this.net.autobind("tcp", this, dst);
    if (b < 0) return b;
    const mine = this.local as InetAddr, mineIp = asV4(mine.ip) ?? mine.ip;
    const src = isWildcard(mineIp) ? LoopNet.source(dst) : mineIp;
    if (isWildcard(mineIp)) this.local = asFamily(this.family, src, mine.port);
    const server = new LoopStream(this.net, l.family, l.protocol);
    server.local = asFamily(l.family, dst, to.port);
    server.peer = asFamily(l.family, src, mine.port);
    this.peer = asFamily(this.family, dst, to.port);
    this.join(server, l);
    return 0;
  }

  private findUnix(p: Process, addr: UnixAddr): LoopStream | number {
    if (addr.name.length === 0) return -EINVAL;
    const key = unixKey(p, addr);
    if (typeof key === "number") return key;
    if (!key.startsWith("\0")) {
      if (key.length > 4096) return -ENAMETOOLONG;
      const st = p.host.vfs.stat(key, true);
      if (typeof st === "number") return st;
    }
    const l = this.net.kernel.unixNames.get(key);
    return l instanceof LoopStream && l.listening ? l : -ECONNREFUSED;
  }

  /** This socket and `server` joined by a pair of streams; server queued on listener l. */
  private join(server: LoopStream, l: LoopStream): void {
    pair(this, server);
    l.backlog.push(server);
    l.gen++;
    this.gen++;
  }

  accept(): LoopStream | number {
    if (!this.listening) return -EINVAL;
    const c = this.backlog.shift();
    if (!c) return -EAGAIN;
    this.gen++;
    return c;
  }

  send(data: Uint8Array, _flags: number, to?: SockAddr): Res {
    const s = this.tx;
    if (!s) return to && this.family !== AF_UNIX ? -EPIPE : -ENOTCONN;
    if (to && this.family !== AF_UNIX) return -EISCONN;
    if (this.wrShut || s.readClosed || s.writeClosed) return -EPIPE;
    if (data.length === 0) return 0;
    const room = STREAM_BUF - s.size;
    if (room <= 0) return -EAGAIN;
    const k = Math.min(room, data.length);
    s.chunks.push(data.slice(0, k));
    s.size += k;
    s.touch();
    return k;
  }

  recv(max: number, flags: number): Received | number {
    const s = this.rx;
    if (!s) return -ENOTCONN;
    if (this.rdShut && s.size === 0) return { data: new Uint8Array(0), size: 0 };
    if (s.size === 0) return s.writeClosed ? { data: new Uint8Array(0), size: 0 } : -EAGAIN;
    const out = new Uint8Array(Math.min(max, s.size));
    let n = 0, i = 0;
    while (n < out.length) {
      const c = s.chunks[i]!;
      const k = Math.min(c.length, out.length - n);
      out.set(c.subarray(0, k), n);
      n += k;
      if (flags & MSG_PEEK) i++;
      else if (k === c.length) s.chunks.shift();
      else s.chunks[0] = c.subarray(k);
    }
    if (!(flags & MSG_PEEK)) {
      s.size -= n;
      s.touch();
    }
    return { data: out, size: n };
  }

  available(): number {
    return this.rx?.size ?? 0;
  }

  poll(): number {
    if (this.listening) return this.backlog.length > 0 ? EPOLLIN : 0;
    if (!this.rx || !this.tx) return EPOLLOUT | EPOLLHUP;
    let ev = 0;
    const eof = this.rx.writeClosed || this.rdShut;
    if (this.rx.size > 0 || eof) ev |= EPOLLIN;
    if (eof) ev |= EPOLLRDHUP;
    if (this.tx.readClosed) ev |= EPOLLERR | EPOLLOUT;
    else if (this.tx.size < STREAM_BUF) ev |= EPOLLOUT;
    if (eof && (this.tx.readClosed || this.wrShut)) ev |= EPOLLHUP;
    return ev;
  }

  protected onShutdown(how: number): void {
    if (how !== SHUT_RD && this.tx) { this.tx.writeClosed = true; this.tx.touch(); }
    if (how !== 1 && this.rx) { this.rx.readClosed = true; this.rx.touch(); }
  }

  release(): void {
    if (this.rx) { this.rx.readClosed = true; this.rx.touch(); }
    if (this.tx) { this.tx.writeClosed = true; this.tx.touch(); }
    if (this.family !== AF_UNIX) this.net.unbind("tcp", this);
    const names = this.net.kernel.unixNames;
    // The name it was bound to (it may have been renamed since).
    if (this.local && this.local.family === AF_UNIX && this.local.key !== undefined) {
      for (const [k, v] of names) if (v === this) names.delete(k);
    }
    for (const s of this.backlog) s.release();
    this.backlog = [];
    this.listening = false;
  }
}

/** Two stream sockets joined by a pair of streams (connect, socketpair). */
export function pair(a: LoopStream, b: LoopStream): void {
  const up = new Stream(), down = new Stream();
  a.tx = up; a.rx = down; b.rx = up; b.tx = down;
  up.ends.push(a, b);
  down.ends.push(a, b);
}

/** A connected pair of AF_UNIX stream sockets (socketpair). */
export function unixPair(net: LoopNet): [LoopStream, LoopStream] {
  const x = new LoopStream(net, AF_UNIX, 0), y = new LoopStream(net, AF_UNIX, 0);
  x.local = x.peer = y.local = y.peer = UNNAMED;
  pair(x, y);
  return [x, y];
}

// ---- UDP on the loopback network

interface Datagram {
  data: Uint8Array;
  from: InetAddr;
}

export class LoopDgram extends Socket {
  local?: InetAddr;
  peer?: InetAddr;
  private queue: Datagram[] = [];
  private queued = 0;
  constructor(readonly net: LoopNet, family: number, protocol: number) {
    super(family, SOCK_DGRAM, protocol);
  }

  v6only(): boolean {
    return this.option(IPPROTO_IPV6, IPV6_V6ONLY) !== 0;
  }
  isListening(): boolean { return false; }
  isConnected(): boolean { return this.peer !== undefined; }
  localAddr(): SockAddr { return this.local ?? anyAddr(inetFamily(this.family)); }
  peerAddr(): SockAddr | undefined { return this.peer; }

  private familyOk(a: SockAddr): number {
    return familyMismatch(this.family, a);
  }

  bind(_p: Process, addr: SockAddr): Res {
    const bad = this.familyOk(addr);
    if (bad < 0) return bad;
    if (this.local) return -EINVAL;
    return this.net.bind("udp", this, addr as InetAddr);
  }

  listen(): Res { return -EOPNOTSUPP; }
  accept(): number { return -EOPNOTSUPP; }

  connect(_p: Process, to: SockAddr | undefined): Res {
    if (!to) {
      this.peer = undefined;
      return 0;
    }
    const bad = this.familyOk(to);
    if (bad < 0) return bad;
    const dst = this.net.route(to as InetAddr);
    if (typeof dst === "number") return dst;
    const r = this.net.autobind("udp", this, dst);
    if (r < 0) return r;
    this.peer = asFamily(this.family, dst, (to as InetAddr).port);
    return 0;
  }

  send(data: Uint8Array, _flags: number, to?: SockAddr): Res {
    if (this.wrShut) return -EPIPE;
    let dstAddr: InetAddr;
    if (to) {
      const bad = this.familyOk(to);
      if (bad < 0) return bad;
      dstAddr = to as InetAddr;
    } else if (this.peer) dstAddr = this.peer;
    else return -EDESTADDRREQ;
    if (data.length > UDP_MAX) return -EMSGSIZE;
    const dst = this.net.route(dstAddr);
    if (typeof dst === "number") return dst;
    const r = this.net.autobind("udp", this, dst);
    if (r < 0) return r;
    const mine = this.local!;
    const mineIp = asV4(mine.ip) ?? mine.ip;
    const src = isWildcard(mineIp) ? LoopNet.source(dst) : mineIp;
    const rx = this.net.find("udp", dst, dstAddr.port, (s) => {
      const peer = (s as LoopDgram).peer;
      return !peer || (peer.port === mine.port && sameIp(trafficIp(peer), src));
    }) as LoopDgram | undefined;
    if (!rx) {
      // The ICMP port unreachable of a loopback send comes back at once: a connected socket
      // is told at its next call.
      if (this.peer) { this.error = ECONNREFUSED; this.gen++; }
      return data.length;
    }
    rx.deliver(data.slice(), asFamily(rx.family, src, mine.port));
    return data.length;
  }

  private deliver(data: Uint8Array, from: InetAddr): void {
    if (this.rdShut || this.queued + data.length > DGRAM_RCVBUF) return;
    this.queue.push({ data, from });
    this.queued += data.length;
    this.gen++;
  }

  recv(max: number, flags: number): Received | number {
    const d = this.queue[0];
    if (!d) {
      if (this.error) return -this.takeError();
      return this.rdShut ? { data: new Uint8Array(0), size: 0 } : -EAGAIN;
    }
    if (!(flags & MSG_PEEK)) {
      this.queue.shift();
      this.queued -= d.data.length;
      this.gen++;
    }
    return { data: d.data.subarray(0, max), size: d.data.length, from: d.from };
  }

  available(): number {
    return this.queue[0]?.data.length ?? 0;
  }

  poll(): number {
    let ev = EPOLLOUT;
    if (this.queue.length > 0 || this.error || this.rdShut) ev |= EPOLLIN;
    if (this.error) ev |= EPOLLERR;
    return ev;
  }

  protected onShutdown(): void {}

  release(): void {
    this.net.unbind("udp", this);
    this.queue = [];
  }
}

/** A loopback-network socket for socket(2): stream (AF_UNIX, TCP) or datagram (UDP). */
export function loopSocket(net: LoopNet, family: number, type: number, protocol: number): Socket | number {
  if (type === SOCK_STREAM) return new LoopStream(net, family, protocol);
  if (type === SOCK_DGRAM && family !== AF_UNIX) return new LoopDgram(net, family, protocol);
  return -EOPNOTSUPP;
}
