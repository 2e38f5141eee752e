// Instruction coverage: every form in the committed Go binaries is implemented at the CPU level
// whose CPUID bits guard it (baseline SSE2 at v1; SSE3-SSE4.2, POPCNT, AES-NI, PCLMULQDQ at v2),
// by executing one instance of each form (tools/cpudiff/coverage.ts). The full table over all
// toolchains and the go test binaries is test/testdata/cpu/coverage.txt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURE_BIN } from "../helpers.js";
import { scan, probe, type FormInfo } from "../../tools/cpudiff/coverage.js";

const V1 = new Set(["BASE", "SSE", "SSE2"]);
const V2 = new Set(["SSE3", "SSSE3", "SSE4_1", "SSE4_2", "POPCNT", "AES", "PCLMULQDQ", "CX16"]);

test("every baseline form of the committed binaries runs at v1, every v2 form at v2", () => {
  const forms = new Map<string, FormInfo>();
  let n = 0;
  for (const b of ["hello-go1.19", "hello-go1.26", "stackgrow-go1.26"]) n += scan(join(FIXTURE_BIN, b), forms);
  assert.ok(n > 300_000, `only ${n} instructions`);
  const missing: string[] = [];
  for (const f of forms.values()) {
    if (f.mnem === "UD2") continue; // deliberately undefined
    if (V1.has(f.isa) && !probe(f.bytes, 1).ok) missing.push(`${f.key} at v1`);
    if ((V1.has(f.isa) || V2.has(f.isa)) && !probe(f.bytes, 2).ok) missing.push(`${f.key} at v2`);
  }
  assert.deepEqual(missing, []);
});

test("forms above the CPU level stop with ILLEGAL naming the feature", () => {
  // popcnt rax, rcx at v1; vpxor xmm0, xmm0, xmm0 (AVX) at v2.
  const p1 = probe(Uint8Array.of(0xf3, 0x48, 0x0f, 0xb8, 0xc1), 1);
  assert.equal(p1.ok, false);
  assert.match(p1.reason, /POPCNT/);
  assert.equal(probe(Uint8Array.of(0xf3, 0x48, 0x0f, 0xb8, 0xc1), 2).ok, true);
  const p2 = probe(Uint8Array.of(0xc5, 0xf9, 0xef, 0xc0), 2);
  assert.equal(p2.ok, false);
  assert.match(p2.reason, /VPXOR/);
});
