// Process-wide syscalls: ids, uname, resource limits, getrandom, CPU affinity, prctl,
// getrusage, sysinfo. What they report is fixed (a plausible Linux 6.1 machine) so runs are reproducible.

import { NR } from "../sysnums.generated.js";
import { rows, Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { EINVAL, EPERM, ESRCH } from "../errno.js";
import { RLIMIT_NLIMITS } from "../rlimit.js";

/** prlimit64(pid, resource, new, old): the old limits are those before the call; a new soft
 *  limit above the hard one is EINVAL, a raised hard limit EPERM (rt0's limits are the run's). */
function sysPrlimit64(t: Thread, a: Args): number {
  const pid = a.i32(0), res = a.u32(1), nw = a.u(2), old = a.u(3), mem = t.proc.mem;
  const target = pid === 0 ? t.proc : t.proc.kernel.procs.get(pid);
  if (!target || target.exitStatus !== undefined) return -ESRCH;
  if (res >= RLIMIT_NLIMITS) return -EINVAL;
  const cur = target.rlimits[res]!;
  const before = cur.slice();
  if (nw) {
    const soft = mem.readU64Big(nw), hard = mem.readU64Big(nw + 8);
    if (soft > hard) return -EINVAL;
    if (hard > cur[1]) return -EPERM;
    target.rlimits[res] = [soft, hard];
  }
  if (old) {
    mem.writeU64Big(old, before[0]!);
    mem.writeU64Big(old + 8, before[1]!);
  }
  return 0;
}

function sysUname(t: Thread, a: Args): number {
  const fields = ["Linux", "rt0", "6.1.0-rt0", "#1 SMP PREEMPT_DYNAMIC rt0", "x86_64", "(none)"];
  const b = new Uint8Array(65 * 6);
  const enc = new TextEncoder();
  fields.forEach((f, i) => b.set(enc.encode(f), 65 * i));
  t.proc.mem.write(a.u(0), b);
  return 0;
}

function sysGetrandom(t: Thread, a: Args): number {
  const len = Math.min(a.u(1), 1 << 25);
  const b = new Uint8Array(len);
  t.proc.randomFill(b);
  t.proc.mem.write(a.u(0), b);
  return len;
}

function sysSchedGetaffinity(t: Thread, a: Args): number {
  const len = a.u(1), mask = a.u(2);
  if (len < 8 || len % 8 !== 0) return -EINVAL;
  const n = t.proc.opts.deterministic ? 4 : Math.max(1, Math.min(64, t.proc.host.cpuCount));
  const b = new Uint8Array(8);
  for (let i = 0; i < n; i++) b[i >> 3]! |= 1 << (i & 7);
  t.proc.mem.write(mask, b);
  return 8;
}

const PR_SET_NAME = 15, PR_GET_NAME = 16;
const names = new WeakMap<object, Uint8Array>();

function sysPrctl(t: Thread, a: Args): number {
  const op = a.i32(0);
  if (op === PR_SET_NAME) {
    names.set(t, t.proc.mem.read(a.u(1), 16));
    return 0;
  }
  if (op === PR_GET_NAME) {
    t.proc.mem.write(a.u(1), names.get(t) ?? new TextEncoder().encode("rt0\0"));
    return 0;
  }
  return -EINVAL;
}

function sysGetrusage(t: Thread, a: Args): number {
  const b = new Uint8Array(144);
  const us = Math.floor(t.proc.retired / 1000); // one nanosecond per instruction
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(Math.floor(us / 1e6)), true);
  dv.setBigUint64(8, BigInt(us % 1e6), true);
  t.proc.mem.write(a.u(1), b);
  return 0;
}

/** sysinfo: a fixed 8 GiB machine (glibc's get_phys_pages and qsort ask), uptime from the
 *  process clock. */
function sysSysinfo(t: Thread, a: Args): number {
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(Math.floor(t.proc.clock.monotonicNs() / 1e9)), true); // uptime
  dv.setBigUint64(32, 8n << 30n, true); // totalram
  dv.setBigUint64(40, 6n << 30n, true); // freeram
  dv.setUint16(80, Math.min(0xffff, t.proc.kernel.procs.size), true); // procs
  dv.setUint32(104, 1, true); // mem_unit
  t.proc.mem.write(a.u(0), b);
  return 0;
}

function sysGetpgid(t: Thread, a: Args): number {
  const pid = a.i32(0);
  if (pid === 0) return t.proc.pgid;
  const p = t.proc.kernel.procs.get(pid);
  return p ? p.pgid : -ESRCH;
}

/** setpgid: the caller or one of its children joins (or starts) a process group. */
function sysSetpgid(t: Thread, a: Args): number {
  const pid = a.i32(0), pgid = a.i32(1), self = t.proc;
  if (pgid < 0) return -EINVAL;
  const target = pid === 0 || pid === self.pid ? self : [...self.children].find((c) => c.pid === pid);
  if (!target) return -ESRCH;
  target.pgid = pgid === 0 ? target.pid : pgid;
  return 0;
}

/** setsid: a new session and process group led by the caller, without a controlling terminal;
 *  EPERM for a process group leader (its group would straddle two sessions). */
function sysSetsid(t: Thread): number {
  const p = t.proc;
  if ([...p.kernel.procs.values()].some((x) => x.exitStatus === undefined && x.pgid === p.pid)) return -EPERM;
  p.pgid = p.sid = p.pid;
  p.hasTty = false;
  return p.pid;
}

function sysGetsid(t: Thread, a: Args): number {
  const pid = a.i32(0);
  if (pid === 0) return t.proc.sid;
  const p = t.proc.kernel.procs.get(pid);
  return p ? p.sid : -ESRCH;
}

export const procRows: SyscallRow[] = rows(NR, {
  getpid: [[], (t) => t.proc.pid],
  getppid: [[], (t) => t.proc.ppid],
  getuid: [[], () => 0],
  geteuid: [[], () => 0],
  getgid: [[], () => 0],
  getegid: [[], () => 0],
  getpgrp: [[], (t) => t.proc.pgid],
  getpgid: [["int"], sysGetpgid],
  setpgid: [["int", "int"], sysSetpgid],
  setsid: [[], sysSetsid],
  getsid: [["int"], sysGetsid],
  getgroups: [["int", "ptr"], () => 0],
  uname: [["ptr"], sysUname],
  prlimit64: [["int", "int", "ptr", "ptr"], sysPrlimit64],
  getrlimit: [["int", "ptr"], (t, a) => sysPrlimit64(t, new Args([0n, a.v[0]!, 0n, a.v[1]!]))],
  setrlimit: [["int", "ptr"], (t, a) => sysPrlimit64(t, new Args([0n, a.v[0]!, a.v[1]!, 0n]))],
  getrandom: [["ptr", "uint", "hex"], sysGetrandom],
  sched_getaffinity: [["int", "uint", "ptr"], sysSchedGetaffinity],
  sched_setaffinity: [["int", "uint", "ptr"], () => 0],
  prctl: [["int", "hex", "hex", "hex", "hex"], sysPrctl],
  getrusage: [["int", "ptr"], sysGetrusage],
  sysinfo: [["ptr"], sysSysinfo],
  getcpu: [["ptr", "ptr", "ptr"], (t, a) => {
    if (a.u(0)) t.proc.mem.writeU32(a.u(0), 0);
    if (a.u(1)) t.proc.mem.writeU32(a.u(1), 0);
    return 0;
  }],
});
