// run()'s platform-free part, shared by the Node entry (node.ts) and the browser's worker
// (worker.ts): check the binary, build the machine (createMachine) on a LibHost, feed standard
// input, route or collect the output, end the guest on abort, and report how it ended.

import { concatBytes } from "../base/bytes.js";
import { UserError } from "../base/assert.js";
import { checkRunnable } from "../linux/loader.js";
import { createMachine } from "../machine/create.js";
import type { Machine } from "../machine/machine.js";
import { SIGKILL, signalName, O_DIRECTORY, O_RDONLY } from "../linux/abi.js";
import { S_IFDIR, S_IFMT, S_IFREG, type Vfs } from "../linux/vfs.js";
import type { HostNet } from "../linux/hostnet.js";
import { MemVfs } from "../host/web.js";
import { PAGE_SIZE } from "../mem/api.js";
import { LibHost } from "./host.js";
import { AbortError, Rt0Error, type BaseRunOptions, type MemoryFs, type NetPolicy, type OutputSink, type RunResult, type StdinSource } from "./api.js";

/** What a platform entry has worked out before the run. */
export interface GuestPlan {
  bin: Uint8Array;
  /** The binary's name in error messages (its path as given, or "binary"). */
  name: string;
  argv: string[];
  envp: string[];
  exePath: string;
  cwd: string;
  vfs: Vfs;
  /** The in-memory tree, whose files the result reports. */
  memory: MemVfs | undefined;
  /** Paths the result leaves out (the binary rt0 put in the tree). */
  hidden: Set<string>;
  net: NetPolicy;
  /** The host's network for net "host" (given the host's wake-up). */
  hostNet: ((wake: () => void) => HostNet) | undefined;
  cpuCount: number;
  /** Release what the platform opened (sockets, a root directory held open). */
  close?: () => void;
}

/** Run f; a UserError (what is wrong with the input) becomes an Rt0Error with the CLI's line. */
export function asRt0Error<T>(f: () => T, prefix?: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError) throw new Rt0Error(prefix === undefined ? e.message : `${prefix}: ${e.message}`, e.exitCode);
    throw e;
  }
}

/** Check an option value; Rt0Error otherwise. */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new Rt0Error(message);
}

/** The options every platform validates the same way. */
export function checkCommon(o: BaseRunOptions): void {
  const count = (v: unknown, what: string, min = 0): void =>
    check(v === undefined || (typeof v === "number" && Number.isSafeInteger(v) && v >= min), `${what} must be an integer of at least ${min} (got ${String(v)})`);
  check(o.args === undefined || (Array.isArray(o.args) && o.args.every((a) => typeof a === "string")), "args must be an array of strings");
  check(o.env === undefined || (typeof o.env === "object" && o.env !== null && Object.values(o.env).every((v) => typeof v === "string")), "env must be a record of strings");
  if (o.env !== undefined) for (const k of Object.keys(o.env)) check(k !== "" && !k.includes("=") && !k.includes("\0"), `env: a variable name may not be empty or hold "=" (got ${JSON.stringify(k)})`);
  count(o.seed, "seed");
  count(o.memoryLimit, "memoryLimit", 16 << 20);
  count(o.processLimit, "processLimit", 1);
  count(o.maxInstructions, "maxInstructions");
  check(o.cpuVendor === undefined || o.cpuVendor === "intel" || o.cpuVendor === "amd", `cpuVendor must be intel or amd (got ${String(o.cpuVendor)})`);
  check(o.cpuLevel === undefined || o.cpuLevel === 1 || o.cpuLevel === 2 || o.cpuLevel === 3, `cpuLevel must be 1, 2 or 3 (got ${String(o.cpuLevel)})`);
}

/** "K=V" strings of an env record. */
export function envList(env: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
}

const utf8 = new TextEncoder();

/** An in-memory tree holding fs.files (and the binary at exePath when given). */
export function memoryTree(fs: MemoryFs, exe?: { path: string; bytes: Uint8Array }): MemVfs {
  check(typeof fs.files === "object" && fs.files !== null, "fs.files must be a record of paths to contents");
  const vfs = new MemVfs();
  if (exe) vfs.addFile(exe.path, exe.bytes, 0o755);
  for (const [p, data] of Object.entries(fs.files)) {
    const path = p.startsWith("/") ? p : "/" + p;
    check(!path.includes("\0") && !path.split("/").includes(".."), `fs.files: a path may not hold ".." or NUL (got ${JSON.stringify(p)})`);
    if (path.endsWith("/")) {
      let dir = "";
      for (const part of path.split("/").filter((x) => x !== "")) {
        dir += "/" + part;
        const st = vfs.stat(dir);
        if (typeof st === "number") vfs.mkdir(dir, 0o755);
      }
      continue;
    }
    check(typeof data === "string" || data instanceof Uint8Array, `fs.files[${JSON.stringify(p)}] must be a string or a Uint8Array`);
    vfs.addFile(path, typeof data === "string" ? utf8.encode(data) : data.slice(), 0o644);
  }
  return vfs;
}

/** Every regular file under "/" of a Vfs, by path, sorted. */
export function filesOf(vfs: Vfs, hidden: Set<string>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (dir: string): void => {
    const d = vfs.open(dir, O_RDONLY | O_DIRECTORY, 0);
    if (typeof d === "number") return;
    const entries = d.readdir();
    d.close();
    if (typeof entries === "number") return;
    for (const e of entries.map((x) => x.name).sort()) {
      if (e === "." || e === "..") continue;
      const path = dir === "/" ? "/" + e : `${dir}/${e}`;
      const st = vfs.stat(path, false);
      if (typeof st === "number") continue;
      if ((st.mode & S_IFMT) === S_IFDIR) walk(path);
      else if ((st.mode & S_IFMT) === S_IFREG && !hidden.has(path)) {
        const f = vfs.open(path, O_RDONLY, 0);
        if (typeof f === "number") continue;
        const buf = new Uint8Array(st.size);
        let n = 0;
        while (n < buf.length) {
          const k = f.read(buf.subarray(n), n);
          if (k <= 0) break;
          n += k;
        }
        f.close();
        out.set(path, buf.subarray(0, n));
      }
    }
  };
  walk("/");
  return out;
}

/** An output sink as a function of chunks (and a release at the end). */
function sinkOf(s: OutputSink | undefined, collect: Uint8Array[]): { write: (b: Uint8Array) => void; release: () => void } {
  if (s === undefined) return { write: (b) => collect.push(b), release: () => {} };
  if (typeof s === "function") return { write: s, release: () => {} };
  if ("getWriter" in s) {
    const w = s.getWriter();
    return {
      write: (b) => { w.write(b).catch(() => {}); },
      release: () => w.releaseLock(),
    };
  }
  if ("write" in s && typeof s.write === "function") return { write: (b) => { s.write(b); }, release: () => {} };
  throw new Rt0Error("stdout and stderr must be a function, a writable stream or a WritableStream");
}


/** Check a stdin option's type (before anything runs). */
export function checkStdin(s: StdinSource | undefined): void {
  if (s === undefined || typeof s === "string" || s instanceof Uint8Array) return;
  const ok = typeof s === "object" && s !== null && ("getReader" in s || Symbol.asyncIterator in s);
  check(ok, "stdin must be a string, a Uint8Array, an async iterable of chunks or a ReadableStream");
}

/** Feed stdin into the host's queue; returns a stop function (the run has ended). */
function feedStdin(s: StdinSource | undefined, push: (b: Uint8Array) => void, end: () => void, warn: (m: string) => void): () => void {
  const bytes = (c: Uint8Array | string): Uint8Array => (typeof c === "string" ? utf8.encode(c) : c.slice());
  if (s === undefined) {
    end();
    return () => {};
  }
  if (typeof s === "string" || s instanceof Uint8Array) {
    const b = bytes(s);
    if (b.length > 0) push(b);
    end();
    return () => {};
  }
  let stopped = false;
  const fail = (e: unknown): void => {
    if (!stopped) warn(`rt0: stdin: ${e instanceof Error ? e.message : String(e)}`);
    end();
  };
  if ("getReader" in s) {
    const reader = s.getReader();
    const stop = (): void => {
      stopped = true;
      reader.cancel().catch(() => {});
    };
    void (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done || stopped) break;
        if (r.value !== undefined) push(bytes(r.value));
      }
      end();
    })().catch(fail);
    return stop;
  }
  const it = s[Symbol.asyncIterator]();
  const stop = (): void => {
    stopped = true;
    void it.return?.()?.catch?.(() => {});
  };
  void (async () => {
    for (;;) {
      const r = await it.next();
      if (r.done || stopped) break;
      push(bytes(r.value));
    }
    end();
  })().catch(fail);
  return stop;
}

/** Run the plan with run()'s options; resolves with how the guest ended. */
export async function runPlan(plan: GuestPlan, o: BaseRunOptions): Promise<RunResult> {
  const signal = o.signal;
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
  const outChunks: Uint8Array[] = [], errChunks: Uint8Array[] = [];
  const out = sinkOf(o.stdout, outChunks), err = sinkOf(o.stderr, errChunks);
  const warnings: string[] = [];
  const warn = o.onWarning ?? ((m: string): void => { warnings.push(m); });
  asRt0Error(() => checkRunnable(plan.bin), plan.name);
  const made: { host?: LibHost } = {};
  const net = plan.hostNet?.(() => made.host?.onWake?.());
  const host = (made.host = new LibHost({ vfs: plan.vfs, stdout: out.write, stderr: err.write, cpuCount: plan.cpuCount, net }));
  let machine: Machine | undefined;
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    for (const p of machine?.kernel.procs.values() ?? []) p.killBySignal(SIGKILL);
    host.onWake?.();
  };
  let stopStdin = (): void => {};
  try {
    machine = asRt0Error(() => createMachine({
      host, bin: plan.bin, argv: plan.argv, envp: plan.envp, exePath: plan.exePath, cwd: plan.cwd,
      model: { vendor: o.cpuVendor === "amd" ? "AuthenticAMD" : "GenuineIntel", level: o.cpuLevel ?? 1 },
      deterministic: o.deterministic === true, seed: o.seed ?? 0, warn, maxInstructions: o.maxInstructions,
      memoryLimit: o.memoryLimit === undefined ? undefined : Math.floor(o.memoryLimit / PAGE_SIZE) * PAGE_SIZE, processLimit: o.processLimit, net: plan.net,
    }), plan.name);
    signal?.addEventListener("abort", onAbort, { once: true });
    stopStdin = feedStdin(o.stdin, (b) => host.stdin.push(b), () => host.stdin.end(), warn);
    const r = await machine.run();
    if (aborted) throw new AbortError(undefined, { cause: signal?.reason });
    const stdoutBytes = concatBytes(outChunks), stderrBytes = concatBytes(errChunks);
    const text = new TextDecoder();
    return {
      status: r.status,
      signal: r.signal > 0 ? signalName(r.signal) : undefined,
      stdout: text.decode(stdoutBytes), stderr: text.decode(stderrBytes), stdoutBytes, stderrBytes,
      files: plan.memory === undefined ? undefined : filesOf(plan.memory, plan.hidden),
      warnings, instructions: r.instructions, limitReached: r.limitReached,
    };
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stopStdin();
    out.release();
    err.release();
    plan.close?.();
  }
}
