// splitmix64 (Steele, Lea and Flood) in 32-bit halves: the same numbers as the BigInt formula
// z += 0x9e3779b97f4a7c15; z = (z ^ z>>30) * 0xbf58476d1ce4e5b9; z = (z ^ z>>27) *
// 0x94d049bb133111eb; z ^ z>>31, without BigInt, so that filling megabytes stays fast.

/** The high 32 bits of the 64-bit product of two uint32 values. */
function mulHi(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

export class SplitMix64 {
  private hi: number;
  private lo: number;
  /** The last output, as uint32 halves. */
  outHi = 0;
  outLo = 0;

  constructor(seed: bigint) {
    const s = BigInt.asUintN(64, seed);
    this.hi = Number(s >> 32n);
    this.lo = Number(s & 0xffffffffn);
  }

  /** Advance: the next 64 bits land in outHi/outLo. */
  next(): void {
    const lo = this.lo + 0x7f4a7c15;
    this.lo = lo >>> 0;
    this.hi = (this.hi + 0x9e3779b9 + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    let hi = this.hi, l = this.lo;
    // z ^= z >> 30; z *= 0xbf58476d1ce4e5b9
    l = (l ^ ((l >>> 30) | (hi << 2))) >>> 0;
    hi = (hi ^ (hi >>> 30)) >>> 0;
    let nh = (mulHi(l, 0x1ce4e5b9) + Math.imul(hi, 0x1ce4e5b9) + Math.imul(l, 0xbf58476d)) >>> 0;
    l = Math.imul(l, 0x1ce4e5b9) >>> 0;
    hi = nh;
    // z ^= z >> 27; z *= 0x94d049bb133111eb
    l = (l ^ ((l >>> 27) | (hi << 5))) >>> 0;
    hi = (hi ^ (hi >>> 27)) >>> 0;
    nh = (mulHi(l, 0x133111eb) + Math.imul(hi, 0x133111eb) + Math.imul(l, 0x94d049bb)) >>> 0;
    l = Math.imul(l, 0x133111eb) >>> 0;
    hi = nh;
    // z ^ z >> 31
    this.outLo = (l ^ ((l >>> 31) | (hi << 1))) >>> 0;
    this.outHi = (hi ^ (hi >>> 31)) >>> 0;
  }

  nextBig(): bigint {
    this.next();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }

  /** Fill buf with successive outputs, little-endian, 8 bytes each (the last one cut short). */
  fill(buf: Uint8Array): void {
    for (let i = 0; i < buf.length; i += 8) {
      this.next();
      const lo = this.outLo, hi = this.outHi;
      for (let k = 0; k < 8 && i + k < buf.length; k++) buf[i + k] = (k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4))) & 0xff;
    }
  }
}
