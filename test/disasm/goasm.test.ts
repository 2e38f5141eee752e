// formatGo on hand-built Inst records: the x86asm GoSyntax rules one at a time (operand order,
// size suffixes, x86asm's quirks, symbols, per-release differences). Expected strings are lines
// of `go tool objdump` output of the fixtures (see test/testdata/goobjdump/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatGo, goSyntaxFor } from "../../src/disasm/goasm.js";
import type { GoSymLookup } from "../../src/disasm/goasm.js";
import { tabwrite } from "../../src/disasm/gotool.js";
import { Inst, K, P, R } from "../../src/x86/inst.js";
import { Op } from "../../src/x86/ops.generated.js";

const GO126 = goSyntaxFor("go1.26.0");
const GO119 = goSyntaxFor("go1.19.13");

function mk(f: Partial<Inst>): Inst {
  return Object.assign(new Inst(), f);
}
const reg = (i: 0 | 1 | 2, r: number, s: number): Partial<Inst> =>
  i === 0 ? { k0: K.REG, r0: r, s0: s } : i === 1 ? { k1: K.REG, r1: r, s1: s } : { k2: K.REG, r2: r, s2: s };

/** A lookup over a few symbols: runtime.morestack_noctxt.abi0 at 0x401000 (0x20 bytes),
 *  runtime.writeBarrier at 0x500000 (0x10 bytes). */
const syms: GoSymLookup = (a) => {
  if (a >= 0x401000 && a < 0x401020) return { name: "runtime.morestack_noctxt.abi0", base: 0x401000 };
  if (a >= 0x500000 && a < 0x500010) return { name: "runtime.writeBarrier", base: 0x500000 };
  return undefined;
};

test("a GoBinary-style symbolizer works as the lookup too", () => {
  const call = mk({ op: Op.CALL, len: 5, opsize: 8, nops: 1, k0: K.REL, s0: 4, target: 0x401000, opcode: 0xe8 });
  const symbolizer = { symbolize: (a: number) => (a >= 0x401000 ? { name: "runtime.rt0_go", offset: a - 0x401000 } : undefined) };
  assert.equal(formatGo(call, 0x402000, symbolizer), "CALL runtime.rt0_go(SB)");
  call.target = 0x401008;
  assert.equal(formatGo(call, 0x402000, symbolizer), "CALL 0x401008");
});

test("goSyntaxFor picks the release's x86asm behaviour", () => {
  assert.deepEqual([GO119.cmpLeftToRight, GO119.immSymbolsAll], [false, true]);
  assert.deepEqual([goSyntaxFor("go1.21.0").cmpLeftToRight, goSyntaxFor("go1.24.1").immSymbolsAll], [true, true]);
  assert.deepEqual([GO126.cmpLeftToRight, GO126.immSymbolsAll], [true, false]);
});

test("CMPQ SP, 0x10(R14): CMP reads left to right from go1.21, reversed before", () => {
  // 49 3b 66 10
  const i = mk({ op: Op.CMP, len: 4, opsize: 8, pfx: P.REX | P.REX_W | P.REX_B, nops: 2, ...reg(0, R.RSP, 8),
    k1: K.MEM, s1: 8, base: R.R14, disp: 0x10, modrm: 0x66, map: 0, opcode: 0x3b });
  assert.equal(formatGo(i, 0x401000, syms, GO126), "CMPQ SP, 0x10(R14)");
  assert.equal(formatGo(i, 0x401000, syms, GO119), "CMPQ 0x10(R14), SP");
});

test("MOVQ FS:0xfffffff8, R14: segment in the operand, disp32 printed unsigned", () => {
  // 64 4c 8b 34 25 f8 ff ff ff
  const i = mk({ op: Op.MOV, len: 9, opsize: 8, pfx: P.REX | P.REX_W | P.REX_R, seg: R.FS, nops: 2, ...reg(0, R.R14, 8),
    k1: K.MEM, s1: 8, disp: -8, modrm: 0x34, opcode: 0x8b });
  assert.equal(formatGo(i, 0x401000, syms, GO126), "MOVQ FS:0xfffffff8, R14");
});

test("branch targets: a symbol start by name, anything else as an address", () => {
  const call = mk({ op: Op.CALL, len: 5, opsize: 8, nops: 1, k0: K.REL, s0: 4, target: 0x401000, opcode: 0xe8 });
  assert.equal(formatGo(call, 0x402000, syms, GO126), "CALL runtime.morestack_noctxt.abi0(SB)");
  call.target = 0x401004;
  assert.equal(formatGo(call, 0x402000, syms, GO126), "CALL 0x401004");
  const jne = mk({ op: Op.JCC, cond: 5, len: 2, nops: 1, k0: K.REL, s0: 1, target: 0x4010ca, opcode: 0x75 });
  assert.equal(formatGo(jne, 0x401004, syms, GO126), "JNE 0x4010ca");
});

test("RIP-relative operands: sym+off(SB), else 0x..(IP) (negative disp32 unsigned)", () => {
  // 48 8d 05 xx xx xx xx at 0x4ffff0: next pc 0x4ffff7
  const lea = mk({ op: Op.LEA, len: 7, opsize: 8, pfx: P.REX | P.REX_W, nops: 2, ...reg(0, R.RAX, 8),
    k1: K.MEM, s1: 8, base: R.RIP, disp: 0x11, modrm: 0x05, opcode: 0x8d });
  assert.equal(formatGo(lea, 0x4ffff0, syms, GO126), "LEAQ runtime.writeBarrier+8(SB), AX");
  lea.disp = 0x100009;
  assert.equal(formatGo(lea, 0x4ffff0, syms, GO126), "LEAQ 0x100009(IP), AX");
  lea.disp = -0xf2;
  assert.equal(formatGo(lea, 0x4ffff0, syms, GO126), "LEAQ 0xffffff0e(IP), AX");
  // CMPL $0x0, runtime.writeBarrier(SB): 83 3d rel32 00
  const cmp = mk({ op: Op.CMP, len: 7, opsize: 4, nops: 2, k0: K.MEM, s0: 4, base: R.RIP, disp: 0x500000 - 0x401007,
    k1: K.IMM, s1: 4, imm: 0, modrm: 0x3d, opcode: 0x83 });
  assert.equal(formatGo(cmp, 0x401000, syms, GO126), "CMPL runtime.writeBarrier(SB), $0x0");
  assert.equal(formatGo(cmp, 0x401000, syms, GO119), "CMPL $0x0, runtime.writeBarrier(SB)");
});

test("size suffixes, x86asm's way (data size, memory size, PUSHQ/POPQ of 64-bit registers)", () => {
  assert.equal(formatGo(mk({ op: Op.PUSH, len: 1, opsize: 8, nops: 1, ...reg(0, R.RBP, 8), opcode: 0x55 }), 0, syms, GO126), "PUSHQ BP");
  // 84 c0: TEST AL, AL has no operand-size prefix, so x86asm says TESTL.
  assert.equal(formatGo(mk({ op: Op.TEST, len: 2, opsize: 1, nops: 2, ...reg(0, R.RAX, 1), ...reg(1, R.RAX, 1), modrm: 0xc0, opcode: 0x84 }), 0, syms, GO126), "TESTL AL, AL");
  // c6 44 24 27 00: MOVB $0x0, 0x27(SP)
  assert.equal(formatGo(mk({ op: Op.MOV, len: 5, opsize: 1, nops: 2, k0: K.MEM, s0: 1, base: R.RSP, disp: 0x27, modrm: 0x44,
    k1: K.IMM, s1: 1, imm: 0, opcode: 0xc6 }), 0, syms, GO126), "MOVB $0x0, 0x27(SP)");
  // 66 0f 1f 44 00 00: NOPW 0(AX)(AX*1); 90: NOPL
  assert.equal(formatGo(mk({ op: Op.NOP, len: 6, opsize: 2, pfx: P.OPSIZE, nops: 1, k0: K.MEM, s0: 2, base: R.RAX, index: R.RAX, scale: 1,
    modrm: 0x44, map: 1, opcode: 0x1f }), 0, syms, GO126), "NOPW 0(AX)(AX*1)");
  assert.equal(formatGo(mk({ op: Op.NOP, len: 1, opsize: 4, opcode: 0x90 }), 0, syms, GO126), "NOPL");
});

test("immediates: sign by encoding, imm64 as unsigned hex", () => {
  // b8 ff ff ff ff: MOVL $-0x1, AX
  assert.equal(formatGo(mk({ op: Op.MOV, len: 5, opsize: 4, nops: 2, ...reg(0, R.RAX, 4), k1: K.IMM, s1: 4, imm: -1, opcode: 0xb8 }), 0, syms, GO126), "MOVL $-0x1, AX");
  // 48 b8 8f e3 38 8e e3 38 8e e3
  assert.equal(formatGo(mk({ op: Op.MOV, len: 10, opsize: 8, pfx: P.REX | P.REX_W, nops: 2, ...reg(0, R.RAX, 8), k1: K.IMM, s1: 8,
    imm: 0x8e38e38f | 0, immHi: 0xe38e38e3 | 0, opcode: 0xb8 }), 0, syms, GO126), "MOVQ $0xe38e38e38e38e38f, AX");
  // 48 83 e4 f0: ANDQ $-0x10, SP (sign-extended imm8)
  assert.equal(formatGo(mk({ op: Op.AND, len: 4, opsize: 8, pfx: P.REX | P.REX_W, nops: 2, ...reg(0, R.RSP, 8), k1: K.IMM, s1: 8, imm: -16,
    modrm: 0xe4, opcode: 0x83 }), 0, syms, GO126), "ANDQ $-0x10, SP");
  // c8 62 f2 6d: ENTER $0x6d, $0xf262 (x86asm keeps both unsigned)
  assert.equal(formatGo(mk({ op: Op.ENTER, len: 4, opsize: 8, nops: 2, k0: K.IMM, s0: 2, imm: 0xf262 - 0x10000, k1: K.IMM2, s1: 1, imm2: 0x6d, opcode: 0xc8 }), 0, syms, GO126),
    "ENTER $0x6d, $0xf262");
  // cc: INT $0x3
  assert.equal(formatGo(mk({ op: Op.INT3, len: 1, opcode: 0xcc }), 0, syms, GO126), "INT $0x3");
});

test("immediates inside symbols: any instruction before go1.25, only 32-bit MOV/PUSH after", () => {
  const cmp = mk({ op: Op.CMP, len: 6, opsize: 8, pfx: P.REX | P.REX_W, nops: 2, ...reg(0, R.RAX, 8), k1: K.IMM, s1: 8, imm: 0x500004, opcode: 0x3d });
  assert.equal(formatGo(cmp, 0, syms, GO119), "CMPQ $runtime.writeBarrier+4(SB), AX");
  assert.equal(formatGo(cmp, 0, syms, GO126), "CMPQ AX, $0x500004");
  const mov = mk({ op: Op.MOV, len: 5, opsize: 4, nops: 2, ...reg(0, R.RAX, 4), k1: K.IMM, s1: 4, imm: 0x500004, opcode: 0xb8 });
  assert.equal(formatGo(mov, 0, syms, GO126), "MOVL $runtime.writeBarrier+4(SB), AX");
});

test("string instructions get x86asm's explicit operands; REP is a separate opcode", () => {
  assert.equal(formatGo(mk({ op: Op.MOVS, len: 2, opsize: 1, pfx: P.REP, opcode: 0xa4 }), 0, syms, GO126), "REP; MOVSB DS:0(SI), ES:0(DI)");
  assert.equal(formatGo(mk({ op: Op.STOS, len: 3, opsize: 8, pfx: P.REP | P.REX | P.REX_W, opcode: 0xab }), 0, syms, GO126), "REP; STOSQ AX, ES:0(DI)");
  assert.equal(formatGo(mk({ op: Op.XLAT, len: 1, opsize: 4, opcode: 0xd7 }), 0, syms, GO126), "XLATB DS:0(BX)");
});

test("LOCK, condition codes, SSE names", () => {
  // f0 0f c1 0a: LOCK XADDL CX, 0(DX)
  assert.equal(formatGo(mk({ op: Op.XADD, len: 4, opsize: 4, pfx: P.LOCK, nops: 2, k0: K.MEM, s0: 4, base: R.RDX, modrm: 0x0a, ...reg(1, R.RCX, 4),
    map: 1, opcode: 0xc1 }), 0, syms, GO126), "LOCK XADDL CX, 0(DX)");
  assert.equal(formatGo(mk({ op: Op.SETCC, cond: 4, len: 3, opsize: 1, nops: 1, ...reg(0, R.RCX, 1), modrm: 0xc1, map: 1, opcode: 0x94 }), 0, syms, GO126), "SETE CL");
  assert.equal(formatGo(mk({ op: Op.CMOVCC, cond: 5, len: 4, opsize: 8, pfx: P.REX | P.REX_W, nops: 2, ...reg(0, R.RDX, 8), ...reg(1, R.RSI, 8),
    modrm: 0xd6, map: 1, opcode: 0x45 }), 0, syms, GO126), "CMOVNE SI, DX");
  // f2 0f 10 41 08: MOVSD_XMM 0x8(CX), X0
  assert.equal(formatGo(mk({ op: Op.MOVSD, len: 5, opsize: 16, nops: 2, ...reg(0, R.XMM0, 16), k1: K.MEM, s1: 8, base: R.RCX, disp: 8, modrm: 0x41,
    map: 1, opcode: 0x10 }), 0, syms, GO126), "MOVSD_XMM 0x8(CX), X0");
});

test("instructions x86asm cannot decode are printed from rt0's decoding, Go style", () => {
  // 62 f1 fe 48 6f 08: VMOVDQU64 0(AX), Z1
  assert.equal(formatGo(mk({ op: Op.VMOVDQU64, len: 6, opsize: 64, pfx: P.EVEX | P.REX_W, nops: 2, ...reg(0, R.XMM0 + 1, 64),
    k1: K.MEM, s1: 64, base: R.RAX, modrm: 0x08, map: 1, opcode: 0x6f }), 0, syms, GO126), "VMOVDQU64 0(AX), Z1");
  // c5 e5 74 c2: VPCMPEQB Y2, Y3, Y0
  assert.equal(formatGo(mk({ op: Op.VPCMPEQB, len: 4, opsize: 32, pfx: P.VEX, nops: 3, ...reg(0, R.XMM0, 32), ...reg(1, R.XMM0 + 3, 32),
    ...reg(2, R.XMM0 + 2, 32), modrm: 0xc2, map: 1, opcode: 0x74 }), 0, syms, GO126), "VPCMPEQB Y2, Y3, Y0");
  // SHLXQ: a general-register VEX instruction gets Go's size suffix.
  assert.equal(formatGo(mk({ op: Op.SHLX, len: 5, opsize: 8, pfx: P.VEX | P.REX_W, nops: 3, ...reg(0, R.RAX, 8), ...reg(1, R.RBX, 8),
    ...reg(2, R.RCX, 8), modrm: 0xc3, map: 2, opcode: 0xf7 }), 0, syms, GO126), "SHLXQ CX, BX, AX");
});

test("tabwrite pads cells with tabs like Go's text/tabwriter (minwidth 18, tabwidth 8)", () => {
  const out: string[] = [];
  tabwrite([
    ["  bounds.go:86", "0x401000", "493b6610", "CMPQ SP, 0x10(R14)", ""],
    ["  bounds.go:88", "0x40101c", "48b88fe3388ee3388ee3", "MOVQ $0xe38e38e38e38e38f, AX", ""],
  ], out);
  assert.equal(out.join(""),
    // Column 4 is 29 wide (28 + padding 1), rounded up to 32: two tabs after 18 chars, one after 28.
    "  bounds.go:86\t\t0x401000\t\t493b6610\t\tCMPQ SP, 0x10(R14)\t\t\n" +
    "  bounds.go:88\t\t0x40101c\t\t48b88fe3388ee3388ee3\tMOVQ $0xe38e38e38e38e38f, AX\t\n");
});
