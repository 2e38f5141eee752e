// The Web Worker behind the browser entry (browser.ts): one run per worker. It takes the binary
// and the options, runs the guest on an in-memory file system with the core shared with Node
// (core.ts), streams the output back as it comes and ends with the result. No node:*.

import { asRt0Error, checkCommon, envList, memoryTree, runPlan, type GuestPlan } from "./core.js";
import { Rt0Error } from "./api.js";
import type { FromWorker, ToWorker, WireOptions } from "./protocol.js";

interface WorkerScope {
  postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
  onmessage: ((e: { data: ToWorker }) => void) | null;
  setImmediate?: (f: () => void) => void;
}
const scope = globalThis as unknown as WorkerScope;
const post = (m: FromWorker): void => scope.postMessage(m);

// The machine yields to the event loop between slices through setImmediate, which a worker
// lacks; setTimeout would clamp each yield to 4 ms. A MessageChannel answers at once.
if (scope.setImmediate === undefined) {
  const channel = new MessageChannel();
  const ready: Array<() => void> = [];
  // (Node's types lack MessagePort.onmessage; the worker is a browser's, where setting it starts the port.)
  (channel.port1 as unknown as { onmessage: () => void }).onmessage = (): void => { ready.shift()?.(); };
  scope.setImmediate = (f: () => void): void => {
    ready.push(f);
    channel.port2.postMessage(0);
  };
}

/** Standard input as the page sends it: chunks until stdinEnd. */
class StdinQueue implements AsyncIterable<Uint8Array> {
  private chunks: Uint8Array[] = [];
  private ended = false;
  private waiting: (() => void) | undefined;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.waiting?.();
  }
  end(): void {
    this.ended = true;
    this.waiting?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const c = this.chunks.shift();
      if (c !== undefined) {
        yield c;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((ok) => { this.waiting = ok; });
      this.waiting = undefined;
    }
  }
}

let stdin: StdinQueue | undefined;

async function start(bin: Uint8Array, name: string, w: WireOptions): Promise<void> {
  const queue = (stdin = new StdinQueue());
  checkCommon(w);
  const net = w.net ?? "loopback";
  if (net !== "loopback" && net !== "none") throw new Rt0Error(`net ${String(net)}: in the browser the guest's sockets reach its own loopback or nothing (loopback or none)`);
  const exePath = "/" + (w.argv0 === undefined ? "prog" : w.argv0.split("/").filter((x) => x !== "").pop() ?? "prog");
  const files = w.files ?? {};
  const given = Object.keys(files).some((p) => (p.startsWith("/") ? p : "/" + p) === exePath);
  const memory = asRt0Error(() => memoryTree({ files }, given ? undefined : { path: exePath, bytes: bin }));
  const cwd = w.cwd ?? "/";
  const st = memory.stat(cwd);
  if (typeof st === "number" || (st.mode & 0o170000) !== 0o040000) throw new Rt0Error(`cwd ${cwd}: not a directory of the guest's file system`);
  const plan: GuestPlan = {
    bin, name, argv: [w.argv0 ?? exePath, ...(w.args ?? [])], envp: envList(w.env), exePath, cwd,
    vfs: memory, memory, hidden: new Set(given ? [] : [exePath]), net, hostNet: undefined,
    cpuCount: Math.max(1, Math.min(8, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2)),
  };
  const r = await runPlan(plan, {
    ...w,
    stdin: queue,
    stdout: (data) => post({ type: "stdout", data }),
    stderr: (data) => post({ type: "stderr", data }),
    onWarning: (line) => post({ type: "warning", line }),
  });
  post({ type: "done", result: { status: r.status, signal: r.signal, files: r.files, instructions: r.instructions, limitReached: r.limitReached } });
}

scope.onmessage = (e): void => {
  const m = e.data;
  if (m.type === "stdin") stdin?.push(m.data);
  else if (m.type === "stdinEnd") stdin?.end();
  else if (m.type === "run") {
    start(m.bin, m.name, m.options).catch((err: unknown) => {
      if (err instanceof Rt0Error) post({ type: "error", kind: "rt0", message: err.message, exitCode: err.exitCode });
      else post({ type: "error", kind: "internal", message: err instanceof Error ? err.message : String(err), exitCode: 70 });
    });
  }
};
