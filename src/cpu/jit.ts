// The JIT tier: a hot decoded block becomes one JavaScript function (new Function) with its
// instructions' operands, sizes and addresses folded into straight-line code. Forms it does not
// know call the interpreter's handler for that one instruction, so every block can be compiled.

import { K, P, R, type Inst } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { TLB_SIZE, type Space } from "../mem/space.js";
import { endsBlock, type Block, type JitFn, type JitHost } from "./cache.js";
import { FLAGS_ARITH, flagsClobbered, flagsPassThrough, flagsResultOnly } from "../x86/facts.js";
import { Lazy, arithFlags, carry, cond } from "./flags.js";
import { FL_AUX, FL_BITS, FL_DST, FL_OP, FL_RES, FL_SIZE, FL_SRC, FSBASE_F64, GSBASE_F64, RIP_F64, XMM_I32 } from "./state.js";

export type { JitFn, JitHost };

const TWO32 = 4294967296;
const TLB_MASK = TLB_SIZE - 1;
const TWO32S = "4294967296";
/** The one-byte/two-byte-immediate mask per size. */
const MASK: Record<number, string> = { 1: "255", 2: "65535" };

/** Statistics (for rt0 run --stats-file and the benchmark notes). */
export const jitStats = { blocks: 0, traced: 0, loops: 0, insts: 0, generic: 0, ms: 0 };

/** A flags-setting instruction whose values are still in the flag locals (fd0 fd1 fs0 fs1 fr0 fr1);
 *  kind PARTIAL: an instruction that changed only some flags (mask) whose new values are in the
 *  locals fc (CF) and fz (ZF). */
interface Setter {
  kind: number;
  size: number;
  mask?: number;
}
const PARTIAL = -1;
const CF_BIT = 1, ZF_BIT = 64, OF_BIT = 2048;

/** High 32 bits of the unsigned 32x32 product. */
function mulhu(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** The 128-bit product of two 64-bit values (unsigned, or signed with `signed`) into W[0..3]
 *  (32-bit words, least significant first). */
function mul128(alo: number, ahi: number, blo: number, bhi: number, signed: boolean, W: Int32Array): void {
  const lo0 = Math.imul(alo, blo), hi0 = mulhu(alo, blo);
  const lo1 = Math.imul(alo, bhi), hi1 = mulhu(alo, bhi);
  const lo2 = Math.imul(ahi, blo), hi2 = mulhu(ahi, blo);
  const lo3 = Math.imul(ahi, bhi), hi3 = mulhu(ahi, bhi);
  const s1 = (hi0 >>> 0) + (lo1 >>> 0) + (lo2 >>> 0);
  const c1 = Math.floor(s1 / TWO32);
  const s2 = (hi1 >>> 0) + (hi2 >>> 0) + (lo3 >>> 0) + c1;
  let w2 = s2 | 0;
  let w3 = (hi3 + Math.floor(s2 / TWO32)) | 0;
  if (signed) {
    if (ahi < 0) { const l = (w2 >>> 0) - (blo >>> 0); w3 = (w3 - bhi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
    if (bhi < 0) { const l = (w2 >>> 0) - (alo >>> 0); w3 = (w3 - ahi - (l < 0 ? 1 : 0)) | 0; w2 = l | 0; }
  }
  W[0] = lo0;
  W[1] = s1 | 0;
  W[2] = w2;
  W[3] = w3;
}

/** Whether an instruction's flags are a function of its operands alone (all six written, none
 *  read or kept: the instruction table's facts), for the dead-flags scan. */
function writesAllFlags(inst: Inst): boolean {
  const last = inst.nops - 1;
  const countKind = last === 0 ? inst.k0 : last === 1 ? inst.k1 : inst.k2;
  const countMayBeZero = !(countKind === K.IMM && (inst.imm & (inst.s0 === 8 ? 63 : 31)) !== 0);
  return flagsResultOnly(inst.op, countMayBeZero, (inst.pfx & (P.REP | P.REPNE)) !== 0);
}

/** Ops that change arithmetic flags: their compiled forms write the flag locals (fd0..fs1,
 *  fr0/fr1, fa, fc, fz). */
function writesFlagLocals(op: number): boolean {
  return (flagsClobbered(op) & FLAGS_ARITH) !== 0;
}

/** Whether an instruction's compiled form makes its only memory access before it writes any
 *  flag local (then a TLB miss leaves with the pending setter's locals intact, and the pending
 *  store need not be flushed first): CMP and TEST, and the two-operand ALU ops with a register
 *  destination (their memory source is read first). In go1.26's sort, a flush of eight stores
 *  came before each nil check (TESTB AX, (R8)). */
function memoryFirst(inst: Inst): boolean {
  switch (inst.op) {
    case Op.CMP: case Op.TEST:
      return inst.k0 === K.MEM || inst.k1 === K.MEM;
    case Op.ADD: case Op.SUB: case Op.AND: case Op.OR: case Op.XOR:
      return inst.k0 === K.REG && inst.k1 === K.MEM;
  }
  return false;
}

/** Ops that neither read nor write any flag (the instruction table's facts). */
function flagNeutral(op: number): boolean {
  return flagsPassThrough(op);
}

/** Whether the flags an instruction writes are overwritten, unread, later in its block (then
 *  the JIT need not compute them). A memory fault in between would expose the stale flags to a
 *  signal handler; no Go handler reads them (a documented imprecision of the JIT tier). */
function flagsDead(insts: Inst[], i: number): boolean {
  for (let j = i + 1; j < insts.length; j++) {
    const x = insts[j];
    if ((x.pfx & (P.VEX | P.EVEX | P.XOP)) !== 0) return false;
    if (writesAllFlags(x)) return true;
    if (!flagNeutral(x.op)) return false;
  }
  return false;
}

const isGpr = (k: number, r: number): boolean => k === K.REG && r >= 0 && r < 16;
const isXmm = (k: number, r: number): boolean => k === K.REG && r >= R.XMM0 && r < R.XMM0 + 16;

/** Code storing a setter's lazy flags from the flag locals (kind and size: JS expressions). */
function flagStore(kind: string, size: string, withOperands: boolean, aux: boolean): string {
  let s = `g[${FL_OP}]=${kind};g[${FL_SIZE}]=${size};g[${FL_RES}]=fr0;g[${FL_RES + 1}]=fr1;`;
  if (withOperands) s += `g[${FL_DST}]=fd0;g[${FL_DST + 1}]=fd1;g[${FL_SRC}]=fs0;g[${FL_SRC + 1}]=fs1;`;
  if (aux) s += `g[${FL_AUX}]=fa;`;
  return s;
}

/** Code merging a partial flag update into g's flags: keep the bits of `keep` (a JS expression),
 *  OR in `set` (code starting with "|"). */
function partialStore(keep: string, set: string): string {
  return `g[${FL_BITS}]=(arithFlags(g)&${keep})${set};g[${FL_OP}]=0;`;
}

class Gen {
  out: string[] = [];
  /** The code that stores the last setter's lazy flags, not yet emitted. */
  pending = "";
  /** The last setter whose operands are in the flag locals (null: unknown, read g). */
  known: Setter | null = null;
  generic = 0;

  /** Position of the instruction being generated in the trace (instructions before it). */
  pos = 0;
  /** Address where the trace continues after the current block (-1: it ends there). */
  fallInto = -1;
  /** "N+" in a looping trace (N: instructions of the passes before this one), else "". */
  base = "";

  /** Code setting nd, the instructions retired when the trace leaves, to those up to the
   *  current one plus n. Every way out of the trace sets ex (the next RIP) and nd and breaks to
   *  one shared exit (the L label), which writes registers back: an exit taken for the first time
   *  then has no property access or call without type feedback, so V8 keeps the optimized trace. */
  done(n: number): string {
    return `nd=${this.base}${this.pos + n};`;
  }

  /** Code leaving the trace for addr, after the current instruction plus n-1 more. */
  exit(addr: number | string, n: number): string {
    return `${this.exitFlags()}ex=${addr};${this.done(n)}break L;`;
  }

  /** The trace's entry address when a branch back to it runs another pass in the function
   *  instead of leaving (-1: every branch leaves). */
  reenter = -1;

  /** Code for a branch (after the current instruction plus n-1 more) to addr: another pass when
   *  addr is the entry and the budget allows one more (flags stored in g, where the entry reads
   *  them), else leaving the trace. */
  branch(addr: number, n: number): string {
    if (addr !== this.reenter) return this.exit(addr, n);
    return `${this.pending}N+=${this.pos + n};if(N+${PASS}>B){ex=${addr};nd=N;break L;}continue T;`;
  }

  emit(s: string): void {
    this.out.push(s);
  }

  /** Address of the instruction being compiled (where a TLB miss leaves the trace). */
  cur = 0;
  /** The pending setter's kind and size (0: none, its flags are in g; -1: a partial merge, and
   *  the size is its mask). */
  pendingKind = 0;
  pendingSize = 0;

  /** Store the pending setter's flags in g now (before an interpreter call, a read of g's
   *  flags, or a loop's back edge). Exits need no flush: they name the pending setter in fk/fsz
   *  and the shared exit stores the flag locals. */
  flush(): void {
    if (this.pending !== "") {
      this.out.push(this.pending);
      this.pending = "";
      this.pendingKind = 0;
      MISS = this.exit(this.cur, 0);
    }
  }

  /** Code naming the pending setter for the shared exit. */
  exitFlags(): string {
    return this.pendingKind === 0 ? "" : `fk=${this.pendingKind};fsz=${this.pendingSize};`;
  }

  /** A setter recorded its operands in the flag locals: its store becomes pending (replacing
   *  an earlier one that nothing could observe). */
  setFlags(kind: number, size: number, withOperands: boolean, aux = false): void {
    this.pending = flagStore(String(kind), String(size), withOperands, aux);
    this.pendingKind = kind;
    this.pendingSize = size;
    this.known = { kind, size };
  }

  /** An instruction changed only the flags in mask (CF from local fc, ZF from fz, OF from fo):
   *  the previous flags must be in g first; the merge is pending like a setter's store (an exit
   *  names it as fk=-1, fsz=mask, and the shared exit merges). */
  setPartial(mask: number, size: number): void {
    this.flush();
    let set = "";
    if (mask & CF_BIT) set += "|fc";
    if (mask & ZF_BIT) set += `|(fz?${ZF_BIT}:0)`;
    if (mask & OF_BIT) set += `|(fo?${OF_BIT}:0)`;
    this.pending = partialStore(String(~mask), set);
    this.pendingKind = -1;
    this.pendingSize = mask;
    this.known = { kind: PARTIAL, size, mask };
  }

  /** Flags are changed in g by something else (a helper or the interpreter). */
  clobberFlags(): void {
    this.flush();
    this.known = null;
  }
}

/** int32 minimum: (a ^ MIN) < (b ^ MIN) is a < b unsigned, with int32 operands only. Addresses
 *  and 64-bit arithmetic in compiled code stay in int32 halves: a value above 2^31 would be a
 *  double, a heap number each time while V8 runs a trace unoptimized (go1.26 json: 211 MiB of
 *  garbage from traces), and float work (division, floor) once optimized. */
const MIN = "-2147483648";

/** Code adding the 64-bit value (alo, ahi) (int32 expressions) to (u, v), carrying into v (w is
 *  its scratch: t may hold a call's target across the address code). */
function addUV(alo: string, ahi: string): string {
  return `w=u;u=(u+${alo})|0;v=(v+${ahi}+((u^${MIN})<(w^${MIN})?1:0))|0;`;
}

/** Code computing base + index*scale + disp (64-bit, registers < 16) into (u, v). */
export function addrUV(b: number, x: number, scale: number, disp: number): string {
  let s = b >= 0 ? `u=g[${2 * b}];v=g[${2 * b + 1}];` : "";
  if (x >= 0) {
    const sh = scale === 8 ? 3 : scale === 4 ? 2 : scale === 2 ? 1 : 0;
    const xl = sh === 0 ? `g[${2 * x}]` : `(g[${2 * x}]<<${sh})`;
    const xh = sh === 0 ? `g[${2 * x + 1}]` : `((g[${2 * x + 1}]<<${sh})|(g[${2 * x}]>>>${32 - sh}))`;
    s += b >= 0 ? addUV(xl, xh) : `u=${xl};v=${xh};`;
  }
  if (s === "") return `u=${disp | 0};v=${disp < 0 ? -1 : 0};`;
  if (disp !== 0) s += addUV(String(disp | 0), disp < 0 ? "-1" : "0");
  return s;
}

/** Code computing the effective address of inst's memory operand into (u, v) (int32 halves:
 *  address = (v >>> 0) * 2^32 + (u >>> 0)). */
function ea(inst: Inst): string | null {
  if (inst.addrsize !== 8 && inst.addrsize !== 4) return null;
  const b = inst.base, x = inst.index;
  const seg = inst.seg === R.FS || inst.seg === R.GS;
  if (b === R.RIP || (b === R.NONE && x === R.NONE && !seg)) {
    // A constant address: RIP-relative or absolute.
    const at = b === R.RIP ? inst.addr + inst.len + inst.disp : inst.disp;
    const A = inst.addrsize === 4 ? at >>> 0 : at;
    if (A < 0) return null;
    return `u=${A % TWO32 | 0};v=${Math.floor(A / TWO32) | 0};`;
  }
  if (b > 15 || x > 15) return null;
  let s = addrUV(b, x, inst.scale, inst.disp);
  if (inst.addrsize === 4) s += "v=0;";
  if (seg) {
    // The segment base (a double in the state): rare in Go (TLS); split into halves here.
    const i = inst.seg === R.FS ? FSBASE_F64 : GSBASE_F64;
    s += `p=f64[${i}];` + addUV(`(p%${TWO32S}|0)`, `(Math.floor(p/${TWO32S})|0)`);
  }
  return s;
}

/** Read a GPR of a size into (lv, hv). */
function rdReg(r: number, size: number, lv: string, hv: string): string {
  switch (size) {
    case 8: return `${lv}=g[${2 * r}];${hv}=g[${2 * r + 1}];`;
    case 4: return `${lv}=g[${2 * r}];${hv}=0;`;
    default: return `${lv}=g[${2 * r}]&${MASK[size]};${hv}=0;`;
  }
}

/** Write (lv, hv) to a GPR of a size (r < 16). */
function wrReg(r: number, size: number, lv: string, hv: string): string {
  switch (size) {
    case 8: return `g[${2 * r}]=${lv};g[${2 * r + 1}]=${hv};`;
    case 4: return `g[${2 * r}]=${lv};g[${2 * r + 1}]=0;`;
    case 2: return `g[${2 * r}]=(g[${2 * r}]&-65536)|(${lv}&65535);`;
    default: return `g[${2 * r}]=(g[${2 * r}]&-256)|(${lv}&255);`;
  }
}

/** The code that leaves the trace before the instruction being compiled (set by genInst): a
 *  memory access that misses the TLB (or crosses a page) exits there, and the interpreter runs
 *  the instruction (refilling the TLB or raising the fault with exact state). Compiled code thus
 *  calls no memory function: a call site first reached after V8 optimized the trace would
 *  deoptimize it, and a call would box the address (a double above 2^31). Every access comes
 *  after the pending flags are stored and before the instruction changes any register. */
let MISS = "";
/** Stands for the trace's length in a re-entry's budget test until the length is known. */
const PASS = "/*PASS*/";

/** The TLB test for an access at (u, v) of a size ending at page offset lim or below (tags: RT
 *  read, WT write: Space.jrTag/jwTag, page / TLB_SIZE per slot, -1 when empty); sets i (slot)
 *  and o (page offset). A high half outside user space (v >= 2^15, or negative) never hits. */
function tlbHit(tags: "RT" | "WT", lim: number): string {
  return `i=(u>>>12)&${TLB_MASK};o=u&4095;` +
    `if((v>>>15)===0&&${tags}[i]===((v<<6)|(u>>>26))${lim < 4095 ? `&&o<=${lim}` : ""})`;
}

/** (u, v) = RSP + delta (delta -8: a push; 0: a pop). */
function stackTop(delta: number): string {
  return delta < 0 ? `u=g[8];v=g[9];w=u;u=(u-8)|0;v=(v-((u^${MIN})>(w^${MIN})?1:0))|0;` : "u=g[8];v=g[9];";
}
/** RSP = (u, v) (after a push's access). */
const SET_RSP_PUSHED = "g[8]=u;g[9]=v;";
/** RSP = (u, v) + 8 (after a pop's access). */
const SET_RSP_POPPED = `w=u;u=(u+8)|0;g[8]=u;g[9]=(v+((u^${MIN})<(w^${MIN})?1:0))|0;`;
/** The 64-bit value in the locals (lo, hi) as a number (a jump target). */
const LOHI = `(hi>>>0)*${TWO32S}+(lo>>>0)`;

/** Read a size from address `a` into (lv, hv) through the read TLB. */
function rdMem(size: number, lv: string, hv: string): string {
  const hit = (lim: number): string => tlbHit("RT", lim);
  switch (size) {
    case 8: return `${hit(4088)}{${lv}=M.getInt32(RO[i]+o,true);${hv}=M.getInt32(RO[i]+o+4,true);}else{${MISS}}`;
    case 4: return `${hit(4092)}${lv}=M.getInt32(RO[i]+o,true);else{${MISS}}${hv}=0;`;
    case 2: return `${hit(4094)}${lv}=M.getUint16(RO[i]+o,true);else{${MISS}}${hv}=0;`;
    default: return `${hit(4095)}${lv}=M.getUint8(RO[i]+o);else{${MISS}}${hv}=0;`;
  }
}

/** Write (lv, hv) of a size to address `a` through the write TLB (which holds a page only while
 *  no write hook is set and no code was decoded from it). */
function wrMem(size: number, lv: string, hv: string): string {
  const hit = (lim: number): string => tlbHit("WT", lim);
  switch (size) {
    case 8: return `${hit(4088)}{M.setInt32(WO[i]+o,${lv},true);M.setInt32(WO[i]+o+4,${hv},true);}else{${MISS}}`;
    case 4: return `${hit(4092)}M.setInt32(WO[i]+o,${lv},true);else{${MISS}}`;
    case 2: return `${hit(4094)}M.setUint16(WO[i]+o,${lv},true);else{${MISS}}`;
    default: return `${hit(4095)}M.setUint8(WO[i]+o,${lv});else{${MISS}}`;
  }
}

/** Immediate of a size as (lo, hi) literals. */
function immOf(inst: Inst, size: number): [string, string] {
  switch (size) {
    case 8: return [String(inst.imm), String(inst.immHi)];
    case 4: return [String(inst.imm), "0"];
    case 2: return [String(inst.imm & 0xffff), "0"];
    default: return [String(inst.imm & 255), "0"];
  }
}

/** Code reading operand j (REG/MEM/IMM) of a size into (lv, hv); a memory operand computes `a`
 *  first. null when the operand is not a plain GPR, memory or immediate. */
function rdOperand(inst: Inst, j: number, size: number, lv: string, hv: string): string | null {
  const k = j === 0 ? inst.k0 : j === 1 ? inst.k1 : inst.k2;
  const r = j === 0 ? inst.r0 : j === 1 ? inst.r1 : inst.r2;
  if (k === K.REG) return isGpr(k, r) ? rdReg(r, size, lv, hv) : null;
  if (k === K.MEM) {
    const e = ea(inst);
    return e === null ? null : e + rdMem(size, lv, hv);
  }
  if (k === K.IMM) {
    const [l, h] = immOf(inst, size);
    return `${lv}=${l};${hv}=${h};`;
  }
  return null;
}

/** Code reading operand 1 (a GPR or memory, which may leave the trace: the pending flags go to
 *  g first) into (lo, hi); null for other operands. */
function srcRegOrMem(gen: Gen, inst: Inst, size: number): string | null {
  if (inst.k1 === K.MEM) {
    const a = ea(inst);
    if (a === null) return null;
    return a + rdMem(size, "lo", "hi");
  }
  return isGpr(inst.k1, inst.r1) ? rdReg(inst.r1, size, "lo", "hi") : null;
}

/** Result-based condition pieces for a setter of a size. */
function zeroOf(size: number): string {
  return size === 8 ? "(fr0|fr1)===0" : "fr0===0";
}
function signOfRes(size: number): string {
  switch (size) {
    case 8: return "fr1<0";
    case 4: return "fr0<0";
    case 2: return "(fr0&32768)!==0";
    default: return "(fr0&128)!==0";
  }
}

/** Unsigned a < b of the flag-local pairs (a0, a1) and (b0, b1) (a size-8 setter's 64-bit values;
 *  else the low words). Every operation in the usual case (equal high words) also runs in the
 *  rare one, so no arithmetic is first reached after V8 optimized the trace (that deoptimizes). */
export function ult64(size: number, a: string, b: string): string {
  return size === 8
    ? `((${a}1^${MIN})<(${b}1^${MIN})||(${a}1===${b}1&&(${a}0^${MIN})<(${b}0^${MIN})))`
    : `((${a}0^${MIN})<(${b}0^${MIN}))`;
}

/** A condition-code test as a JS expression (flushes and reads g when it cannot be derived from
 *  the last known setter). */
function condExpr(gen: Gen, cc: number): string {
  const k = gen.known;
  if (k !== null && k.kind === PARTIAL) {
    const m = k.mask ?? 0;
    if ((m & CF_BIT) !== 0 && (cc === 2 || cc === 3)) return cc === 2 ? "(fc!==0)" : "(fc===0)";
    if ((m & ZF_BIT) !== 0 && (cc === 4 || cc === 5)) return cc === 4 ? "fz" : "!fz";
  } else if (k !== null) {
    const size = k.size;
    if (k.kind === Lazy.SUB) {
      const ult = (a: string, b: string): string => ult64(size, a, b);
      const ext = (v: string): string => size === 4 ? `(${v}|0)` : size === 2 ? `((${v}<<16)>>16)` : `((${v}<<24)>>24)`;
      const slt = (a: string, b: string): string => size === 8
        ? `(${a}1<${b}1||(${a}1===${b}1&&(${a}0^${MIN})<(${b}0^${MIN})))`
        : `(${ext(a + "0")}<${ext(b + "0")})`;
      const eq = size === 8 ? "(fd0===fs0&&fd1===fs1)" : "(fd0===fs0)";
      switch (cc) {
        case 2: return ult("fd", "fs");
        case 3: return `!${ult("fd", "fs")}`;
        case 4: return eq;
        case 5: return `!${eq}`;
        case 6: return `!${ult("fs", "fd")}`;
        case 7: return ult("fs", "fd");
        case 12: return slt("fd", "fs");
        case 13: return `!${slt("fd", "fs")}`;
        case 14: return `!${slt("fs", "fd")}`;
        case 15: return slt("fs", "fd");
      }
    } else if (k.kind === Lazy.LOGIC) {
      const z = zeroOf(size), sg = signOfRes(size);
      switch (cc) {
        case 0: case 2: return "false";
        case 1: case 3: return "true";
        case 4: case 6: return `(${z})`;
        case 5: case 7: return `!(${z})`;
        case 8: case 12: return `(${sg})`;
        case 9: case 13: return `!(${sg})`;
        case 14: return `(${z}||${sg})`;
        case 15: return `!(${z}||${sg})`;
      }
    } else {
      switch (cc) {
        case 4: return `(${zeroOf(size)})`;
        case 5: return `!(${zeroOf(size)})`;
        case 8: return `(${signOfRes(size)})`;
        case 9: return `!(${signOfRes(size)})`;
      }
    }
  }
  gen.flush();
  return `cond(g,${cc})`;
}

/** CF (0/1) as a JS expression, from the last known setter when possible. */
function carryExpr(gen: Gen): string {
  const k = gen.known;
  if (k !== null && k.kind === PARTIAL) {
    if (((k.mask ?? 0) & CF_BIT) !== 0) return "fc";
  } else if (k !== null) {
    const size = k.size;
    const ult = (a: string, b: string): string => ult64(size, a, b);
    if (k.kind === Lazy.SUB) return `(${ult("fd", "fs")}?1:0)`;
    if (k.kind === Lazy.ADD) return `(${ult("fr", "fd")}?1:0)`;
    if (k.kind === Lazy.LOGIC) return "0";
    if (k.kind === Lazy.INC || k.kind === Lazy.DEC) return "fa";
  }
  gen.flush();
  return "carry(g)";
}

/** Compile one instruction (not the block's last transfer handling); false: use the interpreter. */
function genInst(gen: Gen, inst: Inst, idx: number, last: boolean, insts: Inst[]): boolean {
  if ((inst.pfx & (P.VEX | P.EVEX | P.XOP | P.LOCK)) !== 0) return false;
  const op = inst.op;
  const e = (s: string): void => gen.emit(s);
  gen.cur = inst.addr;
  // An instruction that puts values in the flag locals before its last memory access stores the
  // pending setter's flags first: a TLB-miss exit after that would store the locals under the
  // pending setter's kind.
  if (writesFlagLocals(op) && (inst.k0 === K.MEM || inst.k1 === K.MEM || inst.k2 === K.MEM) && !memoryFirst(inst)) gen.flush();
  MISS = gen.exit(inst.addr, 0);
  const next = inst.addr + inst.len;
  switch (op) {
    case Op.NOP: case Op.ENDBR64: case Op.PAUSE: case Op.PREFETCHT0: case Op.PREFETCHNTA:
      return true;

    case Op.MOV: {
      const s = inst.s0;
      if (s !== 1 && s !== 2 && s !== 4 && s !== 8) return false;
      if (inst.k0 === K.REG) {
        if (!isGpr(inst.k0, inst.r0)) return false;
        if (inst.k1 === K.MEM) {
          const a = ea(inst);
          if (a === null) return false;
          e(a + rdMem(s, "lo", "hi") + wrReg(inst.r0, s, "lo", "hi"));
          return true;
        }
        if (isGpr(inst.k1, inst.r1)) {
          const r0 = inst.r0, r1 = inst.r1;
          if (s === 8) e(`g[${2 * r0}]=g[${2 * r1}];g[${2 * r0 + 1}]=g[${2 * r1 + 1}];`);
          else e(rdReg(r1, s, "lo", "hi") + wrReg(r0, s, "lo", "hi"));
          return true;
        }
        if (inst.k1 === K.IMM) {
          const [l, h] = immOf(inst, s);
          e(wrReg(inst.r0, s, l, h));
          return true;
        }
        return false;
      }
      if (inst.k0 === K.MEM) {
        const a = ea(inst);
        if (a === null) return false;
        let src: string;
        if (isGpr(inst.k1, inst.r1)) src = rdReg(inst.r1, s, "lo", "hi");
        else if (inst.k1 === K.IMM) {
          const [l, h] = immOf(inst, s);
          src = `lo=${l};hi=${h};`;
        } else return false;
        e(src + a + wrMem(s, "lo", "hi"));
        return true;
      }
      return false;
    }

    case Op.MOVZX: case Op.MOVSX: case Op.MOVSXD: {
      const s0 = inst.s0, s1 = inst.s1;
      if (!isGpr(inst.k0, inst.r0) || (s0 !== 4 && s0 !== 8) || (s1 !== 1 && s1 !== 2 && s1 !== 4)) return false;
      const rd = srcRegOrMem(gen, inst, s1);
      if (rd === null) return false;
      if (op === Op.MOVZX) {
        if (s1 === 4) return false;
        e(rd + wrReg(inst.r0, s0, "lo", "0"));
      } else {
        const x = s1 === 1 ? "lo=(lo<<24)>>24;" : s1 === 2 ? "lo=(lo<<16)>>16;" : "lo|=0;";
        e(rd + x + wrReg(inst.r0, s0, "lo", "(lo>>31)"));
      }
      return true;
    }

    case Op.LEA: {
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || (s !== 8 && s !== 4) || inst.k1 !== K.MEM) return false;
      if (inst.base === R.RIP) {
        const v = next + inst.disp;
        const lo = v % TWO32, hi = Math.floor(v / TWO32);
        e(wrReg(inst.r0, s, String(lo | 0), String(hi | 0)));
        return true;
      }
      const b = inst.base, x = inst.index;
      if (b > 15 || x > 15 || inst.addrsize !== 8) return false;
      e(addrUV(b, x, inst.scale, inst.disp) + wrReg(inst.r0, s, "u", "v"));
      return true;
    }

    case Op.ADD: case Op.SUB: case Op.CMP: case Op.AND: case Op.OR: case Op.XOR: case Op.TEST: {
      const s = inst.s0;
      if (s !== 1 && s !== 2 && s !== 4 && s !== 8) return false;
      const dstReg = isGpr(inst.k0, inst.r0);
      if (!dstReg && inst.k0 !== K.MEM) return false;
      const writes = op !== Op.CMP && op !== Op.TEST;
      let code = "";
      // The memory operand first (see memoryFirst), then the register or immediate.
      if (dstReg && inst.k1 === K.MEM) {
        const a = ea(inst);
        if (a === null) return false;
        code += a + rdMem(s, "fs0", "fs1") + rdReg(inst.r0, s, "fd0", "fd1");
      } else if (dstReg) code += rdReg(inst.r0, s, "fd0", "fd1");
      else {
        const a = ea(inst);
        if (a === null) return false;
        code += a + rdMem(s, "fd0", "fd1");
      }
      if (inst.k1 === K.MEM) {
        if (!dstReg) return false;
      } else {
        const r = rdOperand(inst, 1, s, "fs0", "fs1");
        if (r === null) return false;
        code += r;
      }
      let kind: number;
      switch (op) {
        case Op.ADD:
          kind = Lazy.ADD;
          if (s === 8) code += `fr0=(fd0+fs0)|0;fr1=(fd1+fs1+((fr0^${MIN})<(fd0^${MIN})?1:0))|0;`;
          else if (s === 4) code += "fr0=(fd0+fs0)|0;fr1=0;";
          else code += `fr0=(fd0+fs0)&${MASK[s]};fr1=0;`;
          break;
        case Op.SUB: case Op.CMP:
          kind = Lazy.SUB;
          if (s === 8) code += `fr0=(fd0-fs0)|0;fr1=(fd1-fs1-((fd0^${MIN})<(fs0^${MIN})?1:0))|0;`;
          else if (s === 4) code += "fr0=(fd0-fs0)|0;fr1=0;";
          else code += `fr0=(fd0-fs0)&${MASK[s]};fr1=0;`;
          break;
        case Op.AND: case Op.TEST: kind = Lazy.LOGIC; code += "fr0=fd0&fs0;fr1=fd1&fs1;"; break;
        case Op.OR: kind = Lazy.LOGIC; code += "fr0=fd0|fs0;fr1=fd1|fs1;"; break;
        default: kind = Lazy.LOGIC; code += "fr0=fd0^fs0;fr1=fd1^fs1;"; break;
      }
      if (writes) code += dstReg ? wrReg(inst.r0, s, "fr0", "fr1") : wrMem(s, "fr0", "fr1");
      e(code);
      gen.setFlags(kind, s, kind !== Lazy.LOGIC);
      return true;
    }

    case Op.INC: case Op.DEC: case Op.NEG: case Op.NOT: {
      const s = inst.s0;
      if ((op === Op.INC || op === Op.DEC) && inst.k0 === K.MEM && (s === 4 || s === 8)) {
        const a = ea(inst);
        if (a === null) return false;
        let code = `fa=${carryExpr(gen)};` + a + rdMem(s, "fd0", "fd1");
        if (op === Op.INC) code += s === 8 ? "fr0=(fd0+1)|0;fr1=(fd1+(fr0===0?1:0))|0;" : "fr0=(fd0+1)|0;fr1=0;";
        else code += s === 8 ? "fr0=(fd0-1)|0;fr1=(fd1-(fd0===0?1:0))|0;" : "fr0=(fd0-1)|0;fr1=0;";
        code += "fs0=1;fs1=0;" + wrMem(s, "fr0", "fr1");
        e(code);
        gen.setFlags(op === Op.INC ? Lazy.INC : Lazy.DEC, s, true, true);
        return true;
      }
      if (!isGpr(inst.k0, inst.r0) || (s !== 4 && s !== 8)) return false;
      const r = inst.r0;
      if (op === Op.NOT) {
        // No flags: the flag locals keep the pending setter's values.
        e(rdReg(r, s, "lo", "hi") + wrReg(r, s, "~lo", s === 8 ? "~hi" : "0"));
        return true;
      }
      let code = rdReg(r, s, "fd0", "fd1");
      if (op === Op.NEG) {
        code += s === 8 ? "fr0=-fd0|0;fr1=(~fd1+(fd0===0?1:0))|0;" : "fr0=-fd0|0;fr1=0;";
        code += "fs0=fd0;fs1=fd1;fd0=0;fd1=0;";
        e(code + wrReg(r, s, "fr0", "fr1"));
        gen.setFlags(Lazy.SUB, s, true);
        return true;
      }
      // INC/DEC keep CF: read it from the current flags first (before the flag locals change).
      code = `fa=${carryExpr(gen)};` + code;
      if (op === Op.INC) code += s === 8 ? "fr0=(fd0+1)|0;fr1=(fd1+(fr0===0?1:0))|0;" : "fr0=(fd0+1)|0;fr1=0;";
      else code += s === 8 ? "fr0=(fd0-1)|0;fr1=(fd1-(fd0===0?1:0))|0;" : "fr0=(fd0-1)|0;fr1=0;";
      code += "fs0=1;fs1=0;";
      e(code + wrReg(r, s, "fr0", "fr1"));
      gen.setFlags(op === Op.INC ? Lazy.INC : Lazy.DEC, s, true, true);
      return true;
    }

    case Op.SHL: case Op.SHR: case Op.SAR: {
      const s = inst.s0;
      if (isGpr(inst.k0, inst.r0) && (s === 4 || s === 8) && inst.k1 === K.REG && inst.r1 === R.RCX && inst.s1 === 1) {
        // Count in CL, known only at run time: a zero count changes nothing (not even flags).
        const r = inst.r0;
        const kind = op === Op.SHL ? Lazy.SHL : op === Op.SHR ? Lazy.SHR : Lazy.SAR;
        gen.clobberFlags();
        let body = rdReg(r, s, "fd0", "fd1");
        if (s === 4) body += op === Op.SHL ? "fr0=fd0<<c;" : op === Op.SHR ? "fr0=(fd0>>>c)|0;" : "fr0=fd0>>c;";
        else if (op === Op.SHL) body += "if(c<32){fr1=(fd1<<c)|(fd0>>>(32-c));fr0=fd0<<c;}else{fr1=fd0<<(c-32);fr0=0;}";
        else if (op === Op.SHR) body += "if(c<32){fr0=(fd0>>>c)|(fd1<<(32-c));fr1=(fd1>>>c)|0;}else{fr0=(fd1>>>(c-32))|0;fr1=0;}";
        else body += "if(c<32){fr0=(fd0>>>c)|(fd1<<(32-c));fr1=fd1>>c;}else{fr0=fd1>>(c-32);fr1=fd1>>31;}";
        if (s === 4) body += "fr1=0;";
        body += wrReg(r, s, "fr0", "fr1");
        body += `g[${FL_OP}]=${kind};g[${FL_SIZE}]=${s};g[${FL_RES}]=fr0;g[${FL_RES + 1}]=fr1;g[${FL_DST}]=fd0;g[${FL_DST + 1}]=fd1;g[${FL_SRC}]=c;g[${FL_SRC + 1}]=0;`;
        e(`c=g[2]&${s === 8 ? 63 : 31};if(c!==0){${body}}` + (s === 4 ? `else g[${2 * r + 1}]=0;` : ""));
        return true;
      }
      if (!isGpr(inst.k0, inst.r0) || (s !== 4 && s !== 8) || inst.k1 !== K.IMM) return false;
      const c = inst.imm & (s === 8 ? 63 : 31);
      if (c === 0) return false;
      const r = inst.r0;
      let code = rdReg(r, s, "fd0", "fd1");
      const kind = op === Op.SHL ? Lazy.SHL : op === Op.SHR ? Lazy.SHR : Lazy.SAR;
      if (s === 4) {
        code += op === Op.SHL ? `fr0=fd0<<${c};` : op === Op.SHR ? `fr0=(fd0>>>${c})|0;` : `fr0=fd0>>${c};`;
        code += "fr1=0;";
      } else if (op === Op.SHL) {
        code += c < 32 ? `fr1=(fd1<<${c})|(fd0>>>${32 - c});fr0=fd0<<${c};` : `fr1=fd0<<${c - 32};fr0=0;`;
      } else if (op === Op.SHR) {
        code += c < 32 ? `fr0=(fd0>>>${c})|(fd1<<${32 - c});fr1=(fd1>>>${c})|0;` : `fr0=(fd1>>>${c - 32})|0;fr1=0;`;
      } else {
        code += c < 32 ? `fr0=(fd0>>>${c})|(fd1<<${32 - c});fr1=fd1>>${c};` : `fr0=fd1>>${c - 32};fr1=fd1>>31;`;
      }
      code += `fs0=${c};fs1=0;`;
      e(code + wrReg(r, s, "fr0", "fr1"));
      gen.setFlags(kind, s, true);
      return true;
    }

    case Op.SETCC: {
      if (!isGpr(inst.k0, inst.r0) || inst.s0 !== 1) return false;
      const x = condExpr(gen, inst.cond);
      e(`g[${2 * inst.r0}]=(g[${2 * inst.r0}]&-256)|(${x}?1:0);`);
      return true;
    }

    case Op.CMOVCC: {
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || (s !== 4 && s !== 8)) return false;
      const rd = srcRegOrMem(gen, inst, s);
      if (rd === null) return false;
      const x = condExpr(gen, inst.cond);
      const r = inst.r0;
      e(rd + `if(${x}){${wrReg(r, s, "lo", "hi")}}` + (s === 4 ? `else g[${2 * r + 1}]=0;` : ""));
      return true;
    }

    case Op.PUSH: {
      if (inst.s0 !== 8) return false;
      let src: string;
      if (isGpr(inst.k0, inst.r0)) src = rdReg(inst.r0, 8, "lo", "hi");
      else if (inst.k0 === K.IMM) src = `lo=${inst.imm};hi=${inst.immHi};`;
      else return false;
      e(src + stackTop(-8) + wrMem(8, "lo", "hi") + SET_RSP_PUSHED);
      return true;
    }
    case Op.POP: {
      if (inst.s0 !== 8 || !isGpr(inst.k0, inst.r0)) return false;
      e(stackTop(0) + rdMem(8, "lo", "hi") + SET_RSP_POPPED + wrReg(inst.r0, 8, "lo", "hi"));
      return true;
    }

    case Op.MOVUPS: case Op.MOVDQU: case Op.MOVUPD: case Op.MOVAPS: case Op.MOVDQA: case Op.MOVAPD: {
      if (inst.opsize !== 16) return false;
      const aligned = op === Op.MOVAPS || op === Op.MOVDQA || op === Op.MOVAPD;
      const xr = (r: number): number => XMM_I32 + 4 * (r - R.XMM0);
      if (isXmm(inst.k0, inst.r0) && isXmm(inst.k1, inst.r1)) {
        const d = xr(inst.r0), s = xr(inst.r1);
        e(`g[${d}]=g[${s}];g[${d + 1}]=g[${s + 1}];g[${d + 2}]=g[${s + 2}];g[${d + 3}]=g[${s + 3}];`);
        return true;
      }
      if (aligned) return false; // the alignment check (#GP) stays in the interpreter
      if (isXmm(inst.k0, inst.r0) && inst.k1 === K.MEM) {
        const a = ea(inst);
        if (a === null) return false;
        const d = xr(inst.r0);
        e(a + tlbHit("RT", 4080) + "{o+=RO[i];" +
          `lo=M.getInt32(o,true);hi=M.getInt32(o+4,true);u=M.getInt32(o+8,true);v=M.getInt32(o+12,true);}` +
          `else{${MISS}}g[${d}]=lo;g[${d + 1}]=hi;g[${d + 2}]=u;g[${d + 3}]=v;`);
        return true;
      }
      if (inst.k0 === K.MEM && isXmm(inst.k1, inst.r1)) {
        const a = ea(inst);
        if (a === null) return false;
        const s = xr(inst.r1);
        e(a + tlbHit("WT", 4080) + "{o+=WO[i];" +
          `M.setInt32(o,g[${s}],true);M.setInt32(o+4,g[${s + 1}],true);M.setInt32(o+8,g[${s + 2}],true);M.setInt32(o+12,g[${s + 3}],true);}` +
          `else{${MISS}}`);
        return true;
      }
      return false;
    }

    case Op.ADC: case Op.SBB: {
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || (s !== 4 && s !== 8)) return false;
      const src = rdOperand(inst, 1, s, "fs0", "fs1");
      if (src === null) return false;
      // A memory source may fault: the previous flags go to g first (fa is read from them).
      let code = `fa=${carryExpr(gen)};` + rdReg(inst.r0, s, "fd0", "fd1") + src;
      if (op === Op.ADC) {
        code += s === 8 ? `fr0=(fd0+fs0+fa)|0;fr1=(fd1+fs1+((fr0^${MIN})<(fd0^${MIN})||(fa!==0&&fr0===fd0)?1:0))|0;` : "fr0=(fd0+fs0+fa)|0;fr1=0;";
      } else {
        code += s === 8 ? `fr0=(fd0-fs0-fa)|0;fr1=(fd1-fs1-((fd0^${MIN})<(fs0^${MIN})||(fa!==0&&fd0===fs0)?1:0))|0;` : "fr0=(fd0-fs0-fa)|0;fr1=0;";
      }
      e(code + wrReg(inst.r0, s, "fr0", "fr1"));
      gen.setFlags(op === Op.ADC ? Lazy.ADC : Lazy.SBB, s, true, true);
      return true;
    }

    case Op.ROL: case Op.ROR: {
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || (s !== 4 && s !== 8) || inst.k1 !== K.IMM) return false;
      const c = inst.imm & (s === 8 ? 63 : 31);
      if (c === 0) return false;
      const w = s * 8;
      const k = op === Op.ROL ? c % w : (w - (c % w)) % w;
      const r = inst.r0;
      let code = rdReg(r, s, "lo", "hi");
      if (s === 4) code += `lo=(lo<<${k})|(lo>>>${32 - k});hi=0;`;
      else if (k < 32) code += `t=(lo<<${k})|(hi>>>${32 - k});hi=(hi<<${k})|(lo>>>${32 - k});lo=t;`;
      else if (k === 32) code += "t=lo;lo=hi;hi=t;";
      else code += `t=(hi<<${k - 32})|(lo>>>${64 - k});hi=(lo<<${k - 32})|(hi>>>${64 - k});lo=t;`;
      code += wrReg(r, s, "lo", "hi");
      if (flagsDead(insts, idx)) {
        e(code);
        return true;
      }
      const msb = s === 8 ? "(hi>>>31)" : "(lo>>>31)";
      const msb2 = s === 8 ? "((hi>>>30)&1)" : "((lo>>>30)&1)";
      code += op === Op.ROL ? `fc=lo&1;fo=${msb}^fc;` : `fc=${msb};fo=${msb}^${msb2};`;
      gen.setPartial(CF_BIT | OF_BIT, s);
      e(code);
      return true;
    }

    case Op.BSWAP: {
      if (!isGpr(inst.k0, inst.r0) || (inst.s0 !== 4 && inst.s0 !== 8)) return false;
      const r = inst.r0;
      const sw = (x: string): string => `((${x}<<24)|((${x}&65280)<<8)|((${x}>>>8)&65280)|(${x}>>>24))`;
      if (inst.s0 === 8) e(`lo=g[${2 * r}];hi=g[${2 * r + 1}];g[${2 * r}]=${sw("hi")};g[${2 * r + 1}]=${sw("lo")};`);
      else e(`lo=g[${2 * r}];g[${2 * r}]=${sw("lo")};g[${2 * r + 1}]=0;`);
      return true;
    }

    case Op.BT: {
      // Register forms only (the memory forms address a bit string).
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || (s !== 4 && s !== 8)) return false;
      let bit: string;
      if (inst.k1 === K.IMM) bit = String(inst.imm & (s * 8 - 1));
      else if (isGpr(inst.k1, inst.r1)) bit = `(g[${2 * inst.r1}]&${s * 8 - 1})`;
      else return false;
      const r = inst.r0;
      const code = s === 4 ? `t=${bit};fc=(g[${2 * r}]>>>t)&1;` : `t=${bit};fc=t<32?(g[${2 * r}]>>>t)&1:(g[${2 * r + 1}]>>>(t-32))&1;`;
      gen.setPartial(CF_BIT, s);
      e(code);
      return true;
    }

    case Op.BSF: case Op.BSR: {
      const s = inst.s0;
      if (!isGpr(inst.k0, inst.r0) || !isGpr(inst.k1, inst.r1) || (s !== 4 && s !== 8)) return false;
      let code = rdReg(inst.r1, s, "lo", "hi") + "fz=(lo|hi)===0;";
      const scan = op === Op.BSF
        ? "t=lo!==0?31-Math.clz32(lo&-lo):63-Math.clz32(hi&-hi);"
        : (s === 8 ? "t=hi!==0?63-Math.clz32(hi):31-Math.clz32(lo);" : "t=31-Math.clz32(lo);");
      code += `if(!fz){${scan}${wrReg(inst.r0, s, "t", "0")}}`;
      gen.setPartial(ZF_BIT, s);
      e(code);
      return true;
    }

    case Op.MUL: case Op.IMUL: {
      if (inst.nops === 1) {
        // RDX:RAX = RAX * r/m64 when nothing reads the flags.
        if (inst.s0 !== 8 || !flagsDead(insts, idx)) return false;
        const b = rdOperand(inst, 0, 8, "fs0", "fs1");
        if (b === null) return false;
        const code = b;
        e(code + `mul128(g[0],g[1],fs0,fs1,${op === Op.IMUL},W);g[0]=W[0];g[1]=W[1];g[4]=W[2];g[5]=W[3];`);
        return true;
      }
      if (op === Op.MUL) return false;
      // Two- and three-operand forms: the truncated product; CF = OF = signed overflow, SF, ZF
      // and PF from the result (a logic setter, then a partial update), unless nothing reads them.
      const s = inst.s0;
      if (inst.nops < 2 || !isGpr(inst.k0, inst.r0) || (s !== 4 && s !== 8)) return false;
      const dead = flagsDead(insts, idx);
      let code: string;
      if (inst.nops === 3) {
        const a = rdOperand(inst, 1, s, "fd0", "fd1"), b = rdOperand(inst, 2, s, "fs0", "fs1");
        if (a === null || b === null) return false;
        code = a + b;
      } else {
        const b = rdOperand(inst, 1, s, "fs0", "fs1");
        if (b === null) return false;
        code = rdReg(inst.r0, s, "fd0", "fd1") + b;
      }
      if (dead) {
        if (s === 4) code += "lo=Math.imul(fd0,fs0);hi=0;";
        else code += "lo=Math.imul(fd0,fs0);hi=(mulhu(fd0,fs0)+Math.imul(fd0,fs1)+Math.imul(fd1,fs0))|0;";
        e(code + wrReg(inst.r0, s, "lo", "hi"));
        return true;
      }
      if (s === 4) code += "lo=Math.imul(fd0,fs0);hi=0;t=(mulhu(fd0,fs0)-(fd0<0?fs0:0)-(fs0<0?fd0:0))|0;fc=t!==(lo>>31)?1:0;";
      else code += "mul128(fd0,fd1,fs0,fs1,true,W);lo=W[0];hi=W[1];t=hi>>31;fc=(W[2]!==t||W[3]!==t)?1:0;";
      e(code + wrReg(inst.r0, s, "lo", "hi") + "fr0=lo;fr1=hi;fo=fc;");
      gen.setFlags(Lazy.LOGIC, s, false);
      gen.setPartial(CF_BIT | OF_BIT, s);
      return true;
    }

    case Op.MOVQ: case Op.MOVD: {
      // Between a GPR and an XMM register (the load/store forms stay in the interpreter).
      const wide = op === Op.MOVQ;
      if (isXmm(inst.k0, inst.r0) && isGpr(inst.k1, inst.r1) && inst.s1 === (wide ? 8 : 4)) {
        const d = XMM_I32 + 4 * (inst.r0 - R.XMM0), r = inst.r1;
        e(`g[${d}]=g[${2 * r}];g[${d + 1}]=${wide ? `g[${2 * r + 1}]` : "0"};g[${d + 2}]=0;g[${d + 3}]=0;`);
        return true;
      }
      if (isGpr(inst.k0, inst.r0) && isXmm(inst.k1, inst.r1) && inst.s0 === (wide ? 8 : 4)) {
        const x = XMM_I32 + 4 * (inst.r1 - R.XMM0), r = inst.r0;
        e(`g[${2 * r}]=g[${x}];g[${2 * r + 1}]=${wide ? `g[${x + 1}]` : "0"};`);
        return true;
      }
      return false;
    }
    case Op.PCMPEQB: {
      // Byte-wise equality of two XMM registers: per word, the zero bytes of a^b become 0xff.
      if (!isXmm(inst.k0, inst.r0) || !isXmm(inst.k1, inst.r1) || inst.opsize !== 16 || inst.pfx & (P.VEX | P.EVEX)) return false;
      const d = XMM_I32 + 4 * (inst.r0 - R.XMM0), x = XMM_I32 + 4 * (inst.r1 - R.XMM0);
      let code = "";
      for (let j = 0; j < 4; j++) {
        code += `t=g[${d + j}]^g[${x + j}];t=~(((t&0x7f7f7f7f)+0x7f7f7f7f)|t)&0x80808080;g[${d + j}]=Math.imul(t>>>7,255);`;
      }
      e(code);
      return true;
    }
    case Op.PMOVMSKB: {
      // The top bit of each of the 16 bytes into a GPR's low 16 bits (upper bits cleared).
      if (!isGpr(inst.k0, inst.r0) || !isXmm(inst.k1, inst.r1) || inst.opsize !== 16 || inst.pfx & (P.VEX | P.EVEX)) return false;
      const x = XMM_I32 + 4 * (inst.r1 - R.XMM0), r = inst.r0;
      let code = "t=0;";
      for (let j = 0; j < 4; j++) {
        code += `c=g[${x + j}];t|=(((c>>>7)&1)|((c>>>14)&2)|((c>>>21)&4)|((c>>>28)&8))<<${4 * j};`;
      }
      e(code + `g[${2 * r}]=t;g[${2 * r + 1}]=0;`);
      return true;
    }
    case Op.PUNPCKLBW: {
      // Interleave the low 8 bytes of destination and source.
      if (!isXmm(inst.k0, inst.r0) || !isXmm(inst.k1, inst.r1) || inst.opsize !== 16 || inst.pfx & (P.VEX | P.EVEX)) return false;
      const d = XMM_I32 + 4 * (inst.r0 - R.XMM0), x = XMM_I32 + 4 * (inst.r1 - R.XMM0);
      const il = (dw: string, sw: string, sh: number): string =>
        `((${dw}>>>${sh})&255)|(((${sw}>>>${sh})&255)<<8)|(((${dw}>>>${sh + 8})&255)<<16)|(((${sw}>>>${sh + 8})&255)<<24)`;
      e(`lo=g[${d}];hi=g[${d + 1}];u=g[${x}];v=g[${x + 1}];` +
        `g[${d}]=${il("lo", "u", 0)};g[${d + 1}]=${il("lo", "u", 16)};g[${d + 2}]=${il("hi", "v", 0)};g[${d + 3}]=${il("hi", "v", 16)};`);
      return true;
    }
    case Op.PSHUFLW: {
      // The low four words picked by the immediate; the high quadword copied.
      if (!isXmm(inst.k0, inst.r0) || !isXmm(inst.k1, inst.r1) || inst.opsize !== 16 || inst.pfx & (P.VEX | P.EVEX)) return false;
      const d = XMM_I32 + 4 * (inst.r0 - R.XMM0), x = XMM_I32 + 4 * (inst.r1 - R.XMM0);
      const lane = (l: number): string => `((${l < 2 ? "lo" : "hi"}>>>${16 * (l & 1)})&65535)`;
      const sel = (j: number): number => (inst.imm >> (2 * j)) & 3;
      e(`lo=g[${x}];hi=g[${x + 1}];g[${d + 2}]=g[${x + 2}];g[${d + 3}]=g[${x + 3}];` +
        `g[${d}]=${lane(sel(0))}|(${lane(sel(1))}<<16);g[${d + 1}]=${lane(sel(2))}|(${lane(sel(3))}<<16);`);
      return true;
    }
    case Op.XORPS: case Op.PXOR: case Op.XORPD: case Op.PAND: case Op.ANDPS: case Op.ANDPD: case Op.POR: case Op.ORPS:
    case Op.ORPD: case Op.PANDN: case Op.ANDNPS: case Op.ANDNPD: {
      if (!isXmm(inst.k0, inst.r0) || !isXmm(inst.k1, inst.r1) || inst.opsize !== 16) return false;
      const d = XMM_I32 + 4 * (inst.r0 - R.XMM0), x = XMM_I32 + 4 * (inst.r1 - R.XMM0);
      const xor = op === Op.XORPS || op === Op.PXOR || op === Op.XORPD;
      let code = "";
      for (let j = 0; j < 4; j++) {
        if (xor && d === x) code += `g[${d + j}]=0;`;
        else if (xor) code += `g[${d + j}]^=g[${x + j}];`;
        else if (op === Op.PAND || op === Op.ANDPS || op === Op.ANDPD) code += `g[${d + j}]&=g[${x + j}];`;
        else if (op === Op.POR || op === Op.ORPS || op === Op.ORPD) code += `g[${d + j}]|=g[${x + j}];`;
        else code += `g[${d + j}]=~g[${d + j}]&g[${x + j}];`;
      }
      e(code);
      return true;
    }

    // ---- control transfers (always the block's last instruction) ----
    case Op.JCC: {
      if (!last) return false;
      const x = condExpr(gen, inst.cond);
      if (gen.fallInto === next) {
        // The trace goes on at the fall-through: only the taken branch leaves.
        e(`if(${x}){${gen.branch(inst.target, 1)}}`);
        return true;
      }
      if (gen.fallInto === inst.target) {
        // The trace goes on at the target: only the fall-through leaves.
        e(`if(!(${x})){${gen.branch(next, 1)}}`);
        return true;
      }
      if (inst.target === gen.reenter || next === gen.reenter) e(`if(${x}){${gen.branch(inst.target, 1)}}${gen.branch(next, 1)}`);
      else e(gen.exit(`${x}?${inst.target}:${next}`, 1));
      return true;
    }
    case Op.JMP: {
      if (!last) return false;
      if (inst.k0 === K.REL) {
        if (gen.fallInto === inst.target) return true;
        e(gen.branch(inst.target, 1));
        return true;
      }
      const rd = rdOperand(inst, 0, 8, "lo", "hi");
      if (rd === null || inst.s0 !== 8) return false;
      e(rd + gen.exit(LOHI, 1));
      return true;
    }
    case Op.CALL: {
      if (!last) return false;
      let tgt: string;
      if (inst.k0 === K.REL) tgt = "";
      else {
        if (inst.s0 !== 8) return false;
        const rd = rdOperand(inst, 0, 8, "lo", "hi");
        if (rd === null) return false;
        tgt = rd + `t=${LOHI};`;
      }
      e(tgt + stackTop(-8) + wrMem(8, String(next % TWO32 | 0), String(Math.floor(next / TWO32) | 0)) + SET_RSP_PUSHED +
        gen.exit(inst.k0 === K.REL ? inst.target : "t", 1));
      return true;
    }
    case Op.RET: {
      if (!last || inst.nops !== 0) return false;
      e(stackTop(0) + rdMem(8, "lo", "hi") + SET_RSP_POPPED + gen.exit(LOHI, 1));
      return true;
    }
  }
  return false;
}

/** Keep the GPR halves a trace uses in JS locals (x0..x31 for g[0..31]): loaded at entry,
 *  written back (those the trace writes) at the shared exit and in the fault handler, and
 *  around each call into the interpreter (a WB marker comment before it: write back; an RL
 *  marker after: reload).
 *  Only the interpreter's handlers fault (compiled accesses leave the trace on a TLB miss); the
 *  write-back before each call keeps g architectural for them. */
function cacheRegisters(code: string): string {
  const used = new Set<number>();
  const written = new Set<number>();
  code = code.replace(/\bg\[(\d+)\](\s*(?:[&|^]?=)(?!=))?/g, (_m, idx: string, asg: string | undefined) => {
    const i = Number(idx);
    if (i >= 32) return _m;
    used.add(i);
    if (asg !== undefined) written.add(i);
    return `x${i}${asg ?? ""}`;
  });
  if (used.size === 0) return code.split("/*WB*/").join("").split("/*RL*/").join("");
  const ids = [...used].sort((a, b) => a - b);
  const wb = [...written].sort((a, b) => a - b).map((i) => `g[${i}]=x${i};`).join("");
  const rl = ids.map((i) => `x${i}=g[${i}];`).join("");
  code = code.split("/*WB*/").join(wb).split("/*RL*/").join(rl);
  return `let ${ids.map((i) => `x${i}=g[${i}]`).join(",")};` + code;
}

/** mul128's output words (shared: compiled code copies them out at once). */
const MUL_OUT = new Int32Array(4);

/** Longest trace (instructions). */
const MAX_TRACE = 128;

/** A trace: blocks along the path the interpreter saw most often, with, per block, the address
 *  where the trace goes on after it (conts[i] = blocks[i + 1].addr; the last is -1, or the entry
 *  address when the trace loops back to its start, which the compiled code runs as a JS loop).
 *  A conditional jump goes on in its more frequent direction; the compiled code leaves the trace
 *  where the guest goes the other way; a direct jump goes on at its target (in go1.26 json, 27%
 *  fewer trace calls). Traces end at other transfers: following calls and returns as well made
 *  V8's code 1.3-2.5x slower (more cold paths, each a deoptimization when first taken, and
 *  larger functions to re-optimize). */
export interface Trace {
  blocks: Block[];
  conts: number[];
  loop: boolean;
}

/** Where the trace former goes after block b (-1: the trace ends with b). */
function successor(b: Block): number {
  const last = b.insts[b.insts.length - 1];
  if (!b.endsInTransfer) return endsBlock(last.op) ? -1 : b.end;
  if (last.op === Op.JCC) return b.nTaken > b.nNext ? last.target : b.end;
  // A direct jump: the trace goes on at its target (no guard, no new way out).
  if (last.op === Op.JMP && last.k0 === K.REL) return last.target;
  return -1;
}

/** Whether block b ends in a direct branch that can go to addr. */
function branchesTo(b: Block, addr: number): boolean {
  const last = b.insts[b.insts.length - 1];
  if (last.op === Op.JCC) return last.target === addr || b.end === addr;
  return last.op === Op.JMP && last.k0 === K.REL && last.target === addr;
}

/** Form the trace that starts at entry (blocks already decoded, up to MAX_TRACE instructions). */
export function traceBlocks(entry: Block, blockAt: (addr: number) => Block | null): Trace {
  const blocks = [entry];
  const conts: number[] = [];
  let total = entry.insts.length;
  let loop = false;
  for (;;) {
    const b = blocks[blocks.length - 1];
    const s = successor(b);
    if (s === entry.addr) {
      conts.push(s);
      loop = true;
      break;
    }
    const nb = s < 0 ? null : blockAt(s);
    if (nb === null || !nb.valid || blocks.includes(nb) || total + nb.insts.length > MAX_TRACE) {
      conts.push(-1);
      break;
    }
    conts.push(s);
    blocks.push(nb);
    total += nb.insts.length;
  }
  return { blocks, conts, loop };
}

/** Compile a trace (traceBlocks) to a JS function. */
export function compileBlock(b: Block, trace: Trace, space: Space): JitFn {
  const t0 = performance.now();
  const { blocks, conts, loop } = trace;
  const gen = new Gen();
  if (loop) gen.base = "N+";
  else if (blocks.some((x) => branchesTo(x, b.addr))) {
    // A branch back to the entry (a loop the trace former did not follow, its back edge having
    // been the rarer way when the block became hot) runs another pass instead of leaving: in
    // go1.26's sort, partitionOrdered's inner loop left its trace every 12 instructions.
    gen.base = "N+";
    gen.reenter = b.addr;
  }
  const I: Inst[] = [];
  const H: number[] = [];
  let pos = 0;
  let endsWithReturn = false;
  for (const [bi, blk] of blocks.entries()) {
    const insts = blk.insts;
    const n = insts.length;
    gen.fallInto = conts[bi];
    for (let i = 0; i < n; i++, pos++) {
      const inst = insts[i];
      const last = i === n - 1;
      I.push(inst);
      H.push(blk.hids[i]);
      gen.pos = pos;
      if (genInst(gen, inst, i, last, insts)) {
        if (last && gen.fallInto < 0 && (inst.op === Op.JCC || inst.op === Op.JMP || inst.op === Op.CALL || inst.op === Op.RET)) endsWithReturn = true;
        continue;
      }
      // The interpreter runs this one instruction over the state in g.
      gen.clobberFlags();
      gen.generic++;
      const call = blk.hids[i] === 0 ? `host.exec(I[${pos}])` : `host.fast(I[${pos}],H[${pos}])`;
      gen.emit(`k=${gen.base}${pos};ka=${inst.addr};/*WB*/r=${call};/*RL*/if(r!==-1){${gen.done(0)}break L;}`);
      if (last && blk.endsInTransfer) {
        if (gen.fallInto >= 0) {
          // A transfer run by the interpreter in the middle of a trace: go on where the trace does.
          gen.emit(`ex=f64[${RIP_F64}];if(ex!==${gen.fallInto}){${gen.done(1)}break L;}`);
        } else {
          gen.emit(`ex=f64[${RIP_F64}];${gen.done(1)}break L;`);
          endsWithReturn = true;
        }
      }
    }
  }
  let code: string;
  if (loop) {
    // Back to the entry: another pass while the budget allows one more.
    gen.flush();
    code = `for(;;){${gen.out.join("\n")}\nN+=${pos};if(N+${pos}>B){ex=${b.addr};nd=N;break;}}`;
  } else {
    if (!endsWithReturn) gen.emit(`${gen.exitFlags()}ex=${blocks[blocks.length - 1].end};nd=${gen.base}${pos};`);
    code = gen.out.join("\n");
    if (gen.reenter >= 0) code = `T:for(;;){${code.split(PASS).join(String(pos))}\nbreak;}`;
  }
  const body =
    "let a=0,u=0,v=0,w=0,lo=0,hi=0,t=0,c=0,k=0,ka=0,r=-1,p=0,o=0,i=0,fd0=0,fd1=0,fs0=0,fs1=0,fr0=0,fr1=0,fa=0,fc=0,fz=false,fo=0,N=0,ex=0,nd=0,fk=0,fsz=0;" +
    // Only the interpreter's handlers can fault (compiled memory accesses leave the trace).
    cacheRegisters((gen.generic === 0 ? `L:{${code}\n}` : `L:{try{${code}\n}catch(e){/*WB*/host.jitAt=ka;host.jitDone=k;throw e;}}`) + "/*WB*/" +
      `if(fk>0){${flagStore("fk", "fsz", true, true)}}else if(fk<0){t=(fc&1)|(fz?${ZF_BIT}:0)|(fo?${OF_BIT}:0);` +
      `${partialStore("~fsz", "|(t&fsz)")}}host.jitDone=nd;if(r!==-1){host.jitAt=ka;return r;}f64[${RIP_F64}]=ex;return -1;`);
  const factory = new Function("cond", "carry", "arithFlags", "mulhu", "mul128", "W", "I", "H", "RT", "RO", "WT", "WO", "M",
    `return function block_${b.addr.toString(16)}(host,g,f64,m,B){${body}};`) as
    (c: typeof cond, cy: typeof carry, af: typeof arithFlags, mh: typeof mulhu, m128: typeof mul128, W: Int32Array, I: Inst[],
      H: Int32Array, rt: Int32Array, ro: Int32Array, wt: Int32Array, wo: Int32Array, mv: DataView) => JitFn;
  const fn = factory(cond, carry, arithFlags, mulhu, mul128, MUL_OUT, I, Int32Array.from(H),
    space.jrTag, space.rOff, space.jwTag, space.wOff, space.mainView);
  b.jitLen = pos;
  jitStats.blocks++;
  jitStats.traced += blocks.length - 1;
  if (loop) jitStats.loops++;
  for (const x of blocks) {
    if (x === b) continue;
    if (x.usedBy === null) x.usedBy = [b];
    else if (!x.usedBy.includes(b)) x.usedBy.push(b);
  }
  jitStats.insts += pos;
  jitStats.generic += gen.generic;
  jitStats.ms += performance.now() - t0;
  return fn;
}
