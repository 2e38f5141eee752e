// What a syscall handler is: a function of the calling thread and its six arguments returning
// the result (or -errno), or BLOCK (the thread was parked) or NORETURN (registers already set).
// Each row also names the argument kinds, so the same row formats --strace output.

import type { Thread } from "./process.js";
import { PAGE_SIZE, USER_TOP } from "../mem/api.js";

/** Returned by a handler that parked its thread; the result comes later through unpark. */
export const BLOCK = -0x7fff0001;
/** Returned by rt_sigreturn/exit/execve-like handlers that set registers themselves. */
export const NORETURN = -0x7fff0002;

/** How an argument is shown by --strace. `buf_in` takes its length from the next argument;
 *  `buf_out` shows the bytes the call produced (the result's count). */
export type ArgKind =
  | "int" | "uint" | "hex" | "ptr" | "fd" | "dirfd" | "path" | "buf_in" | "buf_out" | "oflags" | "mode"
  | "prot" | "mapflags" | "signal" | "sighow" | "futexop" | "clockid" | "cloneflags" | "epollop"
  | "atflags" | "whence" | "archprctl" | "fcntlcmd" | "ioctlreq" | "timespec" | "strarr"
  | "sockfamily" | "socktype" | "sockaddr" | "sockaddr_out" | "sollevel" | "sockopt" | "optval" | "msgflags" | "shuthow";

/** The six argument registers of a syscall (RDI, RSI, RDX, R10, R8, R9) as 64-bit values. */
export class Args {
  constructor(readonly v: bigint[]) {}
  /** Unsigned value as a number (exact below 2^53: pointers, sizes). */
  u(i: number): number {
    return Number(this.v[i]!);
  }
  /** Low 32 bits, signed (int arguments: fds, flags). */
  i32(i: number): number {
    return Number(BigInt.asIntN(32, this.v[i]!));
  }
  /** Low 32 bits, unsigned. */
  u32(i: number): number {
    return Number(BigInt.asUintN(32, this.v[i]!));
  }
  /** Signed 64-bit value as a number (off_t, ssize_t). */
  s64(i: number): number {
    return Number(BigInt.asIntN(64, this.v[i]!));
  }
}

export type Handler = (t: Thread, a: Args) => number;

export interface SyscallRow {
  nr: number;
  name: string;
  args: ArgKind[];
  handler: Handler;
  /** Show the result in hex (mmap, brk). */
  hexResult?: boolean;
}

/** Build rows from a compact spec: name -> [argument kinds, handler]. */
export function rows(nrOf: Readonly<Record<string, number>>, spec: Record<string, [ArgKind[], Handler, boolean?]>): SyscallRow[] {
  return Object.entries(spec).map(([name, [args, handler, hexResult]]) => {
    const nr = nrOf[name];
    if (nr === undefined) throw new Error(`unknown syscall name ${name}`);
    return { nr, name, args, handler, hexResult };
  });
}

/** Linux's TASK_SIZE on x86-64 (4-level paging): user space ends a page below 2^47. */
export const TASK_SIZE = BigInt(USER_TOP - PAGE_SIZE);

/** Linux's access_ok: [addr, addr+len) lies inside user space (computed without wrapping). */
export function accessOk(addr: bigint, len: bigint): boolean {
  return addr + len <= TASK_SIZE;
}
