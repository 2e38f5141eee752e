// The syscall table (one row per syscall: number, name, argument kinds, handler) and the
// dispatcher the scheduler calls on a SYSCALL stop. Unknown syscalls return -ENOSYS with one
// warning each. The same rows format --strace lines.

import { GPR } from "../cpu/api.js";
import { GuestFault } from "../mem/api.js";
import { Args, BLOCK, NORETURN, type SyscallRow } from "./sysapi.js";
import type { Process, Thread } from "./process.js";
import { EFAULT, ENOSYS } from "./errno.js";
import { SYSCALL_NAMES } from "./sysnums.generated.js";
import { formatSyscall } from "./strace.js";
import { memRows } from "./sys/mem.js";
import { threadRows } from "./sys/thread.js";
import { signalRows } from "./sys/signal.js";
import { timeRows } from "./sys/time.js";
import { fsRows } from "./sys/fs.js";
import { pollRows } from "./sys/poll.js";
import { procRows } from "./sys/proc.js";
import { netRows } from "./sys/net.js";
import { execRows } from "./sys/exec.js";
import { waitRows } from "./sys/wait.js";
import { flockRows } from "./sys/flock.js";
import { copyRows } from "./sys/copy.js";
import { xattrRows } from "./sys/xattr.js";

export const TABLE: (SyscallRow | undefined)[] = new Array(512).fill(undefined);
for (const group of [memRows, threadRows, signalRows, timeRows, fsRows, pollRows, procRows, netRows, execRows, waitRows, flockRows, copyRows, xattrRows]) {
  for (const r of group) {
    if (TABLE[r.nr]) throw new Error(`syscall ${r.name} defined twice`);
    TABLE[r.nr] = r;
  }
}

const ARG_REGS = [GPR.RDI, GPR.RSI, GPR.RDX, GPR.R10, GPR.R8, GPR.R9];

/** Handle the SYSCALL the thread stopped on: run it, write RAX (or park the thread). */
export function doSyscall(t: Thread): void {
  const cpu = t.cpu, p = t.proc;
  const nrBig = cpu.getRegBig(GPR.RAX);
  const nr = nrBig < 512n ? Number(nrBig) : -1;
  const args = ARG_REGS.map((r) => cpu.getRegBig(r));
  t.sysNr = nr;
  t.sysArgs = args;
  const row = nr >= 0 ? TABLE[nr] : undefined;
  let r: number;
  // execve replaces the address space: strace reads its arguments from the old one.
  const mem = p.mem;
  if (!row) {
    const name = SYSCALL_NAMES.get(nr) ?? "unknown";
    p.warnOnce(`sys${nrBig}`, `rt0: warning: syscall ${nrBig} (${name}) not implemented, returning ENOSYS`);
    r = -ENOSYS;
  } else {
    try {
      r = row.handler(t, new Args(args));
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      r = -EFAULT;
    }
  }
  p.dirty = true;
  if (r === BLOCK) return;
  if (r === NORETURN) {
    // rt_sigreturn "returns" the restored RAX, a successful execve 0; exit and exit_group never return.
    const shown = row?.name === "rt_sigreturn" ? Number(BigInt.asIntN(64, cpu.getRegBig(GPR.RAX))) : row?.name === "execve" ? 0 : undefined;
    if (p.opts.strace) p.opts.strace(prefix(t) + formatSyscall(nr, row?.name ?? "", row, args, shown, mem) + "\n");
    t.sysNr = -1;
    return;
  }
  p.finishSyscall(t, r);
}

function prefix(t: Thread): string {
  return t.proc.kernel.multi() ? `[pid ${t.tid}] ` : "";
}

/** Route finished syscalls to the --strace sink. */
export function installStrace(p: Process): void {
  const sink = p.opts.strace;
  if (!sink) return;
  p.onSyscallDone = (t, result) => {
    const nr = t.sysNr;
    if (nr < 0 && t.sysArgs.length === 0) return;
    const row = nr >= 0 ? TABLE[nr] : undefined;
    sink(prefix(t) + formatSyscall(nr, row?.name ?? SYSCALL_NAMES.get(nr) ?? "", row, t.sysArgs, result, t.proc.mem) + "\n");
  };
}
