// Child processes with scripted threads (no interpreter): clone of a process (vfork and plain
// CLONE_VM), wait4/waitid with WNOHANG and WNOWAIT, kill of a child, SIGCHLD, and the pidfd
// probe Go 1.23+ runs before it trusts pidfds (pidfd_open, waitid(P_PIDFD), CLONE_PIDFD).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../../src/machine/machine.js";
import { Space } from "../../src/mem/space.js";
import type { Memory } from "../../src/mem/api.js";
import { FakeCpu, type Program } from "./fakecpu.js";
import { TestHost } from "./testhost.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_BIN } from "../helpers.js";

const BIN = readFileSync(join(FIXTURE_BIN, "hello-go1.26"));

const NR = { mmap: 9, rt_sigaction: 13, getpid: 39, clone: 56, exit_group: 231, kill: 62, wait4: 61, getppid: 110,
  waitid: 247, pidfd_open: 434, pidfd_send_signal: 424, sched_yield: 24 };
const CLONE_VM = 0x100, CLONE_VFORK = 0x4000, CLONE_PIDFD = 0x1000, SIGCHLD = 17, WNOHANG = 1, WEXITED = 4;
const WNOWAIT = 0x01000000, __WCLONE = 0x80000000, P_PID = 1, P_PIDFD = 3;
const ECHILD = -10n, ESRCH = -3n;
/** A syscall result as a signed value. */
const sv = (v: bigint): bigint => BigInt.asIntN(64, v);

function machine(programs: Program[], strace?: string[]): Machine {
  const queue = [...programs];
  return new Machine({
    host: new TestHost(), bin: BIN, argv: ["prog"], envp: [], exePath: "/prog", model: { vendor: "GenuineIntel", level: 1 },
    newMemory: () => new Space(),
    newCpu: (mem: Memory) => new FakeCpu(mem, queue.shift()),
    deterministic: true, seed: 1, slice: 1000,
    strace: strace ? (l) => strace.push(l.trimEnd()) : undefined,
  });
}

test("vfork: the parent waits until the child exits; wait4 reaps it once with its status", async () => {
  const order: string[] = [];
  let page = 0;
  const main: Program = function* (cpu) {
    page = Number(yield { sys: NR.mmap, args: [0, 4096, 3, 0x22, -1, 0] });
    const pid = yield { sys: NR.clone, args: [CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0] };
    order.push("parent resumed");
    assert.equal(pid, 1001n);
    assert.equal(yield { sys: NR.wait4, args: [-1, page, 0, 0] }, 1001n);
    assert.equal(cpu.mem.readU32(page), 7 << 8, "exited with 7: status 7<<8");
    assert.equal(sv(yield { sys: NR.wait4, args: [-1, page, WNOHANG, 0] }), ECHILD);
    yield { sys: NR.exit_group, args: [0] };
  };
  const child: Program = function* () {
    order.push("child runs");
    assert.equal(yield { sys: NR.getpid }, 1001n);
    assert.equal(yield { sys: NR.getppid }, 1000n);
    yield { sys: NR.sched_yield };
    yield { sys: NR.exit_group, args: [7] };
  };
  const strace: string[] = [];
  const r = await machine([main, child], strace).run();
  assert.equal(r.status, 0);
  assert.deepEqual(order, ["child runs", "parent resumed"]);
  assert.ok(strace.includes("[pid 1000] clone(CLONE_VM|CLONE_VFORK|SIGCHLD, NULL, NULL, NULL, NULL) = 1001"), strace.join("\n"));
});

test("a running child: WNOHANG gives 0, kill ends it, waitid reports CLD_KILLED (WNOWAIT keeps it), SIGCHLD arrives", async () => {
  const main: Program = function* (cpu) {
    const page = Number(yield { sys: NR.mmap, args: [0, 4096, 3, 0x22, -1, 0] });
    const pid = Number(yield { sys: NR.clone, args: [CLONE_VM | SIGCHLD, 0, 0, 0, 0] });
    assert.equal(yield { sys: NR.wait4, args: [pid, page, WNOHANG, 0] }, 0n);
    assert.equal(yield { sys: NR.kill, args: [pid, 15] }, 0n);
    assert.equal(yield { sys: NR.waitid, args: [P_PID, pid, page, WEXITED | WNOWAIT, 0] }, 0n);
    assert.deepEqual([cpu.mem.readU32(page), cpu.mem.readU32(page + 8), cpu.mem.readU32(page + 16), cpu.mem.readU32(page + 24)],
      [SIGCHLD, 2, pid, 15], "si_signo SIGCHLD, si_code CLD_KILLED, si_pid, si_status SIGTERM");
    assert.equal(yield { sys: NR.wait4, args: [pid, page + 64, 0, 0] }, BigInt(pid));
    assert.equal(cpu.mem.readU32(page + 64), 15, "killed by SIGTERM: status 15");
    assert.equal(sv(yield { sys: NR.kill, args: [pid, 0] }), ESRCH, "reaped: ESRCH");
    yield { sys: NR.exit_group, args: [0] };
  };
  const child: Program = function* () { for (;;) yield { spin: 500 }; };
  const r = await machine([main, child]).run();
  assert.equal(r.status, 0);
});

test("Go's pidfd probe: pidfd_open(self), waitid(P_PIDFD) ECHILD, pidfd_send_signal 0, CLONE_PIDFD child reaped with __WCLONE", async () => {
  const main: Program = function* (cpu) {
    const page = Number(yield { sys: NR.mmap, args: [0, 4096, 3, 0x22, -1, 0] });
    const self = Number(yield { sys: NR.getpid });
    const fd = Number(yield { sys: NR.pidfd_open, args: [self, 0] });
    assert.ok(fd >= 3);
    assert.equal(sv(yield { sys: NR.waitid, args: [P_PIDFD, fd, page, WEXITED, 0] }), ECHILD);
    assert.equal(yield { sys: NR.pidfd_send_signal, args: [fd, 0, 0, 0] }, 0n);
    cpu.mem.writeU32(page + 512, 0xffffffff);
    const pid = yield { sys: NR.clone, args: [CLONE_VM | CLONE_VFORK | CLONE_PIDFD, 0, page + 512, 0, 0] };
    assert.equal(pid, 1001n);
    const pidfd = cpu.mem.readU32(page + 512);
    assert.equal(pidfd, fd + 1);
    // Exit signal 0 makes it a "clone" child: only __WCLONE (or __WALL) waits for it.
    assert.equal(sv(yield { sys: NR.waitid, args: [P_PIDFD, pidfd, page, WEXITED | WNOHANG, 0] }), ECHILD);
    assert.equal(yield { sys: NR.waitid, args: [P_PIDFD, pidfd, page, WEXITED | __WCLONE, 0] }, 0n);
    assert.equal(cpu.mem.readU32(page + 16), 1001);
    assert.equal(sv(yield { sys: NR.pidfd_send_signal, args: [pidfd, 9, 0, 0] }), ESRCH, "ended: ESRCH");
    yield { sys: NR.exit_group, args: [0] };
  };
  const child: Program = function* () { yield { sys: NR.exit_group, args: [0] }; };
  const r = await machine([main, child]).run();
  assert.equal(r.status, 0);
});

test("SIGCHLD reaches the parent's handler with CLD_EXITED, si_pid and si_status", async () => {
  const HANDLER = 0x402000, RESTORER = 0x403000;
  let checked = false;
  const main: Program = function* (cpu) {
    const page = Number(yield { sys: NR.mmap, args: [0, 65536, 3, 0x22, -1, 0] });
    // struct sigaction: handler, flags (SA_SIGINFO|SA_RESTORER), restorer, mask
    cpu.mem.writeU64(page, HANDLER); cpu.mem.writeU64(page + 8, 0x4 | 0x04000000);
    cpu.mem.writeU64(page + 16, RESTORER); cpu.mem.writeU64(page + 24, 0);
    assert.equal(yield { sys: NR.rt_sigaction, args: [SIGCHLD, page, 0, 8] }, 0n);
    cpu.setReg(4, page + 60000);
    // The child (pid 1001) has exited: the signal is delivered before the parent runs on (and
    // the handler entry leaves RAX 0).
    yield { sys: NR.clone, args: [CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0] };
    assert.equal(cpu.rip, HANDLER);
    assert.equal(cpu.getReg(7), SIGCHLD);
    const info = cpu.getReg(6);
    assert.deepEqual([cpu.mem.readU32(info), cpu.mem.readU32(info + 8), cpu.mem.readU32(info + 16), cpu.mem.readU32(info + 24)],
      [SIGCHLD, 1, 1001, 5]);
    checked = true;
    yield { sys: NR.exit_group, args: [0] };
  };
  const child: Program = function* () { yield { sys: NR.exit_group, args: [5] }; };
  assert.equal((await machine([main, child]).run()).status, 0);
  assert.ok(checked);
});
