// Decoder and GNU formatter against objdump on 6,000 fixed-seed random "valid-looking" byte
// sequences (legacy/REX, 0F/0F38/0F3A, VEX, EVEX, mutated real instructions), oracle output in
// test/testdata/x86/random-objdump.txt.gz (tools/gen-x86-random.ts). Every length difference
// must fall in a documented class; the figures are printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { decode } from "../../src/x86/decode.js";
import { Inst } from "../../src/x86/inst.js";
import { Op, OP_BY_NAME } from "../../src/x86/ops.generated.js";
import { formatGnu } from "../../src/disasm/gnu.js";
import { TESTDATA } from "../helpers.js";

const SLOT = 32;

/** Why objdump's length may differ from rt0's (one class per documented reason). */
function classify(hex: string, objText: string, rtInvalid: boolean): string | undefined {
  const mnem = objText.split(/\s+/).find((w) => !/^(rex(\.\w+)?|data16|addr32|cs|ds|es|ss|fs|gs|lock|rep|repz|repnz|bnd|notrack|\{vex\}|\{evex\})$/.test(w)) ?? "";
  if (/^rex(\.[WRXB]+)?$/.test(objText.trim())) return "REX before a legacy prefix: the CPU ignores it; objdump prints it as an instruction of its own";
  if (/^(66|f2|f3|2e|3e|26|36|64|65|67|4.)*66/.test(hex) && /^j|^call|^jmp/.test(mnem)) return "66 on a near branch: objdump uses rel16 (AMD); Intel CPUs and rt0 ignore 66 there (rel32)";
  if (objText.includes("%?")) return "MOV to/from segment register 6 or 7: #UD on the CPU, objdump prints %?";
  if (objText.includes("-bad}") || objText.includes("{bad}")) return "EVEX encoding objdump itself marks bad (rounding/broadcast not allowed)";
  if (rtInvalid && objText.startsWith("{vex}")) return "AVX-VNNI/IFMA (VEX forms of AVX-512 instructions): not decoded by rt0, Go does not use them";
  if (rtInvalid && hex.startsWith("62") && (parseInt(hex.slice(4, 6), 16) & 3) !== 1 && OP_BY_NAME.has(mnem.toUpperCase())) return "EVEX with a mandatory prefix the SDM does not define for this opcode: objdump accepts it, rt0 says invalid";
  if (rtInvalid && !OP_BY_NAME.has(mnem.toUpperCase().replace(/[{].*$/, ""))) return "instruction of an extension Go does not use and rt0 does not decode (FMA4/XOP, AVX-VNNI/IFMA, Key Locker, CET, MOVDIR, AVX-512 FP16/BF16/4FMAPS/VP2INTERSECT...)";
  return undefined;
}

test("decoder lengths and GNU text vs objdump on random instruction bytes", () => {
  const lines = gunzipSync(readFileSync(join(TESTDATA, "x86", "random-objdump.txt.gz"))).toString("utf8").trim().split("\n");
  assert.ok(lines.length >= 5000);
  const inst = new Inst();
  let valid = 0, lenSame = 0, textSame = 0, objBad = 0, bothBad = 0;
  const classes = new Map<string, number>();
  const unexplained: string[] = [];
  lines.forEach((line, idx) => {
    const [hex, lenText, objText] = line.split("\t") as [string, string, string];
    const bytes = Uint8Array.from(hex.match(/../g)!.map((x) => parseInt(x, 16)));
    decode(bytes, 0, idx * SLOT, inst);
    assert.ok(inst.len >= 1 && inst.len <= 15);
    const text = formatGnu(inst);
    if (objText.includes("(bad)") || objText.startsWith(".byte")) {
      objBad++;
      if (inst.op === Op.INVALID) bothBad++;
      return;
    }
    valid++;
    if (inst.len === Number(lenText) && inst.op !== Op.INVALID) {
      lenSame++;
      if (text.replace(/\s+/g, " ") === objText.trim().replace(/\s+/g, " ")) textSame++;
      return;
    }
    const why = classify(hex, objText, inst.op === Op.INVALID);
    if (why === undefined) unexplained.push(`${hex.slice(0, 2 * Number(lenText))}: objdump "${objText}" (len ${lenText}), rt0 "${text}" (len ${inst.len})`);
    else classes.set(why, (classes.get(why) ?? 0) + 1);
  });
  const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(2)}%`;
  console.log(`# ${lines.length} random sequences; objdump decodes ${valid}: same length ${lenSame} (${pct(lenSame, valid)}), same text ${textSame} (${pct(textSame, valid)}); objdump (bad) ${objBad}, rt0 INVALID on ${bothBad} of those`);
  for (const [why, n] of classes) console.log(`#   ${n} x ${why}`);
  assert.deepEqual(unexplained, []);
  assert.ok(lenSame / valid >= 0.97);
});
