// Scheduler, futexes, clone/exit, sleeping on the virtual clock, and signal frames, with a
// scripted fake CPU (the kernel ABI is the oracle: struct layouts from the x86-64 UAPI headers).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Machine } from "../../src/machine/machine.js";
import { Space } from "../../src/mem/space.js";
import { FakeCpu, type Program } from "./fakecpu.js";
import { TestHost } from "./testhost.js";
import { FIXTURE_BIN } from "../helpers.js";
import type { Memory } from "../../src/mem/api.js";

const BIN = readFileSync(join(FIXTURE_BIN, "hello-go1.26"));
const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RSI = 6, RDI = 7;
const NR = { write: 1, mmap: 9, rt_sigaction: 13, rt_sigreturn: 15, sched_yield: 24, nanosleep: 35, getpid: 39,
  clone: 56, exit: 60, kill: 62, sigaltstack: 131, gettid: 186, futex: 202, clock_gettime: 228, exit_group: 231, tgkill: 234 };

function machine(main: Program, children: Program[] = [], strace?: string[]): { m: Machine; host: TestHost } {
  const host = new TestHost();
  const queue = [main, ...children];
  const m = new Machine({
    host, bin: BIN, argv: ["prog"], envp: [], exePath: "/prog", model: { vendor: "GenuineIntel", level: 1 },
    newMemory: () => new Space(),
    newCpu: (mem: Memory) => new FakeCpu(mem, queue.shift()),
    deterministic: true, seed: 1, slice: 1000,
    strace: strace ? (l) => strace.push(l.trimEnd()) : undefined,
  });
  return { m, host };
}

function str(cpu: FakeCpu, at: number, s: string): [number, number] {
  const b = new TextEncoder().encode(s);
  cpu.mem.write(at, b);
  return [at, b.length];
}

test("clone + futex wait/wake + nanosleep: threads interleave and exit_group ends the process", async () => {
  let page = 0;
  const lines: string[] = [];
  const main: Program = function* (cpu) {
    page = Number(yield { sys: NR.mmap, args: [0, 8192, 3, 0x22, -1, 0] });
    cpu.mem.writeU32(page, 0);
    const tid = yield { sys: NR.clone, args: [0xd0f00, page + 8192, 0, 0, 0] };
    assert.equal(tid, 1001n);
    yield { sys: NR.sched_yield };
    const woke = yield { sys: NR.futex, args: [page, 129, 1, 0] };
    assert.equal(woke, 1n);
    cpu.mem.writeU64(page + 64, 0); cpu.mem.writeU64(page + 72, 1_000_000);
    yield { sys: NR.nanosleep, args: [page + 64, 0] };
    const [b, n] = str(cpu, page + 128, "main\n");
    yield { sys: NR.write, args: [1, b, n] };
    yield { sys: NR.exit_group, args: [7] };
  };
  const child: Program = function* (cpu) {
    assert.equal(cpu.getReg(RSP), page + 8192);
    const r = yield { sys: NR.futex, args: [page, 128, 0, 0] };
    assert.equal(r, 0n);
    const [b, n] = str(cpu, page + 256, "child woke\n");
    yield { sys: NR.write, args: [1, b, n] };
    yield { sys: NR.exit, args: [0] };
  };
  const { m, host } = machine(main, [child], lines);
  const r = await m.run();
  assert.equal(r.status, 7);
  assert.equal(host.stdout.text(), "child woke\nmain\n");
  assert.ok(lines.includes(`[pid 1000] futex(0x${page.toString(16)}, FUTEX_WAKE_PRIVATE, 1) = 1`), lines.join("\n"));
  assert.ok(lines.includes(`[pid 1001] futex(0x${page.toString(16)}, FUTEX_WAIT_PRIVATE, 0, NULL) = 0`), lines.join("\n"));
});

test("futex wait with a timeout returns ETIMEDOUT and the virtual clock jumps", async () => {
  const main: Program = function* (cpu) {
    const page = Number(yield { sys: NR.mmap, args: [0, 4096, 3, 0x22, -1, 0] });
    yield { sys: NR.clock_gettime, args: [1, page + 32] };
    const t0 = cpu.mem.readU64(page + 32) * 1e9 + cpu.mem.readU64(page + 40);
    cpu.mem.writeU64(page + 16, 0); cpu.mem.writeU64(page + 24, 5_000_000);
    const r = yield { sys: NR.futex, args: [page, 128, 0, page + 16] };
    assert.equal(BigInt.asIntN(64, r), -110n);
    const again = yield { sys: NR.futex, args: [page, 128, 1, 0] };
    assert.equal(BigInt.asIntN(64, again), -11n, "EAGAIN when the value differs");
    yield { sys: NR.clock_gettime, args: [1, page + 32] };
    const t1 = cpu.mem.readU64(page + 32) * 1e9 + cpu.mem.readU64(page + 40);
    assert.ok(t1 - t0 >= 5_000_000 && t1 - t0 < 6_000_000, `slept ${t1 - t0} ns`);
    yield { sys: NR.exit_group, args: [0] };
  };
  const { m } = machine(main);
  assert.equal((await m.run()).status, 0);
});

test("SIGSEGV: rt_sigframe on the alternate stack, siginfo, and a full restore by rt_sigreturn", async () => {
  const HANDLER = 0x402000, RESTORER = 0x403000;
  let checked = false;
  const main: Program = function* (cpu) {
    const page = Number(yield { sys: NR.mmap, args: [0, 65536, 3, 0x22, -1, 0] });
    // struct sigaction: handler, flags (SA_SIGINFO|SA_ONSTACK|SA_RESTORER), restorer, mask
    cpu.mem.writeU64(page, HANDLER); cpu.mem.writeU64(page + 8, 0x4 | 0x08000000 | 0x04000000);
    cpu.mem.writeU64(page + 16, RESTORER); cpu.mem.writeU64(page + 24, 0);
    assert.equal(yield { sys: NR.rt_sigaction, args: [11, page, 0, 8] }, 0n);
    // stack_t: ss_sp, ss_flags, ss_size
    cpu.mem.writeU64(page + 64, page + 32768); cpu.mem.writeU32(page + 72, 0); cpu.mem.writeU64(page + 80, 32768);
    assert.equal(yield { sys: NR.sigaltstack, args: [page + 64, 0] }, 0n);
    cpu.setReg(RBX, 0x1234); cpu.setRegBig(RCX, 0xfedcba9876543210n);
    const rspBefore = cpu.getReg(RSP);
    cpu.rip = 0x401234;
    cpu.fx[200] = 0xab;
    yield { fault: 0x10 };
    // Now in the handler.
    assert.equal(cpu.rip, HANDLER);
    assert.equal(cpu.getReg(RDI), 11);
    const sp = cpu.getReg(RSP);
    assert.ok(sp > page + 32768 && sp < page + 65536, "frame on the alternate stack");
    assert.equal((sp + 8) % 16, 0, "RSP+8 is 16-aligned at handler entry");
    assert.equal(cpu.mem.readU64(sp), RESTORER, "return address is sa_restorer");
    const info = cpu.getReg(RSI), uc = cpu.getReg(RDX);
    assert.equal(cpu.mem.readU32(info), 11);
    assert.equal(cpu.mem.readU32(info + 8), 1, "SEGV_MAPERR");
    assert.equal(cpu.mem.readU64(info + 16), 0x10, "si_addr");
    const gregs = uc + 40;
    assert.equal(cpu.mem.readU64(gregs + 16 * 8), 0x401234, "REG_RIP");
    assert.equal(cpu.mem.readU64(gregs + 15 * 8), rspBefore, "REG_RSP");
    assert.equal(cpu.mem.readU64(gregs + 11 * 8), 0x1234, "REG_RBX");
    assert.equal(cpu.mem.readU64Big(gregs + 14 * 8), 0xfedcba9876543210n, "REG_RCX");
    const fp = cpu.mem.readU64(gregs + 23 * 8);
    assert.equal(fp % 64, 0);
    assert.equal(cpu.mem.readU8(fp + 200), 0xab, "fpstate is the FXSAVE image");
    assert.equal(cpu.mem.readU32(uc + 16 + 8), 0, "uc_stack.ss_flags: the interrupted code was not on the altstack");
    assert.equal(cpu.mem.readU64(uc + 16), page + 32768, "uc_stack.ss_sp");
    // The handler edits the context, like Go's sigpanic injection, then returns via the restorer.
    cpu.mem.writeU64(gregs + 16 * 8, 0x405000);
    cpu.setReg(RBX, 0); cpu.setReg(RCX, 0); cpu.fx[200] = 0;
    cpu.setReg(RSP, sp + 8);
    yield { sys: NR.rt_sigreturn };
    assert.equal(cpu.rip, 0x405000);
    assert.equal(cpu.getReg(RSP), rspBefore);
    assert.equal(cpu.getReg(RBX), 0x1234);
    assert.equal(cpu.getRegBig(RCX), 0xfedcba9876543210n);
    assert.equal(cpu.fx[200], 0xab);
    checked = true;
    yield { sys: NR.exit_group, args: [0] };
  };
  const { m } = machine(main);
  assert.equal((await m.run()).status, 0);
  assert.ok(checked);
});

test("default actions: an unhandled SIGSEGV gives 139, kill(SIGTERM) 143, SIGURG is ignored", async () => {
  const segv: Program = function* () { yield { fault: 0 }; };
  assert.equal((await machine(segv).m.run()).status, 139);
  const term: Program = function* () {
    const pid = yield { sys: NR.getpid };
    const tid = yield { sys: NR.gettid };
    yield { sys: NR.tgkill, args: [pid, tid, 23] };
    yield { sys: NR.kill, args: [pid, 15] };
    yield { sys: NR.exit_group, args: [0] };
  };
  const r = await machine(term).m.run();
  assert.equal(r.status, 143);
  assert.equal(r.signal, 15);
  const div: Program = function* () { yield { divide: true }; };
  assert.equal((await machine(div).m.run()).status, 136);
});

test("an unknown syscall returns ENOSYS and warns once by name", async () => {
  const main: Program = function* () {
    assert.equal(BigInt.asIntN(64, yield { sys: 999 }), -38n);
    assert.equal(BigInt.asIntN(64, yield { sys: 999 }), -38n);
    assert.equal(BigInt.asIntN(64, yield { sys: 101, args: [0, 0, 0] }), -38n);
    yield { sys: NR.exit_group, args: [3] };
  };
  const { m, host } = machine(main);
  assert.equal((await m.run()).status, 3);
  assert.equal(host.stderr.text(),
    "rt0: warning: syscall 999 (unknown) not implemented, returning ENOSYS\n" +
    "rt0: warning: syscall 101 (ptrace) not implemented, returning ENOSYS\n");
});

test("--max-instructions stops a spinning guest", async () => {
  const main: Program = function* () { for (;;) yield { spin: 1000 }; };
  const host = new TestHost();
  const m = new Machine({
    host, bin: BIN, argv: ["prog"], envp: [], exePath: "/prog", model: { vendor: "GenuineIntel", level: 1 },
    newMemory: () => new Space(), newCpu: (mem) => new FakeCpu(mem, main), deterministic: true, maxInstructions: 50_000,
  });
  const r = await m.run();
  assert.equal(r.limitReached, true);
  assert.notEqual(r.status, 0);
  assert.equal(r.instructions, 50_000);
});
void RAX;

test("an unimplemented instruction: rt0 names it once on stderr, the guest gets SIGILL (132 by default)", async () => {
  const main: Program = function* () { yield { illegal: "VPTERNLOGD (AVX-512F, not advertised)" }; };
  const { m, host } = machine(main);
  const r = await m.run();
  assert.equal(r.status, 132);
  assert.equal(r.illegal.length, 1);
  assert.equal(host.stderr.text(), `rt0: SIGILL at 0x${m.loaded.entry.toString(16)}: VPTERNLOGD (AVX-512F, not advertised) [0f 0b]\n`);
});

test("blocking read on an empty pipe parks the reader until a writer thread fills it", async () => {
  const out: string[] = [];
  let page = 0;
  const main: Program = function* (cpu) {
    page = Number(yield { sys: NR.mmap, args: [0, 8192, 3, 0x22, -1, 0] });
    assert.equal(yield { sys: 293, args: [page, 0] }, 0n); // pipe2
    const rfd = cpu.mem.readU32(page);
    yield { sys: NR.clone, args: [0xd0f00, page + 8192, 0, 0, 0] };
    const n = yield { sys: 0, args: [rfd, page + 512, 100] }; // read blocks: the child writes
    out.push(new TextDecoder().decode(cpu.mem.read(page + 512, Number(n))));
    yield { sys: NR.exit_group, args: [0] };
  };
  const child: Program = function* (cpu) {
    cpu.mem.write(page + 256, new TextEncoder().encode("ping"));
    yield { sys: NR.write, args: [cpu.mem.readU32(page + 4), page + 256, 4] };
    yield { sys: NR.exit, args: [0] };
  };
  const lines: string[] = [];
  const { m } = machine(main, [child], lines);
  assert.equal((await m.run()).status, 0);
  assert.deepEqual(out, ["ping"]);
  assert.ok(lines.some((l) => /\[pid 1000\] read\(3, "ping", 100\) = 4/.test(l)), lines.join("\n"));
});

test("epoll + eventfd as Go's netpoller uses them: blocking wait woken by another thread, edge-triggered", async () => {
  let page = 0;
  const main: Program = function* (cpu) {
    page = Number(yield { sys: NR.mmap, args: [0, 8192, 3, 0x22, -1, 0] });
    const ep = Number(yield { sys: 291, args: [0x80000] }); // epoll_create1(EPOLL_CLOEXEC)
    const efd = Number(yield { sys: 290, args: [0, 0x80800] }); // eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK)
    cpu.mem.writeU32(page, 0x80000001); // EPOLLIN|EPOLLET
    cpu.mem.writeU64Big(page + 4, 0x1122334455667788n);
    assert.equal(yield { sys: 233, args: [ep, 1, efd, page] }, 0n);
    assert.equal(yield { sys: 281, args: [ep, page + 64, 8, 0, 0, 8] }, 0n, "nothing ready yet");
    cpu.mem.writeU32(page + 32, efd);
    yield { sys: NR.clone, args: [0xd0f00, page + 8192, 0, 0, 0] };
    assert.equal(yield { sys: 281, args: [ep, page + 64, 8, -1, 0, 8] }, 1n, "woken by the child's write");
    assert.equal(cpu.mem.readU32(page + 64), 1);
    assert.equal(cpu.mem.readU64Big(page + 68), 0x1122334455667788n);
    assert.equal(yield { sys: 281, args: [ep, page + 64, 8, 0, 0, 8] }, 0n, "edge-triggered: no new edge");
    assert.equal(yield { sys: 0, args: [efd, page + 128, 8] }, 8n);
    assert.equal(cpu.mem.readU64(page + 128), 1);
    assert.equal(BigInt.asIntN(64, yield { sys: 0, args: [efd, page + 128, 8] }), -11n, "EAGAIN when empty (nonblocking)");
    yield { sys: NR.exit_group, args: [0] };
  };
  const child: Program = function* (cpu) {
    yield { sys: NR.sched_yield };
    cpu.mem.writeU64(page + 256, 1);
    yield { sys: NR.write, args: [cpu.mem.readU32(page + 32), page + 256, 8] };
    yield { sys: NR.exit, args: [0] };
  };
  const { m } = machine(main, [child]);
  assert.equal((await m.run()).status, 0);
});

test("madvise(MADV_DONTNEED) zeroes private anonymous pages and keeps their protection", async () => {
  const main: Program = function* (cpu) {
    const page = Number(yield { sys: NR.mmap, args: [0, 3 * 4096, 3, 0x22, -1, 0] });
    cpu.mem.write(page, new Uint8Array(3 * 4096).fill(0x5a));
    assert.equal(yield { sys: 10, args: [page + 4096, 4096, 1] }, 0n); // mprotect middle page read-only
    assert.equal(yield { sys: 28, args: [page, 3 * 4096, 4] }, 0n);
    assert.ok(cpu.mem.read(page, 3 * 4096, true).every((b) => b === 0), "zero after DONTNEED");
    assert.deepEqual([cpu.mem.protOf(page), cpu.mem.protOf(page + 4096), cpu.mem.protOf(page + 8192)], [3, 1, 3]);
    cpu.mem.write(page, new Uint8Array([1]));
    assert.equal(yield { sys: 28, args: [page, 4096, 8] }, 0n, "MADV_FREE is a hint");
    assert.equal(cpu.mem.readU8(page), 1);
    assert.equal(BigInt.asIntN(64, yield { sys: 28, args: [0x10000, 4096, 4] }), -12n, "ENOMEM when unmapped");
    yield { sys: NR.exit_group, args: [0] };
  };
  assert.equal((await machine(main).m.run()).status, 0);
});
