// The x86-64 opcode maps as data: one entry per opcode, in the notation of the Intel SDM's
// opcode tables (Eb,Gv,Ib, Vx,Hx,Wx ...). tables.ts parses these once at load into the trees
// decode.ts walks; tools/gen-x86.ts derives the Op ids from the mnemonics here and optable.ts.
//
// Entry grammar. A string "mnem op,op,... :flag :flag" ("" = undefined opcode), or a node:
//   array of 8         select by ModRM.reg           {mem, reg}   select by ModRM.mod
//   {np,p66,f3,f2}     select by mandatory prefix    {w0, w1}     select by REX.W/VEX.W/EVEX.W
//   {rm: [8]}          (mod == 3) select by ModRM.rm {l0, l1}     select by VEX.L
//   {vex, leg}         VEX/EVEX-encoded vs legacy-encoded
// Mnemonic prefixes: "v:" = SSE op that also has a VEX/EVEX form named "v"+mnem (its H and L
// operands exist only in that form); "V:" = VEX/EVEX-only. Flags: d64 (default 64-bit operand
// size), f64 (forced 64-bit), cc (condition code = opcode & 15), bw/b4/b8 (EVEX broadcast
// element size by W, 4 or 8), k (EVEX: destination is an opmask), sae (EVEX b = SAE/rounding).
// Operand tokens: an upper-case kind then a lower-case size, or a fixed register name:
//   E gpr/mem (rm)  M mem (rm)  R gpr (rm, mod 3)  G gpr (reg)  B gpr (vvvv)  Z gpr (opcode&7)
//   V vec (reg)  W vec/mem (rm)  U vec (rm, mod 3)  H vec (vvvv)  L vec (imm8[7:4])
//   P mmx (reg)  Q mmx/mem (rm)  N mmx (rm, mod 3)  S sreg (reg)  C cr (reg)  D dr (reg)
//   K opmask (reg)  Y opmask/mem (rm)  T opmask (vvvv)  F st(rm)  X mem with VSIB index
//   I immediate  J relative target  O moffs
// sizes: b w d q (1 2 4 8) v (operand size) y (4/8 by W) z (2/4: imm16/imm32) t (10) p (far
// pointer) m (unsized) x (vector length) h (VL/2) f (VL/4) e (VL/8) dq (16) qq (32) zz (64);
// "Ibs" is an imm8 sign-extended to the operand size.

export type Spec = string | readonly Spec[] | SpecNode;
export interface SpecNode {
  readonly np?: Spec; readonly p66?: Spec; readonly f3?: Spec; readonly f2?: Spec;
  readonly mem?: Spec; readonly reg?: Spec;
  readonly w0?: Spec; readonly w1?: Spec;
  readonly l0?: Spec; readonly l1?: Spec;
  readonly rm?: readonly Spec[];
  readonly vex?: Spec; readonly leg?: Spec;
}

const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
function alu(m: string): Spec[] {
  return [`${m} Eb,Gb`, `${m} Ev,Gv`, `${m} Gb,Eb`, `${m} Gv,Ev`, `${m} al,Ib`, `${m} rax,Iz`];
}
const rep = (n: number, s: Spec): Spec[] => Array.from({ length: n }, () => s);
const SHIFT = ["rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"];

/** One-byte opcode map (map 0). Prefix bytes, REX, 0F, VEX (C4/C5) and EVEX (62) are handled
 *  by the decoder before the lookup. */
export const MAP0: readonly Spec[] = [
  ...alu(ALU[0]!), "", "",
  ...alu(ALU[1]!), "", "",
  ...alu(ALU[2]!), "", "",
  ...alu(ALU[3]!), "", "",
  ...alu(ALU[4]!), "", "",
  ...alu(ALU[5]!), "", "",
  ...alu(ALU[6]!), "", "",
  ...alu(ALU[7]!), "", "",
  ...rep(16, ""), // 40-4F: REX
  ...rep(8, "push Zv :d64"), ...rep(8, "pop Zv :d64"),
  "", "", "", "movsxd Gv,Ed", "", "", "", "",
  "push Iz :d64", "imul Gv,Ev,Iz", "push Ibs :d64", "imul Gv,Ev,Ibs", "ins :b", "ins", "outs :b", "outs",
  ...rep(16, "jcc Jb :cc :f64"),
  ALU.map((m) => `${m} Eb,Ib`), ALU.map((m) => `${m} Ev,Iz`), "", ALU.map((m) => `${m} Ev,Ibs`),
  "test Eb,Gb", "test Ev,Gv", "xchg Eb,Gb", "xchg Ev,Gv", "mov Eb,Gb", "mov Ev,Gv", "mov Gb,Eb", "mov Gv,Ev",
  { mem: "mov Mw,Sw", reg: "mov Rv,Sw" }, "lea Gv,Mm", { mem: "mov Sw,Mw", reg: "mov Sw,Rv" }, ["pop Ev :d64", "", "", "", "", "", "", ""],
  { np: "nop", f3: "pause" }, ...rep(7, "xchg Zv,rax"),
  "cbw", "cwd", "", "fwait", "pushf :d64", "popf :d64", "sahf", "lahf",
  "mov al,Ob", "mov rax,Ov", "mov Ob,al", "mov Ov,rax", "movs :b", "movs", "cmps :b", "cmps",
  "test al,Ib", "test rax,Iz", "stos :b", "stos", "lods :b", "lods", "scas :b", "scas",
  ...rep(8, "mov Zb,Ib"), ...rep(8, "mov Zv,Iv"),
  SHIFT.map((m) => `${m} Eb,Ib`), SHIFT.map((m) => `${m} Ev,Ib`), "ret Iw :f64", "ret :f64", "", "",
  { mem: ["mov Eb,Ib", "", "", "", "", "", "", ""], reg: ["mov Eb,Ib", "", "", "", "", "", "", { rm: ["xabort Ib", "", "", "", "", "", "", ""] }] },
  { mem: ["mov Ev,Iz", "", "", "", "", "", "", ""], reg: ["mov Ev,Iz", "", "", "", "", "", "", { rm: ["xbegin Jz", "", "", "", "", "", "", ""] }] },
  "enter Iw,Ib :d64", "leave :d64", "lret Iw", "lret", "int3", "int Ib", "", "iret",
  SHIFT.map((m) => `${m} Eb,one`), SHIFT.map((m) => `${m} Ev,one`), SHIFT.map((m) => `${m} Eb,cl`), SHIFT.map((m) => `${m} Ev,cl`),
  "", "", "", "xlat",
  "X87", "X87", "X87", "X87", "X87", "X87", "X87", "X87",
  "loopne Jb :f64", "loope Jb :f64", "loop Jb :f64", "jrcxz Jb :f64", "in al,Ib", "in eax,Ib", "out Ib,al", "out Ib,eax",
  "call Jz :f64", "jmp Jz :f64", "", "jmp Jb :f64", "in al,dx", "in eax,dx", "out dx,al", "out dx,eax",
  "", "int1", "", "", "hlt", "cmc",
  ["test Eb,Ib", "test Eb,Ib", "not Eb", "neg Eb", "mul Eb", "imul Eb", "div Eb", "idiv Eb"],
  ["test Ev,Iz", "test Ev,Iz", "not Ev", "neg Ev", "mul Ev", "imul Ev", "div Ev", "idiv Ev"],
  "clc", "stc", "cli", "sti", "cld", "std",
  ["inc Eb", "dec Eb", "", "", "", "", "", ""],
  ["inc Ev", "dec Ev", "call Ev :f64", "lcall Mp", "jmp Ev :f64", "ljmp Mp", "push Ev :d64", ""],
];

const X87ARITH = ["fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"];
/** x87 escape opcodes D8..DF: memory forms by ModRM.reg, and register forms (mod == 3) by
 *  ModRM.reg (an 8-entry array indexed by rm where one ST(i) form does not cover the row). */
export const X87_MEM: readonly (readonly string[])[] = [
  X87ARITH.map((m) => `${m} Md`),
  ["fld Md", "", "fst Md", "fstp Md", "fldenv Mm", "fldcw Mw", "fnstenv Mm", "fnstcw Mw"],
  ["fiadd Md", "fimul Md", "ficom Md", "ficomp Md", "fisub Md", "fisubr Md", "fidiv Md", "fidivr Md"],
  ["fild Md", "fisttp Md", "fist Md", "fistp Md", "", "fld Mt", "", "fstp Mt"],
  X87ARITH.map((m) => `${m} Mq`),
  ["fld Mq", "fisttp Mq", "fst Mq", "fstp Mq", "frstor Mm", "", "fnsave Mm", "fnstsw Mw"],
  ["fiadd Mw", "fimul Mw", "ficom Mw", "ficomp Mw", "fisub Mw", "fisubr Mw", "fidiv Mw", "fidivr Mw"],
  ["fild Mw", "fisttp Mw", "fist Mw", "fistp Mw", "fbld Mt", "fild Mq", "fbstp Mt", "fistp Mq"],
];
export const X87_REG: readonly (readonly Spec[])[] = [
  X87ARITH.map((m) => (m === "fcom" || m === "fcomp" ? `${m} F` : `${m} st,F`)),
  ["fld F", "fxch F", { rm: ["fnop", "", "", "", "", "", "", ""] }, "fstp1 F",
    { rm: ["fchs", "fabs", "", "", "ftst", "fxam", "", ""] },
    { rm: ["fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", ""] },
    { rm: ["f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp"] },
    { rm: ["fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos"] }],
  ["fcmovcc st,F :c2", "fcmovcc st,F :c4", "fcmovcc st,F :c6", "fcmovcc st,F :c10", "", { rm: ["", "fucompp", "", "", "", "", "", ""] }, "", ""],
  ["fcmovcc st,F :c3", "fcmovcc st,F :c5", "fcmovcc st,F :c7", "fcmovcc st,F :c11",
    { rm: ["feni8087_nop", "fdisi8087_nop", "fnclex", "fninit", "fsetpm287_nop", "", "", ""] }, "fucomi st,F", "fcomi st,F", ""],
  ["fadd F,st", "fmul F,st", "fcom2 F", "fcomp3 F", "fsubr F,st", "fsub F,st", "fdivr F,st", "fdiv F,st"],
  ["ffree F", "fxch4 F", "fst F", "fstp F", "fucom F", "fucomp F", "", ""],
  ["faddp F,st", "fmulp F,st", "fcomp5 F", { rm: ["", "fcompp", "", "", "", "", "", ""] }, "fsubrp F,st", "fsubp F,st", "fdivrp F,st", "fdivp F,st"],
  ["ffreep F", "fxch7 F", "fstp8 F", "fstp9 F", { rm: ["fnstsw ax", "", "", "", "", "", "", ""] }, "fucomip st,F", "fcomip st,F", ""],
];

/** An MMX op (no prefix) with an SSE2 twin (66), both PADDB-style. */
function mmx(m: string, sse = true): SpecNode {
  return sse ? { np: `${m} Pq,Qq`, p66: `v:${m} Vx,Hx,Wx` } : { np: `${m} Pq,Qq` };
}
/** A packed/scalar float row: ps (np), pd (66), ss (F3), sd (F2). */
function fp4(m: string): SpecNode {
  return { np: `v:${m}ps Vx,Hx,Wx :b4`, p66: `v:${m}pd Vx,Hx,Wx :b8`, f3: `v:${m}ss Vdq,Hdq,Wd`, f2: `v:${m}sd Vdq,Hdq,Wq` };
}
function shiftx(m: string): SpecNode {
  return { np: `${m} Pq,Qq`, p66: `v:${m} Vx,Hx,Wdq` };
}

/** Two-byte opcode map 0F (map 1). */
export const MAP0F: readonly Spec[] = [
  // 00
  { mem: ["sldt Mw", "str Mw", "lldt Mw", "ltr Mw", "verr Mw", "verw Mw", "", ""], reg: ["sldt Rv", "str Rv", "lldt Rw", "ltr Rw", "verr Rw", "verw Rw", "", ""] },
  { mem: ["sgdt Mm", "sidt Mm", "lgdt Mm", "lidt Mm", "smsw Mw", "", "lmsw Mw", "invlpg Mm"],
    reg: [{ rm: ["enclv", "vmcall", "vmlaunch", "vmresume", "vmxoff", "", "", ""] },
      { rm: ["monitor", "mwait", "clac", "stac", "", "", "", "encls"] },
      { rm: ["xgetbv", "xsetbv", "", "", "vmfunc", "xend", "xtest", "enclu"] },
      "", "smsw Rv", "", "lmsw Rw",
      { rm: ["swapgs", "rdtscp", "monitorx", "mwaitx", "clzero", "rdpru", "", ""] }] },
  { mem: "lar Gv,Mw", reg: "lar Gv,Rv" }, { mem: "lsl Gv,Mw", reg: "lsl Gv,Rv" }, "", "syscall", "clts", "sysret",
  "invd", "wbinvd", "", "ud2", "", { mem: ["prefetch Mb", "prefetchw Mb", "prefetchwt1 Mb", "prefetch Mb", "prefetch Mb", "prefetch Mb", "prefetch Mb", "prefetch Mb"], reg: "nop Ev" }, "femms", "",
  // 10
  { np: "v:movups Vx,Wx", p66: "v:movupd Vx,Wx", f3: { mem: "v:movss Vdq,Md", reg: "v:movss Vdq,Hdq,Udq" }, f2: { mem: "v:movsd Vdq,Mq", reg: "v:movsd Vdq,Hdq,Udq" } },
  { np: "v:movups Wx,Vx", p66: "v:movupd Wx,Vx", f3: { mem: "v:movss Md,Vdq", reg: "v:movss Udq,Hdq,Vdq" }, f2: { mem: "v:movsd Mq,Vdq", reg: "v:movsd Udq,Hdq,Vdq" } },
  { np: { mem: "v:movlps Vdq,Hdq,Mq", reg: "v:movhlps Vdq,Hdq,Udq" }, p66: "v:movlpd Vdq,Hdq,Mq", f3: "v:movsldup Vx,Wx", f2: "v:movddup Vx,Wh" },
  { np: "v:movlps Mq,Vdq", p66: "v:movlpd Mq,Vdq" },
  { np: "v:unpcklps Vx,Hx,Wx :b4", p66: "v:unpcklpd Vx,Hx,Wx :b8" },
  { np: "v:unpckhps Vx,Hx,Wx :b4", p66: "v:unpckhpd Vx,Hx,Wx :b8" },
  { np: { mem: "v:movhps Vdq,Hdq,Mq", reg: "v:movlhps Vdq,Hdq,Udq" }, p66: "v:movhpd Vdq,Hdq,Mq", f3: "v:movshdup Vx,Wx" },
  { np: "v:movhps Mq,Vdq", p66: "v:movhpd Mq,Vdq" },
  { mem: ["prefetchnta Mb", "prefetcht0 Mb", "prefetcht1 Mb", "prefetcht2 Mb", "nop Ev", "nop Ev", "nop Ev", "nop Ev"], reg: "nop Ev" },
  "nop Ev", "nop Ev", "nop Ev", "nop Ev", "nop Ev",
  { np: "nop Ev", f3: { mem: "nop Ev", reg: [ "nop Ev", { rm: ["nop Ev", "rdsspd Rd", "nop Ev", "nop Ev", "nop Ev", "nop Ev", "nop Ev", "nop Ev"] }, "nop Ev", "nop Ev", "nop Ev", "nop Ev", "nop Ev",
    { rm: ["nop Ev", "nop Ev", "endbr64", "endbr32", "nop Ev", "nop Ev", "nop Ev", "nop Ev"] }] } },
  "nop Ev",
  // 20
  "mov Rq,Cq", "mov Rq,Dq", "mov Cq,Rq", "mov Dq,Rq", "", "", "", "",
  { np: "v:movaps Vx,Wx", p66: "v:movapd Vx,Wx" },
  { np: "v:movaps Wx,Vx", p66: "v:movapd Wx,Vx" },
  { np: "cvtpi2ps Vdq,Qq", p66: "cvtpi2pd Vdq,Qq", f3: "v:cvtsi2ss Vdq,Hdq,Ey", f2: "v:cvtsi2sd Vdq,Hdq,Ey" },
  { np: "v:movntps Mx,Vx", p66: "v:movntpd Mx,Vx" },
  { np: "cvttps2pi Pq,Wq", p66: "cvttpd2pi Pq,Wdq", f3: "v:cvttss2si Gy,Wd", f2: "v:cvttsd2si Gy,Wq" },
  { np: "cvtps2pi Pq,Wq", p66: "cvtpd2pi Pq,Wdq", f3: "v:cvtss2si Gy,Wd", f2: "v:cvtsd2si Gy,Wq" },
  { np: "v:ucomiss Vdq,Wd", p66: "v:ucomisd Vdq,Wq" },
  { np: "v:comiss Vdq,Wd", p66: "v:comisd Vdq,Wq" },
  // 30
  "wrmsr", "rdtsc", "rdmsr", "rdpmc", "sysenter", "sysexit", "", "getsec",
  "", "", "", "", "", "", "", "",
  // 40
  { vex: { l1: { p66: { w0: "V:kandb K,T,Y", w1: "V:kandd K,T,Y" }, np: { w0: "V:kandw K,T,Y", w1: "V:kandq K,T,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  { vex: { l1: { p66: { w0: "V:kandnb K,T,Y", w1: "V:kandnd K,T,Y" }, np: { w0: "V:kandnw K,T,Y", w1: "V:kandnq K,T,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  "cmovcc Gv,Ev :cc", "cmovcc Gv,Ev :cc",
  { vex: { l0: { p66: { w0: "V:knotb K,Y", w1: "V:knotd K,Y" }, np: { w0: "V:knotw K,Y", w1: "V:knotq K,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  { vex: { l1: { p66: { w0: "V:korb K,T,Y", w1: "V:kord K,T,Y" }, np: { w0: "V:korw K,T,Y", w1: "V:korq K,T,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  { vex: { l1: { p66: { w0: "V:kxnorb K,T,Y", w1: "V:kxnord K,T,Y" }, np: { w0: "V:kxnorw K,T,Y", w1: "V:kxnorq K,T,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  { vex: { l1: { p66: { w0: "V:kxorb K,T,Y", w1: "V:kxord K,T,Y" }, np: { w0: "V:kxorw K,T,Y", w1: "V:kxorq K,T,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  "cmovcc Gv,Ev :cc", "cmovcc Gv,Ev :cc",
  { vex: { l1: { p66: { w0: "V:kaddb K,T,Y", w1: "V:kaddd K,T,Y" }, np: { w0: "V:kaddw K,T,Y", w1: "V:kaddq K,T,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  { vex: { l1: { p66: { w0: "V:kunpckbw K,T,Y" }, np: { w0: "V:kunpckwd K,T,Y", w1: "V:kunpckdq K,T,Y" } } }, leg: "cmovcc Gv,Ev :cc" },
  "cmovcc Gv,Ev :cc", "cmovcc Gv,Ev :cc", "cmovcc Gv,Ev :cc", "cmovcc Gv,Ev :cc",
  // 50
  { np: "v:movmskps Gd,Ux", p66: "v:movmskpd Gd,Ux" },
  { np: "v:sqrtps Vx,Wx :b4", p66: "v:sqrtpd Vx,Wx :b8", f3: "v:sqrtss Vdq,Hdq,Wd", f2: "v:sqrtsd Vdq,Hdq,Wq" },
  { np: "v:rsqrtps Vx,Wx", f3: "v:rsqrtss Vdq,Hdq,Wd" },
  { np: "v:rcpps Vx,Wx", f3: "v:rcpss Vdq,Hdq,Wd" },
  { np: "v:andps Vx,Hx,Wx :b4", p66: "v:andpd Vx,Hx,Wx :b8" },
  { np: "v:andnps Vx,Hx,Wx :b4", p66: "v:andnpd Vx,Hx,Wx :b8" },
  { np: "v:orps Vx,Hx,Wx :b4", p66: "v:orpd Vx,Hx,Wx :b8" },
  { np: "v:xorps Vx,Hx,Wx :b4", p66: "v:xorpd Vx,Hx,Wx :b8" },
  fp4("add"), fp4("mul"),
  { np: "v:cvtps2pd Vx,Wh :b4", p66: "v:cvtpd2ps Vh,Wx :b8", f3: "v:cvtss2sd Vdq,Hdq,Wd", f2: "v:cvtsd2ss Vdq,Hdq,Wq" },
  { np: "v:cvtdq2ps Vx,Wx :b4", p66: "v:cvtps2dq Vx,Wx :b4", f3: "v:cvttps2dq Vx,Wx :b4" },
  fp4("sub"), fp4("min"), fp4("div"), fp4("max"),
  // 60
  mmx("punpcklbw"), mmx("punpcklwd"), mmx("punpckldq"), mmx("packsswb"),
  mmx("pcmpgtb"), mmx("pcmpgtw"), mmx("pcmpgtd"), mmx("packuswb"),
  mmx("punpckhbw"), mmx("punpckhwd"), mmx("punpckhdq"), mmx("packssdw"),
  { p66: "v:punpcklqdq Vx,Hx,Wx" }, { p66: "v:punpckhqdq Vx,Hx,Wx" },
  { np: { w0: "movd Pq,Ed", w1: "movq Pq,Eq" }, p66: { w0: "v:movd Vdq,Ed", w1: "v:movq Vdq,Eq" } },
  { np: "movq Pq,Qq", p66: "v:movdqa Vx,Wx", f3: "v:movdqu Vx,Wx" },
  // 70
  { np: "pshufw Pq,Qq,Ib", p66: "v:pshufd Vx,Wx,Ib", f3: "v:pshufhw Vx,Wx,Ib", f2: "v:pshuflw Vx,Wx,Ib" },
  { reg: ["", "", { np: "psrlw Nq,Ib", p66: "v:psrlw Hx,Ux,Ib" }, "", { np: "psraw Nq,Ib", p66: "v:psraw Hx,Ux,Ib" }, "", { np: "psllw Nq,Ib", p66: "v:psllw Hx,Ux,Ib" }, ""] },
  { reg: ["", "", { np: "psrld Nq,Ib", p66: "v:psrld Hx,Ux,Ib" }, "", { np: "psrad Nq,Ib", p66: "v:psrad Hx,Ux,Ib" }, "", { np: "pslld Nq,Ib", p66: "v:pslld Hx,Ux,Ib" }, ""] },
  { reg: ["", "", { np: "psrlq Nq,Ib", p66: "v:psrlq Hx,Ux,Ib" }, { p66: "v:psrldq Hx,Ux,Ib" }, "", "", { np: "psllq Nq,Ib", p66: "v:psllq Hx,Ux,Ib" }, { p66: "v:pslldq Hx,Ux,Ib" }] },
  mmx("pcmpeqb"), mmx("pcmpeqw"), mmx("pcmpeqd"),
  { vex: { np: { l0: "V:vzeroupper", l1: "V:vzeroall" } }, leg: { np: "emms" } },
  { np: "vmread Eq,Gq" }, { np: "vmwrite Gq,Eq" }, "", "",
  { p66: "v:haddpd Vx,Hx,Wx", f2: "v:haddps Vx,Hx,Wx" },
  { p66: "v:hsubpd Vx,Hx,Wx", f2: "v:hsubps Vx,Hx,Wx" },
  { np: { w0: "movd Ed,Pq", w1: "movq Eq,Pq" }, p66: { w0: "v:movd Ed,Vdq", w1: "v:movq Eq,Vdq" }, f3: "v:movq Vdq,Wq" },
  { np: "movq Qq,Pq", p66: "v:movdqa Wx,Vx", f3: "v:movdqu Wx,Vx" },
  // 80
  ...rep(16, "jcc Jz :cc :f64"),
  // 90
  { vex: { l0: { p66: { w0: "V:kmovb K,Yb", w1: "V:kmovd K,Yd" }, np: { w0: "V:kmovw K,Yw", w1: "V:kmovq K,Yq" } } }, leg: "setcc Eb :cc" },
  { vex: { l0: { p66: { w0: "V:kmovb Mb,K", w1: "V:kmovd Md,K" }, np: { w0: "V:kmovw Mw,K", w1: "V:kmovq Mq,K" } } }, leg: "setcc Eb :cc" },
  { vex: { l0: { p66: { w0: "V:kmovb K,Rd" }, np: { w0: "V:kmovw K,Rd" }, f2: { w0: "V:kmovd K,Rd", w1: "V:kmovq K,Rq" } } }, leg: "setcc Eb :cc" },
  { vex: { l0: { p66: { w0: "V:kmovb Gd,Y" }, np: { w0: "V:kmovw Gd,Y" }, f2: { w0: "V:kmovd Gd,Y", w1: "V:kmovq Gq,Y" } } }, leg: "setcc Eb :cc" },
  "setcc Eb :cc", "setcc Eb :cc", "setcc Eb :cc", "setcc Eb :cc",
  { vex: { l0: { p66: { w0: "V:kortestb K,Y", w1: "V:kortestd K,Y" }, np: { w0: "V:kortestw K,Y", w1: "V:kortestq K,Y" } } }, leg: "setcc Eb :cc" },
  { vex: { l0: { p66: { w0: "V:ktestb K,Y", w1: "V:ktestd K,Y" }, np: { w0: "V:ktestw K,Y", w1: "V:ktestq K,Y" } } }, leg: "setcc Eb :cc" },
  "setcc Eb :cc", "setcc Eb :cc", "setcc Eb :cc", "setcc Eb :cc", "setcc Eb :cc", "setcc Eb :cc",
  // A0
  "push fs :d64", "pop fs :d64", "cpuid", "bt Ev,Gv", "shld Ev,Gv,Ib", "shld Ev,Gv,cl", "", "",
  "push gs :d64", "pop gs :d64", "rsm", "bts Ev,Gv", "shrd Ev,Gv,Ib", "shrd Ev,Gv,cl",
  { mem: { np: ["fxsave Mm", "fxrstor Mm", "v:ldmxcsr Md", "v:stmxcsr Md", "xsave Mm", "xrstor Mm", "xsaveopt Mm", "clflush Mb"],
    p66: ["", "", "", "", "", "", "clwb Mb", "clflushopt Mb"], f3: ["", "", "", "", "ptwrite Ey", "", "", ""] },
  reg: { np: ["", "", "", "", "", "lfence", "mfence", "sfence"], f3: ["rdfsbase Ry", "rdgsbase Ry", "wrfsbase Ry", "wrgsbase Ry", "", "incsspd Ry", "umonitor Rv", ""] } },
  "imul Gv,Ev",
  // B0
  "cmpxchg Eb,Gb", "cmpxchg Ev,Gv", "lss Gv,Mp", "btr Ev,Gv", "lfs Gv,Mp", "lgs Gv,Mp", "movzx Gv,Eb", "movzx Gv,Ew",
  { f3: "popcnt Gv,Ev" }, "ud1 Gv,Ev", ["", "", "", "", "bt Ev,Ib", "bts Ev,Ib", "btr Ev,Ib", "btc Ev,Ib"], "btc Ev,Gv",
  { np: "bsf Gv,Ev", p66: "bsf Gv,Ev", f2: "bsf Gv,Ev", f3: "tzcnt Gv,Ev" },
  { np: "bsr Gv,Ev", p66: "bsr Gv,Ev", f2: "bsr Gv,Ev", f3: "lzcnt Gv,Ev" },
  "movsx Gv,Eb", "movsx Gv,Ew",
  // C0
  "xadd Eb,Gb", "xadd Ev,Gv",
  { np: "v:cmpps Vx,Hx,Wx,Ib :b4", p66: "v:cmppd Vx,Hx,Wx,Ib :b8", f3: "v:cmpss Vdq,Hdq,Wd,Ib", f2: "v:cmpsd Vdq,Hdq,Wq,Ib" },
  { np: "movnti My,Gy" },
  { mem: { np: "pinsrw Pq,Mw,Ib", p66: "v:pinsrw Vdq,Hdq,Mw,Ib" }, reg: { np: "pinsrw Pq,Rd,Ib", p66: "v:pinsrw Vdq,Hdq,Rd,Ib" } },
  { np: "pextrw Gd,Nq,Ib", p66: "v:pextrw Gd,Udq,Ib" },
  { np: "v:shufps Vx,Hx,Wx,Ib :b4", p66: "v:shufpd Vx,Hx,Wx,Ib :b8" },
  { mem: ["", { w0: "cmpxchg8b Mq", w1: "cmpxchg16b Mdq" }, "", { np: "xrstors Mm" }, { np: "xsavec Mm" }, { np: "xsaves Mm" }, { np: "vmptrld Mq", p66: "vmclear Mq", f3: "vmxon Mq" }, { np: "vmptrst Mq" }],
    reg: ["", "", "", "", "", "", { np: "rdrand Rv" }, { np: "rdseed Rv", f3: "rdpid Rq" }] },
  ...rep(8, "bswap Zy"),
  // D0
  { p66: "v:addsubpd Vx,Hx,Wx", f2: "v:addsubps Vx,Hx,Wx" },
  shiftx("psrlw"), shiftx("psrld"), shiftx("psrlq"), mmx("paddq"), mmx("pmullw"),
  { p66: "v:movq Wq,Vdq", f3: "movq2dq Vdq,Nq", f2: "movdq2q Pq,Udq" },
  { np: "pmovmskb Gd,Nq", p66: "v:pmovmskb Gd,Ux" },
  mmx("psubusb"), mmx("psubusw"), mmx("pminub"), mmx("pand"), mmx("paddusb"), mmx("paddusw"), mmx("pmaxub"), mmx("pandn"),
  // E0
  mmx("pavgb"), shiftx("psraw"), shiftx("psrad"), mmx("pavgw"), mmx("pmulhuw"), mmx("pmulhw"),
  { p66: "v:cvttpd2dq Vh,Wx :b8", f3: "v:cvtdq2pd Vx,Wh :b4", f2: "v:cvtpd2dq Vh,Wx :b8" },
  { np: "movntq Mq,Pq", p66: "v:movntdq Mx,Vx" },
  mmx("psubsb"), mmx("psubsw"), mmx("pminsw"), mmx("por"), mmx("paddsb"), mmx("paddsw"), mmx("pmaxsw"), mmx("pxor"),
  // F0
  { f2: "v:lddqu Vx,Mx" }, shiftx("psllw"), shiftx("pslld"), shiftx("psllq"), mmx("pmuludq"), mmx("pmaddwd"), mmx("psadbw"),
  { np: "maskmovq Pq,Nq", p66: "v:maskmovdqu Vdq,Udq" },
  mmx("psubb"), mmx("psubw"), mmx("psubd"), mmx("psubq"), mmx("paddb"), mmx("paddw"), mmx("paddd"), "ud0 Gd,Ed",
];

function ssse3(m: string): SpecNode {
  return { np: `${m} Pq,Qq`, p66: `v:${m} Vx,Hx,Wx` };
}
function p66(s: Spec): SpecNode { return { p66: s }; }
/** FMA rows 0F38 96..BF: ps/pd by W; the ss/sd forms in the odd columns 99,9B,9D,9F. */
function fma(m: string, scalar: boolean): SpecNode {
  return scalar
    ? p66({ w0: `V:${m}s Vdq,Hdq,Wd`, w1: `V:${m}d Vdq,Hdq,Wq` })
    : p66({ w0: `V:${m}s Vx,Hx,Wx :b4`, w1: `V:${m}d Vx,Hx,Wx :b8` });
}

/** Three-byte opcode map 0F 38 (map 2). Entries not listed are undefined. */
export const MAP0F38: Readonly<Record<number, Spec>> = {
  0x00: ssse3("pshufb"), 0x01: ssse3("phaddw"), 0x02: ssse3("phaddd"), 0x03: ssse3("phaddsw"),
  0x04: ssse3("pmaddubsw"), 0x05: ssse3("phsubw"), 0x06: ssse3("phsubd"), 0x07: ssse3("phsubsw"),
  0x08: ssse3("psignb"), 0x09: ssse3("psignw"), 0x0a: ssse3("psignd"), 0x0b: ssse3("pmulhrsw"),
  0x0c: p66("V:vpermilps Vx,Hx,Wx :b4"), 0x0d: p66("V:vpermilpd Vx,Hx,Wx :b8"),
  0x0e: p66("V:vtestps Vx,Wx"), 0x0f: p66("V:vtestpd Vx,Wx"),
  0x10: p66({ vex: "", leg: "pblendvb Vdq,Wdq,xmm0" }),
  0x13: p66("V:vcvtph2ps Vx,Wh"),
  0x14: p66({ vex: "", leg: "blendvps Vdq,Wdq,xmm0" }), 0x15: p66({ vex: "", leg: "blendvpd Vdq,Wdq,xmm0" }),
  0x16: p66("V:vpermps Vx,Hx,Wx :b4"), 0x17: p66("v:ptest Vx,Wx"),
  0x18: p66("V:vbroadcastss Vx,Wd"), 0x19: p66("V:vbroadcastsd Vx,Wq"), 0x1a: p66("V:vbroadcastf128 Vx,Mdq"),
  0x1c: ssse3("pabsb"), 0x1d: ssse3("pabsw"), 0x1e: ssse3("pabsd"),
  0x20: p66("v:pmovsxbw Vx,Wh"), 0x21: p66("v:pmovsxbd Vx,Wf"), 0x22: p66("v:pmovsxbq Vx,We"),
  0x23: p66("v:pmovsxwd Vx,Wh"), 0x24: p66("v:pmovsxwq Vx,Wf"), 0x25: p66("v:pmovsxdq Vx,Wh"),
  0x28: p66("v:pmuldq Vx,Hx,Wx"), 0x29: p66("v:pcmpeqq Vx,Hx,Wx"), 0x2a: p66("v:movntdqa Vx,Mx"), 0x2b: p66("v:packusdw Vx,Hx,Wx"),
  0x2c: p66("V:vmaskmovps Vx,Hx,Mx"), 0x2d: p66("V:vmaskmovpd Vx,Hx,Mx"), 0x2e: p66("V:vmaskmovps Mx,Hx,Vx"), 0x2f: p66("V:vmaskmovpd Mx,Hx,Vx"),
  0x30: p66("v:pmovzxbw Vx,Wh"), 0x31: p66("v:pmovzxbd Vx,Wf"), 0x32: p66("v:pmovzxbq Vx,We"),
  0x33: p66("v:pmovzxwd Vx,Wh"), 0x34: p66("v:pmovzxwq Vx,Wf"), 0x35: p66("v:pmovzxdq Vx,Wh"),
  0x36: p66("V:vpermd Vx,Hx,Wx"), 0x37: p66("v:pcmpgtq Vx,Hx,Wx"),
  0x38: p66("v:pminsb Vx,Hx,Wx"), 0x39: p66("v:pminsd Vx,Hx,Wx"), 0x3a: p66("v:pminuw Vx,Hx,Wx"), 0x3b: p66("v:pminud Vx,Hx,Wx"),
  0x3c: p66("v:pmaxsb Vx,Hx,Wx"), 0x3d: p66("v:pmaxsd Vx,Hx,Wx"), 0x3e: p66("v:pmaxuw Vx,Hx,Wx"), 0x3f: p66("v:pmaxud Vx,Hx,Wx"),
  0x40: p66("v:pmulld Vx,Hx,Wx"), 0x41: p66("v:phminposuw Vdq,Wdq"),
  0x45: p66({ w0: "V:vpsrlvd Vx,Hx,Wx", w1: "V:vpsrlvq Vx,Hx,Wx" }), 0x46: p66({ w0: "V:vpsravd Vx,Hx,Wx" }),
  0x47: p66({ w0: "V:vpsllvd Vx,Hx,Wx", w1: "V:vpsllvq Vx,Hx,Wx" }),
  0x58: p66("V:vpbroadcastd Vx,Wd"), 0x59: p66("V:vpbroadcastq Vx,Wq"), 0x5a: p66("V:vbroadcasti128 Vx,Mdq"),
  0x78: p66("V:vpbroadcastb Vx,Wb"), 0x79: p66("V:vpbroadcastw Vx,Ww"),
  0x8c: p66({ w0: "V:vpmaskmovd Vx,Hx,Mx", w1: "V:vpmaskmovq Vx,Hx,Mx" }),
  0x8e: p66({ w0: "V:vpmaskmovd Mx,Hx,Vx", w1: "V:vpmaskmovq Mx,Hx,Vx" }),
  0x90: p66({ w0: "V:vpgatherdd Vx,Xd,Hx", w1: "V:vpgatherdq Vx,Xq,Hx" }),
  0x91: p66({ w0: "V:vpgatherqd Vx,Xd,Hx", w1: "V:vpgatherqq Vx,Xq,Hx" }),
  0x92: p66({ w0: "V:vgatherdps Vx,Xd,Hx", w1: "V:vgatherdpd Vx,Xq,Hx" }),
  0x93: p66({ w0: "V:vgatherqps Vx,Xd,Hx", w1: "V:vgatherqpd Vx,Xq,Hx" }),
  0x96: fma("vfmaddsub132p", false), 0x97: fma("vfmsubadd132p", false),
  0x98: fma("vfmadd132p", false), 0x99: fma("vfmadd132s", true), 0x9a: fma("vfmsub132p", false), 0x9b: fma("vfmsub132s", true),
  0x9c: fma("vfnmadd132p", false), 0x9d: fma("vfnmadd132s", true), 0x9e: fma("vfnmsub132p", false), 0x9f: fma("vfnmsub132s", true),
  0xa6: fma("vfmaddsub213p", false), 0xa7: fma("vfmsubadd213p", false),
  0xa8: fma("vfmadd213p", false), 0xa9: fma("vfmadd213s", true), 0xaa: fma("vfmsub213p", false), 0xab: fma("vfmsub213s", true),
  0xac: fma("vfnmadd213p", false), 0xad: fma("vfnmadd213s", true), 0xae: fma("vfnmsub213p", false), 0xaf: fma("vfnmsub213s", true),
  0xb6: fma("vfmaddsub231p", false), 0xb7: fma("vfmsubadd231p", false),
  0xb8: fma("vfmadd231p", false), 0xb9: fma("vfmadd231s", true), 0xba: fma("vfmsub231p", false), 0xbb: fma("vfmsub231s", true),
  0xbc: fma("vfnmadd231p", false), 0xbd: fma("vfnmadd231s", true), 0xbe: fma("vfnmsub231p", false), 0xbf: fma("vfnmsub231s", true),
  0xc8: { np: "sha1nexte Vdq,Wdq" }, 0xc9: { np: "sha1msg1 Vdq,Wdq" }, 0xca: { np: "sha1msg2 Vdq,Wdq" },
  0xcb: { np: "sha256rnds2 Vdq,Wdq,xmm0" }, 0xcc: { np: "sha256msg1 Vdq,Wdq" }, 0xcd: { np: "sha256msg2 Vdq,Wdq" },
  0xcf: p66("v:gf2p8mulb Vx,Hx,Wx"),
  0xdb: p66("v:aesimc Vdq,Wdq"), 0xdc: p66("v:aesenc Vx,Hx,Wx"), 0xdd: p66("v:aesenclast Vx,Hx,Wx"),
  0xde: p66("v:aesdec Vx,Hx,Wx"), 0xdf: p66("v:aesdeclast Vx,Hx,Wx"),
  0xf0: { vex: "", leg: { np: "movbe Gv,Mv", p66: "movbe Gv,Mv", f2: "crc32 Gy,Eb" } },
  0xf1: { vex: "", leg: { np: "movbe Mv,Gv", p66: "movbe Mv,Gv", f2: "crc32 Gy,Ev" } },
  0xf2: { vex: { np: "V:andn Gy,By,Ey" } },
  0xf3: { vex: { np: ["", "V:blsr By,Ey", "V:blsmsk By,Ey", "V:blsi By,Ey", "", "", "", ""] } },
  0xf5: { vex: { np: "V:bzhi Gy,Ey,By", f3: "V:pext Gy,By,Ey", f2: "V:pdep Gy,By,Ey" } },
  0xf6: { vex: { f2: "V:mulx Gy,By,Ey" }, leg: { p66: "adcx Gy,Ey", f3: "adox Gy,Ey" } },
  0xf7: { vex: { np: "V:bextr Gy,Ey,By", p66: "V:shlx Gy,Ey,By", f3: "V:sarx Gy,Ey,By", f2: "V:shrx Gy,Ey,By" } },
};

/** Three-byte opcode map 0F 3A (map 3). All entries take an imm8. */
export const MAP0F3A: Readonly<Record<number, Spec>> = {
  0x00: p66({ w1: "V:vpermq Vx,Wx,Ib" }), 0x01: p66({ w1: "V:vpermpd Vx,Wx,Ib :b8" }), 0x02: p66({ w0: "V:vpblendd Vx,Hx,Wx,Ib" }),
  0x04: p66({ w0: "V:vpermilps Vx,Wx,Ib :b4" }), 0x05: p66({ w0: "V:vpermilpd Vx,Wx,Ib :b8" }), 0x06: p66({ w0: "V:vperm2f128 Vx,Hx,Wx,Ib" }),
  0x08: p66("v:roundps Vx,Wx,Ib"), 0x09: p66("v:roundpd Vx,Wx,Ib"), 0x0a: p66("v:roundss Vdq,Hdq,Wd,Ib"), 0x0b: p66("v:roundsd Vdq,Hdq,Wq,Ib"),
  0x0c: p66("v:blendps Vx,Hx,Wx,Ib"), 0x0d: p66("v:blendpd Vx,Hx,Wx,Ib"), 0x0e: p66("v:pblendw Vx,Hx,Wx,Ib"),
  0x0f: { np: "palignr Pq,Qq,Ib", p66: "v:palignr Vx,Hx,Wx,Ib" },
  0x14: p66({ mem: "v:pextrb Mb,Vdq,Ib", reg: "v:pextrb Rd,Vdq,Ib" }), 0x15: p66({ mem: "v:pextrw Mw,Vdq,Ib", reg: "v:pextrw Rd,Vdq,Ib" }),
  0x16: p66({ w0: "v:pextrd Ed,Vdq,Ib", w1: "v:pextrq Eq,Vdq,Ib" }), 0x17: p66("v:extractps Ed,Vdq,Ib"),
  0x18: p66({ w0: "V:vinsertf128 Vx,Hx,Wdq,Ib" }), 0x19: p66({ w0: "V:vextractf128 Wdq,Vx,Ib" }),
  0x1d: p66({ w0: "V:vcvtps2ph Wh,Vx,Ib" }),
  0x20: p66({ mem: "v:pinsrb Vdq,Hdq,Mb,Ib", reg: "v:pinsrb Vdq,Hdq,Rd,Ib" }), 0x21: p66("v:insertps Vdq,Hdq,Wd,Ib"),
  0x22: p66({ w0: "v:pinsrd Vdq,Hdq,Ed,Ib", w1: "v:pinsrq Vdq,Hdq,Eq,Ib" }),
  0x30: { vex: p66({ l0: { w0: "V:kshiftrb K,Y,Ib", w1: "V:kshiftrw K,Y,Ib" } }) },
  0x31: { vex: p66({ l0: { w0: "V:kshiftrd K,Y,Ib", w1: "V:kshiftrq K,Y,Ib" } }) },
  0x32: { vex: p66({ l0: { w0: "V:kshiftlb K,Y,Ib", w1: "V:kshiftlw K,Y,Ib" } }) },
  0x33: { vex: p66({ l0: { w0: "V:kshiftld K,Y,Ib", w1: "V:kshiftlq K,Y,Ib" } }) },
  0x38: p66({ w0: "V:vinserti128 Vx,Hx,Wdq,Ib" }), 0x39: p66({ w0: "V:vextracti128 Wdq,Vx,Ib" }),
  0x40: p66("v:dpps Vx,Hx,Wx,Ib"), 0x41: p66("v:dppd Vdq,Hdq,Wdq,Ib"), 0x42: p66("v:mpsadbw Vx,Hx,Wx,Ib"),
  0x44: p66("v:pclmulqdq Vx,Hx,Wx,Ib"), 0x46: p66({ w0: "V:vperm2i128 Vx,Hx,Wx,Ib" }),
  0x4a: p66({ w0: "V:vblendvps Vx,Hx,Wx,Lx" }), 0x4b: p66({ w0: "V:vblendvpd Vx,Hx,Wx,Lx" }), 0x4c: p66({ w0: "V:vpblendvb Vx,Hx,Wx,Lx" }),
  0x60: p66("v:pcmpestrm Vdq,Wdq,Ib"), 0x61: p66("v:pcmpestri Vdq,Wdq,Ib"), 0x62: p66("v:pcmpistrm Vdq,Wdq,Ib"), 0x63: p66("v:pcmpistri Vdq,Wdq,Ib"),
  0xcc: { np: "sha1rnds4 Vdq,Wdq,Ib" },
  0xce: p66({ leg: "gf2p8affineqb Vdq,Wdq,Ib", vex: { w1: "V:vgf2p8affineqb Vx,Hx,Wx,Ib :b8" } }),
  0xcf: p66({ leg: "gf2p8affineinvqb Vdq,Wdq,Ib", vex: { w1: "V:vgf2p8affineinvqb Vx,Hx,Wx,Ib :b8" } }),
  0xdf: p66("v:aeskeygenassist Vdq,Wdq,Ib"),
  0xf0: { vex: { f2: "V:rorx Gy,Ey,Ib" } },
};

/** EVEX-only forms and EVEX renamings (map 1..3, then 5/6 unused by Go), looked up before
 *  the VEX entries of the same opcode; an opcode not listed here falls back to its VEX entry. */
export const EVEX0F: Readonly<Record<number, Spec>> = {
  0x6f: { p66: { w0: "V:vmovdqa32 Vx,Wx", w1: "V:vmovdqa64 Vx,Wx" }, f3: { w0: "V:vmovdqu32 Vx,Wx", w1: "V:vmovdqu64 Vx,Wx" }, f2: { w0: "V:vmovdqu8 Vx,Wx", w1: "V:vmovdqu16 Vx,Wx" } },
  0x7f: { p66: { w0: "V:vmovdqa32 Wx,Vx", w1: "V:vmovdqa64 Wx,Vx" }, f3: { w0: "V:vmovdqu32 Wx,Vx", w1: "V:vmovdqu64 Wx,Vx" }, f2: { w0: "V:vmovdqu8 Wx,Vx", w1: "V:vmovdqu16 Wx,Vx" } },
  0xdb: p66({ w0: "V:vpandd Vx,Hx,Wx", w1: "V:vpandq Vx,Hx,Wx" }),
  0xdf: p66({ w0: "V:vpandnd Vx,Hx,Wx", w1: "V:vpandnq Vx,Hx,Wx" }),
  0xeb: p66({ w0: "V:vpord Vx,Hx,Wx", w1: "V:vporq Vx,Hx,Wx" }),
  0xef: p66({ w0: "V:vpxord Vx,Hx,Wx", w1: "V:vpxorq Vx,Hx,Wx" }),
  0x64: p66("V:vpcmpgtb K,Hx,Wx"), 0x65: p66("V:vpcmpgtw K,Hx,Wx"), 0x66: p66({ w0: "V:vpcmpgtd K,Hx,Wx" }),
  0x74: p66("V:vpcmpeqb K,Hx,Wx"), 0x75: p66("V:vpcmpeqw K,Hx,Wx"), 0x76: p66({ w0: "V:vpcmpeqd K,Hx,Wx" }),
  0x72: { reg: p66([{ w0: "V:vprord Hx,Wx,Ib", w1: "V:vprorq Hx,Wx,Ib" }, { w0: "V:vprold Hx,Wx,Ib", w1: "V:vprolq Hx,Wx,Ib" },
    { w0: "V:vpsrld Hx,Wx,Ib" }, "", { w0: "V:vpsrad Hx,Wx,Ib", w1: "V:vpsraq Hx,Wx,Ib" }, "", { w0: "V:vpslld Hx,Wx,Ib" }, ""]),
  mem: p66([{ w0: "V:vprord Hx,Wx,Ib", w1: "V:vprorq Hx,Wx,Ib" }, { w0: "V:vprold Hx,Wx,Ib", w1: "V:vprolq Hx,Wx,Ib" },
    { w0: "V:vpsrld Hx,Wx,Ib" }, "", { w0: "V:vpsrad Hx,Wx,Ib", w1: "V:vpsraq Hx,Wx,Ib" }, "", { w0: "V:vpslld Hx,Wx,Ib" }, ""]) },
  0x71: p66(["", "", { w0: "V:vpsrlw Hx,Wx,Ib" }, "", { w0: "V:vpsraw Hx,Wx,Ib" }, "", { w0: "V:vpsllw Hx,Wx,Ib" }, ""]),
  0x73: p66(["", "", { w1: "V:vpsrlq Hx,Wx,Ib" }, "V:vpsrldq Hx,Wx,Ib", "", "", { w1: "V:vpsllq Hx,Wx,Ib" }, "V:vpslldq Hx,Wx,Ib"]),
  0x5b: { np: { w0: "V:vcvtdq2ps Vx,Wx :b4", w1: "V:vcvtqq2ps Vh,Wx :b8" }, p66: { w0: "V:vcvtps2dq Vx,Wx :b4" }, f3: { w0: "V:vcvttps2dq Vx,Wx :b4" } },
  0x78: { np: { w0: "V:vcvttps2udq Vx,Wx :b4", w1: "V:vcvttpd2udq Vh,Wx :b8" }, p66: { w0: "V:vcvttps2uqq Vx,Wh :b4", w1: "V:vcvttpd2uqq Vx,Wx :b8" },
    f3: "V:vcvttss2usi Gy,Wd", f2: "V:vcvttsd2usi Gy,Wq" },
  0x79: { np: { w0: "V:vcvtps2udq Vx,Wx :b4", w1: "V:vcvtpd2udq Vh,Wx :b8" }, p66: { w0: "V:vcvtps2uqq Vx,Wh :b4", w1: "V:vcvtpd2uqq Vx,Wx :b8" },
    f3: "V:vcvtss2usi Gy,Wd", f2: "V:vcvtsd2usi Gy,Wq" },
  0x7a: { p66: { w0: "V:vcvttps2qq Vx,Wh :b4", w1: "V:vcvttpd2qq Vx,Wx :b8" }, f3: { w0: "V:vcvtudq2pd Vx,Wh :b4", w1: "V:vcvtuqq2pd Vx,Wx :b8" },
    f2: { w0: "V:vcvtudq2ps Vx,Wx :b4", w1: "V:vcvtuqq2ps Vh,Wx :b8" } },
  0x7b: { p66: { w0: "V:vcvtps2qq Vx,Wh :b4", w1: "V:vcvtpd2qq Vx,Wx :b8" }, f3: "V:vcvtusi2ss Vdq,Hdq,Ey", f2: "V:vcvtusi2sd Vdq,Hdq,Ey" },
  0xe2: p66({ w0: "V:vpsrad Vx,Hx,Wdq", w1: "V:vpsraq Vx,Hx,Wdq" }),
  0xe6: { p66: "V:vcvttpd2dq Vh,Wx :b8", f3: { w0: "V:vcvtdq2pd Vx,Wh :b4", w1: "V:vcvtqq2pd Vx,Wx :b8" }, f2: "V:vcvtpd2dq Vh,Wx :b8" },
};
export const EVEX0F38: Readonly<Record<number, Spec>> = {
  0x19: p66({ w0: "V:vbroadcastf32x2 Vx,Wq", w1: "V:vbroadcastsd Vx,Wq" }),
  0x1a: p66({ w0: "V:vbroadcastf32x4 Vx,Mdq", w1: "V:vbroadcastf64x2 Vx,Mdq" }),
  0x1b: p66({ w0: "V:vbroadcastf32x8 Vx,Mqq", w1: "V:vbroadcastf64x4 Vx,Mqq" }),
  0x1f: p66({ w1: "V:vpabsq Vx,Wx" }),
  0x2c: p66({ w0: "V:vscalefps Vx,Hx,Wx :b4", w1: "V:vscalefpd Vx,Hx,Wx :b8" }),
  0x2d: p66({ w0: "V:vscalefss Vdq,Hdq,Wd", w1: "V:vscalefsd Vdq,Hdq,Wq" }),
  0x42: p66({ w0: "V:vgetexpps Vx,Wx :b4", w1: "V:vgetexppd Vx,Wx :b8" }),
  0x43: p66({ w0: "V:vgetexpss Vdq,Hdq,Wd", w1: "V:vgetexpsd Vdq,Hdq,Wq" }),
  0x4d: p66({ w0: "V:vrcp14ss Vdq,Hdq,Wd", w1: "V:vrcp14sd Vdq,Hdq,Wq" }),
  0x4e: p66({ w0: "V:vrsqrt14ps Vx,Wx :b4", w1: "V:vrsqrt14pd Vx,Wx :b8" }),
  0x4f: p66({ w0: "V:vrsqrt14ss Vdq,Hdq,Wd", w1: "V:vrsqrt14sd Vdq,Hdq,Wq" }),
  0x65: p66({ w0: "V:vblendmps Vx,Hx,Wx :b4", w1: "V:vblendmpd Vx,Hx,Wx :b8" }),
  0x90: p66({ w0: "V:vpgatherdd Vx,Xd", w1: "V:vpgatherdq Vx,Xq" }),
  0x91: p66({ w0: "V:vpgatherqd Vh,Xd", w1: "V:vpgatherqq Vx,Xq" }),
  0x92: p66({ w0: "V:vgatherdps Vx,Xd", w1: "V:vgatherdpd Vx,Xq" }),
  0x93: p66({ w0: "V:vgatherqps Vh,Xd", w1: "V:vgatherqpd Vx,Xq" }),
  0xa0: p66({ w0: "V:vpscatterdd Xd,Vx", w1: "V:vpscatterdq Xq,Vx" }),
  0xa1: p66({ w0: "V:vpscatterqd Xd,Vh", w1: "V:vpscatterqq Xq,Vx" }),
  0xa2: p66({ w0: "V:vscatterdps Xd,Vx", w1: "V:vscatterdpd Xq,Vx" }),
  0xa3: p66({ w0: "V:vscatterqps Xd,Vh", w1: "V:vscatterqpd Xq,Vx" }),
  0xb4: p66({ w1: "V:vpmadd52luq Vx,Hx,Wx" }), 0xb5: p66({ w1: "V:vpmadd52huq Vx,Hx,Wx" }),
  0x14: p66({ w0: "V:vprorvd Vx,Hx,Wx", w1: "V:vprorvq Vx,Hx,Wx" }),
  0x15: p66({ w0: "V:vprolvd Vx,Hx,Wx", w1: "V:vprolvq Vx,Hx,Wx" }),
  0x10: { p66: { w1: "V:vpsrlvw Vx,Hx,Wx" }, f3: { w0: "V:vpmovuswb Wh,Vx" } },
  0x11: { p66: { w1: "V:vpsravw Vx,Hx,Wx" }, f3: { w0: "V:vpmovusdb Wf,Vx" } },
  0x12: { p66: { w1: "V:vpsllvw Vx,Hx,Wx" }, f3: { w0: "V:vpmovusqb We,Vx" } },
  0x20: { p66: "V:vpmovsxbw Vx,Wh", f3: { w0: "V:vpmovswb Wh,Vx" } },
  0x26: { p66: { w0: "V:vptestmb K,Hx,Wx", w1: "V:vptestmw K,Hx,Wx" }, f3: { w0: "V:vptestnmb K,Hx,Wx", w1: "V:vptestnmw K,Hx,Wx" } },
  0x27: { p66: { w0: "V:vptestmd K,Hx,Wx", w1: "V:vptestmq K,Hx,Wx" }, f3: { w0: "V:vptestnmd K,Hx,Wx", w1: "V:vptestnmq K,Hx,Wx" } },
  0x28: { p66: { w1: "V:vpmuldq Vx,Hx,Wx" }, f3: { w0: "V:vpmovm2b Vx,Y", w1: "V:vpmovm2w Vx,Y" } },
  0x29: { p66: { w1: "V:vpcmpeqq K,Hx,Wx" }, f3: { w0: "V:vpmovb2m K,Ux", w1: "V:vpmovw2m K,Ux" } },
  0x30: { p66: "V:vpmovzxbw Vx,Wh", f3: { w0: "V:vpmovwb Wh,Vx" } },
  0x31: { p66: "V:vpmovzxbd Vx,Wf", f3: { w0: "V:vpmovdb Wf,Vx" } },
  0x32: { p66: "V:vpmovzxbq Vx,We", f3: { w0: "V:vpmovqb We,Vx" } },
  0x33: { p66: "V:vpmovzxwd Vx,Wh", f3: { w0: "V:vpmovdw Wh,Vx" } },
  0x34: { p66: "V:vpmovzxwq Vx,Wf", f3: { w0: "V:vpmovqw Wf,Vx" } },
  0x35: { p66: "V:vpmovzxdq Vx,Wh", f3: { w0: "V:vpmovqd Wh,Vx" } },
  0x36: p66({ w0: "V:vpermd Vx,Hx,Wx", w1: "V:vpermq Vx,Hx,Wx" }),
  0x37: p66({ w1: "V:vpcmpgtq K,Hx,Wx" }),
  0x38: { p66: "V:vpminsb Vx,Hx,Wx", f3: { w0: "V:vpmovm2d Vx,Y", w1: "V:vpmovm2q Vx,Y" } },
  0x39: { p66: { w0: "V:vpminsd Vx,Hx,Wx", w1: "V:vpminsq Vx,Hx,Wx" }, f3: { w0: "V:vpmovd2m K,Ux", w1: "V:vpmovq2m K,Ux" } },
  0x3b: p66({ w0: "V:vpminud Vx,Hx,Wx", w1: "V:vpminuq Vx,Hx,Wx" }),
  0x3d: p66({ w0: "V:vpmaxsd Vx,Hx,Wx", w1: "V:vpmaxsq Vx,Hx,Wx" }),
  0x3f: p66({ w0: "V:vpmaxud Vx,Hx,Wx", w1: "V:vpmaxuq Vx,Hx,Wx" }),
  0x40: p66({ w0: "V:vpmulld Vx,Hx,Wx", w1: "V:vpmullq Vx,Hx,Wx" }),
  0x44: p66({ w0: "V:vplzcntd Vx,Wx", w1: "V:vplzcntq Vx,Wx" }),
  0x46: p66({ w0: "V:vpsravd Vx,Hx,Wx", w1: "V:vpsravq Vx,Hx,Wx" }),
  0x4c: p66({ w0: "V:vrcp14ps Vx,Wx", w1: "V:vrcp14pd Vx,Wx" }),
  0x50: p66({ w0: "V:vpdpbusd Vx,Hx,Wx" }), 0x51: p66({ w0: "V:vpdpbusds Vx,Hx,Wx" }),
  0x52: p66({ w0: "V:vpdpwssd Vx,Hx,Wx" }), 0x53: p66({ w0: "V:vpdpwssds Vx,Hx,Wx" }),
  0x54: p66({ w0: "V:vpopcntb Vx,Wx", w1: "V:vpopcntw Vx,Wx" }),
  0x55: p66({ w0: "V:vpopcntd Vx,Wx", w1: "V:vpopcntq Vx,Wx" }),
  0x59: p66({ w0: "V:vbroadcasti32x2 Vx,Wq", w1: "V:vpbroadcastq Vx,Wq" }),
  0x5a: p66({ w0: "V:vbroadcasti32x4 Vx,Mdq", w1: "V:vbroadcasti64x2 Vx,Mdq" }),
  0x5b: p66({ w0: "V:vbroadcasti32x8 Vx,Mqq", w1: "V:vbroadcasti64x4 Vx,Mqq" }),
  0x62: p66({ w0: "V:vpexpandb Vx,Wx", w1: "V:vpexpandw Vx,Wx" }),
  0x63: p66({ w0: "V:vpcompressb Wx,Vx", w1: "V:vpcompressw Wx,Vx" }),
  0x64: p66({ w0: "V:vpblendmd Vx,Hx,Wx", w1: "V:vpblendmq Vx,Hx,Wx" }),
  0x66: p66({ w0: "V:vpblendmb Vx,Hx,Wx", w1: "V:vpblendmw Vx,Hx,Wx" }),
  0x70: p66({ w1: "V:vpshldvw Vx,Hx,Wx" }), 0x71: p66({ w0: "V:vpshldvd Vx,Hx,Wx", w1: "V:vpshldvq Vx,Hx,Wx" }),
  0x72: p66({ w1: "V:vpshrdvw Vx,Hx,Wx" }), 0x73: p66({ w0: "V:vpshrdvd Vx,Hx,Wx", w1: "V:vpshrdvq Vx,Hx,Wx" }),
  0x75: p66({ w0: "V:vpermi2b Vx,Hx,Wx", w1: "V:vpermi2w Vx,Hx,Wx" }),
  0x76: p66({ w0: "V:vpermi2d Vx,Hx,Wx", w1: "V:vpermi2q Vx,Hx,Wx" }),
  0x77: p66({ w0: "V:vpermi2ps Vx,Hx,Wx", w1: "V:vpermi2pd Vx,Hx,Wx" }),
  0x7a: p66({ w0: "V:vpbroadcastb Vx,Rd" }), 0x7b: p66({ w0: "V:vpbroadcastw Vx,Rd" }),
  0x7c: p66({ w0: "V:vpbroadcastd Vx,Rd", w1: "V:vpbroadcastq Vx,Rq" }),
  0x7d: p66({ w0: "V:vpermt2b Vx,Hx,Wx", w1: "V:vpermt2w Vx,Hx,Wx" }),
  0x7e: p66({ w0: "V:vpermt2d Vx,Hx,Wx", w1: "V:vpermt2q Vx,Hx,Wx" }),
  0x7f: p66({ w0: "V:vpermt2ps Vx,Hx,Wx", w1: "V:vpermt2pd Vx,Hx,Wx" }),
  0x83: p66({ w1: "V:vpmultishiftqb Vx,Hx,Wx" }),
  0x88: p66({ w0: "V:vexpandps Vx,Wx", w1: "V:vexpandpd Vx,Wx" }),
  0x89: p66({ w0: "V:vpexpandd Vx,Wx", w1: "V:vpexpandq Vx,Wx" }),
  0x8a: p66({ w0: "V:vcompressps Wx,Vx", w1: "V:vcompresspd Wx,Vx" }),
  0x8b: p66({ w0: "V:vpcompressd Wx,Vx", w1: "V:vpcompressq Wx,Vx" }),
  0x8d: p66({ w0: "V:vpermb Vx,Hx,Wx", w1: "V:vpermw Vx,Hx,Wx" }),
  0x8f: p66({ w0: "V:vpshufbitqmb K,Hx,Wx" }),
  0xc4: p66({ w0: "V:vpconflictd Vx,Wx", w1: "V:vpconflictq Vx,Wx" }),
};
export const EVEX0F3A: Readonly<Record<number, Spec>> = {
  0x08: p66({ w0: "V:vrndscaleps Vx,Wx,Ib :b4" }), 0x09: p66({ w1: "V:vrndscalepd Vx,Wx,Ib :b8" }),
  0x0a: p66({ w0: "V:vrndscaless Vdq,Hdq,Wd,Ib" }), 0x0b: p66({ w1: "V:vrndscalesd Vdq,Hdq,Wq,Ib" }),
  0x03: p66({ w0: "V:valignd Vx,Hx,Wx,Ib", w1: "V:valignq Vx,Hx,Wx,Ib" }),
  0x18: p66({ w0: "V:vinsertf32x4 Vx,Hx,Wdq,Ib", w1: "V:vinsertf64x2 Vx,Hx,Wdq,Ib" }),
  0x19: p66({ w0: "V:vextractf32x4 Wdq,Vx,Ib", w1: "V:vextractf64x2 Wdq,Vx,Ib" }),
  0x1a: p66({ w0: "V:vinsertf32x8 Vx,Hx,Wqq,Ib", w1: "V:vinsertf64x4 Vx,Hx,Wqq,Ib" }),
  0x1b: p66({ w0: "V:vextractf32x8 Wqq,Vx,Ib", w1: "V:vextractf64x4 Wqq,Vx,Ib" }),
  0x26: p66({ w0: "V:vgetmantps Vx,Wx,Ib :b4", w1: "V:vgetmantpd Vx,Wx,Ib :b8" }),
  0x27: p66({ w0: "V:vgetmantss Vdq,Hdq,Wd,Ib", w1: "V:vgetmantsd Vdq,Hdq,Wq,Ib" }),
  0x42: p66({ w0: "V:vdbpsadbw Vx,Hx,Wx,Ib" }),
  0x50: p66({ w0: "V:vrangeps Vx,Hx,Wx,Ib :b4", w1: "V:vrangepd Vx,Hx,Wx,Ib :b8" }),
  0x51: p66({ w0: "V:vrangess Vdq,Hdq,Wd,Ib", w1: "V:vrangesd Vdq,Hdq,Wq,Ib" }),
  0x54: p66({ w0: "V:vfixupimmps Vx,Hx,Wx,Ib :b4", w1: "V:vfixupimmpd Vx,Hx,Wx,Ib :b8" }),
  0x55: p66({ w0: "V:vfixupimmss Vdq,Hdq,Wd,Ib", w1: "V:vfixupimmsd Vdq,Hdq,Wq,Ib" }),
  0x56: p66({ w0: "V:vreduceps Vx,Wx,Ib :b4", w1: "V:vreducepd Vx,Wx,Ib :b8" }),
  0x57: p66({ w0: "V:vreducess Vdq,Hdq,Wd,Ib", w1: "V:vreducesd Vdq,Hdq,Wq,Ib" }),
  0x66: p66({ w0: "V:vfpclassps K,Wx,Ib :b4", w1: "V:vfpclasspd K,Wx,Ib :b8" }),
  0x67: p66({ w0: "V:vfpclassss K,Wd,Ib", w1: "V:vfpclasssd K,Wq,Ib" }),
  0x1e: p66({ w0: "V:vpcmpud K,Hx,Wx,Ib", w1: "V:vpcmpuq K,Hx,Wx,Ib" }),
  0x1f: p66({ w0: "V:vpcmpd K,Hx,Wx,Ib", w1: "V:vpcmpq K,Hx,Wx,Ib" }),
  0x23: p66({ w0: "V:vshuff32x4 Vx,Hx,Wx,Ib", w1: "V:vshuff64x2 Vx,Hx,Wx,Ib" }),
  0x25: p66({ w0: "V:vpternlogd Vx,Hx,Wx,Ib", w1: "V:vpternlogq Vx,Hx,Wx,Ib" }),
  0x38: p66({ w0: "V:vinserti32x4 Vx,Hx,Wdq,Ib", w1: "V:vinserti64x2 Vx,Hx,Wdq,Ib" }),
  0x39: p66({ w0: "V:vextracti32x4 Wdq,Vx,Ib", w1: "V:vextracti64x2 Wdq,Vx,Ib" }),
  0x3a: p66({ w0: "V:vinserti32x8 Vx,Hx,Wqq,Ib", w1: "V:vinserti64x4 Vx,Hx,Wqq,Ib" }),
  0x3b: p66({ w0: "V:vextracti32x8 Wqq,Vx,Ib", w1: "V:vextracti64x4 Wqq,Vx,Ib" }),
  0x3e: p66({ w0: "V:vpcmpub K,Hx,Wx,Ib", w1: "V:vpcmpuw K,Hx,Wx,Ib" }),
  0x3f: p66({ w0: "V:vpcmpb K,Hx,Wx,Ib", w1: "V:vpcmpw K,Hx,Wx,Ib" }),
  0x43: p66({ w0: "V:vshufi32x4 Vx,Hx,Wx,Ib", w1: "V:vshufi64x2 Vx,Hx,Wx,Ib" }),
  0x70: p66({ w1: "V:vpshldw Vx,Hx,Wx,Ib" }), 0x71: p66({ w0: "V:vpshldd Vx,Hx,Wx,Ib", w1: "V:vpshldq Vx,Hx,Wx,Ib" }),
  0x72: p66({ w1: "V:vpshrdw Vx,Hx,Wx,Ib" }), 0x73: p66({ w0: "V:vpshrdd Vx,Hx,Wx,Ib", w1: "V:vpshrdq Vx,Hx,Wx,Ib" }),
};

/** Every mnemonic the spec can produce (used by tools/gen-x86.ts). */
export function specMnemonics(): Set<string> {
  const out = new Set<string>();
  const visit = (s: Spec): void => {
    if (typeof s === "string") {
      if (s === "" || s === "X87") return;
      let m = s.split(" ")[0]!;
      if (m.startsWith("v:")) { out.add(m.slice(2)); out.add("v" + m.slice(2)); return; }
      if (m.startsWith("V:")) m = m.slice(2);
      out.add(m);
      return;
    }
    if (Array.isArray(s)) { for (const x of s) visit(x); return; }
    for (const v of Object.values(s as object)) visit(v as Spec);
  };
  for (const m of [MAP0, MAP0F, Object.values(MAP0F38), Object.values(MAP0F3A), Object.values(EVEX0F), Object.values(EVEX0F38), Object.values(EVEX0F3A)]) visit(m as Spec);
  for (const row of X87_MEM) visit(row);
  for (const row of X87_REG) visit(row);
  return out;
}
