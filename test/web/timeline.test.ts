// The explorer's timeline without a browser: BootTracer with { regs: true } on the worker's
// setup (createMachine + WebHost): every step carries the registers at its first instruction (rip =
// the step's pc), the events still validate against docs/boot-events.schema.json, and the
// CLI's output (no regs option) has no regs field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { FIXTURE_BIN, ROOT, runCli } from "../helpers.js";
import { WebHost } from "../../src/host/web.js";
import { createMachine } from "../../src/machine/create.js";
import { openBinary } from "../../src/gobin/binary.js";
import { BootTracer } from "../../src/goruntime/boot.js";
import type { CpuModel } from "../../src/cpu/api.js";

const schema = JSON.parse(readFileSync(join(ROOT, "docs", "boot-events.schema.json"), "utf8")) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

test("BootTracer { regs: true }: registers at each step's first instruction", { timeout: 120_000 }, async () => {
  const path = join(FIXTURE_BIN, "hello-go1.26");
  const bytes = new Uint8Array(readFileSync(path));
  const gobin = openBinary(bytes, path);
  const tracer = new BootTracer(gobin, { regs: true });
  const host = new WebHost({ stdout: () => undefined, stderr: () => undefined, cpuCount: 2 });
  host.vfs.addFile("/prog", bytes, 0o755);
  const model: CpuModel = { vendor: "GenuineIntel", level: 1 };
  const m = createMachine({
    host, bin: bytes, argv: ["/prog"], envp: [], exePath: "/prog", model,
    onCpu: (c) => c.setCodeHook((rip) => tracer.onInstruction(c, rip)),
  });
  const r = await m.run();
  const events = tracer.events({ status: r.status, instructions: r.instructions, threads: m.proc.threads.length });
  assert.equal(events.length, 17);
  for (const e of events) {
    assert.ok(validate(e), `${e.id}: ${JSON.stringify(validate.errors)}`);
    if (e.id === "exit") {
      assert.equal(e.regs, undefined, "exit has no first instruction");
      continue;
    }
    assert.ok(e.regs, `${e.id} has registers`);
    assert.equal(e.regs["rip"], e.pc, `${e.id}: rip = pc`);
    assert.equal(Object.keys(e.regs).length, 18, `${e.id}: 16 GPRs, rip, fs_base`);
  }
  const entry = events[0]!;
  assert.equal(entry.regs!["rsp"], String(entry.values["initial_sp"]), "entry: rsp is the initial SP");
  const tls = events.find((e) => e.id === "tls")!;
  const m0g0 = events.find((e) => e.id === "m0_g0")!;
  assert.equal(tls.regs!["fs_base"], "0x0", "FS is not set before settls");
  assert.equal(m0g0.regs!["fs_base"], String(tls.values["FS base after"]), "FS base after settls");

  const cli = runCli(["boot", "--json", path], { timeoutMs: 300_000 });
  assert.equal(cli.status, 0);
  for (const l of cli.stdout.trim().split("\n")) assert.ok(!("regs" in (JSON.parse(l) as object)), "rt0 boot --json output is unchanged");
});
