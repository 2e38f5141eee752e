// The WebAssembly tier at run time, one per address space (decode cache): which units are hot,
// compiling them in batches into modules, the function table and its slots (one per guest
// address that is called or compiled), the lookup table for indirect transfers, invalidation
// when code changes, and the JavaScript side of compiled code (TLB misses, instructions the
// interpreter runs for it). The CPU's run loop enters compiled code through enter().

import { K, type Inst } from "../x86/inst.js";
import { Op, OP_NAMES } from "../x86/ops.generated.js";
import { MEM_FAULT, type Space } from "../mem/space.js";
import { LOOKUP, LOOKUP_SIZE, lookupIndex } from "../mem/layout.js";
import { STOP, TIER_INTERP } from "../cpu/api.js";
import type { Block, DecodeCache } from "../cpu/cache.js";
import type { CompiledTier, X86Cpu } from "../cpu/cpu.js";
import type { Features } from "../cpu/cpuid.js";
import type { State } from "../cpu/state.js";
import { CONT, JIT_BUDGET_BYTE, JIT_XFER_BYTE, RIP_F64 } from "../cpu/state.js";
import { Wasm, type WasmFunction, type WasmTable } from "../base/wasmapi.js";
import { I32, ModuleBuilder } from "./wasm.js";
import { FN_PARAMS, importCore, makeCore, S_CONT, type Core } from "./core.js";
import { CODE_CHANGED, compileFunction, compileStats, entryBlocks, type CompileEnv } from "./compile.js";
import { formUnit, type Unit } from "./unit.js";
import { bump, DUMP, dumpModule, STATS } from "./tierstats.js";

/** What the tier needs of a CPU (X86Cpu). */
export interface TierCpu {
  readonly s: State;
  readonly features: Features;
  /** The interpreter's handler for one instruction: CONT or a STOP code (throws MEM_FAULT). */
  exec(inst: Inst): number;
  /** Record the details of the Space fault just raised. */
  takeFault(): void;
}

/** Units compiled together (at most) in one module. */
const BATCH_MAX = 64;
/** Interpreted block entries after a unit became hot before its batch compiles (more units
 *  join meanwhile: one module for many). */
const BATCH_DELAY = 2000;

interface UnitRec {
  unit: Unit;
  slot: number;
  valid: boolean;
}

export class WasmTier implements CompiledTier {
  readonly core: Core;
  readonly table: WasmTable;
  /** Table slot per guest address (called, or a unit's entry). Slot 0 is the stub. */
  private slots = new Map<number, number>();
  private nextSlot = 1;
  /** Compiled units by entry address. */
  private units = new Map<number, UnitRec>();
  /** The unit holding each compiled block. */
  private unitOf = new Map<Block, UnitRec>();
  /** Addresses that must be unit entries (compile.ts entryBlocks). */
  private readonly forced = new Set<number>();
  /** Units waiting for their batch (entry address -> the hot block that asked). */
  private pending = new Map<number, Block>();
  private sincePending = 0;
  /** Instructions the interpreter runs for compiled code (by registry id). */
  private insts: Inst[] = [];
  private instIds = new Map<Inst, number>();
  /** The lookup table as int32s: per entry key lo, key hi, slot, entry. */
  private readonly lookup: Int32Array;
  /** The CPU running compiled code now (imports act on it). */
  private cur: TierCpu | null = null;
  private codeChanged = false;
  private readonly xferI32: number;
  /** Force: compile a unit the first time one of its blocks runs (tests, --jit-threshold 0). */
  eager = false;
  /** Instructions the last enter() retired. */
  ran = 0;

  constructor(readonly space: Space, readonly cache: DecodeCache, private readonly features: Features) {
    this.table = new Wasm.Table({ element: "anyfunc", initial: 256 });
    this.core = makeCore(space.memory, this.table, { rd: this.rd, wr: this.wr, ex: this.ex });
    for (let i = 0; i < this.table.length; i++) this.table.set(i, this.core.stub);
    this.lookup = new Int32Array(space.memory.buffer, LOOKUP, LOOKUP_SIZE * 4);
    this.xferI32 = JIT_XFER_BYTE / 4;
    cache.dropListener = (b) => this.dropped(b);
  }

  // ---- running ----

  /** Run compiled code from block b (compiled) with a budget; returns its status (S_CONT,
   *  S_INTERP, or a STOP code) with RIP in the state; this.ran = instructions retired. */
  enter(cpu: X86Cpu, b: Block, budget: number): number {
    const i32 = cpu.s.i32;
    i32[JIT_BUDGET_BYTE / 4] = budget;
    this.cur = cpu;
    // The run loop came here: the lookup table may have lost the block to another address.
    this.setLookup(b.addr, b.wslot, b.wentry);
    const t0 = STATS !== null ? performance.now() : 0;
    const r = this.core.enter(b.wslot, b.wentry, cpu.s.offset);
    if (STATS !== null) STATS.ms += performance.now() - t0;
    this.cur = null;
    this.ran = budget - i32[JIT_BUDGET_BYTE / 4];
    if (STATS !== null) {
      STATS.enters++;
      STATS.ran += this.ran;
      bump(STATS.exits, String(r));
      if (r === S_CONT) {
        const at = this.cache.lookup(cpu.s.f64[RIP_F64]);
        const kind = at === undefined ? "undecoded" : at.wslot > 0 ? "entry" : at.wslot < 0 ? "inner" : "uncompiled";
        const fb = this.space.functionBounds?.(cpu.s.f64[RIP_F64]);
        bump(STATS.exits, `cont:${kind}`);
        bump(STATS.contAt, `${kind}:${fb?.name ?? "?"}+${fb ? (cpu.s.f64[RIP_F64] - fb.start).toString(16) : cpu.s.f64[RIP_F64].toString(16)}`);
      }
      if (r === TIER_INTERP) {
        const at = this.cache.lookup(cpu.s.f64[RIP_F64]);
        bump(STATS.exits, "interp:" + (at !== undefined ? OP_NAMES[at.insts[0].op] ?? "?" : "?"));
      }
    }
    return r;
  }

  /** A block ran in the interpreter `hits` times: compile its unit when hot. */
  hot(b: Block): void {
    // A compiled block that is no entry, yet the run loop keeps arriving at it: the unit is
    // compiled again with the block as an entry.
    if (b.wslot < 0) this.forced.add(b.addr);
    const u = formUnitEntry(b, this.space);
    if (!this.pending.has(u)) {
      if (this.pending.size === 0) this.sincePending = 0;
      this.pending.set(u, b);
    }
    if (this.eager || this.pending.size >= BATCH_MAX) this.flush();
  }

  /** The run loop interpreted another block: a waiting batch compiles after a while. */
  tick(): void {
    if (this.pending.size !== 0 && ++this.sincePending >= BATCH_DELAY) this.flush();
  }

  /** Compile every waiting unit now. Eager (every function compiled on first entry), the
   *  batch also takes the functions the units call directly, and theirs, up to BATCH_MAX: one
   *  module for a call tree instead of one per function. */
  flush(): void {
    if (this.pending.size === 0) return;
    const seeds = [...this.pending.values()];
    this.pending.clear();
    const bounds = this.space.functionBounds ?? null;
    const units: Unit[] = [];
    const seen = new Set<number>();
    const add = (u: Unit): void => {
      if (u.blocks.length === 0 || seen.has(u.entry)) return;
      seen.add(u.entry);
      units.push(u);
    };
    for (const b of seeds) {
      if (!b.valid) continue;
      const prev = this.units.get(formUnitEntry(b, this.space));
      if (STATS !== null) bump(STATS.compiles, `${prev === undefined ? "first" : this.forced.has(b.addr) ? "forced" : "newblock"}:${bounds?.(b.addr)?.name ?? b.addr.toString(16)}@${b.addr.toString(16)}`);
      add(formUnit(this.cache, b, bounds, { executedOnly: !this.eager, seeds: prev?.unit.blocks.map((x) => x.addr) }));
    }
    if (this.eager) {
      for (let i = 0; i < units.length && units.length < BATCH_MAX; i++) {
        for (const blk of units[i].blocks) {
          const last = blk.insts[blk.insts.length - 1];
          if (last.op !== Op.CALL || last.k0 !== K.REL || seen.has(last.target) || this.units.has(last.target)) continue;
          let t = this.cache.get(last.target);
          if (t === undefined || !t.valid) {
            try {
              t = this.cache.build(last.target);
            } catch (e) {
              if (e !== MEM_FAULT) throw e;
              continue;
            }
          }
          if (t.wslot !== 0) continue;
          add(formUnit(this.cache, t, bounds));
          if (units.length >= BATCH_MAX) break;
        }
      }
    }
    if (units.length > 0) this.compileBatch(units);
  }

  // ---- compiling ----

  private slotFor(addr: number): number {
    let s = this.slots.get(addr);
    if (s === undefined) {
      s = this.nextSlot++;
      this.slots.set(addr, s);
    }
    return s;
  }

  private instId(inst: Inst): number {
    let id = this.instIds.get(inst);
    if (id === undefined) {
      id = this.insts.length;
      this.insts.push(inst);
      this.instIds.set(inst, id);
    }
    return id;
  }

  private compileBatch(units: Unit[]): void {
    const t0 = performance.now();
    const m = new ModuleBuilder();
    const { fnRead, fnWrite, fnExec, fnArith, fnCond, fnCall } = importCore(m);
    const f = this.features;
    // Units compiled again (a hot block their first compile did not reach) give up their old
    // function now: the new one takes the same slot when the module is instantiated.
    for (const unit of units) {
      const old = this.units.get(unit.entry);
      if (old !== undefined) {
        this.retire(old);
        this.units.delete(unit.entry);
      }
    }
    const compiled: Array<{ unit: Unit; slot: number; fi: number }> = [];
    for (const unit of units) {
      const slot = this.slotFor(unit.entry);
      const env: CompileEnv = {
        fnCall, fnArith, fnCond, fnRead, fnWrite, fnExec,
        forcedEntries: this.forced,
        slotFor: (a) => this.slotFor(a),
        instId: (i) => this.instId(i),
        ownSlot: slot,
        has: (feat) => f[feat],
      };
      const body = compileFunction(unit, env);
      const fi = m.addFunc([...FN_PARAMS], [I32], body);
      m.nameFunc(fi, `${unit.bounds?.name ?? "code"}@${unit.entry.toString(16)}`);
      m.export(`f${fi}`, fi);
      compiled.push({ unit, slot, fi });
      compileStats.units++;
    }
    // Trampolines: a slot of a block inside a unit (a call target that is not a unit's entry)
    // enters that unit at the block.
    const tramps: Array<[number, number]> = [];
    const batchEntries = new Set(units.map((u) => u.entry));
    for (const { unit, fi } of compiled) {
      const entries = entryBlocks(unit, this.forced);
      unit.blocks.forEach((blk, k) => {
        if (k === 0 || !entries[k]) return;
        const s = this.slots.get(blk.addr);
        // (A unit's own entry, of this batch or an earlier one, keeps its function.)
        if (s === undefined || this.units.has(blk.addr) || batchEntries.has(blk.addr)) return;
        if (s < this.table.length && this.table.get(s) !== this.core.stub) return;
        const [ti, tb] = m.func([...FN_PARAMS], [I32]);
        tb.get(0).i32(k).get(2).get(3).returnCall(fi);
        m.export(`f${ti}`, ti);
        tramps.push([s, ti]);
      });
    }
    // The table holds every slot handed out (new ones start as the stub).
    if (this.nextSlot > this.table.length) {
      const old = this.table.length;
      this.table.grow(Math.max(this.nextSlot - old, old));
      for (let i = old; i < this.table.length; i++) this.table.set(i, this.core.stub);
    }
    const bytes = m.encode();
    if (DUMP !== undefined) dumpModule(DUMP, compileStats.modules, bytes);
    compileStats.bytes += bytes.length;
    compileStats.modules++;
    const c = this.core;
    const x = new Wasm.Instance(new Wasm.Module(bytes), {
      c: { rd: c.rd, wr: c.wr, ex: c.ex, arith: c.arith, cond: c.cond, call: c.call },
      e: { m: this.space.memory },
    }).exports;
    for (const { slot, fi } of compiled) this.table.set(slot, x[`f${fi}`]);
    for (const [slot, ti] of tramps) this.table.set(slot, x[`f${ti}`]);
    for (const { unit, slot } of compiled) {
      const rec: UnitRec = { unit, slot, valid: true };
      this.units.set(unit.entry, rec);
      const entries = entryBlocks(unit, this.forced);
      unit.blocks.forEach((blk, k) => {
        this.unitOf.set(blk, rec);
        if (!entries[k]) {
          // Compiled, but entered only through the unit's own branches: the run loop
          // interprets it (wslot < 0: no hit counting) up to the next entry.
          blk.wslot = -1;
          blk.wentry = 0;
          blk.hits = 0;
          return;
        }
        blk.wslot = slot;
        blk.wentry = k;
        this.setLookup(blk.addr, slot, k);
      });
    }
    compileStats.ms += performance.now() - t0;
  }

  // ---- lookup table ----

  private setLookup(addr: number, slot: number, entry: number): void {
    const i = lookupIndex(addr) * 4;
    const L = this.lookup;
    L[i] = addr % 4294967296;
    L[i + 1] = Math.floor(addr / 4294967296);
    L[i + 2] = slot;
    L[i + 3] = entry;
  }

  private clearLookup(addr: number, slot: number): void {
    const i = lookupIndex(addr) * 4;
    const L = this.lookup;
    if (L[i] === ((addr % 4294967296) | 0) && L[i + 2] === slot) {
      L[i] = 0;
      L[i + 1] = 0;
    }
  }

  // ---- invalidation ----

  /** A block's code changed: the unit holding it is dropped (its slot runs the stub again). */
  private dropped(b: Block): void {
    const rec = this.unitOf.get(b);
    if (rec === undefined) return;
    this.codeChanged = true;
    this.retire(rec);
    if (this.units.get(rec.unit.entry) === rec) this.units.delete(rec.unit.entry);
  }

  private retire(rec: UnitRec): void {
    if (!rec.valid) return;
    rec.valid = false;
    this.table.set(rec.slot, this.core.stub);
    for (const blk of rec.unit.blocks) {
      if (this.unitOf.get(blk) !== rec) continue;
      this.unitOf.delete(blk);
      blk.wslot = 0;
      blk.wentry = 0;
      blk.hits = 0;
      this.clearLookup(blk.addr, rec.slot);
    }
    // Trampolines into it: back to the stub.
    for (const blk of rec.unit.blocks) {
      const s = this.slots.get(blk.addr);
      if (s !== undefined && s !== rec.slot && this.table.get(s) !== this.core.stub && !this.units.has(blk.addr)) this.table.set(s, this.core.stub);
    }
  }

  // ---- what compiled code calls ----

  /** A load that missed the TLB: the value goes to the state's transfer words; 1 on a fault. */
  private readonly rd = (addr: number, size: number): number => {
    const cpu = this.cur as TierCpu;
    const sp = this.space;
    const x = cpu.s.i32;
    const k = this.xferI32;
    if (STATS !== null) STATS.rd++;
    try {
      switch (size) {
        case 8: x[k] = sp.rd64(addr); x[k + 1] = sp.hi; break;
        case 4: x[k] = sp.rd32(addr); x[k + 1] = 0; break;
        case 2: x[k] = sp.rd16(addr); x[k + 1] = 0; break;
        case 1: x[k] = sp.rd8(addr); x[k + 1] = 0; break;
        default:
          x[k] = sp.rd64(addr); x[k + 1] = sp.hi;
          x[k + 2] = sp.rd64(addr + 8); x[k + 3] = sp.hi;
      }
      return 0;
    } catch (e) {
      if (e !== MEM_FAULT) throw e;
      cpu.takeFault();
      return 1;
    }
  };

  /** A store that missed the TLB (the value in the transfer words): 1 on a fault, 2 when the
   *  page holds decoded code (compiled code leaves and the interpreter stores). */
  private readonly wr = (addr: number, size: number): number => {
    const cpu = this.cur as TierCpu;
    const sp = this.space;
    if (STATS !== null) STATS.wr++;
    if (sp.holdsCode(addr, size)) return 2;
    const x = cpu.s.i32;
    const k = this.xferI32;
    try {
      switch (size) {
        case 8: sp.wr64(addr, x[k], x[k + 1]); break;
        case 4: sp.wr32(addr, x[k]); break;
        case 2: sp.wr16(addr, x[k]); break;
        case 1: sp.wr8(addr, x[k]); break;
        default:
          sp.probeWrite(addr, 16);
          sp.wr64(addr, x[k], x[k + 1]);
          sp.wr64(addr + 8, x[k + 2], x[k + 3]);
      }
      return 0;
    } catch (e) {
      if (e !== MEM_FAULT) throw e;
      cpu.takeFault();
      return 1;
    }
  };

  /** The interpreter runs one instruction for compiled code (state already in memory). */
  private readonly ex = (id: number): number => {
    const cpu = this.cur as TierCpu;
    this.codeChanged = false;
    if (STATS !== null) { const x = this.insts[id]; bump(STATS.ex, `${OP_NAMES[x.op] ?? "?"}/${x.s0}/k${x.k0},${x.k1}@${x.addr.toString(16)}`); }
    let r: number;
    try {
      r = cpu.exec(this.insts[id]);
    } catch (e) {
      if (e !== MEM_FAULT) throw e;
      cpu.takeFault();
      return STOP.FAULT;
    }
    if (this.codeChanged && r === CONT) return CODE_CHANGED;
    return r === CONT ? S_CONT : r;
  };
}

const tiers = new WeakMap<DecodeCache, WasmTier>();

/** The tier of an address space (its decode cache), made on first use. */
export function tierFor(cache: DecodeCache, space: Space, features: Features): WasmTier {
  let t = tiers.get(cache);
  if (t === undefined) {
    t = new WasmTier(space, cache, features);
    tiers.set(cache, t);
  }
  return t;
}

/** The entry address of the unit a hot block belongs to. */
function formUnitEntry(b: Block, space: Space): number {
  const fb = space.functionBounds?.(b.addr) ?? null;
  return fb !== null ? fb.start : b.addr;
}

export type { WasmFunction };
