// Differential test of the interpreter against this machine's CPU: a fixed-seed subset of the
// cases of tools/cpudiff (every form, a few cases each), with the native results recorded in
// test/testdata/cpu/cases.bin.gz by `node dist/tools/cpudiff/run.js --per-form 4 --seed 7
// --level 3 --golden test/testdata/cpu/cases.bin.gz`. The full run (>= 200,000 cases): tools/cpudiff/full.sh.
// Flag producer + SETcc/CMOVcc pairs (the JIT derives conditions inside a block):
// `node dist/tools/cpudiff/pairs.js --per-form 8 --golden test/testdata/cpu/pairs.bin.gz`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { TESTDATA } from "../helpers.js";
import { compare, Emu } from "../../tools/cpudiff/emu.js";

interface Golden {
  forms: { name: string; undef: number }[];
  state: number;
}

function load(file = "cases.bin.gz"): { head: Golden; cases: { form: number; code: Uint8Array; input: Uint8Array; status: number; out: Uint8Array }[] } {
  const buf = gunzipSync(readFileSync(join(TESTDATA, "cpu", file)));
  assert.equal(buf.toString("latin1", 0, 8), "CPUDGLD1");
  const n = buf.readUInt32LE(8);
  const head = JSON.parse(buf.toString("utf8", 12, 12 + n)) as Golden;
  const S = head.state;
  const rec = 2 + 16 + S + 1 + S;
  const cases = [];
  for (let o = 12 + n; o + rec <= buf.length; o += rec) {
    cases.push({
      form: buf.readUInt16LE(o),
      code: new Uint8Array(buf.subarray(o + 3, o + 3 + buf[o + 2])),
      input: new Uint8Array(buf.subarray(o + 18, o + 18 + S)),
      status: buf[o + 18 + S],
      out: new Uint8Array(buf.subarray(o + 19 + S, o + 19 + 2 * S)),
    });
  }
  return { head, cases };
}

/** Forms with a known difference: "form name<TAB>reason" lines. */
function known(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(join(TESTDATA, "cpu", "known-differences.txt"), "utf8").split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [name, reason] = line.split("\t");
    m.set(name, reason ?? "");
  }
  return m;
}

for (const jit of [false, true]) test(`every recorded case matches the host CPU (registers, defined flags, MXCSR, XMM, memory)${jit ? ", through the JIT tier" : ""}`, () => {
  const { head, cases } = load();
  const skip = known();
  const emu = new Emu(3, jit);
  const failures: string[] = [];
  const forms = new Set<number>();
  let compared = 0;
  for (const c of cases) {
    const f = head.forms[c.form];
    if (skip.has(f.name)) continue;
    forms.add(c.form);
    compared++;
    const got = emu.run(c.code, c.input);
    const diff = compare(f.undef, c, got);
    if (diff !== "") failures.push(`${f.name} [${Buffer.from(c.code).toString("hex")}]: ${diff}`);
  }
  assert.ok(compared >= 3000, `only ${compared} cases`);
  assert.ok(forms.size >= 1150, `only ${forms.size} forms`);
  assert.deepEqual(failures.slice(0, 20), []);
});

for (const jit of [false, true]) test(`flag producer + SETcc/CMOVcc pairs match the host CPU${jit ? ", through the JIT tier" : ""}`, () => {
  const { head, cases } = load("pairs.bin.gz");
  const emu = new Emu(1, jit, 64);
  const failures: string[] = [];
  for (const c of cases) {
    const f = head.forms[c.form];
    const diff = compare(f.undef, c, emu.run(c.code, c.input));
    if (diff !== "") failures.push(`${f.name} + reader [${Buffer.from(c.code).toString("hex")}]: ${diff}`);
  }
  assert.ok(cases.length >= 1500, `only ${cases.length} cases`);
  assert.deepEqual(failures.slice(0, 20), []);
});
