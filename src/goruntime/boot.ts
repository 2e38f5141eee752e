// The bootstrap narrator: watches the main thread execute the Go runtime's entry path
// (_rt0_amd64_linux → _rt0_amd64 → runtime·rt0_go → check/args/osinit/schedinit/newproc/mstart
// → runtime.main → main.main) through a per-instruction hook, reads the live values (registers,
// g0/m0 fields through the release's struct layouts) and turns them into numbered steps with
// invariant checks. It only reads guest state: observation never changes behaviour.

import type { GoBinary } from "../gobin/binary.js";
import type { Cpu } from "../cpu/api.js";
import { Inst, K, R } from "../x86/inst.js";
import { decode } from "../x86/decode.js";
import { Op } from "../x86/ops.generated.js";
import { formatGnu } from "../disasm/gnu.js";
import { fieldOffset, layoutsFor, releaseOf, type ReleaseLayouts } from "./layouts.js";

export const STEP_IDS = [
  "entry", "rt0_amd64", "rt0_go", "g0_stack", "cpuid", "cgo_init", "tls", "m0_g0", "check", "args",
  "osinit", "schedinit", "newproc", "mstart", "runtime_main", "main_main", "exit",
] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface TracedInst {
  addr: string;
  bytes: string;
  text: string;
}

export interface Check {
  name: string;
  ok: boolean;
  expected: string;
  actual: string;
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


interface Snap {
  regs: number[];
  fs: number;
  /** Exact 64-bit registers and RIP in hex (only with the regs option). */
  exact?: Record<string, string>;
}

const REG_NAMES = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];

interface Rec {
  addr: number;
  inst: Inst;
  before: Snap;
  after?: Snap;
  /** Memory read right after the instruction (probe results). */
  mem: Record<string, number>;
}

interface Entry {
  snap: Snap;
  mem: Record<string, number>;
  strings: Record<string, string>;
}

/** Names without Go's ABI suffix (symtab says runtime.rt0_go.abi0, pclntab runtime.rt0_go). */
function base(name: string): string {
  return name.replace(/\.abi0$/, "").replace(/\.abiinternal$/, "");
}

export class BootTracer {
  private readonly layouts: ReleaseLayouts | undefined;
  readonly release: string | undefined;
  private readonly ranges: Array<[number, number, string]> = [];
  private readonly recs: Rec[] = [];
  private pending: Rec | undefined;
  private readonly entries = new Map<string, Entry>();
  private watch = new Map<number, string>();
  private fsLoad: { rec: Rec; value?: number } | undefined;
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
      const rec: Rec = { addr: rip, inst, before: this.snap(cpu), mem: {} };
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

  private probeBefore(cpu: Cpu, rec: Rec): void {
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

  private probeAfter(cpu: Cpu, rec: Rec): void {
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
  events(exit?: { status: number; instructions: number; threads: number }): BootEvent[] {
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

/** Turns the raw trace into steps. */
class Narrator {
  private readonly out: BootEvent[] = [];
  constructor(
    private readonly t: BootTracer,
    private readonly bin: GoBinary,
    private readonly recs: Rec[],
    private readonly entries: Map<string, Entry>,
    private readonly fsLoad: { rec: Rec; value?: number } | undefined,
    private readonly layouts: ReleaseLayouts | undefined,
  ) {}

  private sym(addr: number): string {
    const s = this.bin.symbolize(addr);
    return s === undefined ? hex(addr) : s.offset === 0 ? base(s.name) : `${base(s.name)}+${hex(s.offset)}`;
  }

  private fmt(r: Rec): TracedInst {
    const bytes = Array.from(this.bin.readVirt(r.addr, r.inst.len), (b) => b.toString(16).padStart(2, "0")).join(" ");
    return { addr: hex(r.addr), bytes, text: formatGnu(r.inst, this.bin) };
  }

  private push(id: StepId, title: string, recs: Rec[], fields: Omit<BootEvent, "event" | "step" | "id" | "title" | "symbol" | "pc" | "instructions">, at?: number, atSnap?: Snap): void {
    const pc = recs.length > 0 ? recs[0]!.addr : (at ?? 0);
    const regs = (recs[0]?.before ?? atSnap)?.exact;
    this.out.push({
      event: "step", step: this.out.length + 1, id, title,
      symbol: pc ? base(this.bin.funcAt(pc)?.name ?? this.sym(pc)) : "",
      pc: hex(pc), instructions: recs.map((r) => this.fmt(r)), ...fields,
      ...(regs ? { regs } : {}),
    });
  }

  private fnOf(addr: number): string {
    return base(this.bin.funcAt(addr)?.name ?? "");
  }

  build(exit?: { status: number; instructions: number; threads: number }): BootEvent[] {
    const recs = this.recs;
    const release = this.t.release ?? "?";
    const minor = Number(release.split(".")[1] ?? "0");
    const idx = (pred: (r: Rec, k: number) => boolean, from = 0): number => {
      for (let k = from; k < recs.length; k++) if (pred(recs[k]!, k)) return k;
      return -1;
    };
    const callTo = (r: Rec, name: string): boolean => r.inst.op === Op.CALL && r.inst.k0 === K.REL && this.fnOf(r.inst.target) === name;
    const inFn = (r: Rec, name: string): boolean => this.fnOf(r.addr) === name;

    // Landmarks in the trace.
    const iRt0 = idx((r) => inFn(r, "_rt0_amd64"));
    const iGo = idx((r) => inFn(r, "runtime.rt0_go"));
    const iAnd = idx((r) => r.inst.op === Op.AND && r.inst.r0 === R.RSP, Math.max(iGo, 0));
    const iG0 = idx((r) => r.inst.op === Op.LEA && r.inst.r0 === R.RDI && r.inst.base === R.RIP, Math.max(iGo, 0));
    const iCpuid = idx((r) => r.inst.op === Op.CPUID);
    const iCgo = idx((r, k) => r.inst.op === Op.MOV && r.inst.r0 === R.RAX && r.inst.base === R.RIP && recs[k + 1]?.inst.op === Op.TEST, Math.max(iCpuid, 0));
    const iSettlsCall = idx((r) => callTo(r, "runtime.settls"));
    const iTls = iSettlsCall > 0 ? iSettlsCall - 1 : -1;
    const iFsG0 = idx((r) => r.inst.seg === R.FS && r.inst.k0 === K.MEM && r.inst.k1 === K.REG, Math.max(iTls, 0));
    const iM0 = iFsG0 >= 0 ? iFsG0 + 1 : -1;
    const iCld = idx((r) => r.inst.op === Op.CLD);
    const iCheckCall = idx((r) => callTo(r, "runtime.check"));
    const iArgsCall = idx((r) => callTo(r, "runtime.args"));
    const iOsinit = idx((r) => callTo(r, "runtime.osinit"));
    const iSched = idx((r) => callTo(r, "runtime.schedinit"));
    const iNewprocCall = idx((r) => callTo(r, "runtime.newproc"));
    const iNewproc = iNewprocCall >= 2 && recs[iNewprocCall - 1]!.inst.op === Op.PUSH ? iNewprocCall - 2 : iNewprocCall;
    const iMstart = idx((r) => callTo(r, "runtime.mstart"));
    const slice = (a: number, b: number): Rec[] => (a < 0 ? [] : recs.slice(a, b < 0 ? recs.length : b));
    const next = (...ks: number[]): number => {
      const c = ks.filter((k) => k >= 0);
      return c.length ? Math.min(...c) : -1;
    };

    // 1. entry
    const e0 = recs[0];
    if (e0) {
      const sp = e0.before.regs[R.RSP]!;
      const entry = this.bin.elf.header.entry;
      this.push("entry", "The kernel starts the program at the ELF entry point", slice(0, next(iRt0, iGo)), {
        values: { e_entry: hex(entry), entry_symbol: this.sym(entry), initial_sp: hex(sp), sp_mod_16: sp % 16 },
        checks: [{ name: "first instruction is at e_entry", ok: e0.addr === entry, expected: hex(entry), actual: hex(e0.addr) }],
        story: "execve leaves argc, argv, envp and auxv on the stack and jumps to e_entry, the OS-specific stub _rt0_amd64_linux, which only jumps on.",
        since2015: "Go 1.4/1.5 went from _rt0_amd64_linux through a `main` symbol to runtime·rt0_go; today the stub jumps to _rt0_amd64, shared by all amd64 systems.",
      });
    }
    // 2. _rt0_amd64
    if (iRt0 >= 0) {
      const after = recs[iGo]?.before ?? recs[iRt0]!.after;
      const argc = after?.regs[R.RDI] ?? 0, argv = after?.regs[R.RSI] ?? 0;
      const args = this.entries.get("args");
      const values: Record<string, string | number | boolean> = { "argc (DI)": argc, "argv (SI)": hex(argv) };
      if (args) for (const [k, v] of Object.entries(args.strings)) if (k.startsWith("argv")) values[k] = v;
      this.push("rt0_amd64", "_rt0_amd64 loads argc and argv from the stack", slice(iRt0, iGo), {
        values, checks: [],
        story: "argc is the word at 0(SP), argv the address 8(SP); they travel in DI and SI to runtime·rt0_go.",
      });
    }
    // 3. rt0_go: SP alignment
    if (iGo >= 0) {
      const a = recs[iAnd];
      const values: Record<string, string | number | boolean> = {};
      if (a) {
        values["sp_before_and"] = hex(a.before.regs[R.RSP]!);
        if (a.after) values["sp_after_and"] = hex(a.after.regs[R.RSP]!);
      }
      this.push("rt0_go", "runtime·rt0_go copies argc/argv and aligns SP to 16 bytes", slice(iGo, iG0), {
        values, checks: a?.after ? [{ name: "SP is 16-byte aligned after ANDQ $~15", ok: a.after.regs[R.RSP]! % 16 === 0, expected: "0", actual: String(a.after.regs[R.RSP]! % 16) }] : [],
        story: "SUBQ $(5*8), SP makes room for arguments, ANDQ $~15, SP aligns it; argc and argv are saved at 24(SP) and 32(SP) for runtime·args.",
      });
    }
    // 4. g0 stack
    if (iG0 >= 0) {
      const c = recs[iCpuid];
      const m = c?.mem ?? {};
      const lo = m["stack.lo"], hi = m["stack.hi"];
      const lea = recs.slice(iG0, iCpuid).find((r) => r.inst.op === Op.LEA && r.inst.base === R.RSP);
      const disp = lea?.inst.disp ?? 0;
      const expectedSize = minor <= 19 ? 65536 - 104 : 65536;
      const values: Record<string, string | number | boolean> = {
        "&g0": hex(m["g0"] ?? 0),
        lea_displacement: disp,
        arithmetic: disp === -65536 ? "-64*1024" : disp === -65432 ? "-64*1024+104" : String(disp),
      };
      const checks: Check[] = [];
      if (lo !== undefined && hi !== undefined) {
        values["stack.lo"] = hex(lo);
        values["stack.hi"] = hex(hi);
        values["stack size"] = hi - lo;
        checks.push({ name: "stack.hi - stack.lo matches the release", ok: hi - lo === expectedSize, expected: String(expectedSize), actual: String(hi - lo) });
      }
      for (const g of ["stackguard0", "stackguard1"]) {
        const v = m[g];
        if (v !== undefined && lo !== undefined) {
          values[g] = hex(v);
          checks.push({ name: `${g} == stack.lo (as rt0_go sets it)`, ok: v === lo, expected: hex(lo), actual: hex(v) });
        }
      }
      const sym = this.bin.lookup("runtime.g0");
      if (sym !== undefined) checks.push({ name: "&g0 is the symbol runtime.g0", ok: sym === m["g0"], expected: hex(sym), actual: hex(m["g0"] ?? 0) });
      this.push("g0_stack", "g0's stack is carved out of the OS stack", slice(iG0, iCpuid), {
        values, checks,
        story: "g0, the scheduler's goroutine of m0, gets [SP-64KiB, SP] of the stack the kernel gave; both guards are set to stack.lo (cgo is off, so the bounds are never corrected).",
        since2015: minor <= 19 ? "This release still uses -64*1024+104, as in 2015; Go 1.20 dropped the +104." : "2015's runtime used -64*1024+104; since Go 1.20 it is exactly 64 KiB.",
      });
    }
    // 5. CPUID
    if (iCpuid >= 0) {
      const cp = recs.slice(iCpuid, iCgo < 0 ? undefined : iCgo);
      const ids = cp.filter((r) => r.inst.op === Op.CPUID);
      const values: Record<string, string | number | boolean> = {};
      const l0 = ids[0]?.after;
      if (l0) {
        const w = (v: number): string => String.fromCharCode(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
        values["leaf 0 max leaf (EAX)"] = l0.regs[R.RAX]!;
        values["vendor (EBX,EDX,ECX)"] = w(l0.regs[R.RBX]!) + w(l0.regs[R.RDX]!) + w(l0.regs[R.RCX]!);
        values["isIntel set"] = cp.some((r) => r.inst.op === Op.MOV && r.inst.k0 === K.MEM && r.inst.k1 === K.IMM && this.sym(r.inst.addr + r.inst.len + r.inst.disp).includes("isIntel"));
      }
      const l1 = ids[1]?.after;
      if (l1) {
        const eax = l1.regs[R.RAX]! >>> 0;
        const fam = ((eax >>> 8) & 15) + (((eax >>> 8) & 15) === 15 ? (eax >>> 20) & 255 : 0);
        const model = ((eax >>> 4) & 15) | (((eax >>> 8) & 15) >= 6 ? ((eax >>> 16) & 15) << 4 : 0);
        values["leaf 1 signature (processorVersionInfo)"] = hex(eax);
        values["family/model/stepping"] = `${hex(fam)}/${hex(model)}/${eax & 15}`;
      }
      const ms = this.entries.get("mstart")?.mem;
      if (ms) for (const k of ["useAeshash", "x86HasPOPCNT", "x86HasSSE41"]) if (ms[k] !== undefined) values[`later: runtime.${k}`] = ms[k] !== 0;
      this.push("cpuid", "CPUID: the vendor and the processor signature", cp, {
        values, checks: [],
        story: "Leaf 0 gives the highest leaf and the vendor string; GenuineIntel sets runtime·isIntel. Leaf 1's EAX is kept as processorVersionInfo. internal/cpu reads the feature leaves later, in schedinit's cpuinit.",
        since2015: "Go 1.5 set lfenceBeforeRdtsc for Intel here; binaries built for GOAMD64=v2..v4 (Go 1.18+) also verify the CPU's features right after.",
      });
    }
    // 6. _cgo_init
    if (iCgo >= 0) {
      const r = recs[iCgo]!;
      const v = r.after?.regs[R.RAX] ?? 0;
      this.push("cgo_init", "_cgo_init is nil: no C runtime, rt0_go sets up TLS itself", slice(iCgo, iTls), {
        values: { _cgo_init: hex(v) },
        checks: [{ name: "_cgo_init is nil (CGO_ENABLED=0)", ok: v === 0, expected: "0x0", actual: hex(v) }],
        story: "With cgo, _cgo_init would create the TLS block and fix g0's stack bounds; a pure Go binary skips to needtls.",
      });
    }
    // 7. TLS
    if (iTls >= 0) {
      const tlsRecs = slice(iTls, iM0);
      const sc = tlsRecs.find((r) => r.inst.op === Op.SYSCALL);
      const values: Record<string, string | number | boolean> = {};
      const checks: Check[] = [];
      const lea = recs[iTls]!;
      const m0tls = lea.after?.regs[R.RDI] ?? 0;
      values["DI = &runtime.m0.tls"] = `${hex(m0tls)} <${this.sym(m0tls)}>`;
      if (sc) {
        const code = sc.before.regs[R.RDI]!, addr = sc.before.regs[R.RSI]!;
        values["syscall"] = `arch_prctl(${code === 0x1002 ? "ARCH_SET_FS" : hex(code)}, ${hex(addr)}) = ${sc.after ? (sc.after.regs[R.RAX]! | 0) : "?"}`;
        values["syscall number (AX)"] = sc.before.regs[R.RAX]!;
        values["addr is"] = `&runtime.m0.tls + 8 = ${this.sym(addr)}`;
        checks.push({ name: "arch_prctl code is ARCH_SET_FS (0x1002)", ok: code === 0x1002, expected: "0x1002", actual: hex(code) });
        checks.push({ name: "addr == &m0.tls + 8", ok: addr === m0tls + 8, expected: hex(m0tls + 8), actual: hex(addr) });
        const mo = this.bin.lookup("runtime.m0"), to = this.layouts ? fieldOffset(this.layouts, "runtime.m", "tls") : undefined;
        if (mo !== undefined && to !== undefined) checks.push({ name: "&m0.tls from the release layout", ok: m0tls === mo + to, expected: hex(mo + to), actual: hex(m0tls) });
        if (sc.after) values["FS base after"] = hex(sc.after.fs);
      }
      const st = tlsRecs.find((r) => r.inst.seg === R.FS && r.inst.k1 === K.IMM);
      if (st && st.mem["fs-8"] !== undefined) {
        values["0x123 readback"] = hex(st.mem["fs-8"]);
        checks.push({ name: "the 0x123 stored at %fs:-8 reads back through m0.tls[0]", ok: st.mem["fs-8"] === 0x123, expected: "0x123", actual: hex(st.mem["fs-8"]) });
      }
      const g0r = recs[iFsG0];
      const g0 = this.recs[iCpuid]?.mem["g0"];
      if (g0r && g0r.mem["fs-8"] !== undefined && g0 !== undefined) {
        values["%fs:-8 after g0 store"] = hex(g0r.mem["fs-8"]);
        checks.push({ name: "FS base - 8 holds &g0 after settls", ok: g0r.mem["fs-8"] === g0, expected: hex(g0), actual: hex(g0r.mem["fs-8"]) });
      }
      if (this.fsLoad) {
        const f = this.fsLoad;
        values["first TLS load"] = `${hex(f.rec.addr)} <${this.sym(f.rec.addr)}>: ${formatGnu(f.rec.inst, this.bin)}`;
        if (f.value !== undefined && g0 !== undefined) {
          values["it returned"] = hex(f.value);
          checks.push({ name: "the first mov %fs:-8 returns &g0", ok: f.value === g0, expected: hex(g0), actual: hex(f.value) });
        }
      }
      this.push("tls", "TLS: arch_prctl(ARCH_SET_FS) so that %fs:-8 is the current g", tlsRecs, {
        values, checks,
        story: "settls adds 8 to &m0.tls and asks the kernel to point FS there, so the slot g(BX) = -8(FS) is m0.tls[0]. rt0_go stores 0x123 through it and reads it back through m0.tls, then stores &g0: from now on %fs:-8 is the running goroutine.",
        since2015: "Go 1.4 used runtime·tls0 here; now the TLS block lives in m0.tls. Since Go 1.17's register ABI, Go code keeps g in R14 and reloads it from %fs:-8 only at ABI boundaries.",
      });
    }
    // 8. m0 <-> g0
    if (iM0 >= 0) {
      const c = recs[iCld];
      const m = c?.mem ?? {};
      const checks: Check[] = [];
      const values: Record<string, string | number | boolean> = {};
      if (m["m0"] !== undefined) values["&m0"] = `${hex(m["m0"])} <${this.sym(m["m0"])}>`;
      if (m["g0"] !== undefined) values["&g0"] = `${hex(m["g0"])} <${this.sym(m["g0"])}>`;
      if (m["m0.g0"] !== undefined && m["g0"] !== undefined) {
        values["m0.g0"] = hex(m["m0.g0"]);
        checks.push({ name: "m0.g0 == &g0", ok: m["m0.g0"] === m["g0"], expected: hex(m["g0"]), actual: hex(m["m0.g0"]) });
      }
      if (m["g0.m"] !== undefined && m["m0"] !== undefined) {
        values["g0.m"] = hex(m["g0.m"]);
        checks.push({ name: "g0.m == &m0", ok: m["g0.m"] === m["m0"], expected: hex(m["m0"]), actual: hex(m["g0.m"]) });
      }
      const ms = this.bin.lookup("runtime.m0");
      if (ms !== undefined && m["m0"] !== undefined) checks.push({ name: "&m0 is the symbol runtime.m0", ok: ms === m["m0"], expected: hex(ms), actual: hex(m["m0"]) });
      this.push("m0_g0", "m0 and g0 are linked: m0.g0 = &g0, g0.m = &m0", slice(iM0, iCld), {
        values, checks,
        story: "The first thread's M and its scheduling goroutine point at each other; every later M gets its own g0 the same way in allocm.",
      });
    }
    // 9.. calls from rt0_go
    if (iCld >= 0) {
      this.push("check", "runtime·check: the compiler and CPU agree on sizes, atomics and NaN", slice(iCld, iCheckCall + 1), {
        values: {}, checks: [],
        story: "CLD clears the direction flag (the ABI expects it), then runtime·check tests type sizes, atomic operations, NaN comparisons (UCOMISD's parity flag) and timediv; any mismatch throws.",
      });
    }
    if (iArgsCall >= 0) {
      const a = this.entries.get("args");
      const values: Record<string, string | number | boolean> = {};
      if (a) {
        if (a.mem["argc"] !== undefined) values["argc"] = a.mem["argc"];
        for (const [k, v] of Object.entries(a.strings)) values[k] = v;
        if (a.mem["envc"] !== undefined) values["envc"] = a.mem["envc"];
      }
      this.push("args", "runtime·args: argc, argv and the auxiliary vector", slice(iCheckCall + 1, iArgsCall + 1), {
        values, checks: [],
        story: "args saves argc/argv and sysargs walks past envp to auxv: AT_PAGESZ gives the page size, AT_RANDOM 16 random bytes (the runtime's seed), AT_SYSINFO_EHDR the vDSO for fast clock_gettime.",
      });
    }
    if (iOsinit >= 0) {
      const s = this.entries.get("schedinit")?.mem ?? {};
      const values: Record<string, string | number | boolean> = {};
      if (s["ncpu"] !== undefined) values["ncpu"] = s["ncpu"];
      if (s["physPageSize"] !== undefined) values["physPageSize"] = s["physPageSize"];
      this.push("osinit", "runtime·osinit: number of CPUs and huge page size", slice(iOsinit, iOsinit + 1), {
        values, checks: [],
        story: "ncpu comes from sched_getaffinity; the transparent huge page size from /sys (ENOENT is fine).",
      });
    }
    if (iSched >= 0) {
      const s = this.entries.get("mstart")?.mem ?? {};
      const values: Record<string, string | number | boolean> = {};
      if (s["gomaxprocs"] !== undefined) values["GOMAXPROCS"] = s["gomaxprocs"];
      this.push("schedinit", "runtime·schedinit: memory allocator, CPU features, signals, GOMAXPROCS", slice(iSched, iSched + 1), {
        values, checks: [],
        story: "mallocinit reserves the heap arenas, cpuinit reads CPUID feature bits (internal/cpu), alginit picks AES hashing if the CPU has it, goenvs reads the environment, procresize creates GOMAXPROCS Ps.",
      });
    }
    if (iNewproc >= 0) {
      const n = this.entries.get("newproc")?.mem ?? {};
      const values: Record<string, string | number | boolean> = {};
      if (n["fn"] !== undefined) values["fn (funcval)"] = `${hex(n["fn"])} <${this.sym(n["fn"])}>`;
      if (n["fn.pc"] !== undefined) values["fn.fn"] = `${hex(n["fn.pc"])} <${this.sym(n["fn.pc"])}>`;
      const checks: Check[] = n["fn.pc"] !== undefined ? [{ name: "the new goroutine will run runtime.main", ok: this.fnOf(n["fn.pc"]) === "runtime.main", expected: "runtime.main", actual: this.fnOf(n["fn.pc"]) }] : [];
      this.push("newproc", "newproc(runtime.main): the main goroutine is created", slice(iNewproc, iMstart), {
        values, checks,
        story: "runtime·mainPC is a funcval for runtime.main; newproc puts a new g on this P's run queue. It does not run yet.",
        since2015: "Go 1.4/1.5 pushed an argument size as well (newproc(siz, fn)); since Go 1.17 newproc takes only fn.",
      });
    }
    if (iMstart >= 0) {
      this.push("mstart", "mstart: m0 starts scheduling and never returns", slice(iMstart, iMstart + 1), {
        values: {}, checks: [],
        story: "mstart → mstart1 → minit (signal stack, signal mask, thread id) → schedule, which finds the main goroutine and switches to it with gogo.",
      });
    }
    const rm = this.entries.get("main");
    if (rm) {
      const a = this.bin.funcs.find((f) => f.name === "runtime.main")?.entry ?? 0;
      const values: Record<string, string | number | boolean> = {};
      if (rm.mem["goid"] !== undefined) values["goroutine id"] = rm.mem["goid"];
      if (rm.mem["g"] !== undefined) values["g (%fs:-8)"] = hex(rm.mem["g"]);
      if (rm.mem["retired"] !== undefined) values["instructions so far (this thread)"] = rm.mem["retired"];
      this.push("runtime_main", "runtime.main runs on goroutine 1", [], {
        values,
        checks: rm.mem["goid"] !== undefined ? [{ name: "runtime.main runs on goroutine 1", ok: rm.mem["goid"] === 1, expected: "1", actual: String(rm.mem["goid"]) }] : [],
        story: "runtime.main starts sysmon on a new thread (clone), runs the runtime's and the packages' init functions, then calls main.main.",
      }, a, rm.snap);
    }
    const mm = this.entries.get("main.main");
    if (mm) {
      const a = this.bin.funcs.find((f) => f.name === "main.main")?.entry ?? 0;
      const values: Record<string, string | number | boolean> = {};
      if (mm.mem["goid"] !== undefined) values["goroutine id"] = mm.mem["goid"];
      if (mm.mem["retired"] !== undefined) values["instructions so far (this thread)"] = mm.mem["retired"];
      this.push("main_main", "main.main: the program itself", [], { values, checks: [], story: "Everything before this point was the runtime getting ready." }, a, mm.snap);
    }
    if (exit) {
      this.push("exit", "exit_group: the process ends", [], {
        values: { "exit status": exit.status, "instructions (all threads)": exit.instructions, threads: exit.threads },
        checks: [], story: "main.main returned; runtime.main calls exit(0), which is exit_group on Linux: every thread ends.",
      });
    }
    return this.out;
  }
}

/** The step ids the narrator must produce, in order, for a run that reaches main.main. */
export function expectedSteps(): readonly StepId[] {
  return STEP_IDS;
}


