// `rt0 stacks BIN [args...]`: runs a Go program and reports every goroutine stack growth
// (which goroutine, the function whose prologue hit the guard, morestack → newstack →
// copystack, old → new size and bounds) and every shrink, then a per-goroutine summary.
// The program's own output still goes to stdout; the report goes to stderr or --output FILE.

import * as fs from "node:fs";
import { UserError } from "../base/assert.js";
import { StackTracer, type GoroutineSummary, type StackEvent } from "../goruntime/stacks.js";
import { loadGoProgram, runObserved } from "./machine.js";
import { parseModel } from "./cpumodel.js";
import type { GuestCliOptions } from "./guest.js";

export interface StacksCliOptions extends GuestCliOptions {
  json?: boolean;
  output?: string;
  cpuVendor: string;
}

const kib = (n: number): string => (n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`);

export async function stacksCommand(bin: string, args: string[], o: StacksCliOptions): Promise<void> {
  const model = parseModel(o.cpuVendor);
  const { bytes, gobin } = loadGoProgram(bin);
  let tracer: StackTracer;
  try {
    tracer = new StackTracer(gobin);
  } catch (e) {
    throw new UserError(`${bin}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let fd = 2;
  if (o.output !== undefined) {
    try {
      fd = fs.openSync(o.output, "w");
    } catch (e) {
      throw new UserError(`--output ${o.output}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const { result } = await runObserved({ bin, bytes, args, model, guest: o, hook: (cpu, rip) => tracer.onInstruction(cpu, rip) });
  const summary = tracer.summary();
  const text = o.json ? renderJson(tracer.events, summary, result.status) : renderText(tracer.events, summary);
  fs.writeSync(fd, text);
  if (fd !== 2) fs.closeSync(fd);
  process.exitCode = result.status;
}

function renderJson(events: StackEvent[], summary: GoroutineSummary[], status: number): string {
  const lines = events.map((e) => JSON.stringify(e));
  for (const s of summary) lines.push(JSON.stringify({ event: "summary", ...s }));
  lines.push(JSON.stringify({ event: "end", status, growths: events.filter((e) => e.event === "grow").length, shrinks: events.filter((e) => e.event === "shrink").length }));
  return lines.join("\n") + "\n";
}

function renderText(events: StackEvent[], summary: GoroutineSummary[]): string {
  const l: string[] = ["", "rt0 stacks: goroutine stack changes"];
  for (const e of events) {
    const what = e.event === "grow" ? `${e.func} (called from ${e.caller})` : "GC shrink";
    l.push(`  ${e.event.padEnd(6)} goroutine ${String(e.goid).padEnd(4)} ${kib(e.oldSize).padStart(9)} → ${kib(e.newSize).padEnd(9)} ${what}`);
    l.push(`         ${e.path.join(" → ")}: [${e.oldLo}, ${e.oldHi}) → [${e.newLo}, ${e.newHi})`);
  }
  if (events.length === 0) l.push("  (no stack growth or shrink)");
  l.push("", "  goroutine  initial     final       max         growths  shrinks");
  for (const s of summary) {
    l.push(`  ${String(s.goid).padEnd(10)} ${kib(s.initialSize).padEnd(11)} ${kib(s.finalSize).padEnd(11)} ${kib(s.maxSize).padEnd(11)} ${String(s.growths).padEnd(8)} ${s.shrinks}`);
  }
  return l.join("\n") + "\n";
}
