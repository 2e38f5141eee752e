// Builds the random-instruction oracle for the decoder: a fixed-seed set of "valid-looking"
// byte sequences (legacy/REX with prefixes, 0F/0F38/0F3A maps, VEX, EVEX, mutated real
// instructions), each in its own 32-byte slot padded with NOPs, disassembled by
// `objdump -D -b binary -m i386:x86-64`. Writes test/testdata/x86/random-objdump.txt.gz:
// one line per slot, "<15 candidate bytes hex>\t<objdump length>\t<objdump text>".
// Usage: npx tsc -p . && node dist/tools/gen-x86-random.js [count]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const count = Number(process.argv[2] ?? 6000);
let seed = 0x5eed;
const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
const pick = <T>(a: readonly T[]): T => a[rnd(a.length)]!;

// Real instructions to mutate: from the committed objdump golden of hello-go1.26.
const golden = gunzipSync(readFileSync(join(root, "test/testdata/objdump/hello-go1.26.d.gz"))).toString("utf8");
const real: number[][] = [];
for (const line of golden.split("\n")) {
  const m = /^ +[0-9a-f]+:\t([0-9a-f ]+?) *\t/.exec(line);
  if (m && real.length < 200000) real.push(m[1]!.split(" ").map((x) => parseInt(x, 16)));
}

function candidate(): number[] {
  const b: number[] = [];
  const kind = rnd(10);
  const tail = (): void => { while (b.length < 15) b.push(rnd(256)); };
  if (kind < 3) {
    for (let n = rnd(3); n > 0; n--) b.push(pick([0x66, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x64, 0x65, 0x67, 0x66, 0xf3, 0xf2]));
    if (rnd(2)) b.push(0x40 | rnd(16));
    const map = rnd(4);
    if (map === 0) {
      let op: number;
      do op = rnd(256); while ((op & 0xf0) === 0x40 || [0x0f, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0xc4, 0xc5, 0x62, 0x8f].includes(op));
      b.push(op);
    } else if (map === 1) b.push(0x0f, rnd(256));
    else b.push(0x0f, map === 2 ? 0x38 : 0x3a, rnd(256));
  } else if (kind < 5) {
    if (rnd(2)) b.push(0xc5, rnd(256));
    else b.push(0xc4, (rnd(8) << 5) | (1 + rnd(3)), rnd(256));
    b.push(rnd(256));
  } else if (kind < 7) {
    const p0 = (rnd(16) << 4) | (1 + rnd(3));
    const p1 = (rnd(256) & ~4) | 4;
    let p2 = rnd(256);
    if (((p2 >> 5) & 3) === 3) p2 &= ~0x40;
    b.push(0x62, p0, p1, p2, rnd(256));
  } else {
    const r = pick(real);
    b.push(...r);
    for (let n = 1 + rnd(2); n > 0; n--) b[rnd(b.length)] = rnd(256);
  }
  tail();
  return b.slice(0, 15);
}

const SLOT = 32;
const cands: number[][] = [];
for (let k = 0; k < count; k++) cands.push(candidate());
const blob = new Uint8Array(count * SLOT).fill(0x90);
cands.forEach((c, k) => blob.set(c, k * SLOT));
const dir = mkdtempSync(join(tmpdir(), "rt0-x86rand-"));
writeFileSync(join(dir, "blob.bin"), blob);
const out = execFileSync("objdump", ["-D", "-b", "binary", "-m", "i386:x86-64", join(dir, "blob.bin")], { maxBuffer: 1 << 28 }).toString("utf8");
rmSync(dir, { recursive: true });
// objdump's instruction starting at each slot, its length (next instruction's address) and text.
const starts = new Map<number, string>();
const addrs: number[] = [];
for (const line of out.split("\n")) {
  const m = /^ +([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/.exec(line);
  if (!m) continue;
  const a = parseInt(m[1]!, 16);
  starts.set(a, m[2]!);
  addrs.push(a);
}
const lines: string[] = [];
for (let i = 0; i < addrs.length; i++) {
  const a = addrs[i]!;
  if (a % SLOT !== 0) continue;
  const len = (addrs[i + 1] ?? a + 1) - a;
  const c = cands[a / SLOT]!;
  lines.push(`${c.map((x) => x.toString(16).padStart(2, "0")).join("")}\t${len}\t${starts.get(a)}`);
}
writeFileSync(join(root, "test/testdata/x86/random-objdump.txt.gz"), gzipSync(lines.join("\n") + "\n", { level: 9 }));
console.log(`${count} candidates, ${lines.length} slots decoded by objdump`);
