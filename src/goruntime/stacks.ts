// The stack-growth tracer behind `rt0 stacks`: watches runtime.morestack (a prologue's guard
// check failed), runtime.newstack and runtime.copystack (entry and return) on every thread,
// and reads the goroutine's stack bounds through the release's runtime.g layout. A copystack
// without a morestack before it on that thread is a shrink (GC's shrinkstack).

import type { GoBinary } from "../gobin/binary.js";
import type { Cpu } from "../cpu/api.js";
import { R } from "../x86/inst.js";
import { fieldOffset, layoutsFor } from "./layouts.js";

export interface StackEvent {
  event: "grow" | "shrink";
  /** Goroutine id (runtime.g.goid). */
  goid: number;
  /** The function whose prologue hit the guard (grow only). */
  func: string;
  /** Its caller (grow only). */
  caller: string;
  /** The runtime path taken, e.g. ["morestack", "newstack", "copystack"]. */
  path: string[];
  oldSize: number;
  newSize: number;
  oldLo: string;
  oldHi: string;
  newLo: string;
  newHi: string;
  /** Bytes of the old stack in use, which copystack copies: old.hi - gp.sched.sp (its own
   *  `used`); 0 when the release's layout has no g.sched.sp. */
  used: number;
  /** Instructions retired by the thread when it happened. */
  at: number;
}

export interface GoroutineSummary {
  goid: number;
  initialSize: number;
  finalSize: number;
  maxSize: number;
  growths: number;
  shrinks: number;
}

interface PerThread {
  /** Set by morestack, consumed by copystack. */
  grow?: { func: string; caller: string; path: string[] };
  /** copystack in progress: the return address and SP to recognise its return. */
  ret?: { addr: number; sp: number; gp: number; oldLo: number; oldHi: number; used: number; newSize: number; grow?: { func: string; caller: string; path: string[] } };
}

const hex = (n: number): string => "0x" + n.toString(16);

export class StackTracer {
  readonly events: StackEvent[] = [];
  private readonly watch = new Map<number, "morestack" | "newstack" | "copystack">();
  private readonly threads = new Map<Cpu, PerThread>();
  private readonly offLo: number;
  private readonly offHi: number;
  private readonly offGoid: number;
  private readonly offSchedSp: number | undefined;
  /** Return addresses of copystack calls in progress (several threads may share one). */
  private readonly retAddrs = new Map<number, number>();

  constructor(readonly bin: GoBinary) {
    const layouts = bin.goVersion ? layoutsFor(bin.goVersion) : undefined;
    const lo = layouts && fieldOffset(layouts, "runtime.g", "stack.lo");
    const hi = layouts && fieldOffset(layouts, "runtime.g", "stack.hi");
    const goid = layouts && fieldOffset(layouts, "runtime.g", "goid");
    if (lo === undefined || hi === undefined || goid === undefined) throw new Error(`no runtime.g layout for ${bin.goVersion ?? "this binary"}`);
    this.offLo = lo;
    this.offHi = hi;
    this.offGoid = goid;
    this.offSchedSp = fieldOffset(layouts!, "runtime.g", "sched.sp");
    for (const f of bin.funcs) {
      if (f.name === "runtime.morestack") this.watch.set(f.entry, "morestack");
      else if (f.name === "runtime.newstack") this.watch.set(f.entry, "newstack");
      else if (f.name === "runtime.copystack") this.watch.set(f.entry, "copystack");
    }
    if (![...this.watch.values()].includes("copystack")) throw new Error("runtime.copystack not found in the pclntab");
  }

  private read(cpu: Cpu, a: number): number {
    try {
      return cpu.mem.readU64(a);
    } catch {
      return 0;
    }
  }

  private name(pc: number): string {
    return this.bin.funcAt(pc)?.name ?? hex(pc);
  }

  /** Per-instruction hook (before the instruction at rip). Never stops the run. */
  onInstruction(cpu: Cpu, rip: number): boolean {
    const kind = this.watch.get(rip);
    if (kind === undefined && !this.retAddrs.has(rip)) return false;
    let t = this.threads.get(cpu);
    if (t === undefined) {
      t = {};
      this.threads.set(cpu, t);
    }
    const sp = cpu.getReg(R.RSP);
    if (t.ret !== undefined && rip === t.ret.addr && sp === t.ret.sp + 8) {
      const r = t.ret;
      t.ret = undefined;
      const n = (this.retAddrs.get(r.addr) ?? 1) - 1;
      if (n > 0) this.retAddrs.set(r.addr, n);
      else this.retAddrs.delete(r.addr);
      const newLo = this.read(cpu, r.gp + this.offLo), newHi = this.read(cpu, r.gp + this.offHi);
      const oldSize = r.oldHi - r.oldLo;
      this.events.push({
        event: r.grow !== undefined && r.newSize > oldSize ? "grow" : "shrink",
        goid: this.read(cpu, r.gp + this.offGoid),
        func: r.grow?.func ?? "", caller: r.grow?.caller ?? "",
        path: r.grow ? [...r.grow.path, "copystack"] : ["shrinkstack", "copystack"],
        oldSize, newSize: newHi - newLo,
        oldLo: hex(r.oldLo), oldHi: hex(r.oldHi), newLo: hex(newLo), newHi: hex(newHi), used: r.used,
        at: cpu.retired,
      });
      return false;
    }
    if (kind === "morestack") {
      // Called from f's prologue: 0(SP) returns into f, 8(SP) into f's caller.
      t.grow = { func: this.name(this.read(cpu, sp)), caller: this.name(this.read(cpu, sp + 8)), path: ["morestack"] };
    } else if (kind === "newstack") {
      if (t.grow && t.grow.path.length === 1) t.grow.path.push("newstack");
    } else if (kind === "copystack") {
      // copystack(gp *g, newsize uintptr): register ABI, AX = gp, BX = newsize.
      const gp = cpu.getReg(R.RAX), newSize = cpu.getReg(R.RBX);
      const ret = this.read(cpu, sp);
      const oldHi = this.read(cpu, gp + this.offHi);
      const used = this.offSchedSp === undefined ? 0 : oldHi - this.read(cpu, gp + this.offSchedSp);
      t.ret = { addr: ret, sp, gp, oldLo: this.read(cpu, gp + this.offLo), oldHi, used, newSize, grow: t.grow };
      t.grow = undefined;
      this.retAddrs.set(ret, (this.retAddrs.get(ret) ?? 0) + 1);
    }
    return false;
  }

  summary(): GoroutineSummary[] {
    const m = new Map<number, GoroutineSummary>();
    for (const e of this.events) {
      let s = m.get(e.goid);
      if (s === undefined) {
        s = { goid: e.goid, initialSize: e.oldSize, finalSize: e.oldSize, maxSize: e.oldSize, growths: 0, shrinks: 0 };
        m.set(e.goid, s);
      }
      s.finalSize = e.newSize;
      s.maxSize = Math.max(s.maxSize, e.newSize);
      if (e.event === "grow") s.growths++;
      else s.shrinks++;
    }
    return [...m.values()].sort((a, b) => a.goid - b.goid);
  }
}
