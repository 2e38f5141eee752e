// The system area at the start of each address space's WebAssembly.Memory, before the guest's
// frames: what compiled code (src/jit) reads besides guest memory and CPU states. Byte offsets;
// the frames start at SYS_BYTES. Untouched parts cost no resident memory.

/** Entries of the compiled tier's TLBs (the same direct mapping on the page number as Space's). */
export const WASM_TLB_SIZE = 16384;
/** The read TLB: per slot the page number as an i64 (-1: empty), then per slot an i32 offset
 *  (frame offset minus the page address, low 32 bits: offset + address low bits = byte offset). */
export const RTLB_TAG = 0x1000;
export const RTLB_OFF = RTLB_TAG + 8 * WASM_TLB_SIZE;
/** The write TLB, laid out the same (a page enters it only when writable, not holding decoded
 *  code, and no write hook is attached). */
export const WTLB_TAG = RTLB_OFF + 4 * WASM_TLB_SIZE;
export const WTLB_OFF = WTLB_TAG + 8 * WASM_TLB_SIZE;
/** Indirect-branch lookup: guest address -> compiled function slot and entry, direct-mapped on
 *  the address's low bits. Per entry: key (i64 address, -1: empty), slot (i32), entry (i32). */
export const LOOKUP = WTLB_OFF + 4 * WASM_TLB_SIZE;
export const LOOKUP_SIZE = 65536;
export const LOOKUP_ENTRY = 16;
/** The lookup table's hash of a guest address: Fibonacci hashing of its low 32 bits (Go aligns
 *  functions to 32 bytes, so the low bits alone would use 1/32 of the table for call targets).
 *  Compiled code computes the same in wasm (fn.ts lookupIndex). */
export const LOOKUP_HASH_MUL = 0x9e3779b1 | 0;
export const LOOKUP_HASH_SHIFT = 16;
export function lookupIndex(addr: number): number {
  return Math.imul(addr % 4294967296 | 0, LOOKUP_HASH_MUL) >>> LOOKUP_HASH_SHIFT;
}
/** Bytes per CPU state block (src/cpu/state.ts STATE_BYTES). */
export const STATE_SLOT = 2048;
/** CPU states: one per guest thread alive in the address space. */
export const STATES = LOOKUP + LOOKUP_SIZE * LOOKUP_ENTRY;
export const STATE_SLOTS = 8192;
/** End of the system area (a multiple of the page size). */
export const SYS_BYTES = Math.ceil((STATES + STATE_SLOTS * STATE_SLOT) / 4096) * 4096;
