// The CPU's architectural state at fixed offsets in one ArrayBuffer, read through typed-array
// views by the interpreter (and, later, by a JIT tier or the debugger). 64-bit registers are
// (lo, hi) int32 pairs; RIP and the segment bases are float64 (addresses < 2^53).

/** Byte size of the state buffer. */
export const STATE_BYTES = 2048;

// ---- Int32Array indexes (byte offset / 4) ----
/** GPR n: low half at i32[2n], high half at i32[2n+1] (bytes 0..127). */
export const GPR_I32 = 0;
/** The i32 indexes of each GPR's low half (RAX) and high half (RAX_HI): g[GprI32.RSP] is
 *  RSP's low 32 bits. (A const enum: each compiles to its number.) */
export const enum GprI32 {
  RAX = 0, RAX_HI = 1, RCX = 2, RCX_HI = 3, RDX = 4, RDX_HI = 5, RBX = 6, RBX_HI = 7,
  RSP = 8, RSP_HI = 9, RBP = 10, RBP_HI = 11, RSI = 12, RSI_HI = 13, RDI = 14, RDI_HI = 15,
  R8 = 16, R8_HI = 17, R9 = 18, R9_HI = 19, R10 = 20, R10_HI = 21, R11 = 22, R11_HI = 23,
  R12 = 24, R12_HI = 25, R13 = 26, R13_HI = 27, R14 = 28, R14_HI = 29, R15 = 30, R15_HI = 31,
}
/** Lazy flags (see flags.ts). */
export const FL_OP = 40;
export const FL_SIZE = 41;
export const FL_RES = 42; // lo, hi at 42, 43
export const FL_DST = 44; // 44, 45
export const FL_SRC = 46; // 46, 47
/** Carry-in for ADC/SBB, preserved CF for INC/DEC. */
export const FL_AUX = 48;
/** Materialized arithmetic flags (CF PF AF ZF SF OF) when FL_OP is Lazy.NONE (flags.ts). */
export const FL_BITS = 49;
/** Non-arithmetic RFLAGS bits (DF, IF, AC, ID, the fixed bit 1). */
export const FL_OTHER = 50;
export const MXCSR_I32 = 51;
/** x87 control word / status word / abridged tag word (FXSAVE view). */
export const FCW_I32 = 52;
export const FSW_I32 = 53;
export const FTW_I32 = 54;
/** Last x87 opcode and pointers are kept as zero. */

// ---- Float64Array indexes (byte offset / 8) ----
export const RIP_F64 = 28; // byte 224
export const FSBASE_F64 = 29;
export const GSBASE_F64 = 30;
/** Next RIP while an instruction executes (bytes 248..255). */
export const NEXT_F64 = 31;

/** XMM0..15: bytes 256..511; xmm n at byte 256 + 16n. */
export const XMM_BYTE = 256;
export const XMM_I32 = XMM_BYTE / 4;
/** Upper halves of YMM0..15 (bytes 512..767), used only when AVX is enabled. */
export const YMMH_BYTE = 512;
/** x87/MMX registers as 80-bit values, 16 bytes apart (FXSAVE layout), bytes 768..895. */
export const ST_BYTE = 768;
/** The compiled tier's words (bytes 896..1023): the instruction budget left (i32), and a
 *  16-byte buffer through which a value crosses between compiled code and its JavaScript
 *  memory helpers (a TLB miss). */
export const JIT_BUDGET_BYTE = 896;
export const JIT_XFER_BYTE = 912;
/** Scratch area for the interpreter (vector temporaries): bytes 1024..2047. */
export const SCRATCH_BYTE = 1024;

/** Arithmetic flag bits in RFLAGS. */
export const CF = 1 << 0;
export const PF = 1 << 2;
export const AF = 1 << 4;
export const ZF = 1 << 6;
export const SF = 1 << 7;
export const TF = 1 << 8;
export const IF = 1 << 9;
export const DF = 1 << 10;
export const OF = 1 << 11;
export const AC = 1 << 18;
export const ID = 1 << 21;
export const ARITH = CF | PF | AF | ZF | SF | OF;
/** Bits user code can change with POPF. */
export const POPF_MASK = ARITH | DF | AC | ID | TF | (1 << 19) | (1 << 20);

/** exec() results besides STOP.*: keep going / not this module's op. */
export const CONT = -1;
export const UNHANDLED = -2;
/** From the interpreter's handler of a block whose code was written while it ran (issue 17
 *  item 11: a store patching a later instruction of the same block): RIP is set to this
 *  instruction and the block is decoded again, as a CPU would fetch the new bytes. */
export const CODE_CHANGED = -3;

/** The views over one state buffer. */
export class State {
  readonly buf: ArrayBuffer;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i8: Int8Array;
  readonly u8: Uint8Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly dv: DataView;

  /** The state at byte `offset` of `buf` (a WebAssembly memory, where compiled code reads it;
   *  offset a multiple of 8), or in a buffer of its own. */
  constructor(buf?: ArrayBuffer, readonly offset = 0) {
    this.buf = buf ?? new ArrayBuffer(STATE_BYTES);
    const o = offset;
    this.i32 = new Int32Array(this.buf, o, STATE_BYTES / 4);
    this.u32 = new Uint32Array(this.buf, o, STATE_BYTES / 4);
    this.u16 = new Uint16Array(this.buf, o, STATE_BYTES / 2);
    this.i16 = new Int16Array(this.buf, o, STATE_BYTES / 2);
    this.i8 = new Int8Array(this.buf, o, STATE_BYTES);
    this.u8 = new Uint8Array(this.buf, o, STATE_BYTES);
    this.f32 = new Float32Array(this.buf, o, STATE_BYTES / 4);
    this.f64 = new Float64Array(this.buf, o, STATE_BYTES / 8);
    this.dv = new DataView(this.buf, o, STATE_BYTES);
    this.i32[FL_OTHER] = IF | 2;
    this.i32[MXCSR_I32] = 0x1f80;
    this.i32[FCW_I32] = 0x37f;
  }
}
