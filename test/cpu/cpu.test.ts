// The interpreter's run loop, stop reasons and the Cpu API (registers, flags, FXSAVE, copy).
// Instruction semantics are proven against the host CPU in diff.test.ts; these tests cover the
// machinery around them. Byte strings were assembled with GNU as (shown beside each).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Space } from "../../src/mem/space.js";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../../src/mem/api.js";
import { X86Cpu } from "../../src/cpu/cpu.js";
import { STOP } from "../../src/cpu/api.js";
import { IMPLEMENTED_LEVEL } from "../../src/cpu/cpuid.js";

const CODE = 0x400000;
const STACK = 0x7ff000;

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));
}

function setup(code: string, level: 1 | 2 | 3 = 1): { cpu: X86Cpu; mem: Space } {
  const mem = new Space();
  mem.map(CODE, 0x2000, PROT_READ | PROT_EXEC);
  mem.write(CODE, hex(code), true);
  mem.map(STACK, 0x1000, PROT_READ | PROT_WRITE);
  const cpu = new X86Cpu(mem, { vendor: "GenuineIntel", level }, undefined);
  cpu.rip = CODE;
  cpu.setReg(4, STACK + 0x1000);
  return { cpu, mem };
}

test("a loop runs to SYSCALL with RCX/R11 clobbers and exact retired counts", () => {
  // mov ecx,100; xor eax,eax; 1: add rax,rcx; dec ecx; jnz 1b; mov rdi,rax; mov eax,60; syscall
  const { cpu } = setup("b964000000 31c0 4801c8 ffc9 75f9 4889c7 b83c000000 0f05");
  assert.equal(cpu.run(1_000_000), STOP.SYSCALL);
  assert.equal(cpu.getReg(7), 5050);
  assert.equal(cpu.getReg(0), 60);
  assert.equal(cpu.retired, 2 + 300 + 3);
  assert.equal(cpu.rip, CODE + 0x18);
  assert.equal(cpu.getReg(1), CODE + 0x18);
  assert.equal(cpu.getReg(11), cpu.rflags);
});

test("slices stop exactly at maxInstructions and resume", () => {
  const { cpu } = setup("b964000000 31c0 4801c8 ffc9 75f9 4889c7 b83c000000 0f05");
  let n = 0;
  let r: number;
  while ((r = cpu.run(7)) === STOP.SLICE_END) n++;
  assert.equal(r, STOP.SYSCALL);
  assert.equal(cpu.retired, 305);
  assert.equal(n, Math.floor(304 / 7));
  assert.equal(cpu.getReg(7), 5050);
});

test("faults leave RIP at the faulting instruction and state unchanged", () => {
  // mov rax, 1; mov qword ptr [0x1000], rax  (unmapped)
  const { cpu } = setup("48c7c001000000 48890425 00100000");
  assert.equal(cpu.run(10), STOP.FAULT);
  assert.equal(cpu.rip, CODE + 7);
  assert.equal(cpu.faultAddr, 0x1000);
  assert.equal(cpu.faultAccess, "write");
  assert.equal(cpu.faultProtection, false);
  assert.equal(cpu.retired, 1);
  // push to a read-only page: RSP unchanged.
  const t = setup("50");
  t.mem.protect(STACK, 0x1000, PROT_READ);
  assert.equal(t.cpu.run(1), STOP.FAULT);
  assert.equal(t.cpu.getReg(4), STACK + 0x1000);
  assert.equal(t.cpu.faultProtection, true);
});

test("divide error, INT3, UD2, HLT and unadvertised instructions stop with their reasons", () => {
  // xor ecx,ecx; div ecx
  let t = setup("31c9 f7f1");
  assert.equal(t.cpu.run(10), STOP.DIVIDE);
  assert.equal(t.cpu.rip, CODE + 2);
  t = setup("cc 90");
  assert.equal(t.cpu.run(10), STOP.BREAKPOINT);
  assert.equal(t.cpu.rip, CODE + 1);
  t = setup("0f0b");
  assert.equal(t.cpu.run(10), STOP.ILLEGAL);
  assert.deepEqual(Array.from(t.cpu.illegalBytes), [0x0f, 0x0b]);
  assert.match(t.cpu.illegalReason, /UD2/);
  t = setup("f4");
  assert.equal(t.cpu.run(10), STOP.PRIVILEGED);
  // popcnt eax, ecx at level 1: not advertised.
  t = setup("f30fb8c1");
  assert.equal(t.cpu.run(10), STOP.ILLEGAL);
  assert.match(t.cpu.illegalReason, /POPCNT/);
});

test("call/ret/push/pop and indirect jumps through the stack", () => {
  // call f; mov rdi, rax; syscall; f: push rbx; mov eax, 7; pop rbx; ret
  const { cpu } = setup("e805000000 4889c7 0f05 53 b807000000 5b c3");
  cpu.setReg(3, 0x1234);
  assert.equal(cpu.run(100), STOP.SYSCALL);
  assert.equal(cpu.getReg(7), 7);
  assert.equal(cpu.getReg(3), 0x1234);
  assert.equal(cpu.getReg(4), STACK + 0x1000);
});

test("code hook sees each instruction and can stop; write hook sees stores", () => {
  // mov [rsp-8], rax; nop; nop; syscall
  const { cpu } = setup("488944 24f8 90 90 0f05");
  const seen: number[] = [];
  cpu.setCodeHook((a) => {
    seen.push(a);
    return a === CODE + 6;
  });
  const writes: number[] = [];
  cpu.setWriteHook((a, n) => writes.push(a, n));
  assert.equal(cpu.run(100), STOP.HOOK);
  assert.deepEqual(seen, [CODE, CODE + 5, CODE + 6]);
  assert.equal(cpu.rip, CODE + 6);
  assert.deepEqual(writes, [STACK + 0x1000 - 8, 8]);
  cpu.setCodeHook(null);
  cpu.setWriteHook(null);
  assert.equal(cpu.run(100), STOP.SYSCALL);
});

test("self-modifying code: a write to a decoded page drops the cached block", () => {
  const mem = new Space();
  mem.map(CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
  mem.write(CODE, hex("b801000000 0f05")); // mov eax,1; syscall
  const cpu = new X86Cpu(mem, { vendor: "GenuineIntel", level: 1 });
  cpu.rip = CODE;
  assert.equal(cpu.run(10), STOP.SYSCALL);
  assert.equal(cpu.getReg(0), 1);
  mem.write(CODE + 1, hex("02")); // mov eax,2
  cpu.rip = CODE;
  assert.equal(cpu.run(10), STOP.SYSCALL);
  assert.equal(cpu.getReg(0), 2);
});

test("self-modifying code in one block: the store that patched a later instruction ends the block (issue 17 item 11)", () => {
  const mem = new Space();
  mem.map(CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
  mem.write(CODE, hex("c605010000 0002 b801000000 0f05")); // mov byte [rip+1],2; mov eax,1; syscall
  const cpu = new X86Cpu(mem, { vendor: "GenuineIntel", level: 1 });
  cpu.rip = CODE;
  assert.equal(cpu.run(10), STOP.SYSCALL);
  assert.equal(cpu.getReg(0), 2);
  assert.equal(cpu.retired, 3);
});

test("rflags, registers as numbers and bigints, FXSAVE image, copyStateFrom", () => {
  const { cpu, mem } = setup("90");
  cpu.rflags = 0x8d5 | 0x400;
  assert.equal(cpu.rflags, 0x8d5 | 0x400 | 0x200 | 2);
  cpu.setRegBig(5, 0xfedcba9876543210n);
  assert.equal(cpu.getRegBig(5), 0xfedcba9876543210n);
  cpu.setReg(6, 0x7fffffffffff);
  assert.equal(cpu.getReg(6), 0x7fffffffffff);
  cpu.setReg(0, -22);
  assert.equal(cpu.getRegBig(0), 0xffffffffffffffean);
  cpu.setReg(0, -(2 ** 40) - 1);
  assert.equal(cpu.getRegBig(0), BigInt.asUintN(64, -(2n ** 40n) - 1n));
  cpu.fsBase = 0xc000123000;
  const img = cpu.fxsave();
  assert.equal(img.length, 512);
  assert.equal(new DataView(img.buffer).getUint32(24, true), 0x1f80);
  const other = new X86Cpu(mem, cpu.model, cpu.cache);
  other.copyStateFrom(cpu);
  assert.equal(other.getRegBig(5), 0xfedcba9876543210n);
  assert.equal(other.fsBase, 0xc000123000);
  assert.equal(other.rflags, cpu.rflags);
});

test("CPUID: vendor, max leaf, level-dependent features, brand string", () => {
  // cpuid; int3
  const leaf = (eax: number, level: 1 | 2 | 3 = 1, vendor: "GenuineIntel" | "AuthenticAMD" = "GenuineIntel"): number[] => {
    const mem = new Space();
    mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
    mem.write(CODE, hex("0fa2 cc"), true);
    const cpu = new X86Cpu(mem, { vendor, level });
    cpu.rip = CODE;
    cpu.setReg(0, eax);
    cpu.setReg(1, 0);
    assert.equal(cpu.run(10), STOP.BREAKPOINT);
    return [cpu.getReg(0), cpu.getReg(3), cpu.getReg(1) , cpu.getReg(2)];
  };
  const l0 = leaf(0);
  const vendor = (v: number[]): string => Buffer.from(Uint32Array.of(v[1], v[3], v[2]).buffer).toString("latin1");
  assert.equal(vendor(l0), "GenuineIntel");
  assert.equal(vendor(leaf(0, 1, "AuthenticAMD")), "AuthenticAMD");
  assert.ok(l0[0] >= 7);
  const l1 = leaf(1);
  assert.equal(l1[3] & (1 << 26), 1 << 26); // SSE2
  assert.equal(l1[2] & (1 << 23), 0); // no POPCNT at v1
  // v2 (POPCNT SSSE3 SSE4.1 SSE4.2) is advertised only once implemented.
  const l1v2 = leaf(1, 2);
  const v2bits = (1 << 23) | (1 << 9) | (1 << 19) | (1 << 20);
  assert.equal(l1v2[2] & v2bits, IMPLEMENTED_LEVEL >= 2 ? v2bits : 0);
  // v3: the GPR extensions (BMI1 BMI2 ADX) are advertised; AVX/AVX2 (not implemented) are not.
  const l7 = leaf(7, 3);
  assert.equal(l7[1] & ((1 << 3) | (1 << 8) | (1 << 19)), (1 << 3) | (1 << 8) | (1 << 19));
  assert.equal(l7[1] & (1 << 5), 0);
  assert.equal(leaf(1, 3)[2] & (1 << 28), 0);
  assert.equal(leaf(0x80000000)[0], 0x80000004);
  assert.equal(leaf(0x80000001)[3] & (1 << 29), 1 << 29); // LM
});

test("x87 control and status words: FNSTCW, FLDCW, FNSTSW (glibc's printf reads the rounding mode)", () => {
  // movw $0xa7f,-16(%rsp); fnstcw -8(%rsp); fldcw -16(%rsp); fnstcw -24(%rsp); mov $-1,%eax; fnstsw %ax; int3
  const { cpu, mem } = setup("66c74424f07f0a d97c24f8 d96c24f0 d97c24e8 b8ffffffff dfe0 cc");
  assert.equal(cpu.run(100), STOP.BREAKPOINT);
  const sp = STACK + 0x1000;
  assert.equal(mem.readU16(sp - 8), 0x037f, "the control word after FNINIT (Linux's initial state)");
  assert.equal(mem.readU16(sp - 24), 0x0a7f, "FLDCW then FNSTCW gives it back");
  assert.equal(cpu.getReg(0), 0xffff0000, "FNSTSW AX: an empty status word, the rest of RAX kept");
  const fx = cpu.fxsave();
  assert.equal(fx[0]! | (fx[1]! << 8), 0x0a7f, "the FXSAVE image holds the control word");
});

test("EMMS empties the x87 tag word (FXSAVE's abridged FTW, SDM vol. 2: all tags 11B)", () => {
  const { cpu } = setup("0f77 f4");
  const img = cpu.fxsave();
  img[4] = 0xff;
  cpu.fxrstor(img);
  assert.equal(cpu.run(1), STOP.SLICE_END);
  assert.equal(cpu.fxsave()[4], 0);
  assert.equal(cpu.rip, CODE + 2);
});
