// The compiled tier's core module, one per address space: the entry trampoline the dispatcher
// calls, the stub that fills table slots of functions not compiled yet, and the lazy-flag helpers
// compiled code calls when it cannot derive a condition from the last setter it saw (a wasm
// rendering of src/cpu/flags.ts's arithFlags and condFromBits, over the same lazy format).

import { F64, I32, I64, ModuleBuilder, OP, type Body } from "./wasm.js";
import { Wasm, type WasmFunction, type WasmMemory, type WasmTable } from "../base/wasmapi.js";
import { Lazy } from "../cpu/flags.js";
import { AF, CF, OF, PF, SF, ZF } from "../cpu/state.js";
import { TIER_CONT, TIER_INTERP } from "../cpu/api.js";

/** Statuses a compiled function returns besides the CPU's STOP.* codes (0..7). */
export const S_CONT = TIER_CONT;
/** A RET popped the return address the caller passed: the caller goes on after its call. */
export const S_RET = 100;
/** Leave and let the interpreter run the instruction at RIP (then carry on). */
export const S_INTERP = TIER_INTERP;

/** The signature of every compiled function: (state, entry block, expected return address,
 *  call depth) -> status. */
export const FN_PARAMS = [I32, I32, I64, I32] as const;

/** Parameters of the flag helpers: fk fsz fr fd fs fa fb (see src/cpu/flags.ts). */
export const FLAG_PARAMS = [I32, I32, I64, I64, I64, I32, I32] as const;

/** What a batch module imports from the core ("c": rd wr ex arith cond call) and the guest memory
 *  ("e" "m"), in the order the tier instantiates them; the function indices for CompileEnv. */
export function importCore(m: ModuleBuilder): { fnRead: number; fnWrite: number; fnExec: number; fnArith: number; fnCond: number; fnCall: number } {
  const fnRead = m.importFunc("c", "rd", [F64, I32], [I32]);
  const fnWrite = m.importFunc("c", "wr", [F64, I32], [I32]);
  const fnExec = m.importFunc("c", "ex", [I32], [I32]);
  const fnArith = m.importFunc("c", "arith", [...FLAG_PARAMS], [I32]);
  const fnCond = m.importFunc("c", "cond", [...FLAG_PARAMS, I32], [I32]);
  const fnCall = m.importFunc("c", "call", [...FN_PARAMS, I32], [I32]);
  m.importMemory("e", "m", 1);
  return { fnRead, fnWrite, fnExec, fnArith, fnCond, fnCall };
}

export interface Core {
  enter: (slot: number, entry: number, st: number) => number;
  stub: WasmFunction;
  arith: WasmFunction;
  cond: WasmFunction;
  /** (state, entry, ret, depth, slot) -> status: a tail call through the table. */
  call: WasmFunction;
  /** Wasm wrappers of the JavaScript helpers (see tier.ts), so batch modules import only wasm
   *  functions (no import wrapper compiled per module). */
  rd: WasmFunction;
  wr: WasmFunction;
  ex: WasmFunction;
}

/** The JavaScript helpers compiled code calls (tier.ts). */
export interface CoreHost {
  rd: (addr: number, size: number) => number;
  wr: (addr: number, size: number) => number;
  ex: (id: number) => number;
}

/** Emit arithFlags over the flag locals (fk, fsz, fr, fd, fs, fa, fb are local indices) leaving
 *  the flags (CF PF AF ZF SF OF bits) as an i32 on the stack. `f`, `w`, `sr` are i32 scratch
 *  locals. */
export function emitArith(b: Body, L: { fk: number; fsz: number; fr: number; fd: number; fs: number; fa: number; fb: number; f: number; w: number; sr: number }): void {
  const out = b.block(I32);
  // Materialized: the bits themselves.
  b.get(L.fb);
  b.get(L.fk).i32(Lazy.NONE).op(OP.i32_eq).brIf(out);
  b.op(OP.drop);
  // w = bits - 1 of the size; sr = sign of the result.
  b.get(L.fsz).i32(3).op(OP.i32_shl).i32(1).op(OP.i32_sub).set(L.w);
  const sign = (v: number): void => {
    b.get(v).get(L.w).op(OP.i64_extend_i32_u).op(OP.i64_shr_u).op(OP.i32_wrap_i64).i32(1).op(OP.i32_and);
  };
  sign(L.fr);
  b.set(L.sr);
  // PF ZF SF.
  b.get(L.fr).op(OP.i32_wrap_i64).i32(255).op(OP.i32_and).op(OP.i32_popcnt).i32(1).op(OP.i32_and).op(OP.i32_eqz).i32(2).op(OP.i32_shl); // PF = 4
  b.get(L.fr).op(OP.i64_eqz).i32(6).op(OP.i32_shl).op(OP.i32_or); // ZF = 64
  b.get(L.sr).i32(7).op(OP.i32_shl).op(OP.i32_or); // SF = 128
  b.set(L.f);
  const orF = (): void => {
    b.get(L.f).op(OP.i32_or).set(L.f);
  };
  const afBits = (): void => {
    b.get(L.fd).get(L.fs).op(OP.i64_xor).get(L.fr).op(OP.i64_xor).op(OP.i32_wrap_i64).i32(AF).op(OP.i32_and);
    orF();
  };
  const kindIs = (...kinds: number[]): void => {
    b.get(L.fk).i32(kinds[0]).op(OP.i32_eq);
    for (let k = 1; k < kinds.length; k++) b.get(L.fk).i32(kinds[k]).op(OP.i32_eq).op(OP.i32_or);
  };
  // ADD / ADC
  kindIs(Lazy.ADD, Lazy.ADC);
  b.if_();
  // CF: fr < fd, or a carry-in with fr == fd.
  b.get(L.fr).get(L.fd).op(OP.i64_lt_u);
  b.get(L.fk).i32(Lazy.ADC).op(OP.i32_eq).get(L.fa).op(OP.i32_and).get(L.fr).get(L.fd).op(OP.i64_eq).op(OP.i32_and);
  b.op(OP.i32_or);
  orF();
  // OF: (sd ^ sr) & (ss ^ sr)
  sign(L.fd); b.get(L.sr).op(OP.i32_xor);
  sign(L.fs); b.get(L.sr).op(OP.i32_xor);
  b.op(OP.i32_and).i32(11).op(OP.i32_shl);
  orF();
  afBits();
  b.end();
  // SUB / SBB
  kindIs(Lazy.SUB, Lazy.SBB);
  b.if_();
  b.get(L.fd).get(L.fs).op(OP.i64_lt_u);
  b.get(L.fk).i32(Lazy.SBB).op(OP.i32_eq).get(L.fa).op(OP.i32_and).get(L.fd).get(L.fs).op(OP.i64_eq).op(OP.i32_and);
  b.op(OP.i32_or);
  orF();
  // OF: (sd ^ ss) & (sd ^ sr)
  sign(L.fd); sign(L.fs); b.op(OP.i32_xor);
  sign(L.fd); b.get(L.sr).op(OP.i32_xor);
  b.op(OP.i32_and).i32(11).op(OP.i32_shl);
  orF();
  afBits();
  b.end();
  // INC / DEC: CF kept in fa; OF on the sign change; AF on the low nibble.
  kindIs(Lazy.INC);
  b.if_();
  b.get(L.fa).i32(CF).op(OP.i32_and);
  orF();
  b.get(L.sr); sign(L.fd); b.op(OP.i32_eqz).op(OP.i32_and).i32(11).op(OP.i32_shl);
  orF();
  b.get(L.fr).op(OP.i32_wrap_i64).i32(15).op(OP.i32_and).op(OP.i32_eqz).i32(4).op(OP.i32_shl);
  orF();
  b.end();
  kindIs(Lazy.DEC);
  b.if_();
  b.get(L.fa).i32(CF).op(OP.i32_and);
  orF();
  b.get(L.sr).op(OP.i32_eqz); sign(L.fd); b.op(OP.i32_and).i32(11).op(OP.i32_shl);
  orF();
  b.get(L.fr).op(OP.i32_wrap_i64).i32(15).op(OP.i32_and).i32(15).op(OP.i32_eq).i32(4).op(OP.i32_shl);
  orF();
  b.end();
  // Shifts: AF set (what the hosts produce), CF the last bit shifted out.
  const bitOfDst = (pushK: () => void): void => {
    b.get(L.fd);
    pushK();
    b.op(OP.i64_extend_i32_u).op(OP.i64_shr_u).op(OP.i32_wrap_i64).i32(1).op(OP.i32_and);
  };
  const count = (): void => {
    b.get(L.fs).op(OP.i32_wrap_i64);
  };
  kindIs(Lazy.SHL);
  b.if_();
  // cf = bit (w+1 - c) of dst; OF = sr ^ cf. (w holds bits - 1.)
  bitOfDst(() => { b.get(L.w).i32(1).op(OP.i32_add); count(); b.op(OP.i32_sub); });
  b.tee(L.w); // reuse w as cf
  b.get(L.f).op(OP.i32_or).i32(AF).op(OP.i32_or).set(L.f);
  b.get(L.w).get(L.sr).op(OP.i32_xor).i32(11).op(OP.i32_shl);
  orF();
  b.end();
  kindIs(Lazy.SHR);
  b.if_();
  bitOfDst(() => { count(); b.i32(1).op(OP.i32_sub); });
  b.i32(AF).op(OP.i32_or);
  orF();
  // OF: the original sign when the count is 1.
  sign(L.fd); count(); b.i32(1).op(OP.i32_eq).op(OP.i32_and).i32(11).op(OP.i32_shl);
  orF();
  b.end();
  kindIs(Lazy.SAR);
  b.if_();
  bitOfDst(() => { count(); b.i32(1).op(OP.i32_sub); });
  b.i32(AF).op(OP.i32_or);
  orF();
  b.end();
  void Lazy.LOGIC;
  b.get(L.f);
  b.end();
}

/** Emit condFromBits: the i32 flags `f` (a local) and the condition code cc (a local) -> 0/1. */
export function emitCondFromBits(b: Body, f: number, cc: number, r: number): void {
  const done = b.block();
  const cases: number[] = [];
  for (let k = 0; k < 8; k++) cases.push(b.block());
  b.get(cc).i32(1).op(OP.i32_shr_u);
  b.brTable(cases.slice().reverse(), cases[0]);
  const bitsCase = (k: number, emit: () => void): void => {
    b.end(); // closes cases[7 - k]... see the order below
    emit();
    b.set(r);
    b.br(done);
    void k;
  };
  // br_table index i branches to the label listed i-th: cases reversed, so index 0 -> innermost.
  const sfNeOf = (): void => {
    b.get(f).i32(7).op(OP.i32_shr_u).get(f).i32(11).op(OP.i32_shr_u).op(OP.i32_xor).i32(1).op(OP.i32_and);
  };
  bitsCase(0, () => { b.get(f).i32(OF).op(OP.i32_and); });
  bitsCase(1, () => { b.get(f).i32(CF).op(OP.i32_and); });
  bitsCase(2, () => { b.get(f).i32(ZF).op(OP.i32_and); });
  bitsCase(3, () => { b.get(f).i32(CF | ZF).op(OP.i32_and); });
  bitsCase(4, () => { b.get(f).i32(SF).op(OP.i32_and); });
  bitsCase(5, () => { b.get(f).i32(PF).op(OP.i32_and); });
  bitsCase(6, sfNeOf);
  b.end();
  b.get(f).i32(ZF).op(OP.i32_and);
  sfNeOf();
  b.op(OP.i32_or).set(r);
  b.end();
  // r != 0, inverted for odd cc.
  b.get(r).i32(0).op(OP.i32_ne).get(cc).i32(1).op(OP.i32_and).op(OP.i32_xor);
}

/** Build and instantiate the core module over an address space's memory and function table.
 *  The table is imported here only: V8 (Node 20) keeps a copy of an imported table per instance
 *  and updates every copy on each change, so batch modules call through `call` instead. */
export function makeCore(memory: WasmMemory, table: WasmTable, host: CoreHost): Core {
  const m = new ModuleBuilder();
  const jsRd = m.importFunc("j", "rd", [F64, I32], [I32]);
  const jsWr = m.importFunc("j", "wr", [F64, I32], [I32]);
  const jsEx = m.importFunc("j", "ex", [I32], [I32]);
  m.importTable("e", "t", 1);
  m.importMemory("e", "m", 1);
  const fnType = m.type([...FN_PARAMS], [I32]);

  const [enter, eb] = m.func([I32, I32, I32], [I32]);
  eb.get(2).get(1).i64(-1, -1).i32(0).get(0).callIndirect(fnType);
  m.export("enter", enter);

  const [stub, sb] = m.func([...FN_PARAMS], [I32]);
  sb.i32(S_CONT);
  m.export("stub", stub);

  const [arith, ab] = m.func([...FLAG_PARAMS], [I32]);
  {
    const f = ab.local(I32), w = ab.local(I32), sr = ab.local(I32);
    emitArith(ab, { fk: 0, fsz: 1, fr: 2, fd: 3, fs: 4, fa: 5, fb: 6, f, w, sr });
  }
  m.export("arith", arith);

  const [cond, cb] = m.func([...FLAG_PARAMS, I32], [I32]);
  {
    const f = cb.local(I32), r = cb.local(I32);
    cb.get(0).get(1).get(2).get(3).get(4).get(5).get(6).call(arith).set(f);
    emitCondFromBits(cb, f, 7, r);
  }
  m.export("cond", cond);

  const [call, kb] = m.func([...FN_PARAMS, I32], [I32]);
  kb.get(0).get(1).get(2).get(3).get(4).returnCallIndirect(fnType);
  m.export("call", call);

  for (const [name, imp, params] of [["rd", jsRd, [F64, I32]], ["wr", jsWr, [F64, I32]], ["ex", jsEx, [I32]]] as const) {
    const [f, fb] = m.func([...params], [I32]);
    params.forEach((_, k) => fb.get(k));
    fb.call(imp);
    m.export(name, f);
  }

  const inst = new Wasm.Instance(new Wasm.Module(m.encode()), {
    e: { m: memory, t: table },
    j: { rd: host.rd, wr: host.wr, ex: host.ex },
  });
  const x = inst.exports;
  return {
    enter: x.enter as (slot: number, entry: number, st: number) => number,
    stub: x.stub,
    arith: x.arith,
    cond: x.cond,
    call: x.call,
    rd: x.rd,
    wr: x.wr,
    ex: x.ex,
  };
}
