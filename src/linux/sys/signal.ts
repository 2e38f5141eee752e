// Signal syscalls: rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigreturn, kill, tgkill,
// tkill, rt_sigpending, rt_sigsuspend, pause. Delivery and frames are in ../signal.ts.

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, NORETURN, type Args, type SyscallRow } from "../sysapi.js";
import type { Thread } from "../process.js";
import { EINTR, EINVAL, EPERM, ENOMEM, ESRCH, EFAULT } from "../errno.js";
import { MINSIGSTKSZ, NSIG, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, SIGKILL, SIGSTOP, SI_TKILL, SI_USER, SS_DISABLE, SS_ONSTACK, SIGSEGV } from "../abi.js";
import { UNBLOCKABLE, sendToProcess, sendToThread, sigreturn } from "../signal.js";
import { GPR } from "../../cpu/api.js";
import { GuestFault } from "../../mem/api.js";

function sysRtSigaction(t: Thread, a: Args): number {
  const sig = a.i32(0), act = a.u(1), oact = a.u(2), size = a.u(3);
  if (size !== 8 || sig < 1 || sig > NSIG) return -EINVAL;
  if (act && (sig === SIGKILL || sig === SIGSTOP)) return -EINVAL;
  const mem = t.proc.mem, cur = t.proc.sigactions[sig]!;
  let next = cur;
  if (act) {
    next = { handler: mem.readU64(act), flags: Number(mem.readU64Big(act + 8) & 0xffffffffn), restorer: mem.readU64(act + 16), mask: mem.readU64Big(act + 24) & ~UNBLOCKABLE };
  }
  if (oact) {
    mem.writeU64(oact, cur.handler);
    mem.writeU64(oact + 8, cur.flags >>> 0);
    mem.writeU64(oact + 16, cur.restorer);
    mem.writeU64Big(oact + 24, cur.mask);
  }
  t.proc.sigactions[sig] = next;
  return 0;
}

function sysRtSigprocmask(t: Thread, a: Args): number {
  const how = a.i32(0), set = a.u(1), oset = a.u(2), size = a.u(3);
  if (size !== 8) return -EINVAL;
  const mem = t.proc.mem;
  const old = t.sigmask;
  if (set) {
    const s = mem.readU64Big(set);
    if (how === SIG_BLOCK) t.sigmask |= s;
    else if (how === SIG_UNBLOCK) t.sigmask &= ~s;
    else if (how === SIG_SETMASK) t.sigmask = s;
    else return -EINVAL;
    t.sigmask &= ~UNBLOCKABLE;
    t.proc.dirty = true;
  }
  if (oset) mem.writeU64Big(oset, old);
  return 0;
}

function sysSigaltstack(t: Thread, a: Args): number {
  const ss = a.u(0), old = a.u(1), mem = t.proc.mem;
  const onAlt = t.onAltStack(t.cpu.getReg(GPR.RSP));
  if (ss) {
    const sp = mem.readU64(ss), flags = mem.readU32(ss + 8), size = mem.readU64(ss + 16);
    if (onAlt) return -EPERM;
    if (flags & ~(SS_DISABLE | 0x80000000)) return -EINVAL;
    if (flags & SS_DISABLE) {
      if (old) writeStack(t, old, onAlt);
      t.altFlags = SS_DISABLE;
      t.altSp = 0;
      t.altSize = 0;
      return 0;
    }
    if (size < MINSIGSTKSZ) return -ENOMEM;
    if (old) writeStack(t, old, onAlt);
    t.altSp = sp;
    t.altSize = size;
    t.altFlags = 0;
    return 0;
  }
  if (old) writeStack(t, old, onAlt);
  return 0;
}

function writeStack(t: Thread, at: number, onAlt: boolean): void {
  const mem = t.proc.mem;
  mem.writeU64(at, t.altSp);
  mem.writeU32(at + 8, onAlt ? SS_ONSTACK : t.altFlags);
  mem.writeU32(at + 12, 0);
  mem.writeU64(at + 16, t.altSize);
}

function sysRtSigreturn(t: Thread): number {
  try {
    sigreturn(t);
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    t.proc.killBySignal(SIGSEGV);
  }
  return NORETURN;
}

function sysKill(t: Thread, a: Args): number {
  const pid = a.i32(0), sig = a.i32(1), p = t.proc, k = p.kernel;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const info = { signo: sig, code: SI_USER, pid: p.pid, uid: 0 };
  if (pid > 0) {
    const target = k.procs.get(pid);
    if (!target) return -ESRCH;
    // A zombie can still be signalled (nothing happens).
    if (sig !== 0 && target.exitStatus === undefined) sendToProcess(target, info);
    return 0;
  }
  // A process group (0: the caller's), or every process but the caller (-1).
  const group = pid === 0 ? p.pgid : -pid;
  const targets = [...k.procs.values()].filter((x) => x.exitStatus === undefined && (pid === -1 ? x !== p : x.pgid === group));
  if (targets.length === 0) return pid === -1 ? 0 : -ESRCH;
  if (sig !== 0) for (const x of targets) sendToProcess(x, info);
  return 0;
}

function sysTgkill(t: Thread, a: Args): number {
  const tgid = a.i32(0), tid = a.i32(1), sig = a.i32(2), p = t.proc;
  if (sig < 0 || sig > NSIG || tid <= 0 || tgid <= 0) return -EINVAL;
  const proc = p.kernel.procs.get(tgid);
  const target = proc?.thread(tid);
  if (!target) return -ESRCH;
  if (sig !== 0) sendToThread(target, { signo: sig, code: SI_TKILL, pid: p.pid, uid: 0 });
  return 0;
}

function sysTkill(t: Thread, a: Args): number {
  const tid = a.i32(0), sig = a.i32(1), p = t.proc;
  if (sig < 0 || sig > NSIG || tid <= 0) return -EINVAL;
  const target = p.kernel.thread(tid);
  if (!target) return -ESRCH;
  if (sig !== 0) sendToThread(target, { signo: sig, code: SI_TKILL, pid: p.pid, uid: 0 });
  return 0;
}

/** pause: wait until a signal is delivered; returns EINTR (after its handler, if any, ran). */
function sysPause(t: Thread): number {
  t.proc.park(t, { deadline: Infinity, interruptible: true, onTimeout: () => -EINTR });
  return BLOCK;
}

/** rt_sigsuspend: wait for a signal with the mask replaced; the old mask goes into the handler's
 *  frame (so rt_sigreturn restores it), or back at once when no handler runs. */
function sysRtSigsuspend(t: Thread, a: Args): number {
  if (a.u(1) !== 8) return -EINVAL;
  const set = t.proc.mem.readU64Big(a.u(0));
  t.suspendMask = t.sigmask;
  t.sigmask = set & ~UNBLOCKABLE;
  t.proc.dirty = true;
  t.proc.park(t, { deadline: Infinity, interruptible: true, onTimeout: () => -EINTR });
  return BLOCK;
}

function sysRtSigpending(t: Thread, a: Args): number {
  let set = 0n;
  for (const s of t.pending) set |= 1n << BigInt(s.signo - 1);
  if (!a.u(0)) return -EFAULT;
  t.proc.mem.writeU64Big(a.u(0), set & t.sigmask);
  return 0;
}

export const signalRows: SyscallRow[] = rows(NR, {
  rt_sigaction: [["signal", "ptr", "ptr", "uint"], sysRtSigaction],
  rt_sigprocmask: [["sighow", "ptr", "ptr", "uint"], sysRtSigprocmask],
  sigaltstack: [["ptr", "ptr"], sysSigaltstack],
  rt_sigreturn: [[], sysRtSigreturn],
  rt_sigpending: [["ptr", "uint"], sysRtSigpending],
  rt_sigsuspend: [["ptr", "uint"], sysRtSigsuspend],
  pause: [[], sysPause],
  kill: [["int", "signal"], sysKill],
  tgkill: [["int", "int", "signal"], sysTgkill],
  tkill: [["int", "signal"], sysTkill],
});
