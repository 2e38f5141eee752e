// Waiting for and signalling child processes: wait4 and waitid (P_ALL, P_PID, P_PGID, P_PIDFD;
// WNOHANG, WNOWAIT, __WCLONE/__WALL), pidfd_open and pidfd_send_signal as Go's os package
// uses them (Go 1.23+ checks all of them before it trusts pidfds).

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, type Args, type SyscallRow } from "../sysapi.js";
import { CLD_EXITED, CLD_KILLED, type Process, type Thread } from "../process.js";
import { EBADF, ECHILD, EINVAL, ESRCH } from "../errno.js";
import { NSIG, O_NONBLOCK, SI_USER, SIGCHLD } from "../abi.js";
import { PidFd } from "../files.js";
import { sendToProcess } from "../signal.js";

const WNOHANG = 1, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

/** Which children a wait selects: any, one pid, or a process group. */
type Sel = { kind: "all" } | { kind: "pid"; pid: number } | { kind: "pgid"; pgid: number };

function selects(c: Process, sel: Sel, options: number): boolean {
  if (sel.kind === "pid" && c.pid !== sel.pid) return false;
  if (sel.kind === "pgid" && c.pgid !== sel.pgid) return false;
  if (options & __WALL) return true;
  // A "clone" child is one whose exit signal is not SIGCHLD: only __WCLONE waits for those.
  const cloneChild = c.exitSignal !== SIGCHLD;
  return ((options & __WCLONE) !== 0) === cloneChild;
}

/** An ended child the selection matches, null when matching children all still run, or
 *  -ECHILD when none matches. */
function findZombie(p: Process, sel: Sel, options: number): Process | null | number {
  let any = false;
  for (const c of p.children) {
    if (!selects(c, sel, options)) continue;
    any = true;
    if (c.exitStatus !== undefined) return c;
  }
  return any ? null : -ECHILD;
}

function reap(p: Process, c: Process): void {
  p.children.delete(c);
  p.kernel.procs.delete(c.pid);
}

/** struct rusage: rt0 keeps no per-child accounting beyond instructions (user time, as getrusage). */
function writeRusage(p: Process, addr: number, c: Process | undefined): void {
  if (!addr) return;
  const b = new Uint8Array(144);
  if (c) {
    const us = Math.floor(c.retired / 1000);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(Math.floor(us / 1e6)), true);
    dv.setBigUint64(8, BigInt(us % 1e6), true);
  }
  p.mem.write(addr, b);
}

/** Finish now (a result) or park `t` until a child ends (BLOCK); WNOHANG answers at once. */
function waitFor(t: Thread, sel: Sel, options: number, done: (c: Process | undefined) => number): number {
  const p = t.proc;
  const attempt = (): number | undefined => {
    const z = findZombie(p, sel, options);
    if (typeof z === "number") return z;
    if (z === null) return (options & WNOHANG) ? done(undefined) : undefined;
    return done(z);
  };
  const r = attempt();
  if (r !== undefined) return r;
  p.park(t, { deadline: Infinity, interruptible: true, onTimeout: () => -ECHILD, poll: attempt });
  return BLOCK;
}

function sysWait4(t: Thread, a: Args): number {
  const pid = a.i32(0), status = a.u(1), options = a.i32(2), rusage = a.u(3), p = t.proc;
  if (options & ~(WNOHANG | WSTOPPED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  const sel: Sel = pid < -1 ? { kind: "pgid", pgid: -pid } : pid === -1 ? { kind: "all" } : pid === 0 ? { kind: "pgid", pgid: p.pgid } : { kind: "pid", pid };
  return waitFor(t, sel, options, (c) => {
    if (!c) return 0;
    if (status) p.mem.writeU32(status, c.waitStatus);
    writeRusage(p, rusage, c);
    reap(p, c);
    return c.pid;
  });
}

function sysWaitid(t: Thread, a: Args): number {
  const idtype = a.i32(0), id = a.i32(1), infop = a.u(2), options = a.i32(3), rusage = a.u(4), p = t.proc;
  if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -EINVAL;
  let sel: Sel;
  switch (idtype) {
    case P_ALL: sel = { kind: "all" }; break;
    case P_PID: if (id <= 0) return -EINVAL; sel = { kind: "pid", pid: id }; break;
    case P_PGID: if (id < 0) return -EINVAL; sel = { kind: "pgid", pgid: id === 0 ? p.pgid : id }; break;
    case P_PIDFD: {
      const f = p.getFile(id);
      if (!f) return -EBADF;
      if (!(f instanceof PidFd)) return -EINVAL;
      sel = { kind: "pid", pid: f.target.pid };
      break;
    }
    default: return -EINVAL;
  }
  // Children never stop or continue here: without WEXITED nothing can ever be reported.
  if (!(options & WEXITED)) {
    const z = findZombie(p, sel, options);
    if (typeof z === "number") return z;
    if (!(options & WNOHANG)) {
      p.park(t, { deadline: Infinity, interruptible: true, onTimeout: () => -ECHILD, poll: () => {
        const y = findZombie(p, sel, options);
        return typeof y === "number" ? y : undefined;
      } });
      return BLOCK;
    }
    if (infop) p.mem.write(infop, new Uint8Array(32));
    return 0;
  }
  return waitFor(t, sel, options, (c) => {
    if (infop) {
      const b = new Uint8Array(128), dv = new DataView(b.buffer);
      if (c) {
        dv.setInt32(0, SIGCHLD, true);
        dv.setInt32(8, c.killedBy ? CLD_KILLED : CLD_EXITED, true);
        dv.setInt32(16, c.pid, true);
        dv.setInt32(20, 0, true);
        dv.setInt32(24, c.killedBy || (c.exitStatus ?? 0), true);
      }
      p.mem.write(infop, b.subarray(0, c ? 128 : 32));
    }
    writeRusage(p, rusage, c);
    if (c && !(options & WNOWAIT)) reap(p, c);
    return 0;
  });
}

function sysPidfdOpen(t: Thread, a: Args): number {
  const pid = a.i32(0), flags = a.u32(1), p = t.proc;
  if (flags & ~O_NONBLOCK) return -EINVAL;
  if (pid <= 0) return -EINVAL;
  const target = p.kernel.procs.get(pid);
  if (!target) return -ESRCH;
  return p.allocFd(new PidFd(target, flags), true);
}

function sysPidfdSendSignal(t: Thread, a: Args): number {
  const fd = a.i32(0), sig = a.i32(1), info = a.u(2), flags = a.u32(3), p = t.proc;
  if (flags !== 0 || info !== 0) return -EINVAL;
  if (sig < 0 || sig > NSIG) return -EINVAL;
  const f = p.getFile(fd);
  if (!f) return -EBADF;
  if (!(f instanceof PidFd)) return -EBADF;
  const target = f.target as Process;
  if (target.exitStatus !== undefined) return -ESRCH;
  if (sig !== 0) sendToProcess(target, { signo: sig, code: SI_USER, pid: p.pid, uid: 0 });
  return 0;
}

export const waitRows: SyscallRow[] = rows(NR, {
  wait4: [["int", "ptr", "hex", "ptr"], sysWait4],
  waitid: [["int", "int", "ptr", "hex", "ptr"], sysWaitid],
  pidfd_open: [["int", "hex"], sysPidfdOpen],
  pidfd_send_signal: [["fd", "signal", "ptr", "hex"], sysPidfdSendSignal],
});
