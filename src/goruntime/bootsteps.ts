// The bootstrap steps that `rt0 boot` narrates, one record per step: its id, title, the landmark
// in the trace where it starts, its story, and how it reads its instructions, live values and
// checks from the trace. STEP_IDS, the JSON schema's id enum and docs/boot-events.md come from
// this table (`npm run gen`). Adding a step: a record here, a landmark if it needs one, a golden.

import type { GoBinary } from "../gobin/binary.js";
import type { Inst } from "../x86/inst.js";
import { K, R } from "../x86/inst.js";
import { Op } from "../x86/ops.generated.js";
import { fieldOffset, type ReleaseLayouts } from "./layouts.js";
import { signalName } from "../linux/abi.js";

/** Registers at one point of the trace. */
export interface Snap {
  regs: number[];
  fs: number;
  /** Exact 64-bit registers and RIP in hex (only with the regs option). */
  exact?: Record<string, string>;
}

/** One instruction of the traced entry path (_rt0_amd64_linux … rt0_go, settls). */
export interface TracedRec {
  addr: number;
  inst: Inst;
  before: Snap;
  after?: Snap;
  /** Memory read right after the instruction (probe results). */
  mem: Record<string, number>;
}

/** What was read on entry to a watched function (runtime.args, schedinit, main.main, …). */
export interface Entry {
  snap: Snap;
  mem: Record<string, number>;
  strings: Record<string, string>;
}

export interface Check {
  name: string;
  ok: boolean;
  expected: string;
  actual: string;
}

export type Values = Record<string, string | number | boolean>;

/** The process's end, when the run got there. */
export interface ExitInfo {
  /** Exit status as a shell sees it (128+n when killed by signal n). */
  status: number;
  instructions: number;
  threads: number;
  /** The signal that killed it (0 or absent: it called exit_group). */
  signal?: number;
  /** Functions on the stack of the thread that called exit_group, innermost first
   *  (boot.ts's stackCallers), when known. */
  callers?: string[];
  /** What the program wrote to stderr (a panic's or a fatal error's first lines). */
  stderr?: string;
}

/** The exit step's title, story and "ended by" value: from the signal, the functions that called
 *  exit_group and, for a panic or fatal error, the runtime's first lines on stderr. */
export function describeEnd(e: ExitInfo): { title: string; by: string; story: string } {
  const st = e.status;
  if (e.signal) {
    const n = signalName(e.signal);
    return {
      title: `killed by ${n}: the process ends`, by: `signal ${n}`,
      story: `The process was killed by ${n} (signal ${e.signal}): no exit_group; a shell sees status 128+${e.signal} = ${128 + e.signal}.`,
    };
  }
  const title = `exit_group(${st}): the process ends`;
  const callers = e.callers ?? [];
  const lines = (e.stderr ?? "").split("\n");
  const firstWith = (re: RegExp): string | undefined => lines.find((l) => re.test(l));
  for (const c of callers) {
    if (/^runtime\.fatalpanic(\.|$)/.test(c)) {
      const what = [firstWith(/^panic: /), firstWith(/^\[signal /)].filter((x) => x !== undefined).join("; ");
      return {
        title, by: "panic",
        story: `main.main did not return: a panic nobody recovered${what ? ` (${what})` : ""}. The runtime printed it with the goroutine trace and called exit(${st}), which is exit_group on Linux: every thread ends.`,
      };
    }
    if (/^runtime\.fatalthrow(\.|$)/.test(c)) {
      const what = firstWith(/^fatal error: /);
      return {
        title, by: "fatal error",
        story: `The runtime stopped the program with a fatal error${what ? ` (${what})` : ""}, printed the goroutine trace and called exit(${st}), which is exit_group on Linux: every thread ends.`,
      };
    }
    if (c === "os.Exit") {
      return { title, by: `os.Exit(${st})`, story: `main.main called os.Exit(${st}): exit_group(${st}) ends every thread at once; deferred functions do not run.` };
    }
    if (c === "runtime.main") {
      if (st === 0) return { title, by: "main.main returned", story: "main.main returned; runtime.main calls exit(0), which is exit_group on Linux: every thread ends." };
      break;
    }
  }
  const from = callers.find((c) => !/^runtime\.exit(\.|$)/.test(c));
  return {
    title, by: from === undefined ? `exit_group(${st})` : `exit_group(${st}) from ${from}`,
    story: `exit_group(${st})${from === undefined ? "" : `, called from ${from},`} ended the process: every thread ends.`,
  };
}

/** Where the steps start and end: indices into the trace, -1 when not reached. */
export interface Landmarks {
  /** First instruction in _rt0_amd64. */
  rt0: number;
  /** First instruction in runtime.rt0_go. */
  rt0go: number;
  /** ANDQ $~15, SP in rt0_go. */
  andSp: number;
  /** LEAQ runtime·g0(SB), DI: g0's stack is carved next. */
  g0: number;
  /** The first CPUID. */
  cpuid: number;
  /** MOVQ _cgo_init(SB), AX followed by TESTQ. */
  cgo: number;
  /** The LEAQ m0.tls before CALL runtime·settls. */
  tls: number;
  /** The store of &g0 through %fs (after settls). */
  fsG0: number;
  /** The instruction after it: m0 and g0 get linked. */
  m0: number;
  /** CLD, before CALL runtime·check. */
  cld: number;
  checkCall: number;
  argsCall: number;
  osinitCall: number;
  schedinitCall: number;
  /** The start of newproc(runtime.mainPC): its argument's push when there is one. */
  newproc: number;
  mstartCall: number;
}

/** The trace as the steps read it. */
export interface BootTrace {
  readonly bin: GoBinary;
  readonly recs: readonly TracedRec[];
  readonly at: Landmarks;
  readonly entries: ReadonlyMap<string, Entry>;
  /** The first `mov %fs:-8, reg` after TLS was set up, and what it loaded. */
  readonly fsLoad: { rec: TracedRec; value?: number } | undefined;
  readonly layouts: ReleaseLayouts | undefined;
  /** The release's minor version (26 for Go 1.26), 0 when unknown. */
  readonly minor: number;
  readonly exit: ExitInfo | undefined;
  /** recs[a, b): empty when a is -1, to the end when b is -1. */
  slice(a: number, b: number): TracedRec[];
  /** symbol+offset of an address. */
  sym(addr: number): string;
  /** Name of the function holding addr ("" if none). */
  fnOf(addr: number): string;
  /** An instruction in GNU syntax. */
  text(inst: Inst): string;
}

/** What a step read from the trace. `at`/`atSnap`: its address and registers when it has no
 *  traced instructions (runtime.main, main.main). */
export interface Narration {
  recs: TracedRec[];
  values: Values;
  checks: Check[];
  at?: number;
  atSnap?: Snap;
  /** This run's title and story when they depend on the run (else the record's). */
  title?: string;
  story?: string;
}

export interface BootStep {
  /** The --json event's id. */
  id: string;
  title: string;
  /** Where the step starts, in words (docs/boot-events.md lists it). */
  landmark: string;
  /** What the step does, in a sentence or two. */
  story: string;
  /** How Go 1.4/1.5 (the 2015 walk-throughs) did it, when different; by release when it depends. */
  since2015?: string | ((minor: number) => string);
  /** Reads the step from the trace; undefined when the run did not get there. */
  narrate(t: BootTrace): Narration | undefined;
}

const hex = (n: number): string => "0x" + n.toString(16);

/** The earliest of the landmarks that were reached (-1: none). */
function first(...ks: number[]): number {
  const c = ks.filter((k) => k >= 0);
  return c.length ? Math.min(...c) : -1;
}

export const BOOT_STEPS = [
  {
    id: "entry",
    title: "The kernel starts the program at the ELF entry point",
    landmark: "the first instruction: the ELF entry point, _rt0_amd64_linux",
    story: "execve leaves argc, argv, envp and auxv on the stack and jumps to e_entry, the OS-specific stub _rt0_amd64_linux, which only jumps on.",
    since2015: "Go 1.4/1.5 went from _rt0_amd64_linux through a `main` symbol to runtime·rt0_go; today the stub jumps to _rt0_amd64, shared by all amd64 systems.",
    narrate: (t) => {
      const e0 = t.recs[0];
      if (!e0) return undefined;
      const sp = e0.before.regs[R.RSP]!;
      const entry = t.bin.elf.header.entry;
      return {
        recs: t.slice(0, first(t.at.rt0, t.at.rt0go)),
        values: { e_entry: hex(entry), entry_symbol: t.sym(entry), initial_sp: hex(sp), sp_mod_16: sp % 16 },
        checks: [{ name: "first instruction is at e_entry", ok: e0.addr === entry, expected: hex(entry), actual: hex(e0.addr) }],
      };
    },
  },
  {
    id: "rt0_amd64",
    title: "_rt0_amd64 loads argc and argv from the stack",
    landmark: "the first instruction in _rt0_amd64",
    story: "argc is the word at 0(SP), argv the address 8(SP); they travel in DI and SI to runtime·rt0_go.",
    narrate: (t) => {
      const { rt0, rt0go } = t.at;
      if (rt0 < 0) return undefined;
      const after = t.recs[rt0go]?.before ?? t.recs[rt0]!.after;
      const argc = after?.regs[R.RDI] ?? 0, argv = after?.regs[R.RSI] ?? 0;
      const args = t.entries.get("args");
      const values: Values = { "argc (DI)": argc, "argv (SI)": hex(argv) };
      if (args) for (const [k, v] of Object.entries(args.strings)) if (k.startsWith("argv")) values[k] = v;
      return { recs: t.slice(rt0, rt0go), values, checks: [] };
    },
  },
  {
    id: "rt0_go",
    title: "runtime·rt0_go copies argc/argv and aligns SP to 16 bytes",
    landmark: "the first instruction in runtime.rt0_go",
    story: "SUBQ $(5*8), SP makes room for arguments, ANDQ $~15, SP aligns it; argc and argv are saved at 24(SP) and 32(SP) for runtime·args.",
    narrate: (t) => {
      if (t.at.rt0go < 0) return undefined;
      const a = t.recs[t.at.andSp];
      const values: Values = {};
      if (a) {
        values["sp_before_and"] = hex(a.before.regs[R.RSP]!);
        if (a.after) values["sp_after_and"] = hex(a.after.regs[R.RSP]!);
      }
      const checks: Check[] = a?.after ? [{ name: "SP is 16-byte aligned after ANDQ $~15", ok: a.after.regs[R.RSP]! % 16 === 0, expected: "0", actual: String(a.after.regs[R.RSP]! % 16) }] : [];
      return { recs: t.slice(t.at.rt0go, t.at.g0), values, checks };
    },
  },
  {
    id: "g0_stack",
    title: "g0's stack is carved out of the OS stack",
    landmark: "LEAQ runtime·g0(SB), DI in runtime.rt0_go",
    story: "g0, the scheduler's goroutine of m0, gets [SP-64KiB, SP] of the stack the kernel gave; both guards are set to stack.lo (cgo is off, so the bounds are never corrected).",
    since2015: (minor: number) => (minor <= 19 ? "This release still uses -64*1024+104, as in 2015; Go 1.20 dropped the +104." : "2015's runtime used -64*1024+104; since Go 1.20 it is exactly 64 KiB."),
    narrate: (t) => {
      const { g0: iG0, cpuid: iCpuid } = t.at;
      if (iG0 < 0) return undefined;
      const m = t.recs[iCpuid]?.mem ?? {};
      const lo = m["stack.lo"], hi = m["stack.hi"];
      const lea = t.recs.slice(iG0, iCpuid).find((r) => r.inst.op === Op.LEA && r.inst.base === R.RSP);
      const disp = lea?.inst.disp ?? 0;
      const expectedSize = t.minor <= 19 ? 65536 - 104 : 65536;
      const values: Values = {
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
      const sym = t.bin.lookup("runtime.g0");
      if (sym !== undefined) checks.push({ name: "&g0 is the symbol runtime.g0", ok: sym === m["g0"], expected: hex(sym), actual: hex(m["g0"] ?? 0) });
      return { recs: t.slice(iG0, iCpuid), values, checks };
    },
  },
  {
    id: "cpuid",
    title: "CPUID: the vendor and the processor signature",
    landmark: "the first CPUID",
    story: "Leaf 0 gives the highest leaf and the vendor string; GenuineIntel sets runtime·isIntel. Leaf 1's EAX is kept as processorVersionInfo. internal/cpu reads the feature leaves later, in schedinit's cpuinit.",
    since2015: "Go 1.5 set lfenceBeforeRdtsc for Intel here; binaries built for GOAMD64=v2..v4 (Go 1.18+) also verify the CPU's features right after.",
    narrate: (t) => {
      const { cpuid: iCpuid, cgo: iCgo } = t.at;
      if (iCpuid < 0) return undefined;
      const cp = t.recs.slice(iCpuid, iCgo < 0 ? undefined : iCgo);
      const ids = cp.filter((r) => r.inst.op === Op.CPUID);
      const values: Values = {};
      const l0 = ids[0]?.after;
      if (l0) {
        const w = (v: number): string => String.fromCharCode(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
        values["leaf 0 max leaf (EAX)"] = l0.regs[R.RAX]!;
        values["vendor (EBX,EDX,ECX)"] = w(l0.regs[R.RBX]!) + w(l0.regs[R.RDX]!) + w(l0.regs[R.RCX]!);
        values["isIntel set"] = cp.some((r) => r.inst.op === Op.MOV && r.inst.k0 === K.MEM && r.inst.k1 === K.IMM && t.sym(r.inst.addr + r.inst.len + r.inst.disp).includes("isIntel"));
      }
      const l1 = ids[1]?.after;
      if (l1) {
        const eax = l1.regs[R.RAX]! >>> 0;
        const fam = ((eax >>> 8) & 15) + (((eax >>> 8) & 15) === 15 ? (eax >>> 20) & 255 : 0);
        const model = ((eax >>> 4) & 15) | (((eax >>> 8) & 15) >= 6 ? ((eax >>> 16) & 15) << 4 : 0);
        values["leaf 1 signature (processorVersionInfo)"] = hex(eax);
        values["family/model/stepping"] = `${hex(fam)}/${hex(model)}/${eax & 15}`;
      }
      const ms = t.entries.get("mstart")?.mem;
      if (ms) for (const k of ["useAeshash", "x86HasPOPCNT", "x86HasSSE41"]) if (ms[k] !== undefined) values[`later: runtime.${k}`] = ms[k] !== 0;
      return { recs: cp, values, checks: [] };
    },
  },
  {
    id: "cgo_init",
    title: "_cgo_init is nil: no C runtime, rt0_go sets up TLS itself",
    landmark: "MOVQ _cgo_init(SB), AX (then TESTQ AX, AX) after CPUID",
    story: "With cgo, _cgo_init would create the TLS block and fix g0's stack bounds; a pure Go binary skips to needtls.",
    narrate: (t) => {
      const { cgo: iCgo, tls: iTls } = t.at;
      if (iCgo < 0) return undefined;
      const v = t.recs[iCgo]!.after?.regs[R.RAX] ?? 0;
      return {
        recs: t.slice(iCgo, iTls),
        values: { _cgo_init: hex(v) },
        checks: [{ name: "_cgo_init is nil (CGO_ENABLED=0)", ok: v === 0, expected: "0x0", actual: hex(v) }],
      };
    },
  },
  {
    id: "tls",
    title: "TLS: arch_prctl(ARCH_SET_FS) so that %fs:-8 is the current g",
    landmark: "LEAQ runtime·m0+m_tls(SB), DI, the instruction before CALL runtime·settls",
    story: "settls adds 8 to &m0.tls and asks the kernel to point FS there, so the slot g(BX) = -8(FS) is m0.tls[0]. rt0_go stores 0x123 through it and reads it back through m0.tls, then stores &g0: from now on %fs:-8 is the running goroutine.",
    since2015: "Go 1.4 used runtime·tls0 here; now the TLS block lives in m0.tls. Since Go 1.17's register ABI, Go code keeps g in R14 and reloads it from %fs:-8 only at ABI boundaries.",
    narrate: (t) => {
      const { tls: iTls, m0: iM0, fsG0: iFsG0, cpuid: iCpuid } = t.at;
      if (iTls < 0) return undefined;
      const tlsRecs = t.slice(iTls, iM0);
      const sc = tlsRecs.find((r) => r.inst.op === Op.SYSCALL);
      const values: Values = {};
      const checks: Check[] = [];
      const lea = t.recs[iTls]!;
      const m0tls = lea.after?.regs[R.RDI] ?? 0;
      values["DI = &runtime.m0.tls"] = `${hex(m0tls)} <${t.sym(m0tls)}>`;
      if (sc) {
        const code = sc.before.regs[R.RDI]!, addr = sc.before.regs[R.RSI]!;
        values["syscall"] = `arch_prctl(${code === 0x1002 ? "ARCH_SET_FS" : hex(code)}, ${hex(addr)}) = ${sc.after ? (sc.after.regs[R.RAX]! | 0) : "?"}`;
        values["syscall number (AX)"] = sc.before.regs[R.RAX]!;
        values["addr is"] = `&runtime.m0.tls + 8 = ${t.sym(addr)}`;
        checks.push({ name: "arch_prctl code is ARCH_SET_FS (0x1002)", ok: code === 0x1002, expected: "0x1002", actual: hex(code) });
        checks.push({ name: "addr == &m0.tls + 8", ok: addr === m0tls + 8, expected: hex(m0tls + 8), actual: hex(addr) });
        const mo = t.bin.lookup("runtime.m0"), to = t.layouts ? fieldOffset(t.layouts, "runtime.m", "tls") : undefined;
        if (mo !== undefined && to !== undefined) checks.push({ name: "&m0.tls from the release layout", ok: m0tls === mo + to, expected: hex(mo + to), actual: hex(m0tls) });
        if (sc.after) values["FS base after"] = hex(sc.after.fs);
      }
      const st = tlsRecs.find((r) => r.inst.seg === R.FS && r.inst.k1 === K.IMM);
      if (st && st.mem["fs-8"] !== undefined) {
        values["0x123 readback"] = hex(st.mem["fs-8"]);
        checks.push({ name: "the 0x123 stored at %fs:-8 reads back through m0.tls[0]", ok: st.mem["fs-8"] === 0x123, expected: "0x123", actual: hex(st.mem["fs-8"]) });
      }
      const g0r = t.recs[iFsG0];
      const g0 = t.recs[iCpuid]?.mem["g0"];
      if (g0r && g0r.mem["fs-8"] !== undefined && g0 !== undefined) {
        values["%fs:-8 after g0 store"] = hex(g0r.mem["fs-8"]);
        checks.push({ name: "FS base - 8 holds &g0 after settls", ok: g0r.mem["fs-8"] === g0, expected: hex(g0), actual: hex(g0r.mem["fs-8"]) });
      }
      if (t.fsLoad) {
        const f = t.fsLoad;
        values["first TLS load"] = `${hex(f.rec.addr)} <${t.sym(f.rec.addr)}>: ${t.text(f.rec.inst)}`;
        if (f.value !== undefined && g0 !== undefined) {
          values["it returned"] = hex(f.value);
          checks.push({ name: "the first mov %fs:-8 returns &g0", ok: f.value === g0, expected: hex(g0), actual: hex(f.value) });
        }
      }
      return { recs: tlsRecs, values, checks };
    },
  },
  {
    id: "m0_g0",
    title: "m0 and g0 are linked: m0.g0 = &g0, g0.m = &m0",
    landmark: "the instruction after the store of &g0 through %fs",
    story: "The first thread's M and its scheduling goroutine point at each other; every later M gets its own g0 the same way in allocm.",
    narrate: (t) => {
      const { m0: iM0, cld: iCld } = t.at;
      if (iM0 < 0) return undefined;
      const m = t.recs[iCld]?.mem ?? {};
      const checks: Check[] = [];
      const values: Values = {};
      if (m["m0"] !== undefined) values["&m0"] = `${hex(m["m0"])} <${t.sym(m["m0"])}>`;
      if (m["g0"] !== undefined) values["&g0"] = `${hex(m["g0"])} <${t.sym(m["g0"])}>`;
      if (m["m0.g0"] !== undefined && m["g0"] !== undefined) {
        values["m0.g0"] = hex(m["m0.g0"]);
        checks.push({ name: "m0.g0 == &g0", ok: m["m0.g0"] === m["g0"], expected: hex(m["g0"]), actual: hex(m["m0.g0"]) });
      }
      if (m["g0.m"] !== undefined && m["m0"] !== undefined) {
        values["g0.m"] = hex(m["g0.m"]);
        checks.push({ name: "g0.m == &m0", ok: m["g0.m"] === m["m0"], expected: hex(m["m0"]), actual: hex(m["g0.m"]) });
      }
      const ms = t.bin.lookup("runtime.m0");
      if (ms !== undefined && m["m0"] !== undefined) checks.push({ name: "&m0 is the symbol runtime.m0", ok: ms === m["m0"], expected: hex(ms), actual: hex(m["m0"]) });
      return { recs: t.slice(iM0, iCld), values, checks };
    },
  },
  {
    id: "check",
    title: "runtime·check: the compiler and CPU agree on sizes, atomics and NaN",
    landmark: "CLD in runtime.rt0_go",
    story: "CLD clears the direction flag (the ABI expects it), then runtime·check tests type sizes, atomic operations, NaN comparisons (UCOMISD's parity flag) and timediv; any mismatch throws.",
    narrate: (t) => (t.at.cld < 0 ? undefined : { recs: t.slice(t.at.cld, t.at.checkCall + 1), values: {}, checks: [] }),
  },
  {
    id: "args",
    title: "runtime·args: argc, argv and the auxiliary vector",
    landmark: "the instruction after CALL runtime·check",
    story: "args saves argc/argv and sysargs walks past envp to auxv: AT_PAGESZ gives the page size, AT_RANDOM 16 random bytes (the runtime's seed), AT_SYSINFO_EHDR the vDSO for fast clock_gettime.",
    narrate: (t) => {
      if (t.at.argsCall < 0) return undefined;
      const a = t.entries.get("args");
      const values: Values = {};
      if (a) {
        if (a.mem["argc"] !== undefined) values["argc"] = a.mem["argc"];
        for (const [k, v] of Object.entries(a.strings)) values[k] = v;
        if (a.mem["envc"] !== undefined) values["envc"] = a.mem["envc"];
      }
      return { recs: t.slice(t.at.checkCall + 1, t.at.argsCall + 1), values, checks: [] };
    },
  },
  {
    id: "osinit",
    title: "runtime·osinit: number of CPUs and huge page size",
    landmark: "CALL runtime·osinit",
    story: "ncpu comes from sched_getaffinity; the transparent huge page size from /sys (ENOENT is fine).",
    narrate: (t) => {
      if (t.at.osinitCall < 0) return undefined;
      const s = t.entries.get("schedinit")?.mem ?? {};
      const values: Values = {};
      if (s["ncpu"] !== undefined) values["ncpu"] = s["ncpu"];
      if (s["physPageSize"] !== undefined) values["physPageSize"] = s["physPageSize"];
      return { recs: t.slice(t.at.osinitCall, t.at.osinitCall + 1), values, checks: [] };
    },
  },
  {
    id: "schedinit",
    title: "runtime·schedinit: memory allocator, CPU features, signals, GOMAXPROCS",
    landmark: "CALL runtime·schedinit",
    story: "mallocinit reserves the heap arenas, cpuinit reads CPUID feature bits (internal/cpu), alginit picks AES hashing if the CPU has it, goenvs reads the environment, procresize creates GOMAXPROCS Ps.",
    narrate: (t) => {
      if (t.at.schedinitCall < 0) return undefined;
      const s = t.entries.get("mstart")?.mem ?? {};
      const values: Values = {};
      if (s["gomaxprocs"] !== undefined) values["GOMAXPROCS"] = s["gomaxprocs"];
      return { recs: t.slice(t.at.schedinitCall, t.at.schedinitCall + 1), values, checks: [] };
    },
  },
  {
    id: "newproc",
    title: "newproc(runtime.main): the main goroutine is created",
    landmark: "the LEAQ runtime·mainPC(SB) before CALL runtime·newproc (the CALL itself when it takes no pushed argument)",
    story: "runtime·mainPC is a funcval for runtime.main; newproc puts a new g on this P's run queue. It does not run yet.",
    since2015: "Go 1.4/1.5 pushed an argument size as well (newproc(siz, fn)); since Go 1.17 newproc takes only fn.",
    narrate: (t) => {
      if (t.at.newproc < 0) return undefined;
      const n = t.entries.get("newproc")?.mem ?? {};
      const values: Values = {};
      if (n["fn"] !== undefined) values["fn (funcval)"] = `${hex(n["fn"])} <${t.sym(n["fn"])}>`;
      if (n["fn.pc"] !== undefined) values["fn.fn"] = `${hex(n["fn.pc"])} <${t.sym(n["fn.pc"])}>`;
      const checks: Check[] = n["fn.pc"] !== undefined ? [{ name: "the new goroutine will run runtime.main", ok: t.fnOf(n["fn.pc"]) === "runtime.main", expected: "runtime.main", actual: t.fnOf(n["fn.pc"]) }] : [];
      return { recs: t.slice(t.at.newproc, t.at.mstartCall), values, checks };
    },
  },
  {
    id: "mstart",
    title: "mstart: m0 starts scheduling and never returns",
    landmark: "CALL runtime·mstart",
    story: "mstart → mstart1 → minit (signal stack, signal mask, thread id) → schedule, which finds the main goroutine and switches to it with gogo.",
    narrate: (t) => (t.at.mstartCall < 0 ? undefined : { recs: t.slice(t.at.mstartCall, t.at.mstartCall + 1), values: {}, checks: [] }),
  },
  {
    id: "runtime_main",
    title: "runtime.main runs on goroutine 1",
    landmark: "the entry of runtime.main (on any thread)",
    story: "runtime.main starts sysmon on a new thread (clone), runs the runtime's and the packages' init functions, then calls main.main.",
    narrate: (t) => {
      const rm = t.entries.get("main");
      if (!rm) return undefined;
      const values: Values = {};
      if (rm.mem["goid"] !== undefined) values["goroutine id"] = rm.mem["goid"];
      if (rm.mem["g"] !== undefined) values["g (%fs:-8)"] = hex(rm.mem["g"]);
      if (rm.mem["retired"] !== undefined) values["instructions so far (this thread)"] = rm.mem["retired"];
      const checks: Check[] = rm.mem["goid"] !== undefined ? [{ name: "runtime.main runs on goroutine 1", ok: rm.mem["goid"] === 1, expected: "1", actual: String(rm.mem["goid"]) }] : [];
      return { recs: [], values, checks, at: t.bin.funcs.find((f) => f.name === "runtime.main")?.entry ?? 0, atSnap: rm.snap };
    },
  },
  {
    id: "main_main",
    title: "main.main: the program itself",
    landmark: "the entry of main.main",
    story: "Everything before this point was the runtime getting ready.",
    narrate: (t) => {
      const mm = t.entries.get("main.main");
      if (!mm) return undefined;
      const values: Values = {};
      if (mm.mem["goid"] !== undefined) values["goroutine id"] = mm.mem["goid"];
      if (mm.mem["retired"] !== undefined) values["instructions so far (this thread)"] = mm.mem["retired"];
      return { recs: [], values, checks: [], at: t.bin.funcs.find((f) => f.name === "main.main")?.entry ?? 0, atSnap: mm.snap };
    },
  },
  {
    id: "exit",
    title: "exit_group: the process ends",
    landmark: "the end of the run (not with --until)",
    story: "How the program ended: main.main returned (runtime.main calls exit(0)), os.Exit(n), a panic or a fatal error (exit(2)), each an exit_group on Linux that ends every thread; or a signal killed it.",
    narrate: (t) => {
      if (t.exit === undefined) return undefined;
      const e = t.exit, end = describeEnd(e);
      const values: Values = { "ended by": end.by, "exit status": e.status };
      if (e.callers !== undefined && e.callers.length > 0) values["exit_group called from"] = e.callers.slice(0, 4).join(" ← ");
      values["instructions (all threads)"] = e.instructions;
      values["threads"] = e.threads;
      return { recs: [], values, checks: [], title: end.title, story: end.story };
    },
  },
] as const satisfies readonly BootStep[];

export type StepId = (typeof BOOT_STEPS)[number]["id"];

/** The step ids in order: a run that reaches its end narrates every one. */
export const STEP_IDS: readonly StepId[] = BOOT_STEPS.map((s) => s.id);

/** The landmarks in the trace (each the first instruction that matches, -1 when not reached). */
export function findLandmarks(recs: readonly TracedRec[], fnOf: (addr: number) => string): Landmarks {
  const idx = (pred: (r: TracedRec, k: number) => boolean, from = 0): number => {
    for (let k = from; k < recs.length; k++) if (pred(recs[k]!, k)) return k;
    return -1;
  };
  const callTo = (r: TracedRec, name: string): boolean => r.inst.op === Op.CALL && r.inst.k0 === K.REL && fnOf(r.inst.target) === name;
  const inFn = (r: TracedRec, name: string): boolean => fnOf(r.addr) === name;
  const rt0 = idx((r) => inFn(r, "_rt0_amd64"));
  const rt0go = idx((r) => inFn(r, "runtime.rt0_go"));
  const andSp = idx((r) => r.inst.op === Op.AND && r.inst.r0 === R.RSP, Math.max(rt0go, 0));
  const g0 = idx((r) => r.inst.op === Op.LEA && r.inst.r0 === R.RDI && r.inst.base === R.RIP, Math.max(rt0go, 0));
  const cpuid = idx((r) => r.inst.op === Op.CPUID);
  const cgo = idx((r, k) => r.inst.op === Op.MOV && r.inst.r0 === R.RAX && r.inst.base === R.RIP && recs[k + 1]?.inst.op === Op.TEST, Math.max(cpuid, 0));
  const settlsCall = idx((r) => callTo(r, "runtime.settls"));
  const tls = settlsCall > 0 ? settlsCall - 1 : -1;
  const fsG0 = idx((r) => r.inst.seg === R.FS && r.inst.k0 === K.MEM && r.inst.k1 === K.REG, Math.max(tls, 0));
  const m0 = fsG0 >= 0 ? fsG0 + 1 : -1;
  const newprocCall = idx((r) => callTo(r, "runtime.newproc"));
  const newproc = newprocCall >= 2 && recs[newprocCall - 1]!.inst.op === Op.PUSH ? newprocCall - 2 : newprocCall;
  return {
    rt0, rt0go, andSp, g0, cpuid, cgo, tls, fsG0, m0,
    cld: idx((r) => r.inst.op === Op.CLD),
    checkCall: idx((r) => callTo(r, "runtime.check")),
    argsCall: idx((r) => callTo(r, "runtime.args")),
    osinitCall: idx((r) => callTo(r, "runtime.osinit")),
    schedinitCall: idx((r) => callTo(r, "runtime.schedinit")),
    newproc,
    mstartCall: idx((r) => callTo(r, "runtime.mstart")),
  };
}
