// The CPU as the instruction handlers (src/cpu/ops/) see it: the architectural state (state.ts)
// and guest memory (Space), operand access (registers by size, memory through the TLB fast path
// with addresses in int32 halves, immediates), the stack, and the flag helpers. X86Cpu (cpu.ts)
// adds the run loop; handlers import this class only as a type, so nothing imports upward.
//
// 64-bit values are (lo, hi) int32 pairs: a helper that produces one returns lo and leaves hi in
// tHi (a second return value without allocating); mul64 leaves its upper words in w2 and w3.

import { toBig, fromBig, U64 } from "../base/u64.js";
import type { Memory } from "../mem/api.js";
import { Space, TLB_SIZE } from "../mem/space.js";
import { STATE_SLOTS } from "../mem/layout.js";
import { K, R, type Inst } from "../x86/inst.js";
import { STOP, type CpuModel } from "./api.js";
import { featuresFor, type Features } from "./cpuid.js";
import { arithFlags, setBits, signOf, PARITY } from "./flags.js";
import {
  AF, ARITH, CF, FCW_I32, FL_OTHER, FSBASE_F64, FSW_I32, FTW_I32, GSBASE_F64, GprI32, IF, MXCSR_I32,
  OF, POPF_MASK, RIP_F64, SF, ST_BYTE, State, XMM_BYTE, ZF,
} from "./state.js";

/** The Space TLB index mask. */
const TLB_MASK = TLB_SIZE - 1;

export class CpuCore {
  readonly s: State;
  /** GPRs and flags (Int32Array over the state buffer). */
  readonly g: Int32Array;
  readonly f64: Float64Array;
  readonly space: Space;
  readonly features: Features;
  /** Set when an instruction decoded but unimplemented/unadvertised is hit. */
  illegalReason = "";
  illegalBytes: Uint8Array = new Uint8Array(0);
  faultAddr = 0;
  faultAccess: "read" | "write" | "exec" = "read";
  faultProtection = false;
  /** Instructions retired (the run loop counts them; RDTSC reads them). */
  retiredCount = 0;
  lastTscRetired = 0;
  /** Effective address of the current instruction's memory operand. */
  ea = 0;
  /** High half returned by the rd* helpers. */
  tHi = 0;
  /** Extra results of mul64/div helpers. */
  w2 = 0;
  w3 = 0;
  /** CPUID's four result registers. */
  readonly cpuidOut = new Int32Array(4);

  constructor(readonly mem: Memory, readonly model: CpuModel) {
    if (!(mem instanceof Space)) throw new Error("X86Cpu needs a Space (src/mem/space.ts)");
    this.space = mem;
    const st = mem.allocState();
    if (st < 0) throw new Error(`more than ${STATE_SLOTS} threads alive in one address space`);
    this.s = new State(mem.memory.buffer, st);
    this.g = this.s.i32;
    this.f64 = this.s.f64;
    this.features = featuresFor(model);
  }

  // ---- public state accessors ----

  get rip(): number {
    return this.f64[RIP_F64];
  }
  set rip(v: number) {
    this.f64[RIP_F64] = v;
  }
  get fsBase(): number {
    return this.f64[FSBASE_F64];
  }
  set fsBase(v: number) {
    this.f64[FSBASE_F64] = v;
  }
  get gsBase(): number {
    return this.f64[GSBASE_F64];
  }
  set gsBase(v: number) {
    this.f64[GSBASE_F64] = v;
  }
  get rflags(): number {
    return (arithFlags(this.g) & ARITH) | this.g[FL_OTHER] | 2;
  }
  set rflags(v: number) {
    setBits(this.g, v & ARITH);
    this.g[FL_OTHER] = (v & ~ARITH & POPF_MASK) | IF | 2;
  }
  getReg(r: number): number {
    return (this.g[2 * r + 1] >>> 0) * U64.TWO32 + (this.g[2 * r] >>> 0);
  }
  /** Set a 64-bit register from an integer number in (-2^53, 2^53): negative values are
   *  stored as two's complement (a syscall's -errno needs no BigInt). */
  setReg(r: number, v: number): void {
    this.g[2 * r] = v >>> 0;
    this.g[2 * r + 1] = Math.floor(v / U64.TWO32) | 0;
  }
  getRegBig(r: number): bigint {
    return toBig(this.g[2 * r], this.g[2 * r + 1]);
  }
  setRegBig(r: number, v: bigint): void {
    const [lo, hi] = fromBig(v);
    this.g[2 * r] = lo;
    this.g[2 * r + 1] = hi;
  }


  fxsave(): Uint8Array {
    const img = new Uint8Array(512);
    const dv = new DataView(img.buffer);
    dv.setUint16(0, this.g[FCW_I32], true);
    dv.setUint16(2, this.g[FSW_I32], true);
    img[4] = this.g[FTW_I32];
    dv.setUint32(24, this.g[MXCSR_I32], true);
    dv.setUint32(28, 0xffff, true); // MXCSR_MASK
    img.set(this.s.u8.subarray(ST_BYTE, ST_BYTE + 128), 32);
    img.set(this.s.u8.subarray(XMM_BYTE, XMM_BYTE + 256), 160);
    return img;
  }
  fxrstor(image: Uint8Array): void {
    const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
    this.g[FCW_I32] = dv.getUint16(0, true);
    this.g[FSW_I32] = dv.getUint16(2, true);
    this.g[FTW_I32] = image[4];
    this.g[MXCSR_I32] = dv.getUint32(24, true) & 0xffff;
    this.s.u8.set(image.subarray(32, 160), ST_BYTE);
    this.s.u8.set(image.subarray(160, 416), XMM_BYTE);
  }

  /** Stop with ILLEGAL naming what is missing. */
  illegal(inst: Inst, why: string): number {
    this.illegalReason = why;
    try {
      const b = new Uint8Array(16);
      const n = this.space.fetch(inst.addr, b, Math.max(1, Math.min(15, inst.len)));
      this.illegalBytes = b.slice(0, n);
    } catch {
      this.illegalBytes = new Uint8Array(0);
    }
    return STOP.ILLEGAL;
  }


  // ---- operand access ----

  /** Effective address of the memory operand (segment base included). */
  addr(inst: Inst): number {
    if (inst.base === R.RIP) return inst.addr + inst.len + inst.disp;
    let hi = this.eaHalves(inst);
    let lo = this.eaLo;
    if (inst.seg >= R.FS) {
      const base = inst.seg === R.FS ? this.f64[FSBASE_F64] : inst.seg === R.GS ? this.f64[GSBASE_F64] : 0;
      lo += base % U64.TWO32;
      hi += Math.floor(base / U64.TWO32);
      if (lo >= U64.TWO32) {
        lo -= U64.TWO32;
        hi++;
      }
    }
    if (inst.addrsize === 4) return lo >>> 0;
    hi |= 0;
    if (hi === 0) return lo;
    // Outside the low 4 GiB: exact below 2^53; anything above user space faults in Space.
    return (hi >>> 0) * U64.TWO32 + lo;
  }


  rdReg(r: number, size: number): number {
    const g = this.g;
    if (size === 8) {
      this.tHi = g[2 * r + 1];
      return g[2 * r];
    }
    this.tHi = 0;
    if (size === 4) return g[2 * r];
    if (size === 2) return g[2 * r] & 0xffff;
    if (r >= 16) return (g[2 * (r - 16)] >>> 8) & 255;
    return g[2 * r] & 255;
  }

  wrReg(r: number, size: number, lo: number, hi: number): void {
    const g = this.g;
    if (size === 8) {
      g[2 * r] = lo;
      g[2 * r + 1] = hi;
    } else if (size === 4) {
      g[2 * r] = lo;
      g[2 * r + 1] = 0;
    } else if (size === 2) {
      g[2 * r] = (g[2 * r] & ~0xffff) | (lo & 0xffff);
    } else if (r >= 16) {
      const k = 2 * (r - 16);
      g[k] = (g[k] & ~0xff00) | ((lo & 255) << 8);
    } else {
      g[2 * r] = (g[2 * r] & ~255) | (lo & 255);
    }
  }

  rdMem(a: number, size: number): number {
    const m = this.space;
    switch (size) {
      case 8: {
        const lo = m.rd64(a);
        this.tHi = m.hi;
        return lo;
      }
      case 4: this.tHi = 0; return m.rd32(a);
      case 2: this.tHi = 0; return m.rd16(a);
      default: this.tHi = 0; return m.rd8(a);
    }
  }

  wrMem(a: number, size: number, lo: number, hi: number): void {
    const m = this.space;
    switch (size) {
      case 8: m.wr64(a, lo, hi); break;
      case 4: m.wr32(a, lo); break;
      case 2: m.wr16(a, lo); break;
      default: m.wr8(a, lo); break;
    }
  }

  imm(inst: Inst, size: number): number {
    switch (size) {
      case 8: this.tHi = inst.immHi; return inst.imm;
      case 4: this.tHi = 0; return inst.imm;
      case 2: this.tHi = 0; return inst.imm & 0xffff;
      default: this.tHi = 0; return inst.imm & 255;
    }
  }

  rd0(inst: Inst): number {
    switch (inst.k0) {
      case K.REG: return this.rdReg(inst.r0, inst.s0);
      case K.MEM: this.ea = this.addr(inst); return this.rdMem(this.ea, inst.s0);
      default: return this.imm(inst, inst.s0);
    }
  }
  rd1(inst: Inst): number {
    switch (inst.k1) {
      case K.REG: return this.rdReg(inst.r1, inst.s1);
      case K.MEM: this.ea = this.addr(inst); return this.rdMem(this.ea, inst.s1);
      default: return this.imm(inst, inst.s1);
    }
  }
  rd2(inst: Inst): number {
    switch (inst.k2) {
      case K.REG: return this.rdReg(inst.r2, inst.s2);
      case K.MEM: this.ea = this.addr(inst); return this.rdMem(this.ea, inst.s2);
      default: return this.imm(inst, inst.s2);
    }
  }
  /** Write operand 0; a memory operand uses the address computed by the last rd0/rd1. */
  wr0(inst: Inst, lo: number, hi: number): void {
    if (inst.k0 === K.REG) this.wrReg(inst.r0, inst.s0, lo, hi);
    else this.wrMem(this.ea, inst.s0, lo, hi);
  }
  /** Write operand 0 computing its address first (instructions that did not read it). */
  wr0New(inst: Inst, lo: number, hi: number): void {
    if (inst.k0 === K.REG) this.wrReg(inst.r0, inst.s0, lo, hi);
    else this.wrMem(this.addr(inst), inst.s0, lo, hi);
  }
  wr1(inst: Inst, lo: number, hi: number): void {
    if (inst.k1 === K.REG) this.wrReg(inst.r1, inst.s1, lo, hi);
    else this.wrMem(this.ea, inst.s1, lo, hi);
  }

  // ---- stack ----

  rsp(): number {
    return (this.g[GprI32.RSP_HI] >>> 0) * U64.TWO32 + (this.g[GprI32.RSP] >>> 0);
  }
  // ---- the interpreter's memory fast path ----
  // A guest address above 2^31 is a double, and a double passed to or returned from a function
  // V8 did not inline is a new heap number: addr() and Space.rd64(a) made one or two per memory
  // access (json, interpreted: 7.9 bytes of garbage per instruction, 550 scavenges per run). The
  // hot handlers below translate through the TLB here, with the address in int32 halves, and
  // call Space (with a double) only on a TLB miss or a page-crossing access.

  /** Byte offset, in the TLB slot's view, of the access the last rSlot/wSlot/stackSlot found. */
  slotOff = 0;

  /** base + index*scale + disp of inst's memory operand (no segment base, 64-bit) as (low 32
   *  bits, high half): the low half in this.eaLo (in [0, 2^32)), the high half returned. */
  eaLo = 0;
  eaHalves(inst: Inst): number {
    const g = this.g;
    const b = inst.base;
    let lo: number;
    let hi: number;
    if (b === R.RIP) {
      lo = inst.addr + inst.len + inst.disp;
      hi = 0;
    } else if (b >= 0) {
      lo = (g[2 * b] >>> 0) + inst.disp;
      hi = g[2 * b + 1];
    } else {
      lo = inst.disp;
      hi = 0;
    }
    const x = inst.index;
    if (x >= 0) {
      lo += (g[2 * x] >>> 0) * inst.scale;
      hi += Math.imul(g[2 * x + 1], inst.scale);
    }
    if (!(lo >= 0 && lo < U64.TWO32)) {
      const c = Math.floor(lo / U64.TWO32);
      lo -= c * U64.TWO32;
      hi += c;
    }
    this.eaLo = lo;
    return hi;
  }

  /** The TLB slot (tags/offs: Space's read or write TLB) of the page at (lo, hi) when it is there
   *  and [lo, lo + size) stays on it (slotOff set), else -1. lim = 4096 - size. The write TLB
   *  holds no page with decoded code and none while a write hook is attached. */
  tlbSlot(tags: Float64Array, offs: Int32Array, lo: number, hi: number, lim: number): number {
    const o = lo & 4095;
    if (o > lim) return -1;
    const pg = lo >>> 12;
    const i = pg & TLB_MASK;
    // A page number is exact as a double; a high half outside user space matches no tag.
    if (tags[i] !== hi * 1048576 + pg) return -1;
    this.slotOff = offs[i] + o;
    return i;
  }

  rHit(lo: number, hi: number, lim: number): number {
    return this.tlbSlot(this.space.rTag, this.space.rOff, lo, hi, lim);
  }

  wHit(lo: number, hi: number, lim: number): number {
    return this.tlbSlot(this.space.wTag, this.space.wOff, lo, hi, lim);
  }

  /** Read slot of inst's memory operand (-1: use addr() and Space; so do FS/GS-relative and
   *  32-bit addresses). */
  rSlot(inst: Inst, lim: number): number {
    if (inst.seg >= R.FS || inst.addrsize !== 8) return -1;
    const hi = this.eaHalves(inst);
    return this.rHit(this.eaLo, hi, lim);
  }

  /** Write slot of inst's memory operand (-1: use addr() and Space). */
  wSlot(inst: Inst, lim: number): number {
    if (inst.seg >= R.FS || inst.addrsize !== 8) return -1;
    const hi = this.eaHalves(inst);
    return this.wHit(this.eaLo, hi, lim);
  }

  /** RSP += 8 after a pop's access (RSP's halves as ints: no double). */
  popped(): void {
    const g = this.g;
    const lo = (g[GprI32.RSP] >>> 0) + 8;
    if (lo < U64.TWO32) g[GprI32.RSP] = lo | 0;
    else {
      g[GprI32.RSP] = (lo - U64.TWO32) | 0;
      g[GprI32.RSP_HI] = (g[GprI32.RSP_HI] + 1) | 0;
    }
  }

  setRsp(v: number): void {
    this.g[GprI32.RSP] = v >>> 0;
    this.g[GprI32.RSP_HI] = Math.floor(v / U64.TWO32) | 0;
  }
  push64(lo: number, hi: number): void {
    const sp = this.rsp() - 8;
    this.space.wr64(sp, lo, hi);
    this.setRsp(sp);
  }
  pushNum(v: number): void {
    this.push64(v >>> 0, Math.floor(v / U64.TWO32) | 0);
  }
  /** Pop 64 bits: returns lo, hi in tHi. */
  pop64(): number {
    const sp = this.rsp();
    const lo = this.space.rd64(sp);
    this.tHi = this.space.hi;
    this.setRsp(sp + 8);
    return lo;
  }

  // ---- flag helpers ----

  /** Materialized arithmetic flags with CF/OF replaced (rotates, BT...). */
  setCfOf(cf: number, of: number): void {
    const f = arithFlags(this.g) & ~(CF | OF);
    setBits(this.g, f | (cf !== 0 ? CF : 0) | (of !== 0 ? OF : 0));
  }

  /** Flags of a result computed eagerly: ZF SF PF from the value, CF/OF/AF given. */
  setResultFlags(lo: number, hi: number, size: number, cf: number, of: number, af: number): void {
    let f = PARITY[lo & 255];
    if ((lo | hi) === 0) f |= ZF;
    if (signOf(lo, hi, size) !== 0) f |= SF;
    if (cf !== 0) f |= CF;
    if (of !== 0) f |= OF;
    if (af !== 0) f |= AF;
    setBits(this.g, f);
  }


  leaAddr(inst: Inst): number {
    const g = this.g;
    const b = inst.base;
    let lo: number;
    let hi: number;
    if (b === R.RIP) {
      const a = inst.addr + inst.len + inst.disp;
      lo = a % U64.TWO32;
      hi = Math.floor(a / U64.TWO32);
    } else {
      if (b >= 0) {
        lo = (g[2 * b] >>> 0) + inst.disp;
        hi = g[2 * b + 1];
      } else {
        lo = inst.disp;
        hi = 0;
      }
      const x = inst.index;
      if (x >= 0) {
        lo += (g[2 * x] >>> 0) * inst.scale;
        hi += Math.imul(g[2 * x + 1], inst.scale);
      }
      const c = Math.floor(lo / U64.TWO32);
      lo -= c * U64.TWO32;
      hi = (hi + c) | 0;
    }
    if (inst.addrsize === 4 || inst.s0 === 4) hi = 0;
    if (inst.s0 === 2) lo &= 0xffff;
    this.tHi = hi;
    return lo;
  }


  // ---- arithmetic ----

  /** dst + src + cin at size; lo returned, hi in tHi. */
  addv(size: number, dlo: number, dhi: number, slo: number, shi: number, cin: number): number {
    if (size === 8) {
      const l = (dlo >>> 0) + (slo >>> 0) + cin;
      this.tHi = (dhi + shi + (l >= U64.TWO32 ? 1 : 0)) | 0;
      return l | 0;
    }
    this.tHi = 0;
    if (size === 4) return (dlo + slo + cin) | 0;
    return (dlo + slo + cin) & (size === 2 ? 0xffff : 0xff);
  }

  subv(size: number, dlo: number, dhi: number, slo: number, shi: number, cin: number): number {
    if (size === 8) {
      const l = (dlo >>> 0) - (slo >>> 0) - cin;
      this.tHi = (dhi - shi - (l < 0 ? 1 : 0)) | 0;
      return l | 0;
    }
    this.tHi = 0;
    if (size === 4) return (dlo - slo - cin) | 0;
    return (dlo - slo - cin) & (size === 2 ? 0xffff : 0xff);
  }


  /** Instruction bytes of the instruction at addr (for diagnostics). */
  bytesAt(addr: number, len: number): Uint8Array {
    const b = new Uint8Array(16);
    const n = this.space.fetch(addr, b, Math.min(15, len));
    return b.slice(0, n);
  }
}
