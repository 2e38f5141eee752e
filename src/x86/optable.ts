// The instruction table: one row per mnemonic of the opcode maps in spec.ts, saying what every
// reader of a decoded instruction needs besides its encoding. tools/gen-x86.ts turns it into
// the Op ids (ops.generated.ts, numbered family by family) and the per-op facts
// (facts.generated.ts, read through facts.ts) that the CPU, the block cache, the compiled tier,
// the ISA report and the CPU differential tests use. (v86's x86_table.js is the model.)
//
// A row: mnemonics (lower case, several when every other column is the same), then
//   family     the handler family: which src/cpu/ops/FAMILY.ts executes it; "none": decoded
//              only (the CPU stops with ILLEGAL naming it)
//   isa        the ISA extension (a name of ISA_TABLE below) of its plain form, then the forms
//              that differ: mmx:X (a form with an MMX register), ymm:X (VEX.256),
//              evex:X (EVEX-encoded)
//   flow       -: falls through; jump: ends a block and sets RIP itself (taken or not);
//              end: ends a block and leaves RIP to the run loop (traps, far transfers, stops)
//   reads      RFLAGS bits it reads: o s z a p c d (OF SF ZF AF PF CF DF), "-" for none
//   writes     RFLAGS bits it sets to defined values
//   undefined  RFLAGS bits the SDM leaves undefined after it
//   note       cc: reads only the flags of its condition code (Jcc, SETcc, CMOVcc, FCMOVcc);
//              count: a zero count (shift/rotate count) leaves every flag unchanged;
//              rep: with a REP prefix and RCX = 0 it leaves every flag unchanged;
//              keeps: rt0 leaves its undefined flags as they were (what the AMD hosts the CPU
//              differential test runs on do, and it compares them); elsewhere rt0 computes
//              the undefined flags as those hosts do (AF 0 after logic ops and MUL, 1 after
//              shifts)
// Adding an instruction: its encoding in spec.ts, a row here, a case in its family's file in
// src/cpu/ops/, `npm run gen`, and a cpudiff form in tools/cpudiff/forms.ts.

export const OP_TABLE = `
# mnemonics                                                    family  isa                          flow  reads    writes   undef   note
# alu: ADD..CMP, TEST, INC/DEC/NEG/NOT, XADD, CMPXCHG* (src/cpu/ops/alu.ts)
adc sbb                                                        alu     BASE                         -     c        oszapc   -
add cmp cmpxchg neg sub xadd                                   alu     BASE                         -     -        oszapc   -
and or test xor                                                alu     BASE                         -     -        oszpc    a
cmpxchg16b                                                     alu     CX16                         -     -        z        -
cmpxchg8b                                                      alu     BASE                         -     -        z        -
dec inc                                                        alu     BASE                         -     -        oszap    -
not                                                            alu     BASE                         -     -        -        -
# mov: data movement between GPRs and memory (src/cpu/ops/mov.ts)
bswap cbw cwd lea mov movsx                                    mov     BASE                         -     -        -        -
movsxd movzx xchg xlat                                         mov     BASE                         -     -        -        -
cmovcc setcc                                                   mov     BASE                         -     oszpc    -        -       cc
movnti                                                         mov     SSE2                         -     -        -        -
# shift: shifts and rotates (src/cpu/ops/shift.ts)
rcl rcr                                                        shift   BASE                         -     c        oc       -       count
rol ror                                                        shift   BASE                         -     -        oc       -       count
sar shl shld shr shrd                                          shift   BASE                         -     -        oszpc    a       count
# muldiv: MUL, IMUL, DIV, IDIV (src/cpu/ops/muldiv.ts)
div idiv                                                       muldiv  BASE                         -     -        -        oszapc keeps
imul mul                                                       muldiv  BASE                         -     -        oc       szap
# bits: bit tests, scans and counts (src/cpu/ops/bits.ts)
bsf bsr                                                        bits    BASE                         -     -        z        osapc keeps
bt btc btr bts                                                 bits    BASE                         -     -        c        osap keeps
lzcnt                                                          bits    LZCNT                        -     -        zc       osap keeps
popcnt                                                         bits    POPCNT                       -     -        oszapc   -
tzcnt                                                          bits    BMI1                         -     -        zc       osap keeps
# string: MOVS STOS LODS CMPS SCAS (REP) (src/cpu/ops/string.ts)
cmps scas                                                      string  BASE                         -     d        oszapc   -       rep
lods movs stos                                                 string  BASE                         -     d        -        -
# stack: PUSH POP and frames (src/cpu/ops/stack.ts)
enter leave pop push                                           stack   BASE                         -     -        -        -
popf                                                           stack   BASE                         -     -        oszapcd  -
pushf                                                          stack   BASE                         -     oszapcd  -        -
# branch: jumps, calls, returns, loops (src/cpu/ops/branch.ts)
call jmp jrcxz loop ret                                        branch  BASE                         jump  -        -        -
jcc                                                            branch  BASE                         jump  oszpc    -        -       cc
loope loopne                                                   branch  BASE                         jump  z        -        -
# flag: instructions whose work is RFLAGS itself (src/cpu/ops/flag.ts)
clc stc                                                        flag    BASE                         -     -        c        -
cld std                                                        flag    BASE                         -     -        d        -
cmc                                                            flag    BASE                         -     c        c        -
lahf                                                           flag    BASE                         -     szapc    -        -
sahf                                                           flag    BASE                         -     -        szapc    -
# system: hints, fences, traps, privileged, CPUID, RDTSC (src/cpu/ops/system.ts)
clflush lfence mfence                                          system  SSE2                         -     -        -        -
clflushopt endbr32 endbr64 nop pause prefetch                  system  BASE                         -     -        -        -
prefetchw rdtsc                                                system  BASE                         -     -        -        -
cli clts in invd invlpg lgdt                                   system  SYSTEM                       -     -        -        -
lidt lldt lmsw ltr out rdmsr                                   system  SYSTEM                       -     -        -        -
rdpmc sti swapgs wbinvd wrmsr                                  system  SYSTEM                       -     -        -        -
cpuid                                                          system  BASE                         jump  -        -        -
hlt int1 iret sysexit sysret                                   system  SYSTEM                       end   -        -        -
ins outs                                                       system  SYSTEM                       -     d        -        -
int int3 ud0 ud1 ud2                                           system  BASE                         end   -        -        -
prefetchnta prefetcht0 prefetcht1 prefetcht2 sfence            system  SSE                          -     -        -        -
rdtscp                                                         system  RDTSCP                       -     -        -        -
syscall                                                        system  BASE                         end   oszapcd  -        -
xgetbv                                                         system  XSAVE                        -     -        -        -
# x87: the x87 control, status and tag words (src/cpu/ops/x87.ts)
fldcw fnstcw fnstsw fwait                                      x87     X87                          -     -        -        -
emms                                                           x87     MMX                          -     -        -        -
# sse: SSE and SSE2 over the XMM registers (src/cpu/ops/sse.ts)
addpd addsd andnpd andpd cmppd cmpsd                           sse     SSE2                         -     -        -        -
cvtdq2pd cvtdq2ps cvtpd2dq cvtpd2ps cvtps2dq cvtps2pd          sse     SSE2                         -     -        -        -
cvtsd2si cvtsd2ss cvtsi2sd cvtss2sd cvttpd2dq cvttps2dq        sse     SSE2                         -     -        -        -
cvttsd2si divpd divsd maskmovdqu maxpd maxsd                   sse     SSE2                         -     -        -        -
minpd minsd movapd movdqa movdqu movhpd                        sse     SSE2                         -     -        -        -
movlpd movmskpd movntdq movntpd movsd movupd                   sse     SSE2                         -     -        -        -
mulpd mulsd orpd paddq pmuludq pshufd                          sse     SSE2                         -     -        -        -
pshufhw pshuflw psubq punpckhqdq punpcklqdq shufpd             sse     SSE2                         -     -        -        -
sqrtpd sqrtsd subpd subsd unpckhpd unpcklpd                    sse     SSE2                         -     -        -        -
xorpd                                                          sse     SSE2                         -     -        -        -
addps addss andnps andps cmpps cmpss                           sse     SSE                          -     -        -        -
cvtsi2ss cvtss2si cvttss2si divps divss ldmxcsr                sse     SSE                          -     -        -        -
maxps maxss minps minss movaps movhlps                         sse     SSE                          -     -        -        -
movhps movlhps movlps movmskps movntps movss                   sse     SSE                          -     -        -        -
movups mulps mulss orps shufps sqrtps                          sse     SSE                          -     -        -        -
sqrtss stmxcsr subps subss unpckhps unpcklps                   sse     SSE                          -     -        -        -
xorps                                                          sse     SSE                          -     -        -        -
comisd ucomisd                                                 sse     SSE2                         -     -        oszapc   -
comiss ucomiss                                                 sse     SSE                          -     -        oszapc   -
fxrstor fxsave                                                 sse     BASE                         -     -        -        -
lddqu movddup movshdup movsldup                                sse     SSE3                         -     -        -        -
movd movq packssdw packsswb packuswb paddb                     sse     SSE2,mmx:MMX                 -     -        -        -
paddd paddsb paddsw paddusb paddusw paddw                      sse     SSE2,mmx:MMX                 -     -        -        -
pand pandn pcmpeqb pcmpeqd pcmpeqw pcmpgtb                     sse     SSE2,mmx:MMX                 -     -        -        -
pcmpgtd pcmpgtw pmaddwd pmulhw pmullw por                      sse     SSE2,mmx:MMX                 -     -        -        -
pslld psllq psllw psrad psraw psrld                            sse     SSE2,mmx:MMX                 -     -        -        -
psrlq psrlw psubb psubd psubsb psubsw                          sse     SSE2,mmx:MMX                 -     -        -        -
psubusb psubusw psubw punpckhbw punpckhdq punpckhwd            sse     SSE2,mmx:MMX                 -     -        -        -
punpcklbw punpckldq punpcklwd pxor                             sse     SSE2,mmx:MMX                 -     -        -        -
movntdqa                                                       sse     SSE4_1                       -     -        -        -
pavgb pavgw pextrw pinsrw pmaxsw pmaxub                        sse     SSE2,mmx:SSE                 -     -        -        -
pminsw pminub pmovmskb pmulhuw psadbw                          sse     SSE2,mmx:SSE                 -     -        -        -
pslldq psrldq                                                  sse     SSE2                         -     -        -        -
# ssex: SSE3, SSSE3, SSE4.1, SSE4.2, AES-NI, PCLMULQDQ (src/cpu/ops/ssex.ts)
addsubpd addsubps haddpd haddps hsubpd hsubps                  ssex    SSE3                         -     -        -        -
aesdec aesdeclast aesenc aesenclast aesimc aeskeygenassist     ssex    AES                          -     -        -        -
blendpd blendps blendvpd blendvps extractps insertps           ssex    SSE4_1                       -     -        -        -
packusdw pblendvb pblendw pcmpeqq pextrb pextrd                ssex    SSE4_1                       -     -        -        -
pextrq phminposuw pinsrb pinsrd pinsrq pmaxsb                  ssex    SSE4_1                       -     -        -        -
pmaxsd pmaxud pmaxuw pminsb pminsd pminud                      ssex    SSE4_1                       -     -        -        -
pminuw pmovsxbd pmovsxbq pmovsxbw pmovsxdq pmovsxwd            ssex    SSE4_1                       -     -        -        -
pmovsxwq pmovzxbd pmovzxbq pmovzxbw pmovzxdq pmovzxwd          ssex    SSE4_1                       -     -        -        -
pmovzxwq pmuldq pmulld roundpd roundps roundsd                 ssex    SSE4_1                       -     -        -        -
roundss                                                        ssex    SSE4_1                       -     -        -        -
pabsb pabsd pabsw palignr phaddd phaddsw                       ssex    SSSE3                        -     -        -        -
phaddw phsubd phsubsw phsubw pmaddubsw pmulhrsw                ssex    SSSE3                        -     -        -        -
pshufb psignb psignd psignw                                    ssex    SSSE3                        -     -        -        -
pclmulqdq                                                      ssex    PCLMULQDQ                    -     -        -        -
pcmpestri pcmpestrm pcmpistri pcmpistrm                        ssex    SSE4_2                       -     -        oszapc   -
pcmpgtq                                                        ssex    SSE4_2                       -     -        -        -
ptest                                                          ssex    SSE4_1                       -     -        oszapc   -
# bmi: GPR extensions BMI1, BMI2, ADX, MOVBE, CRC32 (src/cpu/ops/bmi.ts)
adcx                                                           bmi     ADX                          -     c        c        -
adox                                                           bmi     ADX                          -     o        o        -
andn blsi blsmsk blsr                                          bmi     BMI1,evex:AVX512F            -     -        oszc     ap keeps
bextr                                                          bmi     BMI1,evex:AVX512F            -     -        ozc      sap keeps
bzhi                                                           bmi     BMI2,evex:AVX512F            -     -        oszc     ap keeps
crc32                                                          bmi     SSE4_2                       -     -        -        -
movbe                                                          bmi     MOVBE                        -     -        -        -
mulx pdep pext rorx sarx shlx                                  bmi     BMI2,evex:AVX512F            -     -        -        -
shrx                                                           bmi     BMI2,evex:AVX512F            -     -        -        -
# none: the CPU stops with ILLEGAL naming it
clac clwb clzero femms incsspd lfs                             none    BASE                         -     -        -        -
lgs lss monitorx mwaitx prefetchwt1 ptwrite                    none    BASE                         -     -        -        -
rdpid rdpru rdsspd stac umonitor vmfunc                        none    BASE                         -     -        -        -
xend                                                           none    BASE                         -     -        -        -
cvtpd2pi cvttpd2pi movdq2q movq2dq                             none    MMX                          -     -        -        -
cvtpi2pd                                                       none    SSE2,mmx:MMX                 -     -        -        -
cvtpi2ps cvtps2pi cvttps2pi maskmovq movntq pshufw             none    SSE                          -     -        -        -
rcpps rcpss rsqrtps rsqrtss                                    none    SSE                          -     -        -        -
dppd dpps mpsadbw                                              none    SSE4_1                       -     -        -        -
encls enclu enclv getsec rsm sgdt                              none    SYSTEM                       -     -        -        -
sidt sldt smsw str vmcall vmclear                              none    SYSTEM                       -     -        -        -
vmlaunch vmptrld vmptrst vmread vmresume vmwrite               none    SYSTEM                       -     -        -        -
vmxoff vmxon xsetbv                                            none    SYSTEM                       -     -        -        -
f2xm1 fabs fadd faddp fbld fbstp                               none    X87                          -     -        -        -
fchs fcom fcom2 fcomp fcomp3 fcomp5                            none    X87                          -     -        -        -
fcompp fcos fdecstp fdisi8087_nop fdiv fdivp                   none    X87                          -     -        -        -
fdivr fdivrp feni8087_nop ffree ffreep fiadd                   none    X87                          -     -        -        -
ficom ficomp fidiv fidivr fild fimul                           none    X87                          -     -        -        -
fincstp fist fistp fisub fisubr fld                            none    X87                          -     -        -        -
fld1 fldenv fldl2e fldl2t fldlg2 fldln2                        none    X87                          -     -        -        -
fldpi fldz fmul fmulp fnclex fninit                            none    X87                          -     -        -        -
fnop fnsave fnstenv fpatan fprem fprem1                        none    X87                          -     -        -        -
fptan frndint frstor fscale fsetpm287_nop fsin                 none    X87                          -     -        -        -
fsincos fsqrt fst fstp fstp1 fstp8                             none    X87                          -     -        -        -
fstp9 fsub fsubp fsubr fsubrp ftst                             none    X87                          -     -        -        -
fucom fucomp fucompp fxam fxch fxch4                           none    X87                          -     -        -        -
fxch7 fxtract fyl2x fyl2xp1                                    none    X87                          -     -        -        -
fcmovcc                                                        none    X87                          -     zpc      -        -       cc
fcomi fcomip fucomi fucomip                                    none    X87                          -     -        oszapc   -
fisttp monitor mwait                                           none    SSE3                         -     -        -        -
gf2p8affineinvqb gf2p8affineqb gf2p8mulb vgf2p8affineinvqb vgf2p8affineqb vgf2p8mulb none    GFNI                         -     -        -        -
kaddb kandb kandnb kmovb knotb korb                            none    AVX512DQ,evex:AVX512F        -     -        -        -
kshiftlb kshiftrb kxnorb kxorb                                 none    AVX512DQ,evex:AVX512F        -     -        -        -
kaddd kaddq kandd kandnd kandnq kandq                          none    AVX512BW,evex:AVX512F        -     -        -        -
kmovd kmovq knotd knotq kord korq                              none    AVX512BW,evex:AVX512F        -     -        -        -
kshiftld kshiftlq kshiftrd kshiftrq kunpckdq kunpckwd          none    AVX512BW,evex:AVX512F        -     -        -        -
kxnord kxnorq kxord kxorq                                      none    AVX512BW,evex:AVX512F        -     -        -        -
kaddw kandnw kandw kmovw knotw korw                            none    AVX512F                      -     -        -        -
kshiftlw kshiftrw kunpckbw kxnorw kxorw valignd                none    AVX512F                      -     -        -        -
valignq vblendmpd vblendmps vbroadcastf32x4 vbroadcastf64x4 vbroadcasti32x4 none    AVX512F                      -     -        -        -
vbroadcasti64x4 vcompresspd vcompressps vcvtpd2qq vcvtpd2udq vcvtpd2uqq none    AVX512F                      -     -        -        -
vcvtps2qq vcvtps2udq vcvtps2uqq vcvtqq2ps vcvtsd2usi vcvtss2usi none    AVX512F                      -     -        -        -
vcvttpd2qq vcvttpd2udq vcvttpd2uqq vcvttps2qq vcvttps2udq vcvttps2uqq none    AVX512F                      -     -        -        -
vcvttsd2usi vcvttss2usi vcvtudq2pd vcvtudq2ps vcvtuqq2pd vcvtuqq2ps none    AVX512F                      -     -        -        -
vcvtusi2sd vcvtusi2ss vexpandpd vexpandps vextractf32x4 vextractf64x4 none    AVX512F                      -     -        -        -
vextracti32x4 vextracti64x4 vfixupimmpd vfixupimmps vfixupimmsd vfixupimmss none    AVX512F                      -     -        -        -
vfpclasspd vfpclassps vfpclasssd vfpclassss vgetexppd vgetexpps none    AVX512F                      -     -        -        -
vgetexpsd vgetexpss vgetmantpd vgetmantps vgetmantsd vgetmantss none    AVX512F                      -     -        -        -
vinsertf32x4 vinsertf64x4 vinserti32x4 vinserti64x4 vmovdqa32 vmovdqa64 none    AVX512F                      -     -        -        -
vmovdqu32 vmovdqu64 vpabsq vpandd vpandnd vpandnq              none    AVX512F                      -     -        -        -
vpandq vpblendmd vpblendmq vpcmpd vpcmpq vpcmpud               none    AVX512F                      -     -        -        -
vpcmpuq vpcompressd vpcompressq vpermi2d vpermi2pd vpermi2ps   none    AVX512F                      -     -        -        -
vpermi2q vpermt2d vpermt2pd vpermt2ps vpermt2q vpexpandd       none    AVX512F                      -     -        -        -
vpexpandq vpmadd52huq vpmadd52luq vpmaxsq vpmaxuq vpminsq      none    AVX512F                      -     -        -        -
vpminuq vpmovdb vpmovdw vpmovqb vpmovqd vpmovqw                none    AVX512F                      -     -        -        -
vpmovusdb vpmovusqb vpord vporq vprold vprolq                  none    AVX512F                      -     -        -        -
vprolvd vprolvq vprord vprorq vprorvd vprorvq                  none    AVX512F                      -     -        -        -
vpscatterdd vpscatterdq vpscatterqd vpscatterqq vpsraq vpsravq none    AVX512F                      -     -        -        -
vpternlogd vpternlogq vptestmd vptestmq vptestnmd vptestnmq    none    AVX512F                      -     -        -        -
vpxord vpxorq vrangepd vrangeps vrangesd vrangess              none    AVX512F                      -     -        -        -
vrcp14pd vrcp14ps vrcp14sd vrcp14ss vreducepd vreduceps        none    AVX512F                      -     -        -        -
vreducesd vreducess vrndscalepd vrndscaleps vrndscalesd vrndscaless none    AVX512F                      -     -        -        -
vrsqrt14pd vrsqrt14ps vrsqrt14sd vrsqrt14ss vscalefpd vscalefps none    AVX512F                      -     -        -        -
vscalefsd vscalefss vscatterdpd vscatterdps vscatterqpd vscatterqps none    AVX512F                      -     -        -        -
vshuff32x4 vshuff64x2 vshufi32x4 vshufi64x2                    none    AVX512F                      -     -        -        -
kortestb ktestb                                                none    AVX512DQ,evex:AVX512F        -     -        oszapc   -
kortestd kortestq ktestd ktestq                                none    AVX512BW,evex:AVX512F        -     -        oszapc   -
kortestw ktestw                                                none    AVX512F                      -     -        oszapc   -
lar lsl verr verw                                              none    SYSTEM                       -     -        z        -
lcall ljmp lret                                                none    SYSTEM                       end   -        -        -
rdfsbase rdgsbase wrfsbase wrgsbase                            none    FSGSBASE                     -     -        -        -
rdrand                                                         none    RDRAND                       -     -        oszapc   -
rdseed                                                         none    RDSEED                       -     -        oszapc   -
sha1msg1 sha1msg2 sha1nexte sha1rnds4 sha256msg1 sha256msg2    none    SHA                          -     -        -        -
sha256rnds2                                                    none    SHA                          -     -        -        -
sysenter xabort xbegin                                         none    BASE                         end   -        -        -
vaddpd vaddps vaddsd vaddss vaddsubpd vaddsubps                none    AVX,evex:AVX512F             -     -        -        -
vandnpd vandnps vandpd vandps vblendpd vblendps                none    AVX,evex:AVX512F             -     -        -        -
vblendvpd vblendvps vbroadcastf128 vbroadcastsd vbroadcastss vcmppd none    AVX,evex:AVX512F             -     -        -        -
vcmpps vcmpsd vcmpss vcvtdq2pd vcvtdq2ps vcvtpd2dq             none    AVX,evex:AVX512F             -     -        -        -
vcvtpd2ps vcvtps2dq vcvtps2pd vcvtsd2si vcvtsd2ss vcvtsi2sd    none    AVX,evex:AVX512F             -     -        -        -
vcvtsi2ss vcvtss2sd vcvtss2si vcvttpd2dq vcvttps2dq vcvttsd2si none    AVX,evex:AVX512F             -     -        -        -
vcvttss2si vdivpd vdivps vdivsd vdivss vdppd                   none    AVX,evex:AVX512F             -     -        -        -
vdpps vextractf128 vextractps vhaddpd vhaddps vhsubpd          none    AVX,evex:AVX512F             -     -        -        -
vhsubps vinsertf128 vinsertps vlddqu vldmxcsr vmaskmovdqu      none    AVX,evex:AVX512F             -     -        -        -
vmaskmovpd vmaskmovps vmaxpd vmaxps vmaxsd vmaxss              none    AVX,evex:AVX512F             -     -        -        -
vminpd vminps vminsd vminss vmovapd vmovaps                    none    AVX,evex:AVX512F             -     -        -        -
vmovd vmovddup vmovdqa vmovdqu vmovhlps vmovhpd                none    AVX,evex:AVX512F             -     -        -        -
vmovhps vmovlhps vmovlpd vmovlps vmovmskpd vmovmskps           none    AVX,evex:AVX512F             -     -        -        -
vmovntdq vmovntpd vmovntps vmovq vmovsd vmovshdup              none    AVX,evex:AVX512F             -     -        -        -
vmovsldup vmovss vmovupd vmovups vmulpd vmulps                 none    AVX,evex:AVX512F             -     -        -        -
vmulsd vmulss vorpd vorps vpermilpd vpermilps                  none    AVX,evex:AVX512F             -     -        -        -
vrcpps vrcpss vroundpd vroundps vroundsd vroundss              none    AVX,evex:AVX512F             -     -        -        -
vrsqrtps vrsqrtss vshufpd vshufps vsqrtpd vsqrtps              none    AVX,evex:AVX512F             -     -        -        -
vsqrtsd vsqrtss vstmxcsr vsubpd vsubps vsubsd                  none    AVX,evex:AVX512F             -     -        -        -
vsubss vunpckhpd vunpckhps vunpcklpd vunpcklps vxorpd          none    AVX,evex:AVX512F             -     -        -        -
vxorps vzeroall vzeroupper                                     none    AVX,evex:AVX512F             -     -        -        -
vaesdec vaesdeclast vaesenc vaesenclast vaesimc vaeskeygenassist none    AVX,ymm:VAES,evex:VAES       -     -        -        -
vbroadcastf32x2 vbroadcastf32x8 vbroadcastf64x2 vbroadcasti32x2 vbroadcasti32x8 vbroadcasti64x2 none    AVX512DQ                     -     -        -        -
vcvtqq2pd vextractf32x8 vextractf64x2 vextracti32x8 vextracti64x2 vinsertf32x8 none    AVX512DQ                     -     -        -        -
vinsertf64x2 vinserti32x8 vinserti64x2 vpmovd2m vpmovm2d vpmovm2q none    AVX512DQ                     -     -        -        -
vpmovq2m vpmullq                                               none    AVX512DQ                     -     -        -        -
vbroadcasti128 vextracti128 vgatherdpd vgatherdps vgatherqpd vgatherqps none    AVX2,evex:AVX512F            -     -        -        -
vinserti128 vpblendd vpbroadcastd vpbroadcastq vperm2i128 vpermd none    AVX2,evex:AVX512F            -     -        -        -
vpermpd vpermps vpermq vpgatherdd vpgatherdq vpgatherqd        none    AVX2,evex:AVX512F            -     -        -        -
vpgatherqq vpmaskmovd vpmaskmovq vpsllvd vpsllvq vpsravd       none    AVX2,evex:AVX512F            -     -        -        -
vpsrlvd vpsrlvq                                                none    AVX2,evex:AVX512F            -     -        -        -
vcomisd vcomiss vptest vtestpd vtestps vucomisd                none    AVX,evex:AVX512F             -     -        oszapc   -
vucomiss                                                       none    AVX,evex:AVX512F             -     -        oszapc   -
vcvtph2ps vcvtps2ph                                            none    F16C,evex:AVX512F            -     -        -        -
vdbpsadbw vmovdqu16 vmovdqu8 vpblendmb vpblendmw vpcmpb        none    AVX512BW                     -     -        -        -
vpcmpub vpcmpuw vpcmpw vpermi2w vpermt2w vpermw                none    AVX512BW                     -     -        -        -
vpmovb2m vpmovm2b vpmovm2w vpmovswb vpmovuswb vpmovw2m         none    AVX512BW                     -     -        -        -
vpmovwb vpsllvw vpsravw vpsrlvw vptestmb vptestmw              none    AVX512BW                     -     -        -        -
vptestnmb vptestnmw                                            none    AVX512BW                     -     -        -        -
vfmadd132pd vfmadd132ps vfmadd132sd vfmadd132ss vfmadd213pd vfmadd213ps none    FMA,evex:AVX512F             -     -        -        -
vfmadd213sd vfmadd213ss vfmadd231pd vfmadd231ps vfmadd231sd vfmadd231ss none    FMA,evex:AVX512F             -     -        -        -
vfmaddsub132pd vfmaddsub132ps vfmaddsub213pd vfmaddsub213ps vfmaddsub231pd vfmaddsub231ps none    FMA,evex:AVX512F             -     -        -        -
vfmsub132pd vfmsub132ps vfmsub132sd vfmsub132ss vfmsub213pd vfmsub213ps none    FMA,evex:AVX512F             -     -        -        -
vfmsub213sd vfmsub213ss vfmsub231pd vfmsub231ps vfmsub231sd vfmsub231ss none    FMA,evex:AVX512F             -     -        -        -
vfmsubadd132pd vfmsubadd132ps vfmsubadd213pd vfmsubadd213ps vfmsubadd231pd vfmsubadd231ps none    FMA,evex:AVX512F             -     -        -        -
vfnmadd132pd vfnmadd132ps vfnmadd132sd vfnmadd132ss vfnmadd213pd vfnmadd213ps none    FMA,evex:AVX512F             -     -        -        -
vfnmadd213sd vfnmadd213ss vfnmadd231pd vfnmadd231ps vfnmadd231sd vfnmadd231ss none    FMA,evex:AVX512F             -     -        -        -
vfnmsub132pd vfnmsub132ps vfnmsub132sd vfnmsub132ss vfnmsub213pd vfnmsub213ps none    FMA,evex:AVX512F             -     -        -        -
vfnmsub213sd vfnmsub213ss vfnmsub231pd vfnmsub231ps vfnmsub231sd vfnmsub231ss none    FMA,evex:AVX512F             -     -        -        -
vmovntdqa vmpsadbw vpabsd vpaddd vpaddq vpand                  none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpandn vpblendvb vpblendw vpcmpeqd vpcmpeqq vpcmpgtd           none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpcmpgtq vperm2f128 vpextrd vpextrq vphaddd vphaddsw           none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vphaddw vphminposuw vphsubd vphsubsw vphsubw vpinsrd           none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpinsrq vpmaxsd vpmaxud vpminsd vpminud vpmovsxbd              none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpmovsxbq vpmovsxdq vpmovsxwd vpmovsxwq vpmovzxbd vpmovzxbq    none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpmovzxdq vpmovzxwd vpmovzxwq vpmuldq vpmulld vpmuludq         none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpor vpshufd vpsignb vpsignd vpsignw vpslld                    none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpslldq vpsllq vpsrad vpsrld vpsrldq vpsrlq                    none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpsubd vpsubq vpunpckhdq vpunpckhqdq vpunpckhwd vpunpckldq     none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpunpcklqdq vpunpcklwd vpxor                                   none    AVX,ymm:AVX2,evex:AVX512F    -     -        -        -
vpabsb vpabsw vpackssdw vpacksswb vpackusdw vpackuswb          none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpaddb vpaddsb vpaddsw vpaddusb vpaddusw vpaddw                none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpalignr vpavgb vpavgw vpcmpeqb vpcmpeqw vpcmpgtb              none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpcmpgtw vpextrb vpextrw vpinsrb vpinsrw vpmaddubsw            none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpmaddwd vpmaxsb vpmaxsw vpmaxub vpmaxuw vpminsb               none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpminsw vpminub vpminuw vpmovmskb vpmovsxbw vpmovzxbw          none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpmulhrsw vpmulhuw vpmulhw vpmullw vpsadbw vpshufb             none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpshufhw vpshuflw vpsllw vpsraw vpsrlw vpsubb                  none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpsubsb vpsubsw vpsubusb vpsubusw vpsubw vpunpckhbw            none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpunpcklbw                                                     none    AVX,ymm:AVX2,evex:AVX512BW   -     -        -        -
vpbroadcastb vpbroadcastw                                      none    AVX2,evex:AVX512BW           -     -        -        -
vpclmulqdq                                                     none    AVX,ymm:VPCLMULQDQ,evex:VPCLMULQDQ -     -        -        -
vpcmpestri vpcmpestrm vpcmpistri vpcmpistrm                    none    AVX,ymm:AVX2,evex:AVX512F    -     -        oszapc   -
vpcompressb vpcompressw vpexpandb vpexpandw vpshldd vpshldq    none    AVX512VBMI2                  -     -        -        -
vpshldvd vpshldvq vpshldvw vpshldw vpshrdd vpshrdq             none    AVX512VBMI2                  -     -        -        -
vpshrdvd vpshrdvq vpshrdvw vpshrdw                             none    AVX512VBMI2                  -     -        -        -
vpconflictd vpconflictq vplzcntd vplzcntq                      none    AVX512CD                     -     -        -        -
vpdpbusd vpdpbusds vpdpwssd vpdpwssds                          none    AVX512VNNI                   -     -        -        -
vpermb vpermi2b vpermt2b vpmultishiftqb                        none    AVX512VBMI                   -     -        -        -
vpopcntb vpopcntw vpshufbitqmb                                 none    AVX512BITALG                 -     -        -        -
vpopcntd vpopcntq                                              none    AVX512VPOPCNTDQ              -     -        -        -
xrstor xrstors xsave xsavec xsaveopt xsaves                    none    XSAVE                        -     -        -        -
xtest                                                          none    BASE                         -     -        oszapc   -
`;

/** The ISA extensions: the CPUID bit that advertises each (leaf, register, bit; "-" for none)
 *  and the --cpu-level whose CPUID advertises it once implemented (0: no level does). */
export const ISA_TABLE = `
# isa            leaf        reg  bit  level
BASE             -           -    -    1
X87              1           edx  0    1
MMX              1           edx  23   1
SSE              1           edx  25   1
SSE2             1           edx  26   1
SSE3             1           ecx  0    2
SSSE3            1           ecx  9    2
SSE4_1           1           ecx  19   2
SSE4_2           1           ecx  20   2
POPCNT           1           ecx  23   2
CX16             1           ecx  13   2
AES              1           ecx  25   2
PCLMULQDQ        1           ecx  1    2
LZCNT            0x80000001  ecx  5    3
BMI1             7           ebx  3    3
BMI2             7           ebx  8    3
ADX              7           ebx  19   3
MOVBE            1           ecx  22   3
AVX              1           ecx  28   3
AVX2             7           ebx  5    3
FMA              1           ecx  12   3
F16C             1           ecx  29   3
XSAVE            1           ecx  26   3
SHA              7           ebx  29   0
RDTSCP           0x80000001  edx  27   1
RDRAND           1           ecx  30   0
RDSEED           7           ebx  18   0
FSGSBASE         7           ebx  0    0
VAES             7           ecx  9    0
VPCLMULQDQ       7           ecx  10   0
GFNI             7           ecx  8    0
AVX512F          7           ebx  16   0
AVX512BW         7           ebx  30   0
AVX512DQ         7           ebx  17   0
AVX512CD         7           ebx  28   0
AVX512VBMI       7           ecx  1    0
AVX512VBMI2      7           ecx  6    0
AVX512BITALG     7           ecx  12   0
AVX512VPOPCNTDQ  7           ecx  14   0
AVX512VNNI       7           ecx  11   0
SYSTEM           -           -    -    0
`;
