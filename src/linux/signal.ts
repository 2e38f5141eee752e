// Signal delivery as the x86-64 kernel does it: the rt_sigframe (return address, ucontext with
// gregs and a pointer to the FXSAVE area, siginfo) on the thread's stack or sigaltstack, the
// handler entered with RDI=signo, RSI=&siginfo, RDX=&ucontext; and its full undo on rt_sigreturn.

import { GPR } from "../cpu/api.js";
import { GuestFault } from "../mem/api.js";
import type { Process, SigInfo, Thread } from "./process.js";
import { BLOCKED, EXITED } from "./process.js";
import { EINTR } from "./errno.js";
import { SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SI_USER, SIG_DFL, SIG_IGN, SIGKILL, SIGPIPE, SIGSEGV, SIGSTOP, SS_ONSTACK, defaultAction } from "./abi.js";
import { NR } from "./sysnums.generated.js";

export const sigbit = (sig: number): bigint => 1n << BigInt(sig - 1);
/** Signals that can never be blocked. */
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);

// Offsets inside the frame (from its base, where the return address sits).
const UC = 8;
const UC_STACK = UC + 16;
const MCTX = UC + 40;
const UC_SIGMASK = UC + 40 + 256;
const SIGINFO = UC + 304;
export const FRAME_SIZE = SIGINFO + 128;
const FPSTATE_SIZE = 512;

/** gregs order in the mcontext (the kernel's struct sigcontext). */
const GREG_ORDER = [GPR.R8, GPR.R9, GPR.R10, GPR.R11, GPR.R12, GPR.R13, GPR.R14, GPR.R15, GPR.RDI, GPR.RSI,
  GPR.RBP, GPR.RBX, GPR.RDX, GPR.RAX, GPR.RCX, GPR.RSP];
/** RFLAGS bits user code may change through sigreturn (the kernel's FIX_EFLAGS). */
const FIX_EFLAGS = 0x50dd5;

/** A signal that would be ignored and is not blocked is dropped when sent, as Linux does (it
 *  interrupts nothing). */
function ignoredNow(t: Thread, sig: number): boolean {
  if ((t.sigmask & sigbit(sig)) !== 0n) return false;
  const h = t.proc.sigactions[sig]?.handler;
  return h === SIG_IGN || (h === SIG_DFL && defaultAction(sig) === "ign");
}

/** Syscalls that raise SIGPIPE when they fail with EPIPE (a pipe or stream socket whose reader
 *  has gone: Linux's pipe_write and stream sendmsg call send_sig(SIGPIPE, current)), with the
 *  argument holding MSG_NOSIGNAL where there is one (-1: none). */
const SIGPIPE_CALLS = new Map<number, number>([
  [NR.write, -1], [NR.writev, -1], [NR.pwritev2, -1], [NR.sendfile, -1], [NR.splice, -1], [NR.tee, -1],
  [NR.vmsplice, -1], [NR.sendto, 3], [NR.sendmsg, 2], [NR.sendmmsg, 3],
]);
const MSG_NOSIGNAL = 0x4000n;

/** A syscall of t ended with EPIPE: the SIGPIPE Linux sends the writing thread with it. */
export function raiseSigpipe(t: Thread, nr: number, args: readonly bigint[]): void {
  const flagsArg = SIGPIPE_CALLS.get(nr);
  if (flagsArg === undefined || (flagsArg >= 0 && ((args[flagsArg] ?? 0n) & MSG_NOSIGNAL) !== 0n)) return;
  sendToThread(t, { signo: SIGPIPE, code: SI_USER, pid: t.proc.pid, uid: 0 });
}

/** Queue an asynchronous signal for one thread (tgkill/tkill). */
export function sendToThread(t: Thread, info: SigInfo): void {
  if (t.state === EXITED || ignoredNow(t, info.signo)) return;
  if (info.signo < 32 && t.pending.some((p) => p.signo === info.signo)) return;
  t.pending.push(info);
  t.proc.dirty = true;
}

/** Queue a process-directed signal (kill): to the first thread not blocking it. */
export function sendToProcess(p: Process, info: SigInfo): void {
  const live = p.threads.filter((t) => t.state !== EXITED);
  if (live.length === 0) return;
  // SIGKILL needs no thread to run: the process ends now, whatever its threads wait for.
  if (info.signo === SIGKILL) return p.killBySignal(SIGKILL);
  const t = live.find((x) => (x.sigmask & sigbit(info.signo)) === 0n) ?? live[0]!;
  sendToThread(t, info);
}

function deliverable(t: Thread): number {
  for (let i = 0; i < t.pending.length; i++) {
    const s = t.pending[i]!.signo;
    if ((t.sigmask & sigbit(s)) === 0n || (UNBLOCKABLE & sigbit(s)) !== 0n) return i;
  }
  return -1;
}

export function hasDeliverable(t: Thread): boolean {
  return t.pending.length > 0 && deliverable(t) >= 0;
}

/** Before t runs: end an interruptible wait with EINTR and deliver one pending signal. */
export function deliverPending(t: Thread): void {
  if (t.pending.length === 0) return;
  const i = deliverable(t);
  if (i < 0) return;
  if (t.state === BLOCKED) {
    if (!t.wait?.interruptible) return;
    t.proc.unpark(t, -EINTR);
  }
  const info = t.pending.splice(i, 1)[0]!;
  deliver(t, info);
  // rt_sigsuspend's mask comes back now when no handler frame took it.
  if (t.suspendMask !== undefined) {
    t.sigmask = t.suspendMask;
    t.suspendMask = undefined;
  }
}

/** A synchronous signal from the CPU (fault, divide error, illegal instruction, breakpoint):
 *  delivered now; if blocked or ignored the process dies, as Linux's force_sig does. */
export function forceSignal(t: Thread, info: SigInfo): void {
  const act = t.proc.sigactions[info.signo]!;
  const blocked = (t.sigmask & sigbit(info.signo)) !== 0n;
  if (blocked || act.handler === SIG_IGN) {
    act.handler = SIG_DFL;
    t.sigmask &= ~sigbit(info.signo);
  }
  deliver(t, info);
}

/** Act on a signal now: ignore it, take the default action, or enter the handler. */
export function deliver(t: Thread, info: SigInfo): void {
  const p = t.proc;
  const sig = info.signo;
  const act = p.sigactions[sig]!;
  if (sig === SIGKILL) return p.killBySignal(sig);
  if (act.handler === SIG_IGN) return;
  if (act.handler === SIG_DFL) {
    const d = defaultAction(sig);
    if (d === "ign" || d === "stop") return;
    return p.killBySignal(sig);
  }
  try {
    setupFrame(t, info);
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    // Cannot write the frame: the kernel kills with SIGSEGV.
    return p.killBySignal(SIGSEGV);
  }
  t.sigmask |= act.mask;
  if (!(act.flags & SA_NODEFER)) t.sigmask |= sigbit(sig);
  t.sigmask &= ~UNBLOCKABLE;
  if (act.flags & SA_RESETHAND) act.handler = SIG_DFL;
}

function setupFrame(t: Thread, info: SigInfo): void {
  const cpu = t.cpu, mem = t.proc.mem;
  const act = t.proc.sigactions[info.signo]!;
  const rsp = cpu.getReg(GPR.RSP);
  let sp: number;
  const onAlt = t.onAltStack(rsp);
  if ((act.flags & SA_ONSTACK) && t.altFlags === 0 && !onAlt) sp = t.altSp + t.altSize;
  else sp = rsp - 128; // skip the red zone
  const fp = Math.floor((sp - FPSTATE_SIZE) / 64) * 64;
  const f = Math.floor((fp - FRAME_SIZE) / 16) * 16 - 8;

  // The mask rt_sigreturn restores: rt_sigsuspend's saved one while it waits.
  const oldMask = t.suspendMask ?? t.sigmask;
  mem.write(fp, cpu.fxsave());
  const frame = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(frame.buffer);
  const put = (off: number, v: bigint): void => dv.setBigUint64(off, v, true);
  put(0, BigInt(act.restorer));
  // ucontext: uc_flags, uc_link, uc_stack
  put(UC, 0n);
  put(UC + 8, 0n);
  put(UC_STACK, BigInt(t.altSp));
  dv.setInt32(UC_STACK + 8, t.altFlags === 0 ? (onAlt ? SS_ONSTACK : 0) : t.altFlags, true);
  put(UC_STACK + 16, BigInt(t.altSize));
  GREG_ORDER.forEach((r, i) => put(MCTX + 8 * i, cpu.getRegBig(r)));
  put(MCTX + 128, BigInt(cpu.rip));
  put(MCTX + 136, BigInt(cpu.rflags >>> 0));
  dv.setUint16(MCTX + 144, 0x33, true); // cs
  dv.setUint16(MCTX + 150, 0x2b, true); // ss
  const isFault = info.addr !== undefined;
  put(MCTX + 152, 0n); // err
  put(MCTX + 160, BigInt(isFault && info.signo === SIGSEGV ? 14 : 0)); // trapno
  put(MCTX + 168, oldMask & 0xffffffffn); // oldmask
  put(MCTX + 176, BigInt(info.addr ?? 0)); // cr2
  put(MCTX + 184, BigInt(fp)); // fpstate
  put(UC_SIGMASK, oldMask);
  // siginfo
  dv.setInt32(SIGINFO, info.signo, true);
  dv.setInt32(SIGINFO + 4, 0, true);
  dv.setInt32(SIGINFO + 8, info.code, true);
  if (info.addr !== undefined) put(SIGINFO + 16, BigInt(info.addr));
  else {
    dv.setInt32(SIGINFO + 16, info.pid ?? 0, true);
    dv.setInt32(SIGINFO + 20, info.uid ?? 0, true);
    if (info.status !== undefined) dv.setInt32(SIGINFO + 24, info.status, true);
  }
  mem.write(f, frame);
  t.suspendMask = undefined;

  cpu.setReg(GPR.RSP, f);
  cpu.setReg(GPR.RDI, info.signo);
  cpu.setReg(GPR.RSI, f + SIGINFO);
  cpu.setReg(GPR.RDX, f + UC);
  cpu.setReg(GPR.RAX, 0);
  cpu.rip = act.handler;
  // The kernel clears DF and TF on handler entry.
  cpu.rflags = (cpu.rflags & ~0x500) >>> 0;
}

/** rt_sigreturn: restore everything from the frame whose ucontext is at RSP (after the
 *  handler's RET popped the return address). Throws GuestFault when the frame is unreadable. */
export function sigreturn(t: Thread): void {
  const cpu = t.cpu, mem = t.proc.mem;
  const f = cpu.getReg(GPR.RSP) - 8;
  const raw = mem.read(f, FRAME_SIZE);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const get = (off: number): bigint => dv.getBigUint64(off, true);
  const fp = Number(get(MCTX + 184));
  if (fp !== 0) cpu.fxrstor(mem.read(fp, FPSTATE_SIZE));
  GREG_ORDER.forEach((r, i) => cpu.setRegBig(r, get(MCTX + 8 * i)));
  cpu.rip = Number(get(MCTX + 128));
  const fl = Number(get(MCTX + 136) & 0xffffffffn);
  cpu.rflags = ((cpu.rflags & ~FIX_EFLAGS) | (fl & FIX_EFLAGS) | 0x202) >>> 0;
  t.sigmask = get(UC_SIGMASK) & ~UNBLOCKABLE;
  t.proc.dirty = true;
}
