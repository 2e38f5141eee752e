// A small vDSO image built in memory (one page, position independent), found by the guest
// through AT_SYSINFO_EHDR: an ELF with DT_HASH, dynsym, versym and verdef exporting
// __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time and __vdso_getcpu under LINUX_2.6.
// Each function is a trampoline `mov $NR,%eax; syscall; ret`, so time still goes through rt0.

import { NR } from "./sysnums.generated.js";

export const VDSO_SIZE = 4096;

export const VDSO_SYMBOLS: [string, number][] = [
  ["__vdso_clock_gettime", NR.clock_gettime],
  ["__vdso_gettimeofday", NR.gettimeofday],
  ["__vdso_time", NR.time],
  ["__vdso_getcpu", NR.getcpu],
];

/** The SysV ELF hash (DT_HASH and verdef's vd_hash). */
export function elfHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = ((h << 4) + name.charCodeAt(i)) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
}

const HASH = 0x100, SYMTAB = 0x140, STRTAB = 0x1c0, VERSYM = 0x280, VERDEF = 0x2a0, DYNAMIC = 0x300, CODE = 0x400,
  SHSTRTAB = 0x480, SHDRS = 0x500;

/** Offsets of each exported function inside the image. */
export function vdsoCodeOffset(i: number): number {
  return CODE + 16 * i;
}

export function buildVdso(): Uint8Array {
  const b = new Uint8Array(VDSO_SIZE);
  const dv = new DataView(b.buffer);
  const u16 = (o: number, v: number): void => dv.setUint16(o, v, true);
  const u32 = (o: number, v: number): void => dv.setUint32(o, v >>> 0, true);
  const u64 = (o: number, v: number): void => dv.setBigUint64(o, BigInt(v), true);

  // String table.
  const names = [...VDSO_SYMBOLS.map(([n]) => n), "linux-vdso.so.1", "LINUX_2.6"];
  const strOff = new Map<string, number>();
  let s = 1;
  for (const n of names) {
    strOff.set(n, s);
    for (let i = 0; i < n.length; i++) b[STRTAB + s + i] = n.charCodeAt(i);
    s += n.length + 1;
  }
  const strsz = s;

  // ELF header.
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  u16(16, 3); // ET_DYN
  u16(18, 62); // EM_X86_64
  u32(20, 1);
  u64(24, 0);
  u64(32, 64); // e_phoff
  u64(40, 0); // e_shoff
  u16(52, 64);
  u16(54, 56);
  u16(56, 2);
  u16(58, 64);
  // PT_LOAD R+X covering the page, PT_DYNAMIC.
  const ph = (o: number, type: number, flags: number, off: number, size: number): void => {
    u32(o, type); u32(o + 4, flags); u64(o + 8, off); u64(o + 16, off); u64(o + 24, off);
    u64(o + 32, size); u64(o + 40, size); u64(o + 48, type === 1 ? 4096 : 8);
  };
  ph(64, 1, 5, 0, VDSO_SIZE);
  ph(64 + 56, 2, 4, DYNAMIC, 9 * 16);

  // DT_HASH: one bucket chaining all symbols.
  const nsym = VDSO_SYMBOLS.length + 1;
  u32(HASH, 1);
  u32(HASH + 4, nsym);
  u32(HASH + 8, 1);
  for (let i = 0; i < nsym; i++) u32(HASH + 12 + 4 * i, i + 1 < nsym && i > 0 ? i + 1 : 0);

  // Symbols: STB_GLOBAL|STT_FUNC, in a (nonzero) section.
  VDSO_SYMBOLS.forEach(([n], k) => {
    const o = SYMTAB + 24 * (k + 1);
    u32(o, strOff.get(n)!);
    b[o + 4] = (1 << 4) | 2;
    u16(o + 6, 7);
    u64(o + 8, vdsoCodeOffset(k));
    u64(o + 16, 8);
  });

  // Versions: index 1 is the base (the soname), 2 is LINUX_2.6.
  for (let i = 1; i < nsym; i++) u16(VERSYM + 2 * i, 2);
  const verdef = (o: number, flags: number, ndx: number, name: string, next: number): void => {
    u16(o, 1); u16(o + 2, flags); u16(o + 4, ndx); u16(o + 6, 1);
    u32(o + 8, elfHash(name)); u32(o + 12, 20); u32(o + 16, next);
    u32(o + 20, strOff.get(name)!); u32(o + 24, 0);
  };
  verdef(VERDEF, 1, 1, "linux-vdso.so.1", 28);
  verdef(VERDEF + 28, 0, 2, "LINUX_2.6", 0);

  // Dynamic section.
  const dyn: [number, number][] = [[4, HASH], [5, STRTAB], [6, SYMTAB], [10, strsz], [11, 24],
    [0x6ffffff0, VERSYM], [0x6ffffffc, VERDEF], [0x6ffffffd, 2], [0, 0]];
  dyn.forEach(([tag, val], i) => { u64(DYNAMIC + 16 * i, tag); u64(DYNAMIC + 16 * i + 8, val); });

  // Section headers, so tools (readelf, gdb) see the usual vDSO layout.
  const shnames = ["", ".hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d", ".dynamic", ".text", ".shstrtab"];
  const shName: number[] = [];
  let q = 0;
  for (const n of shnames) {
    shName.push(q);
    for (let i = 0; i < n.length; i++) b[SHSTRTAB + q + i] = n.charCodeAt(i);
    q += n.length + 1;
  }
  const sh = (i: number, type: number, flags: number, off: number, size: number, link: number, info: number, align: number, entsize: number): void => {
    const o = SHDRS + 64 * i;
    u32(o, shName[i]!); u32(o + 4, type); u64(o + 8, flags); u64(o + 16, type === 3 && i === 8 ? 0 : off); u64(o + 24, off);
    u64(o + 32, size); u32(o + 40, link); u32(o + 44, info); u64(o + 48, align); u64(o + 56, entsize);
  };
  sh(1, 5, 2, HASH, 4 * (3 + nsym), 2, 0, 8, 4);
  sh(2, 11, 2, SYMTAB, 24 * nsym, 3, 1, 8, 24);
  sh(3, 3, 2, STRTAB, strsz, 0, 0, 1, 0);
  sh(4, 0x6fffffff, 2, VERSYM, 2 * nsym, 2, 0, 2, 2);
  sh(5, 0x6ffffffd, 2, VERDEF, 56, 3, 2, 8, 0);
  sh(6, 6, 2, DYNAMIC, 9 * 16, 3, 0, 8, 16);
  sh(7, 1, 6, CODE, 16 * VDSO_SYMBOLS.length, 0, 0, 16, 0);
  sh(8, 3, 0, SHSTRTAB, q, 0, 0, 1, 0);
  u64(40, SHDRS); // e_shoff
  u16(60, shnames.length); // e_shnum
  u16(62, 8); // e_shstrndx

  // Code: mov $nr,%eax; syscall; ret.
  VDSO_SYMBOLS.forEach(([, nr], k) => {
    const o = vdsoCodeOffset(k);
    b.set([0xb8, nr & 0xff, (nr >> 8) & 0xff, 0, 0, 0x0f, 0x05, 0xc3], o);
  });
  return b;
}
