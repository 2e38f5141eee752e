// `rt0 disasm` end to end: --symbol, --start/--stop, --source, stripped binaries, the go tool
// objdump byte-identical mode, bad flags and files, and `| head` without an EPIPE error.
// Oracles: the committed objdump -d and go tool objdump outputs (test/testdata/{objdump,goobjdump}).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { CLI, FIXTURE_BIN, ROOT, TESTDATA, runCli } from "../helpers.js";

const HELLO26 = join(FIXTURE_BIN, "hello-go1.26");
const HELLO19 = join(FIXTURE_BIN, "hello-go1.26").replace("1.26", "1.19");
const STRIPPED = join(FIXTURE_BIN, "hello-go1.26-stripped");
const GO = join(TESTDATA, "goobjdump");

/** The `<main.main>:` block of the committed objdump -d output, header line included. */
function objdumpBlock(name: string, sym: string): string[] {
  const lines = gunzipSync(readFileSync(join(TESTDATA, "objdump", `${name}.d.gz`))).toString("utf8").split("\n");
  const i = lines.findIndex((l) => l.endsWith(` <${sym}>:`));
  assert.ok(i >= 0, `${sym} in objdump golden`);
  let j = i + 1;
  while (j < lines.length && lines[j] !== "") j++;
  return lines.slice(i, j);
}

function oneLineError(r: { status: number | null; stdout: string; stderr: string }, status: number, re: RegExp): void {
  assert.equal(r.status, status, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
}

test("--syntax go --symbol main.main is go tool objdump -s main.main (go1.26 and go1.19)", () => {
  for (const [bin, v] of [[HELLO26, "1.26"], [HELLO19, "1.19"]] as const) {
    const r = runCli(["disasm", bin, "--syntax", "go", "--symbol", "^main\\.main$"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(GO, `hello-go${v}.main.txt`), "utf8"));
  }
});

test("--syntax go --start/--stop is go tool objdump BIN start end", () => {
  const r = runCli(["disasm", HELLO26, "--syntax", "go", "--start", "0x401000", "--stop", "4198464"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(GO, "hello-go1.26.range.txt"), "utf8"));
});

test("--syntax goobjdump is byte-identical to go tool objdump for a whole binary", () => {
  const r = runCli(["disasm", HELLO19, "--syntax", "goobjdump"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout === gunzipSync(readFileSync(join(GO, "hello-go1.19.txt.gz"))).toString("utf8"), "differs from go tool objdump");
});

test("gnu --symbol main.main is objdump -d's main.main block", () => {
  const r = runCli(["disasm", HELLO26, "--symbol", "^main\\.main$"]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.deepEqual(lines.slice(0, 5), ["", `${HELLO26}:     file format elf64-x86-64`, "", "", "Disassembly of section .text:"]);
  assert.deepEqual(lines.slice(6, -1), objdumpBlock("hello-go1.26", "main.main"));
});

test("gnu and intel --start/--stop show exactly the instructions in the range", () => {
  const block = objdumpBlock("hello-go1.26", "main.main");
  const start = parseInt(block[0]!, 16);
  // The first five instructions of main.main are 14 bytes.
  const r = runCli(["disasm", HELLO26, "--start", `0x${start.toString(16)}`, "--stop", `0x${(start + 14).toString(16)}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split("\n").slice(6, -1), block.slice(0, 6));
  const ri = runCli(["disasm", HELLO26, "--syntax", "intel", "--start", `${start}`, "--stop", `${start + 14}`]);
  assert.equal(ri.status, 0, ri.stderr);
  assert.match(ri.stdout, /cmp {4}rsp,QWORD PTR \[r14\+0x10\]\n/);
  assert.equal(ri.stdout.split("\n").filter((l) => /^ +[0-9a-f]+:\t/.test(l)).length, 5);
});

test("--source interleaves file:line (gnu like objdump -l; go like go tool objdump -S)", () => {
  // The oracle for the positions: go tool objdump's file:line column for main.main.
  const want = new Map<number, string>();
  for (const l of readFileSync(join(GO, "hello-go1.26.main.txt"), "utf8").split("\n")) {
    const f = l.split(/\t+/);
    if (f.length >= 4 && l.startsWith("  ")) want.set(parseInt(f[1]!, 16), f[0]!.trim());
  }
  const r = runCli(["disasm", HELLO26, "--symbol", "^main\\.main$", "--source"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /<main\.main>:\nmain\.main\(\):\nrt0\.example\/fixtures\/hello\/main\.go:7\n/);
  let pos = "";
  let checked = 0;
  for (const l of r.stdout.split("\n")) {
    const m = /^ +([0-9a-f]+):\t/.exec(l);
    if (m && want.has(parseInt(m[1]!, 16))) {
      // (objdump also shows the INT3 padding after the function: no position there.)
      assert.equal(pos.slice(pos.lastIndexOf("/") + 1), want.get(parseInt(m[1]!, 16)), l);
      checked++;
    } else if (/^[^ ].*:\d+$/.test(l)) {
      pos = l;
    }
  }
  assert.equal(checked, want.size);
  const g = runCli(["disasm", HELLO26, "--syntax", "go", "--symbol", "^main\\.main$", "--source"]);
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /^TEXT main\.main\(SB\) rt0\.example\/fixtures\/hello\/main\.go\nrt0\.example\/fixtures\/hello\/main\.go:7\n {2}0x[0-9a-f]+\t+493b6610\t+CMPQ SP, 0x10\(R14\)/);
});

test("a stripped binary is shown with the Go function names from the pclntab", () => {
  const r = runCli(["disasm", STRIPPED, "--symbol", "^main\\.main$"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\n[0-9a-f]{16} <main\.main>:\n/);
  assert.match(r.stdout, /call +[0-9a-f]+ <fmt\.Fprintln>/);
  const g = runCli(["disasm", STRIPPED, "--syntax", "go", "--symbol", "^main\\.main$"]);
  assert.equal(g.status, 0, g.stderr);
  // Same code as the unstripped twin: identical lines but for symbolized data and the .abi0 name.
  const want = readFileSync(join(GO, "hello-go1.26.main.txt"), "utf8").split("\n");
  const got = g.stdout.split("\n");
  assert.equal(got.length, want.length);
  assert.equal(got.filter((l, i) => l === want[i]).length, want.length - 3);
  assert.match(g.stdout, /CALL fmt\.Fprintln\(SB\)/);
});

test("bad flags: one line, exit 2", () => {
  oneLineError(runCli(["disasm", HELLO26, "--syntax", "foo"]), 2, /--syntax: "foo" is not one of gnu, intel, go/);
  oneLineError(runCli(["disasm", HELLO26, "--start", "xyz"]), 2, /--start: "xyz" is not an address/);
  oneLineError(runCli(["disasm", HELLO26, "--stop", "0x12g"]), 2, /--stop: "0x12g" is not an address/);
  oneLineError(runCli(["disasm", HELLO26, "--symbol", "(main"]), 2, /--symbol: bad regular expression "\(main"/);
  oneLineError(runCli(["disasm", HELLO26, "--start", "0x402000", "--stop", "0x401000"]), 2, /--start 0x402000 is after --stop 0x401000/);
});

test("bad files and no matching function: one line, exit 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0-disasm-"));
  const txt = join(dir, "notes.txt");
  writeFileSync(txt, "hello\n");
  oneLineError(runCli(["disasm", join(dir, "missing")]), 1, /missing: no such file/);
  oneLineError(runCli(["disasm", dir]), 1, /is a directory/);
  oneLineError(runCli(["disasm", txt]), 1, /not an ELF file/);
  oneLineError(runCli(["disasm", HELLO26, "--symbol", "^no\\.such$"]), 1, /no function matches --symbol/);
  // The bad inputs (test/testdata/badinput, tools/build-badinputs.sh).
  const bad: [string, RegExp][] = [["empty", /empty file/], ["text.txt", /not an ELF file/], ["truncated-amd64", /truncated ELF/],
    ["go-386", /32-bit ELF/], ["go-arm64", /AArch64/], ["c-dynamic", /--syntax go needs a Go binary/]];
  for (const [f, re] of bad) oneLineError(runCli(["disasm", join(TESTDATA, "badinput", f), "--syntax", "go"]), 1, re);
});

test("piping into head ends quietly (no EPIPE error)", () => {
  for (const syntax of ["gnu", "go"]) {
    const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" "${CLI}" disasm "${HELLO26}" --syntax ${syntax} | head -3`],
      { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(r.stdout.split("\n").length, 4);
  }
});
