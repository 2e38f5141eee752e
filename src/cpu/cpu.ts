// The x86-64 user-mode interpreter: run(maxInstructions) executes decoded blocks from the shared
// cache over the state buffer (state.ts) and guest memory (Space), with lazy flags (flags.ts).
// Integer instructions live here; SSE and later extensions in sse.ts and ext.ts.

import { toBig, fromBig } from "../base/u64.js";
import { PAGE_SIZE, type Memory } from "../mem/api.js";
import { MEM_FAULT, Space, TLB_SIZE } from "../mem/space.js";
import { K, R, P, type Inst } from "../x86/inst.js";
import { Op, OP_NAMES } from "../x86/ops.generated.js";
import { STOP, type Cpu, type CpuModel, type StopReason } from "./api.js";
import { Block, DecodeCache, setsRip } from "./cache.js";
import { cpuid, featuresFor, type Features } from "./cpuid.js";
import {
  K_ADC, K_ADD, K_DEC, K_INC, K_LOGIC, K_NONE, K_SAR, K_SBB, K_SHL, K_SHR, K_SUB,
  arithFlags, carry, cond, materialize, setBits, setLazy, signOf, PARITY,
} from "./flags.js";
import {
  AF, ARITH, CF, DF, FCW_I32, FL_AUX, FL_OP, FL_OTHER, FSBASE_F64, FSW_I32, FTW_I32, GSBASE_F64, IF, MXCSR_I32,
  OF, PF, POPF_MASK, RIP_F64, SF, ST_BYTE, State, XMM_BYTE, XMM_I32, ZF, CONT, UNHANDLED,
} from "./state.js";
import { execVec } from "./sse.js";
import { execExt } from "./ext.js";
import { compileBlock, traceBlocks, type JitFn } from "./jit.js";

/** The Space TLB index mask. */
const TLB_MASK = TLB_SIZE - 1;
const TWO32 = 4294967296;

/** A per-instruction hook: return true to stop the run (STOP.HOOK) before the instruction. */
export type CodeHook = (addr: number) => boolean;

/** Dense literal ids for exec()'s switch (a const enum compiles to number literals, so V8
 *  dispatches with a jump table instead of comparing Op.* values one by one). */
const enum O {
  NONE = 0,
  MOV,
  LEA,
  ADD,
  OR,
  ADC,
  SBB,
  AND,
  SUB,
  XOR,
  CMP,
  TEST,
  PUSH,
  POP,
  JCC,
  JMP,
  CALL,
  RET,
  NOP,
  PAUSE,
  ENDBR64,
  ENDBR32,
  LFENCE,
  MFENCE,
  SFENCE,
  PREFETCH,
  PREFETCHW,
  PREFETCHNTA,
  PREFETCHT0,
  PREFETCHT1,
  PREFETCHT2,
  CLFLUSH,
  CLFLUSHOPT,
  FWAIT,
  FNSTCW,
  FLDCW,
  FNSTSW,
  MOVZX,
  MOVSX,
  MOVSXD,
  CMOVCC,
  SETCC,
  INC,
  DEC,
  NEG,
  NOT,
  XCHG,
  XADD,
  CMPXCHG,
  CMPXCHG8B,
  CMPXCHG16B,
  IMUL,
  MUL,
  DIV,
  IDIV,
  SHL,
  SHR,
  SAR,
  ROL,
  ROR,
  RCL,
  RCR,
  SHLD,
  SHRD,
  BT,
  BTS,
  BTR,
  BTC,
  BSF,
  BSR,
  TZCNT,
  LZCNT,
  POPCNT,
  BSWAP,
  CBW,
  CWD,
  CLC,
  STC,
  CMC,
  CLD,
  STD,
  LAHF,
  SAHF,
  PUSHF,
  POPF,
  LEAVE,
  ENTER,
  MOVS,
  STOS,
  LODS,
  CMPS,
  SCAS,
  JRCXZ,
  LOOP,
  LOOPE,
  LOOPNE,
  SYSCALL,
  INT3,
  HLT,
  CLI,
  STI,
  INT,
  INT1,
  IN,
  OUT,
  INS,
  OUTS,
  RDMSR,
  WRMSR,
  INVD,
  WBINVD,
  INVLPG,
  LGDT,
  LIDT,
  LLDT,
  LTR,
  LMSW,
  CLTS,
  SWAPGS,
  SYSRET,
  SYSEXIT,
  IRET,
  RDPMC,
  CPUID,
  RDTSC,
  RDTSCP,
  XGETBV,
  MOVNTI,
  XLAT,
  UD0,
  UD1,
  UD2,
  INVALID,
}

/** Op id -> O id. */
const OPK = new Uint16Array(OP_NAMES.length + 1);
OPK[Op.MOV] = O.MOV;
OPK[Op.LEA] = O.LEA;
OPK[Op.ADD] = O.ADD;
OPK[Op.OR] = O.OR;
OPK[Op.ADC] = O.ADC;
OPK[Op.SBB] = O.SBB;
OPK[Op.AND] = O.AND;
OPK[Op.SUB] = O.SUB;
OPK[Op.XOR] = O.XOR;
OPK[Op.CMP] = O.CMP;
OPK[Op.TEST] = O.TEST;
OPK[Op.PUSH] = O.PUSH;
OPK[Op.POP] = O.POP;
OPK[Op.JCC] = O.JCC;
OPK[Op.JMP] = O.JMP;
OPK[Op.CALL] = O.CALL;
OPK[Op.RET] = O.RET;
OPK[Op.NOP] = O.NOP;
OPK[Op.PAUSE] = O.PAUSE;
OPK[Op.ENDBR64] = O.ENDBR64;
OPK[Op.ENDBR32] = O.ENDBR32;
OPK[Op.LFENCE] = O.LFENCE;
OPK[Op.MFENCE] = O.MFENCE;
OPK[Op.SFENCE] = O.SFENCE;
OPK[Op.PREFETCH] = O.PREFETCH;
OPK[Op.PREFETCHW] = O.PREFETCHW;
OPK[Op.PREFETCHNTA] = O.PREFETCHNTA;
OPK[Op.PREFETCHT0] = O.PREFETCHT0;
OPK[Op.PREFETCHT1] = O.PREFETCHT1;
OPK[Op.PREFETCHT2] = O.PREFETCHT2;
OPK[Op.CLFLUSH] = O.CLFLUSH;
OPK[Op.CLFLUSHOPT] = O.CLFLUSHOPT;
OPK[Op.FWAIT] = O.FWAIT;
OPK[Op.FNSTCW] = O.FNSTCW;
OPK[Op.FLDCW] = O.FLDCW;
OPK[Op.FNSTSW] = O.FNSTSW;
OPK[Op.MOVZX] = O.MOVZX;
OPK[Op.MOVSX] = O.MOVSX;
OPK[Op.MOVSXD] = O.MOVSXD;
OPK[Op.CMOVCC] = O.CMOVCC;
OPK[Op.SETCC] = O.SETCC;
OPK[Op.INC] = O.INC;
OPK[Op.DEC] = O.DEC;
OPK[Op.NEG] = O.NEG;
OPK[Op.NOT] = O.NOT;
OPK[Op.XCHG] = O.XCHG;
OPK[Op.XADD] = O.XADD;
OPK[Op.CMPXCHG] = O.CMPXCHG;
OPK[Op.CMPXCHG8B] = O.CMPXCHG8B;
OPK[Op.CMPXCHG16B] = O.CMPXCHG16B;
OPK[Op.IMUL] = O.IMUL;
OPK[Op.MUL] = O.MUL;
OPK[Op.DIV] = O.DIV;
OPK[Op.IDIV] = O.IDIV;
OPK[Op.SHL] = O.SHL;
OPK[Op.SHR] = O.SHR;
OPK[Op.SAR] = O.SAR;
OPK[Op.ROL] = O.ROL;
OPK[Op.ROR] = O.ROR;
OPK[Op.RCL] = O.RCL;
OPK[Op.RCR] = O.RCR;
OPK[Op.SHLD] = O.SHLD;
OPK[Op.SHRD] = O.SHRD;
OPK[Op.BT] = O.BT;
OPK[Op.BTS] = O.BTS;
OPK[Op.BTR] = O.BTR;
OPK[Op.BTC] = O.BTC;
OPK[Op.BSF] = O.BSF;
OPK[Op.BSR] = O.BSR;
OPK[Op.TZCNT] = O.TZCNT;
OPK[Op.LZCNT] = O.LZCNT;
OPK[Op.POPCNT] = O.POPCNT;
OPK[Op.BSWAP] = O.BSWAP;
OPK[Op.CBW] = O.CBW;
OPK[Op.CWD] = O.CWD;
OPK[Op.CLC] = O.CLC;
OPK[Op.STC] = O.STC;
OPK[Op.CMC] = O.CMC;
OPK[Op.CLD] = O.CLD;
OPK[Op.STD] = O.STD;
OPK[Op.LAHF] = O.LAHF;
OPK[Op.SAHF] = O.SAHF;
OPK[Op.PUSHF] = O.PUSHF;
OPK[Op.POPF] = O.POPF;
OPK[Op.LEAVE] = O.LEAVE;
OPK[Op.ENTER] = O.ENTER;
OPK[Op.MOVS] = O.MOVS;
OPK[Op.STOS] = O.STOS;
OPK[Op.LODS] = O.LODS;
OPK[Op.CMPS] = O.CMPS;
OPK[Op.SCAS] = O.SCAS;
OPK[Op.JRCXZ] = O.JRCXZ;
OPK[Op.LOOP] = O.LOOP;
OPK[Op.LOOPE] = O.LOOPE;
OPK[Op.LOOPNE] = O.LOOPNE;
OPK[Op.SYSCALL] = O.SYSCALL;
OPK[Op.INT3] = O.INT3;
OPK[Op.HLT] = O.HLT;
OPK[Op.CLI] = O.CLI;
OPK[Op.STI] = O.STI;
OPK[Op.INT] = O.INT;
OPK[Op.INT1] = O.INT1;
OPK[Op.IN] = O.IN;
OPK[Op.OUT] = O.OUT;
OPK[Op.INS] = O.INS;
OPK[Op.OUTS] = O.OUTS;
OPK[Op.RDMSR] = O.RDMSR;
OPK[Op.WRMSR] = O.WRMSR;
OPK[Op.INVD] = O.INVD;
OPK[Op.WBINVD] = O.WBINVD;
OPK[Op.INVLPG] = O.INVLPG;
OPK[Op.LGDT] = O.LGDT;
OPK[Op.LIDT] = O.LIDT;
OPK[Op.LLDT] = O.LLDT;
OPK[Op.LTR] = O.LTR;
OPK[Op.LMSW] = O.LMSW;
OPK[Op.CLTS] = O.CLTS;
OPK[Op.SWAPGS] = O.SWAPGS;
OPK[Op.SYSRET] = O.SYSRET;
OPK[Op.SYSEXIT] = O.SYSEXIT;
OPK[Op.IRET] = O.IRET;
OPK[Op.RDPMC] = O.RDPMC;
OPK[Op.CPUID] = O.CPUID;
OPK[Op.RDTSC] = O.RDTSC;
OPK[Op.RDTSCP] = O.RDTSCP;
OPK[Op.XGETBV] = O.XGETBV;
OPK[Op.MOVNTI] = O.MOVNTI;
OPK[Op.XLAT] = O.XLAT;
OPK[Op.UD0] = O.UD0;
OPK[Op.UD1] = O.UD1;
OPK[Op.UD2] = O.UD2;
OPK[Op.INVALID] = O.INVALID;

/** Specialized handlers for the hottest forms (ids kept per block in Block.hids). */
const enum F {
  GENERIC = 0,
  MOV_RR64, MOV_RR32, MOV_LD64, MOV_LD32, MOV_ST64, MOV_ST32, MOV_RI32, MOV_RI64,
  ALU_RR64, ALU_RI64, ALU_RR32, ALU_RI32, ALU_RM64, ALU_RM32,
  JCC, JMP, CALL, RET, LEA64, MOVZX_LD, NOP,
  PUSH_R64, POP_R64, MOV_MI, CMP_MI, SHIFT_RI64, MOVU_LD, MOVU_ST,
}

/** ALU kinds (literal ids for the fast ALU switch). */
const enum A { NONE = 0, ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST }
const ALUK = new Uint8Array(OP_NAMES.length + 1);
ALUK[Op.ADD] = A.ADD; ALUK[Op.OR] = A.OR; ALUK[Op.ADC] = A.ADC; ALUK[Op.SBB] = A.SBB; ALUK[Op.AND] = A.AND;
ALUK[Op.SUB] = A.SUB; ALUK[Op.XOR] = A.XOR; ALUK[Op.CMP] = A.CMP; ALUK[Op.TEST] = A.TEST;

/** Pick a specialized handler for a decoded instruction (0: the generic exec). */
/** A general-purpose register operand (RAX..R15). */
function gpr(k: number, r: number): boolean {
  return k === K.REG && r >= 0 && r < 16;
}

export function specialize(inst: Inst): number {
  const op = inst.op;
  if ((inst.pfx & (P.VEX | P.EVEX)) !== 0) return F.GENERIC;
  if (op === Op.MOV) {
    const s = inst.s0;
    if (s !== 8 && s !== 4) return F.GENERIC;
    if (gpr(inst.k0, inst.r0) && gpr(inst.k1, inst.r1)) return s === 8 ? F.MOV_RR64 : F.MOV_RR32;
    if (gpr(inst.k0, inst.r0) && inst.k1 === K.MEM) return s === 8 ? F.MOV_LD64 : F.MOV_LD32;
    if (inst.k0 === K.MEM && gpr(inst.k1, inst.r1)) return s === 8 ? F.MOV_ST64 : F.MOV_ST32;
    if (gpr(inst.k0, inst.r0) && inst.k1 === K.IMM) return s === 8 ? F.MOV_RI64 : F.MOV_RI32;
    return F.GENERIC;
  }
  if (ALUK[op] !== A.NONE) {
    const s = inst.s0;
    if ((s !== 8 && s !== 4) || !gpr(inst.k0, inst.r0)) return F.GENERIC;
    if (gpr(inst.k1, inst.r1)) return s === 8 ? F.ALU_RR64 : F.ALU_RR32;
    if (inst.k1 === K.IMM) return s === 8 ? F.ALU_RI64 : F.ALU_RI32;
    if (inst.k1 === K.MEM) return s === 8 ? F.ALU_RM64 : F.ALU_RM32;
    return F.GENERIC;
  }
  if (op === Op.MOV && inst.k0 === K.MEM && inst.k1 === K.IMM) return F.MOV_MI;
  if ((op === Op.CMP || op === Op.TEST) && inst.k0 === K.MEM && inst.k1 === K.IMM) return F.CMP_MI;
  switch (op) {
    case Op.PUSH: return inst.s0 === 8 && gpr(inst.k0, inst.r0) ? F.PUSH_R64 : F.GENERIC;
    case Op.POP: return inst.s0 === 8 && gpr(inst.k0, inst.r0) ? F.POP_R64 : F.GENERIC;
    case Op.SHL: case Op.SHR: case Op.SAR:
      return inst.s0 === 8 && gpr(inst.k0, inst.r0) && inst.k1 === K.IMM && (inst.imm & 63) !== 0 ? F.SHIFT_RI64 : F.GENERIC;
    case Op.MOVUPS: case Op.MOVDQU: case Op.MOVUPD:
      if (inst.opsize !== 16) return F.GENERIC;
      if (inst.k0 === K.REG && inst.k1 === K.MEM) return F.MOVU_LD;
      if (inst.k0 === K.MEM && inst.k1 === K.REG) return F.MOVU_ST;
      return F.GENERIC;
    case Op.JCC: return F.JCC;
    case Op.JMP: return inst.k0 === K.REL ? F.JMP : F.GENERIC;
    case Op.CALL: return inst.k0 === K.REL ? F.CALL : F.GENERIC;
    case Op.RET: return inst.nops === 0 ? F.RET : F.GENERIC;
    case Op.LEA: return inst.s0 === 8 && inst.addrsize === 8 && inst.base !== R.RIP ? F.LEA64 : F.GENERIC;
    case Op.MOVZX: return inst.k1 === K.MEM && (inst.s0 === 4 || inst.s0 === 8) ? F.MOVZX_LD : F.GENERIC;
    case Op.NOP: case Op.ENDBR64: case Op.PREFETCHT0: case Op.PREFETCHNTA: case Op.PAUSE: return F.NOP;
  }
  return F.GENERIC;
}

let tscNow = 1_000_000_000;

/** Default hotness threshold of the JIT tier (interpreted entries before compiling a block). */
export const JIT_THRESHOLD = 2000;

export class X86Cpu implements Cpu {
  readonly s = new State();
  /** GPRs and flags (Int32Array over the state buffer). */
  readonly g: Int32Array;
  readonly f64: Float64Array;
  readonly space: Space;
  readonly cache: DecodeCache;
  readonly features: Features;
  /** Set when an instruction decoded but unimplemented/unadvertised is hit. */
  illegalReason = "";
  illegalBytes: Uint8Array = new Uint8Array(0);
  faultAddr = 0;
  faultAccess: "read" | "write" | "exec" = "read";
  faultProtection = false;
  private retiredCount = 0;
  private lastTscRetired = 0;
  /** Effective address of the current instruction's memory operand. */
  ea = 0;
  /** High half returned by the rd* helpers. */
  tHi = 0;
  /** Extra results of mul64/div helpers. */
  w2 = 0;
  w3 = 0;
  private codeHook: CodeHook | null = null;
  private cpuidOut = new Int32Array(4);
  /** Interpreted entries before a block is compiled (0: at once; Infinity: never). */
  jitThreshold = JIT_THRESHOLD;
  /** Set by compiled code: the address of the instruction that stopped or faulted, and the
   *  instructions the call retired (before it). */
  jitAt = 0;
  jitDone = 0;
  /** A trace takes in only blocks that already ran (are in the cache): cold paths stay out. */
  private readonly blockAt = (addr: number): Block | null => this.cache.get(addr) ?? null;

  constructor(readonly mem: Memory, readonly model: CpuModel, cache?: DecodeCache) {
    if (!(mem instanceof Space)) throw new Error("X86Cpu needs a Space (src/mem/space.ts)");
    this.space = mem;
    // A cache belongs to one address space (a forked process gets its own).
    this.cache = cache !== undefined && cache.mem === mem ? cache : new DecodeCache(mem);
    this.cache.specialize = specialize;
    this.g = this.s.i32;
    this.f64 = this.s.f64;
    this.features = featuresFor(model);
  }

  // ---- public state accessors ----

  get retired(): number {
    return this.retiredCount;
  }
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
    return (this.g[2 * r + 1] >>> 0) * TWO32 + (this.g[2 * r] >>> 0);
  }
  /** Set a 64-bit register from an integer number in (-2^53, 2^53): negative values are
   *  stored as two's complement (a syscall's -errno needs no BigInt). */
  setReg(r: number, v: number): void {
    this.g[2 * r] = v >>> 0;
    this.g[2 * r + 1] = Math.floor(v / TWO32) | 0;
  }
  getRegBig(r: number): bigint {
    return toBig(this.g[2 * r], this.g[2 * r + 1]);
  }
  setRegBig(r: number, v: bigint): void {
    const [lo, hi] = fromBig(v);
    this.g[2 * r] = lo;
    this.g[2 * r + 1] = hi;
  }

  /** Attach (or detach with null) a per-instruction hook; runs then take the slow loop. */
  setCodeHook(h: CodeHook | null): void {
    this.codeHook = h;
  }
  /** Attach a memory-write hook (addr, size) called before each CPU store. */
  setWriteHook(h: ((addr: number, size: number) => void) | null): void {
    this.space.setWriteHook(h);
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
  copyStateFrom(other: Cpu): void {
    if (other instanceof X86Cpu) {
      this.s.u8.set(other.s.u8);
      return;
    }
    for (let r = 0; r < 16; r++) this.setRegBig(r, other.getRegBig(r));
    this.rip = other.rip;
    this.rflags = other.rflags;
    this.fsBase = other.fsBase;
    this.gsBase = other.gsBase;
    this.fxrstor(other.fxsave());
  }

  // ---- the run loop ----

  run(maxInstructions: number): StopReason {
    if (this.codeHook !== null) return this.runHooked(maxInstructions);
    const f64 = this.f64;
    let done = 0;
    let prev: Block | null = null;
    let stop: number = STOP.SLICE_END;
    let stalled = false;
    while (done < maxInstructions) {
      const rip = f64[RIP_F64];
      let b: Block | null = null;
      if (prev !== null) {
        // Two successor slots (fall-through and taken) avoid the Map for most transitions.
        const nb: Block | null = prev.next;
        if (nb !== null && nb.addr === rip && nb.valid) b = nb;
        else {
          const tb: Block | null = prev.taken;
          if (tb !== null && tb.addr === rip && tb.valid) b = tb;
        }
      }
      if (b === null) {
        const cached = this.cache.lookup(rip);
        if (cached !== undefined) b = cached;
        else {
          try {
            b = this.cache.build(rip);
          } catch (e) {
            if (e !== MEM_FAULT) throw e;
            this.takeFault();
            stop = STOP.FAULT;
            break;
          }
        }
        if (prev !== null) {
          if (rip === prev.end) prev.next = b;
          else prev.taken = b;
        }
      }
      if (prev !== null) {
        // Edge counts for the trace former (only interpreted blocks need them).
        if (rip === prev.end) prev.nNext++;
        else prev.nTaken++;
      }
      const insts = b.insts;
      const hids = b.hids;
      let n = insts.length;
      if (b.jit === null && b.hits++ >= this.jitThreshold) b.jit = compileBlock(b, traceBlocks(b, this.blockAt), this.space);
      if (b.jit !== null && b.jitLen <= maxInstructions - done && !stalled) {
        done += this.runChain(b, maxInstructions - done);
        const r = this.chainStop;
        if (r !== CONT) {
          stop = r;
          break;
        }
        prev = this.chainLast;
        // A trace that left before its first instruction (a TLB miss): the interpreter runs
        // this block once.
        stalled = this.chainStalled;
        continue;
      }
      stalled = false;
      if (n > maxInstructions - done) n = maxInstructions - done;
      let i = 0;
      let r = CONT;
      try {
        for (; i < n; i++) {
          const h = hids[i];
          r = h === F.GENERIC ? this.exec(insts[i]) : this.fast(insts[i], h);
          if (r !== CONT) break;
        }
      } catch (e) {
        if (e !== MEM_FAULT) throw e;
        const inst = insts[i];
        f64[RIP_F64] = inst.addr;
        this.takeFault();
        done += i;
        stop = STOP.FAULT;
        break;
      }
      if (r !== CONT) {
        // STOP.* from the instruction: SYSCALL/BREAKPOINT count as retired; faults do not.
        if (r === STOP.SYSCALL || r === STOP.BREAKPOINT) i++;
        else f64[RIP_F64] = insts[i].addr;
        done += i;
        stop = r;
        break;
      }
      done += n;
      if (n < insts.length || !b.endsInTransfer) f64[RIP_F64] = insts[n - 1].addr + insts[n - 1].len;
      prev = b;
    }
    this.retiredCount += done;
    return stop as StopReason;
  }

  /** How the last runChain ended: CONT (the next block is not compiled or does not fit) or a
   *  STOP code with RIP set; and the last block it ran (for the successor slots). */
  private chainStop: number = CONT;
  private chainLast: Block | null = null;
  /** The last compiled call ran no instruction (it left at its entry: a TLB miss there). */
  private chainStalled = false;

  /** Run compiled blocks from b (compiled, fitting the budget) for as long as the next block
   *  is compiled and fits; returns the instructions retired. */
  private runChain(b: Block, budget: number): number {
    const g = this.g, f64 = this.f64, space = this.space, cache = this.cache;
    let done = 0;
    let jb = b;
    let before: Block | null = null;
    this.chainStop = CONT;
    this.chainStalled = false;
    try {
      for (;;) {
        const r = (jb.jit as JitFn)(this, g, f64, space, budget - done);
        if (r !== CONT) {
          // STOP.* from an instruction: SYSCALL/BREAKPOINT count as retired; others do not.
          if (r === STOP.SYSCALL || r === STOP.BREAKPOINT) done++;
          else f64[RIP_F64] = this.jitAt;
          this.chainStop = r;
          return done + this.jitDone;
        }
        if (this.jitDone === 0) {
          // Left at its entry: back to the run loop, which interprets this block.
          this.chainStalled = true;
          this.chainLast = before;
          return done;
        }
        done += this.jitDone;
        const rip = f64[RIP_F64];
        let nb = jb.next;
        if (nb === null || nb.addr !== rip || !nb.valid) {
          nb = jb.taken;
          if (nb === null || nb.addr !== rip || !nb.valid) {
            const c = cache.lookup(rip);
            if (c === undefined) break;
            nb = c;
            if (rip === jb.end) jb.next = nb;
            else jb.taken = nb;
          }
        }
        if (nb.jit === null || nb.jitLen > budget - done) break;
        before = jb;
        jb = nb;
      }
    } catch (e) {
      if (e !== MEM_FAULT) throw e;
      f64[RIP_F64] = this.jitAt;
      this.takeFault();
      this.chainStop = STOP.FAULT;
      return done + this.jitDone;
    }
    this.chainLast = jb;
    return done;
  }

  /** The slow loop used while a code hook is attached: one instruction at a time. */
  private runHooked(maxInstructions: number): StopReason {
    const f64 = this.f64;
    let done = 0;
    let stop: number = STOP.SLICE_END;
    const hook = this.codeHook as CodeHook;
    while (done < maxInstructions) {
      const rip = f64[RIP_F64];
      if (hook(rip)) {
        stop = STOP.HOOK;
        break;
      }
      let inst: Inst;
      try {
        const b = this.cache.get(rip) ?? this.cache.build(rip);
        inst = b.insts[0];
        const r = this.exec(inst);
        if (r !== CONT) {
          if (r === STOP.SYSCALL || r === STOP.BREAKPOINT) done++;
          else f64[RIP_F64] = inst.addr;
          stop = r;
          break;
        }
      } catch (e) {
        if (e !== MEM_FAULT) throw e;
        f64[RIP_F64] = rip;
        this.takeFault();
        stop = STOP.FAULT;
        break;
      }
      done++;
      if (!setsRip(inst.op)) f64[RIP_F64] = inst.addr + inst.len;
    }
    this.retiredCount += done;
    return stop as StopReason;
  }

  private takeFault(): void {
    this.faultAddr = this.space.faultAddr;
    this.faultAccess = this.space.faultAccess;
    this.faultProtection = this.space.faultProtection;
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
      lo += base % TWO32;
      hi += Math.floor(base / TWO32);
      if (lo >= TWO32) {
        lo -= TWO32;
        hi++;
      }
    }
    if (inst.addrsize === 4) return lo >>> 0;
    hi |= 0;
    if (hi === 0) return lo;
    // Outside the low 4 GiB: exact below 2^53; anything above user space faults in Space.
    return (hi >>> 0) * TWO32 + lo;
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
    return (this.g[9] >>> 0) * TWO32 + (this.g[8] >>> 0);
  }
  // ---- the interpreter's memory fast path ----
  // A guest address above 2^31 is a double, and a double passed to or returned from a function
  // V8 did not inline is a new heap number: addr() and Space.rd64(a) made one or two per memory
  // access (json, interpreted: 7.9 bytes of garbage per instruction, 550 scavenges per run). The
  // hot handlers below translate through the TLB here, with the address in int32 halves, and
  // call Space (with a double) only on a TLB miss or a page-crossing access.

  /** Byte offset, in the TLB slot's view, of the access the last rSlot/wSlot/stackSlot found. */
  private slotOff = 0;

  /** base + index*scale + disp of inst's memory operand (no segment base, 64-bit) as (low 32
   *  bits, high half): the low half in this.eaLo (in [0, 2^32)), the high half returned. */
  private eaLo = 0;
  private eaHalves(inst: Inst): number {
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
    if (!(lo >= 0 && lo < TWO32)) {
      const c = Math.floor(lo / TWO32);
      lo -= c * TWO32;
      hi += c;
    }
    this.eaLo = lo;
    return hi;
  }

  /** The TLB slot (tags/offs: Space's read or write TLB) of the page at (lo, hi) when it is there
   *  and [lo, lo + size) stays on it (slotOff set), else -1. lim = 4096 - size. The write TLB
   *  holds no page with decoded code and none while a write hook is attached. */
  private tlbSlot(tags: Float64Array, offs: Int32Array, lo: number, hi: number, lim: number): number {
    const o = lo & 4095;
    if (o > lim) return -1;
    const pg = lo >>> 12;
    const i = pg & TLB_MASK;
    // A page number is exact as a double; a high half outside user space matches no tag.
    if (tags[i] !== hi * 1048576 + pg) return -1;
    this.slotOff = offs[i] + o;
    return i;
  }

  private rHit(lo: number, hi: number, lim: number): number {
    return this.tlbSlot(this.space.rTag, this.space.rOff, lo, hi, lim);
  }

  private wHit(lo: number, hi: number, lim: number): number {
    return this.tlbSlot(this.space.wTag, this.space.wOff, lo, hi, lim);
  }

  /** Read slot of inst's memory operand (-1: use addr() and Space; so do FS/GS-relative and
   *  32-bit addresses). */
  private rSlot(inst: Inst, lim: number): number {
    if (inst.seg >= R.FS || inst.addrsize !== 8) return -1;
    const hi = this.eaHalves(inst);
    return this.rHit(this.eaLo, hi, lim);
  }

  /** Write slot of inst's memory operand (-1: use addr() and Space). */
  private wSlot(inst: Inst, lim: number): number {
    if (inst.seg >= R.FS || inst.addrsize !== 8) return -1;
    const hi = this.eaHalves(inst);
    return this.wHit(this.eaLo, hi, lim);
  }

  /** RSP += 8 after a pop's access (RSP's halves as ints: no double). */
  private popped(): void {
    const g = this.g;
    const lo = (g[8] >>> 0) + 8;
    if (lo < TWO32) g[8] = lo | 0;
    else {
      g[8] = (lo - TWO32) | 0;
      g[9] = (g[9] + 1) | 0;
    }
  }

  setRsp(v: number): void {
    this.g[8] = v >>> 0;
    this.g[9] = Math.floor(v / TWO32) | 0;
  }
  push64(lo: number, hi: number): void {
    const sp = this.rsp() - 8;
    this.space.wr64(sp, lo, hi);
    this.setRsp(sp);
  }
  pushNum(v: number): void {
    this.push64(v >>> 0, Math.floor(v / TWO32) | 0);
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
  private setCfOf(cf: number, of: number): void {
    const f = arithFlags(this.g) & ~(CF | OF);
    setBits(this.g, f | (cf !== 0 ? CF : 0) | (of !== 0 ? OF : 0));
  }

  /** Flags of a result computed eagerly: ZF SF PF from the value, CF/OF/AF given. */
  private setResultFlags(lo: number, hi: number, size: number, cf: number, of: number, af: number): void {
    let f = PARITY[lo & 255];
    if ((lo | hi) === 0) f |= ZF;
    if (signOf(lo, hi, size) !== 0) f |= SF;
    if (cf !== 0) f |= CF;
    if (of !== 0) f |= OF;
    if (af !== 0) f |= AF;
    setBits(this.g, f);
  }

  // ---- the instruction switch ----

  exec(inst: Inst): number {
    const g = this.g;
    switch (OPK[inst.op]) {
      case O.MOV: {
        const lo = this.rd1(inst);
        this.wr0New(inst, lo, this.tHi);
        return CONT;
      }
      case O.LEA: {
        const a = this.leaAddr(inst);
        this.wrReg(inst.r0, inst.s0, a | 0, this.tHi);
        return CONT;
      }
      case O.ADD: case O.OR: case O.ADC: case O.SBB: case O.AND: case O.SUB: case O.XOR: case O.CMP: case O.TEST:
        this.alu(inst);
        return CONT;
      case O.PUSH: {
        const lo = this.rd0(inst);
        if (inst.s0 === 2) return this.illegal(inst, "PUSH with 16-bit operand (not implemented)");
        this.push64(lo, inst.s0 === 8 ? this.tHi : 0);
        return CONT;
      }
      case O.POP: {
        if (inst.s0 === 2) return this.illegal(inst, "POP with 16-bit operand (not implemented)");
        const sp = this.rsp();
        const lo = this.space.rd64(sp);
        const hi = this.space.hi;
        if (inst.k0 === K.REG) {
          this.setRsp(sp + 8);
          this.wrReg(inst.r0, 8, lo, hi);
        } else {
          // The address is computed with RSP already incremented (as the SDM says).
          this.setRsp(sp + 8);
          try {
            this.space.wr64(this.addr(inst), lo, hi);
          } catch (e) {
            this.setRsp(sp);
            throw e;
          }
        }
        return CONT;
      }
      case O.JCC:
        this.f64[RIP_F64] = cond(g, inst.cond) ? inst.target : inst.addr + inst.len;
        return CONT;
      case O.JMP:
        if (inst.k0 === K.REL) this.f64[RIP_F64] = inst.target;
        else {
          const lo = this.rd0(inst);
          this.f64[RIP_F64] = (this.tHi >>> 0) * TWO32 + (lo >>> 0);
        }
        return CONT;
      case O.CALL: {
        let t: number;
        if (inst.k0 === K.REL) t = inst.target;
        else {
          const lo = this.rd0(inst);
          t = (this.tHi >>> 0) * TWO32 + (lo >>> 0);
        }
        this.pushNum(inst.addr + inst.len);
        this.f64[RIP_F64] = t;
        return CONT;
      }
      case O.RET: {
        const lo = this.pop64();
        this.f64[RIP_F64] = (this.tHi >>> 0) * TWO32 + (lo >>> 0);
        if (inst.nops > 0) this.setRsp(this.rsp() + (inst.imm & 0xffff));
        return CONT;
      }
      case O.NOP: case O.PAUSE: case O.ENDBR64: case O.ENDBR32: case O.LFENCE: case O.MFENCE: case O.SFENCE:
      case O.PREFETCH: case O.PREFETCHW: case O.PREFETCHNTA: case O.PREFETCHT0: case O.PREFETCHT1: case O.PREFETCHT2:
      case O.CLFLUSH: case O.CLFLUSHOPT: case O.FWAIT:
        return CONT;
      // The x87 control and status words, which glibc reads and writes (printf's rounding mode,
      // fesetround) though its x86-64 code does no x87 arithmetic; the FXSAVE image holds them.
      case O.FNSTCW:
        this.space.wr16(this.addr(inst), this.g[FCW_I32]!);
        return CONT;
      case O.FLDCW:
        this.g[FCW_I32] = this.space.rd16(this.addr(inst));
        return CONT;
      case O.FNSTSW:
        if (inst.k0 === K.MEM) this.space.wr16(this.addr(inst), this.g[FSW_I32]!);
        else g[0] = (g[0]! & ~0xffff) | (this.g[FSW_I32]! & 0xffff);
        return CONT;
      case O.MOVZX: {
        const lo = this.rd1(inst);
        this.wrReg(inst.r0, inst.s0, lo, 0);
        return CONT;
      }
      case O.MOVSX: case O.MOVSXD: {
        let v = this.rd1(inst);
        v = inst.s1 === 1 ? (v << 24) >> 24 : inst.s1 === 2 ? (v << 16) >> 16 : v | 0;
        if (inst.s0 === 2) v &= 0xffff;
        this.wrReg(inst.r0, inst.s0, v, v >> 31);
        return CONT;
      }
      case O.CMOVCC: {
        const lo = this.rd1(inst);
        const hi = this.tHi;
        if (cond(g, inst.cond)) this.wrReg(inst.r0, inst.s0, lo, hi);
        else if (inst.s0 === 4) g[2 * inst.r0 + 1] = 0;
        return CONT;
      }
      case O.SETCC:
        this.wr0New(inst, cond(g, inst.cond) ? 1 : 0, 0);
        return CONT;
      case O.INC: case O.DEC: {
        const size = inst.s0;
        const dlo = this.rd0(inst);
        const dhi = this.tHi;
        const cf = carry(g);
        let rlo: number, rhi: number;
        if (inst.op === Op.INC) {
          if (size === 8) { rlo = (dlo + 1) | 0; rhi = rlo === 0 ? (dhi + 1) | 0 : dhi; }
          else { rlo = size === 4 ? (dlo + 1) | 0 : (dlo + 1) & (size === 2 ? 0xffff : 0xff); rhi = 0; }
        } else {
          if (size === 8) { rlo = (dlo - 1) | 0; rhi = dlo === 0 ? (dhi - 1) | 0 : dhi; }
          else { rlo = size === 4 ? (dlo - 1) | 0 : (dlo - 1) & (size === 2 ? 0xffff : 0xff); rhi = 0; }
        }
        this.wr0(inst, rlo, rhi);
        setLazy(g, inst.op === Op.INC ? K_INC : K_DEC, size, rlo, rhi, dlo, dhi, 1, 0);
        g[FL_AUX] = cf;
        return CONT;
      }
      case O.NEG: {
        const size = inst.s0;
        const dlo = this.rd0(inst);
        const dhi = this.tHi;
        let rlo: number, rhi: number;
        if (size === 8) { rlo = -dlo | 0; rhi = (~dhi + (dlo === 0 ? 1 : 0)) | 0; }
        else { rlo = size === 4 ? -dlo | 0 : -dlo & (size === 2 ? 0xffff : 0xff); rhi = 0; }
        this.wr0(inst, rlo, rhi);
        setLazy(g, K_SUB, size, rlo, rhi, 0, 0, dlo, dhi);
        return CONT;
      }
      case O.NOT: {
        const size = inst.s0;
        const dlo = this.rd0(inst);
        const dhi = this.tHi;
        this.wr0(inst, size === 8 || size === 4 ? ~dlo : ~dlo & (size === 2 ? 0xffff : 0xff), size === 8 ? ~dhi : 0);
        return CONT;
      }
      case O.XCHG: {
        if (inst.k0 === K.REG && inst.k1 === K.REG) {
          const a = this.rdReg(inst.r0, inst.s0);
          const ah = this.tHi;
          const b = this.rdReg(inst.r1, inst.s1);
          const bh = this.tHi;
          this.wrReg(inst.r0, inst.s0, b, bh);
          this.wrReg(inst.r1, inst.s1, a, ah);
          return CONT;
        }
        const memFirst = inst.k0 === K.MEM;
        const m = memFirst ? this.rd0(inst) : this.rd1(inst);
        const mh = this.tHi;
        const reg = memFirst ? inst.r1 : inst.r0;
        const size = memFirst ? inst.s1 : inst.s0;
        const v = this.rdReg(reg, size);
        this.wrMem(this.ea, size, v, this.tHi);
        this.wrReg(reg, size, m, mh);
        return CONT;
      }
      case O.XADD: {
        const size = inst.s0;
        const dlo = this.rd0(inst);
        const dhi = this.tHi;
        const slo = this.rdReg(inst.r1, size);
        const shi = this.tHi;
        const rlo = this.addv(size, dlo, dhi, slo, shi, 0);
        const rhi = this.tHi;
        if (inst.k0 === K.MEM) this.space.probeWrite(this.ea, size);
        this.wrReg(inst.r1, size, dlo, dhi);
        this.wr0(inst, rlo, rhi);
        setLazy(g, K_ADD, size, rlo, rhi, dlo, dhi, slo, shi);
        return CONT;
      }
      case O.CMPXCHG: {
        const size = inst.s0;
        const dlo = this.rd0(inst);
        const dhi = this.tHi;
        const alo = this.rdReg(0, size);
        const ahi = this.tHi;
        const rlo = this.subv(size, alo, ahi, dlo, dhi, 0);
        const rhi = this.tHi;
        if (alo === dlo && ahi === dhi) {
          const slo = this.rdReg(inst.r1, size);
          this.wr0(inst, slo, this.tHi);
        } else {
          if (inst.k0 === K.MEM) this.space.probeWrite(this.ea, size);
          this.wrReg(0, size, dlo, dhi);
        }
        setLazy(g, K_SUB, size, rlo, rhi, alo, ahi, dlo, dhi);
        return CONT;
      }
      case O.CMPXCHG8B: case O.CMPXCHG16B:
        return this.cmpxchgWide(inst);
      case O.IMUL: case O.MUL:
        return this.mul(inst);
      case O.DIV: case O.IDIV:
        return this.div(inst);
      case O.SHL: case O.SHR: case O.SAR:
        this.shift(inst);
        return CONT;
      case O.ROL: case O.ROR: case O.RCL: case O.RCR:
        this.rotate(inst);
        return CONT;
      case O.SHLD: case O.SHRD:
        this.shiftDouble(inst);
        return CONT;
      case O.BT: case O.BTS: case O.BTR: case O.BTC:
        this.bitTest(inst);
        return CONT;
      case O.BSF: case O.BSR: case O.TZCNT: case O.LZCNT: case O.POPCNT:
        return this.bitScan(inst);
      case O.BSWAP: {
        const r = inst.r0;
        if (inst.s0 === 8) {
          const lo = g[2 * r], hi = g[2 * r + 1];
          g[2 * r] = bswap32(hi);
          g[2 * r + 1] = bswap32(lo);
        } else {
          g[2 * r] = bswap32(g[2 * r]);
          g[2 * r + 1] = 0;
        }
        return CONT;
      }
      case O.CBW: {
        const s = inst.opsize;
        if (s === 8) { g[1] = g[0] >> 31; }
        else if (s === 4) { g[0] = (g[0] << 16) >> 16; g[1] = 0; }
        else g[0] = (g[0] & ~0xffff) | (((g[0] << 24) >> 24) & 0xffff);
        return CONT;
      }
      case O.CWD: {
        const s = inst.opsize;
        if (s === 8) { const x = g[1] >> 31; g[4] = x; g[5] = x; }
        else if (s === 4) { g[4] = g[0] >> 31; g[5] = 0; }
        else g[4] = (g[4] & ~0xffff) | (((g[0] << 16) >> 31) & 0xffff);
        return CONT;
      }
      case O.CLC: setBits(g, arithFlags(g) & ~CF); return CONT;
      case O.STC: setBits(g, arithFlags(g) | CF); return CONT;
      case O.CMC: setBits(g, arithFlags(g) ^ CF); return CONT;
      case O.CLD: g[FL_OTHER] &= ~DF; return CONT;
      case O.STD: g[FL_OTHER] |= DF; return CONT;
      case O.LAHF: {
        const f = arithFlags(g);
        g[0] = (g[0] & ~0xff00) | (((f & (SF | ZF | AF | PF | CF)) | 2) << 8);
        return CONT;
      }
      case O.SAHF: {
        const ah = (g[0] >>> 8) & 255;
        setBits(g, (arithFlags(g) & OF) | (ah & (SF | ZF | AF | PF | CF)));
        return CONT;
      }
      case O.PUSHF: {
        if (inst.opsize === 2) return this.illegal(inst, "PUSHF with 16-bit operand (not implemented)");
        this.push64(this.rflags, 0);
        return CONT;
      }
      case O.POPF: {
        if (inst.opsize === 2) return this.illegal(inst, "POPF with 16-bit operand (not implemented)");
        const v = this.pop64();
        this.rflags = v;
        return CONT;
      }
      case O.LEAVE: {
        const bp = (g[11] >>> 0) * TWO32 + (g[10] >>> 0);
        const lo = this.space.rd64(bp);
        const hi = this.space.hi;
        this.setRsp(bp + 8);
        g[10] = lo;
        g[11] = hi;
        return CONT;
      }
      case O.ENTER: {
        const level = inst.imm2 & 31;
        if (level !== 0) return this.illegal(inst, "ENTER with nesting level > 0 (not implemented)");
        const bp0 = g[10], bp1 = g[11];
        this.push64(bp0, bp1);
        const sp = this.rsp();
        g[10] = g[8];
        g[11] = g[9];
        this.setRsp(sp - (inst.imm & 0xffff));
        return CONT;
      }
      case O.MOVS: case O.STOS: case O.LODS: case O.CMPS: case O.SCAS:
        return this.string(inst);
      case O.JRCXZ: {
        const z = inst.addrsize === 4 ? g[2] === 0 : (g[2] | g[3]) === 0;
        this.f64[RIP_F64] = z ? inst.target : inst.addr + inst.len;
        return CONT;
      }
      case O.LOOP: case O.LOOPE: case O.LOOPNE: {
        let nz: boolean;
        if (inst.addrsize === 4) {
          g[2] = (g[2] - 1) | 0;
          g[3] = 0;
          nz = g[2] !== 0;
        } else {
          if (g[2] === 0) g[3] = (g[3] - 1) | 0;
          g[2] = (g[2] - 1) | 0;
          nz = (g[2] | g[3]) !== 0;
        }
        let take = nz;
        if (inst.op === Op.LOOPE) take = nz && cond(g, 4);
        else if (inst.op === Op.LOOPNE) take = nz && cond(g, 5);
        this.f64[RIP_F64] = take ? inst.target : inst.addr + inst.len;
        return CONT;
      }
      case O.SYSCALL: {
        const next = inst.addr + inst.len;
        g[2] = next >>> 0;
        g[3] = Math.floor(next / TWO32);
        g[22] = this.rflags & ~0x10000; // R11 = RFLAGS (RF cleared)
        g[23] = 0;
        this.f64[RIP_F64] = next;
        return STOP.SYSCALL;
      }
      case O.INT3:
        this.f64[RIP_F64] = inst.addr + inst.len;
        return STOP.BREAKPOINT;
      case O.INT:
        // INT 3 (CD 03) traps like INT3; any other vector is a #GP in user mode.
        if ((inst.imm & 255) === 3) {
          this.f64[RIP_F64] = inst.addr + inst.len;
          return STOP.BREAKPOINT;
        }
        return STOP.PRIVILEGED;
      case O.HLT: case O.CLI: case O.STI: case O.INT1: case O.IN: case O.OUT: case O.INS: case O.OUTS:
      case O.RDMSR: case O.WRMSR: case O.INVD: case O.WBINVD: case O.INVLPG: case O.LGDT: case O.LIDT: case O.LLDT:
      case O.LTR: case O.LMSW: case O.CLTS: case O.SWAPGS: case O.SYSRET: case O.SYSEXIT: case O.IRET: case O.RDPMC:
        return STOP.PRIVILEGED;
      case O.CPUID: {
        const o = this.cpuidOut;
        cpuid(this.model, this.features, g[0], g[2], o);
        g[0] = o[0]; g[1] = 0;
        g[6] = o[1]; g[7] = 0;
        g[2] = o[2]; g[3] = 0;
        g[4] = o[3]; g[5] = 0;
        this.f64[RIP_F64] = inst.addr + inst.len;
        return CONT;
      }
      case O.RDTSC: case O.RDTSCP: {
        tscNow += 16 + (this.retiredCount - this.lastTscRetired) * 2;
        this.lastTscRetired = this.retiredCount;
        g[0] = tscNow >>> 0; g[1] = 0;
        g[4] = Math.floor(tscNow / TWO32); g[5] = 0;
        if (inst.op === Op.RDTSCP) { g[2] = 0; g[3] = 0; }
        return CONT;
      }
      case O.XGETBV: {
        if (!this.features.osxsave) return this.illegal(inst, "XGETBV (OSXSAVE not advertised)");
        if (g[2] !== 0) return STOP.PRIVILEGED;
        g[0] = this.features.avx ? 7 : 3; g[1] = 0;
        g[4] = 0; g[5] = 0;
        return CONT;
      }
      case O.MOVNTI: {
        const lo = this.rd1(inst);
        this.wr0New(inst, lo, this.tHi);
        return CONT;
      }
      case O.XLAT: {
        const base = (g[7] >>> 0) * TWO32 + (g[6] >>> 0);
        g[0] = (g[0] & ~255) | this.space.rd8(base + (g[0] & 255));
        return CONT;
      }
      case O.UD0: case O.UD1: case O.UD2:
        return this.illegal(inst, "UD2 (undefined instruction)");
      case O.INVALID:
        return this.illegal(inst, "undecodable bytes");
      default: {
        const r = execVec(this, inst);
        if (r !== UNHANDLED) return r;
        const r2 = execExt(this, inst);
        if (r2 !== UNHANDLED) return r2;
        return this.illegal(inst, `${OP_NAMES[inst.op] ?? "?"} (not implemented)`);
      }
    }
  }

  /** The specialized handlers (see specialize()). */
  fast(inst: Inst, h: number): number {
    const g = this.g;
    switch (h) {
      case F.MOV_RR64: {
        const d = 2 * inst.r0, s = 2 * inst.r1;
        g[d] = g[s];
        g[d + 1] = g[s + 1];
        return CONT;
      }
      case F.MOV_RR32: {
        const d = 2 * inst.r0;
        g[d] = g[2 * inst.r1];
        g[d + 1] = 0;
        return CONT;
      }
      case F.MOV_LD64: {
        const d = 2 * inst.r0;
        const i = this.rSlot(inst, 4088);
        if (i >= 0) {
          const v = this.space.rView[i], o = this.slotOff;
          g[d] = v.getInt32(o, true);
          g[d + 1] = v.getInt32(o + 4, true);
          return CONT;
        }
        const lo = this.space.rd64(this.addr(inst));
        g[d] = lo;
        g[d + 1] = this.space.hi;
        return CONT;
      }
      case F.MOV_LD32: {
        const i = this.rSlot(inst, 4092);
        const v = i >= 0 ? this.space.rView[i].getInt32(this.slotOff, true) : this.space.rd32(this.addr(inst));
        const d = 2 * inst.r0;
        g[d] = v;
        g[d + 1] = 0;
        return CONT;
      }
      case F.MOV_ST64: {
        const s = 2 * inst.r1;
        const i = this.wSlot(inst, 4088);
        if (i >= 0) {
          const v = this.space.wView[i], o = this.slotOff;
          v.setInt32(o, g[s], true);
          v.setInt32(o + 4, g[s + 1], true);
          return CONT;
        }
        this.space.wr64(this.addr(inst), g[s], g[s + 1]);
        return CONT;
      }
      case F.MOV_ST32: {
        const i = this.wSlot(inst, 4092);
        if (i >= 0) this.space.wView[i].setInt32(this.slotOff, g[2 * inst.r1], true);
        else this.space.wr32(this.addr(inst), g[2 * inst.r1]);
        return CONT;
      }
      case F.MOV_RI32: {
        const d = 2 * inst.r0;
        g[d] = inst.imm;
        g[d + 1] = 0;
        return CONT;
      }
      case F.MOV_RI64: {
        const d = 2 * inst.r0;
        g[d] = inst.imm;
        g[d + 1] = inst.immHi;
        return CONT;
      }
      case F.ALU_RR64: {
        const s = 2 * inst.r1;
        this.alu64(inst, g[s], g[s + 1]);
        return CONT;
      }
      case F.ALU_RI64:
        this.alu64(inst, inst.imm, inst.immHi);
        return CONT;
      case F.ALU_RM64: {
        const i = this.rSlot(inst, 4088);
        if (i >= 0) {
          const v = this.space.rView[i], o = this.slotOff;
          this.alu64(inst, v.getInt32(o, true), v.getInt32(o + 4, true));
          return CONT;
        }
        const lo = this.space.rd64(this.addr(inst));
        this.alu64(inst, lo, this.space.hi);
        return CONT;
      }
      case F.ALU_RR32:
        this.alu32(inst, g[2 * inst.r1]);
        return CONT;
      case F.ALU_RI32:
        this.alu32(inst, inst.imm);
        return CONT;
      case F.ALU_RM32: {
        const i = this.rSlot(inst, 4092);
        this.alu32(inst, i >= 0 ? this.space.rView[i].getInt32(this.slotOff, true) : this.space.rd32(this.addr(inst)));
        return CONT;
      }
      case F.JCC:
        this.f64[RIP_F64] = cond(g, inst.cond) ? inst.target : inst.addr + inst.len;
        return CONT;
      case F.JMP:
        this.f64[RIP_F64] = inst.target;
        return CONT;
      case F.CALL: {
        const ret = inst.addr + inst.len;
        const lo = g[8] >>> 0;
        const i = lo >= 8 && ret < TWO32 ? this.wHit(lo - 8, g[9], 4088) : -1;
        if (i >= 0) {
          const v = this.space.wView[i], o = this.slotOff;
          v.setInt32(o, ret | 0, true);
          v.setInt32(o + 4, 0, true);
          g[8] = lo - 8;
        } else this.pushNum(ret);
        this.f64[RIP_F64] = inst.target;
        return CONT;
      }
      case F.RET: {
        const i = this.rHit(g[8] >>> 0, g[9], 4088);
        let lo: number, hi: number;
        if (i >= 0) {
          const v = this.space.rView[i], o = this.slotOff;
          lo = v.getInt32(o, true);
          hi = v.getInt32(o + 4, true);
          this.popped();
        } else {
          const sp = (g[9] >>> 0) * TWO32 + (g[8] >>> 0);
          lo = this.space.rd64(sp);
          hi = this.space.hi;
          this.setRsp(sp + 8);
        }
        this.f64[RIP_F64] = (hi >>> 0) * TWO32 + (lo >>> 0);
        return CONT;
      }
      case F.LEA64: {
        const lo = this.leaAddr(inst);
        const d = 2 * inst.r0;
        g[d] = lo | 0;
        g[d + 1] = this.tHi;
        return CONT;
      }
      case F.MOVZX_LD: {
        const i = this.rSlot(inst, inst.s1 === 1 ? 4095 : 4094);
        let v: number;
        if (i >= 0) v = inst.s1 === 1 ? this.space.rView[i].getUint8(this.slotOff) : this.space.rView[i].getUint16(this.slotOff, true);
        else {
          const a = this.addr(inst);
          v = inst.s1 === 1 ? this.space.rd8(a) : this.space.rd16(a);
        }
        const d = 2 * inst.r0;
        g[d] = v;
        g[d + 1] = 0;
        return CONT;
      }
      case F.NOP:
        return CONT;
      case F.PUSH_R64: {
        const s = 2 * inst.r0;
        const lo = g[8] >>> 0;
        const i = lo >= 8 ? this.wHit(lo - 8, g[9], 4088) : -1;
        if (i >= 0) {
          const v = this.space.wView[i], o = this.slotOff;
          v.setInt32(o, g[s], true);
          v.setInt32(o + 4, g[s + 1], true);
          g[8] = lo - 8;
          return CONT;
        }
        const sp = (g[9] >>> 0) * TWO32 + lo - 8;
        this.space.wr64(sp, g[s], g[s + 1]);
        this.setRsp(sp);
        return CONT;
      }
      case F.POP_R64: {
        const d = 2 * inst.r0;
        const i = this.rHit(g[8] >>> 0, g[9], 4088);
        if (i >= 0) {
          const v = this.space.rView[i], o = this.slotOff;
          const lo = v.getInt32(o, true), hi = v.getInt32(o + 4, true);
          this.popped();
          g[d] = lo;
          g[d + 1] = hi;
          return CONT;
        }
        const sp = (g[9] >>> 0) * TWO32 + (g[8] >>> 0);
        const lo = this.space.rd64(sp);
        const hi = this.space.hi;
        this.setRsp(sp + 8);
        g[d] = lo;
        g[d + 1] = hi;
        return CONT;
      }
      case F.MOV_MI: {
        const i = this.wSlot(inst, 4096 - inst.s0);
        if (i >= 0) {
          const v = this.space.wView[i], o = this.slotOff;
          switch (inst.s0) {
            case 8: v.setInt32(o, inst.imm, true); v.setInt32(o + 4, inst.immHi, true); break;
            case 4: v.setInt32(o, inst.imm, true); break;
            case 2: v.setUint16(o, inst.imm & 0xffff, true); break;
            default: v.setUint8(o, inst.imm & 255); break;
          }
          return CONT;
        }
        const a = this.addr(inst);
        switch (inst.s0) {
          case 8: this.space.wr64(a, inst.imm, inst.immHi); break;
          case 4: this.space.wr32(a, inst.imm); break;
          case 2: this.space.wr16(a, inst.imm & 0xffff); break;
          default: this.space.wr8(a, inst.imm & 255); break;
        }
        return CONT;
      }
      case F.CMP_MI: {
        const size = inst.s0;
        const i = this.rSlot(inst, 4096 - size);
        let dlo: number, dhi: number;
        if (i >= 0) {
          const v = this.space.rView[i], o = this.slotOff;
          switch (size) {
            case 8: dlo = v.getInt32(o, true); dhi = v.getInt32(o + 4, true); break;
            case 4: dlo = v.getInt32(o, true); dhi = 0; break;
            case 2: dlo = v.getUint16(o, true); dhi = 0; break;
            default: dlo = v.getUint8(o); dhi = 0; break;
          }
        } else {
          dlo = this.rdMem(this.addr(inst), size);
          dhi = this.tHi;
        }
        const slo = this.imm(inst, inst.s1);
        const shi = this.tHi;
        if (inst.op === Op.TEST) setLazy(g, K_LOGIC, size, dlo & slo, dhi & shi, 0, 0, 0, 0);
        else {
          const rlo = this.subv(size, dlo, dhi, slo, shi, 0);
          setLazy(g, K_SUB, size, rlo, this.tHi, dlo, dhi, slo, shi);
        }
        return CONT;
      }
      case F.SHIFT_RI64: {
        const d = 2 * inst.r0;
        const dlo = g[d], dhi = g[d + 1];
        const c = inst.imm & 63;
        let rlo: number, rhi: number, kind: number;
        if (inst.op === Op.SHL) {
          kind = K_SHL;
          if (c < 32) { rhi = (dhi << c) | (dlo >>> (32 - c)); rlo = dlo << c; } else { rhi = dlo << (c - 32); rlo = 0; }
        } else if (inst.op === Op.SHR) {
          kind = K_SHR;
          if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >>> c; } else { rlo = dhi >>> (c - 32); rhi = 0; }
        } else {
          kind = K_SAR;
          if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >> c; } else { rlo = dhi >> (c - 32); rhi = dhi >> 31; }
        }
        g[d] = rlo | 0;
        g[d + 1] = rhi | 0;
        setLazy(g, kind, 8, rlo | 0, rhi | 0, dlo, dhi, c, 0);
        return CONT;
      }
      case F.MOVU_LD: {
        const x = XMM_I32 + 4 * (inst.r0 - 32);
        const i = this.rSlot(inst, 4080);
        if (i >= 0) {
          const v = this.space.rView[i], o = this.slotOff;
          g[x] = v.getInt32(o, true); g[x + 1] = v.getInt32(o + 4, true); g[x + 2] = v.getInt32(o + 8, true); g[x + 3] = v.getInt32(o + 12, true);
          return CONT;
        }
        const a = this.addr(inst);
        const m = this.space;
        const l0 = m.rd64(a), h0 = m.hi, l1 = m.rd64(a + 8), h1 = m.hi;
        g[x] = l0; g[x + 1] = h0; g[x + 2] = l1; g[x + 3] = h1;
        return CONT;
      }
      case F.MOVU_ST: {
        const x = XMM_I32 + 4 * (inst.r1 - 32);
        const i = this.wSlot(inst, 4080);
        if (i >= 0) {
          const v = this.space.wView[i], o = this.slotOff;
          v.setInt32(o, g[x], true); v.setInt32(o + 4, g[x + 1], true); v.setInt32(o + 8, g[x + 2], true); v.setInt32(o + 12, g[x + 3], true);
          return CONT;
        }
        const a = this.addr(inst);
        const m = this.space;
        m.probeWrite(a, 16);
        m.wr64(a, g[x], g[x + 1]);
        m.wr64(a + 8, g[x + 2], g[x + 3]);
        return CONT;
      }
      default:
        return this.exec(inst);
    }
  }

  /** 64-bit register destination ALU op with a (lo, hi) source. */
  private alu64(inst: Inst, slo: number, shi: number): void {
    const g = this.g;
    const d = 2 * inst.r0;
    const dlo = g[d], dhi = g[d + 1];
    let rlo: number, rhi: number;
    switch (ALUK[inst.op]) {
      case A.ADD: {
        const l = (dlo >>> 0) + (slo >>> 0);
        rlo = l | 0;
        rhi = (dhi + shi + (l >= TWO32 ? 1 : 0)) | 0;
        g[d] = rlo; g[d + 1] = rhi;
        setLazy(g, K_ADD, 8, rlo, rhi, dlo, dhi, slo, shi);
        return;
      }
      case A.SUB: case A.CMP: {
        const l = (dlo >>> 0) - (slo >>> 0);
        rlo = l | 0;
        rhi = (dhi - shi - (l < 0 ? 1 : 0)) | 0;
        if (ALUK[inst.op] === A.SUB) { g[d] = rlo; g[d + 1] = rhi; }
        setLazy(g, K_SUB, 8, rlo, rhi, dlo, dhi, slo, shi);
        return;
      }
      case A.AND: rlo = dlo & slo; rhi = dhi & shi; g[d] = rlo; g[d + 1] = rhi; break;
      case A.OR: rlo = dlo | slo; rhi = dhi | shi; g[d] = rlo; g[d + 1] = rhi; break;
      case A.XOR: rlo = dlo ^ slo; rhi = dhi ^ shi; g[d] = rlo; g[d + 1] = rhi; break;
      case A.TEST: rlo = dlo & slo; rhi = dhi & shi; break;
      default: {
        // ADC/SBB: the generic path.
        this.alu(inst);
        return;
      }
    }
    setLazy(g, K_LOGIC, 8, rlo, rhi, 0, 0, 0, 0);
  }

  /** 32-bit register destination ALU op (the result zero-extends). */
  private alu32(inst: Inst, slo: number): void {
    const g = this.g;
    const d = 2 * inst.r0;
    const dlo = g[d];
    let r: number;
    switch (ALUK[inst.op]) {
      case A.ADD: r = (dlo + slo) | 0; g[d] = r; g[d + 1] = 0; setLazy(g, K_ADD, 4, r, 0, dlo, 0, slo, 0); return;
      case A.SUB: r = (dlo - slo) | 0; g[d] = r; g[d + 1] = 0; setLazy(g, K_SUB, 4, r, 0, dlo, 0, slo, 0); return;
      case A.CMP: r = (dlo - slo) | 0; setLazy(g, K_SUB, 4, r, 0, dlo, 0, slo, 0); return;
      case A.AND: r = dlo & slo; g[d] = r; g[d + 1] = 0; break;
      case A.OR: r = dlo | slo; g[d] = r; g[d + 1] = 0; break;
      case A.XOR: r = dlo ^ slo; g[d] = r; g[d + 1] = 0; break;
      case A.TEST: r = dlo & slo; break;
      default:
        this.alu(inst);
        return;
    }
    setLazy(g, K_LOGIC, 4, r, 0, 0, 0, 0, 0);
  }

  /** LEA: the address computation without segment base, truncated to the operand size;
   *  returns lo, hi in tHi. */
  private leaAddr(inst: Inst): number {
    const g = this.g;
    const b = inst.base;
    let lo: number;
    let hi: number;
    if (b === R.RIP) {
      const a = inst.addr + inst.len + inst.disp;
      lo = a % TWO32;
      hi = Math.floor(a / TWO32);
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
      const c = Math.floor(lo / TWO32);
      lo -= c * TWO32;
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
      this.tHi = (dhi + shi + (l >= TWO32 ? 1 : 0)) | 0;
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

  private alu(inst: Inst): void {
    const g = this.g;
    const size = inst.s0;
    const dlo = this.rd0(inst);
    const dhi = this.tHi;
    const slo = this.rd1(inst);
    const shi = this.tHi;
    let rlo: number, rhi: number;
    switch (inst.op) {
      case Op.ADD:
        rlo = this.addv(size, dlo, dhi, slo, shi, 0);
        rhi = this.tHi;
        this.wr0(inst, rlo, rhi);
        setLazy(g, K_ADD, size, rlo, rhi, dlo, dhi, slo, shi);
        return;
      case Op.SUB:
        rlo = this.subv(size, dlo, dhi, slo, shi, 0);
        rhi = this.tHi;
        this.wr0(inst, rlo, rhi);
        setLazy(g, K_SUB, size, rlo, rhi, dlo, dhi, slo, shi);
        return;
      case Op.CMP:
        rlo = this.subv(size, dlo, dhi, slo, shi, 0);
        setLazy(g, K_SUB, size, rlo, this.tHi, dlo, dhi, slo, shi);
        return;
      case Op.ADC: {
        const c = carry(g);
        rlo = this.addv(size, dlo, dhi, slo, shi, c);
        rhi = this.tHi;
        this.wr0(inst, rlo, rhi);
        setLazy(g, K_ADC, size, rlo, rhi, dlo, dhi, slo, shi);
        g[FL_AUX] = c;
        return;
      }
      case Op.SBB: {
        const c = carry(g);
        rlo = this.subv(size, dlo, dhi, slo, shi, c);
        rhi = this.tHi;
        this.wr0(inst, rlo, rhi);
        setLazy(g, K_SBB, size, rlo, rhi, dlo, dhi, slo, shi);
        g[FL_AUX] = c;
        return;
      }
      case Op.AND: rlo = dlo & slo; rhi = dhi & shi; break;
      case Op.OR: rlo = dlo | slo; rhi = dhi | shi; break;
      case Op.XOR: rlo = dlo ^ slo; rhi = dhi ^ shi; break;
      default: // TEST
        setLazy(g, K_LOGIC, size, dlo & slo, dhi & shi, 0, 0, 0, 0);
        return;
    }
    this.wr0(inst, rlo, rhi);
    setLazy(g, K_LOGIC, size, rlo, rhi, 0, 0, 0, 0);
  }

  /** Unsigned 32x32 -> 64: lo returned, hi in tHi. */
  private mul32(a: number, b: number): number {
    a >>>= 0;
    b >>>= 0;
    const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
    const ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    this.tHi = (hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) | 0;
    return ((mid & 0xffff) << 16) | (ll & 0xffff);
  }

  /** Unsigned 64x64 -> 128: words w0 (returned), w1 (tHi), w2, w3. */
  private mul64(alo: number, ahi: number, blo: number, bhi: number): number {
    const p0lo = this.mul32(alo, blo), p0hi = this.tHi;
    const p1lo = this.mul32(alo, bhi), p1hi = this.tHi;
    const p2lo = this.mul32(ahi, blo), p2hi = this.tHi;
    const p3lo = this.mul32(ahi, bhi), p3hi = this.tHi;
    const w1 = (p0hi >>> 0) + (p1lo >>> 0) + (p2lo >>> 0);
    const c1 = Math.floor(w1 / TWO32);
    const w2 = (p1hi >>> 0) + (p2hi >>> 0) + (p3lo >>> 0) + c1;
    const c2 = Math.floor(w2 / TWO32);
    this.w2 = w2 | 0;
    this.w3 = ((p3hi >>> 0) + c2) | 0;
    this.tHi = w1 | 0;
    return p0lo;
  }

  private mul(inst: Inst): number {
    const g = this.g;
    const signed = inst.op === Op.IMUL;
    if (inst.nops >= 2) {
      // IMUL r, r/m (, imm): truncated product; CF=OF = signed overflow.
      const size = inst.s0;
      let alo: number, ahi: number, blo: number, bhi: number;
      if (inst.nops === 3) {
        alo = this.rd1(inst); ahi = this.tHi;
        blo = this.rd2(inst); bhi = this.tHi;
      } else {
        alo = this.rdReg(inst.r0, size); ahi = this.tHi;
        blo = this.rd1(inst); bhi = this.tHi;
      }
      let rlo: number, rhi: number, ovf: boolean;
      if (size === 8) {
        const w0 = this.mul64(alo, ahi, blo, bhi);
        let w1 = this.tHi, w2 = this.w2, w3 = this.w3;
        if (ahi < 0) { const l = (w2 >>> 0) - (blo >>> 0); w3 = (w3 - bhi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
        if (bhi < 0) { const l = (w2 >>> 0) - (alo >>> 0); w3 = (w3 - ahi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
        rlo = w0; rhi = w1;
        const sx = rhi >> 31;
        ovf = w2 !== sx || w3 !== sx;
        w1 = 0;
        void w1;
      } else if (size === 4) {
        const p = this.mul32(alo, blo);
        let hi = this.tHi;
        if (alo < 0) hi = (hi - blo) | 0;
        if (blo < 0) hi = (hi - alo) | 0;
        rlo = p; rhi = 0;
        ovf = hi !== (p >> 31);
      } else {
        const a = (alo << 16) >> 16, b = (blo << 16) >> 16;
        const p = a * b;
        rlo = p & 0xffff; rhi = 0;
        ovf = p !== (rlo << 16) >> 16;
      }
      this.wrReg(inst.r0, size, rlo, rhi);
      this.mulFlags(rlo, rhi, size, ovf);
      return CONT;
    }
    const size = inst.s0;
    const blo = this.rd0(inst);
    const bhi = this.tHi;
    if (size === 1) {
      const a = g[0] & 255;
      let p: number, ovf: boolean;
      if (signed) { p = ((a << 24) >> 24) * ((blo << 24) >> 24); ovf = p !== (p << 24) >> 24; }
      else { p = a * blo; ovf = p > 255; }
      g[0] = (g[0] & ~0xffff) | (p & 0xffff);
      this.mulFlags(p & 255, 0, 1, ovf);
    } else if (size === 2) {
      const a = g[0] & 0xffff;
      let p: number, ovf: boolean;
      if (signed) { p = ((a << 16) >> 16) * ((blo << 16) >> 16); ovf = p !== (p << 16) >> 16; }
      else { p = a * blo; ovf = p > 0xffff; }
      g[0] = (g[0] & ~0xffff) | (p & 0xffff);
      g[4] = (g[4] & ~0xffff) | ((p >>> 16) & 0xffff);
      this.mulFlags(p & 0xffff, 0, 2, ovf);
    } else if (size === 4) {
      const a = g[0];
      const lo = this.mul32(a, blo);
      let hi = this.tHi;
      if (signed) {
        if (a < 0) hi = (hi - blo) | 0;
        if (blo < 0) hi = (hi - a) | 0;
      }
      g[0] = lo; g[1] = 0; g[4] = hi; g[5] = 0;
      this.mulFlags(lo, 0, 4, signed ? hi !== lo >> 31 : hi !== 0);
    } else {
      const alo = g[0], ahi = g[1];
      const w0 = this.mul64(alo, ahi, blo, bhi);
      const w1 = this.tHi;
      let w2 = this.w2, w3 = this.w3;
      if (signed) {
        if (ahi < 0) { const l = (w2 >>> 0) - (blo >>> 0); w3 = (w3 - bhi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
        if (bhi < 0) { const l = (w2 >>> 0) - (alo >>> 0); w3 = (w3 - ahi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
      }
      g[0] = w0; g[1] = w1; g[4] = w2; g[5] = w3;
      const sx = w1 >> 31;
      this.mulFlags(w0, w1, 8, signed ? w2 !== sx || w3 !== sx : (w2 | w3) !== 0);
    }
    return CONT;
  }

  /** MUL/IMUL flags: CF=OF=overflow; SF ZF PF from the low result, AF 0 (host behaviour). */
  private mulFlags(lo: number, hi: number, size: number, ovf: boolean): void {
    this.setResultFlags(lo, hi, size, ovf ? 1 : 0, ovf ? 1 : 0, 0);
  }

  private div(inst: Inst): number {
    const g = this.g;
    const signed = inst.op === Op.IDIV;
    const size = inst.s0;
    const blo = this.rd0(inst);
    const bhi = this.tHi;
    if (size === 1) {
      const d = signed ? (blo << 24) >> 24 : blo;
      if (d === 0) return STOP.DIVIDE;
      const n = signed ? (g[0] << 16) >> 16 : g[0] & 0xffff;
      const q = Math.trunc(n / d);
      const r = n - q * d;
      if (signed ? q > 127 || q < -128 : q > 255) return STOP.DIVIDE;
      g[0] = (g[0] & ~0xffff) | ((r & 255) << 8) | (q & 255);
      return CONT;
    }
    if (size === 2) {
      const d = signed ? (blo << 16) >> 16 : blo;
      if (d === 0) return STOP.DIVIDE;
      const n = signed ? ((g[4] << 16) | (g[0] & 0xffff)) : ((g[4] & 0xffff) * 65536 + (g[0] & 0xffff));
      const q = Math.trunc(n / d);
      const r = n - q * d;
      if (signed ? q > 32767 || q < -32768 : q > 0xffff) return STOP.DIVIDE;
      g[0] = (g[0] & ~0xffff) | (q & 0xffff);
      g[4] = (g[4] & ~0xffff) | (r & 0xffff);
      return CONT;
    }
    if (size === 4) {
      if (blo === 0) return STOP.DIVIDE;
      if (!signed) {
        const d = blo >>> 0;
        const nh = g[4] >>> 0, nl = g[0] >>> 0;
        let q: number, r: number;
        if (nh === 0) {
          q = Math.floor(nl / d);
          r = nl - q * d;
        } else {
          if (nh >= d) return STOP.DIVIDE;
          const n = (BigInt(nh) << 32n) | BigInt(nl);
          q = Number(n / BigInt(d));
          r = Number(n % BigInt(d));
        }
        g[0] = q | 0; g[1] = 0; g[4] = r | 0; g[5] = 0;
        return CONT;
      }
      const d = blo | 0;
      const nh = g[4] | 0, nl = g[0] >>> 0;
      let q: number, r: number;
      if ((nh === 0 && nl < 0x80000000) || (nh === -1 && nl >= 0x80000000)) {
        const n = nl | 0;
        q = Math.trunc(n / d);
        r = n - q * d;
        if (q === 0x80000000) return STOP.DIVIDE;
      } else {
        const n = (BigInt(nh) << 32n) | BigInt(nl);
        const bq = n / BigInt(d);
        if (bq > 0x7fffffffn || bq < -0x80000000n) return STOP.DIVIDE;
        q = Number(bq);
        r = Number(n - bq * BigInt(d));
      }
      g[0] = q | 0; g[1] = 0; g[4] = r | 0; g[5] = 0;
      return CONT;
    }
    if ((blo | bhi) === 0) return STOP.DIVIDE;
    // 128/64: numbers when the dividend fits in 53 bits, BigInt otherwise (cold).
    const nl = g[0], nh = g[1], xl = g[4], xh = g[5];
    if (!signed && (xl | xh) === 0 && (nh >>> 0) < 0x200000 && (bhi >>> 0) < 0x200000) {
      const n = (nh >>> 0) * TWO32 + (nl >>> 0);
      const d = (bhi >>> 0) * TWO32 + (blo >>> 0);
      const q = Math.floor(n / d);
      const r = n - q * d;
      g[0] = q >>> 0; g[1] = Math.floor(q / TWO32); g[4] = r >>> 0; g[5] = Math.floor(r / TWO32);
      return CONT;
    }
    let n = (BigInt(xh >>> 0) << 96n) | (BigInt(xl >>> 0) << 64n) | (BigInt(nh >>> 0) << 32n) | BigInt(nl >>> 0);
    let d = (BigInt(bhi >>> 0) << 32n) | BigInt(blo >>> 0);
    if (signed) {
      n = BigInt.asIntN(128, n);
      d = BigInt.asIntN(64, d);
    }
    const q = n / d;
    const r = n % d;
    if (signed ? q > 0x7fffffffffffffffn || q < -0x8000000000000000n : q > 0xffffffffffffffffn) return STOP.DIVIDE;
    this.setRegBig(0, q);
    this.setRegBig(2, r);
    return CONT;
  }

  private shift(inst: Inst): void {
    const g = this.g;
    const size = inst.s0;
    const dlo = this.rd0(inst);
    const dhi = this.tHi;
    const isMem = inst.k0 === K.MEM;
    const ea = this.ea;
    const raw = this.rd1(inst) & 255;
    const c = raw & (size === 8 ? 63 : 31);
    this.ea = ea;
    if (c === 0) {
      if (size === 4 && inst.k0 === K.REG) this.g[2 * inst.r0 + 1] = 0;
      return;
    }
    const op = inst.op;
    let rlo: number, rhi: number;
    const w = size * 8;
    if (size === 8) {
      if (op === Op.SHL) {
        if (c < 32) { rhi = (dhi << c) | (dlo >>> (32 - c)); rlo = dlo << c; }
        else { rhi = dlo << (c - 32); rlo = 0; }
      } else if (op === Op.SHR) {
        if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >>> c; }
        else { rlo = dhi >>> (c - 32); rhi = 0; }
      } else {
        if (c < 32) { rlo = (dlo >>> c) | (dhi << (32 - c)); rhi = dhi >> c; }
        else { rlo = dhi >> (c - 32); rhi = dhi >> 31; }
      }
      rlo |= 0;
      rhi |= 0;
      if (isMem) this.space.probeWrite(ea, 8);
      this.wr0(inst, rlo, rhi);
      setLazy(g, op === Op.SHR ? K_SHR : op === Op.SAR ? K_SAR : K_SHL, 8, rlo, rhi, dlo, dhi, c, 0);
      return;
    }
    const mask = size === 4 ? -1 : (1 << w) - 1;
    let cf: number;
    if (op === Op.SHL) {
      const t = c - 1 < 32 ? dlo << (c - 1) : 0;
      cf = (t >>> (w - 1)) & 1;
      rlo = (t << 1) & mask;
    } else if (op === Op.SHR) {
      const t = dlo >>> (c - 1);
      cf = t & 1;
      rlo = (t >>> 1) & mask;
    } else {
      const sx = size === 4 ? dlo | 0 : size === 2 ? (dlo << 16) >> 16 : (dlo << 24) >> 24;
      const t = sx >> (c - 1);
      cf = t & 1;
      rlo = (t >> 1) & mask;
    }
    if (size === 4) rlo |= 0;
    this.wr0(inst, rlo, 0);
    if (c < w) {
      setLazy(g, op === Op.SHR ? K_SHR : op === Op.SAR ? K_SAR : K_SHL, size, rlo, 0, dlo, 0, c, 0);
    } else {
      // 8/16-bit shifts by >= the width: eager flags (OF as the host computes it for count 1).
      const sr = signOf(rlo, 0, size);
      const of = op === Op.SHL ? sr ^ cf : 0;
      this.setResultFlags(rlo, 0, size, cf, of, 1);
    }
  }

  private rotate(inst: Inst): void {
    const g = this.g;
    const size = inst.s0;
    const w = size * 8;
    const dlo = this.rd0(inst);
    const dhi = this.tHi;
    const ea = this.ea;
    const raw = this.rd1(inst) & 255;
    this.ea = ea;
    let c = raw & (size === 8 ? 63 : 31);
    const op = inst.op;
    if (op === Op.RCL || op === Op.RCR) c = size === 1 ? c % 9 : size === 2 ? c % 17 : c;
    if (c === 0) {
      // Flags unchanged; a 32-bit register destination is still zero-extended.
      if (size === 4 && inst.k0 === K.REG) this.g[2 * inst.r0 + 1] = 0;
      return;
    }
    let rlo: number, rhi = 0, cf: number, of: number;
    if (op === Op.ROL || op === Op.ROR) {
      const k = op === Op.ROL ? c % w : (w - (c % w)) % w;
      if (size === 8) {
        if (k === 0) { rlo = dlo; rhi = dhi; }
        else if (k < 32) { rlo = (dlo << k) | (dhi >>> (32 - k)); rhi = (dhi << k) | (dlo >>> (32 - k)); }
        else if (k === 32) { rlo = dhi; rhi = dlo; }
        else { const j = k - 32; rlo = (dhi << j) | (dlo >>> (32 - j)); rhi = (dlo << j) | (dhi >>> (32 - j)); }
      } else if (size === 4) {
        rlo = k === 0 ? dlo : (dlo << k) | (dlo >>> (32 - k));
      } else {
        const m = (1 << w) - 1;
        rlo = k === 0 ? dlo : ((dlo << k) | (dlo >>> (w - k))) & m;
      }
      rlo |= 0;
      rhi |= 0;
      const msb = signOf(rlo, rhi, size);
      if (op === Op.ROL) {
        cf = rlo & 1;
        of = msb ^ cf;
      } else {
        cf = msb;
        const msb2 = size === 8 ? (rhi >>> 30) & 1 : (rlo >>> (w - 2)) & 1;
        of = msb ^ msb2;
      }
    } else {
      // RCL/RCR through carry: bit-serial on (size*8+1)-bit values, c <= 64.
      let cin = carry(g);
      let lo = dlo, hi = dhi;
      for (let k = 0; k < c; k++) {
        if (op === Op.RCL) {
          const out = signOf(lo, hi, size);
          if (size === 8) { hi = (hi << 1) | (lo >>> 31); lo = (lo << 1) | cin; }
          else { lo = ((lo << 1) | cin) & (size === 4 ? -1 : (1 << w) - 1); }
          cin = out;
        } else {
          const out = lo & 1;
          if (size === 8) { lo = (lo >>> 1) | (hi << 31); hi = (hi >>> 1) | (cin << 31); }
          else { lo = (lo >>> 1) | (cin << (w - 1)); if (size < 4) lo &= (1 << w) - 1; }
          cin = out;
        }
      }
      rlo = lo | 0;
      rhi = size === 8 ? hi | 0 : 0;
      cf = cin;
      const msb = signOf(rlo, rhi, size);
      if (op === Op.RCL) of = msb ^ cf;
      else {
        const msb2 = size === 8 ? (rhi >>> 30) & 1 : (rlo >>> (w - 2)) & 1;
        of = msb ^ msb2;
      }
    }
    this.wr0(inst, rlo, rhi);
    this.setCfOf(cf, of);
  }

  private shiftDouble(inst: Inst): void {
    const size = inst.s0;
    const w = size * 8;
    const dlo = this.rd0(inst);
    const dhi = this.tHi;
    const ea = this.ea;
    const slo = this.rdReg(inst.r1, size);
    const shi = this.tHi;
    const c = this.rd2(inst) & (size === 8 ? 63 : 31);
    this.ea = ea;
    if (c === 0) {
      if (size === 4 && inst.k0 === K.REG) this.g[2 * inst.r0 + 1] = 0;
      return;
    }
    // Compose on BigInt-free pairs: for 64-bit use (dhi:dlo) and (shi:slo).
    let rlo: number, rhi = 0, cf: number;
    const left = inst.op === Op.SHLD;
    if (size === 8) {
      // Concatenate: SHLD: (d:s) << c, take high 64; SHRD: (s:d) >> c, take low 64.
      const words = left ? [slo, shi, dlo, dhi] : [dlo, dhi, slo, shi];
      const get = (bit: number): number => (words[bit >>> 5] >>> (bit & 31)) & 1;
      let lo = 0, hi = 0;
      for (let b = 0; b < 64; b++) {
        const srcBit = left ? b + 64 - c : b + c;
        const v = get(srcBit);
        if (b < 32) lo |= v << b;
        else hi |= v << (b - 32);
      }
      rlo = lo | 0;
      rhi = hi | 0;
      cf = left ? get(128 - c) : get(c - 1);
    } else if (size === 4) {
      if (left) { rlo = (dlo << c) | (slo >>> (32 - c)); cf = (dlo >>> (32 - c)) & 1; }
      else { rlo = (dlo >>> c) | (slo << (32 - c)); cf = (dlo >>> (c - 1)) & 1; }
      rlo |= 0;
    } else if (size === 2) {
      // 16-bit with counts up to 31 (result undefined above 16): model as a 32-bit concat.
      const cat = left ? ((dlo & 0xffff) << 16) | (slo & 0xffff) : ((slo & 0xffff) << 16) | (dlo & 0xffff);
      if (left) {
        const x = c < 32 ? (cat << c) : 0;
        rlo = (c <= 16 ? x >>> 16 : ((((slo & 0xffff) << 16) | (dlo & 0xffff)) << (c - 16)) >>> 16) & 0xffff;
        cf = c <= 16 ? (cat >>> (32 - c)) & 1 : 0;
        void x;
      } else {
        rlo = (cat >>> c) & 0xffff;
        cf = (cat >>> (c - 1)) & 1;
      }
    } else {
      rlo = dlo;
      cf = 0;
    }
    this.wr0(inst, rlo, rhi);
    // OF is defined for count 1 (sign change); for larger counts this matches AMD hosts.
    const sr = signOf(rlo, rhi, size);
    const of = left ? sr ^ cf : sr ^ (size === 8 ? (rhi >>> 30) & 1 : (rlo >>> (w - 2)) & 1);
    this.setResultFlags(rlo, rhi, size, cf, of, 1);
    void w;
  }

  private bitTest(inst: Inst): void {
    const g = this.g;
    const size = inst.s0;
    const w = size * 8;
    let bit: number;
    let lo: number, hi: number;
    if (inst.k0 === K.MEM && inst.k1 === K.REG) {
      // Bit string: the signed offset selects a word relative to the address.
      const olo = this.rdReg(inst.r1, size);
      const ohi = this.tHi;
      const off = size === 8 ? ohi * TWO32 + (olo >>> 0) : size === 4 ? olo | 0 : (olo << 16) >> 16;
      const wordIdx = Math.floor(off / w);
      bit = off - wordIdx * w;
      this.ea = this.addr(inst) + wordIdx * size;
      lo = this.rdMem(this.ea, size);
      hi = this.tHi;
    } else {
      lo = this.rd0(inst);
      hi = this.tHi;
      const ea = this.ea;
      bit = this.rd1(inst) & (w - 1);
      this.ea = ea;
    }
    const cf = bit < 32 ? (lo >>> bit) & 1 : (hi >>> (bit - 32)) & 1;
    if (inst.op !== Op.BT) {
      const m = bit < 32 ? 1 << bit : 0;
      const mh = bit >= 32 ? 1 << (bit - 32) : 0;
      let nlo = lo, nhi = hi;
      if (inst.op === Op.BTS) { nlo |= m; nhi |= mh; }
      else if (inst.op === Op.BTR) { nlo &= ~m; nhi &= ~mh; }
      else { nlo ^= m; nhi ^= mh; }
      if (size === 2) nlo &= 0xffff;
      this.wr0(inst, nlo, nhi);
    }
    setBits(g, (arithFlags(g) & ~CF) | cf);
  }

  private bitScan(inst: Inst): number {
    const op = inst.op;
    if (op === Op.POPCNT && !this.features.popcnt) return this.illegal(inst, "POPCNT (not advertised at this CPU level)");
    if ((op === Op.LZCNT || op === Op.TZCNT) && !this.features.lzcnt) {
      // Without LZCNT/BMI1 the F3 prefix is ignored: LZCNT runs as BSR, TZCNT as BSF.
      return this.bitScanAs(inst, op === Op.LZCNT ? Op.BSR : Op.BSF);
    }
    return this.bitScanAs(inst, op);
  }

  private bitScanAs(inst: Inst, op: number): number {
    const g = this.g;
    const size = inst.s0;
    const w = size * 8;
    const lo = this.rd1(inst);
    const hi = this.tHi;
    const zero = (lo | hi) === 0;
    if (op === Op.POPCNT) {
      const n = popcnt32(lo) + popcnt32(hi);
      this.wrReg(inst.r0, size, n, 0);
      setBits(g, n === 0 ? ZF : 0);
      return CONT;
    }
    if (op === Op.BSF || op === Op.BSR) {
      if (zero) {
        // Destination unchanged (AMD documents it; Intel hardware does the same).
        setBits(g, (arithFlags(g) & ~ZF) | ZF);
        return CONT;
      }
      let n: number;
      if (op === Op.BSF) n = lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
      else n = size === 8 && hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
      this.wrReg(inst.r0, size, n, 0);
      setBits(g, arithFlags(g) & ~ZF);
      return CONT;
    }
    let n: number;
    if (op === Op.TZCNT) n = zero ? w : lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
    else n = size === 8 ? (hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo)) : Math.clz32(lo) - (32 - w);
    this.wrReg(inst.r0, size, n, 0);
    // SF AF PF OF are undefined: the AMD hosts clear SF AF PF and keep OF.
    setBits(g, (arithFlags(g) & OF) | (zero ? CF : 0) | (n === 0 ? ZF : 0));
    return CONT;
  }

  private cmpxchgWide(inst: Inst): number {
    const g = this.g;
    const a = this.addr(inst);
    if (inst.op === Op.CMPXCHG8B) {
      const lo = this.space.rd32(a), hi = this.space.rd32(a + 4);
      if (lo === g[0] && hi === g[4]) {
        this.space.probeWrite(a, 8);
        this.space.wr32(a, g[6]);
        this.space.wr32(a + 4, g[2]);
        setBits(g, arithFlags(g) | ZF);
      } else {
        this.space.probeWrite(a, 8);
        g[0] = lo; g[1] = 0; g[4] = hi; g[5] = 0;
        setBits(g, arithFlags(g) & ~ZF);
      }
      return CONT;
    }
    if (!this.features.cx16) return this.illegal(inst, "CMPXCHG16B (not advertised at this CPU level)");
    if (a % 16 !== 0) return STOP.PRIVILEGED;
    const l0 = this.space.rd64(a), l1 = this.space.hi;
    const h0 = this.space.rd64(a + 8), h1 = this.space.hi;
    this.space.probeWrite(a, 16);
    if (l0 === g[0] && l1 === g[1] && h0 === g[4] && h1 === g[5]) {
      this.space.wr64(a, g[6], g[7]);
      this.space.wr64(a + 8, g[2], g[3]);
      setBits(g, arithFlags(g) | ZF);
    } else {
      g[0] = l0; g[1] = l1; g[4] = h0; g[5] = h1;
      setBits(g, arithFlags(g) & ~ZF);
    }
    return CONT;
  }

  // ---- string instructions ----

  private string(inst: Inst): number {
    const g = this.g;
    const op = inst.op;
    const size = inst.opsize;
    const step = (g[FL_OTHER] & DF) !== 0 ? -size : size;
    const rep = (inst.pfx & (P.REP | P.REPNE)) !== 0;
    const a32 = inst.addrsize === 4;
    let si = a32 ? g[12] >>> 0 : (g[13] >>> 0) * TWO32 + (g[12] >>> 0);
    let di = a32 ? g[14] >>> 0 : (g[15] >>> 0) * TWO32 + (g[14] >>> 0);
    let cnt = rep ? (a32 ? g[2] >>> 0 : (g[3] >>> 0) * TWO32 + (g[2] >>> 0)) : 1;
    // Segment override applies to the source (RSI) only.
    const segBase = inst.seg === R.FS ? this.f64[FSBASE_F64] : inst.seg === R.GS ? this.f64[GSBASE_F64] : 0;
    const m = this.space;
    try {
      switch (op) {
        case Op.MOVS:
          while (cnt > 0) {
            const lo = this.rdMem(si + segBase, size);
            this.wrMem(di, size, lo, this.tHi);
            si += step; di += step; cnt--;
          }
          break;
        case Op.STOS: {
          const lo = this.rdReg(0, size);
          const hi = this.tHi;
          if (size === 8 && step > 0 && cnt > 1) {
            while (cnt > 0) { m.wr64(di, lo, hi); di += 8; cnt--; }
          } else {
            while (cnt > 0) { this.wrMem(di, size, lo, hi); di += step; cnt--; }
          }
          break;
        }
        case Op.LODS:
          while (cnt > 0) {
            const lo = this.rdMem(si + segBase, size);
            this.wrReg(0, size, lo, this.tHi);
            si += step; cnt--;
          }
          break;
        case Op.CMPS: case Op.SCAS: {
          const repz = (inst.pfx & P.REP) !== 0;
          while (cnt > 0) {
            let dlo: number, dhi: number;
            if (op === Op.CMPS) { dlo = this.rdMem(si + segBase, size); dhi = this.tHi; }
            else { dlo = this.rdReg(0, size); dhi = this.tHi; }
            const slo = this.rdMem(di, size);
            const shi = this.tHi;
            const rlo = this.subv(size, dlo, dhi, slo, shi, 0);
            setLazy(g, K_SUB, size, rlo, this.tHi, dlo, dhi, slo, shi);
            if (op === Op.CMPS) si += step;
            di += step;
            cnt--;
            if (!rep) break;
            const eq = dlo === slo && dhi === shi;
            if (repz ? !eq : eq) break;
          }
          break;
        }
      }
    } finally {
      if (a32) {
        g[12] = si; g[13] = 0; g[14] = di; g[15] = 0;
        if (rep) { g[2] = cnt; g[3] = 0; }
      } else {
        g[12] = si >>> 0; g[13] = Math.floor(si / TWO32) | 0;
        g[14] = di >>> 0; g[15] = Math.floor(di / TWO32) | 0;
        if (rep) { g[2] = cnt >>> 0; g[3] = Math.floor(cnt / TWO32) | 0; }
      }
    }
    return CONT;
  }

  /** Instruction bytes of the instruction at addr (for diagnostics). */
  bytesAt(addr: number, len: number): Uint8Array {
    const b = new Uint8Array(16);
    const n = this.space.fetch(addr, b, Math.min(15, len));
    return b.slice(0, n);
  }
}


export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

void PAGE_SIZE;
void K_NONE;
void FL_OP;
void materialize;
void PF;
