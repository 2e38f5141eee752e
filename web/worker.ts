// The explorer's Web Worker: runs the Go binary on rt0's emulator (the same Machine, CPU and
// Linux layer as `rt0 run`), with the bootstrap narrator and the stack tracer attached, and
// obeys the page's controls (run, pause, step into/over/out, next bootstrap step, breakpoint).

import { UserError } from "../src/base/assert.js";
import { openBinary, type GoBinary } from "../src/gobin/binary.js";
import { checkRunnable } from "../src/linux/loader.js";
import { RUNNABLE } from "../src/linux/process.js";
import type { Machine } from "../src/machine/machine.js";
import { createMachine, type ObservableCpu } from "../src/machine/create.js";
import type { Cpu, CpuModel } from "../src/cpu/api.js";
import { BootTracer, stackCallers, type BootEvent, type ExitInfo } from "../src/goruntime/boot.js";
import { StackTracer } from "../src/goruntime/stacks.js";
import { fieldOffset, type ReleaseLayouts } from "../src/goruntime/layouts.js";
import { WebHost, type WebHostOptions } from "../src/host/web.js";
import { STACK_SIZE, STACK_TOP } from "../src/linux/loader.js";
import { Annotator, type WebEvent } from "../src/web/annotate.js";
import type { Command, DisasmLine, GoStruct, Report, Snapshot, StartInfo, Vendor } from "./protocol.js";

interface WorkerScope {
  postMessage(m: Report): void;
  onmessage: ((e: { data: Command }) => void) | null;
  setImmediate?: (f: () => void) => void;
}
const scope = self as unknown as WorkerScope;
const post = (m: Report): void => scope.postMessage(m);
const hex = (n: number): string => "0x" + n.toString(16);
const REGS = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
const REG_NUM: Record<string, number> = { rax: 0, rcx: 1, rdx: 2, rbx: 3, rsp: 4, rbp: 5, rsi: 6, rdi: 7, r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15 };

/** A browser host whose file system holds the program at /prog. */
function progHost(bytes: Uint8Array, o: WebHostOptions): WebHost {
  const host = new WebHost(o);
  host.vfs.addFile("/prog", bytes, 0o755);
  return host;
}

/** The explorer's machine (the live session and the silent pre-run alike): /prog with a small
 *  environment, every guest thread's CPU handed to onCpu for its hook. */
function progMachine(host: WebHost, bytes: Uint8Array, model: CpuModel, onCpu: (cpu: ObservableCpu) => void, warn: (m: string) => void): Machine {
  return createMachine({
    host, bin: bytes, argv: ["/prog"], envp: ["HOME=/", "PATH=/", "TERM=xterm-256color"], exePath: "/prog", model, onCpu, warn,
  });
}

// ---- yielding: Machine.run awaits setImmediate between slices (every ~20 ms). A worker has
// no setImmediate; this one answers through a MessageChannel (no 4 ms timer clamp) and holds
// the continuation of a paused session, so a paused machine costs no CPU.
/** True when the last hook call came from the live session's machine (not a silent pre-run). */
let liveHooked = false;
const channel = new MessageChannel();
const ready: Array<() => void> = [];
channel.port1.onmessage = (): void => {
  const f = ready.shift();
  if (f) f();
};
scope.setImmediate = (f: () => void): void => {
  const s = session;
  if (liveHooked && s !== undefined && s.paused) s.held.push(f);
  else {
    ready.push(f);
    channel.port2.postMessage(0);
  }
};

type Mode = "run" | "step" | "nextStep" | "pause" | "until";

/** One loaded binary on one machine. */
class Session {
  readonly gobin: GoBinary;
  readonly ann: Annotator;
  readonly layouts: ReleaseLayouts | undefined;
  readonly boot: BootTracer;
  readonly stacks: StackTracer | undefined;
  machine: Machine | undefined;
  readonly host: WebHost;
  readonly cpus: Cpu[] = [];
  paused = false;
  killed = false;
  held: Array<() => void> = [];
  private mode: Mode = "run";
  private focus: Cpu | undefined;
  private skip: { cpu: Cpu; rip: number } | undefined;
  stopAtEntry: boolean;
  /** Step over / step out: stop when `cpu` is back at `rip` with SP at or above `sp`. */
  private until: { cpu: Cpu; rip: number; sp: number; reason: string } | undefined;
  /** A linked step to run to (index into the timeline), then pause. */
  stopAtIdx: number | undefined;
  bp: { addr: number; name: string } | undefined;
  private readonly stackTimes: number[] = [];
  /** The bootstrap steps of an earlier run (a finished trace), shown ahead of this run. */
  preview: BootEvent[] | undefined;
  /** First-instruction addresses of the bootstrap steps (from a finished trace), and how far this run got. */
  stepPcs: number[] | undefined;
  /** Step address → index of the last step starting there (steps only move forward). */
  private stepAt = new Map<number, number>();
  stepTitles: string[] = [];
  bootIdx = -1;
  private exited: ExitInfo | undefined;
  private t0 = 0;
  private lastStacksPost = 0;
  private size = { rows: 24, cols: 80 };

  constructor(readonly name: string, readonly bytes: Uint8Array, readonly vendor: Vendor, paused: boolean) {
    this.gobin = openBinary(bytes, name);
    checkRunnable(bytes, "the browser has no dynamic linker or C library, so only static binaries run here (build Go programs with CGO_ENABLED=0)");
    if (this.gobin.goVersion === undefined) throw new UserError("no Go build information: the explorer runs Go binaries (go build, GOOS=linux GOARCH=amd64)");
    this.ann = new Annotator(this.gobin, { lo: STACK_TOP - STACK_SIZE, hi: STACK_TOP });
    this.layouts = this.ann.layouts;
    this.boot = new BootTracer(this.gobin, { regs: true });
    try {
      this.stacks = new StackTracer(this.gobin);
    } catch {
      this.stacks = undefined;
    }
    this.stopAtEntry = paused;
    const enc = (stream: "stdout" | "stderr") => (data: Uint8Array): void => {
      if (!this.killed) post({ type: "output", stream, data });
    };
    this.host = progHost(bytes, { stdout: enc("stdout"), stderr: enc("stderr"), cpuCount: Math.min(4, navigator.hardwareConcurrency || 2), size: () => this.size });
  }

  get model(): CpuModel {
    return { vendor: this.vendor === "amd" ? "AuthenticAMD" : "GenuineIntel", level: 1 };
  }

  info(): StartInfo {
    return {
      name: this.name, goVersion: this.gobin.goVersion ?? "?", release: this.boot.release ?? "?",
      cpuVendor: this.model.vendor, goamd64: this.gobin.buildInfo?.settings.find((x) => x.key === "GOAMD64")?.value ?? "v1",
      size: this.bytes.length, facts: this.ann.facts(), functions: this.ann.functionNames(),
    };
  }

  resize(rows: number, cols: number): void {
    this.size = { rows, cols };
  }

  /** Start the machine (it stops at once when loaded paused). */
  start(): void {
    this.machine = progMachine(this.host, this.bytes, this.model, (c) => {
      this.cpus.push(c);
      c.setCodeHook((rip) => this.hook(c, rip));
    }, (m) => post({ type: "output", stream: "stderr", data: new TextEncoder().encode(m + "\r\n") }));
    this.focus = this.cpus[0];
    this.t0 = performance.now();
    if (!this.stopAtEntry) post({ type: "running" });
    const m = this.machine;
    m.run().then((r) => {
      if (this.killed) return;
      const caller = m.proc.exitCaller;
      this.exited = {
        status: r.status, signal: r.signal, instructions: r.instructions, threads: m.proc.threads.length,
        callers: caller === undefined ? undefined : stackCallers(caller.cpu, this.boot.bin),
      };
      const events = this.boot.events(this.exited);
      timelines.set(key(this.bytes, this.vendor), events);
      this.preview = events;
      this.postTimeline(true);
      this.postStacks(true);
      post({ type: "exit", status: r.status, signal: r.signal, instructions: r.instructions, ms: Math.round(performance.now() - this.t0), snap: this.snapshot(`exited with status ${r.status}`) });
    }, (e: unknown) => {
      if (!this.killed) post({ type: "error", message: `internal error: ${e instanceof Error ? e.message : String(e)}` });
    });
  }

  /** The timeline as the page shows it: this run's steps where it has finished them (all of
   *  them once main.main is reached), an earlier run's for the steps ahead. */
  postTimeline(complete: boolean): void {
    const live = this.machine === undefined ? [] : this.boot.events(this.exited);
    const finished = new Set<string>();
    const ahead = this.preview ?? [];
    if (this.boot.done || this.exited !== undefined) for (const e of live) finished.add(e.id);
    else ahead.slice(0, Math.max(0, this.bootIdx)).forEach((e) => finished.add(e.id));
    const mine = new Map(live.filter((e) => finished.has(e.id)).map((e) => [e.id, e]));
    const out: WebEvent[] = [];
    const base = ahead.length > 0 ? ahead : live.filter((e) => finished.has(e.id));
    for (const e of base) {
      const m = mine.get(e.id);
      out.push(this.ann.event(m ?? e, m !== undefined));
    }
    if (this.exited !== undefined) {
      // The exit step exists only at the end.
      for (const e of live) if (!out.some((x) => x.id === e.id)) out.push(this.ann.event(e, true));
    }
    post({ type: "timeline", events: out, complete });
  }

  /** The per-instruction hook: controls first (a stopped instruction is seen again when the
   *  run resumes, so the observers must only see the ones that execute), then the tracers. */
  private hook(cpu: Cpu, rip: number): boolean {
    liveHooked = true;
    if (this.control(cpu, rip)) return true;
    if (!this.boot.done) {
      this.boot.onInstruction(cpu, rip);
      if (this.boot.done) this.booted();
    }
    if (this.stacks) {
      const n = this.stacks.events.length;
      this.stacks.onInstruction(cpu, rip);
      if (this.stacks.events.length !== n) {
        this.stackTimes.push(this.retired());
        this.postStacks(false);
      }
    }
    return false;
  }

  /** main.main was entered: the narrative is known up to there; show it while the program runs. */
  private booted(): void {
    if (this.stepPcs === undefined) {
      const events = this.boot.events();
      this.useTimeline(events);
      this.bootIdx = this.stepPcs!.length - 1;
    }
    this.postTimeline(false);
  }

  private control(cpu: Cpu, rip: number): boolean {
    if (this.paused || this.killed) return true;
    if (this.mode === "step" && cpu !== this.focus) {
      // Hold the other threads while the stepped one can run.
      const t = this.machine?.proc.threads.find((x) => x.cpu === this.focus);
      if (t !== undefined && t.state === RUNNABLE) return true;
    }
    // Bootstrap progress: a step's first instruction moves it forward (never back; a resumed
    // instruction was counted already). Works when the addresses arrive mid-run too.
    let reached = false;
    const j = this.stepAt.get(rip);
    if (j !== undefined && j > this.bootIdx) {
      this.bootIdx = j;
      reached = true;
    }
    if (this.stopAtEntry) {
      this.stopAtEntry = false;
      return this.stop(cpu, reached ? `bootstrap step 1: ${this.stepTitles[0] ?? ""}` : "at the ELF entry point");
    }
    const resuming = this.skip !== undefined && this.skip.cpu === cpu && this.skip.rip === rip;
    if (resuming) {
      this.skip = undefined;
      return false;
    }
    if (this.mode === "pause") return this.stop(cpu, "paused");
    if (this.mode === "step") return this.stop(cpu, "stepped one instruction");
    const u = this.until;
    if (this.mode === "until" && u !== undefined && cpu === u.cpu && rip === u.rip && cpu.getReg(4) >= u.sp) {
      this.until = undefined;
      return this.stop(cpu, u.reason);
    }
    if (this.bp !== undefined && rip === this.bp.addr) return this.stop(cpu, `breakpoint at ${this.bp.name}`);
    if (reached && this.stopAtIdx !== undefined && this.bootIdx >= this.stopAtIdx) {
      this.stopAtIdx = undefined;
      return this.stop(cpu, `bootstrap step ${this.bootIdx + 1}: ${this.stepTitles[this.bootIdx] ?? ""}`);
    }
    if (reached && this.mode === "nextStep") return this.stop(cpu, `bootstrap step ${this.bootIdx + 1}: ${this.stepTitles[this.bootIdx] ?? ""}`);
    return false;
  }

  private stop(cpu: Cpu, reason: string): true {
    this.paused = true;
    this.focus = cpu;
    this.until = undefined;
    this.postStacks(true);
    this.postTimeline(false);
    post({ type: "paused", snap: this.snapshot(reason) });
    return true;
  }

  /** Pause from the page: the next hook call stops (the machine then parks at its next yield). */
  pause(): void {
    if (this.paused || this.killed) return;
    this.mode = "pause";
    this.skip = undefined;
    // Every thread waiting (stdin, a timer): no instruction will call the hook, stop right here.
    const m = this.machine;
    if (m !== undefined && m.proc.exitStatus === undefined && !m.proc.threads.some((t) => t.state === RUNNABLE)) {
      this.paused = true;
      post({ type: "paused", snap: this.snapshot("paused while every thread waits (stdin, a timer or a futex)") });
    }
  }

  resume(mode: Exclude<Mode, "pause" | "until">): void {
    if (this.killed) return;
    if (!this.paused) {
      if (mode !== "run") this.pause();
      return;
    }
    this.mode = mode;
    const f = this.focus;
    this.skip = f ? { cpu: f, rip: f.rip } : undefined;
    this.paused = false;
    // Steps past the last bootstrap step have nothing to stop at: run on.
    if (mode === "nextStep" && this.stepPcs !== undefined && this.bootIdx + 1 >= this.stepPcs.length) this.mode = "run";
    post({ type: "running" });
    const h = this.held;
    this.held = [];
    for (const f2 of h) f2();
  }

  /** F10: a CALL runs whole (to the instruction after it, on this thread, SP back); anything
   *  else is one instruction. */
  stepOver(): void {
    const f = this.focus;
    if (!this.paused || f === undefined) return this.resume("step");
    const d = this.ann.decodeAt(f.rip);
    if (d === undefined || !/^call/.test(d.gnu)) return this.resume("step");
    this.until = { cpu: f, rip: f.rip + d.len, sp: f.getReg(4), reason: `stepped over ${d.gnu.replace(/^call\s+/, "call ")}` };
    this.resumeUntil();
  }

  /** Shift+F11: run until the current function returns to its caller. */
  stepOut(): void {
    const f = this.focus;
    if (!this.paused || f === undefined) return;
    const fn = this.gobin.funcAt(f.rip);
    const delta = this.gobin.spDeltaAt(f.rip);
    const name = (fn?.name ?? "this code").replace(/\.abi0$/, "");
    let ret: number | undefined;
    try {
      ret = delta === undefined ? undefined : f.mem.readU64(f.getReg(4) + delta);
    } catch {
      ret = undefined;
    }
    const caller = ret === undefined ? undefined : this.gobin.funcAt(ret);
    if (fn === undefined || delta === undefined || ret === undefined || caller === undefined || /^(runtime\.(rt0_go|mstart|goexit)|_rt0_)/.test(fn.name)) {
      post({ type: "breakpoint", ok: false, text: `${name} does not return to a caller: nothing to step out to` });
      return;
    }
    this.until = { cpu: f, rip: ret, sp: f.getReg(4) + delta + 8, reason: `stepped out of ${name} to ${caller.name.replace(/\.abi0$/, "")}` };
    this.resumeUntil();
  }

  private resumeUntil(): void {
    const u = this.until;
    this.resume("run");
    this.mode = "until";
    this.until = u;
  }

  kill(): void {
    this.killed = true;
    this.paused = false;
    const m = this.machine;
    if (m && m.proc.exitStatus === undefined) m.proc.exitGroup(0);
    this.host.onWake?.();
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }

  useTimeline(events: BootEvent[]): void {
    this.preview = events;
    this.stepPcs = events.map((e) => Number(e.pc));
    this.stepTitles = events.map((e) => e.title);
    // The exit step has no address: "next step" from main.main runs to the end.
    while (this.stepPcs.length > 0 && this.stepPcs[this.stepPcs.length - 1] === 0) {
      this.stepPcs.pop();
    }
    this.stepAt = new Map(this.stepPcs.map((pc, k) => [pc, k]));
  }

  private postStacks(force: boolean): void {
    if (!this.stacks) return;
    const now = performance.now();
    if (!force && now - this.lastStacksPost < 100) return;
    this.lastStacksPost = now;
    post({ type: "stacks", events: this.stacks.events.slice(), times: this.stackTimes.slice(), instructions: this.retired() });
  }

  private retired(): number {
    let n = 0;
    for (const c of this.cpus) n += c.retired;
    return n;
  }

  private read64(cpu: Cpu, a: number): number | undefined {
    try {
      return cpu.mem.readU64(a);
    } catch {
      return undefined;
    }
  }

  /** The stacks worth naming in register values: g0's, and the current goroutine's. */
  private knownStacks(cpu: Cpu): Array<{ lo: number; hi: number; name: string }> {
    const out: Array<{ lo: number; hi: number; name: string }> = [];
    const L = this.layouts;
    if (L === undefined) return out;
    const lo = fieldOffset(L, "runtime.g", "stack.lo"), hi = fieldOffset(L, "runtime.g", "stack.hi"), goid = fieldOffset(L, "runtime.g", "goid");
    if (lo === undefined || hi === undefined) return out;
    const add = (g: number | undefined, name: string): void => {
      if (g === undefined || g === 0) return;
      const a = this.read64(cpu, g + lo), b = this.read64(cpu, g + hi);
      if (a !== undefined && b !== undefined && a > 0 && b > a) out.push({ lo: a, hi: b, name });
    };
    const g0 = this.gobin.lookup("runtime.g0");
    add(g0, "g0 stack");
    const g = cpu.fsBase ? this.read64(cpu, cpu.fsBase - 8) : undefined;
    if (g !== undefined && g !== g0) add(g, `goroutine ${goid === undefined ? "?" : this.read64(cpu, g + goid) ?? "?"} stack`);
    return out;
  }

  snapshot(reason: string): Snapshot {
    const cpu = this.focus ?? this.cpus[0]!;
    const regs: Record<string, string> = {};
    const regNotes: Record<string, string> = {};
    const stacks = this.knownStacks(cpu);
    for (const r of REGS) {
      const v = BigInt.asUintN(64, cpu.getRegBig(REG_NUM[r]!));
      regs[r] = "0x" + v.toString(16);
      const n = this.ann.note(v, stacks);
      if (n !== undefined) regNotes[r] = n;
    }
    regs["rip"] = hex(cpu.rip);
    const ripNote = this.ann.note(BigInt(cpu.rip));
    if (ripNote !== undefined) regNotes["rip"] = ripNote;
    regs["rflags"] = hex(cpu.rflags);
    regs["fs_base"] = hex(cpu.fsBase);
    const fsNote = cpu.fsBase ? this.ann.note(BigInt(cpu.fsBase)) : undefined;
    if (fsNote !== undefined) regNotes["fs_base"] = fsNote;
    const t = this.machine?.proc.threads.find((x) => x.cpu === cpu);
    const atStep = this.stepPcs !== undefined && this.bootIdx >= 0 && this.stepPcs[this.bootIdx] === cpu.rip;
    return {
      reason, tid: t?.tid ?? 0, mainThread: t !== undefined && t.tid === this.machine?.proc.pid, threads: this.machine?.proc.threads.length ?? 0,
      instructions: this.retired(), regs, regNotes, disasm: this.disasm(cpu.rip, 14), structs: this.structs(cpu, stacks), bootIndex: this.bootIdx, atStep,
    };
  }

  /** Instructions from the start of rip's function (or a little before rip) to a few after it,
   *  never past the function's end nor into the int3 padding after it (no source line there). */
  private disasm(rip: number, after: number): DisasmLine[] {
    const f = this.gobin.funcAt(rip);
    let pc = f !== undefined && rip - f.entry < 400 ? f.entry : rip;
    const end = f !== undefined ? f.end : Infinity;
    const lines: DisasmLine[] = [];
    let n = 0;
    while (n < after && pc < end) {
      const d = this.ann.decodeAt(pc);
      if (d === undefined) break;
      if (d.isInt3 && pc !== rip && this.gobin.lineAt(pc)?.line === -1) break;
      const s = this.gobin.symbolize(pc);
      lines.push({
        addr: hex(pc), symbol: s ? (s.offset ? `${s.name}+${hex(s.offset)}` : s.name) : "",
        bytes: Array.from(d.bytes, (b) => b.toString(16).padStart(2, "0")).join(" "),
        text: d.gnu, go: d.go, pos: this.ann.pos(pc), current: pc === rip,
      });
      if (pc >= rip) n++;
      pc += d.len;
    }
    // Keep at most 8 lines before the current one.
    const k = lines.findIndex((l) => l.current);
    return lines.slice(Math.max(0, k - 8));
  }

  /** g0 and m0 (and the current g when it is another), field by field from guest memory, with
   *  what the values mean (symbols, stacks, the runtime's names for statuses). */
  private structs(cpu: Cpu, stacks: Array<{ lo: number; hi: number; name: string }>): GoStruct[] {
    const out: GoStruct[] = [];
    const L = this.layouts;
    if (L === undefined) return out;
    const read = (a: number, size: number): bigint | undefined => {
      try {
        if (size === 1) return BigInt(cpu.mem.readU8(a));
        if (size === 2) return BigInt(cpu.mem.readU16(a));
        if (size === 4) return BigInt(cpu.mem.readU32(a));
        return cpu.mem.readU64Big(a);
      } catch {
        return undefined;
      }
    };
    const noteFor = (name: string, type: string, v: bigint): string | undefined => {
      if (name === "atomicstatus") return this.ann.gStatus(Number(v));
      if (name === "waitreason") return this.ann.waitReason(Number(v));
      if (type.startsWith("*") || type === "uintptr" || type.endsWith("uintptr") || /\.(lo|hi|sp|pc|bp|ctxt|g)$|stackguard|tls/.test(name)) return this.ann.note(v, stacks);
      return undefined;
    };
    const show = (title: string, struct: string, addr: number): void => {
      const s = L.find((x) => x.name === struct);
      if (s === undefined) return;
      const fields: GoStruct["fields"] = [];
      const push = (name: string, offset: number, type: string, a: number, size: number): void => {
        const v = read(a, size);
        const note = v === undefined ? undefined : noteFor(name, type, v);
        fields.push({ name, offset, type, value: v === undefined ? "(unmapped)" : "0x" + v.toString(16), ...(note !== undefined ? { note } : {}) });
      };
      const walk = (prefix: string, st: typeof s, base: number): void => {
        for (const f of st.fields) {
          const inner = L.find((x) => x.name === f.type.replace(/^struct /, ""));
          if (inner !== undefined && prefix === "" && inner.fields.length <= 8) {
            walk(f.name + ".", inner, base + f.offset);
            continue;
          }
          if (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8) {
            if (f.type.startsWith("[") && f.type.endsWith("uintptr") && f.size % 8 === 0) push(`${prefix}${f.name}[0]`, base - addr + f.offset, "uintptr", base + f.offset, 8);
            continue;
          }
          push(prefix + f.name, base - addr + f.offset, f.type, base + f.offset, f.size);
        }
      };
      walk("", s, addr);
      out.push({ title, addr: hex(addr), fields });
    };
    const g0 = this.gobin.lookup("runtime.g0"), m0 = this.gobin.lookup("runtime.m0");
    if (g0 !== undefined) show("g0 (runtime.g0)", "runtime.g", g0);
    if (m0 !== undefined) show("m0 (runtime.m0)", "runtime.m", m0);
    const g = cpu.fsBase ? this.read64(cpu, cpu.fsBase - 8) ?? 0 : 0;
    if (g !== 0 && g !== g0) {
      const o = fieldOffset(L, "runtime.g", "goid");
      const goid = o === undefined ? undefined : this.read64(cpu, g + o);
      show(`current g (goroutine ${goid ?? "?"}, from %fs:-8)`, "runtime.g", g);
    }
    return out;
  }
}

// ---- bootstrap traces: one per binary and vendor, from a finished run or a silent pre-run.
const timelines = new Map<string, BootEvent[]>();

function key(bytes: Uint8Array, vendor: Vendor): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i += 7) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${vendor}:${bytes.length}:${(h >>> 0).toString(16)}`;
}

/** Run the binary silently until main.main with the narrator attached: the step addresses
 *  that "next step" stops at, before the visible run has got there. */
async function traceBoot(s: Session): Promise<BootEvent[]> {
  const k = key(s.bytes, s.vendor);
  const known = timelines.get(k);
  if (known) return known;
  const gobin = openBinary(s.bytes, s.name);
  const tracer = new BootTracer(gobin, { regs: true });
  const host = progHost(s.bytes, { stdout: () => undefined, stderr: () => undefined, cpuCount: s.host.cpuCount });
  let machine: Machine | undefined = undefined;
  machine = progMachine(host, s.bytes, s.model, (c) => c.setCodeHook((rip) => {
    liveHooked = false;
    tracer.onInstruction(c, rip);
    if (tracer.done && machine) {
      machine.proc.exitGroup(0);
      return true;
    }
    return false;
  }), () => undefined);
  await machine.run();
  const events = tracer.events();
  timelines.set(k, events);
  return events;
}

let session: Session | undefined;

function setBreakpoint(s: Session, symbol: string): void {
  if (symbol.trim() === "") {
    s.bp = undefined;
    post({ type: "breakpoint", ok: true, text: "breakpoint cleared" });
    return;
  }
  const r = s.ann.resolve(symbol);
  if ("error" in r) {
    s.bp = undefined;
    post({ type: "breakpoint", ok: false, text: r.error });
    return;
  }
  s.bp = r;
  post({ type: "breakpoint", ok: true, text: `breakpoint at ${r.name} (${hex(r.addr)})` });
}

function load(c: Extract<Command, { type: "load" }>): void {
  session?.kill();
  session = undefined;
  let s: Session;
  try {
    s = new Session(c.name, new Uint8Array(c.bytes), c.vendor, c.paused || c.stopAt !== undefined);
  } catch (e) {
    post({ type: "error", message: `${c.name}: ${e instanceof UserError ? e.message : `cannot open: ${e instanceof Error ? e.message : String(e)}`}` });
    return;
  }
  session = s;
  post({ type: "loaded", info: s.info() });
  if (c.breakpoint.trim() !== "") setBreakpoint(s, c.breakpoint);
  const known = timelines.get(key(s.bytes, s.vendor));
  if (known) {
    s.useTimeline(known);
    s.postTimeline(false);
  }
  if (c.stopAt === undefined) s.start();
  else void startAtStep(s, c.stopAt).catch(internal);
}

/** "Next step" needs the step addresses: trace the bootstrap first when no run has finished yet. */
async function ensureTimeline(s: Session): Promise<boolean> {
  if (s.stepPcs === undefined) {
    const events = await traceBoot(s);
    if (s !== session) return false;
    s.useTimeline(events);
    s.postTimeline(false);
  }
  return true;
}

async function nextStep(s: Session): Promise<void> {
  if (await ensureTimeline(s)) s.resume("nextStep");
}

/** Run to the first instruction of the step with this id (a link to a step) and pause there:
 *  the step addresses come first (a silent trace when no run has finished), then the run. */
async function startAtStep(s: Session, id: string): Promise<void> {
  if (!(await ensureTimeline(s))) return;
  const k = s.preview?.findIndex((e) => e.id === id) ?? -1;
  if (k < 0 || Number(s.preview![k]!.pc) === 0) post({ type: "breakpoint", ok: false, text: `no bootstrap step ${id} in ${s.name}: stopped at the entry point` });
  else if (k > 0) {
    s.stopAtIdx = k;
    s.stopAtEntry = false;
  }
  s.start();
}

function internal(err: unknown): void {
  post({ type: "error", message: `internal error: ${err instanceof Error ? err.message : String(err)}` });
}

scope.onmessage = (e): void => {
  const c = e.data;
  const s = session;
  switch (c.type) {
    case "load":
      load(c);
      return;
    case "run":
      s?.resume("run");
      return;
    case "pause":
      s?.pause();
      return;
    case "step":
      s?.resume("step");
      return;
    case "stepOver":
      s?.stepOver();
      return;
    case "stepOut":
      s?.stepOut();
      return;
    case "nextStep":
      if (s) void nextStep(s).catch(internal);
      return;
    case "breakpoint":
      if (s) setBreakpoint(s, c.symbol);
      return;
    case "stdin":
      s?.host.stdin.push(c.data);
      return;
    case "stdinEnd":
      s?.host.stdin.end();
      return;
    case "signal":
      if (s?.machine && !s.paused) s.machine.sendSignal(c.signo);
      return;
    case "resize":
      s?.resize(c.rows, c.cols);
      return;
  }
};
