// Decoder tests: instruction boundaries against objdump's (golden outputs of the fixture
// binaries), operand fields of representative forms, and a fuzz run that must never throw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, decodeAt } from "../../src/x86/decode.js";
import { Inst, K, P, R } from "../../src/x86/inst.js";
import { Op, OP_NAMES } from "../../src/x86/ops.generated.js";
import { readGolden } from "../disasm/objdump-golden.js";
import { formatGnu } from "../../src/disasm/gnu.js";
import { formatIntel } from "../../src/disasm/intel.js";

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.trim().split(/\s+/).map((x) => parseInt(x, 16)));
}

for (const name of ["hello-go1.19", "hello-go1.26", "hello-go1.26-stripped"]) {
  test(`instruction boundaries equal objdump's on all of ${name} .text`, () => {
    const g = readGolden(name);
    const inst = new Inst();
    const bad: string[] = [];
    for (const gi of g.insts) {
      // Decode from the instruction's bytes followed by the next ones (as in the section).
      decode(Uint8Array.from(gi.bytes), 0, gi.addr, inst);
      if (inst.len !== gi.bytes.length || inst.op === Op.INVALID) {
        bad.push(`${gi.addr.toString(16)}: ${gi.text} -> len ${inst.len} ${OP_NAMES[inst.op]}`);
      }
    }
    assert.ok(g.insts.length > 100000);
    assert.deepEqual(bad.slice(0, 20), []);
  });
}

test("operand fields of common forms", () => {
  // mov 0x8(%rsp),%rax
  let i = decodeAt(hex("48 8b 44 24 08"), 0, 0x1000);
  assert.equal(i.op, Op.MOV); assert.equal(i.len, 5); assert.equal(i.nops, 2);
  assert.equal(i.k0, K.REG); assert.equal(i.r0, R.RAX); assert.equal(i.s0, 8);
  assert.equal(i.k1, K.MEM); assert.equal(i.base, R.RSP); assert.equal(i.index, R.NONE); assert.equal(i.disp, 8); assert.equal(i.s1, 8);
  // cmp 0x10(%r14),%rsp  (Intel: cmp rsp,[r14+0x10])
  i = decodeAt(hex("49 3b 66 10"), 0, 0x401000);
  assert.equal(i.op, Op.CMP); assert.equal(i.r0, R.RSP); assert.equal(i.base, R.R14); assert.equal(i.disp, 0x10);
  // jbe rel32
  i = decodeAt(hex("0f 86 c0 00 00 00"), 0, 0x401004);
  assert.equal(i.op, Op.JCC); assert.equal(i.cond, 6); assert.equal(i.k0, K.REL); assert.equal(i.target, 0x4010ca);
  // movabs $0xe38e38e38e38e38f,%rax
  i = decodeAt(hex("48 b8 8f e3 38 8e e3 38 8e e3"), 0, 0);
  assert.equal(i.op, Op.MOV); assert.equal(i.len, 10); assert.equal(i.imm >>> 0, 0x8e38e38f); assert.equal(i.immHi >>> 0, 0xe38e38e3);
  // mov %fs:0xfffffffffffffff8,%r14
  i = decodeAt(hex("64 4c 8b 34 25 f8 ff ff ff"), 0, 0);
  assert.equal(i.seg, R.FS); assert.equal(i.base, R.NONE); assert.equal(i.disp, -8); assert.equal(i.r0, R.R14);
  // lea 0x10(%rip),%rax: RIP-relative
  i = decodeAt(hex("48 8d 05 10 00 00 00"), 0, 0x2000);
  assert.equal(i.op, Op.LEA); assert.equal(i.base, R.RIP); assert.equal(i.disp, 0x10);
  // add $-1 (imm8 sign-extended) to %rcx
  i = decodeAt(hex("48 83 c1 ff"), 0, 0);
  assert.equal(i.op, Op.ADD); assert.equal(i.k1, K.IMM); assert.equal(i.imm, -1); assert.equal(i.immHi, -1); assert.equal(i.s1, 8);
  // movups (%rax),%xmm15 ; pxor %xmm0,%xmm0 (66 consumed)
  i = decodeAt(hex("44 0f 10 38"), 0, 0);
  assert.equal(i.op, Op.MOVUPS); assert.equal(i.r0, R.XMM0 + 15); assert.equal(i.s1, 16); assert.equal(i.opsize, 16);
  i = decodeAt(hex("66 0f ef c0"), 0, 0);
  assert.equal(i.op, Op.PXOR); assert.ok(i.pfx & P.OPSIZE_USED);
  // lock cmpxchg %ecx,(%rdx)
  i = decodeAt(hex("f0 0f b1 0a"), 0, 0);
  assert.equal(i.op, Op.CMPXCHG); assert.ok(i.pfx & P.LOCK); assert.equal(i.s0, 4);
  // sete %al ; cmovne %rdx,%rax
  i = decodeAt(hex("0f 94 c0"), 0, 0); assert.equal(i.op, Op.SETCC); assert.equal(i.cond, 4); assert.equal(i.r0, R.RAX); assert.equal(i.s0, 1);
  i = decodeAt(hex("48 0f 45 c2"), 0, 0); assert.equal(i.op, Op.CMOVCC); assert.equal(i.cond, 5);
  // mov %ah? no REX: 88 e0 = mov %ah,%al
  i = decodeAt(hex("88 e0"), 0, 0); assert.equal(i.r0, R.RAX); assert.equal(i.r1, R.AH);
  // rep stos %rax,%es:(%rdi)
  i = decodeAt(hex("f3 48 ab"), 0, 0); assert.equal(i.op, Op.STOS); assert.ok(i.pfx & P.REP); assert.equal(i.opsize, 8);
  // vmovdqu64 0x40(%rsi),%zmm1 (EVEX disp8*64)
  i = decodeAt(hex("62 f1 fe 48 6f 4e 01"), 0, 0);
  assert.equal(i.op, Op.VMOVDQU64); assert.equal(i.disp, 64); assert.equal(i.opsize, 64); assert.equal(i.r0, R.XMM0 + 1);
  // vpxor %ymm1,%ymm2,%ymm3 (VEX)
  i = decodeAt(hex("c5 ed ef d9"), 0, 0);
  assert.equal(i.op, Op.VPXOR); assert.equal(i.r0, R.XMM0 + 3); assert.equal(i.r1, R.XMM0 + 2); assert.equal(i.r2, R.XMM0 + 1); assert.equal(i.s0, 32);
  // undefined: 0f 04
  i = decodeAt(hex("0f 04"), 0, 0); assert.equal(i.op, Op.INVALID); assert.ok(i.len >= 1);
});

test("fuzz: 30,000 random and mutated byte sequences through decode, formatGnu and formatIntel: no throw, len in 1..15", () => {
  let seed = 12345;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed >>> 8; };
  const g = readGolden("hello-go1.26");
  const inst = new Inst();
  const buf = new Uint8Array(20);
  for (let n = 0; n < 30000; n++) {
    if (n & 1) {
      const gi = g.insts[rnd() % g.insts.length]!;
      buf.fill(0);
      buf.set(gi.bytes.slice(0, 20));
      for (let m = rnd() % 3; m >= 0; m--) buf[rnd() % Math.max(1, gi.bytes.length)] = rnd() & 255;
    } else {
      for (let j = 0; j < 20; j++) buf[j] = rnd() & 255;
    }
    const len = rnd() % 21;
    decode(buf.subarray(0, len), 0, 0x400000, inst);
    assert.ok(inst.len >= 1 && inst.len <= 15, `len ${inst.len}`);
    assert.ok(inst.len <= Math.max(1, len));
    const sym = { symbolize: (a: number) => ({ name: "sym", offset: a & 0xff }) };
    assert.ok(formatGnu(inst, n % 3 ? sym : undefined).length > 0);
    assert.ok(formatIntel(inst, n % 3 ? sym : undefined).length > 0);
  }
});

test("ops.generated.ts names every mnemonic of spec.ts once", async () => {
  const { specMnemonics } = await import("../../src/x86/spec.js");
  const want = ["INVALID", ...[...specMnemonics()].map((m) => m.toUpperCase()).sort()];
  assert.deepEqual(["INVALID", ...OP_NAMES.slice(1).sort()], want, "run: npm run gen");
});

test("decode's limit argument reads no byte at or past it, like a shorter array", () => {
  const bytes = Uint8Array.of(0x48, 0x8b, 0x84, 0x24, 0x10, 0x20, 0x30, 0x40, 0x90, 0x90); // mov rax,[rsp+0x40302010]
  for (let n = 0; n <= bytes.length; n++) {
    const a = new Inst(), b = new Inst();
    decode(bytes, 0, 0x401000, a, n);
    decode(bytes.subarray(0, n), 0, 0x401000, b);
    assert.deepEqual(a, b, `limit ${n}`);
  }
});
