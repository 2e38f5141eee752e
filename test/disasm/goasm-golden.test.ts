// `rt0 disasm --syntax go` against `go tool objdump` (committed oracle outputs from
// tools/gen-golden-goobjdump.sh, made by the toolchain that built each fixture):
//  - x86asm mode (go tool objdump's failures reproduced): the whole output byte-identical;
//  - default mode (rt0 decodes VEX/EVEX itself): instruction lines identical except the ones in
//    known-differences.txt, which must each still differ (the list stays tight).
// RT0_UPDATE_GOLDEN=1 rewrites known-differences.txt from the comparison instead of checking it.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FIXTURE_BIN, FIXTURE_BUILD, TESTDATA } from "../helpers.js";
import { openBinary } from "../../src/gobin/binary.js";
import { goListing, goToolInputFor } from "../../src/cli/disasm.js";
import { x86asmKnows } from "../../src/disasm/goasm.js";
import { decode } from "../../src/x86/decode.js";
import { Inst } from "../../src/x86/inst.js";
import { OP_NAMES } from "../../src/x86/ops.generated.js";

const DIR = join(TESTDATA, "goobjdump");
const KNOWN = join(DIR, "known-differences.txt");
const UPDATE = process.env["RT0_UPDATE_GOLDEN"] === "1";

interface Line {
  addr: number;
  fn: string;
  /** The four columns (file:line, address, bytes, instruction) joined by one tab. */
  text: string;
}

/** Instruction lines by address, tabwriter padding removed. */
function parse(listing: string): Map<number, Line> {
  const m = new Map<number, Line>();
  let fn = "";
  for (const l of listing.split("\n")) {
    if (l.startsWith("TEXT ")) {
      fn = l.slice(5, l.indexOf("(SB)"));
      continue;
    }
    if (!l.startsWith("  ")) continue;
    const f = l.split(/\t+/);
    const addr = parseInt(f[1]!, 16);
    m.set(addr, { addr, fn, text: f.slice(0, 4).join("\t") });
  }
  return m;
}

interface Known {
  bin: string;
  from: number;
  to: number;
  reason: string;
  hits: number;
}

function readKnown(): Known[] {
  const out: Known[] = [];
  for (const l of readFileSync(KNOWN, "utf8").split("\n")) {
    if (l === "" || l.startsWith("#")) continue;
    const m = /^(\S+) (0x[0-9a-f]+) (0x[0-9a-f]+) (.+)$/.exec(l);
    assert.ok(m, `bad line in known-differences.txt: ${l}`);
    out.push({ bin: m[1]!, from: parseInt(m[2]!, 16), to: parseInt(m[3]!, 16), reason: m[4]!, hits: 0 });
  }
  return out;
}

const BINS = ["hello-go1.19", "hello-go1.26"];
const newKnown: string[] = [];
const known = UPDATE ? [] : readKnown();

for (const name of BINS) {
  const path = join(FIXTURE_BIN, name);
  const bin = openBinary(new Uint8Array(readFileSync(path)), path);
  const golden = gunzipSync(readFileSync(join(DIR, `${name}.txt.gz`))).toString("utf8");

  test(`${name}: x86asm mode is byte-identical to go tool objdump`, () => {
    const ours = [...goListing(bin, { syntax: "go", source: false }, true)].join("");
    if (ours !== golden) {
      const a = golden.split("\n");
      const b = ours.split("\n");
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      assert.fail(`first difference at line ${i + 1}:\n  go tool objdump: ${JSON.stringify(a[i])}\n  rt0:             ${JSON.stringify(b[i])}`);
    }
  });

  test(`${name}: default mode matches go tool objdump but for the known differences`, (t) => {
    const A = parse(golden);
    const B = parse([...goListing(bin, { syntax: "go", source: false })].join(""));
    let sameA = 0;
    let sameB = 0;
    const diffs: Line[] = [];
    for (const [addr, l] of A) {
      if (B.get(addr)?.text === l.text) sameA++;
      else diffs.push(l);
    }
    for (const [addr, l] of B) {
      if (A.get(addr)?.text === l.text) sameB++;
      else if (!A.has(addr)) diffs.push(l);
    }
    const pa = (100 * sameA) / A.size;
    const pb = (100 * sameB) / B.size;
    t.diagnostic(`${name}: rt0 instruction lines identical to go tool objdump: ${sameB}/${B.size} = ${pb.toFixed(3)}%; ` +
      `go tool objdump lines reproduced: ${sameA}/${A.size} = ${pa.toFixed(3)}%; differing addresses: ${diffs.length}`);

    if (UPDATE) {
      newKnown.push(...knownEntries(name, diffs, B));
      return;
    }
    const mine = known.filter((k) => k.bin === name);
    const unexplained: string[] = [];
    for (const d of diffs) {
      const k = mine.find((x) => x.from <= d.addr && d.addr < x.to);
      if (k) k.hits++;
      else unexplained.push(`${d.fn} ${d.text}  |  rt0: ${B.get(d.addr)?.text ?? "(no instruction starts here)"}`);
    }
    assert.deepEqual(unexplained.slice(0, 20), [], `${unexplained.length} differences not in known-differences.txt`);
    const stale = mine.filter((k) => k.hits === 0).map((k) => `0x${k.from.toString(16)} ${k.reason}`);
    assert.deepEqual(stale, [], "known differences that no longer differ (remove them)");
    // The figures the issue asks for (with margin below today's values).
    assert.ok(pb >= (name.endsWith("1.19") ? 99.9 : 99.4), `rt0 lines identical ${pb.toFixed(3)}%`);
    assert.ok(pa >= (name.endsWith("1.19") ? 99.9 : 98.5), `objdump lines reproduced ${pa.toFixed(3)}%`);
  });
}

// Every fixture of every toolchain (fixtures/build, when built here): the x86asm mode hashes
// to the same bytes as that toolchain's go tool objdump (matrix.tsv). hello and stackgrow only,
// to keep the suite fast; println and goroutines are in matrix.tsv for tools/ runs.
test("x86asm mode equals go tool objdump on the built fixtures of every toolchain (hashes)", (t) => {
  let compared = 0;
  const missing: string[] = [];
  for (const row of readFileSync(join(DIR, "matrix.tsv"), "utf8").trim().split("\n")) {
    const [ver, name, binSha, outSha] = row.split("\t") as [string, string, string, string];
    if (name !== "hello" && name !== "stackgrow") continue;
    const path = join(FIXTURE_BUILD, ver, name);
    if (!existsSync(path)) {
      missing.push(`${ver}/${name}`);
      continue;
    }
    const bytes = readFileSync(path);
    if (createHash("sha256").update(bytes).digest("hex") !== binSha) {
      missing.push(`${ver}/${name} (different build)`);
      continue;
    }
    const bin = openBinary(new Uint8Array(bytes), path);
    const h = createHash("sha256");
    for (const c of goListing(bin, { syntax: "go", source: false }, true)) h.update(c);
    assert.equal(h.digest("hex"), outSha, `${ver}/${name}: rt0 disasm --syntax goobjdump differs from go tool objdump`);
    compared++;
  }
  t.diagnostic(`compared ${compared} built fixtures byte for byte (by hash)${missing.length ? `; not built here: ${missing.join(", ")}` : ""}`);
});

/** One known-differences entry per function: its differing address range and why. */
function knownEntries(bin: string, diffs: Line[], ours: Map<number, Line>): string[] {
  const input = goToolInputFor(openBinary(new Uint8Array(readFileSync(join(FIXTURE_BIN, bin))), bin));
  const inst = new Inst();
  const byFn = new Map<string, Line[]>();
  for (const d of diffs) {
    const fn = ours.get(d.addr)?.fn ?? d.fn;
    const l = byFn.get(fn) ?? [];
    l.push(d);
    byFn.set(fn, l);
  }
  const out: string[] = [];
  for (const [fn, ds] of byFn) {
    ds.sort((a, b) => a.addr - b.addr);
    const from = ds[0]!.addr;
    const to = ds[ds.length - 1]!.addr + 1;
    // What x86asm cannot decode in that range, by rt0's decoding.
    const unknown = new Set<string>();
    let vexB = false;
    let ymm = false;
    for (const [addr] of ours) {
      if (addr < from || addr >= to) continue;
      decode(input.text, addr - input.textStart, addr, inst);
      if (!x86asmKnows(inst)) unknown.add(`${OP_NAMES[inst.op]}${inst.pfx & 0x800 ? " (EVEX)" : inst.pfx & 0x400 ? " (VEX)" : ""}`);
      else if (inst.pfx & 0x400 && inst.base >= 8 && inst.base < 16) vexB = true;
      if (inst.pfx & 0x400 && inst.opsize === 32 && x86asmKnows(inst)) ymm = true;
    }
    let reason: string;
    if (unknown.size > 0) {
      reason = `x86asm cannot decode ${[...unknown].sort().join(", ")}: go tool objdump prints "?" or misreads those bytes; rt0 shows the instructions`;
    } else if (vexB || ymm) {
      const why: string[] = [];
      if (ymm) why.push("x86asm names YMM registers X (VMOVDQU Y0 shows as X0)");
      if (vexB) why.push("x86asm ignores VEX.B on a ModRM base without SIB (R10 shows as DX)");
      reason = `${why.join("; ")}; rt0 shows the registers the CPU uses`;
    } else {
      reason = "differs from go tool objdump (unclassified)";
    }
    out.push(`${bin} 0x${from.toString(16)} 0x${to.toString(16)} ${fn}: ${reason} (${ds.length} lines)`);
  }
  return out;
}

after(() => {
  if (!UPDATE) return;
  const head = [
    "# rt0 disasm --syntax go vs go tool objdump: address ranges (one per function) where lines differ, and why.",
    "# Format: BINARY FROM TO FUNCTION: REASON. Regenerated by tools/gen-golden-goobjdump.sh; review before committing.",
  ];
  writeFileSync(KNOWN, [...head, ...newKnown].join("\n") + "\n");
});
