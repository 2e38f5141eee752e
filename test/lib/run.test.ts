// rt0's Node API (src/lib/node.ts), option by option, against the oracles: the same program run
// natively (output, exit status, signal) and `rt0 run` (the error lines, --root, the limits).
// The guest is test/testdata/guests/libdemo.go built with the newest Go installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { AbortError, Rt0Error, run } from "../../src/lib/node.js";
import { builtFixture, runCli, TESTDATA } from "../helpers.js";
import { goGuest, scratch } from "../linux/guests.js";

const GO = ["1.26", "1.25", "1.24", "1.23", "1.22", "1.21"].find((v) => goGuest("libdemo", v) !== undefined);
const demo = GO === undefined ? undefined : goGuest("libdemo", GO);
const skip = demo === undefined ? "no Go toolchain to build test/testdata/guests/libdemo.go" : false;

/** The guest run natively with exactly this environment. */
function native(args: string[], env: Record<string, string>, input = ""): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(demo!, args, { env, input, encoding: "utf8" });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const utf8 = new TextEncoder();

test("args, env and stdin: the output and exit status of the native run, with nothing of the host's environment", { skip }, async () => {
  process.env["RT0_LIB_SECRET"] = "must not reach the guest";
  const env = { GREETING: "hi there" };
  const n = native(["x", "y z"], env, "some input\n");
  const r = await run(demo!, { args: ["x", "y z"], env, stdin: "some input\n", cwd: process.cwd() });
  assert.equal(r.stdout, n.stdout);
  assert.equal(r.stderr, n.stderr);
  assert.equal(r.status, n.status);
  assert.equal(r.status, 2);
  assert.equal(r.signal, undefined);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.stdoutBytes, utf8.encode(n.stdout));
  // No inheritance: a run of `env`-printing guest sees only what it was given.
  const printenv = builtFixture("1.26", "argsenv");
  if (printenv) {
    const a = await run(printenv, { env: {}, stdin: "" });
    assert.match(a.stdout, /RT0_TEST_VAR="" set=false/);
    process.env["RT0_TEST_VAR"] = "inherited";
    const b = await run(printenv, { inheritEnv: true, stdin: "" });
    assert.match(b.stdout, /RT0_TEST_VAR="inherited" set=true/);
    delete process.env["RT0_TEST_VAR"];
  }
  delete process.env["RT0_LIB_SECRET"];
});

test("stdin as bytes, an async iterable and a ReadableStream: the same bytes reach the guest", { skip }, async () => {
  const want = native([], {}, "one\ntwo\n").stdout;
  const bytes = await run(demo!, { stdin: utf8.encode("one\ntwo\n"), cwd: process.cwd() });
  assert.equal(bytes.stdout, want);
  async function* chunks(): AsyncGenerator<string | Uint8Array> {
    yield "one\n";
    await new Promise((ok) => setImmediate(ok));
    yield utf8.encode("two\n");
  }
  assert.equal((await run(demo!, { stdin: chunks(), cwd: process.cwd() })).stdout, want);
  assert.equal((await run(demo!, { stdin: Readable.from([Buffer.from("one\n"), Buffer.from("two\n")]), cwd: process.cwd() })).stdout, want);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(utf8.encode("one\n"));
      c.enqueue(utf8.encode("two\n"));
      c.close();
    },
  });
  assert.equal((await run(demo!, { stdin: stream, cwd: process.cwd() })).stdout, want);
  // No stdin: end of file at once.
  assert.match((await run(demo!, { cwd: process.cwd() })).stdout, /stdin: ""/);
});

test("stdout and stderr to callbacks, Node writables and WritableStreams as they are written; nothing collected then", { skip }, async () => {
  const want = native(["a"], {}, "");
  const seen: string[] = [];
  const dec = new TextDecoder();
  const r = await run(demo!, { args: ["a"], cwd: process.cwd(), stdout: (c) => seen.push(dec.decode(c)), stderr: (c) => seen.push("ERR:" + dec.decode(c)) });
  assert.equal(seen.filter((s) => !s.startsWith("ERR:")).join(""), want.stdout);
  assert.equal(seen.filter((s) => s.startsWith("ERR:")).map((s) => s.slice(4)).join(""), want.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "");
  const pass = new PassThrough();
  const got: Buffer[] = [];
  pass.on("data", (c: Buffer) => got.push(c));
  let wsText = "";
  const ws = new WritableStream<Uint8Array>({ write(c) { wsText += dec.decode(c); } });
  await run(demo!, { args: ["a"], cwd: process.cwd(), stdout: pass, stderr: ws });
  await new Promise((ok) => setImmediate(ok));
  assert.equal(Buffer.concat(got).toString(), want.stdout);
  assert.equal(wsText, want.stderr);
});

test("fs.files: an in-memory tree the guest reads, a file it writes comes back in result.files, cwd inside it", { skip }, async () => {
  const r = await run(demo!, {
    args: ["m"], env: { OUT: "/out/result.txt" }, stdin: "written by the guest",
    fs: { files: { "/in/data.txt": "given by the caller", "out/": "" } }, cwd: "/in",
  });
  assert.equal(r.stderr, "done\n");
  assert.equal(r.status, 1);
  assert.equal(r.stdout, [
    'args: ["m"]', 'GREETING=""', 'stdin: "written by the guest"',
    'read back /out/result.txt: "WRITTEN BY THE GUEST" <nil>', '/in/data.txt: "given by the caller"', "cwd: /in", "",
  ].join("\n"));
  assert.deepEqual([...r.files!.keys()], ["/in/data.txt", "/out/result.txt"]);
  assert.equal(new TextDecoder().decode(r.files!.get("/out/result.txt")), "WRITTEN BY THE GUEST");
  // The caller's bytes are copied, not shared.
  const given = utf8.encode("abc");
  await run(demo!, { env: { OUT: "/in/data.txt" }, stdin: "xyz", fs: { files: { "/in/data.txt": given } } });
  assert.equal(new TextDecoder().decode(given), "abc");
  await assert.rejects(run(demo!, { fs: { files: {} }, cwd: "/nowhere" }), (e: unknown) => e instanceof Rt0Error && e.message === "cwd /nowhere: not a directory of the guest's file system");
});

test("fs.root: the guest's files are a confined directory, as with rt0 run --root", { skip }, async () => {
  const s = scratch("rt0-lib-root-");
  try {
    mkdirSync(join(s.dir, "in"));
    writeFileSync(join(s.dir, "in", "data.txt"), "from the root");
    const readfile = builtFixture("1.26", "readfile");
    const r = await run(demo!, { env: { OUT: "/made.txt" }, stdin: "x", fs: { root: s.dir } });
    assert.match(r.stdout, /\/in\/data.txt: "from the root"/);
    assert.match(r.stdout, /read back \/made.txt: "X" <nil>/);
    assert.equal(r.files, undefined);
    if (readfile) {
      const paths = ["/in/data.txt", "/../../etc/hostname", "/etc/hostname"];
      const lib = await run(readfile, { args: paths, fs: { root: s.dir } });
      const cli = runCli(["run", "--root", s.dir, readfile, ...paths]);
      assert.equal(lib.stdout, cli.stdout);
      assert.equal(lib.status, cli.status);
    }
    await assert.rejects(run(demo!, { fs: { root: join(s.dir, "missing") } }), (e: unknown) => e instanceof Rt0Error && /^fs.root .*missing: not a directory$/.test(e.message));
  } finally {
    s.done();
  }
});

test("signal: aborting ends a spinning guest and rejects with an AbortError; an aborted signal runs nothing", { skip }, async () => {
  const ac = new AbortController();
  let out = "";
  const p = run(demo!, {
    args: ["spin"], signal: ac.signal, fs: { files: {} },
    stdout: (c) => {
      out += new TextDecoder().decode(c);
      if (out.includes("spinning")) ac.abort();
    },
  });
  await assert.rejects(p, (e: unknown) => e instanceof AbortError && e.name === "AbortError" && e.code === "ABORT_ERR");
  assert.equal(out, "spinning\n");
  const done = new AbortController();
  done.abort(new Error("why"));
  await assert.rejects(run(demo!, { signal: done.signal }), (e: unknown) => e instanceof AbortError && (e.cause as Error).message === "why");
  // A guest blocked reading stdin is ended as well.
  const blocked = new AbortController();
  const q = run(demo!, { signal: blocked.signal, stdin: (async function* () { await new Promise(() => {}); yield ""; })() });
  setImmediate(() => blocked.abort());
  await assert.rejects(q, (e: unknown) => e instanceof AbortError);
});

test("status and signal as a shell sees them: killed by SIGTERM is 143 and SIGTERM, as natively", { skip }, async () => {
  const n = native(["kill"], {});
  assert.equal(n.signal, "SIGTERM");
  const r = await run(demo!, { args: ["kill"], fs: { files: {} } });
  assert.equal(r.status, 143);
  assert.equal(r.signal, "SIGTERM");
  assert.equal(r.stdout, n.stdout);
});

test("deterministic and seed: the same seed gives the same numbers and clock, another seed others", { skip }, async () => {
  const a = await run(demo!, { args: ["random"], deterministic: true, seed: 7 });
  const b = await run(demo!, { args: ["random"], deterministic: true, seed: 7 });
  const c = await run(demo!, { args: ["random"], deterministic: true, seed: 8 });
  assert.match(a.stdout, /^-?\d+ \d+\n$/);
  assert.equal(a.stdout, b.stdout);
  assert.notEqual(a.stdout.split(" ")[0], c.stdout.split(" ")[0]);
  const cli = runCli(["run", "--clear-env", "--deterministic", "--seed", "7", demo!, "random"]);
  assert.equal(a.stdout, cli.stdout);
});

test("memoryLimit, processLimit and maxInstructions end the guest as rt0 run's flags do", { skip }, async () => {
  const small = await run(demo!, { memoryLimit: 16 << 20, fs: { files: {} } });
  const cli = runCli(["run", "--memory-limit", "16M", "--root", TESTDATA, demo!]);
  assert.equal(small.status, cli.status);
  assert.notEqual(small.status, 0);
  const one = await run(demo!, { processLimit: 1, fs: { files: {} } });
  const cli1 = runCli(["run", "--process-limit", "1", "--root", TESTDATA, demo!]);
  assert.equal(one.status, cli1.status);
  assert.equal(one.stderr.split("\n")[0], cli1.stderr.split("\n")[0]);
  const cut = await run(demo!, { maxInstructions: 1000, fs: { files: {} } });
  assert.equal(cut.status, 124);
  assert.equal(cut.limitReached, true);
  assert.equal(cut.instructions, 1000);
});

test("a bad binary or option rejects with an Rt0Error carrying rt0 run's one line", async () => {
  const bad = ["text.txt", "empty", "go-386", "go-arm64", "truncated-amd64"].map((f) => join(TESTDATA, "badinput", f));
  for (const path of [...bad, join(TESTDATA, "no-such-file")]) {
    const cli = runCli(["run", path]);
    assert.match(cli.stderr, /^rt0: [^\n]+\n$/, path);
    await assert.rejects(run(path), (e: unknown) => {
      assert.ok(e instanceof Rt0Error, String(e));
      assert.equal(`rt0: ${e.message}\n`, cli.stderr);
      assert.equal(e.exitCode, cli.status);
      return true;
    });
  }
  // Bytes: the same line with "binary" (or argv0) for the path.
  const { readFileSync } = await import("node:fs");
  await assert.rejects(run(readFileSync(bad[0]!), { argv0: "tool" }), /^Rt0Error: tool: not an ELF file/);
  await assert.rejects(run(readFileSync(bad[0]!)), /^Rt0Error: binary: not an ELF file/);
  for (const [opts, re] of [
    [{ seed: -1 }, /seed must be an integer/],
    [{ args: "a" }, /args must be an array/],
    [{ env: { "A=B": "x" } }, /env: a variable name/],
    [{ stdin: 5 }, /stdin must be/],
    [{ fs: { nope: 1 } }, /fs must be/],
    [{ net: "wifi" }, /net must be host, loopback or none/],
    [{ net: "host", deterministic: true }, /contradict/],
  ] as const) {
    await assert.rejects(run(join(TESTDATA, "badinput", "text.txt"), opts as never), (e: unknown) => e instanceof Rt0Error && re.test(e.message));
  }
});
