// What every guest socket is: an open file description with the socket operations on top
// (bind, listen, connect, accept, send, receive, shutdown, options). Two networks implement it:
// the emulator's own (loopnet.ts: AF_UNIX always, TCP and UDP on loopback under --net loopback
// and in the browser) and the host's (hostsock.ts, --net host). An operation the host finishes
// later returns a Later, and the syscall layer parks the thread on it.

import { EAGAIN, EINVAL, ESPIPE } from "./errno.js";
import { fakeStat, type FileDesc } from "./files.js";
import { S_IFSOCK, type Stat } from "./vfs.js";
import type { SockAddr } from "./sockaddr.js";
import type { Process } from "./process.js";

export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5, SOCK_TYPE_MASK = 0xf;
export const SOL_SOCKET = 1, IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
export const MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100,
  MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
export const SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8,
  SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_ACCEPTCONN = 30,
  SO_PROTOCOL = 38, SO_DOMAIN = 39;
export const TCP_NODELAY = 1, TCP_KEEPIDLE = 4;
export const IPV6_V6ONLY = 26;

/** A result the host gives later: the calling thread waits until poll() returns one. */
export class Later {
  constructor(readonly poll: () => number | undefined, readonly interruptible = true) {}
}
export type Res = number | Later;

/** What one receive took: the bytes, the datagram's full size (MSG_TRUNC) and its sender. */
export interface Received {
  data: Uint8Array;
  size: number;
  from?: SockAddr;
}

export abstract class Socket implements FileDesc {
  readonly kind = "socket" as const;
  flags = 2;
  refs = 1;
  private ownGen = 0;
  path?: string;
  /** Integer options as the guest set them, by "level:name" (getsockopt reads them back). */
  readonly options = new Map<string, number>();
  /** SO_ERROR: an asynchronous error not yet reported. */
  protected error = 0;
  /** shutdown(SHUT_RD) / shutdown(SHUT_WR) so far. */
  protected rdShut = false;
  protected wrShut = false;

  constructor(readonly family: number, readonly type: number, readonly protocol: number) {}

  /** Readiness generation (EPOLLET): this description's own changes plus its host side's. */
  get gen(): number {
    return this.ownGen + this.hostChanges();
  }
  set gen(v: number) {
    this.ownGen = v - this.hostChanges();
  }
  /** Changes counted by the host objects behind this socket (hostsock.ts). */
  protected hostChanges(): number {
    return 0;
  }
  /** A host object is let go: its changes stay counted, so the generation never goes back. */
  protected forget(changes: number): void {
    this.ownGen += changes;
  }

  /** bind(2); p is the calling process (an AF_UNIX path is relative to its directory). */
  abstract bind(p: Process, addr: SockAddr): Res;
  abstract listen(backlog: number): Res;
  /** connect(2); `to` undefined: AF_UNSPEC (a datagram socket forgets its peer). */
  abstract connect(p: Process, to: SockAddr | undefined, nonblock: boolean): Res;
  /** A connection from the queue, or -EAGAIN / -errno. */
  abstract accept(): Socket | number;
  /** Bytes taken, -EAGAIN when there is no room, -errno; a Later when the host must act first. */
  abstract send(data: Uint8Array, flags: number, to?: SockAddr): Res;
  /** At most `max` bytes (one datagram), -EAGAIN when nothing is there yet, or -errno. */
  abstract recv(max: number, flags: number): Received | number;
  /** getsockname: the wildcard address of the family while unbound. */
  abstract localAddr(): SockAddr;
  /** getpeername: undefined when not connected. */
  abstract peerAddr(): SockAddr | undefined;
  abstract isListening(): boolean;
  /** Connected (or a datagram socket with a peer): shutdown wants it. */
  abstract isConnected(): boolean;
  abstract poll(): number;
  /** FIONREAD: the next datagram's size, or the stream bytes buffered. */
  abstract available(): number;
  abstract release(): void;
  /** shutdown(2) of the host side or the emulator's stream, after the flags are set. */
  protected abstract onShutdown(how: number): void;

  shutdown(how: number): number {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) return -EINVAL;
    if (how !== SHUT_WR) this.rdShut = true;
    if (how !== SHUT_RD) this.wrShut = true;
    this.onShutdown(how);
    this.gen++;
    return 0;
  }

  /** SO_ERROR: the pending error, cleared. */
  takeError(): number {
    const e = this.error;
    this.error = 0;
    return e;
  }

  /** An option's effect beyond being remembered (a host socket's TCP_NODELAY...): 0 or -errno. */
  applyOption(_level: number, _name: number, _value: number): number {
    return 0;
  }

  option(level: number, name: number, dflt = 0): number {
    return this.options.get(`${level}:${name}`) ?? dflt;
  }

  read(buf: Uint8Array): number {
    const r = this.recv(buf.length, 0);
    if (typeof r === "number") return r;
    buf.set(r.data);
    return r.data.length;
  }
  write(buf: Uint8Array): number {
    const r = this.send(buf, 0);
    return typeof r === "number" ? r : -EAGAIN;
  }
  pread(): number { return -ESPIPE; }
  pwrite(): number { return -ESPIPE; }
  seek(): number { return -ESPIPE; }
  truncate(): number { return -EINVAL; }
  sync(): number { return -EINVAL; }
  stat(): Stat { return fakeStat(S_IFSOCK | 0o777); }
}
