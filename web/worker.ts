// The explorer's Web Worker: runs the Go binary on rt0's emulator (the same Machine, CPU and
// Linux layer as `rt0 run`), with the bootstrap narrator and the stack tracer attached, and
// obeys the page's controls (run, pause, step, next bootstrap step, breakpoint at a symbol).

import { UserError } from "../src/base/assert.js";
import { openBinary, type GoBinary } from "../src/gobin/binary.js";
import { checkRunnable } from "../src/linux/loader.js";
import { RUNNABLE } from "../src/linux/process.js";
import type { Machine } from "../src/machine/machine.js";
import { createMachine, type ObservableCpu } from "../src/machine/create.js";
import type { Cpu, CpuModel } from "../src/cpu/api.js";
import { BootTracer, stackCallers, type BootEvent } from "../src/goruntime/boot.js";
import { StackTracer } from "../src/goruntime/stacks.js";
import { fieldOffset, layoutsFor, type ReleaseLayouts } from "../src/goruntime/layouts.js";
import { WebHost, type WebHostOptions } from "../src/host/web.js";
import { Inst } from "../src/x86/inst.js";
import { decode } from "../src/x86/decode.js";
import { formatGnu } from "../src/disasm/gnu.js";
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

type Mode = "run" | "step" | "nextStep" | "pause";

/** One loaded binary on one machine. */
class Session {
  readonly gobin: GoBinary;
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
  private stopAtEntry: boolean;
  bp: { addr: number; name: string } | undefined;
  private readonly stackTimes: number[] = [];
  /** First-instruction addresses of the bootstrap steps (from a finished trace), and how far this run got. */
  stepPcs: number[] | undefined;
  /** Step address → index of the last step starting there (steps only move forward). */
  private stepAt = new Map<number, number>();
  stepTitles: string[] = [];
  bootIdx = -1;
  private t0 = 0;
  private lastStacksPost = 0;
  private size = { rows: 24, cols: 80 };

  constructor(readonly name: string, readonly bytes: Uint8Array, readonly vendor: Vendor, paused: boolean) {
    this.gobin = openBinary(bytes, name);
    checkRunnable(bytes, "the browser has no dynamic linker or C library, so only static binaries run here (build Go programs with CGO_ENABLED=0)");
    if (this.gobin.goVersion === undefined) throw new UserError("no Go build information: the explorer runs Go binaries (go build, GOOS=linux GOARCH=amd64)");
    this.layouts = layoutsFor(this.gobin.goVersion);
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
      size: this.bytes.length,
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
      const events = this.boot.events({
        status: r.status, signal: r.signal, instructions: r.instructions, threads: m.proc.threads.length,
        callers: caller === undefined ? undefined : stackCallers(caller.cpu, this.boot.bin),
      });
      post({ type: "timeline", events, complete: true });
      timelines.set(key(this.bytes, this.vendor), events);
      this.postStacks(true);
      post({ type: "exit", status: r.status, signal: r.signal, instructions: r.instructions, ms: Math.round(performance.now() - this.t0), snap: this.snapshot(`exited with status ${r.status}`) });
    }, (e: unknown) => {
      if (!this.killed) post({ type: "error", message: `internal error: ${e instanceof Error ? e.message : String(e)}` });
    });
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
    const events = this.boot.events();
    post({ type: "timeline", events, complete: false });
    if (this.stepPcs === undefined) {
      this.useTimeline(events);
      this.bootIdx = this.stepPcs!.length - 1;
    }
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
    if (this.bp !== undefined && rip === this.bp.addr) return this.stop(cpu, `breakpoint at ${this.bp.name}`);
    if (reached && this.mode === "nextStep") return this.stop(cpu, `bootstrap step ${this.bootIdx + 1}: ${this.stepTitles[this.bootIdx] ?? ""}`);
    return false;
  }

  private stop(cpu: Cpu, reason: string): true {
    this.paused = true;
    this.focus = cpu;
    this.postStacks(true);
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

  resume(mode: Exclude<Mode, "pause">): void {
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

  snapshot(reason: string): Snapshot {
    const cpu = this.focus ?? this.cpus[0]!;
    const regs: Record<string, string> = {};
    for (const r of REGS) regs[r] = "0x" + BigInt.asUintN(64, cpu.getRegBig(REG_NUM[r]!)).toString(16);
    regs["rip"] = hex(cpu.rip);
    regs["rflags"] = hex(cpu.rflags);
    regs["fs_base"] = hex(cpu.fsBase);
    const t = this.machine?.proc.threads.find((x) => x.cpu === cpu);
    return {
      reason, tid: t?.tid ?? 0, threads: this.machine?.proc.threads.length ?? 0, instructions: this.retired(), regs,
      disasm: this.disasm(cpu.rip, 14), structs: this.structs(cpu), bootIndex: this.bootIdx,
    };
  }

  /** Instructions from the start of rip's function (or a little before rip) to a few after it. */
  private disasm(rip: number, after: number): DisasmLine[] {
    const out: DisasmLine[] = [];
    const f = this.gobin.funcAt(rip);
    let pc = f !== undefined && rip - f.entry < 400 ? f.entry : rip;
    const inst = new Inst();
    const lines: DisasmLine[] = [];
    let n = 0;
    while (n < after) {
      let bytes: Uint8Array;
      try {
        bytes = this.gobin.readVirt(pc, 16);
      } catch {
        break;
      }
      decode(bytes, 0, pc, inst);
      const s = this.gobin.symbolize(pc);
      lines.push({
        addr: hex(pc), symbol: s ? (s.offset ? `${s.name}+${hex(s.offset)}` : s.name) : "",
        bytes: Array.from(bytes.subarray(0, inst.len), (b) => b.toString(16).padStart(2, "0")).join(" "),
        text: formatGnu(inst, this.gobin), current: pc === rip,
      });
      if (pc >= rip) n++;
      pc += Math.max(1, inst.len);
    }
    // Keep at most 8 lines before the current one.
    const k = lines.findIndex((l) => l.current);
    out.push(...lines.slice(Math.max(0, k - 8)));
    return out;
  }

  /** g0 and m0 (and the current g when it is another), field by field from guest memory. */
  private structs(cpu: Cpu): GoStruct[] {
    const out: GoStruct[] = [];
    const L = this.layouts;
    if (L === undefined) return out;
    const read = (a: number, size: number): string => {
      try {
        if (size === 1) return hex(cpu.mem.readU8(a));
        if (size === 2) return hex(cpu.mem.readU16(a));
        if (size === 4) return hex(cpu.mem.readU32(a));
        return "0x" + cpu.mem.readU64Big(a).toString(16);
      } catch {
        return "(unmapped)";
      }
    };
    const show = (title: string, struct: string, addr: number): void => {
      const s = L.find((x) => x.name === struct);
      if (s === undefined) return;
      const fields: GoStruct["fields"] = [];
      const walk = (prefix: string, st: typeof s, base: number): void => {
        for (const f of st.fields) {
          const inner = L.find((x) => x.name === f.type.replace(/^struct /, ""));
          if (inner !== undefined && prefix === "" && inner.fields.length <= 8) {
            walk(f.name + ".", inner, base + f.offset);
            continue;
          }
          if (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8) {
            if (f.type.startsWith("[") && f.type.endsWith("uintptr") && f.size % 8 === 0) {
              fields.push({ name: `${prefix}${f.name}[0]`, offset: base - addr + f.offset, type: "uintptr", value: read(base + f.offset, 8) });
            }
            continue;
          }
          fields.push({ name: prefix + f.name, offset: base - addr + f.offset, type: f.type, value: read(base + f.offset, f.size) });
        }
      };
      walk("", s, addr);
      out.push({ title, addr: hex(addr), fields });
    };
    const g0 = this.gobin.lookup("runtime.g0"), m0 = this.gobin.lookup("runtime.m0");
    if (g0 !== undefined) show("g0 (runtime.g0)", "runtime.g", g0);
    if (m0 !== undefined) show("m0 (runtime.m0)", "runtime.m", m0);
    let g: number;
    try {
      g = cpu.fsBase ? cpu.mem.readU64(cpu.fsBase - 8) : 0;
    } catch {
      g = 0;
    }
    if (g !== 0 && g !== g0) {
      const o = fieldOffset(L, "runtime.g", "goid");
      let goid = "?";
      try {
        if (o !== undefined) goid = String(cpu.mem.readU64(g + o));
      } catch {
        /* unreadable */
      }
      show(`current g (goroutine ${goid}, from %fs:-8)`, "runtime.g", g);
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
  const name = symbol.trim();
  if (name === "") {
    s.bp = undefined;
    post({ type: "breakpoint", ok: true, text: "breakpoint cleared" });
    return;
  }
  const addr = s.gobin.lookup(name) ?? s.gobin.funcs.find((f) => f.name === name || f.name === `${name}.abi0`)?.entry;
  if (addr === undefined) {
    s.bp = undefined;
    post({ type: "breakpoint", ok: false, text: `no symbol ${name} in ${s.name}` });
    return;
  }
  s.bp = { addr, name };
  post({ type: "breakpoint", ok: true, text: `breakpoint at ${name} (${hex(addr)})` });
}

function load(c: Extract<Command, { type: "load" }>): void {
  session?.kill();
  session = undefined;
  let s: Session;
  try {
    s = new Session(c.name, new Uint8Array(c.bytes), c.vendor, c.paused);
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
    post({ type: "timeline", events: known, complete: false });
  }
  s.start();
}

/** "Next step" needs the step addresses: trace the bootstrap first when no run has finished yet. */
async function nextStep(s: Session): Promise<void> {
  if (s.stepPcs === undefined) {
    const events = await traceBoot(s);
    if (s !== session) return;
    s.useTimeline(events);
    post({ type: "timeline", events, complete: false });
  }
  s.resume("nextStep");
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
    case "nextStep":
      if (s) void nextStep(s).catch((err: unknown) => post({ type: "error", message: `internal error: ${err instanceof Error ? err.message : String(err)}` }));
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
