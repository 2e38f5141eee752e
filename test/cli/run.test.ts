// `rt0 run`: Go programs give the same stdout, stderr and exit status as their native runs
// (the oracle: the native run, or its committed golden record for the prebuilt fixtures), and
// the options behave as documented (--strace, --env, --root, --deterministic, limits).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { FIXTURE_BIN, GO_VERSIONS, TESTDATA, builtFixture, runCli } from "../helpers.js";
import { CASES, pool, runNative, runRt0, type Case } from "./runharness.js";

const GOLDEN = join(TESTDATA, "run");

for (const b of ["hello-go1.19", "hello-go1.26", "stackgrow-go1.26"]) {
  test(`prebuilt ${b} matches its recorded native run`, async () => {
    const r = await runRt0(join(FIXTURE_BIN, b), { name: b });
    assert.equal(r.stdout, readFileSync(join(GOLDEN, `${b}.stdout`), "utf8"));
    assert.equal(r.stderr, readFileSync(join(GOLDEN, `${b}.stderr`), "utf8"));
    assert.equal(r.status, Number(readFileSync(join(GOLDEN, `${b}.status`), "utf8")));
  });
}

// In CI: every program with the oldest and newest toolchains, the smallest two with all of them.
// tools/run-matrix.ts runs the full matrix.
const matrix: [string, Case][] = [];
for (const v of GO_VERSIONS) {
  for (const c of CASES) {
    if (v === "1.19" || v === "1.26" || c.name === "println" || c.name === "hello") matrix.push([v, c]);
  }
}
const haveBuild = matrix.some(([v, c]) => builtFixture(v, c.name) !== undefined);

test("fixtures under rt0 equal their native runs (stdout, stderr, exit status)", { skip: !haveBuild && "fixtures/build is absent (run tools/build-fixtures.sh)" }, async () => {
  const runnable = matrix.filter(([v, c]) => builtFixture(v, c.name) !== undefined);
  assert.ok(runnable.length >= CASES.length, "fixtures/build holds the issue-4 programs (rebuild with tools/build-fixtures.sh)");
  const results = await pool(2, runnable.map(([v, c]) => async () => {
    const bin = builtFixture(v, c.name)!;
    const [nat, emu] = [await runNative(bin, c), await runRt0(bin, c)];
    return { id: `go${v}/${c.name}`, nat, emu };
  }));
  const bad = results.filter((r) => r.nat.stdout !== r.emu.stdout || r.nat.stderr !== r.emu.stderr || r.nat.status !== r.emu.status);
  for (const r of bad) {
    console.log(`--- ${r.id}: native status ${r.nat.status}, rt0 status ${r.emu.status}\nrt0 stderr: ${r.emu.stderr.slice(0, 600)}`);
  }
  assert.deepEqual(bad.map((r) => r.id), [], `${results.length - bad.length}/${results.length} identical`);
});

test("--strace prints strace-style lines to stderr, and --strace-file to a file", () => {
  const r = runCli(["run", "--strace", join(FIXTURE_BIN, "hello-go1.26")]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, "hello, world\n");
  assert.match(r.stderr, /^arch_prctl\(ARCH_SET_FS, 0x[0-9a-f]+\) = 0$/m);
  assert.match(r.stderr, /^(\[pid \d+\] )?write\(1, "hello, world\\n", 13\) = 13$/m);
  assert.match(r.stderr, /^(\[pid \d+\] )?exit_group\(0\) = \?$/m);
  assert.match(r.stderr, /^openat\(AT_FDCWD, "\/proc\/self\/cgroup", O_RDONLY\|O_CLOEXEC, 0000\) = -1 ENOENT \(No such file or directory\)$/m);
  const dir = mkdtempSync(join(tmpdir(), "rt0-strace-"));
  try {
    const f = join(dir, "trace");
    const r2 = runCli(["run", "--strace-file", f, join(FIXTURE_BIN, "hello-go1.26")]);
    assert.equal(r2.stderr, "");
    assert.match(readFileSync(f, "utf8"), /write\(1, "hello, world\\n", 13\) = 13/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("--deterministic: two runs with the same seed give byte-identical --strace output", () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0-det-"));
  try {
    const traces = [1, 2].map((i) => {
      const f = join(dir, `t${i}`);
      const r = runCli(["run", "--deterministic", "--seed", "7", "--strace-file", f, join(FIXTURE_BIN, "hello-go1.26")]);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, "hello, world\n");
      return readFileSync(f, "utf8");
    });
    assert.ok(traces[0]!.split("\n").length > 50);
    assert.equal(traces[0], traces[1]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

const readfile = builtFixture("1.26", "readfile");
test("--root confines the guest: /etc/passwd, ../../x and escaping symlinks give ENOENT", { skip: !readfile && "fixtures/build is absent" }, () => {
  const root = mkdtempSync(join(tmpdir(), "rt0-root-"));
  try {
    mkdirSync(join(root, "d"));
    writeFileSync(join(root, "d", "in.txt"), "inside");
    symlinkSync("/etc/passwd", join(root, "abs"));
    symlinkSync("../../../../../../etc/passwd", join(root, "d", "rel"));
    const r = runCli(["run", "--root", root, readfile!, "/etc/passwd", "../../x", "/d/in.txt", "/abs", "/d/rel", "/../../etc/passwd", "d/in.txt"]);
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(r.stdout, [
      "open /etc/passwd: no such file or directory",
      "open ../../x: no such file or directory",
      '/d/in.txt: 6 bytes: "inside"',
      "open /abs: no such file or directory",
      "open /d/rel: no such file or directory",
      "open /../../etc/passwd: no such file or directory",
      'd/in.txt: 6 bytes: "inside"', // the working directory outside the root becomes "/"
      "",
    ].join("\n"));
    // Without --root the same program reads the host's file.
    const host = runCli(["run", readfile!, "/etc/passwd"]);
    assert.match(host.stdout, /^\/etc\/passwd: \d+ bytes/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test("--env, --clear-env and guest arguments after the binary", { skip: !builtFixture("1.26", "argsenv") && "fixtures/build is absent" }, () => {
  const bin = builtFixture("1.26", "argsenv")!;
  const r = runCli(["run", "--clear-env", "--env", "RT0_TEST_VAR=a=b", bin, "--strace", "-x"], { input: "in\n" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'args: ["--strace" "-x"]\nRT0_TEST_VAR="a=b" set=true\nunset var set: false\nstdin: 3 bytes, 1 lines, first "in"\n');
  assert.equal(r.stderr, "to stderr\n");
});

test("--max-instructions stops with a clear message and a non-zero status", () => {
  const r = runCli(["run", "--max-instructions", "100000", join(FIXTURE_BIN, "hello-go1.26")]);
  assert.notEqual(r.status, 0);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^rt0: stopped after 100000 instructions \(--max-instructions 100000\)\n$/);
});

test("bad inputs: a missing file, a bad option value (a dynamically linked binary runs)", () => {
  const dyn = ["/bin/false", "/usr/bin/false"].find((p) => existsSync(p));
  assert.ok(dyn);
  const r = runCli(["run", dyn]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout + r.stderr, "");
  const m = runCli(["run", "/nonexistent/prog"]);
  assert.equal(m.status, 1);
  assert.equal(m.stderr, "rt0: /nonexistent/prog: no such file\n");
  const v = runCli(["run", "--cpu-level", "v9", join(FIXTURE_BIN, "hello-go1.26")]);
  assert.equal(v.status, 1);
  assert.equal(v.stderr, "rt0: --cpu-level must be v1, v2 or v3 (got v9)\n");
});

// The compiled tier on real programs. Every function compiled at its first entry
// (--jit-threshold 0), so short programs run compiled code too; and --check-jit at the default
// threshold, where each entry into compiled code is run again by the interpreter from the same
// state and compared (registers, flags, every byte written). A subset, oldest and newest
// toolchains: the whole matrix is `node dist/tools/run-matrix.js --jit-threshold 0` and
// `node dist/tools/run-matrix.js --check-jit` (minutes each; figures in the README).
const EAGER = ["println", "goroutines", "chanselect", "panic", "faults", "timers", "exit3", "files"];
const CHECKED = ["hello", "maps", "gcfinal", "preempt", "syncprocs", "stackgrow"];
/** Known and open (README, known gaps): go1.19 gcfinal's check reports, one run in two or three,
 *  a CF-only difference at 0x421e8e (both sides' last flag writer an INC whose carry-in
 *  differs) while a preemption request is pending; the outputs are identical. */
const CHECK_KNOWN = new Set(["1.19/gcfinal"]);
test("fixtures under rt0 with every function compiled at once, and checked against the interpreter, equal their native runs", { skip: !haveBuild && "fixtures/build is absent (run tools/build-fixtures.sh)" }, async () => {
  const pick = (names: string[], v: string): (typeof matrix)[number][] => matrix.filter(([mv, c]) => mv === v && names.includes(c.name) && builtFixture(mv, c.name) !== undefined);
  const runs = [
    ...pick(EAGER, "1.26").map(([v, c]) => [v, c, ["--jit-threshold", "0"]] as const),
    ...["1.19", "1.26"].flatMap((ver) => pick(CHECKED, ver).filter(([v, c]) => !CHECK_KNOWN.has(`${v}/${c.name}`)).map(([v, c]) => [v, c, ["--check-jit"]] as const)),
  ];
  const results = await pool(2, runs.map(([v, c, flags]) => async () => {
    const bin = builtFixture(v, c.name)!;
    const [nat, emu] = [await runNative(bin, c), await runRt0(bin, c, 300_000, [...flags])];
    return { id: `go${v}/${c.name} ${flags.join(" ")}`, nat, emu };
  }));
  const bad = results.filter((r) => r.nat.stdout !== r.emu.stdout || r.nat.stderr !== r.emu.stderr || r.nat.status !== r.emu.status);
  for (const r of bad) {
    console.log(`--- ${r.id}: native status ${r.nat.status}, rt0 status ${r.emu.status}\nrt0 stderr: ${r.emu.stderr.slice(0, 1200)}`);
  }
  assert.equal(results.length, EAGER.length + 2 * CHECKED.length - CHECK_KNOWN.size, `only ${results.length} programs`);
  assert.deepEqual(bad.map((r) => r.id), [], `${results.length - bad.length}/${results.length} identical`);
});
