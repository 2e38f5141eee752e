// The compiled tier checked against the interpreter (rt0 run --check-jit): each entry into
// compiled code runs twice from the same state, once compiled and once interpreted for the same
// number of instructions, and the registers, flags and every byte either run wrote must agree.
// The interpreter's result is kept, so a run goes on as the interpreter would have it.

import type { Space } from "../mem/space.js";
import type { State } from "./state.js";
import { ARITH, FL_AUX, FL_BITS, FL_DST, FL_OP, FL_OTHER, FL_RES, FL_SIZE, FL_SRC, GPR_I32, MXCSR_I32, RIP_F64, FSBASE_F64, XMM_BYTE } from "./state.js";

/** What the checker needs of the CPU. */
export interface CheckedCpu {
  readonly s: State;
  readonly space: Space;
  readonly rflags: number;
  readonly retired: number;
}

/** The first difference between the compiled tier and the interpreter. */
export class TierMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TierMismatch";
  }
}

/** The bytes a run writes: their old values, recorded before each store (a write hook). */
export class WriteLog {
  readonly old = new Map<number, number>();
  constructor(private readonly space: Space) {}
  readonly hook = (addr: number, size: number): void => {
    for (let k = 0; k < size; k++) {
      const a = addr + k;
      if (this.old.has(a)) continue;
      this.old.set(a, peek(this.space, a));
    }
  };
}

/** A byte of guest memory, or -1 where nothing is mapped. */
export function peek(space: Space, addr: number): number {
  try {
    return space.read(addr, 1, true)[0];
  } catch {
    return -1;
  }
}

/** Put back the old bytes of a log (no hook attached while it writes). */
export function undo(space: Space, log: WriteLog): void {
  for (const [a, v] of log.old) if (v >= 0) space.write(a, Uint8Array.of(v), true);
}

const hex = (n: number): string => "0x" + n.toString(16);
const REG_NAMES = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];

/** The architectural state worth comparing: GPRs, RIP, RFLAGS (arithmetic bits masked by
 *  `flagMask`), FS base, MXCSR, XMM registers. */
export function snapshot(cpu: CheckedCpu): { regs: string[]; xmm: Uint8Array; rflags: number; lazy: string } {
  const s = cpu.s;
  const regs: string[] = [];
  for (let r = 0; r < 16; r++) {
    const lo = s.i32[GPR_I32 + 2 * r] >>> 0, hi = s.i32[GPR_I32 + 2 * r + 1] >>> 0;
    regs.push(`${REG_NAMES[r]}=${hex(hi * 2 ** 32 + lo)}`);
  }
  regs.push(`rip=${hex(s.f64[RIP_F64])}`, `fs=${hex(s.f64[FSBASE_F64])}`, `mxcsr=${hex(s.i32[MXCSR_I32])}`, `other=${hex(s.i32[FL_OTHER])}`);
  const q = (i: number): string => hex((s.i32[i + 1] >>> 0) * 2 ** 32 + (s.i32[i] >>> 0));
  // How the flags are held (flags.ts): the last setter's kind, size and operands, or bits.
  const lazy = `kind ${s.i32[FL_OP]} size ${s.i32[FL_SIZE]} res ${q(FL_RES)} dst ${q(FL_DST)} src ${q(FL_SRC)} aux ${hex(s.i32[FL_AUX])} bits ${hex(s.i32[FL_BITS])}`;
  return { regs, xmm: s.u8.slice(XMM_BYTE, XMM_BYTE + 256), rflags: cpu.rflags, lazy };
}

/** Compare two runs from the same start: a message naming each difference, or "". */
export function compare(
  compiled: ReturnType<typeof snapshot>, interp: ReturnType<typeof snapshot>,
  space: Space, compiledBytes: Map<number, number>, addrs: Iterable<number>,
): string {
  const out: string[] = [];
  compiled.regs.forEach((r, i) => {
    if (r !== interp.regs[i]) out.push(`${r} (interpreter ${interp.regs[i].split("=")[1]})`);
  });
  if ((compiled.rflags & ARITH) !== (interp.rflags & ARITH)) out.push(`rflags=${hex(compiled.rflags)} (interpreter ${hex(interp.rflags)}; lazy flags ${compiled.lazy}, interpreter ${interp.lazy})`);
  for (let x = 0; x < 16; x++) {
    for (let k = 0; k < 16; k++) {
      if (compiled.xmm[16 * x + k] !== interp.xmm[16 * x + k]) {
        out.push(`xmm${x} differs`);
        break;
      }
    }
  }
  const diffs: string[] = [];
  for (const a of addrs) {
    const c = compiledBytes.get(a) ?? -2;
    const i = peek(space, a);
    if (c !== i && diffs.length < 8) diffs.push(`[${hex(a)}]=${hex(c & 0xff)} (interpreter ${hex(i & 0xff)})`);
  }
  out.push(...diffs);
  return out.join(", ");
}
