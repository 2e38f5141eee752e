// Driver of the CPU differential tests. Generates cases (gen.ts), runs them on this machine's
// CPU (harness.c, built here with gcc) and on rt0 (emu.ts), and reports mismatches per form.
//   node dist/tools/cpudiff/run.js [--per-form N] [--seed S] [--level L] [--filter RE] [--golden FILE] [--jit]
// --golden writes the cases and native results (gzip) for test/cpu/diff.test.ts.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FORMS } from "./forms.js";
import { generate, runNative, STATE, writeGolden } from "./gen.js";
import { compare, Emu } from "./emu.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const srcDir = join(root, "tools", "cpudiff");

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

export function buildHarness(): string {
  const out = join(root, "dist", "tools", "cpudiff", "harness");
  mkdirSync(dirname(out), { recursive: true });
  execFileSync("gcc", ["-O1", "-o", out, join(srcDir, "harness.c"), join(srcDir, "stub.S")]);
  return out;
}

function main(): void {
  const perForm = Number(arg("--per-form", "40"));
  const seed = Number(arg("--seed", "1"));
  const level = Number(arg("--level", "1")) as 1 | 2 | 3;
  const filter = arg("--filter", "");
  const golden = arg("--golden", "");
  const summary = arg("--summary", "");
  const known = new Set<string>();
  const kf = join(root, "test", "testdata", "cpu", "known-differences.txt");
  if (existsSync(kf)) {
    for (const line of readFileSync(kf, "utf8").split("\n")) if (line !== "" && !line.startsWith("#")) known.add(line.split("\t")[0]);
  }
  const batch = Number(arg("--batch", "100"));
  const harness = buildHarness();
  const emu = new Emu(level, process.argv.includes("--jit"));
  const perFormCount = new Map<string, number>();
  const bad = new Map<string, { n: number; first: string }>();
  let total = 0;
  let mismatches = 0;
  const goldenParts: Buffer[] = [];
  // Batches of `batch` cases per form keep memory bounded for the full (200k+) run.
  for (let done = 0; done < perForm; done += batch) {
    const n = Math.min(batch, perForm - done);
    const cases = generate(n, seed * 1000003 + done, level, filter ? new RegExp(filter) : undefined);
    const native = runNative(cases, harness);
    cases.forEach((c, k) => {
      const f = FORMS[c.form];
      const got = emu.run(c.code, c.input);
      const diff = compare(f.undef, native[k], got);
      total++;
      perFormCount.set(f.name, (perFormCount.get(f.name) ?? 0) + 1);
      if (diff !== "") {
        mismatches++;
        const b = bad.get(f.name);
        if (b === undefined) bad.set(f.name, { n: 1, first: `${c.asm}: ${diff}` });
        else b.n++;
      }
      if (golden !== "") {
        const rec = Buffer.alloc(2 + 16 + STATE + 1 + STATE);
        rec.writeUInt16LE(c.form, 0);
        rec[2] = c.code.length;
        rec.set(c.code, 3);
        rec.set(c.input, 18);
        rec[18 + STATE] = native[k].status;
        rec.set(native[k].out, 19 + STATE);
        goldenParts.push(rec);
      }
    });
  }
  let knownMis = 0;
  for (const [name, b] of [...bad.entries()].sort()) {
    const k = known.has(name);
    if (k) knownMis += b.n;
    console.log(`MISMATCH${k ? " (known difference)" : ""} ${name}: ${b.n} (e.g. ${b.first})`);
  }
  console.log(`forms: ${perFormCount.size}, cases: ${total}, mismatches: ${mismatches} (${knownMis} in ${[...bad.keys()].filter((n) => known.has(n)).length} forms listed in known-differences.txt; ${mismatches - knownMis} elsewhere)`);
  if (summary !== "") {
    const lines = [`# CPU differential run: ${total} cases over ${perFormCount.size} forms, ${mismatches - knownMis} unexpected mismatches (seed ${seed}, level ${level})`, "# form\tcases\tmismatches"];
    for (const [name, n] of perFormCount) lines.push(`${name}\t${n}\t${bad.get(name)?.n ?? 0}${known.has(name) ? "\tknown difference" : ""}`);
    writeFileSync(summary, lines.join("\n") + "\n");
  }
  mismatches -= knownMis;
  if (golden !== "") {
    writeGolden(golden, goldenParts);
    console.log(`wrote ${golden} (${goldenParts.length} cases)`);
  }
  if (mismatches > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
