// Thread syscalls: clone (threads: Go's CLONE_VM|FS|FILES|SIGHAND|SYSVSEM|THREAD|SETTLS; processes in exec.ts),
// exit, exit_group, futex (WAIT/WAKE, private or not, with timeouts), set_tid_address, gettid,
// sched_yield (a real switch), arch_prctl (FS/GS base).

import { NR } from "../sysnums.js";
import { rows, BLOCK, NORETURN, type Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { EAGAIN, EINVAL, ENOSYS, ETIMEDOUT, EFAULT } from "../errno.js";
import {
  ARCH_GET_FS, ARCH_GET_GS, ARCH_SET_FS, ARCH_SET_GS, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_PARENT_SETTID,
  CLONE_SETTLS, CLONE_THREAD, CLONE_VM, FUTEX_CLOCK_REALTIME, FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_WAKE, FUTEX_WAKE_BITSET,
  CLOCK_MONOTONIC, CLOCK_REALTIME,
} from "../abi.js";
import { GPR } from "../../cpu/api.js";
import { clockNow, readTimespec } from "./time.js";
import { cloneProcess } from "./exec.js";

function sysClone(t: Thread, a: Args): number {
  const flags = a.u32(0), stack = a.u(1), ptid = a.u(2), ctid = a.u(3), tls = a.u(4);
  const p = t.proc;
  if (!(flags & CLONE_THREAD)) return cloneProcess(t, flags, stack, ptid, ctid, tls);
  if (!(flags & CLONE_VM)) return -EINVAL;
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
