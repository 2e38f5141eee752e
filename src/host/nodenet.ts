// The host's network for guest sockets (--net host), over node:net and node:dgram: each object
// runs on Node's event loop, keeps what arrived (bytes, connections, datagrams, errors) for the
// guest to take synchronously, and calls the machine's wake-up after every change. Reading is
// paused while 256 KiB wait unread and a writer gets EAGAIN while 256 KiB wait unsent, so a
// guest that stops reading or a peer that stops reading holds back the other side as a kernel
// socket buffer would.

import * as net from "node:net";
import * as dgram from "node:dgram";
import { readFileSync, readdirSync } from "node:fs";
import { networkInterfaces } from "node:os";
import type {
  HostDatagram, HostEndpoint, HostNet, HostSocketOptions, HostTcpConn, HostTcpListener, HostUdp,
} from "../linux/hostnet.js";
import { EAGAIN, EINVAL, EISCONN, EPIPE, errnoOf } from "../linux/errno.js";
import {
  ARPHRD_LOOPBACK, IFA_F_PERMANENT, IFF_BROADCAST, IFF_LOOPBACK, IFF_LOWER_UP, IFF_RUNNING, IFF_UP, RT_SCOPE_HOST,
  RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, type NetAddress, type NetInterface,
} from "../linux/netlink.js";
import { isLoopback, parseIp } from "../linux/sockaddr.js";

/** Bytes buffered each way before the host stops reading or the guest must wait. */
const HIGH_WATER = 256 * 1024;
/** Bytes of datagrams queued before more are dropped (net.core.rmem_default). */
const UDP_QUEUE = 212992;
/** Connections a listener holds for the guest's accept before it resets more. */
const ACCEPT_QUEUE = 4096;

/** The Linux errno (negative) of a Node error; EIO when it has no errno code. */
function errnoOfError(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ERR_SOCKET_DGRAM_IS_CONNECTED") return -EISCONN;
  if (typeof code === "string" && code.startsWith("ERR_")) return -EINVAL;
  return -errnoOf(typeof code === "string" ? code : undefined);
}

interface Closable {
  /** Let go at once (the guest never closed it). */
  destroy(): void;
  /** The run has ended: what the guest sent before it closed still goes out (as the kernel
   *  flushes a closed socket), for at most this long; then destroy. Absent: destroy. */
  drain?(graceMs: number): void;
}

/** How long data a guest sent before it exited may take to leave when the run ends. */
const DRAIN_MS = 5000;

export class NodeNet implements HostNet {
  private readonly open = new Set<Closable>();
  constructor(readonly wake: () => void) {}

  track(h: Closable): void {
    this.open.add(h);
  }
  untrack(h: Closable): void {
    this.open.delete(h);
  }

  tcpListen(o: HostSocketOptions & HostEndpoint & { reusePort: boolean }): HostTcpListener {
    return new NodeListener(this, o);
  }
  tcpConnect(o: HostSocketOptions & HostEndpoint & { local?: HostEndpoint; noDelay: boolean; keepAliveSec: number }): HostTcpConn {
    const s = net.connect({
      host: o.address, port: o.port, family: o.family, allowHalfOpen: true, noDelay: o.noDelay,
      keepAlive: o.keepAliveSec > 0, keepAliveInitialDelay: o.keepAliveSec * 1000,
      ...(o.local ? { localAddress: o.local.address, localPort: o.local.port } : {}),
    });
    return new NodeConn(this, s, false);
  }
  udpOpen(o: HostSocketOptions & { reuseAddr: boolean }): HostUdp {
    return new NodeUdp(this, o);
  }
  interfaces(): NetInterface[] {
    return hostInterfaces();
  }
  closeAll(): void {
    for (const h of [...this.open]) {
      if (h.drain) h.drain(DRAIN_MS);
      else h.destroy();
    }
    this.open.clear();
  }
}

/** The address and port of a socket address Node reports. */
function ep(address: string | undefined, port: number | undefined): HostEndpoint | undefined {
  return address === undefined || port === undefined ? undefined : { address, port };
}

class NodeListener implements HostTcpListener, Closable {
  changes = 0;
  status: number | undefined = undefined;
  local?: HostEndpoint;
  private readonly queue: NodeConn[] = [];
  private readonly server: net.Server;
  constructor(private readonly n: NodeNet, o: HostSocketOptions & HostEndpoint) {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server = server;
    server.on("connection", (s: net.Socket) => {
      if (this.queue.length >= ACCEPT_QUEUE) {
        s.resetAndDestroy();
        return;
      }
      this.queue.push(new NodeConn(this.n, s, true));
      this.changed();
    });
    server.on("error", (e) => {
      if (this.status === undefined) this.status = errnoOfError(e);
      this.changed();
    });
    server.listen({ host: o.address, port: o.port, ipv6Only: o.family === 6 && o.v6only, backlog: 4096, exclusive: true }, () => {
      const a = server.address();
      if (a && typeof a === "object") this.local = { address: a.address, port: a.port };
      this.status = 0;
      this.changed();
    });
    n.track(this);
  }
  private changed(): void {
    this.changes++;
    this.n.wake();
  }
  get queued(): number {
    return this.queue.length;
  }
  accept(): HostTcpConn | undefined {
    const c = this.queue.shift();
    if (c) {
      this.changes++;
      c.start();
    }
    return c;
  }
  close(): void {
    this.destroy();
  }
  destroy(): void {
    this.n.untrack(this);
    this.server.close();
    for (const c of this.queue) c.destroy();
    this.queue.length = 0;
  }
}

class NodeConn implements HostTcpConn, Closable {
  changes = 0;
  status: number | undefined = undefined;
  local?: HostEndpoint;
  remote?: HostEndpoint;
  ended = false;
  error = 0;
  private readonly rx: Uint8Array[] = [];
  private rxSize = 0;
  private paused = false;
  private writeEnded = false;
  /** The guest has closed it: what still arrives is dropped. */
  private closed = false;
  constructor(private readonly n: NodeNet, private readonly s: net.Socket, accepted: boolean) {
    if (accepted) this.connected();
    s.on("connect", () => this.connected());
    s.on("data", (b: Buffer) => {
      if (this.closed) return;
      this.rx.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      this.rxSize += b.byteLength;
      if (this.rxSize >= HIGH_WATER && !this.paused) {
        this.paused = true;
        s.pause();
      }
      this.changed();
    });
    s.on("end", () => {
      this.ended = true;
      this.changed();
    });
    s.on("drain", () => this.changed());
    s.on("error", (e) => {
      const x = errnoOfError(e);
      if (this.status === undefined) this.status = x;
      else if (!this.ended || this.rxSize > 0 || !this.writeEnded) this.error = x;
      this.changed();
    });
    s.on("close", () => {
      this.n.untrack(this);
      this.changed();
    });
    n.track(this);
  }
  private connected(): void {
    this.status = 0;
    this.local = ep(this.s.localAddress, this.s.localPort);
    this.remote = ep(this.s.remoteAddress, this.s.remotePort);
    this.changed();
  }
  private changed(): void {
    this.changes++;
    this.n.wake();
  }
  /** An accepted connection starts reading when the guest takes it. */
  start(): void {
    this.s.resume();
  }
  read(buf: Uint8Array, peek = false): number {
    if (this.rxSize === 0) {
      if (this.error < 0) {
        const e = this.error;
        this.error = 0;
        this.ended = true;
        return e;
      }
      return this.ended ? 0 : -EAGAIN;
    }
    let n = 0, i = 0;
    while (n < buf.length && i < this.rx.length) {
      const c = this.rx[i]!;
      const k = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, k), n);
      n += k;
      if (peek) i++;
      else if (k === c.length) this.rx.shift();
      else this.rx[0] = c.subarray(k);
    }
    if (!peek) {
      this.rxSize -= n;
      if (this.paused && this.rxSize < HIGH_WATER / 2) {
        this.paused = false;
        this.s.resume();
      }
    }
    return n;
  }
  write(buf: Uint8Array): number {
    if (this.status === undefined) return -EAGAIN;
    if (this.status < 0) return this.status;
    if (this.error < 0) return this.error;
    if (this.writeEnded || this.s.destroyed || !this.s.writable) return -EPIPE;
    const room = HIGH_WATER - this.s.writableLength;
    if (room <= 0) return -EAGAIN;
    const k = Math.min(room, buf.length);
    this.s.write(buf.subarray(0, k));
    return k;
  }
  readable(): boolean {
    return this.rxSize > 0 || this.ended || this.error < 0;
  }
  get buffered(): number {
    return this.rxSize;
  }
  writable(): boolean {
    return this.status === 0 && this.s.writableLength < HIGH_WATER;
  }
  shutdownWrite(): void {
    if (this.writeEnded) return;
    this.writeEnded = true;
    this.s.end();
  }
  setNoDelay(on: boolean): void {
    this.s.setNoDelay(on);
  }
  setKeepAlive(on: boolean, idleSec: number): void {
    this.s.setKeepAlive(on, idleSec * 1000);
  }
  close(reset: boolean): void {
    this.closed = true;
    // Unread bytes make Linux answer the close with an RST, as SO_LINGER 0 does.
    if (reset || this.rxSize > 0 || this.status === undefined) {
      this.n.untrack(this);
      // libuv cannot reset a socket it is shutting down (the close would never finish).
      if (this.status === 0 && !this.writeEnded && !this.s.destroyed) this.s.resetAndDestroy();
      else this.s.destroy();
      return;
    }
    // Otherwise what is queued goes out, then FIN, and the socket is let go (a peer that never
    // reads keeps it until the run ends: closeAll).
    this.writeEnded = true;
    this.rx.length = 0;
    this.rxSize = 0;
    this.s.end(() => this.s.destroy());
    if (this.paused) this.s.resume();
  }
  drain(graceMs: number): void {
    if (!this.closed || this.s.destroyed) {
      this.destroy();
      return;
    }
    // Closed by the guest and still sending: it ends itself once sent; a peer that never reads
    // cannot keep the run from ending.
    setTimeout(() => this.s.destroy(), graceMs).unref();
  }
  destroy(): void {
    this.n.untrack(this);
    this.s.destroy();
  }
}

class NodeUdp implements HostUdp, Closable {
  changes = 0;
  /** 0 when idle (nothing in progress), undefined while binding or connecting. */
  status: number | undefined = 0;
  local?: HostEndpoint;
  remote?: HostEndpoint;
  pendingError = 0;
  private readonly s: dgram.Socket;
  private readonly queue: HostDatagram[] = [];
  private queued = 0;
  private bound = false;
  private connected = false;
  private broadcast = false;
  /** Sends Node has not finished (it looks the address up first, even an IP): a close waits
   *  for them, as the kernel has a datagram once sendto returns. */
  private inflight = 0;
  private closing = false;
  constructor(private readonly n: NodeNet, o: HostSocketOptions & { reuseAddr: boolean }) {
    const s = dgram.createSocket({ type: o.family === 6 ? "udp6" : "udp4", ipv6Only: o.family === 6 && o.v6only, reuseAddr: o.reuseAddr });
    this.s = s;
    s.on("message", (msg: Buffer, rinfo: dgram.RemoteInfo) => {
      if (this.queued + msg.byteLength > UDP_QUEUE) return;
      this.queue.push({ data: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), from: { address: rinfo.address, port: rinfo.port } });
      this.queued += msg.byteLength;
      this.changed();
    });
    s.on("listening", () => {
      this.bound = true;
      this.noteLocal();
      if (this.broadcast) s.setBroadcast(true);
    });
    s.on("error", (e) => {
      const x = errnoOfError(e);
      if (this.status === undefined) this.status = x;
      else this.pendingError = x;
      this.changed();
    });
    s.on("close", () => this.n.untrack(this));
    n.track(this);
  }
  private changed(): void {
    this.changes++;
    this.n.wake();
  }
  private noteLocal(): void {
    try {
      const a = this.s.address();
      this.local = { address: a.address, port: a.port };
    } catch {
      // not bound (yet)
    }
  }
  bind(local: HostEndpoint): void {
    this.status = undefined;
    try {
      this.s.bind({ address: local.address, port: local.port, exclusive: true }, () => {
        this.status = 0;
        this.changed();
      });
    } catch (e) {
      this.status = errnoOfError(e);
    }
  }
  connect(remote: HostEndpoint): void {
    this.status = undefined;
    try {
      this.s.connect(remote.port, remote.address, (err?: Error) => {
        if (err) this.status = errnoOfError(err);
        else {
          this.connected = true;
          this.status = 0;
          this.noteLocal();
          this.remote = remote;
          try {
            const r = this.s.remoteAddress();
            this.remote = { address: r.address, port: r.port };
          } catch {
            // keep what was asked for
          }
        }
        this.changed();
      });
    } catch (e) {
      this.status = errnoOfError(e);
    }
  }
  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.remote = undefined;
    try {
      this.s.disconnect();
    } catch {
      // already disconnected
    }
  }
  send(data: Uint8Array, to?: HostEndpoint): number {
    const done = (err: Error | null): void => {
      if (--this.inflight === 0 && this.closing) this.finishClose();
      if (err) {
        this.pendingError = errnoOfError(err);
        this.changed();
      } else if (!this.local) {
        this.noteLocal();
      }
    };
    try {
      if (to) this.s.send(data, to.port, to.address, done);
      else this.s.send(data, done);
    } catch (e) {
      return errnoOfError(e);
    }
    this.inflight++;
    return 0;
  }
  recv(peek = false): HostDatagram | undefined {
    const d = this.queue[0];
    if (d && !peek) {
      this.queue.shift();
      this.queued -= d.data.byteLength;
    }
    return d;
  }
  takeError(): number {
    const e = this.pendingError;
    this.pendingError = 0;
    return e;
  }
  setBroadcast(on: boolean): void {
    this.broadcast = on;
    if (this.bound) {
      try {
        this.s.setBroadcast(on);
      } catch {
        // not bound yet: applied on listening
      }
    }
  }
  close(): void {
    this.destroy();
  }
  destroy(): void {
    this.n.untrack(this);
    this.closing = true;
    if (this.inflight === 0) this.finishClose();
  }
  private finishClose(): void {
    try {
      this.s.close();
    } catch {
      // already closed
    }
  }
}

/** "aa:bb:cc:dd:ee:ff" as bytes (6 zero bytes when absent). */
function macBytes(s: string | undefined): Uint8Array {
  const parts = (s ?? "").split(":");
  if (parts.length < 2 || !parts.every((p) => /^[0-9a-f]{2}$/i.test(p))) return new Uint8Array(6);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/**
 * The host's interfaces as netlink would list them: links from /sys/class/net (index, MTU,
 * type, addresses, flags with IFF_RUNNING and IFF_LOWER_UP from the operational state and
 * carrier, as the kernel's dev_get_flags adds them), addresses from os.networkInterfaces(). A
 * host without /sys (not Linux) gets what Node knows, numbered in its order.
 */
function hostInterfaces(): NetInterface[] {
  const sys = "/sys/class/net";
  const byName = networkInterfaces();
  let names: string[];
  try {
    names = readdirSync(sys);
  } catch {
    names = Object.keys(byName);
  }
  const out = names.map((name, i): NetInterface => {
    const read = (f: string): string | undefined => {
      try {
        return readFileSync(`${sys}/${name}/${f}`, "utf8").trim();
      } catch {
        return undefined;
      }
    };
    const node = byName[name] ?? [];
    const internal = node.some((a) => a.internal);
    const type = Number(read("type") ?? (internal ? ARPHRD_LOOPBACK : 1));
    let flags = read("flags") !== undefined ? parseInt(read("flags")!, 16) : internal ? IFF_UP | IFF_LOOPBACK : IFF_UP | IFF_BROADCAST;
    flags &= ~(IFF_RUNNING | IFF_LOWER_UP);
    if (flags & IFF_UP) {
      const oper = read("operstate") ?? "up";
      if (oper === "up" || oper === "unknown") flags |= IFF_RUNNING;
      if ((read("carrier") ?? "1") === "1") flags |= IFF_LOWER_UP;
    }
    const mac = macBytes(read("address") ?? node[0]?.mac);
    const addrs: NetAddress[] = [];
    for (const a of node) {
      const ip = parseIp(a.address);
      if (!ip) continue;
      const prefix = Number(a.cidr?.split("/")[1] ?? (ip.length === 4 ? 32 : 128));
      const linkLocal = ip.length === 16 && ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80;
      const scope = isLoopback(ip) ? RT_SCOPE_HOST : linkLocal ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
      const addr: NetAddress = { ip, prefix, scope, flags: IFA_F_PERMANENT };
      if (ip.length === 4 && flags & IFF_BROADCAST && prefix < 31) {
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const v = ((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) >>> 0;
        const b = (v | ~mask) >>> 0;
        addr.brd = Uint8Array.of(b >>> 24, (b >>> 16) & 0xff, (b >>> 8) & 0xff, b & 0xff);
      }
      addrs.push(addr);
    }
    return {
      index: Number(read("ifindex") ?? i + 1), name, flags, type, mtu: Number(read("mtu") ?? (internal ? 65536 : 1500)), mac,
      brd: macBytes(read("broadcast") ?? (internal ? undefined : "ff:ff:ff:ff:ff:ff")), addrs,
    };
  });
  return out.sort((a, b) => a.index - b.index);
}
