// Decodes the whole .text (function by function, from the pclntab) of Go binaries and lists
// every instruction form found with its ISA extension and counts; INVALID inside a function
// body is an error (exit 1). Feeds issue 3's coverage table.
// Usage: node dist/tools/x86-coverage.js [--json] [BIN...]
//   default BINs: fixtures/build/go1.NN/* and fixtures/build/gotest/go1.NN/*.test
//   (build them with tools/build-fixtures.sh and tools/build-gotest-bins.sh).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { openBinary } from "../src/gobin/binary.js";
import { decode } from "../src/x86/decode.js";
import { Inst } from "../src/x86/inst.js";
import { Op } from "../src/x86/ops.generated.js";
import { formKey } from "../src/x86/form.js";
import { isaOf } from "../src/x86/isa.js";
import { formatGnu } from "../src/disasm/gnu.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const json = args.includes("--json");
let bins = args.filter((a) => !a.startsWith("--"));
if (bins.length === 0) {
  for (const dir of ["fixtures/build", "fixtures/build/gotest"]) {
    const d = join(root, dir);
    if (!existsSync(d)) continue;
    for (const v of readdirSync(d).filter((x) => /^go1\.\d+$/.test(x)).sort()) {
      for (const f of readdirSync(join(d, v)).sort()) {
        const p = join(d, v, f);
        if (statSync(p).isFile()) bins.push(p);
      }
    }
  }
}
bins = bins.filter((b) => !b.endsWith(".gocache"));

/** Functions whose bodies are data behind a jump, not code (skipped, counted). */
const DATA_FUNCS: [RegExp, string][] = [
  [/^crypto\/internal\/boring\/sig\./, "marker bytes after a 2-byte JMP (sig_amd64.s, found by rsc.io/goversion)"],
];
let skipped = 0;

interface FormStat { isa: string; count: number; bins: Set<string>; example: string }
const forms = new Map<string, FormStat>();
const inst = new Inst();
let total = 0, invalid = 0;
const invalids: string[] = [];
for (const path of bins) {
  const bytes = readFileSync(path);
  const bin = openBinary(bytes, path);
  const text = bin.elf.section(".text");
  if (!text) continue;
  const code = bin.elf.sectionData(text);
  const rel = relative(root, path);
  for (const f of bin.funcs) {
    if (f.entry < text.addr || f.end > text.addr + text.size) continue;
    if (DATA_FUNCS.some(([re]) => re.test(f.name))) { skipped++; continue; }
    const view = code.subarray(0, f.end - text.addr);
    for (let pc = f.entry; pc < f.end;) {
      decode(view, pc - text.addr, pc, inst);
      total++;
      if (inst.op === Op.INVALID) {
        invalid++;
        if (invalids.length < 50) invalids.push(`${rel} ${f.name}+0x${(pc - f.entry).toString(16)}: ${Array.from(view.subarray(pc - text.addr, pc - text.addr + 8), (b) => b.toString(16).padStart(2, "0")).join(" ")}`);
      } else {
        const key = formKey(inst);
        let st = forms.get(key);
        if (!st) { st = { isa: isaOf(inst), count: 0, bins: new Set(), example: formatGnu(inst) }; forms.set(key, st); }
        st.count++;
        st.bins.add(rel);
      }
      pc += inst.len;
    }
  }
}
const rows = [...forms].sort((a, b) => a[1].isa.localeCompare(b[1].isa) || b[1].count - a[1].count);
if (json) {
  console.log(JSON.stringify({ binaries: bins.length, instructions: total, invalid, forms: rows.map(([k, s]) => ({ form: k, isa: s.isa, count: s.count, binaries: s.bins.size, example: s.example })) }, null, 1));
} else {
  console.log(`# ${bins.length} binaries, ${total} instructions in function bodies, ${forms.size} forms, ${invalid} INVALID`);
  console.log(`# skipped ${skipped} data-only function bodies: ${DATA_FUNCS.map(([re, why]) => `${re.source} (${why})`).join("; ")}`);
  const byIsa = new Map<string, number>();
  for (const [, s] of rows) byIsa.set(s.isa, (byIsa.get(s.isa) ?? 0) + 1);
  console.log(`# forms per ISA: ${[...byIsa].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  for (const [k, s] of rows) console.log(`${s.isa}\t${s.count}\t${s.bins.size}\t${k}\t# ${s.example}`);
}
for (const x of invalids) console.error(`INVALID ${x}`);
process.exitCode = invalid > 0 ? 1 : 0;
