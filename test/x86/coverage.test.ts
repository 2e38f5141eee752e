// Decoding every function body (from the pclntab) of the committed fixture binaries, and of
// the locally built ones when present, finds no undecodable instruction: the decoder covers
// all the code Go 1.19-1.26 emits. (tools/x86-coverage.ts lists the forms and their ISA.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openBinary } from "../../src/gobin/binary.js";
import { decode } from "../../src/x86/decode.js";
import { Inst } from "../../src/x86/inst.js";
import { Op } from "../../src/x86/ops.generated.js";
import { isaOf } from "../../src/x86/isa.js";
import { FIXTURE_BIN, GO_VERSIONS, builtFixture } from "../helpers.js";

/** Function bodies that are data behind a jump (crypto/internal/boring/sig markers). */
const DATA_FUNC = /^crypto\/internal\/boring\/sig\./;

function scan(path: string): { insts: number; invalid: string[]; isas: Set<string> } {
  const bin = openBinary(readFileSync(path), path);
  const text = bin.elf.section(".text");
  assert.ok(text);
  const code = bin.elf.sectionData(text);
  const inst = new Inst();
  const invalid: string[] = [];
  const isas = new Set<string>();
  let insts = 0;
  for (const f of bin.funcs) {
    if (DATA_FUNC.test(f.name) || f.entry < text.addr || f.end > text.addr + text.size) continue;
    const view = code.subarray(0, f.end - text.addr);
    for (let pc = f.entry; pc < f.end; pc += inst.len) {
      decode(view, pc - text.addr, pc, inst);
      insts++;
      if (inst.op === Op.INVALID) invalid.push(`${f.name}+0x${(pc - f.entry).toString(16)}`);
      else isas.add(isaOf(inst));
    }
  }
  return { insts, invalid, isas };
}

test("no INVALID instruction in any function body of the fixture binaries", () => {
  const paths = readdirSync(FIXTURE_BIN).map((f) => join(FIXTURE_BIN, f));
  for (const v of GO_VERSIONS) {
    const p = builtFixture(v, "goroutines");
    if (p) paths.push(p);
  }
  let total = 0;
  for (const p of paths) {
    const r = scan(p);
    total += r.insts;
    assert.deepEqual(r.invalid.slice(0, 10), [], p);
    assert.ok(r.isas.has("BASE") && r.isas.has("SSE2"), p);
  }
  console.log(`# ${paths.length} binaries, ${total} instructions decoded, 0 INVALID`);
});
