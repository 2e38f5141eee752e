// --strace: one line per syscall in strace's notation, from the syscall table's argument kinds:
//   openat(AT_FDCWD, "/etc/x", O_RDONLY|O_CLOEXEC) = 3
// Buffers show at most 32 bytes; output buffers are shown after the call, as strace does.

import { TTY_IOCTLS } from "./tty.js";
import type { Memory } from "../mem/api.js";
import type { ArgKind, SyscallRow } from "./sysapi.js";
import { errnoText } from "./errno.js";
import { signalName } from "./abi.js";
import { AF_INET, AF_INET6, AF_NETLINK, AF_UNIX, ipText, readSockAddr } from "./sockaddr.js";

const STR_MAX = 32;

function flagNames(v: number, table: [number, string][], zero?: string): string {
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if (bit !== 0 && (rest & bit) === bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push("0x" + rest.toString(16));
  return out.length ? out.join("|") : (zero ?? "0");
}

const O_FLAGS: [number, string][] = [[0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"],
  [0o2000, "O_APPEND"], [0o4000, "O_NONBLOCK"], [0o10000, "O_DSYNC"], [0o40000, "O_DIRECT"], [0o100000, "O_LARGEFILE"],
  [0o200000, "O_DIRECTORY"], [0o400000, "O_NOFOLLOW"], [0o1000000, "O_NOATIME"], [0o2000000, "O_CLOEXEC"], [0o10000000, "O_PATH"]];
const PROT: [number, string][] = [[1, "PROT_READ"], [2, "PROT_WRITE"], [4, "PROT_EXEC"]];
const MAP: [number, string][] = [[1, "MAP_SHARED"], [2, "MAP_PRIVATE"], [0x10, "MAP_FIXED"], [0x20, "MAP_ANONYMOUS"],
  [0x100, "MAP_GROWSDOWN"], [0x800, "MAP_DENYWRITE"], [0x1000, "MAP_EXECUTABLE"], [0x4000, "MAP_NORESERVE"], [0x8000, "MAP_POPULATE"], [0x20000, "MAP_STACK"], [0x100000, "MAP_FIXED_NOREPLACE"]];
const CLONE: [number, string][] = [[0x100, "CLONE_VM"], [0x200, "CLONE_FS"], [0x400, "CLONE_FILES"], [0x800, "CLONE_SIGHAND"],
  [0x4000, "CLONE_VFORK"], [0x8000, "CLONE_PARENT"], [0x10000, "CLONE_THREAD"], [0x40000, "CLONE_SYSVSEM"], [0x80000, "CLONE_SETTLS"],
  [0x100000, "CLONE_PARENT_SETTID"], [0x200000, "CLONE_CHILD_CLEARTID"], [0x1000000, "CLONE_CHILD_SETTID"]];
const AT: [number, string][] = [[0x100, "AT_SYMLINK_NOFOLLOW"], [0x200, "AT_REMOVEDIR"], [0x400, "AT_SYMLINK_FOLLOW"],
  [0x800, "AT_NO_AUTOMOUNT"], [0x1000, "AT_EMPTY_PATH"]];
const CLOCKS = ["CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID",
  "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"];
const FUTEX = ["FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI",
  "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET"];
const FCNTL: Record<number, string> = { 0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 1030: "F_DUPFD_CLOEXEC" };
const IOCTL: Record<number, string> = { ...TTY_IOCTLS, 0x5421: "FIONBIO", 0x5451: "FIOCLEX", 0x5450: "FIONCLEX", 0x541b: "FIONREAD" };
const ARCH: Record<number, string> = { 0x1001: "ARCH_SET_GS", 0x1002: "ARCH_SET_FS", 0x1003: "ARCH_GET_FS", 0x1004: "ARCH_GET_GS" };

const FAMILIES: Record<number, string> = { 0: "AF_UNSPEC", 1: "AF_UNIX", 2: "AF_INET", 10: "AF_INET6", 16: "AF_NETLINK", 17: "AF_PACKET" };
const SOCK_TYPES: Record<number, string> = { 1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 5: "SOCK_SEQPACKET" };
const SOL: Record<number, string> = { 0: "SOL_IP", 1: "SOL_SOCKET", 6: "SOL_TCP", 17: "SOL_UDP", 41: "SOL_IPV6" };
const SOCKOPTS: Record<number, Record<number, string>> = {
  1: { 1: "SO_DEBUG", 2: "SO_REUSEADDR", 3: "SO_TYPE", 4: "SO_ERROR", 5: "SO_DONTROUTE", 6: "SO_BROADCAST", 7: "SO_SNDBUF",
    8: "SO_RCVBUF", 9: "SO_KEEPALIVE", 10: "SO_OOBINLINE", 13: "SO_LINGER", 15: "SO_REUSEPORT", 18: "SO_RCVLOWAT",
    20: "SO_RCVTIMEO_OLD", 21: "SO_SNDTIMEO_OLD", 30: "SO_ACCEPTCONN", 38: "SO_PROTOCOL", 39: "SO_DOMAIN" },
  6: { 1: "TCP_NODELAY", 2: "TCP_MAXSEG", 3: "TCP_CORK", 4: "TCP_KEEPIDLE", 5: "TCP_KEEPINTVL", 6: "TCP_KEEPCNT", 11: "TCP_INFO",
    18: "TCP_USER_TIMEOUT", 23: "TCP_FASTOPEN" },
  0: { 1: "IP_TOS", 2: "IP_TTL", 33: "IP_MULTICAST_TTL", 34: "IP_MULTICAST_LOOP", 35: "IP_ADD_MEMBERSHIP" },
  41: { 16: "IPV6_UNICAST_HOPS", 26: "IPV6_V6ONLY", 20: "IPV6_ADD_MEMBERSHIP" },
};
const MSG: [number, string][] = [[0x1, "MSG_OOB"], [0x2, "MSG_PEEK"], [0x4, "MSG_DONTROUTE"], [0x20, "MSG_TRUNC"],
  [0x40, "MSG_DONTWAIT"], [0x100, "MSG_WAITALL"], [0x4000, "MSG_NOSIGNAL"], [0x10000, "MSG_WAITFORONE"], [0x40000000, "MSG_CMSG_CLOEXEC"]];

/** A sockaddr as strace shows it: {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}. */
function sockaddrText(mem: Memory, at: number, len: number): string {
  const a = readSockAddr(mem, at, len);
  if (typeof a === "number") return a === 0 ? "{sa_family=AF_UNSPEC}" : "0x" + at.toString(16);
  if (a.family === AF_INET) return `{sa_family=AF_INET, sin_port=htons(${a.port}), sin_addr=inet_addr("${ipText(a.ip)}")}`;
  if (a.family === AF_INET6) {
    return `{sa_family=AF_INET6, sin6_port=htons(${a.port}), sin6_flowinfo=htonl(${a.flow ?? 0}), inet_pton(AF_INET6, "${ipText(a.ip)}", &sin6_addr), sin6_scope_id=${a.scope ?? 0}}`;
  }
  if (a.family === AF_NETLINK) return `{sa_family=AF_NETLINK, nl_pid=${a.pid}, nl_groups=${a.groups.toString(16).padStart(8, "0")}}`;
  if (a.family === AF_UNIX) {
    if (a.name.length === 0) return "{sa_family=AF_UNIX}";
    return a.name[0] === 0 ? `{sa_family=AF_UNIX, sun_path=@${quote(a.name.subarray(1), false)}}` : `{sa_family=AF_UNIX, sun_path=${quote(a.name, false)}}`;
  }
  return "0x" + at.toString(16);
}

/** strace's string quoting: C escapes, octal for other bytes. */
export function quote(bytes: Uint8Array, more: boolean): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += "\\\\";
    else if (c === 0x0a) s += "\\n";
    else if (c === 0x09) s += "\\t";
    else if (c === 0x0d) s += "\\r";
    else if (c === 0x0c) s += "\\f";
    else if (c === 0x0b) s += "\\v";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else {
      const next = bytes[i + 1];
      const digitNext = next !== undefined && next >= 0x30 && next <= 0x37;
      s += "\\" + (digitNext ? c.toString(8).padStart(3, "0") : c.toString(8));
    }
  }
  return s + '"' + (more ? "..." : "");
}

function i32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

function int(v: bigint): string {
  if (v >> 32n === 0n && (v & 0x80000000n) !== 0n) return String(i32(v));
  return String(BigInt.asIntN(64, v));
}

function ptr(v: bigint): string {
  return v === 0n ? "NULL" : "0x" + v.toString(16);
}

function safe(f: () => string, v: bigint): string {
  try {
    return f();
  } catch {
    return ptr(v);
  }
}

function fmtArg(kind: ArgKind, v: bigint, next: bigint | undefined, result: number, mem: Memory): string {
  const n = Number(v);
  switch (kind) {
    case "int": return int(v);
    case "uint": return v.toString();
    case "hex": return "0x" + v.toString(16);
    case "ptr": return ptr(v);
    case "fd": return String(i32(v));
    case "dirfd": return i32(v) === -100 ? "AT_FDCWD" : String(i32(v));
    case "path": return v === 0n ? "NULL" : safe(() => quote(new TextEncoder().encode(mem.readCString(n, 4096)), false), v);
    case "buf_in": {
      const len = Number(next ?? 0n);
      return safe(() => quote(mem.read(n, Math.min(len, STR_MAX)), len > STR_MAX), v);
    }
    case "buf_out":
      if (result <= 0) return ptr(v);
      return safe(() => quote(mem.read(n, Math.min(result, STR_MAX)), result > STR_MAX), v);
    case "oflags": {
      const acc = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][n & 3]!;
      const rest = flagNames(n & ~3, O_FLAGS, "");
      return rest ? `${acc}|${rest}` : acc;
    }
    case "mode": return "0" + (n & 0o7777).toString(8).padStart(3, "0");
    case "prot": return flagNames(n, PROT, "PROT_NONE");
    case "mapflags": return flagNames(n, MAP);
    case "signal": return n === 0 ? "0" : signalName(i32(v));
    case "sighow": return ["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"][n] ?? String(n);
    case "futexop": {
      const base = FUTEX[n & 127] ?? String(n & 127);
      return base + (n & 128 ? "_PRIVATE" : "") + (n & 256 ? "|FUTEX_CLOCK_REALTIME" : "");
    }
    case "clockid": return CLOCKS[n] ?? String(i32(v));
    case "cloneflags": {
      const sig = n & 0xff;
      const f = flagNames(n & ~0xff, CLONE);
      return sig ? `${f}|${signalName(sig)}` : f;
    }
    case "epollop": return ["", "EPOLL_CTL_ADD", "EPOLL_CTL_DEL", "EPOLL_CTL_MOD"][n] ?? String(n);
    case "atflags": return flagNames(n, AT);
    case "whence": return ["SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"][n] ?? String(n);
    case "archprctl": return ARCH[n] ?? "0x" + n.toString(16);
    case "fcntlcmd": return FCNTL[n] ?? String(n);
    case "ioctlreq": return IOCTL[n] ?? "0x" + n.toString(16);
    case "timespec":
      if (v === 0n) return "NULL";
      return safe(() => `{tv_sec=${BigInt.asIntN(64, mem.readU64Big(n))}, tv_nsec=${BigInt.asIntN(64, mem.readU64Big(n + 8))}}`, v);
    case "strarr": return ptr(v);
    case "sockfamily": return FAMILIES[n] ?? String(n);
    case "socktype": {
      const base = SOCK_TYPES[n & 0xf] ?? String(n & 0xf);
      const rest = flagNames(n & ~0xf, [[0o2000000, "SOCK_CLOEXEC"], [0o4000, "SOCK_NONBLOCK"]], "");
      return rest ? `${base}|${rest}` : base;
    }
    case "sockaddr": return v === 0n ? "NULL" : safe(() => sockaddrText(mem, n, Number(next ?? 0n)), v);
    case "sockaddr_out":
      if (v === 0n || result < 0 || !next) return ptr(v);
      return safe(() => sockaddrText(mem, n, mem.readU32(Number(next))), v);
    case "sollevel": return SOL[n] ?? String(i32(v));
    case "sockopt": return String(i32(v));
    case "optval":
      if (v === 0n || next !== 4n) return ptr(v);
      return safe(() => `[${mem.readU32(n) | 0}]`, v);
    case "msgflags": return flagNames(n, MSG);
    case "shuthow": return ["SHUT_RD", "SHUT_WR", "SHUT_RDWR"][n] ?? String(n);
  }
}

/** The result part: "= 3", "= 0x7f0000000000", "= -1 ENOENT (No such file or directory)", "= ?". */
export function fmtResult(row: SyscallRow | undefined, result: number | undefined): string {
  if (result === undefined) return "?";
  if (result < 0 && result >= -4095) return `-1 ${errnoText(-result)}`;
  if (row?.hexResult) return "0x" + result.toString(16);
  return String(result);
}

/** One strace line (without newline) for a syscall with its raw 64-bit arguments. */
export function formatSyscall(nr: number, name: string, row: SyscallRow | undefined, args: bigint[], result: number | undefined, mem: Memory): string {
  let kinds = row?.args ?? (["hex", "hex", "hex", "hex", "hex", "hex"] as ArgKind[]);
  if (name === "futex") {
    // strace shows only the arguments the operation uses.
    const cmd = Number(args[1] ?? 0n) & 127;
    kinds = kinds.slice(0, cmd === 0 ? 4 : cmd === 1 ? 3 : 6);
  } else if (name === "fcntl") {
    const cmd = Number(args[1] ?? 0n);
    if (cmd === 1 || cmd === 3) kinds = kinds.slice(0, 2); // F_GETFD, F_GETFL take no argument
  }
  const parts = kinds.map((k, i) => fmtArg(k, args[i] ?? 0n, args[i + 1], result ?? -1, mem));
  if (kinds[2] === "sockopt") {
    // The option's name depends on its level.
    const name = SOCKOPTS[Number(args[1] ?? 0n)]?.[Number(args[2] ?? 0n)];
    if (name) parts[2] = name;
  }
  return `${row ? name : `syscall_${nr}`}(${parts.join(", ")}) = ${fmtResult(row, result)}`;
}
