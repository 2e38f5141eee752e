// The ISA extension (CPUID feature) an instruction belongs to, from its Op and encoding: what
// the CPU checks before executing it and what coverage reports and SIGILL messages name.
// Derived from the Intel SDM's per-instruction CPUID columns (by mnemonic and encoding).

import { Inst, P, R } from "./inst.js";
import { Op, OP_NAMES } from "./ops.generated.js";

export type Isa =
  | "BASE" | "X87" | "MMX" | "SSE" | "SSE2" | "SSE3" | "SSSE3" | "SSE4_1" | "SSE4_2" | "POPCNT" | "LZCNT"
  | "BMI1" | "BMI2" | "ADX" | "AES" | "PCLMULQDQ" | "SHA" | "MOVBE" | "CX16" | "RDTSCP" | "RDRAND" | "RDSEED"
  | "XSAVE" | "FSGSBASE" | "AVX" | "AVX2" | "FMA" | "F16C" | "VAES" | "VPCLMULQDQ" | "GFNI"
  | "AVX512F" | "AVX512BW" | "AVX512DQ" | "AVX512CD" | "AVX512VBMI" | "AVX512VBMI2" | "AVX512BITALG"
  | "AVX512VPOPCNTDQ" | "AVX512VNNI" | "SYSTEM";

const S = (names: string): Set<number> => new Set(names.split(/\s+/).filter((x) => x).map((n) => {
  const id = (Op as Record<string, number>)[n];
  if (id === undefined) throw new Error(`isa: unknown op ${n}`);
  return id;
}));

const SSE1 = S(`ADDPS ADDSS ANDNPS ANDPS CMPPS CMPSS COMISS CVTPI2PS CVTPS2PI CVTSI2SS CVTSS2SI CVTTPS2PI CVTTSS2SI
  DIVPS DIVSS LDMXCSR MAXPS MAXSS MINPS MINSS MOVAPS MOVHLPS MOVHPS MOVLHPS MOVLPS MOVMSKPS MOVNTPS MOVSS MOVUPS
  MULPS MULSS ORPS RCPPS RCPSS RSQRTPS RSQRTSS SHUFPS SQRTPS SQRTSS STMXCSR SUBPS SUBSS UCOMISS UNPCKHPS UNPCKLPS XORPS
  PREFETCHNTA PREFETCHT0 PREFETCHT1 PREFETCHT2 SFENCE MOVNTQ PAVGB PAVGW PEXTRW PINSRW PMAXSW PMAXUB PMINSW PMINUB
  PMOVMSKB PMULHUW PSADBW PSHUFW MASKMOVQ`);
/** SSE's MMX-register integer additions: their XMM forms (66-prefixed) are SSE2. */
const SSE1_INT = S("PAVGB PAVGW PEXTRW PINSRW PMAXSW PMAXUB PMINSW PMINUB PMOVMSKB PMULHUW PSADBW PSHUFW MASKMOVQ MOVNTQ");
const SSE3 = S("ADDSUBPD ADDSUBPS HADDPD HADDPS HSUBPD HSUBPS LDDQU MOVDDUP MOVSHDUP MOVSLDUP FISTTP MONITOR MWAIT");
const SSSE3 = S("PSHUFB PHADDW PHADDD PHADDSW PMADDUBSW PHSUBW PHSUBD PHSUBSW PSIGNB PSIGNW PSIGND PMULHRSW PABSB PABSW PABSD PALIGNR");
const SSE41 = S(`PBLENDVB BLENDVPS BLENDVPD PTEST PMOVSXBW PMOVSXBD PMOVSXBQ PMOVSXWD PMOVSXWQ PMOVSXDQ PMULDQ PCMPEQQ MOVNTDQA
  PACKUSDW PMOVZXBW PMOVZXBD PMOVZXBQ PMOVZXWD PMOVZXWQ PMOVZXDQ PMINSB PMINSD PMINUW PMINUD PMAXSB PMAXSD PMAXUW PMAXUD
  PMULLD PHMINPOSUW ROUNDPS ROUNDPD ROUNDSS ROUNDSD BLENDPS BLENDPD PBLENDW PEXTRB PEXTRD PEXTRQ EXTRACTPS PINSRB
  INSERTPS PINSRD PINSRQ DPPS DPPD MPSADBW`);
const SSE42 = S("PCMPGTQ PCMPESTRM PCMPESTRI PCMPISTRM PCMPISTRI CRC32");
const AES = S("AESIMC AESENC AESENCLAST AESDEC AESDECLAST AESKEYGENASSIST");
const SHA = S("SHA1NEXTE SHA1MSG1 SHA1MSG2 SHA256RNDS2 SHA256MSG1 SHA256MSG2 SHA1RNDS4");
const BMI1 = S("ANDN BEXTR BLSI BLSMSK BLSR TZCNT");
const BMI2 = S("BZHI MULX PDEP PEXT RORX SARX SHLX SHRX");
const X87SYS = S("FWAIT");
const SYSTEM = S(`HLT CLI STI IN OUT INS OUTS LGDT LIDT LLDT LTR LMSW INVLPG INVD WBINVD CLTS WRMSR RDMSR RDPMC SYSEXIT
  SYSRET SWAPGS SMSW SGDT SIDT SLDT STR VERR VERW LAR LSL VMCALL VMLAUNCH VMRESUME VMXOFF VMREAD VMWRITE VMPTRLD VMPTRST
  VMCLEAR VMXON XSETBV RSM GETSEC INT1 IRET LCALL LJMP LRET ENCLS ENCLU ENCLV`);
const AVX2_ONLY = S(`VPBROADCASTB VPBROADCASTW VPBROADCASTD VPBROADCASTQ VBROADCASTI128 VINSERTI128 VEXTRACTI128 VPERM2I128
  VPERMD VPERMQ VPERMPD VPERMPS VPBLENDD VPSLLVD VPSLLVQ VPSRLVD VPSRLVQ VPSRAVD VPMASKMOVD VPMASKMOVQ VPGATHERDD
  VPGATHERDQ VPGATHERQD VPGATHERQQ VGATHERDPS VGATHERDPD VGATHERQPS VGATHERQPD`);

/** The CPUID feature that gates an instruction (BASE: always present in x86-64). */
export function isaOf(i: Inst): Isa {
  const op = i.op;
  const name = OP_NAMES[op]!;
  if (i.pfx & P.EVEX) return evexIsa(name, i);
  if (i.pfx & P.VEX) {
    if (name.startsWith("K")) return /^K\w+[BWDQ]$/.test(name) && /[DQ]$/.test(name) ? "AVX512BW" : name.endsWith("B") ? "AVX512DQ" : "AVX512F";
    if (BMI1.has(op)) return "BMI1";
    if (BMI2.has(op)) return "BMI2";
    if (name.startsWith("VFM") || name.startsWith("VFNM")) return "FMA";
    if (op === Op.VCVTPH2PS || op === Op.VCVTPS2PH) return "F16C";
    if (name.startsWith("VAES") && i.opsize > 16) return "VAES";
    if (op === Op.VPCLMULQDQ && i.opsize > 16) return "VPCLMULQDQ";
    if (name.startsWith("VGF2P8")) return "GFNI";
    if (AVX2_ONLY.has(op)) return "AVX2";
    if (i.opsize === 32 && name.startsWith("VP") && !name.startsWith("VPERMIL") && name !== "VPTEST") return "AVX2";
    if (i.opsize === 32 && (op === Op.VMOVNTDQA || op === Op.VMPSADBW)) return "AVX2";
    return "AVX";
  }
  if (i.map === 0 && i.opcode >= 0xd8 && i.opcode <= 0xdf) return op === Op.FISTTP ? "SSE3" : "X87";
  if (X87SYS.has(op)) return "X87";
  if (SYSTEM.has(op)) return "SYSTEM";
  if (isMmx(i.r0) || isMmx(i.r1) || isMmx(i.r2)) return SSE1.has(op) || SSSE3.has(op) ? (SSSE3.has(op) ? "SSSE3" : "SSE") : op === Op.PADDQ || op === Op.PSUBQ || op === Op.PMULUDQ ? "SSE2" : "MMX";
  if (op === Op.EMMS) return "MMX";
  if (SSE1.has(op)) return SSE1_INT.has(op) ? "SSE2" : "SSE";
  if (SSE3.has(op)) return "SSE3";
  if (SSSE3.has(op)) return "SSSE3";
  if (SSE41.has(op)) return "SSE4_1";
  if (SSE42.has(op)) return "SSE4_2";
  if (AES.has(op)) return "AES";
  if (op === Op.PCLMULQDQ) return "PCLMULQDQ";
  if (SHA.has(op)) return "SHA";
  if (op === Op.GF2P8AFFINEQB || op === Op.GF2P8AFFINEINVQB || op === Op.GF2P8MULB) return "GFNI";
  if (op === Op.POPCNT) return "POPCNT";
  if (op === Op.LZCNT) return "LZCNT";
  if (op === Op.TZCNT) return "BMI1";
  if (op === Op.MOVBE) return "MOVBE";
  if (op === Op.ADCX || op === Op.ADOX) return "ADX";
  if (op === Op.CMPXCHG16B) return "CX16";
  if (op === Op.RDTSCP) return "RDTSCP";
  if (op === Op.RDRAND) return "RDRAND";
  if (op === Op.RDSEED) return "RDSEED";
  if (op === Op.XGETBV || op === Op.XSAVE || op === Op.XRSTOR || op === Op.XSAVEOPT || op === Op.XSAVEC || op === Op.XSAVES || op === Op.XRSTORS) return "XSAVE";
  if (op === Op.RDFSBASE || op === Op.RDGSBASE || op === Op.WRFSBASE || op === Op.WRGSBASE) return "FSGSBASE";
  // Remaining 0F-map vector ops with XMM operands are SSE2 (the 66-prefixed and pd forms).
  if (isXmm(i.r0) || isXmm(i.r1) || isXmm(i.r2)) return "SSE2";
  if (i.map === 1 && (op === Op.MOVNTI || op === Op.LFENCE || op === Op.MFENCE || op === Op.CLFLUSH || op === Op.PAUSE)) return "SSE2";
  if (i.map === 1 && i.modrm >= 0 && i.modrm < 0xc0 && (i.s0 === 16 || i.s1 === 16) && op !== Op.CMPXCHG16B) return "SSE2";
  return "BASE";
}

function isMmx(r: number): boolean { return r >= R.MM0 && r < R.MM0 + 8; }
function isXmm(r: number): boolean { return r >= R.XMM0 && r < R.XMM0 + 32; }

function evexIsa(name: string, i: Inst): Isa {
  if (name.startsWith("VGF2P8")) return "GFNI";
  if (/^VPERM[IT]?2?B$|^VPERMI2B$|^VPERMT2B$|^VPMULTISHIFTQB$/.test(name)) return "AVX512VBMI";
  if (/^VP(COMPRESS|EXPAND)[BW]$|^VPSH[LR]DV?[WDQ]$/.test(name)) return "AVX512VBMI2";
  if (/^VPOPCNT[BW]$|^VPSHUFBITQMB$/.test(name)) return "AVX512BITALG";
  if (/^VPOPCNT[DQ]$/.test(name)) return "AVX512VPOPCNTDQ";
  if (/^VPDPBUSDS?$|^VPDPWSSDS?$/.test(name)) return "AVX512VNNI";
  if (/^VPCONFLICT|^VPLZCNT/.test(name)) return "AVX512CD";
  if (name.startsWith("VAES") || name === "VPCLMULQDQ") return name === "VPCLMULQDQ" ? "VPCLMULQDQ" : "VAES";
  if (/^VMOVDQU(8|16)$|^VPMOV(M2[BW]|[BW]2M)$|^VPTESTN?M[BW]$|^VPCMPU?[BW]$|^VPBLENDM[BW]$|^VPERM[IT]2W$|^VPERMW$|^VPS[RL]L?VW$|^VPSRAVW$|^VPMOVU?S?WB$|^VDBPSADBW$/.test(name)) return "AVX512BW";
  if (/^VP(ADD|SUB|MIN|MAX|AVG|CMPEQ|CMPGT|ABS|SHUFB|UNPCK|PACK|MADD|MULH|MULL|SADBW|ALIGNR|BROADCAST|MOVZXB|MOVSXB|S[RL]L|SRA|EXTR|INSR)[A-Z]*[BW]$/.test(name)
    || /^VPMOVMSKB$|^VPSHUFB$|^VPSHUF[HL]W$|^VPALIGNR$|^VPSADBW$|^VPMADDUBSW$|^VPMADDWD$|^VPMULHRSW$|^VPACK/.test(name)) return "AVX512BW";
  if (/^VPMOV[DQ]2M$|^VPMOVM2[DQ]$|^VPMULLQ$|^V(INSERT|EXTRACT)[FI](32X8|64X2)$|^VBROADCAST[FI](32X8|64X2|32X2)$|^VCVTQQ2PD$/.test(name) || /^VK\w+B$/.test(name)) return "AVX512DQ";
  void i;
  return "AVX512F";
}
