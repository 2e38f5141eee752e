// Snapshots of the compiled tier's output for a few small units: each is compiled to a module
// and disassembled by wabt's wasm2wat (an independent decoder, so the encoding is checked too),
// and the text must equal the committed test/testdata/jit/NAME.wat. A change to code generation
// shows here as a reviewable diff; after a deliberate change:
//   RT0_UPDATE_SNAPSHOTS=1 node --test dist/test/jit/snapshot.test.js
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Space } from "../../src/mem/space.js";
import { PROT_EXEC, PROT_READ } from "../../src/mem/api.js";
import { DecodeCache } from "../../src/cpu/cache.js";
import type { Inst } from "../../src/x86/inst.js";
import { I32, ModuleBuilder } from "../../src/jit/wasm.js";
import { Wasm } from "../../src/base/wasmapi.js";
import { FN_PARAMS, importCore } from "../../src/jit/core.js";
import { compileFunction } from "../../src/jit/compile.js";
import { formUnit } from "../../src/jit/unit.js";

const CODE = 0x401000;
const GOLDEN = join(import.meta.dirname, "../../../test/testdata/jit");
const haveWabt = (() => {
  try {
    execFileSync("wasm2wat", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));
}

/** Compile the unit at CODE (non-Go code: the blocks reachable from the entry) as the tier's
 *  batches do, one function, and return wasm2wat's text of the module. */
function compileToWat(code: Uint8Array): string {
  const mem = new Space(1 << 24);
  mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  mem.write(CODE, code, true);
  const cache = new DecodeCache(mem);
  const unit = formUnit(cache, cache.build(CODE), null);
  const m = new ModuleBuilder();
  const { fnRead, fnWrite, fnExec, fnArith, fnCond, fnCall } = importCore(m);
  const slots = new Map<number, number>();
  const ids = new Map<Inst, number>();
  const body = compileFunction(unit, {
    fnCall, fnArith, fnCond, fnRead, fnWrite, fnExec,
    slotFor: (a) => slots.get(a) ?? (slots.set(a, slots.size + 2), slots.size + 1),
    instId: (i) => ids.get(i) ?? (ids.set(i, ids.size), ids.size - 1),
    ownSlot: 1,
    has: () => true,
  });
  const fi = m.addFunc([...FN_PARAMS], [I32], body);
  m.nameFunc(fi, `unit@${CODE.toString(16)}`);
  m.export("f", fi);
  const bytes = m.encode();
  new Wasm.Module(bytes); // V8 validates it (throws if not)
  const dir = mkdtempSync(join(tmpdir(), "rt0-jit-"));
  try {
    writeFileSync(join(dir, "m.wasm"), bytes);
    return execFileSync("wasm2wat", ["--enable-tail-call", join(dir, "m.wasm")], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true });
  }
}

// Byte strings assembled with GNU as (the source beside each).
const CASES: Array<{ name: string; what: string; code: string }> = [
  {
    name: "loop-add-dec-jnz",
    what: "a counted loop: registers in locals, lazy flags from DEC read by JNZ, a loop head entry",
    // 1: add rax, rbx; dec rcx; jnz 1b; ret
    code: "4801d8 48ffc9 75f8 c3",
  },
  {
    name: "load-store-call",
    what: "a load and a store through the TLB (with their slow paths), a direct call, cmp+jcc",
    // mov rax, [rdi+8]; mov [rsi], rax; call +0x10; cmp rax, 5; jl 1f; xor eax, eax; 1: ret
    code: "488b4708 488906 e810000000 4883f805 7c02 31c0 c3",
  },
  {
    name: "dead-flags",
    what: "flags nobody reads are not computed: ROL's CF/OF (rewritten by ROL then XOR), INC's and ADD's (CMP rewrites them); CMP's are read by JL",
    // 1: rol r10d, 0x1a; rol ecx, 0x15; xor ecx, r10d; inc rax; add edx, ecx; cmp rax, 0x40; jl 1b; ret
    code: "41c1c21a c1c115 4431d1 48ffc0 01ca 4883f840 7ceb c3",
  },
];

for (const c of CASES) {
  test(`compiled code snapshot: ${c.name} (${c.what})`, { skip: !haveWabt && "wasm2wat (wabt) is not installed" }, () => {
    const wat = compileToWat(hex(c.code));
    const file = join(GOLDEN, `${c.name}.wat`);
    if (process.env.RT0_UPDATE_SNAPSHOTS !== undefined || !existsSync(file)) writeFileSync(file, wat);
    assert.equal(wat, readFileSync(file, "utf8"));
  });
}
