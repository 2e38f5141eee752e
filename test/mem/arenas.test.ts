// A Go program whose memory outgrows a small main arena, run by the interpreter and the JIT:
// pages past the main arena are read and written through the interpreter's TLB views while
// compiled code leaves for them (its tags hold only main-arena frames). Oracle: the native run.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Machine } from "../../src/machine/machine.js";
import { X86Cpu } from "../../src/cpu/cpu.js";
import { jitStats } from "../../src/cpu/jit.js";
import { Space } from "../../src/mem/space.js";
import type { DecodeCache } from "../../src/cpu/cache.js";
import type { Memory } from "../../src/mem/api.js";
import { TestHost } from "../machine/testhost.js";
import { FIXTURE_BIN } from "../helpers.js";

test("stackgrow with a 64 KiB main arena matches the native run (JIT on)", async () => {
  const bin = join(FIXTURE_BIN, "stackgrow-go1.26");
  const native = spawnSync(bin, [], { encoding: "utf8" });
  assert.equal(native.status, 0);
  const host = new TestHost();
  const spaces: Space[] = [];
  const caches = new WeakMap<Memory, DecodeCache>();
  const model = { vendor: "GenuineIntel", level: 1 } as const;
  const m = new Machine({
    host, bin: new Uint8Array(readFileSync(bin)), argv: [bin], envp: [], exePath: bin, model,
    newMemory: (): Memory => {
      const s = new Space(16 * 4096);
      spaces.push(s);
      return s;
    },
    newCpu: (mem) => {
      const c = new X86Cpu(mem, model, caches.get(mem));
      caches.set(mem, c.cache);
      return c;
    },
  });
  const compiled = jitStats.blocks;
  const r = await m.run();
  assert.equal(r.status, 0);
  assert.equal(host.stdout.text(), native.stdout);
  // The run did use frames past the main arena, and compiled code.
  assert.ok(spaces.some((s) => s.residentBytes > 16 * 4096 * 8), "frames past the main arena");
  assert.ok(jitStats.blocks > compiled, "traces compiled");
});
