// `rt0 info` and `rt0 disasm` on x86-64 executables that are not Go, against objdump: the
// committed freestanding C program and its stripped copy (goldens by tools/gen-golden-anyelf.sh),
// and where gcc and objdump are installed, /bin/true (dynamically linked, stripped: objdump's
// synthetic name@plt symbols and versioned dynamic symbols) and a glibc program linked statically.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, TESTDATA } from "../helpers.js";
import { haveGcc, scratch } from "../linux/guests.js";

const DIR = join(TESTDATA, "anyelf");
const haveObjdump = spawnSync("objdump", ["--version"]).status === 0;

function rt0(args: string[], cwd?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function objdump(args: string[]): string {
  const r = spawnSync("objdump", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Lines that differ, and whether every difference is only in the instruction text (same
 *  line count, same addresses and `<symbol>:` headers: the boundaries). */
function compare(want: string, got: string): { differing: string[]; boundaries: boolean } {
  const a = want.split("\n"), b = got.split("\n");
  const differing: string[] = [];
  let boundaries = a.length === b.length;
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    if (a[k] === b[k]) continue;
    differing.push(`objdump: ${a[k]}\nrt0:     ${b[k]}`);
    const head = (l: string | undefined): string => (l ?? "").replace(/\t[^\t]*$/, "");
    if (!/^ *[0-9a-f]+:\t/.test(a[k] ?? "") || head(a[k]) !== head(b[k])) boundaries = false;
  }
  return { differing, boundaries };
}

test("rt0 info and rt0 disasm on a freestanding C program and its stripped copy: objdump -f and objdump -d byte for byte", () => {
  for (const b of ["tiny", "tiny-stripped"]) {
    const info = rt0(["info", b], DIR);
    assert.equal(info.status, 0, info.stderr);
    assert.ok(info.stdout.startsWith(readFileSync(join(DIR, `${b}.objdump-f`), "utf8")), info.stdout);
    assert.match(info.stdout, /\nGo: +no \(no Go build info, no pclntab\)\n/);
    assert.match(info.stdout, /\ninterpreter: +\(none: statically linked\)\n/);
    const dis = rt0(["disasm", b], DIR);
    assert.equal(dis.stderr, "");
    assert.equal(dis.status, 0);
    assert.equal(dis.stdout, readFileSync(join(DIR, `${b}.objdump-d`), "utf8"));
  }
  const j = JSON.parse(rt0(["info", "--json", "tiny"], DIR).stdout) as Record<string, unknown>;
  assert.equal(j["goVersion"], null);
  assert.equal(j["pclntab"], null);
  assert.equal(j["entrySymbol"], "_start");
  assert.equal(j["interpreter"], null);
  // --symbol narrows to objdump's symbols; the Go layouts need a Go binary.
  const mix = rt0(["disasm", "--symbol", "^mix$", "tiny"], DIR);
  assert.equal(mix.status, 0, mix.stderr);
  assert.match(mix.stdout, /^\ntiny: {5}file format elf64-x86-64\n\n\nDisassembly of section \.text:\n\n[0-9a-f]{16} <mix>:\n/);
  assert.doesNotMatch(mix.stdout, /<fib>:|<_start>:/);
  const go = rt0(["disasm", "--syntax", "go", "tiny"], DIR);
  assert.equal(go.status, 1);
  assert.equal(go.stderr, "rt0: tiny: --syntax go needs a Go binary (no Go build info and no pclntab found); gnu and intel disassemble any x86-64 ELF\n");
});

test("rt0 disasm on /bin/true equals objdump -d (synthetic name@plt and versioned dynamic symbols); rt0 info's first block is objdump -f", { skip: !haveObjdump || !existsSync("/bin/true") ? "no objdump or /bin/true" : false }, (t) => {
  const want = objdump(["-d", "/bin/true"]);
  const got = rt0(["disasm", "/bin/true"]);
  assert.equal(got.status, 0, got.stderr);
  const c = compare(want, got.stdout);
  t.diagnostic(`/bin/true: ${want.split("\n").length} lines, ${c.differing.length} differ`);
  assert.deepEqual(c.differing, []);
  const info = rt0(["info", "/bin/true"]);
  assert.equal(info.status, 0, info.stderr);
  assert.ok(info.stdout.startsWith(objdump(["-f", "/bin/true"])));
});

// CET shadow-stack instructions glibc's static start-up code has: rt0's decoder table reads
// F3 REX.W 0F 1E /1 as a nop and prints incsspq as incsspd (src/x86/spec.ts; the lengths agree).
const KNOWN = /^objdump: +[0-9a-f]+:\t[0-9a-f ]+\t(rdsspq|incsspq) /;

test("rt0 disasm on a glibc program linked statically: objdump -d's boundaries everywhere and its text but for the known CET lines", { skip: !haveObjdump || !haveGcc ? "no objdump or gcc" : false }, (t) => {
  const s = scratch("rt0-anyelf-");
  try {
    writeFileSync(join(s.dir, "hello.c"), '#include <stdio.h>\n#include <string.h>\nint main(int argc, char **argv) { printf("hello from C, %d args, %zu\\n", argc, strlen(argv[0])); return argc - 1; }\n');
    const cc = spawnSync("gcc", ["-O2", "-static", "-o", join(s.dir, "hello"), join(s.dir, "hello.c")], { encoding: "utf8" });
    assert.equal(cc.status, 0, cc.stderr);
    const bin = join(s.dir, "hello");
    const want = objdump(["-d", bin]);
    const got = rt0(["disasm", bin]);
    assert.equal(got.status, 0, got.stderr);
    const c = compare(want, got.stdout);
    const unknown = c.differing.filter((d) => !KNOWN.test(d));
    t.diagnostic(`static glibc hello: ${want.split("\n").length} lines, ${c.differing.length} differ, all CET shadow-stack instructions: ${unknown.length === 0}`);
    assert.ok(c.boundaries, "the same addresses, instruction lengths and symbol headers");
    assert.deepEqual(unknown, []);
    assert.ok(rt0(["info", bin]).stdout.startsWith(objdump(["-f", bin])));
  } finally {
    s.done();
  }
});
