// `rt0 boot [BIN]`: runs a Go binary from its ELF entry with the bootstrap narrator attached
// and prints the steps (or --json events) with the live values and invariant checks. With no
// BIN it runs the bundled sample. The guest's own output is captured and shown at main.main.

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../base/assert.js";
import type { Host, HostStream } from "../linux/vfs.js";
import { BootTracer, stackCallers, type BootEvent } from "../goruntime/boot.js";
import { loadGoProgram, runObserved } from "./machine.js";
import { parseModel } from "./cpumodel.js";
import type { GuestCliOptions } from "./guest.js";

export interface BootCliOptions extends GuestCliOptions {
  json?: boolean;
  cpuVendor: string;
  until?: string;
}

/** The bundled sample: fixtures/bin/hello-go1.26 in the package. */
export function bundledSample(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, "..", "..", "..", "fixtures", "bin", "hello-go1.26");
}

/** A stream that keeps what the guest writes. */
class Capture implements HostStream {
  readonly isTTY = false;
  readonly chunks: Uint8Array[] = [];
  read(): number {
    return -22;
  }
  write(buf: Uint8Array): number {
    this.chunks.push(buf.slice());
    return buf.length;
  }
  readable(): boolean {
    return false;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

export async function bootCommand(binArg: string | undefined, args: string[], o: BootCliOptions): Promise<void> {
  const model = parseModel(o.cpuVendor);
  const vendor = model.vendor;
  const bin = binArg ?? bundledSample();
  const { bytes, gobin } = loadGoProgram(bin, "rt0 boot narrates a static (CGO_ENABLED=0) Go program's start-up; this one starts in the dynamic linker");
  const tracer = new BootTracer(gobin, { until: o.until });
  if (o.until !== undefined && !tracer.untilResolved) throw new UserError(`--until ${o.until}: no such symbol in ${bin}`);
  const out = new Capture(), err = new Capture();
  const { machine, result: r } = await runObserved({
    bin, bytes, args, model, guest: o,
    hook: (cpu, rip) => tracer.onInstruction(cpu, rip),
    detached: () => tracer.done,
    wrapHost: (real) => {
      const host: Host = {
        vfs: real.vfs, stdin: real.stdin, stdout: out, stderr: err, cpuCount: real.cpuCount, net: real.net,
        monotonicNs: () => real.monotonicNs(), realtimeMs: () => real.realtimeMs(), randomFill: (b) => real.randomFill(b),
      };
      Object.defineProperty(host, "onWake", { get: () => real.onWake, set: (f: (() => void) | undefined) => { real.onWake = f; } });
      return host;
    },
  });
  const stdout = out.text(), stderr = err.text();
  const caller = machine.proc.exitCaller;
  const events = tracer.events(tracer.untilReached ? undefined : {
    status: r.status, signal: r.signal, instructions: r.instructions, threads: machine.proc.threads.length,
    callers: caller === undefined ? undefined : stackCallers(caller.cpu, gobin), stderr,
  });
  if (o.json) {
    const w = (x: object): void => { process.stdout.write(JSON.stringify(x) + "\n"); };
    w({ event: "start", binary: bin, goVersion: gobin.goVersion, release: tracer.release, cpuVendor: vendor, goamd64: gobin.buildInfo?.settings.find((x) => x.key === "GOAMD64")?.value ?? "v1" });
    for (const e of events) w(e);
    w({ event: "output", stdout, stderr });
    w({ event: "end", status: r.status, instructions: r.instructions, untilReached: tracer.untilReached, checksFailed: events.reduce((n, e) => n + e.checks.filter((c) => !c.ok).length, 0) });
  } else {
    process.stdout.write(renderText(binArg ?? "the bundled sample fixtures/bin/hello-go1.26", gobin.goVersion ?? "?", vendor, events, stdout, stderr, tracer.untilReached ? o.until : undefined));
  }
  // The program's own status when it did not end with 0 (a panic, os.Exit(n), a signal), as
  // rt0 run gives it; else 1 when an invariant check failed.
  const failed = events.some((e) => e.checks.some((c) => !c.ok));
  process.exitCode = r.status !== 0 ? r.status : failed ? 1 : 0;
}

function renderText(bin: string, goVersion: string, vendor: string, events: BootEvent[], stdout: string, stderr: string, until: string | undefined): string {
  const lines: string[] = [];
  lines.push(`rt0 boot: ${bin} (${goVersion}), CPU ${vendor}`);
  lines.push("");
  let nChecks = 0, nFailed = 0;
  for (const e of events) {
    lines.push(`${String(e.step).padStart(2)}. ${e.title}${e.symbol ? `    [${e.symbol} ${e.pc}]` : ""}`);
    lines.push(`    ${e.story}`);
    for (const i of e.instructions) lines.push(`      ${i.addr.slice(2).padStart(8)}:  ${i.bytes.padEnd(30)} ${i.text}`);
    for (const [k, v] of Object.entries(e.values)) lines.push(`    ${k}: ${String(v)}`);
    for (const c of e.checks) {
      nChecks++;
      if (!c.ok) nFailed++;
      lines.push(c.ok ? `    ✓ ${c.name}` : `    ✗ MISMATCH ${c.name}: expected ${c.expected}, got ${c.actual}`);
    }
    if (e.since2015) lines.push(`    since 2015: ${e.since2015}`);
    if (e.id === "main_main") {
      lines.push("    program output:");
      for (const l of stdout.split("\n").filter((x, k, a) => x !== "" || k < a.length - 1)) lines.push(`      | ${l}`);
      for (const l of stderr.split("\n").filter((x, k, a) => x !== "" || k < a.length - 1)) lines.push(`      ! ${l}`);
    }
    lines.push("");
  }
  if (until !== undefined) lines.push(`stopped at ${until} (--until)`);
  lines.push(`${events.length} steps, ${nChecks - nFailed} of ${nChecks} checks passed${nFailed ? `, ${nFailed} MISMATCHES` : ""}`);
  return lines.join("\n") + "\n";
}


