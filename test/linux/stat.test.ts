// stat family path rules against the host's file system (the oracle: Linux's lstat, run here
// through node:fs): a trailing slash resolves a final symbolic link even for lstat and demands a
// directory, as `go list std` relies on when GOROOT/src is a symlink.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Machine } from "../../src/machine/machine.js";
import { Space } from "../../src/mem/space.js";
import { NodeVfs } from "../../src/host/node.js";
import { FakeCpu, type Program } from "../machine/fakecpu.js";
import { TestHost } from "../machine/testhost.js";
import { FIXTURE_BIN } from "../helpers.js";

const BIN = readFileSync(join(FIXTURE_BIN, "hello-go1.26"));
const NR = { mmap: 9, newfstatat: 262, lstat: 6, exit_group: 231 };
const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, S_IFMT = 0o170000;

test("lstat/newfstatat: a trailing slash follows a final symlink and needs a directory", async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "rt0-stat-")));
  try {
    mkdirSync(join(root, "d"));
    writeFileSync(join(root, "f"), "x");
    symlinkSync("d", join(root, "dl"));
    symlinkSync("f", join(root, "fl"));
    // What Linux says, through node:fs (lstat with and without the slash).
    const want = (p: string): number => {
      try {
        return lstatSync(join(root, p)).mode & S_IFMT;
      } catch (e) {
        return (e as NodeJS.ErrnoException).errno!; // negative, as a syscall's -errno
      }
    };
    const cases = ["dl", "dl/", "d/", "fl", "fl/", "f/"];
    const got: number[] = [];
    const main: Program = function* (cpu) {
      const page = Number(yield { sys: NR.mmap, args: [0, 8192, 3, 0x22, -1, 0] });
      for (const [i, c] of cases.entries()) {
        const at = page + 4096 + 64 * i;
        cpu.mem.write(at, new TextEncoder().encode(`/${c}\0`));
        const r = BigInt.asIntN(64, yield { sys: NR.newfstatat, args: [AT_FDCWD, at, page, AT_SYMLINK_NOFOLLOW] });
        got.push(r < 0n ? Number(r) : cpu.mem.readU32(page + 24) & S_IFMT);
        const r2 = BigInt.asIntN(64, yield { sys: NR.lstat, args: [at, page + 512] });
        assert.equal(r2 < 0n ? Number(r2) : cpu.mem.readU32(page + 512 + 24) & S_IFMT, got[got.length - 1], `lstat ${c}`);
      }
      yield { sys: NR.exit_group, args: [0] };
    };
    const host = new TestHost();
    host.vfs = new NodeVfs(root);
    const m = new Machine({
      host, bin: BIN, argv: ["prog"], envp: [], exePath: "/prog", model: { vendor: "GenuineIntel", level: 1 },
      newMemory: () => new Space(), newCpu: (mem) => new FakeCpu(mem, main), deterministic: true, seed: 1,
    });
    assert.equal((await m.run()).status, 0);
    assert.deepEqual(got, cases.map(want));
  } finally {
    rmSync(root, { recursive: true });
  }
});
