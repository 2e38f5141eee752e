// The CPUID model: vendor, family/model/stepping and feature bits derived from the
// micro-architecture level, advertising only what the interpreter fully implements.

import type { CpuModel } from "./api.js";

/** Features the interpreter implements at each level (cumulative). */
export interface Features {
  sse3: boolean; ssse3: boolean; sse41: boolean; sse42: boolean; popcnt: boolean; cx16: boolean;
  aes: boolean; pclmul: boolean; lzcnt: boolean; bmi1: boolean; bmi2: boolean; adx: boolean;
  movbe: boolean; avx: boolean; avx2: boolean; fma: boolean; osxsave: boolean;
}

/** What is implemented (and so may be advertised): all of v2; of v3, the GPR extensions
 *  (BMI1, BMI2, ADX, LZCNT, MOVBE) but not yet AVX, AVX2 or FMA. */
export const IMPLEMENTED_LEVEL: number = 2;
const V3_GPR_IMPLEMENTED = true;
const V3_AVX_IMPLEMENTED = false;

export function featuresFor(model: CpuModel): Features {
  const v2 = model.level >= 2;
  const v3g = model.level >= 3 && V3_GPR_IMPLEMENTED;
  const v3a = model.level >= 3 && V3_AVX_IMPLEMENTED;
  return {
    sse3: v2, ssse3: v2, sse41: v2, sse42: v2, popcnt: v2, cx16: v2, aes: v2, pclmul: v2,
    lzcnt: v3g, bmi1: v3g, bmi2: v3g, adx: v3g, movbe: v3g, avx: v3a, avx2: v3a, fma: v3a, osxsave: v3a,
  };
}

function str4(s: string, i: number): number {
  let v = 0;
  for (let k = 3; k >= 0; k--) v = (v << 8) | (s.charCodeAt(i + k) || 0);
  return v | 0;
}

/** Result registers of CPUID for leaf eax, subleaf ecx. */
export function cpuid(model: CpuModel, f: Features, leaf: number, sub: number, out: Int32Array): void {
  out[0] = out[1] = out[2] = out[3] = 0;
  const intel = model.vendor === "GenuineIntel";
  const brand = intel ? "rt0 virtual x86-64 CPU (Intel model)" : "rt0 virtual x86-64 CPU (AMD model)";
  const maxLeaf = f.osxsave ? 0xd : 7;
  leaf >>>= 0;
  if (leaf === 0) {
    const v = model.vendor;
    out[0] = maxLeaf;
    out[1] = str4(v, 0); // EBX
    out[3] = str4(v, 4); // EDX
    out[2] = str4(v, 8); // ECX
  } else if (leaf === 1) {
    // Intel: family 6 model 0x55 (Skylake-SP) stepping 4; AMD: family 0x17 model 0x31.
    out[0] = intel ? 0x00050654 : 0x00830f10;
    out[1] = (1 << 16) | (8 << 8); // one logical processor, CLFLUSH line 64 bytes
    let ecx = 0;
    if (f.sse3) ecx |= 1 << 0;
    if (f.pclmul) ecx |= 1 << 1;
    if (f.ssse3) ecx |= 1 << 9;
    if (f.fma) ecx |= 1 << 12;
    if (f.cx16) ecx |= 1 << 13;
    if (f.sse41) ecx |= 1 << 19;
    if (f.sse42) ecx |= 1 << 20;
    if (f.movbe) ecx |= 1 << 22;
    if (f.popcnt) ecx |= 1 << 23;
    if (f.aes) ecx |= 1 << 25;
    if (f.osxsave) ecx |= (1 << 26) | (1 << 27);
    if (f.avx) ecx |= 1 << 28;
    out[2] = ecx;
    // FPU TSC CX8 CMOV MMX CLFSH FXSR SSE SSE2. MMX is part of the x86-64 baseline that
    // glibc's ld.so checks ("CPU ISA level is lower than required" without it); neither Go nor
    // glibc's x86-64 code executes MMX instructions, and one that is not implemented raises
    // SIGILL naming itself.
    out[3] = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
  } else if (leaf === 7 && sub === 0) {
    let ebx = 0;
    if (f.bmi1) ebx |= 1 << 3;
    if (f.avx2) ebx |= 1 << 5;
    if (f.bmi2) ebx |= 1 << 8;
    if (f.adx) ebx |= 1 << 19;
    out[1] = ebx;
  } else if (leaf === 0xd && f.osxsave) {
    if (sub === 0) {
      out[0] = f.avx ? 7 : 3;
      out[1] = f.avx ? 832 : 576;
      out[2] = f.avx ? 832 : 576;
    } else if (sub === 2 && f.avx) {
      out[0] = 256;
      out[1] = 576;
    }
  } else if (leaf === 0x80000000) {
    out[0] = 0x80000004 | 0;
    if (!intel) {
      out[1] = str4("AuthenticAMD", 0);
      out[3] = str4("AuthenticAMD", 4);
      out[2] = str4("AuthenticAMD", 8);
    }
  } else if (leaf === 0x80000001) {
    out[2] = 1 | (f.lzcnt ? 1 << 5 : 0); // LAHF/SAHF in 64-bit mode, ABM/LZCNT
    out[3] = (1 << 11) | (1 << 20) | (1 << 29) | (1 << 27); // SYSCALL NX LM RDTSCP
  } else if (leaf >= 0x80000002 && leaf <= 0x80000004) {
    const b = brand.padEnd(48, "\0");
    const o = (leaf - 0x80000002) * 16;
    for (let k = 0; k < 4; k++) out[k] = str4(b, o + 4 * k);
  }
}
