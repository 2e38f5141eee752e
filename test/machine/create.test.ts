// createMachine(), the one machine set-up of the commands and the browser: the CPU options reach
// every guest thread's CPU (no JIT: nothing compiled; threshold 0: compiled at once), every CPU
// passes through onCpu, and the threads of one address space share its decode cache.
// Oracle: the program's native run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createMachine, type CreateMachineOptions, type ObservableCpu } from "../../src/machine/create.js";
import { X86Cpu } from "../../src/cpu/cpu.js";
import { compileStats } from "../../src/jit/compile.js";
import { TestHost } from "./testhost.js";
import { FIXTURE_BIN } from "../helpers.js";

const bin = join(FIXTURE_BIN, "hello-go1.26");
const native = spawnSync(bin, [], { encoding: "utf8" });

async function run(o: Partial<CreateMachineOptions>): Promise<{ cpus: ObservableCpu[]; compiled: number }> {
  const host = new TestHost();
  const cpus: ObservableCpu[] = [];
  const before = compileStats.units;
  const m = createMachine({
    host, bin: new Uint8Array(readFileSync(bin)), argv: [bin], envp: [], exePath: bin,
    model: { vendor: "GenuineIntel", level: 1 }, onCpu: (c) => cpus.push(c), ...o,
  });
  const r = await m.run();
  assert.equal(r.status, native.status);
  assert.equal(host.stdout.text(), native.stdout);
  return { cpus, compiled: compileStats.units - before };
}

test("createMachine: jit false compiles nothing; every thread's CPU reaches onCpu and shares the decode cache", { timeout: 120_000 }, async () => {
  const { cpus, compiled } = await run({ jit: false, jitThreshold: 0 });
  assert.equal(compiled, 0, "nothing compiled with jit: false");
  assert.ok(cpus.length > 1, `the Go runtime starts threads (${cpus.length} CPUs)`);
  const first = cpus[0]!;
  assert.ok(first instanceof X86Cpu);
  for (const c of cpus) {
    assert.ok(c instanceof X86Cpu);
    assert.equal(c.mem, first.mem, "one address space");
    assert.equal(c.cache, first.cache, "one decode cache per address space");
    assert.equal(c.jitThreshold, Infinity);
  }
});

test("createMachine: jitThreshold 0 compiles functions on their first entry", { timeout: 120_000 }, async () => {
  const { cpus, compiled } = await run({ jitThreshold: 0 });
  assert.ok(compiled > 0, "functions compiled");
  for (const c of cpus) assert.equal((c as X86Cpu).jitThreshold, 0);
});
