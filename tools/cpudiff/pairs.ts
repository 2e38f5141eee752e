// Flag-producer/consumer pairs for the JIT tier's differential test: an integer instruction that
// sets flags followed by SETcc, CMOVcc or ADC (the JIT derives conditions and CF from the
// producer's operands inside a block), by NOT and SETcc, or by a second producer (the first one's
// flags are dead), or by a partial writer and SETcc (INC, DEC, ROL/ROR by 1, BT: the first one's
// flags are partly live),
// run on the host CPU and on rt0 through the interpreter and the JIT.
//   node dist/tools/cpudiff/pairs.js [--per-form N] [--seed S] [--golden FILE]

import { fileURLToPath } from "node:url";
import { FORMS, CF, PF, ZF, SF, OF } from "./forms.js";
import { STATE, assemble, makeCase, rng, runNative, writeGolden, type Case } from "./gen.js";
import { Emu, compare } from "./emu.js";
import { buildHarness } from "./run.js";

const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
/** Flags each condition code reads. */
const CC_FLAGS = [OF, OF, CF, CF, ZF, ZF, CF | ZF, CF | ZF, SF, SF, PF, PF, SF | OF, SF | OF, ZF | SF | OF, ZF | SF | OF];
const PRODUCER = /^(add|sub|cmp|and|or|xor|test|inc|dec|neg|shl|shr|sar|adc|sbb|rol|ror|bt|bsf|bsr|imul|mul) /;

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** Generate pair cases: each producer form's case followed by a random SETcc or CMOVcc whose
 *  condition reads only flags the producer defines. */
export function generatePairs(perForm: number, seed: number): Case[] {
  const r = rng(seed);
  const partial: Omit<Case, "code">[] = [];
  FORMS.forEach((f, idx) => {
    if (!PRODUCER.test(f.name) || (f.level ?? 1) > 1) return;
    const ok = CC.map((_, cc) => cc).filter((cc) => (CC_FLAGS[cc] & f.undef) === 0);
    for (let k = 0; k < perForm; k++) {
      const c = makeCase(idx, r);
      const cc = ok[Math.floor(r() * ok.length)];
      const w = Math.floor(r() * 6);
      const cfOk = (f.undef & CF) === 0;
      const reader = w === 0 ? `set${CC[cc]} r15b` : w === 1 ? `cmov${CC[cc]} r15, rbx` : w === 2 ? `cmov${CC[cc]} r15d, ebx`
        : w === 3 && cfOk ? "adc r15, rbx" : w === 3 ? `set${CC[cc]} r15b`
        // A flag-neutral instruction in between (the JIT keeps the producer's operands in locals).
        : w === 4 ? `not r13; set${CC[cc]} r15b`
        // A later producer that overwrites every flag (the first one's flags are dead).
        : `add r15d, ebx; set${CC[cc]} r14b`;
      // One-operand MUL/IMUL are compiled only when their flags are dead: follow them with a
      // producer. (Two- and three-operand IMUL set CF/OF in compiled code: read them.)
      if (/^i?mul /.test(f.name) && !f.name.includes(",")) {
        partial.push({ ...c, asm: `${c.asm}; cmp rdx, r15; set${CC[cc]} r14b` });
        continue;
      }
      partial.push({ ...c, asm: `${c.asm}; ${reader}` });
    }
  });
  // A partial flag writer in between (INC/DEC keep CF, ROL/ROR by 1 keep all but CF and OF, BT
  // keeps all but CF): the reader's flags come from both, so the JIT must not drop the first
  // producer's flags as dead. Their own generator, so that the cases above stay as they were.
  const r2 = rng(seed ^ 0x5eed);
  const MIDDLE = ["inc r13d", "dec r13", "rol r13, 1", "ror r13d, 1", "bt r13, 5"];
  FORMS.forEach((f, idx) => {
    if (!PRODUCER.test(f.name) || (f.level ?? 1) > 1 || /^i?mul /.test(f.name)) return;
    const ok = CC.map((_, cc) => cc).filter((cc) => (CC_FLAGS[cc] & f.undef) === 0);
    for (let k = 0; k < Math.ceil(perForm / 2); k++) {
      const c = makeCase(idx, r2);
      const cc = ok[Math.floor(r2() * ok.length)];
      const mid = MIDDLE[Math.floor(r2() * MIDDLE.length)];
      partial.push({ ...c, asm: `${c.asm}; ${mid}; set${CC[cc]} r15b` });
    }
  });
  const codes = assemble(partial.map((c) => c.asm));
  const out: Case[] = [];
  partial.forEach((c, k) => {
    if (codes[k].length <= 15) out.push({ ...c, code: codes[k] });
  });
  return out;
}

function main(): void {
  const perForm = Number(arg("--per-form", "40"));
  const seed = Number(arg("--seed", "7"));
  const golden = arg("--golden", "");
  const cases = generatePairs(perForm, seed);
  const native = runNative(cases, buildHarness());
  const interp = new Emu(1, false, 64);
  const jit = new Emu(1, true, 64);
  let bad = 0;
  const parts: Buffer[] = [];
  cases.forEach((c, k) => {
    const f = FORMS[c.form];
    for (const [name, emu] of [["interpreter", interp], ["jit", jit]] as const) {
      const diff = compare(f.undef, native[k], emu.run(c.code, c.input));
      if (diff !== "") {
        if (bad++ < 30) console.log(`MISMATCH ${name} ${c.asm} [${Buffer.from(c.code).toString("hex")}]: ${diff}`);
      }
    }
    const rec = Buffer.alloc(2 + 16 + STATE + 1 + STATE);
    rec.writeUInt16LE(c.form, 0);
    rec[2] = c.code.length;
    rec.set(c.code, 3);
    rec.set(c.input, 18);
    rec[18 + STATE] = native[k].status;
    rec.set(native[k].out, 19 + STATE);
    parts.push(rec);
  });
  console.log(`pairs: ${cases.length} cases, ${bad} mismatches (interpreter and JIT each compared with the host CPU)`);
  if (golden !== "") {
    writeGolden(golden, parts);
    console.log(`wrote ${golden} (${parts.length} cases)`);
  }
  if (bad > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
