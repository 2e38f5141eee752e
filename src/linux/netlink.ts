// AF_NETLINK sockets of the NETLINK_ROUTE family, as far as programs ask them what the
// network looks like: RTM_GETLINK and RTM_GETADDR dumps (Go's net.Interfaces and
// InterfaceAddrs, glibc's getaddrinfo sorting IPv6 results). The interfaces are the run's:
// the host's under --net host (hostnet.ts), one loopback interface under --net loopback, and
// a loopback that is down under --net none. Other requests are answered with an error message,
// as a kernel without them would.

import type { Process } from "./process.js";
import { EADDRINUSE, EAGAIN, EINVAL, EOPNOTSUPP } from "./errno.js";
import { EPOLLIN, EPOLLOUT } from "./abi.js";
import { AF_INET, AF_INET6, AF_NETLINK, type NetlinkAddr, type SockAddr } from "./sockaddr.js";
import { MSG_PEEK, Socket, type Received, type Res } from "./socket.js";

/** One network interface as netlink describes it. */
export interface NetInterface {
  index: number;
  name: string;
  /** IFF_* flags as RTM_NEWLINK gives them (IFF_RUNNING and IFF_LOWER_UP included). */
  flags: number;
  mtu: number;
  /** ARPHRD_* (1 Ethernet, 772 loopback). */
  type: number;
  /** The hardware address (6 bytes for Ethernet and loopback). */
  mac: Uint8Array;
  /** The broadcast hardware address. */
  brd: Uint8Array;
  addrs: NetAddress[];
}

export interface NetAddress {
  /** 4 or 16 bytes. */
  ip: Uint8Array;
  prefix: number;
  /** RT_SCOPE_UNIVERSE 0, RT_SCOPE_LINK 253, RT_SCOPE_HOST 254. */
  scope: number;
  /** IFA_F_* (IFA_F_PERMANENT 0x80). */
  flags: number;
  /** IPv4 broadcast address, when the interface has one. */
  brd?: Uint8Array;
}

export const IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40, IFF_MULTICAST = 0x1000, IFF_LOWER_UP = 0x10000;
export const ARPHRD_LOOPBACK = 772;
export const RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254;
export const IFA_F_PERMANENT = 0x80;

/** The emulator's loopback interface: up with 127.0.0.1/8 and ::1/128 (--net loopback), or down
 *  and without addresses (--net none, as in a new network namespace). */
export function loopbackInterface(up: boolean): NetInterface {
  const six = new Uint8Array(16);
  six[15] = 1;
  return {
    index: 1, name: "lo", mtu: 65536, type: ARPHRD_LOOPBACK, mac: new Uint8Array(6), brd: new Uint8Array(6),
    flags: up ? IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP : IFF_LOOPBACK,
    addrs: up ? [
      { ip: Uint8Array.of(127, 0, 0, 1), prefix: 8, scope: RT_SCOPE_HOST, flags: IFA_F_PERMANENT },
      { ip: six, prefix: 128, scope: RT_SCOPE_HOST, flags: IFA_F_PERMANENT },
    ] : [],
  };
}

export const NETLINK_ROUTE = 0;
const NLMSG_ERROR = 2, NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_DUMP = 0x300;
const RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22;
const IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4;
const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_FLAGS = 8;
/** The most one datagram of a dump holds (NLMSG_GOODSIZE: a page less the skb overhead). */
const DUMP_DATAGRAM = 3776;

const align4 = (n: number): number => (n + 3) & ~3;

/** A message: nlmsghdr, then the body (already padded by the attribute builder). */
function message(type: number, flags: number, seq: number, pid: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(16 + body.length), dv = new DataView(m.buffer);
  dv.setUint32(0, m.length, true);
  dv.setUint16(4, type, true);
  dv.setUint16(6, flags, true);
  dv.setUint32(8, seq, true);
  dv.setUint32(12, pid, true);
  m.set(body, 16);
  return m;
}

/** A fixed header followed by rtattrs (type, bytes), each padded to 4 bytes. */
function withAttrs(head: Uint8Array, attrs: [number, Uint8Array][]): Uint8Array {
  const len = head.length + attrs.reduce((n, [, v]) => n + align4(4 + v.length), 0);
  const out = new Uint8Array(len), dv = new DataView(out.buffer);
  out.set(head, 0);
  let at = head.length;
  for (const [type, v] of attrs) {
    dv.setUint16(at, 4 + v.length, true);
    dv.setUint16(at + 2, type, true);
    out.set(v, at + 4);
    at += align4(4 + v.length);
  }
  return out;
}

const u32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};
const cstr = (s: string): Uint8Array => new TextEncoder().encode(s + "\0");

function linkBody(i: NetInterface): Uint8Array {
  const head = new Uint8Array(16), dv = new DataView(head.buffer);
  dv.setUint16(2, i.type, true);
  dv.setInt32(4, i.index, true);
  dv.setUint32(8, i.flags, true);
  return withAttrs(head, [[IFLA_IFNAME, cstr(i.name)], [IFLA_MTU, u32(i.mtu)], [IFLA_ADDRESS, i.mac], [IFLA_BROADCAST, i.brd]]);
}

function addrBody(i: NetInterface, a: NetAddress): Uint8Array {
  const head = new Uint8Array(8), dv = new DataView(head.buffer);
  head[0] = a.ip.length === 4 ? AF_INET : AF_INET6;
  head[1] = a.prefix;
  head[2] = a.flags & 0xff;
  head[3] = a.scope;
  dv.setUint32(4, i.index, true);
  const attrs: [number, Uint8Array][] = [[IFA_ADDRESS, a.ip]];
  if (a.ip.length === 4) {
    attrs.push([IFA_LOCAL, a.ip]);
    if (a.brd) attrs.push([IFA_BROADCAST, a.brd]);
    attrs.push([IFA_LABEL, cstr(i.name)]);
  }
  attrs.push([IFA_FLAGS, u32(a.flags)]);
  return withAttrs(head, attrs);
}

/** The netlink port ids of a run in use (kept by its LoopNet). */
export interface NetlinkPorts {
  used: Set<number>;
  next: number;
}

export class NetlinkSocket extends Socket {
  private portId = 0;
  private readonly queue: Uint8Array[] = [];
  constructor(family: number, type: number, protocol: number, private readonly ports: NetlinkPorts, private readonly interfaces: () => NetInterface[]) {
    super(family, type, protocol);
  }

  /** Linux's autobind: a process's first socket gets its pid, later ones negative ids. */
  private autobind(p: Process | undefined): void {
    if (this.portId !== 0) return;
    const used = this.ports.used;
    if (p && !used.has(p.pid)) this.portId = p.pid;
    else {
      while (used.has(this.ports.next)) this.ports.next--;
      this.portId = this.ports.next--;
    }
    used.add(this.portId);
  }

  bind(p: Process, addr: SockAddr): Res {
    if (addr.family !== AF_NETLINK) return -EINVAL;
    if (addr.pid !== 0) {
      if (this.portId !== 0 && this.portId !== addr.pid) return -EINVAL;
      if (this.portId === 0) {
        if (this.ports.used.has(addr.pid)) return -EADDRINUSE;
        this.portId = addr.pid;
        this.ports.used.add(addr.pid);
      }
      return 0;
    }
    this.autobind(p);
    return 0;
  }
  listen(): Res { return -EOPNOTSUPP; }
  connect(p: Process, to: SockAddr | undefined): Res {
    if (to && to.family !== AF_NETLINK) return -EINVAL;
    this.autobind(p);
    return 0;
  }
  accept(): number { return -EOPNOTSUPP; }
  isListening(): boolean { return false; }
  isConnected(): boolean { return true; }
  localAddr(): NetlinkAddr { return { family: AF_NETLINK, pid: this.portId, groups: 0 }; }
  peerAddr(): NetlinkAddr { return { family: AF_NETLINK, pid: 0, groups: 0 }; }

  /** Requests to the kernel: each message gets its answer queued. */
  send(data: Uint8Array, _flags: number, to?: SockAddr): Res {
    if (to && to.family !== AF_NETLINK) return -EINVAL;
    this.autobind(undefined);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let at = 0;
    while (at + 16 <= data.length) {
      const len = dv.getUint32(at, true), type = dv.getUint16(at + 4, true), flags = dv.getUint16(at + 6, true), seq = dv.getUint32(at + 8, true);
      if (len < 16 || at + len > data.length) break;
      if (flags & NLM_F_REQUEST) this.answer(type, flags, seq, data.subarray(at, at + len));
      at += align4(len);
    }
    this.gen++;
    return data.length;
  }

  private answer(type: number, flags: number, seq: number, req: Uint8Array): void {
    const family = req.length > 16 ? req[16]! : 0;
    const pid = this.portId >>> 0;
    const dump = (flags & NLM_F_DUMP) === NLM_F_DUMP;
    let parts: Uint8Array[] | undefined;
    if (type === RTM_GETLINK && dump) {
      parts = this.interfaces().map((i) => message(RTM_NEWLINK, NLM_F_MULTI, seq, pid, linkBody(i)));
    } else if (type === RTM_GETADDR && dump) {
      const ifs = this.interfaces();
      parts = [];
      // The kernel lists IPv4 addresses, then IPv6, each by interface.
      for (const want of [AF_INET, AF_INET6]) {
        if (family !== 0 && family !== want) continue;
        for (const i of ifs) for (const a of i.addrs) {
          if ((a.ip.length === 4 ? AF_INET : AF_INET6) === want) parts.push(message(RTM_NEWADDR, NLM_F_MULTI, seq, pid, addrBody(i, a)));
        }
      }
    }
    if (!parts) {
      // Not offered: an error message carrying the request's header, as for an unknown type.
      const body = new Uint8Array(20);
      new DataView(body.buffer).setInt32(0, -EOPNOTSUPP, true);
      body.set(req.subarray(0, 16), 4);
      this.queue.push(message(NLMSG_ERROR, 0, seq, pid, body));
      return;
    }
    // Dump messages go in datagrams of at most a page, then NLMSG_DONE in its own.
    let batch: Uint8Array[] = [], size = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      const d = new Uint8Array(size);
      let o = 0;
      for (const b of batch) { d.set(b, o); o += b.length; }
      this.queue.push(d);
      batch = [];
      size = 0;
    };
    for (const m of parts) {
      if (size + m.length > DUMP_DATAGRAM) flush();
      batch.push(m);
      size += m.length;
    }
    flush();
    this.queue.push(message(NLMSG_DONE, NLM_F_MULTI, seq, pid, u32(0)));
    if (flags & NLM_F_ACK && !dump) this.queue.push(message(NLMSG_ERROR, 0, seq, pid, new Uint8Array(20)));
  }

  recv(max: number, flags: number): Received | number {
    const d = this.queue[0];
    if (!d) return -EAGAIN;
    if (!(flags & MSG_PEEK)) {
      this.queue.shift();
      this.gen++;
    }
    return { data: d.subarray(0, max), size: d.length, from: { family: AF_NETLINK, pid: 0, groups: 0 } };
  }

  available(): number {
    return this.queue[0]?.length ?? 0;
  }
  poll(): number {
    return EPOLLOUT | (this.queue.length > 0 ? EPOLLIN : 0);
  }
  protected onShutdown(): void {}
  release(): void {
    if (this.portId !== 0) this.ports.used.delete(this.portId);
    this.queue.length = 0;
  }
}
