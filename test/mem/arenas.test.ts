// A Go program whose memory outgrows a small main arena, run by the interpreter and the compiled
// tier: pages past the main arena are read and written through the interpreter's TLB views while
// compiled code asks the host for them (its TLB holds only main-arena frames). Oracle: the
// native run.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createMachine } from "../../src/machine/create.js";
import { compileStats } from "../../src/jit/compile.js";
import { Space } from "../../src/mem/space.js";
import { TestHost } from "../machine/testhost.js";
import { FIXTURE_BIN } from "../helpers.js";

test("stackgrow with a 64 KiB main arena matches the native run (compiled tier on)", async () => {
  const bin = join(FIXTURE_BIN, "stackgrow-go1.26");
  const native = spawnSync(bin, [], { encoding: "utf8" });
  assert.equal(native.status, 0);
  const host = new TestHost();
  const m = createMachine({
    host, bin: new Uint8Array(readFileSync(bin)), argv: [bin], envp: [], exePath: bin,
    model: { vendor: "GenuineIntel", level: 1 }, mainArenaBytes: 16 * 4096,
  });
  const compiled = compileStats.units;
  const r = await m.run();
  assert.equal(r.status, 0);
  assert.equal(host.stdout.text(), native.stdout);
  // The run did use frames past the main arena, and compiled code.
  // (stackgrow neither forks nor execs: its one address space is the machine's first.)
  assert.ok(m.mem instanceof Space && m.mem.residentBytes > 16 * 4096 * 8, "frames past the main arena");
  assert.ok(compileStats.units > compiled, "functions compiled");
});
