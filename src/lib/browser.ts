// `import { run } from "rt0"` in a browser: the same run() as on Node, the guest in a Web
// Worker (worker.ts) so the page never blocks, on an in-memory file system. Nothing here or in
// the worker imports node:*: bundlers take it as it is (the worker's URL is the pattern
// `new Worker(new URL("./worker.js", import.meta.url))` that Vite, webpack and Parcel follow).

import { concatBytes } from "../base/bytes.js";
import { AbortError, Rt0Error, type BaseRunOptions, type MemoryFs, type NetPolicy, type RunResult, type StdinSource } from "./api.js";
import type { FromWorker, ToWorker, WireOptions } from "./protocol.js";

export { AbortError, Rt0Error } from "./api.js";
export type { BaseRunOptions, MemoryFs, NetPolicy, OutputSink, RunResult, StdinSource } from "./api.js";

/** The few members of a Worker that run() uses (the DOM's Worker has them). */
export interface WorkerLike {
  postMessage(m: unknown, transfer?: ArrayBuffer[]): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  terminate(): void;
}

export interface RunOptions extends BaseRunOptions {
  /** The guest's files (default: an empty tree with /tmp). */
  fs?: MemoryFs;
  /** What guest sockets reach: the emulator's loopback (default) or nothing. */
  net?: Exclude<NetPolicy, "host">;
  /** The worker to run in: a Worker of rt0's worker script (the package's `rt0/worker`), or
   *  the script's URL. Default: worker.js next to this module, as a module worker. */
  worker?: WorkerLike | URL | string;
}

interface WorkerCtor {
  new (url: URL | string, o?: { type?: "module" | "classic"; name?: string }): WorkerLike;
}

function newWorker(spec: RunOptions["worker"]): WorkerLike {
  if (spec !== undefined && typeof spec === "object" && !(spec instanceof URL)) return spec;
  const W = (globalThis as unknown as { Worker?: WorkerCtor }).Worker;
  if (W === undefined) throw new Rt0Error("this environment has no Web Worker (rt0's browser entry runs the guest in one; on Node import rt0's Node entry)");
  if (spec !== undefined) return new W(spec, { type: "module", name: "rt0" });
  return new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "rt0" });
}
// The literal pattern above is what bundlers look for; this declares the DOM's Worker to it.
declare const Worker: WorkerCtor;

async function binaryBytes(b: Uint8Array | ArrayBuffer | string | URL): Promise<Uint8Array> {
  if (b instanceof Uint8Array) return b.slice();
  if (b instanceof ArrayBuffer) return new Uint8Array(b.slice(0));
  if (typeof b === "string" || b instanceof URL) {
    let r: Response;
    try {
      r = await fetch(b);
    } catch (e) {
      throw new Rt0Error(`${String(b)}: cannot fetch: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!r.ok) throw new Rt0Error(`${String(b)}: cannot fetch: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  }
  throw new Rt0Error("the binary must be a Uint8Array, an ArrayBuffer or a URL to fetch");
}

const utf8 = new TextEncoder();

/** Send stdin to the worker as it comes; returns a stop function. */
function pumpStdin(s: StdinSource | undefined, send: (m: ToWorker) => void): () => void {
  if (s === undefined || typeof s === "string" || s instanceof Uint8Array) {
    const b = s === undefined ? undefined : typeof s === "string" ? utf8.encode(s) : s.slice();
    if (b !== undefined && b.length > 0) send({ type: "stdin", data: b });
    send({ type: "stdinEnd" });
    return () => {};
  }
  let stopped = false;
  const chunk = (c: Uint8Array | string): Uint8Array => (typeof c === "string" ? utf8.encode(c) : c.slice());
  if (typeof s === "object" && s !== null && "getReader" in s) {
    const reader = s.getReader();
    void (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done || stopped) break;
        if (r.value !== undefined) send({ type: "stdin", data: chunk(r.value) });
      }
    })().catch(() => {}).finally(() => { if (!stopped) send({ type: "stdinEnd" }); });
    return () => {
      stopped = true;
      reader.cancel().catch(() => {});
    };
  }
  if (typeof s === "object" && s !== null && Symbol.asyncIterator in s) {
    const it = s[Symbol.asyncIterator]();
    void (async () => {
      for (;;) {
        const r = await it.next();
        if (r.done || stopped) break;
        send({ type: "stdin", data: chunk(r.value) });
      }
    })().catch(() => {}).finally(() => { if (!stopped) send({ type: "stdinEnd" }); });
    return () => {
      stopped = true;
      void it.return?.()?.catch?.(() => {});
    };
  }
  throw new Rt0Error("stdin must be a string, a Uint8Array, an async iterable of chunks or a ReadableStream");
}

type Sink = (chunk: Uint8Array) => void;

function sinkOf(s: RunOptions["stdout"], collect: Uint8Array[]): { write: Sink; release: () => void } {
  if (s === undefined) return { write: (b) => collect.push(b), release: () => {} };
  if (typeof s === "function") return { write: s, release: () => {} };
  if ("getWriter" in s) {
    const w = s.getWriter();
    return { write: (b) => { w.write(b).catch(() => {}); }, release: () => w.releaseLock() };
  }
  if ("write" in s && typeof s.write === "function") return { write: (b) => { s.write(b); }, release: () => {} };
  throw new Rt0Error("stdout and stderr must be a function or a WritableStream");
}


/**
 * Run a static linux/amd64 program (its bytes, or a URL to fetch) in a Web Worker. Rejects with
 * an Rt0Error when the binary or an option is wrong, with an AbortError when `signal` aborts
 * it (the worker is terminated); otherwise resolves however the program ended.
 */
export async function run(binary: Uint8Array | ArrayBuffer | string | URL, options: RunOptions = {}): Promise<RunResult> {
  const o = options;
  const signal = o.signal;
  const abortError = (): AbortError => new AbortError(undefined, { cause: signal?.reason });
  if (signal?.aborted) throw abortError();
  const bin = await binaryBytes(binary);
  if (signal?.aborted) throw abortError();
  const name = typeof binary === "string" ? binary : binary instanceof URL ? binary.href : (o.argv0 ?? "binary");
  const outChunks: Uint8Array[] = [], errChunks: Uint8Array[] = [];
  const out = sinkOf(o.stdout, outChunks), err = sinkOf(o.stderr, errChunks);
  const warnings: string[] = [];
  const wire: WireOptions = {
    args: o.args, argv0: o.argv0, env: o.env, cwd: o.cwd, deterministic: o.deterministic, seed: o.seed,
    memoryLimit: o.memoryLimit, processLimit: o.processLimit, maxInstructions: o.maxInstructions,
    cpuVendor: o.cpuVendor, cpuLevel: o.cpuLevel, files: o.fs?.files, net: o.net,
  };
  const worker = newWorker(o.worker);
  let stopStdin = (): void => {};
  try {
    return await new Promise<RunResult>((resolve, reject) => {
      const onAbort = (): void => {
        worker.terminate();
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle = (): void => signal?.removeEventListener("abort", onAbort);
      worker.onerror = (e): void => {
        settle();
        reject(new Error(`rt0's worker failed to start: ${e.message ?? "no message (is the worker script reachable?)"}`));
      };
      worker.onmessage = (e): void => {
        const m = e.data as FromWorker;
        switch (m.type) {
          case "stdout":
            out.write(m.data);
            break;
          case "stderr":
            err.write(m.data);
            break;
          case "warning":
            if (o.onWarning) o.onWarning(m.line);
            else warnings.push(m.line);
            break;
          case "error":
            settle();
            reject(m.kind === "rt0" ? new Rt0Error(m.message, m.exitCode) : new Error(`rt0: internal error: ${m.message}`));
            break;
          case "done": {
            settle();
            const stdoutBytes = concatBytes(outChunks), stderrBytes = concatBytes(errChunks);
            const text = new TextDecoder();
            resolve({
              ...m.result, stdout: text.decode(stdoutBytes), stderr: text.decode(stderrBytes), stdoutBytes, stderrBytes, warnings,
            });
            break;
          }
        }
      };
      const send = (m: ToWorker): void => worker.postMessage(m);
      send({ type: "run", bin, name, options: wire });
      stopStdin = pumpStdin(o.stdin, send);
    });
  } finally {
    stopStdin();
    out.release();
    err.release();
    worker.terminate();
  }
}
