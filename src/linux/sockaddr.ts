// Socket addresses: sockaddr_in, sockaddr_in6 and sockaddr_un read from and written to guest
// memory as Linux lays them out, the address classes the network code asks about (loopback,
// wildcard, IPv4-mapped), and IP addresses as text for the host (Node takes and gives strings).

import type { Memory } from "../mem/api.js";
import { EAFNOSUPPORT, EINVAL } from "./errno.js";

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;

export interface InetAddr {
  family: typeof AF_INET | typeof AF_INET6;
  /** 4 bytes (AF_INET) or 16 (AF_INET6). */
  ip: Uint8Array;
  port: number;
  /** sin6_flowinfo and sin6_scope_id (AF_INET6). */
  flow?: number;
  scope?: number;
}

export interface UnixAddr {
  family: typeof AF_UNIX;
  /** The name's bytes as given (a leading NUL: abstract; empty: unnamed). */
  name: Uint8Array;
  /** The key in Kernel.unixNames, once bound or resolved. */
  key?: string;
}

export interface NetlinkAddr {
  family: typeof AF_NETLINK;
  /** nl_pid: the port id (0: the kernel). */
  pid: number;
  groups: number;
}

export type SockAddr = InetAddr | UnixAddr | NetlinkAddr;

export const UNNAMED: UnixAddr = { family: AF_UNIX, name: new Uint8Array(0) };

export function isInet(a: SockAddr): a is InetAddr {
  return a.family === AF_INET || a.family === AF_INET6;
}

/** The wildcard address of a family, port 0 (getsockname of an unbound socket). */
export function anyAddr(family: typeof AF_INET | typeof AF_INET6, port = 0): InetAddr {
  return { family, ip: new Uint8Array(family === AF_INET ? 4 : 16), port };
}

/** A sockaddr of `len` bytes at `at`: an address, AF_UNSPEC (connect's "dissolve"), or -errno. */
export function readSockAddr(mem: Memory, at: number, len: number): SockAddr | typeof AF_UNSPEC | number {
  if (len < 2 || len > 128) return -EINVAL;
  const family = mem.readU16(at);
  if (family === AF_INET) {
    if (len < 16) return -EINVAL;
    const b = mem.read(at, 16);
    return { family, port: (b[2]! << 8) | b[3]!, ip: b.slice(4, 8) };
  }
  if (family === AF_INET6) {
    if (len < 24) return -EINVAL;
    const b = mem.read(at, Math.min(len, 28)), dv = new DataView(b.buffer);
    return { family, port: (b[2]! << 8) | b[3]!, ip: b.slice(8, 24), flow: dv.getUint32(4, false), scope: b.length >= 28 ? dv.getUint32(24, true) : 0 };
  }
  if (family === AF_UNIX) {
    if (len > 110) return -EINVAL;
    let name = mem.read(at + 2, len - 2);
    if (name.length > 0 && name[0] !== 0) {
      const nul = name.indexOf(0);
      if (nul >= 0) name = name.subarray(0, nul);
      if (name.length > 107) return -EINVAL;
    }
    return { family, name: name.slice() };
  }
  if (family === AF_NETLINK) {
    if (len < 12) return -EINVAL;
    return { family, pid: mem.readU32(at + 4), groups: mem.readU32(at + 8) };
  }
  if (family === AF_UNSPEC) return AF_UNSPEC;
  return -EAFNOSUPPORT;
}

/** The bytes of a sockaddr for `a`. */
export function encodeSockAddr(a: SockAddr): Uint8Array {
  if (a.family === AF_NETLINK) {
    const b = new Uint8Array(12), dv = new DataView(b.buffer);
    dv.setUint16(0, AF_NETLINK, true);
    dv.setUint32(4, a.pid >>> 0, true);
    dv.setUint32(8, a.groups >>> 0, true);
    return b;
  }
  if (a.family === AF_UNIX) {
    const name = a.name;
    const nul = name.length > 0 && name[0] !== 0 ? 1 : 0;
    const b = new Uint8Array(2 + name.length + nul);
    b[0] = AF_UNIX;
    b.set(name, 2);
    return b;
  }
  const b = new Uint8Array(a.family === AF_INET ? 16 : 28);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, a.family, true);
  dv.setUint16(2, a.port, false);
  if (a.family === AF_INET) b.set(a.ip.subarray(0, 4), 4);
  else {
    dv.setUint32(4, a.flow ?? 0, false);
    b.set(a.ip.subarray(0, 16), 8);
    dv.setUint32(24, a.scope ?? 0, true);
  }
  return b;
}

/** Store `a` at `at` (truncated to the caller's *lenAt) and its full length at lenAt, as
 *  getsockname, accept and recvfrom do. Nothing when either pointer is null. */
export function writeSockAddr(mem: Memory, a: SockAddr, at: number, lenAt: number): number {
  if (!at || !lenAt) return 0;
  const max = mem.readU32(lenAt) | 0;
  if (max < 0) return -EINVAL;
  const b = encodeSockAddr(a);
  mem.write(at, b.subarray(0, Math.min(max, b.length)));
  mem.writeU32(lenAt, b.length);
  return 0;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d), if it is one. */
export function mappedV4(ip: Uint8Array): Uint8Array | undefined {
  if (ip.length !== 16) return undefined;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return undefined;
  return ip[10] === 0xff && ip[11] === 0xff ? ip.subarray(12) : undefined;
}

/** The IPv4-mapped IPv6 form of an IPv4 address. */
export function mapV4(ip4: Uint8Array): Uint8Array {
  const ip = new Uint8Array(16);
  ip[10] = ip[11] = 0xff;
  ip.set(ip4, 12);
  return ip;
}

export function isWildcard(ip: Uint8Array): boolean {
  return ip.every((x) => x === 0);
}

/** 127.0.0.0/8, ::1 or ::ffff:127.x.y.z. */
export function isLoopback(ip: Uint8Array): boolean {
  if (ip.length === 4) return ip[0] === 127;
  const v4 = mappedV4(ip);
  if (v4) return v4[0] === 127;
  return ip.subarray(0, 15).every((x) => x === 0) && ip[15] === 1;
}

/** The same address seen as IPv4 when it is one (an IPv4 or IPv4-mapped IPv6 address). */
export function asV4(ip: Uint8Array): Uint8Array | undefined {
  return ip.length === 4 ? ip : mappedV4(ip);
}

export function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  const a4 = asV4(a), b4 = asV4(b);
  if (a4 || b4) return !!a4 && !!b4 && a4.every((x, i) => x === b4[i]);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** "127.0.0.1", "::1", "::ffff:127.0.0.1" (RFC 5952: lower case, longest zero run as "::"). */
export function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return ip.join(".");
  const v4 = mappedV4(ip);
  if (v4) return "::ffff:" + v4.join(".");
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip[i]! << 8) | ip[i + 1]!);
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(":");
  if (best < 0) return hex(words);
  return hex(words.slice(0, best)) + "::" + hex(words.slice(best + bestLen));
}

/** The bytes of an address in text ("10.0.0.1", "fe80::1%eth0": the zone is dropped), 4 or 16
 *  long as the text is IPv4 or IPv6; undefined when it is neither. */
export function parseIp(text: string): Uint8Array | undefined {
  const s = text.replace(/%.*$/, "");
  const v4 = (t: string): number[] | undefined => {
    const parts = t.split(".");
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
    return parts.map(Number);
  };
  if (!s.includes(":")) {
    const b = v4(s);
    return b ? Uint8Array.from(b) : undefined;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const words = (t: string): number[] | undefined => {
    if (t === "") return [];
    const out: number[] = [];
    const parts = t.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const b = v4(p);
        if (!b) return undefined;
        out.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!), tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const ip = new Uint8Array(16);
  all.forEach((w, i) => { ip[2 * i] = w >> 8; ip[2 * i + 1] = w & 0xff; });
  return ip;
}

/** Does addr suit a socket of `family`? 0, or the errno Linux gives: a sockaddr_in for an
 *  AF_INET6 socket is too short (EINVAL), anything else is the wrong family (EAFNOSUPPORT). */
export function familyMismatch(family: number, addr: SockAddr): number {
  if (addr.family === family) return 0;
  return family === AF_INET6 && addr.family === AF_INET ? -EINVAL : -EAFNOSUPPORT;
}

/** An IP address as a socket of `family` shows it: IPv4 in an AF_INET6 socket is v4-mapped. */
export function inFamily(family: number, ip: Uint8Array, port: number): InetAddr {
  if (family === AF_INET6) return { family: AF_INET6, ip: ip.length === 4 ? mapV4(ip) : ip, port };
  return { family: AF_INET, ip: asV4(ip) ?? ip, port };
}
