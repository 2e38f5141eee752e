// isaOf: the CPUID feature gating representative instructions (what the CPU checks and what
// SIGILL messages and the coverage report name).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeAt } from "../../src/x86/decode.js";
import { isaOf } from "../../src/x86/isa.js";
import { formKey } from "../../src/x86/form.js";

test("ISA extension of representative encodings", () => {
  const cases: [string, string][] = [
    ["48 01 c8", "BASE"], ["0f 10 00", "SSE"], ["66 0f ef c0", "SSE2"], ["f3 48 0f b8 c0", "POPCNT"],
    ["f3 48 0f bd c0", "LZCNT"], ["f3 48 0f bc c0", "BMI1"], ["66 0f 38 00 c1", "SSSE3"], ["66 0f 3a 22 c0 01", "SSE4_1"],
    ["f2 0f 38 f1 c1", "SSE4_2"], ["66 0f 38 dc c1", "AES"], ["66 0f 3a 44 c1 00", "PCLMULQDQ"], ["0f 38 cb d1", "SHA"],
    ["c5 f5 ef c0", "AVX2"], ["c5 f8 77", "AVX"], ["c4 e3 7b f0 c0 05", "BMI2"], ["66 48 0f 38 f6 c1", "ADX"],
    ["c4 e2 f9 a9 c1", "FMA"], ["c4 e1 fb 92 c8", "AVX512BW"], ["62 f2 7d 48 8d c4", "AVX512VBMI"],
    ["62 f1 fe 48 6f 08", "AVX512F"], ["dd 40 08", "X87"], ["0f 01 f9", "RDTSCP"], ["0f 01 d0", "XSAVE"],
    ["48 0f c7 08", "CX16"], ["0f 6f c1", "MMX"], ["f4", "SYSTEM"],
  ];
  for (const [hex, want] of cases) {
    const b = Uint8Array.from(hex.split(" ").map((x) => parseInt(x, 16)));
    const i = decodeAt(b, 0, 0);
    assert.equal(i.len, b.length, hex);
    assert.equal(isaOf(i), want, `${hex} (${formKey(i)})`);
  }
  assert.equal(formKey(decodeAt(Uint8Array.from([0xf0, 0x48, 0x0f, 0xc1, 0x0a]), 0, 0)), "lock XADD m64,r64");
});
