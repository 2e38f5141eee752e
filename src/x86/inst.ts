// The decoded x86-64 instruction: one plain-data record read by three readers (the
// interpreter, a later JIT tier, and the disassembly formatters). The decoder fills a record;
// it never throws: undecodable bytes give op === Op.INVALID. Records are cached per address by
// the CPU, so every field is always present (one hidden class, monomorphic property access).
//
// CONTRACT: the CPU (src/cpu) and the formatters (src/disasm) are written against the field
// meanings documented here. Fields may be added; existing meanings must not change.

/** Operand kinds (k0..k3). */
export const K = {
  NONE: 0,
  /** A register: r is a register id (see R), s is its size in bytes. */
  REG: 1,
  /** The memory operand: base/index/scale/disp/seg below; s is the access size in bytes. */
  MEM: 2,
  /** An immediate: value in imm/immHi (already sign- or zero-extended to the operand size
   *  as the instruction defines); s is the operand size in bytes. */
  IMM: 3,
  /** A relative branch target: the absolute target address is in `target`. */
  REL: 4,
  /** A second immediate (ENTER's imm8, EXTRQ/INSERTQ): value in imm2. */
  IMM2: 5,
} as const;

/** Register ids. GPRs take their size from the operand's s (1, 2, 4 or 8 bytes). */
export const R = {
  // 0..15: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 (AL..R15B, AX..R15W, EAX..R15D by size).
  RAX: 0, RCX: 1, RDX: 2, RBX: 3, RSP: 4, RBP: 5, RSI: 6, RDI: 7,
  R8: 8, R9: 9, R10: 10, R11: 11, R12: 12, R13: 13, R14: 14, R15: 15,
  /** Legacy high-byte registers AH CH DH BH (size 1, only without REX): 16..19. */
  AH: 16, CH: 17, DH: 18, BH: 19,
  /** RIP as a memory base (RIP-relative addressing; disp is relative to the next instruction). */
  RIP: 20,
  /** Segment registers ES CS SS DS FS GS: 24..29. */
  ES: 24, CS: 25, SS: 26, DS: 27, FS: 28, GS: 29,
  /** XMM/YMM/ZMM 0..31: 32..63 (the operand size s says 16, 32 or 64 bytes). */
  XMM0: 32,
  /** MMX MM0..MM7: 64..71. */
  MM0: 64,
  /** x87 ST(0)..ST(7): 72..79. */
  ST0: 72,
  /** AVX-512 opmask K0..K7: 80..87. */
  K0: 80,
  /** Control registers CR0..CR15: 88..103; debug registers DR0..DR15: 104..119. */
  CR0: 88, DR0: 104,
  /** No register (base or index absent). */
  NONE: -1,
} as const;

/** Prefix and encoding bits (the `pfx` field). */
export const P = {
  LOCK: 1 << 0,
  /** F3 (REP/REPE, or a mandatory prefix consumed by the opcode: then not set). */
  REP: 1 << 1,
  /** F2 (REPNE, or mandatory: then not set). */
  REPNE: 1 << 2,
  /** 66 operand-size prefix present (also when consumed as mandatory: see OPSIZE_USED). */
  OPSIZE: 1 << 3,
  /** 67 address-size prefix present: addresses are 32-bit. */
  ADDRSIZE: 1 << 4,
  REX: 1 << 5,
  REX_W: 1 << 6,
  REX_R: 1 << 7,
  REX_X: 1 << 8,
  REX_B: 1 << 9,
  VEX: 1 << 10,
  EVEX: 1 << 11,
  XOP: 1 << 12,
  /** EVEX zeroing-masking {z}. */
  EVEX_Z: 1 << 13,
  /** EVEX embedded broadcast {1toN} on the memory operand. */
  EVEX_BCST: 1 << 14,
  /** EVEX embedded rounding / suppress-all-exceptions. */
  EVEX_RC: 1 << 15,
  /** Branch hints 2E/3E before a Jcc (kept for the formatter). */
  HINT_NT: 1 << 16,
  HINT_T: 1 << 17,
  /** BND (F2 before a branch) / NOTRACK (3E before an indirect branch). */
  BND: 1 << 18,
  NOTRACK: 1 << 19,
  /** 66 was consumed as a mandatory prefix (SSE 66-forms): it does not change the GPR
   *  operand size. Set together with OPSIZE. (Added by the decoder; see OPSIZE.) */
  OPSIZE_USED: 1 << 20,
  /** A REX prefix some of whose bits had no effect (objdump shows it as a "rex.W" word). */
  REX_UNUSED: 1 << 21,
  /** A 66 prefix that changed nothing (objdump shows it as "data16"). */
  OPSIZE_UNUSED: 1 << 22,
} as const;

// A record is an object literal cloned from one boilerplate (newInst), not a class instance
// whose 35 fields are defined one by one: hello decodes 23K records, mostly while decode() and
// its callers still run in V8's interpreter, where each field definition is a store of its own
// and the literal is one allocation. `new Inst()` returns the same literal, so every record has
// one hidden class however it was made. The fields are `declare`d: no initializers are emitted.
export class Inst {
  /** Address of the first byte. */
  declare addr: number;
  /** Length in bytes (1..15). */
  declare len: number;
  /** Mnemonic/form id: an Op value (see ops.generated.ts). Op.INVALID for undecodable bytes. */
  declare op: number;
  /** Condition code 0..15 (O NO B AE E NE BE A S NS P NP L GE LE G) for Jcc, SETcc, CMOVcc,
   *  FCMOVcc; predicate for CMPPS/CMPSD-style compares is the immediate; otherwise 0. */
  declare cond: number;
  /** Operand size in bytes for integer ops (1, 2, 4, 8); for vector ops the vector length
   *  (16, 32, 64); the element size is implied by op. */
  declare opsize: number;
  /** Address size in bytes (8, or 4 with a 67 prefix). */
  declare addrsize: number;
  /** P.* bits. */
  declare pfx: number;
  /** Segment override for the memory operand: R.FS, R.GS, ... or R.NONE. */
  declare seg: number;

  /** Operands in Intel order (destination first). Number of operands in use. */
  declare nops: number;
  declare k0: number; declare k1: number; declare k2: number; declare k3: number;
  /** Register ids for REG operands (R.*), else -1. */
  declare r0: number; declare r1: number; declare r2: number; declare r3: number;
  /** Operand sizes in bytes (register width, memory access width, or immediate width). */
  declare s0: number; declare s1: number; declare s2: number; declare s3: number;

  /** Memory operand (at most one per instruction besides implicit string/stack accesses). */
  declare base: number;
  declare index: number;
  declare scale: number;
  /** Displacement, sign-extended, as a number (for moffs: the absolute address). */
  declare disp: number;
  /** For a moffs operand (MOV AL/rAX <-> moffs, no immediate): the high 32 bits of the absolute
   *  address as a signed int32, and imm holds the low 32 bits (disp holds the whole address as
   *  a number, exact below 2^53). Else 0. */
  declare dispHi: number;

  /** Immediate, low 32 bits as a signed int32, and high 32 bits (sign/zero extension or the
   *  upper half of a 64-bit immediate) as a signed int32. */
  declare imm: number;
  declare immHi: number;
  /** Second immediate (ENTER, EXTRQ/INSERTQ). */
  declare imm2: number;
  /** Absolute target address of a relative branch (REL operand). */
  declare target: number;

  /** VEX/EVEX: the extra source register (R.XMM0 + vvvv) or -1; opmask register (0 = none).
   *  (vreg is also listed as an explicit operand; for BMI forms it is a GPR id, for opmask
   *  instructions R.K0 + vvvv.) */
  declare vreg: number;
  declare mask: number;
  /** Raw encoding facts the formatters need: opcode map (0 = one-byte, 1 = 0F, 2 = 0F38,
   *  3 = 0F3A, 5/6 = EVEX maps, 8..10 = XOP), the opcode byte, and the ModRM byte (-1 none). */
  declare map: number;
  declare opcode: number;
  declare modrm: number;

  constructor() {
    // A constructor that returns an object: the record is newInst()'s literal (see above).
    return newInst();
  }
}

/** A fresh record, every field at its reset value (the same values as resetInst). */
export function newInst(): Inst {
  const i: Inst = { addr: 0, len: 0, op: 0, cond: 0, opsize: 0, addrsize: 8, pfx: 0, seg: -1, nops: 0, k0: 0, k1: 0, k2: 0, k3: 0, r0: -1, r1: -1, r2: -1, r3: -1, s0: 0, s1: 0, s2: 0, s3: 0, base: -1, index: -1, scale: 1, disp: 0, dispHi: 0, imm: 0, immHi: 0, imm2: 0, target: 0, vreg: -1, mask: 0, map: 0, opcode: 0, modrm: -1 };
  return i;
}

/** Reset a record so the decoder can refill it without allocating. */
export function resetInst(i: Inst): void {
  i.addr = 0; i.len = 0; i.op = 0; i.cond = 0; i.opsize = 0; i.addrsize = 8; i.pfx = 0; i.seg = -1;
  i.nops = 0; i.k0 = 0; i.k1 = 0; i.k2 = 0; i.k3 = 0;
  i.r0 = -1; i.r1 = -1; i.r2 = -1; i.r3 = -1;
  i.s0 = 0; i.s1 = 0; i.s2 = 0; i.s3 = 0;
  i.base = -1; i.index = -1; i.scale = 1; i.disp = 0; i.dispHi = 0;
  i.imm = 0; i.immHi = 0; i.imm2 = 0; i.target = 0;
  i.vreg = -1; i.mask = 0; i.map = 0; i.opcode = 0; i.modrm = -1;
}
