// Thread syscalls: clone and clone3 (threads: Go's CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD|SETTLS; processes in exec.ts),
// exit, exit_group, futex (WAIT/WAKE, private or not, with timeouts), set_tid_address, gettid,
// sched_yield (a real switch), arch_prctl (FS/GS base).

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, NORETURN, type Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { E2BIG, EAGAIN, EINVAL, ENOSYS, ETIMEDOUT, EFAULT } from "../errno.js";
import {
  ARCH_GET_FS, ARCH_GET_GS, ARCH_SET_FS, ARCH_SET_GS, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_PARENT_SETTID,
  CLONE_SETTLS, CLONE_THREAD, CLONE_VM, FUTEX_CLOCK_REALTIME, FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_WAKE, FUTEX_WAKE_BITSET,
  CLOCK_MONOTONIC, CLOCK_REALTIME,
} from "../abi.js";
import { GPR } from "../../cpu/api.js";
import { clockNow, readTimespec } from "./time.js";
import { atTaskLimit, cloneProcess, CLONE_PIDFD } from "./exec.js";

function sysClone(t: Thread, a: Args): number {
  return doClone(t, a.u32(0), a.u(1), a.u(2), a.u(3), a.u(4));
}

/** clone3(struct clone_args *, size), which glibc 2.34+ tries first for pthread_create and
 *  posix_spawn: the same clones as clone, the exit signal in its own field, the stack given as
 *  base and size. */
function sysClone3(t: Thread, a: Args): number {
  const args = a.u(0), size = a.u(1), mem = t.proc.mem;
  if (size < 64 || size > 4096) return -EINVAL;
  const word = (i: number): bigint => (8 * i < size ? mem.readU64Big(args + 8 * i) : 0n);
  const flags = word(0), pidfd = Number(word(1)), ctid = Number(word(2)), ptid = Number(word(3));
  const exitSignal = word(4), stack = Number(word(5)), stackSize = Number(word(6)), tls = Number(word(7));
  const setTidSize = word(9), cgroup = word(10);
  // CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP and set_tid (choosing the child's pid) are not modelled.
  if (flags >> 32n !== 0n || exitSignal > 64n || setTidSize !== 0n || cgroup !== 0n) return -EINVAL;
  if ((stack === 0) !== (stackSize === 0)) return -EINVAL;
  for (let i = 11; 8 * i < size; i++) if (mem.readU64Big(args + 8 * i) !== 0n) return -E2BIG;
  let f = Number(flags);
  if (f & 0xff) return -EINVAL;
  const top = stack === 0 ? 0 : stack + stackSize;
  if (f & CLONE_THREAD) return doClone(t, f, top, ptid, ctid, tls);
  if ((f & CLONE_PIDFD) && (f & CLONE_PARENT_SETTID)) {
    t.proc.warnOnce("clone3-pidfd-settid", "rt0: warning: clone3 with both CLONE_PIDFD and CLONE_PARENT_SETTID not implemented, returning ENOSYS");
    return -ENOSYS;
  }
  f |= Number(exitSignal);
  return cloneProcess(t, f, top, f & CLONE_PIDFD ? pidfd : ptid, ctid, tls);
}

function doClone(t: Thread, flags: number, stack: number, ptid: number, ctid: number, tls: number): number {
  const p = t.proc;
  if (!(flags & CLONE_THREAD)) return cloneProcess(t, flags, stack, ptid, ctid, tls);
  if (!(flags & CLONE_VM)) return -EINVAL;
  if (atTaskLimit(p)) return -EAGAIN;
  const cpu = p.newCpu();
  cpu.copyStateFrom(t.cpu);
  const child = p.newThread(cpu);
  child.sigmask = t.sigmask;
  if (stack) cpu.setReg(GPR.RSP, stack);
  if (flags & CLONE_SETTLS) cpu.fsBase = tls;
  cpu.setReg(GPR.RAX, 0);
  if (flags & CLONE_PARENT_SETTID) p.mem.writeU32(ptid, child.tid);
  if (flags & CLONE_CHILD_SETTID) p.mem.writeU32(ctid, child.tid);
  if (flags & CLONE_CHILD_CLEARTID) child.clearTid = ctid;
  p.dirty = true;
  return child.tid;
}

function sysExit(t: Thread, a: Args): number {
  t.proc.exitThread(t, a.i32(0) & 0xff);
  return NORETURN;
}

function sysExitGroup(t: Thread, a: Args): number {
  if (t.proc.exitStatus === undefined) t.proc.exitCaller = t;
  t.proc.exitGroup(a.i32(0) & 0xff);
  return NORETURN;
}

function sysFutex(t: Thread, a: Args): number {
  const addr = a.u(0), op = a.i32(1), val = a.u32(2), p = t.proc;
  const cmd = op & 127;
  if (addr % 4 !== 0) return -EINVAL;
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const cur = p.mem.readU32(addr);
      if (cur !== val) return -EAGAIN;
      let deadline = Infinity;
      const ts = a.u(3);
      if (ts) {
        const ns = readTimespec(p.mem, ts);
        if (ns < 0) return -EINVAL;
        if (cmd === FUTEX_WAIT) deadline = p.clock.monotonicNs() + ns;
        else {
          // Absolute: on CLOCK_REALTIME when asked, converted to our monotonic timeline.
          const clk = op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
          deadline = p.clock.monotonicNs() + (ns - clockNow(p, clk));
        }
      }
      p.park(t, { deadline, futex: addr, onTimeout: () => -ETIMEDOUT, interruptible: true });
      return BLOCK;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
      return p.futexWake(addr, val);
    default:
      p.warnOnce(`futex-${cmd}`, `rt0: warning: futex op ${cmd} not implemented, returning ENOSYS`);
      return -ENOSYS;
  }
}

function sysSetTidAddress(t: Thread, a: Args): number {
  t.clearTid = a.u(0);
  return t.tid;
}

function sysSchedYield(t: Thread): number {
  t.proc.yieldNow = true;
  return 0;
}

function sysArchPrctl(t: Thread, a: Args): number {
  const code = a.i32(0), addr = a.u(1), cpu = t.cpu;
  switch (code) {
    case ARCH_SET_FS: cpu.fsBase = addr; return 0;
    case ARCH_SET_GS: cpu.gsBase = addr; return 0;
    case ARCH_GET_FS: t.proc.mem.writeU64(addr, cpu.fsBase); return 0;
    case ARCH_GET_GS: t.proc.mem.writeU64(addr, cpu.gsBase); return 0;
    default: return -EINVAL;
  }
}

export const threadRows: SyscallRow[] = rows(NR, {
  clone: [["cloneflags", "ptr", "ptr", "ptr", "ptr"], sysClone],
  clone3: [["ptr", "uint"], sysClone3],
  exit: [["int"], sysExit],
  exit_group: [["int"], sysExitGroup],
  futex: [["ptr", "futexop", "int", "ptr", "ptr", "int"], sysFutex],
  set_tid_address: [["ptr"], sysSetTidAddress],
  gettid: [[], (t) => t.tid],
  sched_yield: [[], sysSchedYield],
  arch_prctl: [["archprctl", "hex"], sysArchPrctl],
  set_robust_list: [["ptr", "uint"], () => 0],
  rseq: [["ptr", "uint", "int", "hex"], () => -ENOSYS],
  get_robust_list: [["int", "ptr", "ptr"], () => -EFAULT],
});
