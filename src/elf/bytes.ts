// Bounds-checked little-endian reads over a Uint8Array. Every read names what it was reading,
// so a short or corrupt file gives one clear UserError line instead of a RangeError.
// 64-bit fields come back as plain numbers (exact below 2^53; larger values stay large).

import { UserError } from "../base/assert.js";
import { U64 } from "../base/u64.js";


export class ByteReader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get size(): number {
    return this.bytes.length;
  }

  /** True when [off, off+len) lies inside the data (all arguments may be huge or odd). */
  inRange(off: number, len: number): boolean {
    return Number.isSafeInteger(off) && Number.isSafeInteger(len) && off >= 0 && len >= 0 && off + len <= this.bytes.length;
  }

  check(off: number, len: number, what: string): void {
    if (!this.inRange(off, len)) throw new UserError(`truncated ELF: ${what} beyond end of file`);
  }

  u8(off: number, what: string): number {
    this.check(off, 1, what);
    return this.bytes[off]!;
  }
  u16(off: number, what: string): number {
    this.check(off, 2, what);
    return this.view.getUint16(off, true);
  }
  u32(off: number, what: string): number {
    this.check(off, 4, what);
    return this.view.getUint32(off, true);
  }
  i32(off: number, what: string): number {
    this.check(off, 4, what);
    return this.view.getInt32(off, true);
  }
  u64(off: number, what: string): number {
    this.check(off, 8, what);
    return this.view.getUint32(off + 4, true) * U64.TWO32 + this.view.getUint32(off, true);
  }

  /** A NUL-terminated string starting at off, not past end (exclusive); "" when out of range. */
  cstring(off: number, end = this.bytes.length): string {
    if (!Number.isSafeInteger(off) || off < 0 || off >= end || off >= this.bytes.length) return "";
    const stop = Math.min(end, this.bytes.length);
    let i = off;
    while (i < stop && this.bytes[i] !== 0) i++;
    return latin1(this.bytes, off, i);
  }

  slice(off: number, len: number, what: string): Uint8Array {
    this.check(off, len, what);
    return this.bytes.subarray(off, off + len);
  }
}

/** Decode bytes as UTF-8 (Go names and paths are UTF-8; invalid bytes become U+FFFD), fast for short ASCII. */
export function latin1(b: Uint8Array, start: number, end: number): string {
  if (end - start <= 256) {
    let s = "";
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return utf8.decode(b.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(b.subarray(start, end));
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

export function hex(n: number): string {
  return "0x" + n.toString(16);
}
