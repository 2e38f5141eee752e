// rt0 boot: every supported toolchain's hello completes all steps in order with every check
// passing, --json validates against docs/boot-events.schema.json, and the values that do not
// depend on address-space layout agree with gdb on a native run (tools/gen-golden-boot.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { FIXTURE_BIN, GO_VERSIONS, ROOT, TESTDATA, builtFixture, runCli } from "../helpers.js";
import { STEP_IDS } from "../../src/goruntime/boot.js";

const schema = JSON.parse(readFileSync(join(ROOT, "docs", "boot-events.schema.json"), "utf8")) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

test("the schema's step ids and docs/boot-events.md's steps are the table of steps (npm run gen)", () => {
  const step = (schema as { oneOf: { properties: { event: { const?: string }; id?: { enum: string[] } } }[] }).oneOf.find((s) => s.properties.event.const === "step");
  assert.deepEqual(step?.properties.id?.enum, [...STEP_IDS]);
  const doc = readFileSync(join(ROOT, "docs", "boot-events.md"), "utf8");
  assert.deepEqual([...doc.matchAll(/^\| \d+ \| `(\w+)` \|/gm)].map((m) => m[1]), [...STEP_IDS]);
});

interface Ev {
  event: string;
  id?: string;
  values?: Record<string, string | number | boolean>;
  checks?: { name: string; ok: boolean; expected: string; actual: string }[];
  status?: number;
  stdout?: string;
  checksFailed?: number;
}

function boot(bin: string, extra: string[] = [], args: string[] = []): Ev[] {
  const r = runCli(["boot", "--json", ...extra, bin, ...args], { timeoutMs: 300_000 });
  assert.equal(r.stderr, "", `stderr of rt0 boot ${bin}`);
  assert.equal(r.status, 0, `exit status of rt0 boot ${bin}`);
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Ev);
  for (const e of events) assert.ok(validate(e), `${bin}: event ${JSON.stringify(e).slice(0, 120)} violates the schema: ${JSON.stringify(validate.errors)}`);
  return events;
}

function checkRun(bin: string): void {
  const events = boot(bin);
  const steps = events.filter((e) => e.event === "step");
  assert.deepEqual(steps.map((e) => e.id), [...STEP_IDS], `${bin}: steps in order`);
  for (const s of steps) for (const c of s.checks ?? []) assert.ok(c.ok, `${bin}: step ${s.id}: ${c.name}: expected ${c.expected}, got ${c.actual}`);
  const nChecks = steps.reduce((n, s) => n + (s.checks?.length ?? 0), 0);
  assert.ok(nChecks >= 15, `${bin}: ${nChecks} checks ran`);
  assert.equal(events.find((e) => e.event === "output")?.stdout, "hello, world\n");
  assert.equal(events.at(-1)?.event, "end");
  assert.equal(events.at(-1)?.checksFailed, 0);
}

for (const v of GO_VERSIONS) {
  for (const name of ["hello", "hello-stripped"]) {
    const bin = builtFixture(v, name);
    test(`rt0 boot go${v} ${name}: all steps, all checks`, { skip: bin === undefined ? "fixtures not built (tools/build-fixtures.sh)" : false }, () => {
      checkRun(bin!);
    });
  }
}

test("rt0 boot on the committed go1.26 stripped sample", () => {
  checkRun(join(FIXTURE_BIN, "hello-go1.26-stripped"));
});

/** gdb's key=value golden file. */
function oracle(name: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of readFileSync(join(TESTDATA, "boot", `gdb-${name}.txt`), "utf8").split("\n")) {
    const i = l.indexOf("=");
    if (!l.startsWith("#") && i > 0) m.set(l.slice(0, i), l.slice(i + 1));
  }
  return m;
}

for (const name of ["hello-go1.19", "hello-go1.26"]) {
  test(`rt0 boot ${name} agrees with gdb on a native run`, () => {
    const g = oracle(name);
    const events = boot(join(FIXTURE_BIN, name), ["--cpu-vendor", "amd"], ["alpha", "beta"]);
    const step = (id: string): Record<string, string | number | boolean> => events.find((e) => e.id === id)!.values!;
    const a = step("args");
    assert.equal(String(a["argc"]), g.get("argc"));
    assert.equal(a["argv[1]"], g.get("argv1"));
    assert.equal(a["argv[2]"], g.get("argv2"));
    const s = step("g0_stack");
    assert.equal(String(s["stack size"]), g.get("g0.stack.size"));
    const lo = Number(s["stack.lo"]);
    assert.equal(String(Number(s["stackguard0"]) - lo), g.get("g0.stackguard0_minus_lo"));
    assert.equal(String(Number(s["stackguard1"]) - lo), g.get("g0.stackguard1_minus_lo"));
    const t = step("tls");
    const m = /^arch_prctl\((\w+), (0x[0-9a-f]+)\)/.exec(String(t["syscall"]));
    assert.ok(m, String(t["syscall"]));
    assert.equal(m[1] === "ARCH_SET_FS" ? "0x1002" : m[1], g.get("arch_prctl.code"));
    assert.equal(m[2], g.get("arch_prctl.addr"));
    assert.equal(m[2], g.get("m0.tls_plus_8"));
    const c = step("cpuid");
    assert.equal(c["isIntel set"] ? "1" : "0", g.get("isIntel"));
    assert.equal(c["vendor (EBX,EDX,ECX)"], "AuthenticAMD");
    const links = events.find((e) => e.id === "m0_g0")!.checks!;
    assert.equal(links.find((x) => x.name === "m0.g0 == &g0")!.ok ? "1" : "0", g.get("m0.g0_is_g0"));
    assert.equal(links.find((x) => x.name === "g0.m == &m0")!.ok ? "1" : "0", g.get("g0.m_is_m0"));
  });
}

test("rt0 boot --until stops at the named function", () => {
  const r = runCli(["boot", "--until", "runtime.schedinit", join(FIXTURE_BIN, "hello-go1.26")], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /stopped at runtime\.schedinit \(--until\)/);
  assert.doesNotMatch(r.stdout, /main\.main: the program itself/);
});

test("rt0 boot: bad input is one line", () => {
  const r = runCli(["boot", "--until", "no.such.func", join(FIXTURE_BIN, "hello-go1.26")]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /--until no\.such\.func: no such symbol/);
  const r2 = runCli(["boot", "--cpu-vendor", "via", join(FIXTURE_BIN, "hello-go1.26")]);
  assert.equal(r2.status, 1, r2.stderr);
  assert.match(r2.stderr, /--cpu-vendor must be intel or amd/);
});
