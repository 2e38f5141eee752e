// The socket system calls: socket, socketpair, bind, listen, connect, accept4, the send and
// receive family (sendto/recvfrom, sendmsg/recvmsg, sendmmsg/recvmmsg), shutdown, names and
// options. Which network a socket lives on is the run's policy (--net): AF_UNIX always in the
// emulator (loopnet.ts), TCP and UDP on the host's network (hostsock.ts) under "host", else on
// the emulator's loopback. Calls that must wait park the thread.

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, type Args, type SyscallRow } from "../sysapi.js";
import type { Process, Thread } from "../process.js";
import {
  EAFNOSUPPORT, EAGAIN, EBADF, EDOM, EFAULT, EINTR, EINVAL, EMSGSIZE, ENOPROTOOPT, ENOTCONN, ENOTSOCK,
  EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
} from "../errno.js";
import { O_CLOEXEC, O_NONBLOCK } from "../abi.js";
import { GuestFault } from "../../mem/api.js";
import { AF_INET, AF_INET6, AF_NETLINK, AF_UNIX, AF_UNSPEC, readSockAddr, writeSockAddr, type SockAddr } from "../sockaddr.js";
import { NETLINK_ROUTE, NetlinkSocket, loopbackInterface } from "../netlink.js";
import {
  IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP, Later, MSG_DONTWAIT, MSG_TRUNC, SO_ACCEPTCONN,
  SO_DOMAIN, SO_ERROR, SO_LINGER, SO_PROTOCOL, SO_RCVBUF, SO_RCVTIMEO, SO_SNDBUF, SO_SNDTIMEO, SO_TYPE,
  SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, SOCK_TYPE_MASK, SOL_SOCKET, Socket, type Res,
} from "../socket.js";
import { loopSocket, unixPair } from "../loopnet.js";
import { hostSocket } from "../hostsock.js";

/** Largest byte count one call moves (as MAX_RW_COUNT in Linux). */
const MAX_IO = 0x7ffff000;
const SOCK_RAW = 3;
const IOV_MAX = 1024, UIO_MAXIOV = 1024;

function sock(t: Thread, fd: number): Socket | number {
  const f = t.proc.getFile(fd);
  if (!f) return -EBADF;
  return f instanceof Socket ? f : -ENOTSOCK;
}

/** op(), a bad user pointer met on the way being EFAULT: a parked call finishes outside the
 *  syscall dispatcher, which catches that for the first try. */
function faultSafe(op: () => number): () => number {
  return () => {
    try {
      return op();
    } catch (e) {
      if (e instanceof GuestFault) return -EFAULT;
      throw e;
    }
  };
}

/** A Res as a syscall result: a Later parks the thread until its value is known. */
function settle(t: Thread, r: Res): number {
  if (typeof r === "number") return r;
  const now = r.poll();
  if (now !== undefined) return now;
  t.proc.park(t, { deadline: Infinity, interruptible: r.interruptible, poll: r.poll, onTimeout: () => -EINTR });
  return BLOCK;
}

/** A socket timeout option (SO_RCVTIMEO/SO_SNDTIMEO, kept in microseconds) as a deadline. */
function deadlineOf(t: Thread, s: Socket, name: number): number {
  const us = s.option(SOL_SOCKET, name);
  return us > 0 ? t.proc.clock.monotonicNs() + us * 1000 : Infinity;
}

/** Run op; when it says EAGAIN on a blocking call, park until it says something else (or the
 *  socket's timeout passes: EAGAIN). */
function blocking(t: Thread, s: Socket, nonblock: boolean, timeoutOpt: number, unsafeOp: () => number): number {
  const op = faultSafe(unsafeOp);
  const r = op();
  if (r !== -EAGAIN || nonblock || (s.flags & O_NONBLOCK)) return r;
  t.proc.park(t, {
    deadline: deadlineOf(t, s, timeoutOpt),
    interruptible: true,
    onTimeout: () => -EAGAIN,
    poll: () => {
      const x = op();
      return x === -EAGAIN ? undefined : x;
    },
  });
  return BLOCK;
}

function newSocket(p: Process, domain: number, type: number, protocol: number): Socket | number {
  const k = p.kernel;
  if (domain === AF_UNIX) {
    if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
    if (type === SOCK_STREAM) return loopSocket(k.loopNet, domain, type, protocol);
    if (type === SOCK_DGRAM || type === SOCK_SEQPACKET) {
      p.warnOnce(`unix${type}`, `rt0: warning: AF_UNIX ${type === SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_SEQPACKET"} sockets are not implemented (EOPNOTSUPP)`);
      return -EOPNOTSUPP;
    }
    return -ESOCKTNOSUPPORT;
  }
  if (domain === AF_NETLINK) {
    if (type !== SOCK_RAW && type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
    if (protocol !== NETLINK_ROUTE) {
      p.warnOnce(`netlink${protocol}`, `rt0: warning: netlink protocol ${protocol} is not implemented (EPROTONOSUPPORT; NETLINK_ROUTE is)`);
      return -EPROTONOSUPPORT;
    }
    const policy = k.opts.net, hostNet = p.host.net;
    const interfaces = policy === "host" && hostNet ? () => hostNet.interfaces() : () => [loopbackInterface(policy !== "none")];
    return new NetlinkSocket(domain, type, protocol, k.loopNet.netlinkPorts, interfaces);
  }
  if (domain !== AF_INET && domain !== AF_INET6) {
    p.warnOnce(`af${domain}`, `rt0: warning: socket family ${domain} is not implemented (EAFNOSUPPORT)`);
    return -EAFNOSUPPORT;
  }
  if (type === SOCK_STREAM) {
    if (protocol !== 0 && protocol !== IPPROTO_TCP) return -EPROTONOSUPPORT;
  } else if (type === SOCK_DGRAM) {
    if (protocol !== 0 && protocol !== IPPROTO_UDP) {
      if (protocol === 1 || protocol === 58) p.warnOnce("icmp", "rt0: warning: ICMP (ping) sockets are not implemented (EPROTONOSUPPORT)");
      return -EPROTONOSUPPORT;
    }
  } else {
    if (type === 3) p.warnOnce("raw", "rt0: warning: raw sockets are not implemented (ESOCKTNOSUPPORT)");
    return -ESOCKTNOSUPPORT;
  }
  const hostNet = p.host.net;
  if (k.opts.net === "host" && hostNet) return hostSocket(hostNet, domain, type, protocol);
  return loopSocket(k.loopNet, domain, type, protocol);
}

function sysSocket(t: Thread, a: Args): number {
  const domain = a.i32(0), typeArg = a.i32(1), protocol = a.i32(2);
  if (typeArg & ~(SOCK_TYPE_MASK | O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
  const s = newSocket(t.proc, domain, typeArg & SOCK_TYPE_MASK, protocol);
  if (typeof s === "number") return s;
  s.flags = 2 | (typeArg & O_NONBLOCK);
  const fd = t.proc.allocFd(s, (typeArg & O_CLOEXEC) !== 0);
  if (fd < 0) s.release();
  return fd;
}

function sysSocketpair(t: Thread, a: Args): number {
  const p = t.proc, domain = a.i32(0), typeArg = a.i32(1), protocol = a.i32(2), sv = a.u(3);
  if (typeArg & ~(SOCK_TYPE_MASK | O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
  if (domain !== AF_UNIX) return domain === AF_INET || domain === AF_INET6 ? -EOPNOTSUPP : -EAFNOSUPPORT;
  if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
  if ((typeArg & SOCK_TYPE_MASK) !== SOCK_STREAM) {
    p.warnOnce("unixpair", "rt0: warning: socketpair of AF_UNIX datagram or seqpacket sockets is not implemented (EOPNOTSUPP)");
    return -EOPNOTSUPP;
  }
  const [x, y] = unixPair(p.kernel.loopNet);
  x.flags = y.flags = 2 | (typeArg & O_NONBLOCK);
  const cloexec = (typeArg & O_CLOEXEC) !== 0;
  const fx = p.allocFd(x, cloexec);
  if (fx < 0) {
    x.release();
    y.release();
    return fx;
  }
  const fy = p.allocFd(y, cloexec);
  if (fy < 0) {
    p.closeFd(fx);
    y.release();
    return fy;
  }
  try {
    p.mem.writeU32(sv, fx);
    p.mem.writeU32(sv + 4, fy);
  } catch {
    p.closeFd(fx);
    p.closeFd(fy);
    return -EFAULT;
  }
  return 0;
}

/** The address argument of bind/connect/sendto. */
function addrArg(p: Process, at: number, len: number): SockAddr | typeof AF_UNSPEC | number {
  if ((len | 0) < 0) return -EINVAL;
  return readSockAddr(p.mem, at, len);
}

function sysBind(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const addr = addrArg(t.proc, a.u(1), a.u32(2));
  if (typeof addr === "number" && addr < 0) return addr;
  if (addr === AF_UNSPEC) return s.family === AF_INET ? -EAFNOSUPPORT : -EINVAL;
  return settle(t, s.bind(t.proc, addr as SockAddr));
}

function sysListen(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (s.type !== SOCK_STREAM) return -EOPNOTSUPP;
  return settle(t, s.listen(a.i32(1)));
}

function sysConnect(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const addr = addrArg(p, a.u(1), a.u32(2));
  if (typeof addr === "number" && addr < 0) return addr;
  const to = addr === AF_UNSPEC ? undefined : (addr as SockAddr);
  return settle(t, s.connect(p, to, (s.flags & O_NONBLOCK) !== 0));
}

function sysAccept4(t: Thread, a: Args, flags: number): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return -EINVAL;
  if (s.type !== SOCK_STREAM) return -EOPNOTSUPP;
  if (!s.isListening()) return -EINVAL;
  const addrAt = a.u(1), lenAt = a.u(2);
  return blocking(t, s, false, SO_RCVTIMEO, () => {
    const c = s.accept();
    if (typeof c === "number") return c;
    c.flags = 2 | (flags & O_NONBLOCK);
    const peer = c.peerAddr();
    if (peer) {
      try {
        const w = writeSockAddr(p.mem, peer, addrAt, lenAt);
        if (w < 0) { c.release(); return w; }
      } catch {
        c.release();
        return -EFAULT;
      }
    }
    const fd = p.allocFd(c, (flags & O_CLOEXEC) !== 0);
    if (fd < 0) c.release();
    return fd;
  });
}

function sysGetsockname(peer: boolean) {
  return (t: Thread, a: Args): number => {
    const s = sock(t, a.i32(0));
    if (typeof s === "number") return s;
    const addr = peer ? s.peerAddr() : s.localAddr();
    if (!addr) return -ENOTCONN;
    return writeSockAddr(t.proc.mem, addr, a.u(1), a.u(2));
  };
}

function sysShutdown(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const how = a.i32(1);
  if (how < 0 || how > 2) return -EINVAL;
  if (!s.isConnected()) return -ENOTCONN;
  return s.shutdown(how);
}

// ---- options

/** Which sockets take an option: every one, IP ones, IPv6 ones, TCP or UDP ones. */
type Scope = "all" | "inet" | "inet6" | "tcp" | "udp";

interface OptionRow {
  scope: Scope;
  /** The value a socket starts with (read back by getsockopt). */
  dflt: number | ((s: Socket) => number);
  /** Read-only (getsockopt only). */
  get?: boolean;
}

const SOCK_BUF_DEFAULT = (s: Socket): number => (s.type === SOCK_STREAM && s.family !== AF_UNIX ? 16384 : 212992);
const RCV_BUF_DEFAULT = (s: Socket): number => (s.type === SOCK_STREAM && s.family !== AF_UNIX ? 131072 : 212992);

/** The integer options rt0 knows, by "level:name", with Linux's defaults. */
const OPTIONS = new Map<string, OptionRow>([
  // SOL_SOCKET
  ["1:1", { scope: "all", dflt: 0 }], // SO_DEBUG
  ["1:2", { scope: "all", dflt: 0 }], // SO_REUSEADDR
  ["1:3", { scope: "all", dflt: (s) => s.type, get: true }], // SO_TYPE
  ["1:5", { scope: "all", dflt: 0 }], // SO_DONTROUTE
  ["1:6", { scope: "all", dflt: 0 }], // SO_BROADCAST
  ["1:7", { scope: "all", dflt: SOCK_BUF_DEFAULT }], // SO_SNDBUF
  ["1:8", { scope: "all", dflt: RCV_BUF_DEFAULT }], // SO_RCVBUF
  ["1:9", { scope: "all", dflt: 0 }], // SO_KEEPALIVE
  ["1:10", { scope: "all", dflt: 0 }], // SO_OOBINLINE
  ["1:12", { scope: "all", dflt: 0 }], // SO_PRIORITY
  ["1:15", { scope: "all", dflt: 0 }], // SO_REUSEPORT
  ["1:16", { scope: "all", dflt: 0 }], // SO_PASSCRED
  ["1:18", { scope: "all", dflt: 1 }], // SO_RCVLOWAT
  ["1:19", { scope: "all", dflt: 1, get: true }], // SO_SNDLOWAT
  ["1:29", { scope: "all", dflt: 0 }], // SO_TIMESTAMP
  ["1:30", { scope: "all", dflt: (s) => (s.isListening() ? 1 : 0), get: true }], // SO_ACCEPTCONN
  ["1:38", { scope: "all", dflt: (s) => (s.protocol || (s.family === AF_UNIX ? 0 : s.type === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)), get: true }], // SO_PROTOCOL
  ["1:39", { scope: "all", dflt: (s) => s.family, get: true }], // SO_DOMAIN
  ["1:46", { scope: "all", dflt: 0 }], // SO_BUSY_POLL
  ["1:49", { scope: "all", dflt: -1 }], // SO_INCOMING_CPU
  // IPPROTO_TCP
  ["6:1", { scope: "tcp", dflt: 0 }], // TCP_NODELAY
  ["6:2", { scope: "tcp", dflt: 536 }], // TCP_MAXSEG
  ["6:3", { scope: "tcp", dflt: 0 }], // TCP_CORK
  ["6:4", { scope: "tcp", dflt: 7200 }], // TCP_KEEPIDLE
  ["6:5", { scope: "tcp", dflt: 75 }], // TCP_KEEPINTVL
  ["6:6", { scope: "tcp", dflt: 9 }], // TCP_KEEPCNT
  ["6:7", { scope: "tcp", dflt: 6 }], // TCP_SYNCNT
  ["6:8", { scope: "tcp", dflt: 60 }], // TCP_LINGER2
  ["6:9", { scope: "tcp", dflt: 0 }], // TCP_DEFER_ACCEPT
  ["6:10", { scope: "tcp", dflt: 0 }], // TCP_WINDOW_CLAMP
  ["6:12", { scope: "tcp", dflt: 1 }], // TCP_QUICKACK
  ["6:18", { scope: "tcp", dflt: 0 }], // TCP_USER_TIMEOUT
  ["6:23", { scope: "tcp", dflt: 0 }], // TCP_FASTOPEN
  ["6:25", { scope: "tcp", dflt: 0 }], // TCP_NOTSENT_LOWAT
  // IPPROTO_IP
  ["0:1", { scope: "inet", dflt: 0 }], // IP_TOS
  ["0:2", { scope: "inet", dflt: 64 }], // IP_TTL
  ["0:8", { scope: "inet", dflt: 0 }], // IP_PKTINFO
  ["0:10", { scope: "inet", dflt: 1 }], // IP_MTU_DISCOVER
  ["0:11", { scope: "inet", dflt: 0 }], // IP_RECVERR
  ["0:13", { scope: "inet", dflt: 0 }], // IP_RECVTOS
  ["0:15", { scope: "inet", dflt: 0 }], // IP_FREEBIND
  ["0:24", { scope: "inet", dflt: 0 }], // IP_BIND_ADDRESS_NO_PORT
  ["0:33", { scope: "inet", dflt: 1 }], // IP_MULTICAST_TTL
  ["0:34", { scope: "inet", dflt: 1 }], // IP_MULTICAST_LOOP
  // IPPROTO_IPV6
  ["41:16", { scope: "inet6", dflt: 64 }], // IPV6_UNICAST_HOPS
  ["41:18", { scope: "inet6", dflt: 1 }], // IPV6_MULTICAST_HOPS
  ["41:19", { scope: "inet6", dflt: 1 }], // IPV6_MULTICAST_LOOP
  ["41:23", { scope: "inet6", dflt: 0 }], // IPV6_MTU_DISCOVER
  ["41:25", { scope: "inet6", dflt: 0 }], // IPV6_RECVERR
  ["41:26", { scope: "inet6", dflt: 0 }], // IPV6_V6ONLY
  ["41:49", { scope: "inet6", dflt: 0 }], // IPV6_RECVPKTINFO
  ["41:67", { scope: "inet6", dflt: 0 }], // IPV6_TCLASS
]);

const LEVEL_NAMES: Record<number, string> = { [SOL_SOCKET]: "SOL_SOCKET", [IPPROTO_IP]: "IPPROTO_IP", [IPPROTO_TCP]: "IPPROTO_TCP", [IPPROTO_UDP]: "IPPROTO_UDP", [IPPROTO_IPV6]: "IPPROTO_IPV6" };

function inScope(s: Socket, scope: Scope): boolean {
  switch (scope) {
    case "all": return true;
    case "inet": return s.family === AF_INET || s.family === AF_INET6;
    case "inet6": return s.family === AF_INET6;
    case "tcp": return s.family !== AF_UNIX && s.type === SOCK_STREAM;
    case "udp": return s.family !== AF_UNIX && s.type === SOCK_DGRAM;
  }
}

/** The errno for an option a socket does not have: AF_UNIX sockets know only SOL_SOCKET. */
function noOption(p: Process, s: Socket, level: number, name: number, known: boolean): number {
  if (!known) {
    p.warnOnce(`sockopt${level}:${name}`, `rt0: warning: socket option ${LEVEL_NAMES[level] ?? level}/${name} is not implemented (ENOPROTOOPT)`);
  }
  return s.family === AF_UNIX && level !== SOL_SOCKET ? -EOPNOTSUPP : -ENOPROTOOPT;
}

function sysSetsockopt(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const level = a.i32(1), name = a.i32(2), val = a.u(3), len = a.i32(4);
  if (len < 0) return -EINVAL;
  const key = `${level}:${name}`;
  if (level === SOL_SOCKET && name === SO_LINGER) {
    if (len < 8) return -EINVAL;
    const on = p.mem.readU32(val), secs = p.mem.readU32(val + 4) | 0;
    s.options.set(key, on ? Math.max(0, secs) : -1);
    return 0;
  }
  if (level === SOL_SOCKET && (name === SO_RCVTIMEO || name === SO_SNDTIMEO)) {
    if (len < 16) return -EINVAL;
    const sec = Number(p.mem.readU64Big(val)), usec = Number(p.mem.readU64Big(val + 8));
    if (usec < 0 || usec >= 1e6) return -EDOM;
    s.options.set(key, sec < 0 ? 0 : sec * 1e6 + usec);
    return 0;
  }
  const row = OPTIONS.get(key);
  if (!row || row.get || !inScope(s, row.scope)) return noOption(p, s, level, name, row !== undefined);
  if (len < 4) return -EINVAL;
  let v = p.mem.readU32(val) | 0;
  if (level === SOL_SOCKET && (name === SO_SNDBUF || name === SO_RCVBUF)) {
    // Linux doubles the value (bookkeeping overhead), within net.core.[wr]mem_max.
    v = Math.max(name === SO_SNDBUF ? 4608 : 2304, Math.min(Math.max(v, 0), 212992) * 2);
  }
  if (level === IPPROTO_IPV6 && name === 26 && s.localAddr().family === AF_INET6 && (s.localAddr() as { port: number }).port !== 0) return -EINVAL;
  s.options.set(key, v);
  return s.applyOption(level, name, v);
}

function sysGetsockopt(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const level = a.i32(1), name = a.i32(2), val = a.u(3), lenAt = a.u(4);
  const len = p.mem.readU32(lenAt) | 0;
  if (len < 0) return -EINVAL;
  const key = `${level}:${name}`;
  let out: Uint8Array;
  if (level === SOL_SOCKET && name === SO_ERROR) {
    out = u32s(s.takeError());
  } else if (level === SOL_SOCKET && name === SO_LINGER) {
    const v = s.option(level, name, -1);
    out = u32s(v >= 0 ? 1 : 0, Math.max(v, 0));
  } else if (level === SOL_SOCKET && (name === SO_RCVTIMEO || name === SO_SNDTIMEO)) {
    const us = s.option(level, name);
    const b = new Uint8Array(16), dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(Math.floor(us / 1e6)), true);
    dv.setBigUint64(8, BigInt(us % 1e6), true);
    out = b;
  } else {
    const row = OPTIONS.get(key);
    if (!row || !inScope(s, row.scope)) return noOption(p, s, level, name, row !== undefined);
    const dflt = typeof row.dflt === "number" ? row.dflt : row.dflt(s);
    out = u32s(row.get ? dflt : s.option(level, name, dflt));
    if (name === SO_TYPE || name === SO_DOMAIN || name === SO_PROTOCOL || name === SO_ACCEPTCONN) out = u32s(dflt);
  }
  const n = Math.min(len, out.length);
  p.mem.write(val, out.subarray(0, n));
  p.mem.writeU32(lenAt, n);
  return 0;
}

function u32s(...v: number[]): Uint8Array {
  const b = new Uint8Array(4 * v.length), dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setInt32(4 * i, x, true));
  return b;
}

// ---- send and receive

/** sendto: one buffer, an optional address. */
function sysSendto(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const len = Math.min(a.u(2), MAX_IO), flags = a.i32(3);
  let to: SockAddr | undefined;
  if (a.u(4)) {
    const addr = addrArg(p, a.u(4), a.u32(5));
    if (typeof addr === "number" && addr < 0) return addr;
    // A stream socket ignores the address (a connected one; else it is not connected).
    if (addr !== AF_UNSPEC && s.type !== SOCK_STREAM) to = addr as SockAddr;
  }
  const data = p.mem.read(a.u(1), len);
  return sendData(t, s, data, flags, to);
}

function sendData(t: Thread, s: Socket, data: Uint8Array, flags: number, to: SockAddr | undefined): number {
  let waiting: Later | undefined;
  return blocking(t, s, (flags & MSG_DONTWAIT) !== 0, SO_SNDTIMEO, () => {
    if (waiting) {
      const v = waiting.poll();
      if (v === undefined) return -EAGAIN;
      waiting = undefined;
      if (v < 0) return v;
    }
    const r = s.send(data, flags, to);
    if (typeof r === "number") return r;
    waiting = r;
    return -EAGAIN;
  });
}

/** recvfrom: one buffer, the sender's address. */
function sysRecvfrom(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const buf = a.u(1), len = Math.min(a.u(2), MAX_IO), flags = a.i32(3), addrAt = a.u(4), lenAt = a.u(5);
  return blocking(t, s, (flags & MSG_DONTWAIT) !== 0, SO_RCVTIMEO, () => {
    const r = s.recv(len, flags);
    if (typeof r === "number") return r;
    p.mem.write(buf, r.data);
    if (r.from && s.type !== SOCK_STREAM) writeSockAddr(p.mem, r.from, addrAt, lenAt);
    else if (addrAt && lenAt && s.type !== SOCK_STREAM) p.mem.writeU32(lenAt, 0);
    return flags & MSG_TRUNC && s.type !== SOCK_STREAM ? r.size : r.data.length;
  });
}

/** struct msghdr: name, namelen, iov, iovlen, control, controllen, flags. */
interface MsgHdr {
  name: number;
  namelen: number;
  iov: [number, number][];
  control: number;
  controllen: number;
}

function readMsgHdr(p: Process, at: number): MsgHdr | number {
  const name = p.mem.readU64(at), namelen = p.mem.readU32(at + 8), iovAt = p.mem.readU64(at + 16);
  const iovlen = p.mem.readU64(at + 24), control = p.mem.readU64(at + 32), controllen = p.mem.readU64(at + 40);
  if (iovlen > UIO_MAXIOV) return -EMSGSIZE;
  const iov: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < iovlen; i++) {
    const base = p.mem.readU64(iovAt + 16 * i), len = p.mem.readU64(iovAt + 16 * i + 8);
    if (len > MAX_IO) return -EINVAL;
    total += len;
    if (total > MAX_IO) return -EINVAL;
    iov.push([base, len]);
  }
  return { name, namelen, iov, control, controllen };
}

function gather(p: Process, iov: [number, number][]): Uint8Array {
  const parts = iov.map(([base, len]) => (len ? p.mem.read(base, len) : new Uint8Array(0)));
  const total = parts.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of parts) { out.set(b, off); off += b.length; }
  return out;
}

function scatter(p: Process, iov: [number, number][], data: Uint8Array): void {
  let off = 0;
  for (const [base, len] of iov) {
    if (off >= data.length) break;
    const k = Math.min(len, data.length - off);
    p.mem.write(base, data.subarray(off, off + k));
    off += k;
  }
}

function warnControl(p: Process, what: string): void {
  p.warnOnce(`cmsg${what}`, `rt0: warning: ${what} with control messages (SCM_RIGHTS, ancillary data) is not implemented; the control data is ignored`);
}

/** One sendmsg. */
function sendOne(t: Thread, s: Socket, at: number, flags: number): number {
  const p = t.proc;
  const h = readMsgHdr(p, at);
  if (typeof h === "number") return h;
  let to: SockAddr | undefined;
  if (h.name && h.namelen) {
    const addr = addrArg(p, h.name, h.namelen);
    if (typeof addr === "number" && addr < 0) return addr;
    if (addr !== AF_UNSPEC && s.type !== SOCK_STREAM) to = addr as SockAddr;
  }
  if (h.controllen > 0) warnControl(p, "sendmsg");
  const data = gather(p, h.iov);
  return sendData(t, s, data, flags, to);
}

function sysSendmsg(t: Thread, a: Args): number {
  const s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  return sendOne(t, s, a.u(1), a.i32(2));
}

/** Fill in one msghdr from a receive: data, name, flags (MSG_TRUNC), no control data. */
function recvInto(t: Thread, s: Socket, h: MsgHdr, at: number, flags: number): number {
  const p = t.proc;
  const max = h.iov.reduce((n, [, len]) => n + len, 0);
  const r = s.recv(max, flags);
  if (typeof r === "number") return r;
  scatter(p, h.iov, r.data);
  if (h.name) {
    if (r.from && s.type !== SOCK_STREAM) {
      p.mem.writeU32(at + 8, h.namelen);
      writeSockAddr(p.mem, r.from, h.name, at + 8);
    } else p.mem.writeU32(at + 8, 0);
  }
  p.mem.writeU64(at + 40, 0);
  const truncated = s.type !== SOCK_STREAM && r.size > r.data.length;
  p.mem.writeU32(at + 48, truncated ? MSG_TRUNC : 0);
  return flags & MSG_TRUNC && s.type !== SOCK_STREAM ? r.size : r.data.length;
}

function sysRecvmsg(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const at = a.u(1), flags = a.i32(2);
  const h = readMsgHdr(p, at);
  if (typeof h === "number") return h;
  return blocking(t, s, (flags & MSG_DONTWAIT) !== 0, SO_RCVTIMEO, () => recvInto(t, s, h, at, flags));
}

/** sendmmsg: each message in turn (struct mmsghdr: msghdr, msg_len); stops at the first that
 *  cannot go (a count if any went, else its error). */
function sysSendmmsg(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const vec = a.u(1), n = Math.min(a.u32(2), IOV_MAX), flags = a.i32(3);
  let sent = 0;
  for (let i = 0; i < n; i++) {
    const h = readMsgHdr(p, vec + 64 * i);
    if (typeof h === "number") return sent || h;
    let to: SockAddr | undefined;
    if (h.name && h.namelen) {
      const addr = addrArg(p, h.name, h.namelen);
      if (typeof addr === "number" && addr < 0) return sent || addr;
      if (addr !== AF_UNSPEC && s.type !== SOCK_STREAM) to = addr as SockAddr;
    }
    const res = s.send(gather(p, h.iov), flags, to);
    const r = typeof res === "number" ? res : -EAGAIN;
    if (r < 0) {
      if (sent) break;
      if (r !== -EAGAIN) return r;
      // Nothing went yet: the first message waits for room as a blocking sendmsg would.
      const data = gather(p, h.iov);
      return blocking(t, s, (flags & MSG_DONTWAIT) !== 0, SO_SNDTIMEO, () => {
        const x = s.send(data, flags, to);
        const v = typeof x === "number" ? x : -EAGAIN;
        if (v < 0) return v;
        p.mem.writeU32(vec + 56, v);
        return 1;
      });
    }
    p.mem.writeU32(vec + 64 * i + 56, r);
    sent++;
  }
  return sent;
}

/** recvmmsg: up to vlen datagrams; waits (unless MSG_DONTWAIT) only for the first. */
function sysRecvmmsg(t: Thread, a: Args): number {
  const p = t.proc, s = sock(t, a.i32(0));
  if (typeof s === "number") return s;
  const vec = a.u(1), n = Math.min(a.u32(2), IOV_MAX), flags = a.i32(3);
  if (a.u(4)) p.warnOnce("recvmmsgtimeout", "rt0: warning: recvmmsg's timeout is not implemented (ignored)");
  const MSG_WAITFORONE = 0x10000;
  const take = (): number => {
    let got = 0;
    for (let i = 0; i < n; i++) {
      const at = vec + 64 * i;
      const h = readMsgHdr(p, at);
      if (typeof h === "number") return got || h;
      const r = recvInto(t, s, h, at, got > 0 || flags & MSG_WAITFORONE ? flags | MSG_DONTWAIT : flags);
      if (r < 0) return got || r;
      p.mem.writeU32(at + 56, r);
      got++;
    }
    return got;
  };
  return blocking(t, s, (flags & MSG_DONTWAIT) !== 0, SO_RCVTIMEO, take);
}

export const netRows: SyscallRow[] = rows(NR, {
  socket: [["sockfamily", "socktype", "int"], sysSocket],
  socketpair: [["sockfamily", "socktype", "int", "ptr"], sysSocketpair],
  bind: [["fd", "sockaddr", "uint"], sysBind],
  listen: [["fd", "int"], sysListen],
  connect: [["fd", "sockaddr", "uint"], sysConnect],
  accept4: [["fd", "sockaddr_out", "ptr", "socktype"], (t, a) => sysAccept4(t, a, a.i32(3))],
  accept: [["fd", "sockaddr_out", "ptr"], (t, a) => sysAccept4(t, a, 0)],
  getsockname: [["fd", "sockaddr_out", "ptr"], sysGetsockname(false)],
  getpeername: [["fd", "sockaddr_out", "ptr"], sysGetsockname(true)],
  setsockopt: [["fd", "sollevel", "sockopt", "optval", "uint"], sysSetsockopt],
  getsockopt: [["fd", "sollevel", "sockopt", "ptr", "ptr"], sysGetsockopt],
  shutdown: [["fd", "shuthow"], sysShutdown],
  sendto: [["fd", "buf_in", "uint", "msgflags", "sockaddr", "uint"], sysSendto],
  recvfrom: [["fd", "buf_out", "uint", "msgflags", "sockaddr_out", "ptr"], sysRecvfrom],
  sendmsg: [["fd", "ptr", "msgflags"], sysSendmsg],
  recvmsg: [["fd", "ptr", "msgflags"], sysRecvmsg],
  sendmmsg: [["fd", "ptr", "uint", "msgflags"], sysSendmmsg],
  recvmmsg: [["fd", "ptr", "uint", "msgflags", "ptr"], sysRecvmmsg],
});
