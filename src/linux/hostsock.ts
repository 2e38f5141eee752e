// Guest TCP and UDP sockets backed by the host's network (--net host): each guest socket drives
// one host object of hostnet.ts. bind() of a TCP socket binds and listens on the host at once
// (Node binds only by listening; a socket that then connects instead gives that port up and
// connects from it), so bind's errors and the port it picked are known when bind returns.
// Operations the host finishes later (bind, listen, a blocking connect, UDP connect) return a
// Later that parks the calling thread.

import type { Process } from "./process.js";
import type { HostEndpoint, HostNet, HostTcpConn, HostTcpListener, HostUdp } from "./hostnet.js";
import {
  EAFNOSUPPORT, EAGAIN, EALREADY, EDESTADDRREQ, EINPROGRESS, EINVAL, EISCONN, EMSGSIZE, ENOTCONN, EOPNOTSUPP, EPIPE,
} from "./errno.js";
import { EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP } from "./abi.js";
import { AF_INET6, anyAddr, familyMismatch, inFamily, ipText, parseIp, type InetAddr, type SockAddr } from "./sockaddr.js";
import {
  IPPROTO_IPV6, IPPROTO_TCP, IPV6_V6ONLY, Later, MSG_PEEK, SHUT_RD, SO_BROADCAST, SO_KEEPALIVE, SO_LINGER,
  SO_REUSEADDR, SO_REUSEPORT, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, Socket, TCP_KEEPIDLE, TCP_NODELAY,
  type Received, type Res,
} from "./socket.js";

/** The largest UDP payload over IPv4 and over IPv6 (65535 less the headers). */
const UDP_MAX4 = 65507, UDP_MAX6 = 65527;

function endpoint(a: InetAddr): HostEndpoint {
  return { address: ipText(a.ip), port: a.port };
}

abstract class HostSocket extends Socket {
  constructor(readonly net: HostNet, family: number, type: number, protocol: number) {
    super(family, type, protocol);
  }
  protected inet(): 4 | 6 {
    return this.family === AF_INET6 ? 6 : 4;
  }
  protected v6only(): boolean {
    return this.option(IPPROTO_IPV6, IPV6_V6ONLY) !== 0;
  }
  /** A host endpoint as this socket's family shows it. */
  protected addrOf(e: HostEndpoint | undefined): InetAddr | undefined {
    if (!e) return undefined;
    const ip = parseIp(e.address);
    return ip ? inFamily(this.family, ip, e.port) : undefined;
  }
  protected wildcard(): InetAddr {
    return anyAddr(this.family === AF_INET6 ? AF_INET6 : 2);
  }
}

export class HostTcp extends HostSocket {
  private listener?: HostTcpListener;
  private listening = false;
  /** Where bind asked for (before the host's listener knows its port). */
  private bound?: InetAddr;
  private conn?: HostTcpConn;
  /** The connection's failure or error was reported (SO_ERROR, read or write). */
  private failReported = false;

  constructor(net: HostNet, family: number, protocol: number, conn?: HostTcpConn) {
    super(net, family, SOCK_STREAM, protocol);
    this.conn = conn;
  }

  protected override hostChanges(): number {
    return (this.listener?.changes ?? 0) + (this.conn?.changes ?? 0);
  }

  private dropListener(): void {
    const l = this.listener;
    if (!l) return;
    this.listener = undefined;
    this.forget(l.changes);
    l.close();
  }

  isListening(): boolean { return this.listening; }
  isConnected(): boolean { return this.conn?.status === 0; }
  localAddr(): SockAddr {
    return this.addrOf(this.conn?.local) ?? this.addrOf(this.listener?.local) ?? this.bound ?? this.wildcard();
  }
  peerAddr(): SockAddr | undefined {
    return this.conn?.status === 0 ? this.addrOf(this.conn.remote) : undefined;
  }

  private startListener(addr: InetAddr): Later {
    const l = this.net.tcpListen({
      family: this.inet(), v6only: this.v6only(), ...endpoint(addr), reusePort: this.option(SOL_SOCKET, SO_REUSEPORT) !== 0,
    });
    this.listener = l;
    return new Later(() => {
      if (l.status === undefined) return undefined;
      if (l.status < 0) {
        this.dropListener();
        return l.status;
      }
      return 0;
    }, false);
  }

  bind(_p: Process, addr: SockAddr): Res {
    const bad = familyMismatch(this.family, addr);
    if (bad < 0) return bad;
    if (this.listener || this.conn || this.bound) return -EINVAL;
    const a = addr as InetAddr;
    const r = this.startListener(a);
    return new Later(() => {
      const v = r.poll();
      if (v === 0) this.bound = a;
      return v;
    }, false);
  }

  listen(_backlog: number): Res {
    if (this.conn) return -EINVAL;
    if (this.listener) {
      this.listening = true;
      this.gen++;
      return 0;
    }
    // Linux gives an unbound socket an ephemeral port.
    const r = this.startListener(this.wildcard());
    return new Later(() => {
      const v = r.poll();
      if (v === 0) this.listening = true;
      return v;
    }, false);
  }

  connect(_p: Process, to: SockAddr | undefined, nonblock: boolean): Res {
    if (this.listening) return -EISCONN;
    if (!to) return this.conn ? -EOPNOTSUPP : 0;
    const bad = familyMismatch(this.family, to);
    if (bad < 0) return bad;
    if (this.conn) {
      if (this.conn.status === undefined) return -EALREADY;
      if (this.conn.status === 0) return -EISCONN;
      this.forget(this.conn.changes);
      this.conn.close(true);
      this.conn = undefined;
    }
    // Bound but not listening: connect from that address and port.
    const local = this.listener?.local;
    this.dropListener();
    const conn = this.net.tcpConnect({
      family: this.inet(), v6only: this.v6only(), ...endpoint(to as InetAddr), local,
      noDelay: this.option(IPPROTO_TCP, TCP_NODELAY) !== 0,
      keepAliveSec: this.option(SOL_SOCKET, SO_KEEPALIVE) !== 0 ? this.option(IPPROTO_TCP, TCP_KEEPIDLE, 7200) : 0,
    });
    this.conn = conn;
    this.failReported = false;
    if (nonblock) return -EINPROGRESS;
    return new Later(() => {
      if (conn.status === undefined) return undefined;
      if (conn.status < 0) this.failReported = true;
      return conn.status;
    });
  }

  accept(): Socket | number {
    if (!this.listening || !this.listener) return -EINVAL;
    const c = this.listener.accept();
    if (!c) return -EAGAIN;
    const s = new HostTcp(this.net, this.family, this.protocol, c);
    for (const [k, v] of this.options) s.options.set(k, v);
    return s;
  }

  /** The connection's failure or error, once. */
  private failure(): number {
    const c = this.conn;
    if (!c || this.failReported) return 0;
    const e = c.status !== undefined && c.status < 0 ? c.status : c.error;
    if (e < 0) this.failReported = true;
    return e;
  }

  override takeError(): number {
    const own = super.takeError();
    if (own) return own;
    return -this.failure();
  }

  send(data: Uint8Array, _flags: number, to?: SockAddr): Res {
    const c = this.conn;
    if (!c) return -EPIPE;
    if (c.status === undefined) return -EAGAIN;
    if (to) return -EISCONN;
    const f = this.failure();
    if (f < 0) return f;
    if (c.status < 0 || this.wrShut) return -EPIPE;
    if (data.length === 0) return 0;
    return c.write(data);
  }

  recv(max: number, flags: number): Received | number {
    const c = this.conn;
    if (!c) return -ENOTCONN;
    if (c.status === undefined) return -EAGAIN;
    const f = this.failure();
    if (f < 0) return f;
    if (c.status < 0 || this.rdShut) return { data: new Uint8Array(0), size: 0 };
    // What is buffered, at most: a read of nothing buffered needs one byte to say EAGAIN or EOF.
    const buf = new Uint8Array(Math.min(max, Math.max(c.buffered, 1)));
    const n = c.read(buf, (flags & MSG_PEEK) !== 0);
    if (n < 0) return n === -EAGAIN ? n : (this.failReported = true, n);
    return { data: buf.subarray(0, n), size: n };
  }

  available(): number {
    return this.conn?.buffered ?? 0;
  }

  poll(): number {
    if (this.listening) return this.listener && this.listener.queued > 0 ? EPOLLIN : 0;
    const c = this.conn;
    if (!c) return EPOLLOUT | EPOLLHUP;
    if (c.status === undefined) return 0;
    if (c.status < 0) return EPOLLOUT | EPOLLERR | EPOLLHUP;
    let ev = 0;
    const eof = c.ended || this.rdShut;
    if (c.readable() || eof) ev |= EPOLLIN;
    if (eof) ev |= EPOLLRDHUP;
    if (c.error < 0) ev |= EPOLLERR | EPOLLHUP | EPOLLIN | EPOLLOUT;
    else if (c.writable()) ev |= EPOLLOUT;
    if (eof && this.wrShut) ev |= EPOLLHUP;
    return ev;
  }

  override applyOption(level: number, name: number, value: number): number {
    const c = this.conn;
    if (!c || c.status !== 0) return 0;
    if (level === IPPROTO_TCP && name === TCP_NODELAY) c.setNoDelay(value !== 0);
    if ((level === SOL_SOCKET && name === SO_KEEPALIVE) || (level === IPPROTO_TCP && name === TCP_KEEPIDLE)) {
      c.setKeepAlive(this.option(SOL_SOCKET, SO_KEEPALIVE) !== 0, this.option(IPPROTO_TCP, TCP_KEEPIDLE, 7200));
    }
    return 0;
  }

  protected onShutdown(how: number): void {
    if (how !== SHUT_RD) this.conn?.shutdownWrite();
  }

  release(): void {
    this.listener?.close();
    // SO_LINGER on with a zero timeout: an RST instead of the orderly close.
    this.conn?.close(this.option(SOL_SOCKET, SO_LINGER, -1) === 0);
  }
}

export class HostUdpSocket extends HostSocket {
  private udp?: HostUdp;
  private bound = false;
  private connected = false;

  constructor(net: HostNet, family: number, protocol: number) {
    super(net, family, SOCK_DGRAM, protocol);
  }

  protected override hostChanges(): number {
    return this.udp?.changes ?? 0;
  }

  private host(): HostUdp {
    if (!this.udp) {
      this.udp = this.net.udpOpen({ family: this.inet(), v6only: this.v6only(), reuseAddr: this.option(SOL_SOCKET, SO_REUSEADDR) !== 0 });
      if (this.option(SOL_SOCKET, SO_BROADCAST)) this.udp.setBroadcast(true);
    }
    return this.udp;
  }

  isListening(): boolean { return false; }
  isConnected(): boolean { return this.connected; }
  localAddr(): SockAddr { return this.addrOf(this.udp?.local) ?? this.wildcard(); }
  peerAddr(): SockAddr | undefined { return this.connected ? this.addrOf(this.udp?.remote) : undefined; }

  /** Wait for the host's bind or connect; a failed bind leaves the socket as it was. */
  private settle(u: HostUdp, ok: () => void): Later {
    return new Later(() => {
      if (u.status === undefined) return undefined;
      if (u.status < 0 && !this.bound) {
        this.forget(u.changes);
        u.close();
        this.udp = undefined;
      }
      if (u.status === 0) ok();
      return u.status;
    }, false);
  }

  bind(_p: Process, addr: SockAddr): Res {
    const bad = familyMismatch(this.family, addr);
    if (bad < 0) return bad;
    if (this.bound) return -EINVAL;
    const u = this.host();
    u.bind(endpoint(addr as InetAddr));
    return this.settle(u, () => { this.bound = true; });
  }

  listen(): Res { return -EOPNOTSUPP; }
  accept(): number { return -EOPNOTSUPP; }

  connect(_p: Process, to: SockAddr | undefined): Res {
    if (!to) {
      if (this.connected) this.udp?.disconnect();
      this.connected = false;
      return 0;
    }
    const bad = familyMismatch(this.family, to);
    if (bad < 0) return bad;
    const u = this.host();
    if (this.connected) u.disconnect();
    this.connected = false;
    u.connect(endpoint(to as InetAddr));
    return this.settle(u, () => { this.bound = this.connected = true; });
  }

  send(data: Uint8Array, _flags: number, to?: SockAddr): Res {
    if (this.wrShut) return -EPIPE;
    if (to) {
      const bad = familyMismatch(this.family, to);
      if (bad < 0) return bad;
      // Node refuses a destination on a connected socket; Linux would send there.
      if (this.connected) return -EISCONN;
    } else if (!this.connected) return -EDESTADDRREQ;
    if (data.length > (this.family === AF_INET6 ? UDP_MAX6 : UDP_MAX4)) return -EMSGSIZE;
    const u = this.host();
    const e = u.takeError();
    if (e < 0) return e;
    const r = u.send(data, to ? endpoint(to as InetAddr) : undefined);
    if (r < 0) return r;
    this.bound = true;
    return data.length;
  }

  recv(max: number, flags: number): Received | number {
    const u = this.udp;
    const d = u?.recv((flags & MSG_PEEK) !== 0);
    if (!d) {
      const e = u ? u.takeError() : 0;
      if (e < 0) return e;
      return this.rdShut ? { data: new Uint8Array(0), size: 0 } : -EAGAIN;
    }
    return { data: d.data.subarray(0, max), size: d.data.length, from: this.addrOf(d.from) };
  }

  override takeError(): number {
    const own = super.takeError();
    if (own) return own;
    return this.udp ? -this.udp.takeError() : 0;
  }

  available(): number {
    return this.udp?.recv(true)?.data.length ?? 0;
  }

  poll(): number {
    const u = this.udp;
    let ev = EPOLLOUT;
    if (u && (u.recv(true) || u.pendingError < 0)) ev |= EPOLLIN;
    if (u && u.pendingError < 0) ev |= EPOLLERR;
    if (this.rdShut) ev |= EPOLLIN;
    return ev;
  }

  override applyOption(level: number, name: number, value: number): number {
    if (level === SOL_SOCKET && name === SO_BROADCAST) this.udp?.setBroadcast(value !== 0);
    return 0;
  }

  protected onShutdown(): void {}

  release(): void {
    this.udp?.close();
  }
}

/** A host-backed socket for socket(2) (AF_INET/AF_INET6 stream or datagram). */
export function hostSocket(net: HostNet, family: number, type: number, protocol: number): Socket | number {
  if (type === SOCK_STREAM) return new HostTcp(net, family, protocol);
  if (type === SOCK_DGRAM) return new HostUdpSocket(net, family, protocol);
  return -EAFNOSUPPORT;
}
