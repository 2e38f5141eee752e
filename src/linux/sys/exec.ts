// New processes: clone without CLONE_THREAD (Go's vfork: CLONE_VM|CLONE_VFORK, with CLONE_PIDFD
// since Go 1.23; glibc's fork: a copy of the address space), vfork, fork, and execve/execveat of
// an x86-64 ELF (static, or dynamically linked with its interpreter) or a #! script read through
// the Vfs, which gives the process a new address space and one thread with the new image.

import { NR } from "../sysnums.generated.js";
import { rows, BLOCK, NORETURN, type Args, type SyscallRow } from "../sysapi.js";
import { Process, EXITED, type Thread } from "../process.js";
import { E2BIG, EAGAIN, EACCES, EFAULT, ELOOP, EINVAL, ENAMETOOLONG, ENOENT, ENOEXEC, ENOMEM, ENOSYS } from "../errno.js";
import {
  AT_EMPTY_PATH, AT_FDCWD, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_PARENT_SETTID, CLONE_SETTLS, CLONE_VFORK,
  CLONE_VM, O_RDONLY, SIG_IGN, SIGCHLD,
} from "../abi.js";
import { PidFd } from "../files.js";
import { cleanPath, readGuestFile, S_IFMT, S_IFREG } from "../vfs.js";
import { loadElf, checkRunnable, InterpError } from "../loader.js";
import { resolveAt } from "./fs.js";
import { UserError } from "../../base/assert.js";
import { GPR } from "../../cpu/api.js";
import { GuestMemoryExhausted, HostOutOfMemory } from "../../mem/api.js";
import { RLIMIT_NPROC, softLimit } from "../rlimit.js";

export const CLONE_PIDFD = 0x1000;
/** Flags a process clone may carry that change nothing here (SIGCHLD etc. are in the low byte). */
const CLONE_HARMLESS = 0x00800000 /* CLONE_UNTRACED */ | 0x00002000 /* CLONE_PTRACE */ | 0x00400000 /* CLONE_DETACHED */;
const X_OK = 1;
const MAX_ARGS = 1 << 17, MAX_ARG_BYTES = 2 << 20;
/** How much of a #! line Linux reads (since 5.1). */
const BINPRM_BUF_SIZE = 256;

/** clone without CLONE_THREAD: a child process sharing the address space (CLONE_VM), the
 *  parent thread parked until it execs or exits when CLONE_VFORK asks for that. */
export function cloneProcess(t: Thread, flags: number, stack: number, ptid: number, ctid: number, tls: number): number {
  const p = t.proc;
  const known = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
    CLONE_CHILD_CLEARTID | CLONE_HARMLESS | 0xff;
  // Without CLONE_VM: a copy of the address space (glibc's fork), when the memory can copy
  // itself and holds no writable shared file mapping (whose pages would have to stay shared).
  const fork = !(flags & CLONE_VM) && p.mem.clone !== undefined && !p.kernel.shared.hasStores(p.mem);
  if ((!(flags & CLONE_VM) && !fork) || (flags & ~known) !== 0) {
    // Shared fs/files/handlers/namespaces, or a fork rt0 cannot copy.
    p.warnOnce(`clone-${flags}`, `rt0: warning: clone of a process with flags 0x${(flags >>> 0).toString(16)} not implemented (only CLONE_VM [|CLONE_VFORK|CLONE_PIDFD], or a fork without writable MAP_SHARED file mappings), returning ENOSYS`);
    return -ENOSYS;
  }
  if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID)) return -EINVAL;
  if (atTaskLimit(p)) return -EAGAIN;
  let mem = p.mem;
  if (fork) {
    try {
      mem = p.mem.clone!();
    } catch (e) {
      // The guest's memory limit, or the host's memory: fork fails as Linux's does.
      if (e instanceof GuestMemoryExhausted || e instanceof HostOutOfMemory) return -ENOMEM;
      throw e;
    }
  }
  const child = new Process(p.kernel, { mem, exePath: p.exePath, parent: p });
  if (fork) p.kernel.shared.forked(p.mem, child.mem);
  child.exitSignal = flags & 0xff;
  child.vforkDone = (flags & CLONE_VFORK) === 0;
  const cpu = child.newCpu();
  cpu.copyStateFrom(t.cpu);
  if (stack) cpu.setReg(GPR.RSP, stack);
  if (flags & CLONE_SETTLS) cpu.fsBase = tls;
  cpu.setReg(GPR.RAX, 0);
  const ct = child.newThread(cpu);
  ct.sigmask = t.sigmask;
  ct.altSp = t.altSp;
  ct.altSize = t.altSize;
  ct.altFlags = t.altFlags;
  if (flags & CLONE_PIDFD) p.mem.writeU32(ptid, openPidfd(p, child));
  if (flags & CLONE_PARENT_SETTID) p.mem.writeU32(ptid, child.pid);
  if (flags & CLONE_CHILD_SETTID) child.mem.writeU32(ctid, child.pid);
  if (flags & CLONE_CHILD_CLEARTID) ct.clearTid = ctid;
  p.dirty = true;
  // The slice ends here: a process that forks in a loop gives the others (and the host's
  // Ctrl-C) their turn after every fork, not after hundreds of them.
  p.yieldNow = true;
  if (!child.vforkDone) {
    p.park(t, { deadline: Infinity, interruptible: false, onTimeout: () => child.pid, poll: () => (child.vforkDone ? child.pid : undefined) });
    return BLOCK;
  }
  return child.pid;
}

/** RLIMIT_NPROC: as many tasks (threads of every guest process, zombies) as allowed exist. */
export function atTaskLimit(p: Process): boolean {
  return p.kernel.tasks() >= softLimit(p.rlimits, RLIMIT_NPROC);
}

function openPidfd(p: Process, child: Process): number {
  return p.allocFd(new PidFd(child, O_RDONLY), true);
}

/** Read a NULL-terminated array of string pointers (argv, envp). */
function readStrings(p: Process, addr: number, budget: { bytes: number }): string[] | number {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; ; i++) {
    if (i >= MAX_ARGS) return -E2BIG;
    const ptr = p.mem.readU64(addr + 8 * i);
    if (ptr === 0) return out;
    const s = p.mem.readCString(ptr, 131073);
    if (s.length > 131072) return -E2BIG;
    budget.bytes += s.length + 1 + 8;
    if (budget.bytes > MAX_ARG_BYTES) return -E2BIG;
    out.push(s);
  }
}

/** Executables larger than this are not loaded (rt0 reads the whole image). */
const MAX_IMAGE_BYTES = 1 << 30;

/** The first BINPRM_BUF_SIZE bytes of an executable (enough for "#!" or the ELF header), after
 *  the checks execve makes: a regular file (EACCES otherwise) the caller may execute. */
function readHead(p: Process, path: string): Uint8Array | number {
  const vfs = p.host.vfs;
  const st = vfs.stat(path, true);
  if (typeof st === "number") return st;
  if ((st.mode & S_IFMT) !== S_IFREG) return -EACCES;
  const acc = vfs.access(path, X_OK);
  if (acc < 0) return acc;
  const f = vfs.open(path, O_RDONLY, 0);
  if (typeof f === "number") return f;
  try {
    const head = new Uint8Array(Math.min(BINPRM_BUF_SIZE, Math.max(0, st.size)));
    const n = f.read(head, 0);
    return n < 0 ? n : head.subarray(0, n);
  } finally {
    f.close();
  }
}

function fileSize(p: Process, path: string): number {
  const st = p.host.vfs.stat(path, true);
  return typeof st === "number" ? 0 : st.size;
}

/** The ELF identification Linux's binfmt_elf wants before it reads further: 64-bit
 *  little-endian, version 1, an executable or shared object for x86-64. */
function elfHeaderOk(h: Uint8Array): boolean {
  if (h.length < 20) return false;
  const type = h[16]! | (h[17]! << 8), machine = h[18]! | (h[19]! << 8);
  return h[4] === 2 && h[5] === 1 && h[6] === 1 && (type === 2 || type === 3) && machine === 62;
}

function doExecve(t: Thread, dirfd: number, pathAddr: number, argvAddr: number, envpAddr: number, flags: number): number {
  const p = t.proc;
  if (pathAddr === 0) return -EFAULT;
  const given = p.mem.readCString(pathAddr, 4097);
  if (given.length > 4096) return -ENAMETOOLONG;
  if (given === "" && (flags & AT_EMPTY_PATH)) {
    const f = p.getFile(dirfd);
    if (!f?.path) return -ENOENT;
  }
  let full = given === "" && (flags & AT_EMPTY_PATH) ? p.getFile(dirfd)!.path! : resolveAt(p, dirfd, given);
  if (typeof full === "number") return full;
  const c = cleanPath(full);
  if (c === "/proc/self/exe" || c === `/proc/${p.pid}/exe` || c === "/proc/thread-self/exe") full = p.exePath;
  const budget = { bytes: 0 };
  const argv = readStrings(p, argvAddr, budget);
  if (typeof argv === "number") return argv;
  const envp = readStrings(p, envpAddr, budget);
  if (typeof envp === "number") return envp;

  let bytes = readHead(p, full);
  if (typeof bytes === "number") return bytes;
  const refuse = (why: string): number => {
    p.warnOnce(`exec-${full}`, `rt0: warning: execve ${given}: ${why}; returning ENOEXEC`);
    return -ENOEXEC;
  };
  // A #! script, as binfmt_script runs it: "#!INTERP [ARG]" becomes argv INTERP [ARG] PATH
  // ARGS..., the interpreter itself possibly a script, four levels deep at most.
  let script = given;
  for (let depth = 0; bytes[0] === 0x23 && bytes[1] === 0x21; depth++) {
    if (depth === 4) return -ELOOP;
    const head = bytes.subarray(2, Math.min(bytes.length, BINPRM_BUF_SIZE));
    const nl = head.indexOf(10);
    if (nl < 0 && fileSize(p, full) > BINPRM_BUF_SIZE) return -ENOEXEC; // longer than Linux reads
    const line = new TextDecoder().decode(nl < 0 ? head : head.subarray(0, nl)).replace(/[ \t]+$/, "").replace(/^[ \t]+/, "");
    if (line === "") return -ENOEXEC;
    const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line)!;
    const interp = m[1]!, arg = m[2];
    argv.splice(0, 1, ...(arg !== undefined ? [interp, arg] : [interp]), script);
    script = interp;
    const at = resolveAt(p, AT_FDCWD, interp);
    if (typeof at === "number") return at;
    full = at;
    bytes = readHead(p, full);
    if (typeof bytes === "number") return bytes;
  }
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return refuse("not an ELF executable");
  }
  // The whole image, now that it is an ELF file (not a huge file of anything else).
  const size = fileSize(p, full);
  if (size > MAX_IMAGE_BYTES) {
    if (!elfHeaderOk(bytes)) return -ENOEXEC;
    p.warnOnce(`exec-${full}`, `rt0: warning: execve ${given}: larger than ${MAX_IMAGE_BYTES >> 20} MiB, which rt0 does not load; returning ENOMEM`);
    return -ENOMEM;
  }
  bytes = readGuestFile(p.host.vfs, full, X_OK);
  if (typeof bytes === "number") return bytes;
  const mem = p.opts.newMemory();
  const random = new Uint8Array(16);
  p.randomFill(random);
  let loaded;
  try {
    checkRunnable(bytes);
    loaded = loadElf(mem, bytes, {
      argv, envp, execfn: given, random, model: p.opts.model, readFile: (path) => readGuestFile(p.host.vfs, path, 0),
    });
  } catch (e) {
    mem.dispose?.();
    // A missing or broken interpreter fails the same way on Linux: no warning, just the errno.
    if (e instanceof InterpError) return -e.errno;
    if (e instanceof GuestMemoryExhausted) return -ENOMEM;
    if (e instanceof UserError) return refuse(e.message);
    throw e;
  }

  // The point of no return: the old image and every thread go.
  for (const x of p.threads) {
    x.state = EXITED;
    x.wait = undefined;
  }
  p.futexWaiters.clear();
  p.threads = [];
  p.kernel.reapDue = true;
  if (!p.kernel.memShared(p.mem, p)) {
    p.kernel.shared.dropMem(p.mem);
    p.mem.dispose?.();
  }
  p.mem = mem;
  p.exePath = full;
  p.cmdline = new TextEncoder().encode(argv.map((s) => s + "\0").join(""));
  p.brkStart = p.brk = loaded.brk;
  for (const a of p.sigactions) {
    if (a.handler !== SIG_IGN) a.handler = 0;
    a.flags = 0;
    a.restorer = 0;
    a.mask = 0n;
  }
  for (const [fd, e] of [...p.fds]) if (e.cloexec) p.closeFd(fd);
  const cpu = p.newCpu();
  for (let r = 0; r < 16; r++) cpu.setReg(r, 0);
  cpu.setReg(GPR.RSP, loaded.sp);
  cpu.rip = loaded.entry;
  cpu.rflags = 0x202;
  const nt = p.newThread(cpu);
  nt.sigmask = t.sigmask;
  nt.pending = t.pending;
  p.vforkDone = true;
  p.dirty = true;
  return NORETURN;
}

function sysExecve(t: Thread, a: Args): number {
  return doExecve(t, AT_FDCWD, a.u(0), a.u(1), a.u(2), 0);
}

function sysExecveat(t: Thread, a: Args): number {
  return doExecve(t, a.i32(0), a.u(1), a.u(2), a.u(3), a.i32(4));
}

export const execRows: SyscallRow[] = rows(NR, {
  execve: [["path", "strarr", "strarr"], sysExecve],
  execveat: [["dirfd", "path", "strarr", "strarr", "atflags"], sysExecveat],
  vfork: [[], (t) => cloneProcess(t, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0)],
  fork: [[], (t) => cloneProcess(t, SIGCHLD, 0, 0, 0, 0)],
});
