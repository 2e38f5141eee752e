// Compares rt0's decoder + GNU formatter with the installed objdump on any binaries (default:
// every built fixture and go test binary): instruction boundaries and whitespace-normalized
// text, per binary, with the differing mnemonics. The exhaustive counterpart of the golden
// tests in test/disasm/ (needs objdump).
// Usage: node dist/tools/objdump-compare.js [--intel] [BIN...]
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { openBinary } from "../src/gobin/binary.js";
import { decode } from "../src/x86/decode.js";
import { Inst } from "../src/x86/inst.js";
import { formatGnu } from "../src/disasm/gnu.js";
import { formatIntel } from "../src/disasm/intel.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const intel = process.argv.includes("--intel");
const bins = process.argv.slice(2).filter((a) => a !== "--intel");
if (bins.length === 0) {
  for (const dir of ["fixtures/build", "fixtures/build/gotest"]) {
    const d = join(root, dir);
    if (!existsSync(d)) continue;
    for (const v of readdirSync(d).filter((x) => /^go1\.\d+$/.test(x)).sort()) {
      for (const f of readdirSync(join(d, v)).sort()) if (statSync(join(d, v, f)).isFile()) bins.push(join(d, v, f));
    }
  }
}
const norm = (s: string): string => s.trim().replace(/\s+/g, " ");
const inst = new Inst();
let allN = 0, allBound = 0, allText = 0;
const diffs = new Map<string, { n: number; ex: string }>();
for (const path of bins) {
  const bytes = readFileSync(path);
  const bin = openBinary(bytes, path);
  const sym = bin.hasSymtab ? bin : undefined;
  const out = execFileSync("objdump", ["-d", ...(intel ? ["-M", "intel"] : []), "--section=.text", path], { maxBuffer: 1 << 30 }).toString("utf8");
  let n = 0, bound = 0, text = 0;
  let cur: { addr: number; bytes: number[]; text: string } | undefined;
  const check = (): void => {
    if (!cur) return;
    n++;
    decode(Uint8Array.from(cur.bytes), 0, cur.addr, inst);
    if (inst.len !== cur.bytes.length) bound++;
    const t = (intel ? formatIntel : formatGnu)(inst, sym);
    if (norm(t) !== norm(cur.text)) {
      text++;
      const k = cur.text.split(/\s+/)[0]!;
      const e = diffs.get(k) ?? { n: 0, ex: `${relative(root, path)} ${cur.addr.toString(16)}: objdump "${cur.text}" rt0 "${t}"` };
      e.n++;
      diffs.set(k, e);
    }
  };
  for (const line of out.split("\n")) {
    const m = /^ +([0-9a-f]+):\t([0-9a-f ]+?) *(?:\t(.*))?$/.exec(line);
    if (!m) continue;
    const b = m[2]!.split(" ").map((x) => parseInt(x, 16));
    if (m[3] === undefined) { cur?.bytes.push(...b); continue; }
    check();
    cur = { addr: parseInt(m[1]!, 16), bytes: b, text: m[3] };
  }
  check();
  allN += n; allBound += bound; allText += text;
  console.log(`${relative(root, path)}: ${n} instructions, ${bound} boundary differences, ${text} text differences`);
}
console.log(`TOTAL ${bins.length} binaries: ${allN} instructions; boundaries identical ${(100 * (1 - allBound / allN)).toFixed(4)}%; text identical ${(100 * (1 - allText / allN)).toFixed(4)}%`);
for (const [k, e] of [...diffs].sort((a, b) => b[1].n - a[1].n)) console.log(`  ${e.n}\t${k}\te.g. ${e.ex}`);
