// The instruction table's facts (src/x86/optable.ts via facts.ts) against oracles: the flags
// the host CPU changed in every case recorded by tools/cpudiff (test/testdata/cpu/cases.bin.gz)
// are among the ones the table says the instruction writes or leaves undefined, and every flag
// it says an instruction writes did change in some case; the flow column against the block
// cache's needs; every op has one family and ISA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { TESTDATA } from "../helpers.js";
import { decodeAt } from "../../src/x86/decode.js";
import { Op, OP_NAMES } from "../../src/x86/ops.generated.js";
import { FLAGS_ARITH, FLAG_DF, NOTES, NOTE_COUNT, NOTE_REP, endsBlock, family, flagsRead, flagsUndefined, flagsWritten, isa, isaCpuid, setsRip, Family, OP_COUNT } from "../../src/x86/facts.js";
import { FLAGS_OFF } from "../../tools/cpudiff/gen.js";

function cases(): { code: Uint8Array; input: Uint8Array; status: number; out: Uint8Array }[] {
  const buf = gunzipSync(readFileSync(join(TESTDATA, "cpu", "cases.bin.gz")));
  const n = buf.readUInt32LE(8);
  const S = (JSON.parse(buf.toString("utf8", 12, 12 + n)) as { state: number }).state;
  const rec = 2 + 16 + S + 1 + S;
  const out = [];
  for (let o = 12 + n; o + rec <= buf.length; o += rec) {
    out.push({
      code: new Uint8Array(buf.subarray(o + 3, o + 3 + buf[o + 2]!)),
      input: new Uint8Array(buf.subarray(o + 18, o + 18 + S)),
      status: buf[o + 18 + S]!,
      out: new Uint8Array(buf.subarray(o + 19 + S, o + 19 + 2 * S)),
    });
  }
  return out;
}

test("the host CPU changes only the flags the table says an instruction writes or leaves undefined", () => {
  const changedBy = new Map<number, number>();
  const count = new Map<number, number>();
  const bad: string[] = [];
  let n = 0;
  for (const c of cases()) {
    if (c.status !== 0) continue;
    const inst = decodeAt(c.code, 0, 0);
    const fin = new DataView(c.input.buffer, c.input.byteOffset).getUint32(FLAGS_OFF, true);
    const fout = new DataView(c.out.buffer, c.out.byteOffset).getUint32(FLAGS_OFF, true);
    const changed = (fin ^ fout) & (FLAGS_ARITH | FLAG_DF);
    const may = flagsWritten(inst.op) | flagsUndefined(inst.op);
    if ((changed & ~may) !== 0) bad.push(`${OP_NAMES[inst.op]} [${Buffer.from(c.code).toString("hex")}] changed ${(changed & ~may).toString(16)}`);
    changedBy.set(inst.op, (changedBy.get(inst.op) ?? 0) | changed);
    count.set(inst.op, (count.get(inst.op) ?? 0) + 1);
    n++;
  }
  assert.ok(n > 3000, `only ${n} cases`);
  assert.deepEqual(bad.slice(0, 10), []);
  // Every written flag changed in some case (random inputs flip them), for ops with a dozen
  // cases or more.
  const never: string[] = [];
  for (const [op, ch] of changedBy) {
    if (count.get(op)! < 12) continue;
    const missing = flagsWritten(op) & ~ch;
    if (missing !== 0) never.push(`${OP_NAMES[op]} ${missing.toString(16)}`);
  }
  assert.deepEqual(never, []);
});

test("flow, families and ISA columns", () => {
  for (const op of [Op.JCC, Op.JMP, Op.CALL, Op.RET, Op.LOOP, Op.JRCXZ, Op.CPUID]) assert.ok(endsBlock(op) && setsRip(op), OP_NAMES[op]);
  for (const op of [Op.SYSCALL, Op.INT3, Op.UD2, Op.INVALID, Op.HLT]) assert.ok(endsBlock(op) && !setsRip(op), OP_NAMES[op]);
  for (const op of [Op.ADD, Op.MOV, Op.PUSH, Op.MOVUPS]) assert.ok(!endsBlock(op), OP_NAMES[op]);
  assert.equal(family(Op.ADD), Family.ALU);
  assert.equal(family(Op.VPADDB), Family.NONE);
  assert.equal(isa(Op.POPCNT), "POPCNT");
  assert.deepEqual(isaCpuid("POPCNT"), { leaf: 1, reg: 2, bit: 23, level: 2 });
  assert.equal(flagsRead(Op.ADC), 1);
  assert.ok((NOTES[Op.SHL] & NOTE_COUNT) !== 0 && (NOTES[Op.CMPS] & NOTE_REP) !== 0);
  assert.equal(OP_COUNT, OP_NAMES.length);
  // Each family's ops have consecutive ids (so a switch over one family is a jump table).
  let prev = -1;
  const seen = new Set<number>();
  for (let op = 1; op < OP_COUNT; op++) {
    const f = family(op);
    if (f !== prev) {
      assert.ok(!seen.has(f), `family ${f} split at ${OP_NAMES[op]}`);
      seen.add(f);
      prev = f;
    }
  }
});
