// What each instruction does besides its encoding, per Op id, from the instruction table
// (optable.ts, generated into facts.generated.ts): its flow (ends a block, sets RIP), its ISA
// extension and CPUID bit, the RFLAGS bits it reads, writes and leaves undefined, and the
// handler family that executes it. The block cache, the interpreter and the compiled tiers read
// these instead of keeping lists of their own.
//
// Flag masks are RFLAGS bits: CF 0x1, PF 0x4, AF 0x10, ZF 0x40, SF 0x80, DF 0x400, OF 0x800.
// An instruction's effect on a flag is exactly one of: unchanged, written (a defined value),
// undefined (some value: the old one is lost, and programs must not read it). A flag can also
// be read (its value before the instruction matters). Three notes refine that:
// - cc (Jcc, SETcc, CMOVcc, FCMOVcc): reads only the flags its condition code tests
//   (condFlagsRead(inst.cond)); flagsRead is the union over all condition codes.
// - count (shifts, rotates, SHLD/SHRD): a zero count (after masking to 5 or 6 bits) leaves
//   every flag unchanged; flagsWritten/flagsUndefined hold for a non-zero count.
// - rep (CMPS, SCAS): with a REP prefix and RCX = 0 no flag changes.
// - keeps: rt0 leaves the op's undefined flags as they were (as the AMD hosts of the CPU
//   differential test do); for every other op rt0 computes its undefined flags from the
//   operands alone (AF 0 after logic ops and MUL, 1 after shifts), so that a tier reproducing
//   the interpreter must do the same. flagsResultOnly() says whether the flags after the op
//   depend on no flag before it.
// Ops that end a block (endsBlock) hand the flags to whatever runs next: a compiled tier must
// treat their flags as live.

import { FACTS, FACT_COLUMNS, ISA_CPUID, ISA_NAMES, type Family } from "./facts.generated.js";

export { Family, FAMILY_NAMES, ISA_NAMES } from "./facts.generated.js";

/** The ISA extension names of optable.ts's ISA_TABLE. */
export type IsaName = (typeof ISA_NAMES)[number];

export const FLAG_CF = 0x1;
export const FLAG_PF = 0x4;
export const FLAG_AF = 0x10;
export const FLAG_ZF = 0x40;
export const FLAG_SF = 0x80;
export const FLAG_DF = 0x400;
export const FLAG_OF = 0x800;
/** The six arithmetic flags. */
export const FLAGS_ARITH = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;

/** Flow bits (FLOW[op]). */
export const FLOW_ENDS_BLOCK = 1;
export const FLOW_SETS_RIP = 2;

/** Note bits (NOTES[op]). */
export const NOTE_CC = 1;
export const NOTE_COUNT = 2;
export const NOTE_REP = 4;
export const NOTE_KEEPS = 8;

const N = FACTS.length / FACT_COLUMNS;
function column(k: number, T: Uint8ArrayConstructor | Uint16ArrayConstructor): Uint8Array | Uint16Array {
  const a = new T(N);
  for (let op = 0; op < N; op++) a[op] = FACTS[op * FACT_COLUMNS + k]!;
  return a;
}

/** Per Op id (typed arrays: one load in a hot path; the functions below read them). */
export const FAMILY = column(0, Uint8Array) as Uint8Array;
export const ISA = column(1, Uint8Array) as Uint8Array;
export const ISA_MMX = column(2, Uint8Array) as Uint8Array;
export const ISA_YMM = column(3, Uint8Array) as Uint8Array;
export const ISA_EVEX = column(4, Uint8Array) as Uint8Array;
export const FLOW = column(5, Uint8Array) as Uint8Array;
export const FLAGS_READ = column(6, Uint16Array) as Uint16Array;
export const FLAGS_WRITTEN = column(7, Uint16Array) as Uint16Array;
export const FLAGS_UNDEFINED = column(8, Uint16Array) as Uint16Array;
export const NOTES = column(9, Uint8Array) as Uint8Array;

/** The handler family (which src/cpu/ops/ file executes it; Family.NONE: decoded only). */
export function family(op: number): Family {
  return FAMILY[op] as Family;
}

/** Whether the op ends a decoded block (changes RIP or stops the run). */
export function endsBlock(op: number): boolean {
  return (FLOW[op] & FLOW_ENDS_BLOCK) !== 0;
}

/** Whether the op sets RIP itself when it completes normally (jumps, calls, returns, loops,
 *  CPUID): the run loop must not advance RIP past it. */
export function setsRip(op: number): boolean {
  return (FLOW[op] & FLOW_SETS_RIP) !== 0;
}

/** RFLAGS bits the op reads (for cc ops: any condition code's; see condFlagsRead). */
export function flagsRead(op: number): number {
  return FLAGS_READ[op];
}

/** RFLAGS bits the op sets to defined values. */
export function flagsWritten(op: number): number {
  return FLAGS_WRITTEN[op];
}

/** RFLAGS bits the op leaves undefined. */
export function flagsUndefined(op: number): number {
  return FLAGS_UNDEFINED[op];
}

/** RFLAGS bits whose old value does not survive the op (written or undefined). */
export function flagsClobbered(op: number): number {
  return FLAGS_WRITTEN[op] | FLAGS_UNDEFINED[op];
}

/** Whether every arithmetic flag after the op is a function of its operands alone, none of the
 *  flags before it (a compiled tier need not compute the flags of an earlier instruction): all
 *  six written or computed, none read, none kept; with a count (shifts, SHLD/SHRD) only when the
 *  count is a non-zero immediate, with rep only without a REP prefix. countIsZero/repPrefixed
 *  describe the instruction at hand. */
export function flagsResultOnly(op: number, countMayBeZero: boolean, repPrefixed: boolean): boolean {
  const n = NOTES[op];
  if ((flagsClobbered(op) & FLAGS_ARITH) !== FLAGS_ARITH || (FLAGS_READ[op] & FLAGS_ARITH) !== 0) return false;
  if ((n & NOTE_KEEPS) !== 0 || ((n & NOTE_COUNT) !== 0 && countMayBeZero) || ((n & NOTE_REP) !== 0 && repPrefixed)) return false;
  return FAMILY[op] !== 0 && (FLOW[op] & FLOW_ENDS_BLOCK) === 0;
}

/** Whether the op neither reads nor changes any flag, falls through and is executed (not
 *  Family.NONE): flags pass through it untouched. */
export function flagsPassThrough(op: number): boolean {
  return FLAGS_READ[op] === 0 && (FLAGS_WRITTEN[op] | FLAGS_UNDEFINED[op]) === 0 && FLOW[op] === 0 && FAMILY[op] !== 0;
}

/** Flags read by condition code cc (0..15: O NO B AE E NE BE A S NS P NP L GE LE G). */
export function condFlagsRead(cc: number): number {
  return COND_FLAGS[cc & 15];
}
const COND_FLAGS = [
  FLAG_OF, FLAG_OF, FLAG_CF, FLAG_CF, FLAG_ZF, FLAG_ZF, FLAG_CF | FLAG_ZF, FLAG_CF | FLAG_ZF,
  FLAG_SF, FLAG_SF, FLAG_PF, FLAG_PF, FLAG_SF | FLAG_OF, FLAG_SF | FLAG_OF, FLAG_ZF | FLAG_SF | FLAG_OF, FLAG_ZF | FLAG_SF | FLAG_OF,
];

/** The ISA extension of the op's plain form (isaOf in isa.ts picks by encoding). */
export function isa(op: number): IsaName {
  return ISA_NAMES[ISA[op]];
}

/** The CPUID bit that advertises an ISA extension: leaf, register (0 EAX, 1 EBX, 2 ECX, 3 EDX)
 *  and bit, or null (BASE, SYSTEM); and the --cpu-level whose CPUID advertises it once
 *  implemented (0: none does). */
export function isaCpuid(name: IsaName): { leaf: number; reg: number; bit: number; level: number } | null {
  const k = ISA_NAMES.indexOf(name) * 4;
  const leaf = ISA_CPUID[k]!;
  return leaf < 0 ? null : { leaf, reg: ISA_CPUID[k + 1]!, bit: ISA_CPUID[k + 2]!, level: ISA_CPUID[k + 3]! };
}

/** The --cpu-level whose CPUID advertises an ISA extension (0: none does). */
export function isaLevel(name: IsaName): number {
  return ISA_CPUID[ISA_NAMES.indexOf(name) * 4 + 3]!;
}

/** Number of op ids (Op.INVALID included). */
export const OP_COUNT = N;
