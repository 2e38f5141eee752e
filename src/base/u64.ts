// The one home of 64-bit values. Hot paths keep them as (lo, hi) uint32 pairs stored in typed
// arrays; guest addresses (< 2^53) are plain numbers. BigInt is for cold paths only (parsing,
// printing, tests). Everything here is pure.

/** Powers of two of 64-bit arithmetic on numbers (a const enum: each compiles to its number,
 *  so hot paths pay no load for it). */
export const enum U64 {
  TWO32 = 4294967296,
}
const TWO32 = U64.TWO32;

/** Combine a (lo, hi) pair into a number. Exact for values < 2^53 (all user addresses). */
export function toNum(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

/** Low 32 bits of a non-negative integer number < 2^64 (exact below 2^53). */
export function lo32(n: number): number {
  return n >>> 0;
}

/** High 32 bits of a non-negative integer number < 2^64 (exact below 2^53). */
export function hi32(n: number): number {
  return Math.floor(n / TWO32) >>> 0;
}

export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function fromBig(v: bigint): [lo: number, hi: number] {
  const m = BigInt.asUintN(64, v);
  return [Number(m & 0xffffffffn), Number(m >> 32n)];
}

/** Hex without prefix, lowercase, of a 64-bit (lo, hi) pair. */
export function hex64(lo: number, hi: number): string {
  return (hi >>> 0) === 0 ? (lo >>> 0).toString(16) : (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, "0");
}

/** Hex of an address-sized number (may exceed 2^32). */
export function hexNum(n: number): string {
  return n.toString(16);
}
