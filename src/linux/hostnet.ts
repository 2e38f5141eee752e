// What the Linux layer needs from the host's network to back guest TCP and UDP sockets
// (--net host): listeners, connections and datagram sockets whose host side runs on its own
// (src/host/nodenet.ts: node:net and node:dgram on Node's event loop). Nothing here blocks: each
// object keeps its state for the guest to read synchronously, counts its changes (a socket's
// readiness generation, for EPOLLET) and calls the host's wake-up after every change, so a
// parked guest thread is polled again. Errors are negative Linux errno values.

import type { NetInterface } from "./netlink.js";

/** An IP endpoint in the host's terms: the address as text ("127.0.0.1", "::1",
 *  "::ffff:10.0.0.1"). */
export interface HostEndpoint {
  address: string;
  port: number;
}

/** How a guest socket's host side is asked for: 4 or 6 is the guest socket's family. */
export interface HostSocketOptions {
  family: 4 | 6;
  /** IPV6_V6ONLY (AF_INET6 only). */
  v6only: boolean;
}

export interface HostNet {
  /** Bind a TCP socket and listen (status undefined until the host has done both). */
  tcpListen(o: HostSocketOptions & HostEndpoint & { reusePort: boolean }): HostTcpListener;
  /** Connect a TCP socket (status undefined while connecting). */
  tcpConnect(o: HostSocketOptions & HostEndpoint & { local?: HostEndpoint; noDelay: boolean; keepAliveSec: number }): HostTcpConn;
  /** A UDP socket, not yet bound. */
  udpOpen(o: HostSocketOptions & { reuseAddr: boolean }): HostUdp;
  /** The host's network interfaces and their addresses, by index (netlink's RTM_GETLINK and
   *  RTM_GETADDR answers). */
  interfaces(): NetInterface[];
  /** Close everything still open (the run has ended). */
  closeAll(): void;
}

interface HostObject {
  /** Counts every change of state (data in, room to write, connected, failed, closed). */
  readonly changes: number;
  /** undefined while the host is still binding, listening or connecting; then 0, or -errno. */
  readonly status: number | undefined;
  readonly local?: HostEndpoint;
}

export interface HostTcpListener extends HostObject {
  /** Connections accepted by the host and not yet taken by the guest. */
  readonly queued: number;
  /** The oldest queued connection (already connected; reading starts when it is taken). */
  accept(): HostTcpConn | undefined;
  close(): void;
}

export interface HostTcpConn extends HostObject {
  readonly remote?: HostEndpoint;
  /** Bytes into buf: > 0, 0 at end of stream, -EAGAIN when nothing is buffered yet, or -errno
   *  (ECONNRESET). With peek the bytes stay buffered. */
  read(buf: Uint8Array, peek?: boolean): number;
  /** Bytes taken (all or a part), -EAGAIN when the host's send queue is full, -EPIPE after
   *  shutdownWrite, or -errno of a failed connection. */
  write(buf: Uint8Array): number;
  /** A read would not return -EAGAIN. */
  readable(): boolean;
  /** Bytes received and not yet read. */
  readonly buffered: number;
  /** A write would not return -EAGAIN. */
  writable(): boolean;
  /** The peer has ended its side (a read returns 0 once the buffered bytes are taken). */
  readonly ended: boolean;
  /** An error of the established connection (ECONNRESET, ETIMEDOUT), 0 when none. */
  readonly error: number;
  shutdownWrite(): void;
  setNoDelay(on: boolean): void;
  setKeepAlive(on: boolean, idleSec: number): void;
  /** Close: sending what is queued, then FIN; with reset an RST at once (SO_LINGER 0). */
  close(reset: boolean): void;
}

export interface HostDatagram {
  data: Uint8Array;
  from: HostEndpoint;
}

export interface HostUdp extends HostObject {
  readonly remote?: HostEndpoint;
  /** Start binding (status undefined until done). */
  bind(local: HostEndpoint): void;
  /** Start connecting (binding first if needed). */
  connect(remote: HostEndpoint): void;
  disconnect(): void;
  /** Queue a datagram (to the connected peer when `to` is absent): 0, or -errno. */
  send(data: Uint8Array, to?: HostEndpoint): number;
  /** The oldest datagram received (kept with peek), if any. */
  recv(peek?: boolean): HostDatagram | undefined;
  /** An asynchronous error (ECONNREFUSED after a datagram to a closed port), taken once. */
  takeError(): number;
  readonly pendingError: number;
  setBroadcast(on: boolean): void;
  close(): void;
}
