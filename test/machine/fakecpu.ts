// A scripted stand-in for the CPU: each thread runs a generator of actions (syscalls, spins,
// faults) so the scheduler, futexes and signal frames can be tested without the interpreter.

import { STOP, type Cpu, type StopReason } from "../../src/cpu/api.js";
import type { Memory } from "../../src/mem/api.js";

export type Action =
  | { sys: number; args?: (number | bigint)[] }
  | { spin: number }
  | { fault: number; write?: boolean }
  | { divide: true }
  | { illegal: string };

/** A thread's program: yields actions, receives RAX (as bigint) after each syscall. */
export type Program = (cpu: FakeCpu) => Generator<Action, void, bigint>;

const ARG_REGS = [7, 6, 2, 10, 8, 9];

export class FakeCpu implements Cpu {
  regs: bigint[] = new Array(16).fill(0n);
  rip = 0x401000;
  rflags = 0x202;
  fsBase = 0;
  gsBase = 0;
  retired = 0;
  faultAddr = 0;
  faultAccess: "read" | "write" | "exec" = "read";
  faultProtection = false;
  illegalBytes = new Uint8Array([0x0f, 0x0b]);
  illegalReason = "";
  fx = new Uint8Array(512);
  private gen: Generator<Action, void, bigint> | undefined;
  /** Called instead of continuing the generator when RIP was moved (signal handler entry). */
  onHandler?: (cpu: FakeCpu) => void;
  handlerRip = -1;

  constructor(readonly mem: Memory, public program?: Program) {}

  getReg(r: number): number { return Number(this.regs[r]!); }
  setReg(r: number, v: number): void { this.regs[r] = BigInt.asUintN(64, BigInt(v)); }
  getRegBig(r: number): bigint { return this.regs[r]!; }
  setRegBig(r: number, v: bigint): void { this.regs[r] = BigInt.asUintN(64, v); }
  fxsave(): Uint8Array { return this.fx.slice(); }
  fxrstor(image: Uint8Array): void { this.fx = image.slice(); }
  copyStateFrom(o: Cpu): void {
    for (let r = 0; r < 16; r++) this.regs[r] = o.getRegBig(r);
    this.rip = o.rip; this.rflags = o.rflags; this.fsBase = o.fsBase; this.gsBase = o.gsBase;
  }

  run(max: number): StopReason {
    if (this.handlerRip >= 0 && this.rip === this.handlerRip && this.onHandler) {
      this.onHandler(this);
    }
    if (!this.gen) {
      if (!this.program) return STOP.ILLEGAL;
      this.gen = this.program(this);
    }
    const next = this.gen.next(this.regs[0]!);
    if (next.done) throw new Error("fake program ended without exiting");
    const a = next.value;
    this.retired += 1;
    if ("sys" in a) {
      this.regs[0] = BigInt(a.sys);
      (a.args ?? []).forEach((v, i) => (this.regs[ARG_REGS[i]!] = BigInt.asUintN(64, BigInt(v))));
      return STOP.SYSCALL;
    }
    if ("spin" in a) {
      this.retired += Math.min(a.spin, max) - 1;
      return STOP.SLICE_END;
    }
    if ("fault" in a) {
      this.faultAddr = a.fault;
      this.faultAccess = a.write ? "write" : "read";
      return STOP.FAULT;
    }
    if ("divide" in a) return STOP.DIVIDE;
    this.illegalReason = a.illegal;
    return STOP.ILLEGAL;
  }
}
