// --strace line formatting against strace's own notation (as `strace -f` prints these calls).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Space } from "../../src/mem/space.js";
import { TABLE } from "../../src/linux/syscalls.js";
import { formatSyscall, quote } from "../../src/linux/strace.js";
import { NR } from "../../src/linux/sysnums.generated.js";

const mem = new Space();
mem.map(0x10000, 4096, 3);
mem.write(0x10000, new TextEncoder().encode("/etc/x\0"));
mem.write(0x10100, new TextEncoder().encode("hello, world\n"));
const u = (n: number): bigint => BigInt.asUintN(64, BigInt(n));
const fmt = (name: keyof typeof NR, args: number[], result: number | undefined): string =>
  formatSyscall(NR[name], name, TABLE[NR[name]], args.map(u), result, mem);

test("strace notation for common calls", () => {
  assert.equal(fmt("openat", [-100, 0x10000, 0o2000000, 0], 3), 'openat(AT_FDCWD, "/etc/x", O_RDONLY|O_CLOEXEC, 0000) = 3');
  assert.equal(fmt("openat", [-100, 0x10000, 0o101, 0o644], -2), 'openat(AT_FDCWD, "/etc/x", O_WRONLY|O_CREAT, 0644) = -1 ENOENT (No such file or directory)');
  assert.equal(fmt("write", [1, 0x10100, 13], 13), 'write(1, "hello, world\\n", 13) = 13');
  assert.equal(fmt("read", [0, 0x10100, 100], 5), 'read(0, "hello", 100) = 5');
  assert.equal(fmt("mmap", [0, 262144, 3, 0x22, -1, 0], 0x7f0000000000), "mmap(NULL, 262144, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000");
  assert.equal(fmt("mmap", [0xc000000000, 4096, 0, 0x32, -1, 0], 0xc000000000), "mmap(0xc000000000, 4096, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0xc000000000");
  assert.equal(fmt("futex", [0x525a18, 128, 0, 0, 0, 0], 0), "futex(0x525a18, FUTEX_WAIT_PRIVATE, 0, NULL) = 0");
  assert.equal(fmt("futex", [0x525a18, 129, 1, 0, 0, 0], 1), "futex(0x525a18, FUTEX_WAKE_PRIVATE, 1) = 1");
  assert.equal(fmt("rt_sigprocmask", [2, 0, 0x525938, 8], 0), "rt_sigprocmask(SIG_SETMASK, NULL, 0x525938, 8) = 0");
  assert.equal(fmt("tgkill", [1000, 1001, 23], 0), "tgkill(1000, 1001, SIGURG) = 0");
  assert.equal(fmt("clone", [0xd0f00, 0xc000100000, 0, 0, 0xc000080090], 1001),
    "clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS, 0xc000100000, NULL, NULL, 0xc000080090) = 1001");
  assert.equal(fmt("arch_prctl", [0x1002, 0x525948], 0), "arch_prctl(ARCH_SET_FS, 0x525948) = 0");
  assert.equal(fmt("exit_group", [0], undefined), "exit_group(0) = ?");
  assert.equal(fmt("epoll_ctl", [4, 1, 3, 0x10000], -1), "epoll_ctl(4, EPOLL_CTL_ADD, 3, 0x10000) = -1 EPERM (Operation not permitted)");
  assert.equal(fmt("fcntl", [0, 3, 0], 2), "fcntl(0, F_GETFL) = 2");
  assert.equal(fmt("fcntl", [3, 2, 1], 0), "fcntl(3, F_SETFD, 0x1) = 0");
});

test("strings are quoted with C escapes, octal for other bytes, and cut at 32 bytes", () => {
  assert.equal(quote(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), true), '"\\177ELF\\2\\1\\1\\0"...');
  assert.equal(quote(new Uint8Array([0, 0x31]), false), '"\\0001"');
  assert.equal(quote(new TextEncoder().encode('a"b\\\t'), false), '"a\\"b\\\\\\t"');
  const long = new Uint8Array(40).fill(0x61);
  mem.write(0x10200, long);
  assert.equal(fmt("write", [1, 0x10200, 40], 40), `write(1, "${"a".repeat(32)}"..., 40) = 40`);
});

test("every table row names a real syscall number and kinds for its arguments", () => {
  let rows = 0;
  TABLE.forEach((r, nr) => {
    if (!r) return;
    rows++;
    assert.equal(r.nr, nr);
    assert.equal(NR[r.name as keyof typeof NR], nr);
    assert.ok(r.args.length <= 6);
  });
  assert.ok(rows > 100, `${rows} syscalls implemented`);
});
