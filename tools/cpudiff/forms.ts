// The instruction forms the CPU differential tests cover: Intel-syntax templates for GNU as,
// operand kinds the case generator fills, and the flags each form leaves undefined (the SDM's
// "undefined" flags that differ between CPU models are excluded from the comparison). A form's
// CPU level comes from the instruction table (src/x86/optable.ts).

import { isa, isaLevel } from "../../src/x86/facts.js";
import { OP_BY_NAME } from "../../src/x86/ops.generated.js";

/** Operand kinds: GPR by size, memory by size, immediate by size, XMM register, or a literal. */
export type Opnd = "r8" | "r16" | "r32" | "r64" | "m8" | "m16" | "m32" | "m64" | "m128" | "i8" | "i16" | "i32" | "i64" | "x" | string;

export interface Form {
  name: string;
  mnem: string;
  ops: Opnd[];
  /** RFLAGS bits whose value is architecturally undefined after this form (not compared). */
  undef: number;
  /** Special input shaping. */
  kind?: "div" | "string" | "shiftcount" | "float" | "double" | "cmpxchg16" | "bitmem";
  /** Minimum CPU level (1: baseline). */
  level?: number;
}

export const CF = 1, PF = 4, AF = 16, ZF = 64, SF = 128, OF = 2048;
export const ALLF = CF | PF | AF | ZF | SF | OF;

const forms: Form[] = [];
/** A form; its CPU level is its instruction's ISA extension's (src/x86/optable.ts). */
function add(mnem: string, ops: Opnd[], undef = 0, kind?: Form["kind"]): void {
  const f: Form = { name: `${mnem} ${ops.join(",")}`, mnem, ops, undef };
  if (kind !== undefined) f.kind = kind;
  const op = OP_BY_NAME.get(mnem.toUpperCase());
  const level = op === undefined ? 1 : isaLevel(isa(op));
  if (level > 1) f.level = level;
  forms.push(f);
}

const SIZES = ["8", "16", "32", "64"] as const;
const IMM = { "8": "i8", "16": "i16", "32": "i32", "64": "i32" } as const;

// Binary ALU.
for (const m of ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test"]) {
  const u = 0; // AF after logic ops is undefined; 0 matches the host
  for (const s of SIZES) {
    add(m, [`r${s}`, `r${s}`], u);
    add(m, [`m${s}`, `r${s}`], u);
    if (m !== "test") add(m, [`r${s}`, `m${s}`], u);
    add(m, [`r${s}`, IMM[s]], u);
    add(m, [`m${s}`, IMM[s]], u);
    if (s !== "8" && m !== "test") add(m, [`r${s}`, "i8"], u);
  }
}
for (const m of ["inc", "dec", "neg", "not"]) {
  for (const s of SIZES) {
    add(m, [`r${s}`]);
    add(m, [`m${s}`]);
  }
}
// Multiply / divide.
for (const s of SIZES) {
  add("mul", [`r${s}`], SF | ZF | AF | PF);
  add("imul", [`r${s}`], SF | ZF | AF | PF);
  add("mul", [`m${s}`], SF | ZF | AF | PF);
  add("div", [`r${s}`], ALLF, "div");
  add("idiv", [`r${s}`], ALLF, "div");
  add("div", [`m${s}`], ALLF, "div");
  add("idiv", [`m${s}`], ALLF, "div");
  if (s !== "8") {
    add("imul", [`r${s}`, `r${s}`], SF | ZF | AF | PF);
    add("imul", [`r${s}`, `m${s}`], SF | ZF | AF | PF);
    add("imul", [`r${s}`, `r${s}`, "i8"], SF | ZF | AF | PF);
    add("imul", [`r${s}`, `r${s}`, IMM[s]], SF | ZF | AF | PF);
  }
}
// Shifts and rotates. AF (always) and OF (counts > 1) are undefined in the SDM; rt0 matches
// the AMD hosts these run on for them, except RCL/RCR and 16-bit SHLD/SHRD OF (not compared).
for (const m of ["shl", "shr", "sar", "rol", "ror", "rcl", "rcr"]) {
  const rc = m === "rcl" || m === "rcr";
  for (const s of SIZES) {
    add(m, [`r${s}`, "1"]);
    add(m, [`m${s}`, "1"]);
    add(m, [`r${s}`, "cl"], rc ? OF : 0, "shiftcount");
    add(m, [`r${s}`, "i8"], rc ? OF : 0, "shiftcount");
    add(m, [`m${s}`, "cl"], rc ? OF : 0, "shiftcount");
  }
}
for (const m of ["shld", "shrd"]) {
  for (const s of ["16", "32", "64"]) {
    const u = s === "16" ? OF : 0;
    add(m, [`r${s}`, `r${s}`, "cl"], u, "shiftcount");
    add(m, [`r${s}`, `r${s}`, "i8"], u, "shiftcount");
    add(m, [`m${s}`, `r${s}`, "cl"], u, "shiftcount");
  }
}
// Bits.
for (const m of ["bt", "bts", "btr", "btc"]) {
  for (const s of ["16", "32", "64"]) {
    add(m, [`r${s}`, `r${s}`]);
    add(m, [`r${s}`, "i8"]);
    add(m, [`m${s}`, "i8"]);
    add(m, [`m${s}`, `r${s}`], 0, "bitmem");
  }
}
for (const m of ["bsf", "bsr"]) {
  for (const s of ["16", "32", "64"]) {
    add(m, [`r${s}`, `r${s}`], CF | OF | SF | AF | PF);
    add(m, [`r${s}`, `m${s}`], CF | OF | SF | AF | PF);
  }
}
add("bswap", ["r32"]);
add("bswap", ["r64"]);
// Moves and extensions.
for (const s of SIZES) {
  add("mov", [`r${s}`, `r${s}`]);
  add("mov", [`r${s}`, `m${s}`]);
  add("mov", [`m${s}`, `r${s}`]);
  add("mov", [`r${s}`, s === "64" ? "i64" : IMM[s]]);
  add("mov", [`m${s}`, IMM[s]]);
  add("xchg", [`r${s}`, `r${s}`]);
  add("xchg", [`m${s}`, `r${s}`]);
  add("xadd", [`r${s}`, `r${s}`]);
  add("xadd", [`m${s}`, `r${s}`]);
  add("cmpxchg", [`r${s}`, `r${s}`]);
  add("cmpxchg", [`m${s}`, `r${s}`]);
}
for (const [d, s] of [["16", "8"], ["32", "8"], ["64", "8"], ["32", "16"], ["64", "16"]] as const) {
  add("movzx", [`r${d}`, `r${s}`]);
  add("movzx", [`r${d}`, `m${s}`]);
  add("movsx", [`r${d}`, `r${s}`]);
  add("movsx", [`r${d}`, `m${s}`]);
}
add("movsxd", ["r64", "r32"]);
add("movsxd", ["r64", "m32"]);
add("lea", ["r64", "m64"]);
add("lea", ["r32", "m64"]);
add("lea", ["r16", "m64"]);
for (let c = 0; c < 16; c++) {
  const cc = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"][c];
  add(`set${cc}`, ["r8"]);
  add(`cmov${cc}`, ["r32", "r32"]);
  add(`cmov${cc}`, ["r64", "m64"]);
  add(`cmov${cc}`, ["r16", "r16"]);
}
for (const m of ["cbw", "cwde", "cdqe", "cwd", "cdq", "cqo", "clc", "stc", "cmc", "lahf", "sahf", "nop"]) add(m, []);
add("cld", [], 0, "string");
add("std", [], 0, "string");
add("cmpxchg8b", ["m64"]);
add("emms", []);
add("push", ["r64"]);
add("pop", ["r64"]);
add("push", ["m64"]);
add("pop", ["m64"]);
add("push", ["i32"]);
add("push", ["i8"]);
add("pushfq", []);
add("leave", []);
// Strings (REP forms with small counts, both directions).
for (const m of ["movs", "stos", "lods", "cmps", "scas"]) {
  for (const w of ["b", "w", "d", "q"]) {
    const base = `${m}${w}`;
    add(base, [], 0, "string");
    if (m === "cmps" || m === "scas") {
      add(`repe ${base}`, [], 0, "string");
      add(`repne ${base}`, [], 0, "string");
    } else add(`rep ${base}`, [], 0, "string");
  }
}
// SSE / SSE2.
const X = ["x", "x"];
const XM = ["x", "m128"];
for (const m of ["movups", "movupd", "movdqu", "movaps", "movapd", "movdqa"]) {
  add(m, X);
  add(m, XM);
  add(m, ["m128", "x"]);
}
for (const m of ["movss", "movsd"]) {
  add(m, X);
  add(m, ["x", m === "movss" ? "m32" : "m64"]);
  add(m, [m === "movss" ? "m32" : "m64", "x"]);
}
add("movd", ["x", "r32"]);
add("movd", ["r32", "x"]);
add("movd", ["x", "m32"]);
add("movd", ["m32", "x"]);
add("movq", ["x", "r64"]);
add("movq", ["r64", "x"]);
add("movq", ["x", "m64"]);
add("movq", ["m64", "x"]);
add("movq", X);
for (const m of ["movlps", "movhps", "movlpd", "movhpd"]) {
  add(m, ["x", "m64"]);
  add(m, ["m64", "x"]);
}
add("movhlps", X);
add("movlhps", X);
add("movmskps", ["r32", "x"]);
add("movmskpd", ["r32", "x"]);
add("pmovmskb", ["r32", "x"]);
add("movntdq", ["m128", "x"]);
add("movnti", ["m64", "r64"]);
const INT2 = [
  "pand", "pandn", "por", "pxor", "andps", "andpd", "andnps", "andnpd", "orps", "orpd", "xorps", "xorpd",
  "paddb", "paddw", "paddd", "paddq", "psubb", "psubw", "psubd", "psubq", "paddsb", "paddsw", "paddusb", "paddusw",
  "psubsb", "psubsw", "psubusb", "psubusw", "pmullw", "pmulhw", "pmulhuw", "pmuludq", "pmaddwd", "pavgb", "pavgw",
  "pminub", "pmaxub", "pminsw", "pmaxsw", "psadbw", "pcmpeqb", "pcmpeqw", "pcmpeqd", "pcmpgtb", "pcmpgtw", "pcmpgtd",
  "packsswb", "packssdw", "packuswb", "punpcklbw", "punpckhbw", "punpcklwd", "punpckhwd", "punpckldq", "punpckhdq",
  "punpcklqdq", "punpckhqdq", "unpcklps", "unpckhps", "unpcklpd", "unpckhpd",
];
for (const m of INT2) {
  add(m, X);
  add(m, XM);
}
for (const m of ["psllw", "pslld", "psllq", "psrlw", "psrld", "psrlq", "psraw", "psrad"]) {
  add(m, X, 0, "shiftcount");
  add(m, ["x", "i8"], 0, "shiftcount");
}
add("pslldq", ["x", "i8"], 0, "shiftcount");
add("psrldq", ["x", "i8"], 0, "shiftcount");
for (const m of ["pshufd", "pshuflw", "pshufhw", "shufps", "shufpd"]) {
  add(m, ["x", "x", "i8"]);
  add(m, ["x", "m128", "i8"]);
}
add("pinsrw", ["x", "r32", "i8"]);
add("pinsrw", ["x", "m16", "i8"]);
add("pextrw", ["r32", "x", "i8"]);
for (const t of ["ps", "pd", "ss", "sd"]) {
  const kind = t.endsWith("s") && t !== "pd" ? "float" : "double";
  const k: Form["kind"] = t === "ps" || t === "ss" ? "float" : "double";
  void kind;
  const msz = t === "ss" ? "m32" : t === "sd" ? "m64" : "m128";
  for (const m of ["add", "sub", "mul", "div", "min", "max", "sqrt"]) {
    add(`${m}${t}`, X, 0, k);
    add(`${m}${t}`, ["x", msz], 0, k);
  }
  add(`cmp${t}`, ["x", "x", "i8"], 0, k);
  add(`cmp${t}`, ["x", msz, "i8"], 0, k);
}
for (const m of ["ucomiss", "comiss"]) { add(m, X, 0, "float"); add(m, ["x", "m32"], 0, "float"); }
for (const m of ["ucomisd", "comisd"]) { add(m, X, 0, "double"); add(m, ["x", "m64"], 0, "double"); }
add("cvtsi2sd", ["x", "r32"]);
add("cvtsi2sd", ["x", "r64"]);
add("cvtsi2sd", ["x", "m64"]);
add("cvtsi2ss", ["x", "r32"]);
add("cvtsi2ss", ["x", "r64"]);
for (const m of ["cvttsd2si", "cvtsd2si"]) { add(m, ["r32", "x"], 0, "double"); add(m, ["r64", "x"], 0, "double"); add(m, ["r64", "m64"], 0, "double"); }
for (const m of ["cvttss2si", "cvtss2si"]) { add(m, ["r32", "x"], 0, "float"); add(m, ["r64", "x"], 0, "float"); }
add("cvtsd2ss", X, 0, "double");
add("cvtss2sd", X, 0, "float");
add("cvtdq2ps", X);
add("cvtps2dq", X, 0, "float");
add("cvttps2dq", X, 0, "float");
add("cvtdq2pd", X);
add("cvtpd2dq", X, 0, "double");
add("cvttpd2dq", X, 0, "double");
add("cvtps2pd", X, 0, "float");
add("cvtpd2ps", X, 0, "double");

// Level 2: SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT, AES-NI, PCLMULQDQ, CMPXCHG16B.
for (const m of ["addsubps", "haddps", "hsubps"]) { add(m, X, 0, "float"); add(m, XM, 0, "float"); }
for (const m of ["addsubpd", "haddpd", "hsubpd"]) { add(m, X, 0, "double"); add(m, XM, 0, "double"); }
add("lddqu", ["x", "m128"]);
add("movddup", X);
add("movsldup", X);
add("movshdup", X);
for (const m of ["pshufb", "phaddw", "phaddd", "phaddsw", "phsubw", "phsubd", "phsubsw", "pmaddubsw", "pmulhrsw",
  "psignb", "psignw", "psignd", "pabsb", "pabsw", "pabsd",
  "pcmpeqq", "pcmpgtq", "packusdw", "pminsb", "pminsd", "pminuw", "pminud", "pmaxsb", "pmaxsd", "pmaxuw", "pmaxud",
  "pmulld", "pmuldq", "phminposuw", "ptest", "aesenc", "aesenclast", "aesdec", "aesdeclast", "aesimc"]) {
  add(m, X, m === "ptest" ? 0 : 0);
  add(m, XM);
}
for (const m of ["pmovsxbw", "pmovsxbd", "pmovsxbq", "pmovsxwd", "pmovsxwq", "pmovsxdq", "pmovzxbw", "pmovzxbd", "pmovzxbq", "pmovzxwd", "pmovzxwq", "pmovzxdq"]) add(m, X);
for (const m of ["palignr", "blendps", "blendpd", "pblendw", "aeskeygenassist", "pclmulqdq", "pcmpestri", "pcmpestrm", "pcmpistri", "pcmpistrm"]) {
  add(m, ["x", "x", "i8"], m.startsWith("pcmp") ? AF | PF : 0, m.startsWith("pcmp") ? "shiftcount" : undefined);
}
for (const m of ["pblendvb", "blendvps", "blendvpd"]) add(m, ["x", "x", "xmm0"]);
for (const m of ["roundss", "roundps"]) add(m, ["x", "x", "i8"], 0, "float");
for (const m of ["roundsd", "roundpd"]) add(m, ["x", "x", "i8"], 0, "double");
add("pextrb", ["r32", "x", "i8"]);
add("pextrd", ["r32", "x", "i8"]);
add("pextrq", ["r64", "x", "i8"]);
add("pextrq", ["m64", "x", "i8"]);
add("extractps", ["r32", "x", "i8"]);
add("pinsrb", ["x", "r32", "i8"]);
add("pinsrd", ["x", "r32", "i8"]);
add("pinsrd", ["x", "m32", "i8"]);
add("pinsrq", ["x", "r64", "i8"]);
add("pinsrq", ["x", "m64", "i8"]);
add("insertps", ["x", "x", "i8"]);
add("popcnt", ["r32", "r32"]);
add("popcnt", ["r64", "r64"]);
add("popcnt", ["r64", "m64"]);
add("popcnt", ["r16", "r16"]);
for (const s of ["8", "16", "32", "64"]) add("crc32", [s === "64" ? "r64" : "r32", `r${s}`]);
add("crc32", ["r32", "m8"]);
add("crc32", ["r64", "m64"]);
add("cmpxchg16b", ["m128"], 0, "cmpxchg16");

// Level 3 GPR extensions: BMI1, BMI2, ADX, LZCNT, MOVBE (AVX/AVX2/FMA are not implemented).
for (const s of ["32", "64"]) {
  const r = `r${s}`, m = `m${s}`;
  add("andn", [r, r, r], AF | PF);
  add("andn", [r, r, m], AF | PF);
  add("bextr", [r, r, r], AF | PF | SF, "shiftcount");
  for (const x of ["blsi", "blsmsk", "blsr"]) { add(x, [r, r], AF | PF); add(x, [r, m], AF | PF); }
  add("bzhi", [r, r, r], AF | PF, "shiftcount");
  add("mulx", [r, r, r]);
  add("mulx", [r, r, m]);
  add("pdep", [r, r, r]);
  add("pext", [r, r, r]);
  add("rorx", [r, r, "i8"]);
  add("rorx", [r, m, "i8"]);
  for (const x of ["sarx", "shlx", "shrx"]) { add(x, [r, r, r], 0, "shiftcount"); add(x, [r, m, r], 0, "shiftcount"); }
  add("adcx", [r, r]);
  add("adox", [r, r]);
  add("adcx", [r, m]);
  add("lzcnt", [r, r]);
  add("tzcnt", [r, r]);
  add("lzcnt", [r, m]);
  add("tzcnt", [r, m]);
  add("movbe", [r, m]);
  add("movbe", [m, r]);
}
add("lzcnt", ["r16", "r16"]);
add("tzcnt", ["r16", "r16"]);
add("movbe", ["r16", "m16"]);

export const FORMS: readonly Form[] = forms;
