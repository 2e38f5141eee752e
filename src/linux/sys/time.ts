// Time syscalls on the process clock (real, or virtual with --deterministic): clock_gettime,
// clock_getres, gettimeofday, time, nanosleep, clock_nanosleep. Sleeping parks the thread.

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, type Args, type SyscallRow } from "../sysapi.js";
import type { Process, Thread } from "../process.js";
import { EINVAL } from "../errno.js";
import type { Memory } from "../../mem/api.js";
import {
  CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME,
  CLOCK_REALTIME_COARSE, CLOCK_THREAD_CPUTIME_ID, TIMER_ABSTIME,
} from "../abi.js";

/** A timespec in guest memory as nanoseconds; -1 when invalid. */
export function readTimespec(mem: Memory, at: number): number {
  const sec = Number(BigInt.asIntN(64, mem.readU64Big(at)));
  const nsec = Number(BigInt.asIntN(64, mem.readU64Big(at + 8)));
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -1;
  return sec * 1e9 + nsec;
}

function writeTimespec(mem: Memory, at: number, sec: number, nsec: number): void {
  mem.writeU64(at, sec);
  mem.writeU64(at + 8, nsec);
}

function split(ns: number): [number, number] {
  const s = Math.floor(ns / 1e9);
  return [s, Math.floor(ns - s * 1e9)];
}

/** [sec, nsec] of a clock, or undefined for an unknown clock id. */
export function clockRead(p: Process, clk: number): [number, number] | undefined {
  switch (clk) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE:
      return p.clock.realtime();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
      return split(p.clock.monotonicNs());
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
      return split(p.retired); // one nanosecond per instruction
    default:
      return undefined;
  }
}

/** A clock as nanoseconds (approximate above 2^53 for CLOCK_REALTIME: fine for deadlines). */
export function clockNow(p: Process, clk: number): number {
  const r = clockRead(p, clk) ?? [0, 0];
  return r[0] * 1e9 + r[1];
}

function sysClockGettime(t: Thread, a: Args): number {
  const r = clockRead(t.proc, a.i32(0));
  if (!r) return -EINVAL;
  writeTimespec(t.proc.mem, a.u(1), r[0], r[1]);
  return 0;
}

function sysClockGetres(t: Thread, a: Args): number {
  if (!clockRead(t.proc, a.i32(0))) return -EINVAL;
  if (a.u(1)) writeTimespec(t.proc.mem, a.u(1), 0, 1);
  return 0;
}

function sysGettimeofday(t: Thread, a: Args): number {
  const [s, ns] = t.proc.clock.realtime();
  if (a.u(0)) {
    t.proc.mem.writeU64(a.u(0), s);
    t.proc.mem.writeU64(a.u(0) + 8, Math.floor(ns / 1000));
  }
  if (a.u(1)) t.proc.mem.write(a.u(1), new Uint8Array(8));
  return 0;
}

function sysTime(t: Thread, a: Args): number {
  const [s] = t.proc.clock.realtime();
  if (a.u(0)) t.proc.mem.writeU64(a.u(0), s);
  return s;
}

function sleepUntil(t: Thread, deadline: number): number {
  const p = t.proc;
  if (deadline <= p.clock.monotonicNs()) {
    p.yieldNow = true;
    return 0;
  }
  p.park(t, { deadline, onTimeout: () => 0, interruptible: true });
  return BLOCK;
}

function sysNanosleep(t: Thread, a: Args): number {
  const ns = readTimespec(t.proc.mem, a.u(0));
  if (ns < 0) return -EINVAL;
  return sleepUntil(t, t.proc.clock.monotonicNs() + ns);
}

function sysClockNanosleep(t: Thread, a: Args): number {
  const p = t.proc, clk = a.i32(0), flags = a.i32(1);
  if (!clockRead(p, clk)) return -EINVAL;
  const ns = readTimespec(p.mem, a.u(2));
  if (ns < 0) return -EINVAL;
  const rel = flags & TIMER_ABSTIME ? ns - clockNow(p, clk) : ns;
  return sleepUntil(t, p.clock.monotonicNs() + Math.max(0, rel));
}

export const timeRows: SyscallRow[] = rows(NR, {
  clock_gettime: [["clockid", "ptr"], sysClockGettime],
  clock_getres: [["clockid", "ptr"], sysClockGetres],
  gettimeofday: [["ptr", "ptr"], sysGettimeofday],
  time: [["ptr"], sysTime],
  nanosleep: [["timespec", "ptr"], sysNanosleep],
  clock_nanosleep: [["clockid", "int", "timespec", "ptr"], sysClockNanosleep],
});
