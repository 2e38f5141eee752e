// The bootstrap narrator: watches the main thread execute the Go runtime's entry path
// (_rt0_amd64_linux → _rt0_amd64 → runtime·rt0_go → check/args/osinit/schedinit/newproc/mstart
// → runtime.main → main.main) through a per-instruction hook and records the instructions with
// the live values (registers, g0/m0 fields through the release's struct layouts); the steps of
// bootsteps.ts then turn the record into numbered steps with invariant checks. It only reads
// guest state: observation never changes behaviour.

import type { GoBinary } from "../gobin/binary.js";
import { GPR, type Cpu } from "../cpu/api.js";
import { Inst, K, R } from "../x86/inst.js";
import { decode } from "../x86/decode.js";
import { Op } from "../x86/ops.generated.js";
import { formatGnu } from "../disasm/gnu.js";
import { fieldOffset, layoutsFor, releaseOf, type ReleaseLayouts } from "./layouts.js";
import {
  BOOT_STEPS, findLandmarks, type BootStep, type BootTrace, type Check, type Entry, type ExitInfo, type Snap, type StepId, type TracedRec,
} from "./bootsteps.js";

export { STEP_IDS, type StepId, type Check, type ExitInfo } from "./bootsteps.js";

/** The functions on a stopped thread's stack, innermost first, when it stopped in a frameless
 *  assembly function such as runtime.exit (exit_group): the return address at RSP, then the
 *  frame-pointer chain, which Go keeps on amd64. Stops at the first unreadable or unknown frame. */
export function stackCallers(cpu: Cpu, bin: GoBinary, max = 32): string[] {
  const out: string[] = [];
  const name = (pc: number): string | undefined => bin.funcAt(pc - 1)?.name;
  try {
    const first = name(cpu.mem.readU64(cpu.getReg(GPR.RSP)));
    if (first === undefined) return out;
    out.push(first);
    let bp = cpu.getReg(GPR.RBP);
    while (out.length < max && bp !== 0) {
      const f = name(cpu.mem.readU64(bp + 8));
      if (f === undefined) break;
      out.push(f);
      const next = cpu.mem.readU64(bp);
      if (next <= bp) break;
      bp = next;
    }
  } catch {
    // an unreadable frame: what was found so far
  }
  return out;
}

export interface TracedInst {
  addr: string;
  bytes: string;
  text: string;
}

/** One step of the narrative (also the --json event; see docs/boot-events.md). */
export interface BootEvent {
  event: "step";
  step: number;
  id: StepId;
  title: string;
  /** Function the step happens in, and the address of its first instruction. */
  symbol: string;
  pc: string;
  instructions: TracedInst[];
  values: Record<string, string | number | boolean>;
  checks: Check[];
  /** What this step does, in a sentence or two. */
  story: string;
  /** How Go 1.4/1.5 (the 2015 walk-throughs) did it, when different. */
  since2015?: string;
  /** The thread's registers just before the step's first instruction (rax..r15, rip,
   *  fs_base as 0x hex), when the tracer was created with { regs: true } (the web explorer). */
  regs?: Record<string, string>;
}

const hex = (n: number): string => "0x" + n.toString(16);

const REG_NAMES = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];

/** Names without Go's ABI suffix (symtab says runtime.rt0_go.abi0, pclntab runtime.rt0_go). */
function base(name: string): string {
  return name.replace(/\.abi0$/, "").replace(/\.abiinternal$/, "");
}

export class BootTracer {
  private readonly layouts: ReleaseLayouts | undefined;
  readonly release: string | undefined;
  private readonly ranges: Array<[number, number, string]> = [];
  private readonly recs: TracedRec[] = [];
  private pending: TracedRec | undefined;
  private readonly entries = new Map<string, Entry>();
  private watch = new Map<number, string>();
  private fsLoad: { rec: TracedRec; value?: number } | undefined;
  private lookForFsLoad = false;
  private mainCpu: Cpu | undefined;
  done = false;
  /** Set when --until's symbol is reached. */
  untilReached = false;
  private readonly untilAddr: number | undefined;
  private readonly scratch = new Inst();
  private readonly wantRegs: boolean;

  constructor(readonly bin: GoBinary, opts: { until?: string; regs?: boolean } = {}) {
    this.wantRegs = opts.regs === true;
    this.release = bin.goVersion ? releaseOf(bin.goVersion) : undefined;
    this.layouts = bin.goVersion ? layoutsFor(bin.goVersion) : undefined;
    for (const name of ["_rt0_amd64_linux", "_rt0_amd64", "runtime.rt0_go", "runtime.settls"]) {
      const f = bin.funcs.find((x) => base(x.name) === name);
      if (f) this.ranges.push([f.entry, f.end, name]);
    }
    for (const name of ["runtime.main", "main.main"]) {
      const f = bin.funcs.find((x) => x.name === name);
      if (f) this.watch.set(f.entry, name);
    }
    if (opts.until !== undefined) {
      const a = bin.lookup(opts.until) ?? bin.funcs.find((x) => base(x.name) === opts.until)?.entry;
      this.untilAddr = a;
    }
  }

  /** The addresses --until accepts: undefined when the symbol is not in the binary. */
  get untilResolved(): boolean {
    return this.untilAddr !== undefined;
  }

  private snap(cpu: Cpu): Snap {
    const regs: number[] = [];
    for (let r = 0; r < 16; r++) regs.push(cpu.getReg(r));
    if (!this.wantRegs) return { regs, fs: cpu.fsBase };
    const exact: Record<string, string> = {};
    REG_NAMES.forEach((n, r) => { exact[n] = "0x" + BigInt.asUintN(64, cpu.getRegBig(r)).toString(16); });
    exact["rip"] = hex(cpu.rip);
    exact["fs_base"] = hex(cpu.fsBase);
    return { regs, fs: cpu.fsBase, exact };
  }

  private read64(cpu: Cpu, addr: number): number | undefined {
    try {
      return cpu.mem.readU64(addr);
    } catch {
      return undefined;
    }
  }

  private inRange(rip: number): string | undefined {
    for (const [s, e, n] of this.ranges) if (rip >= s && rip < e) return n;
    return undefined;
  }

  private decodeAt(rip: number): Inst {
    const bytes = this.bin.readVirt(rip, 16);
    const i = new Inst();
    decode(bytes, 0, rip, i);
    return i;
  }

  /** The per-instruction hook, called before the instruction at rip runs on cpu. Returns true
   *  to stop the run (only for --until). */
  onInstruction(cpu: Cpu, rip: number): boolean {
    if (this.done) return false;
    if (this.mainCpu === undefined) this.mainCpu = cpu;
    const p = this.pending;
    if (p !== undefined && cpu === this.mainCpu) {
      p.after = this.snap(cpu);
      this.probeAfter(cpu, p);
      this.pending = undefined;
    }
    if (this.fsLoad !== undefined && this.fsLoad.value === undefined && cpu === this.mainCpu) {
      const r = this.fsLoad.rec.inst.r0;
      if (r >= 0 && r < 16) this.fsLoad.value = cpu.getReg(r);
    }
    if (rip === this.untilAddr) {
      this.untilReached = true;
      this.entries.set("until", { snap: this.snap(cpu), mem: {}, strings: {} });
      return true;
    }
    if (cpu !== this.mainCpu) {
      const w = this.watch.get(rip);
      if (w !== undefined) this.onEntry(cpu, rip, w);
      return false;
    }
    if (this.inRange(rip) !== undefined) {
      const inst = this.decodeAt(rip);
      const rec: TracedRec = { addr: rip, inst, before: this.snap(cpu), mem: {} };
      this.recs.push(rec);
      this.pending = rec;
      this.probeBefore(cpu, rec);
      if (inst.op === Op.CALL && inst.k0 === K.REL) this.watchCall(inst.target);
      return false;
    }
    if (this.lookForFsLoad) {
      decode(this.bin.readVirt(rip, 16), 0, rip, this.scratch);
      const i = this.scratch;
      if (i.op === Op.MOV && i.seg === R.FS && i.k1 === K.MEM && i.k0 === K.REG && i.disp === -8) {
        const copy = this.decodeAt(rip);
        this.fsLoad = { rec: { addr: rip, inst: copy, before: this.snap(cpu), mem: {} } };
        this.lookForFsLoad = false;
      }
    }
    const w = this.watch.get(rip);
    if (w !== undefined) this.onEntry(cpu, rip, w);
    return false;
  }

  private watchCall(target: number): void {
    const s = this.bin.symbolize(target);
    if (s && s.offset === 0 && !this.inRange(target)) this.watch.set(target, base(s.name));
  }

  private off(struct: string, field: string): number | undefined {
    return this.layouts ? fieldOffset(this.layouts, struct, field) : undefined;
  }

  private probeBefore(cpu: Cpu, rec: TracedRec): void {
    const i = rec.inst;
    if (i.op === Op.CPUID && this.recs.filter((r) => r.inst.op === Op.CPUID).length === 1) {
      // g0's stack was just carved: DI holds &g0.
      const g0 = rec.before.regs[R.RDI]!;
      rec.mem["g0"] = g0;
      for (const f of ["stack.lo", "stack.hi", "stackguard0", "stackguard1"]) {
        const o = this.off("runtime.g", f);
        const v = o === undefined ? undefined : this.read64(cpu, g0 + o);
        if (v !== undefined) rec.mem[f] = v;
      }
    }
    if (i.op === Op.CLD) {
      const m0 = rec.before.regs[R.RAX]!, g0 = rec.before.regs[R.RCX]!;
      rec.mem["m0"] = m0;
      rec.mem["g0"] = g0;
      const og0 = this.off("runtime.m", "g0"), om = this.off("runtime.g", "m");
      const a = og0 === undefined ? undefined : this.read64(cpu, m0 + og0);
      const b = om === undefined ? undefined : this.read64(cpu, g0 + om);
      if (a !== undefined) rec.mem["m0.g0"] = a;
      if (b !== undefined) rec.mem["g0.m"] = b;
    }
  }

  private probeAfter(cpu: Cpu, rec: TracedRec): void {
    const i = rec.inst;
    if (i.seg === R.FS && i.k0 === K.MEM && i.disp === -8) {
      // A store through the TLS slot: read it back.
      const v = this.read64(cpu, cpu.fsBase - 8);
      if (v !== undefined) rec.mem["fs-8"] = v;
      if (i.k1 === K.REG) this.lookForFsLoad = true;
    }
  }

  private onEntry(cpu: Cpu, rip: number, name: string): void {
    const key = name.replace(/^runtime\./, "");
    if (this.entries.has(key)) return;
    const e: Entry = { snap: this.snap(cpu), mem: {}, strings: {} };
    this.entries.set(key, e);
    const sp = e.snap.regs[R.RSP]!;
    const sym = (n: string): number | undefined => this.bin.lookup(n);
    const readSym = (label: string, n: string, size: 1 | 4 | 8): void => {
      const a = sym(n);
      if (a === undefined) return;
      try {
        e.mem[label] = size === 1 ? cpu.mem.readU8(a) : size === 4 ? cpu.mem.readU32(a) : cpu.mem.readU64(a);
      } catch {
        // unreadable: leave it out
      }
    };
    if (key === "args") {
      // ABI0 stack arguments: argc (int32) at 8(SP), argv at 16(SP).
      const argc = this.read64(cpu, sp + 8);
      const argv = this.read64(cpu, sp + 16);
      if (argc !== undefined && argv !== undefined) {
        const n = argc & 0x7fffffff;
        e.mem["argc"] = n;
        e.mem["argv"] = argv;
        for (let k = 0; k < Math.min(n, 16); k++) {
          const p = this.read64(cpu, argv + 8 * k);
          if (p !== undefined) e.strings[`argv[${k}]`] = safeString(cpu, p);
        }
        // envp follows argv's NULL; auxv follows envp's NULL.
        let q = argv + 8 * (n + 1);
        let envc = 0;
        while (envc < 4096 && (this.read64(cpu, q) ?? 0) !== 0) {
          q += 8;
          envc++;
        }
        e.mem["envc"] = envc;
        q += 8;
        const aux: string[] = [];
        for (let k = 0; k < 64; k++) {
          const t = this.read64(cpu, q + 16 * k), v = this.read64(cpu, q + 16 * k + 8);
          if (t === undefined || v === undefined || t === 0) break;
          aux.push(`${AUX_NAMES[t] ?? `AT_${t}`}=${AUX_DECIMAL.has(t) ? String(v) : hex(v)}`);
        }
        e.strings["auxv"] = aux.join(" ");
      }
    } else if (key === "schedinit") {
      readSym("ncpu", "runtime.ncpu", 4);
      readSym("ncpu", "runtime.numCPUStartup", 4);
      readSym("physPageSize", "runtime.physPageSize", 8);
    } else if (key === "newproc") {
      // newproc(fn *funcval): ABI0, the funcval pointer at 8(SP).
      const fv = this.read64(cpu, sp + 8);
      const pc = fv === undefined ? undefined : this.read64(cpu, fv);
      if (fv !== undefined) e.mem["fn"] = fv;
      if (pc !== undefined) e.mem["fn.pc"] = pc;
    } else if (key === "mstart") {
      readSym("gomaxprocs", "runtime.gomaxprocs", 4);
      readSym("ncpu", "runtime.ncpu", 4);
      readSym("ncpu", "runtime.numCPUStartup", 4);
      readSym("useAeshash", "runtime.useAeshash", 1);
      readSym("x86HasPOPCNT", "runtime.x86HasPOPCNT", 1);
      readSym("x86HasSSE41", "runtime.x86HasSSE41", 1);
      readSym("isIntel", "runtime.isIntel", 1);
      readSym("processorVersionInfo", "runtime.processorVersionInfo", 4);
    } else if (key === "main" || key === "main.main") {
      const g = this.read64(cpu, cpu.fsBase - 8);
      if (g !== undefined) {
        e.mem["g"] = g;
        const o = this.off("runtime.g", "goid");
        const goid = o === undefined ? undefined : this.read64(cpu, g + o);
        if (goid !== undefined) e.mem["goid"] = goid;
        const om = this.off("runtime.g", "m");
        const m = om === undefined ? undefined : this.read64(cpu, g + om);
        if (m !== undefined) e.mem["m"] = m;
      }
      e.mem["retired"] = cpu.retired;
      if (key === "main.main") this.done = true;
    }
    void rip;
  }

  /** Build the narrative from what was observed. `exit` is the process's end, when known. */
  events(exit?: ExitInfo): BootEvent[] {
    return new Narrator(this, this.bin, this.recs, this.entries, this.fsLoad, this.layouts).build(exit);
  }

  get mainThreadSeen(): boolean {
    return this.mainCpu !== undefined;
  }
}

const AUX_NAMES: Record<number, string> = {
  3: "AT_PHDR", 4: "AT_PHENT", 5: "AT_PHNUM", 6: "AT_PAGESZ", 7: "AT_BASE", 8: "AT_FLAGS", 9: "AT_ENTRY",
  11: "AT_UID", 12: "AT_EUID", 13: "AT_GID", 14: "AT_EGID", 15: "AT_PLATFORM", 16: "AT_HWCAP", 17: "AT_CLKTCK",
  23: "AT_SECURE", 25: "AT_RANDOM", 26: "AT_HWCAP2", 31: "AT_EXECFN", 33: "AT_SYSINFO_EHDR", 51: "AT_MINSIGSTKSZ",
};
const AUX_DECIMAL = new Set([4, 5, 6, 11, 12, 13, 14, 17, 23, 51]);

function safeString(cpu: Cpu, p: number): string {
  try {
    return cpu.mem.readCString(p, 4096);
  } catch {
    return "?";
  }
}

/** Turns the raw trace into steps: finds the landmarks, then lets each step of BOOT_STEPS read
 *  its part of the trace. */
class Narrator {
  constructor(
    private readonly t: BootTracer,
    private readonly bin: GoBinary,
    private readonly recs: TracedRec[],
    private readonly entries: Map<string, Entry>,
    private readonly fsLoad: { rec: TracedRec; value?: number } | undefined,
    private readonly layouts: ReleaseLayouts | undefined,
  ) {}

  private sym(addr: number): string {
    const s = this.bin.symbolize(addr);
    return s === undefined ? hex(addr) : s.offset === 0 ? base(s.name) : `${base(s.name)}+${hex(s.offset)}`;
  }

  private fmt(r: TracedRec): TracedInst {
    const bytes = Array.from(this.bin.readVirt(r.addr, r.inst.len), (b) => b.toString(16).padStart(2, "0")).join(" ");
    return { addr: hex(r.addr), bytes, text: formatGnu(r.inst, this.bin) };
  }

  private fnOf(addr: number): string {
    return base(this.bin.funcAt(addr)?.name ?? "");
  }

  build(exit?: ExitInfo): BootEvent[] {
    const recs = this.recs;
    const release = this.t.release ?? "?";
    const minor = Number(release.split(".")[1] ?? "0");
    const fnOf = (a: number): string => this.fnOf(a);
    const trace: BootTrace = {
      bin: this.bin, recs, at: findLandmarks(recs, fnOf), entries: this.entries, fsLoad: this.fsLoad, layouts: this.layouts, minor, exit,
      slice: (a, b) => (a < 0 ? [] : recs.slice(a, b < 0 ? recs.length : b)),
      sym: (a) => this.sym(a),
      fnOf,
      text: (inst) => formatGnu(inst, this.bin),
    };
    const out: BootEvent[] = [];
    for (const step of BOOT_STEPS) {
      const def: BootStep = step;
      const n = def.narrate(trace);
      if (n === undefined) continue;
      const pc = n.recs.length > 0 ? n.recs[0]!.addr : (n.at ?? 0);
      const regs = (n.recs[0]?.before ?? n.atSnap)?.exact;
      const since2015 = typeof def.since2015 === "function" ? def.since2015(minor) : def.since2015;
      out.push({
        event: "step", step: out.length + 1, id: step.id, title: n.title ?? step.title,
        symbol: pc ? base(this.bin.funcAt(pc)?.name ?? this.sym(pc)) : "",
        pc: hex(pc), instructions: n.recs.map((r) => this.fmt(r)),
        values: n.values, checks: n.checks, story: n.story ?? step.story,
        ...(since2015 !== undefined ? { since2015 } : {}),
        ...(regs ? { regs } : {}),
      });
    }
    return out;
  }
}
