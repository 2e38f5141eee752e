// rt0's side of the CPU differential tests: run one case (instruction bytes + 528-byte input
// image) on X86Cpu and produce the output image and status the native harness would, then
// compare registers, defined flags, MXCSR, XMM and memory.

import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../../src/mem/api.js";
import { Space } from "../../src/mem/space.js";
import { X86Cpu } from "../../src/cpu/cpu.js";
import { STOP } from "../../src/cpu/api.js";
import { tierFor } from "../../src/jit/tier.js";
import { MXCSR_I32, XMM_BYTE } from "../../src/cpu/state.js";
import { CODEBASE, FLAGS_OFF, GPR_OFF, MEMBASE, MEMLEN, MEM_OFF, MXCSR_OFF, STATE, XMM_OFF } from "./gen.js";
import { ALLF } from "./forms.js";

/** Signal numbers the harness reports. */
const SIGILL = 4, SIGFPE = 8, SIGSEGV = 11;

export class Emu {
  readonly mem = new Space();
  readonly cpu: X86Cpu;
  /** jit: run each case through the JIT tier (the block [code..., INT3] compiled at once);
   *  budget: instructions per run (more than 1 runs the code up to the padding's INT3). */
  constructor(level: 1 | 2 | 3 = 1, readonly jit = false, readonly budget = jit ? 2 : 1) {
    this.mem.map(CODEBASE, 0x1000, PROT_READ | PROT_EXEC);
    this.mem.map(MEMBASE, 0x1000, PROT_READ | PROT_WRITE);
    this.cpu = new X86Cpu(this.mem, { vendor: "GenuineIntel", level });
    if (jit) {
      this.cpu.setTier(tierFor(this.cpu.cache, this.mem, this.cpu.features));
      this.cpu.jitThreshold = 0;
    }
  }

  run(code: Uint8Array, input: Uint8Array): { status: number; out: Uint8Array; reason: string } {
    const { mem, cpu } = this;
    const pad = new Uint8Array(16).fill(0xcc);
    pad.set(code);
    mem.write(CODEBASE, pad, true);
    mem.write(MEMBASE, input.subarray(MEM_OFF, MEM_OFF + MEMLEN), true);
    const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
    for (let r = 0; r < 16; r++) cpu.setRegBig(r, dv.getBigUint64(GPR_OFF + 8 * r, true));
    cpu.rflags = Number(dv.getBigUint64(FLAGS_OFF, true));
    cpu.s.i32[MXCSR_I32] = dv.getUint32(MXCSR_OFF, true);
    cpu.s.u8.set(input.subarray(XMM_OFF, XMM_OFF + 256), XMM_BYTE);
    cpu.rip = CODEBASE;
    let stop: number = cpu.run(this.budget);
    // With a budget past the code, the padding's INT3 ends the run after it.
    if (this.budget > 1 && stop === STOP.BREAKPOINT) stop = STOP.SLICE_END;
    const out = new Uint8Array(STATE);
    const ov = new DataView(out.buffer);
    let status = 0;
    switch (stop) {
      case STOP.SLICE_END: break;
      case STOP.DIVIDE: status = SIGFPE; break;
      case STOP.FAULT: case STOP.PRIVILEGED: status = SIGSEGV; break;
      case STOP.ILLEGAL: status = SIGILL; break;
      default: status = 100 + stop;
    }
    if (status === 0) {
      for (let r = 0; r < 16; r++) ov.setBigUint64(GPR_OFF + 8 * r, cpu.getRegBig(r), true);
      ov.setBigUint64(FLAGS_OFF, BigInt(cpu.rflags), true);
      ov.setUint32(MXCSR_OFF, cpu.s.i32[MXCSR_I32], true);
      out.set(cpu.s.u8.subarray(XMM_BYTE, XMM_BYTE + 256), XMM_OFF);
    }
    out.set(mem.read(MEMBASE, MEMLEN, true), MEM_OFF);
    return { status, out, reason: stop === STOP.ILLEGAL ? cpu.illegalReason : "" };
  }
}

/** Compare outputs; returns a description of the first difference or "" when equal. */
export function compare(undef: number, want: { status: number; out: Uint8Array }, got: { status: number; out: Uint8Array; reason?: string }): string {
  if (want.status !== got.status) return `status native ${want.status} rt0 ${got.status}${got.reason ? ` (${got.reason})` : ""}`;
  if (want.status !== 0) return "";
  const w = new DataView(want.out.buffer, want.out.byteOffset);
  const g = new DataView(got.out.buffer, got.out.byteOffset);
  const names = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
  for (let r = 0; r < 16; r++) {
    const a = w.getBigUint64(GPR_OFF + 8 * r, true), b = g.getBigUint64(GPR_OFF + 8 * r, true);
    if (a !== b) return `${names[r]} native ${a.toString(16)} rt0 ${b.toString(16)}`;
  }
  const mask = (ALLF & ~(process.env.CPUDIFF_ALLFLAGS ? 0 : undef)) | 0x400;
  const fa = Number(w.getBigUint64(FLAGS_OFF, true)) & mask, fb = Number(g.getBigUint64(FLAGS_OFF, true)) & mask;
  if (fa !== fb) return `flags native ${fa.toString(16)} rt0 ${fb.toString(16)} (diff ${(fa ^ fb).toString(16)})`;
  // MXCSR exception flags (bits 0-5) are not emulated (known difference; Go never reads them).
  if ((w.getUint32(MXCSR_OFF, true) & ~0x3f) !== (g.getUint32(MXCSR_OFF, true) & ~0x3f)) {
    return `mxcsr native ${w.getUint32(MXCSR_OFF, true).toString(16)} rt0 ${g.getUint32(MXCSR_OFF, true).toString(16)}`;
  }
  for (let k = 0; k < 16; k++) {
    const a = w.getBigUint64(XMM_OFF + 16 * k + 8, true).toString(16).padStart(16, "0") + w.getBigUint64(XMM_OFF + 16 * k, true).toString(16).padStart(16, "0");
    const b = g.getBigUint64(XMM_OFF + 16 * k + 8, true).toString(16).padStart(16, "0") + g.getBigUint64(XMM_OFF + 16 * k, true).toString(16).padStart(16, "0");
    if (a !== b) return `xmm${k} native ${a} rt0 ${b}`;
  }
  for (let k = 0; k < MEMLEN; k++) {
    if (want.out[MEM_OFF + k] !== got.out[MEM_OFF + k]) return `mem+${k} native ${want.out[MEM_OFF + k].toString(16)} rt0 ${got.out[MEM_OFF + k].toString(16)}`;
  }
  return "";
}
