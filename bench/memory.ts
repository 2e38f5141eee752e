// Where rt0's memory goes for one program: runs it in this process like `rt0 run` does, then
// prints peak RSS next to an idle Node's and splits it into V8's heap spaces, malloc (compiler
// zones), guest storage (frames touched), guest page tables and the file buffer.
//
//   node dist/bench/memory.js BINARY [args...]      (npm run build first)

import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { runCommand } from "../src/cli/run.js";
import { applyV8Flags } from "../src/cli/v8flags.js";
import { Space } from "../src/mem/space.js";

const MiB = 1024 * 1024;

/** VmHWM / VmRSS / RssAnon / RssFile of this process, bytes. */
function procStatus(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync("/proc/self/status", "utf8").split("\n")) {
    const m = /^(VmHWM|VmRSS|RssAnon|RssFile):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * 1024;
  }
  return out;
}

/** Peak RSS of `node -e ""` (what the bench subtracts), bytes: median of three. */
function idleNodePeak(): number {
  const runs = [0, 1, 2].map(() => {
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "-e", ""], { encoding: "utf8" });
    return Number(r.stderr.trim().split("\n").pop()) * 1024;
  });
  return runs.sort((a, b) => a - b)[1]!;
}

async function main(): Promise<void> {
  applyV8Flags(); // as the rt0 command does
  const [bin, ...args] = process.argv.slice(2);
  if (bin === undefined) {
    process.stderr.write("usage: node dist/bench/memory.js BINARY [args...]\n");
    process.exit(2);
  }
  // Every address space the run creates (fork/exec make more than one).
  const spaces = new Set<Space>();
  const map = Space.prototype.map;
  Space.prototype.map = function (this: Space, addr: number, len: number, prot: number): void {
    spaces.add(this);
    map.call(this, addr, len, prot);
  };
  const before = procStatus();
  await runCommand(bin, args, { env: [], cpuVendor: "intel", cpuLevel: "v1" });
  const st = procStatus();
  const heap = getHeapStatistics();
  const idle = idleNodePeak();
  const row = (name: string, bytes: number, note = ""): void => {
    process.stderr.write(`${(bytes / MiB).toFixed(2).padStart(8)} MiB  ${name}${note ? "  (" + note + ")" : ""}\n`);
  };
  process.stderr.write(`\nrt0 memory for ${bin}\n`);
  row("peak RSS (VmHWM)", st["VmHWM"]!);
  row("idle node peak RSS (node -e \"\")", idle);
  row("peak RSS - idle node", st["VmHWM"]! - idle, "the issue's figure");
  process.stderr.write("at exit:\n");
  row("RSS file-backed", st["RssFile"]!, `node binary pages; ${((st["RssFile"]! - before["RssFile"]!) / MiB).toFixed(1)} MiB more than at start`);
  row("RSS anonymous", st["RssAnon"]!);
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_size === 0) continue;
    row(`  V8 ${s.space_name}`, s.space_size, `${(s.space_used_size / MiB).toFixed(2)} MiB used`);
  }
  row("  V8 malloc now / peak", heap.malloced_memory, `peak ${(heap.peak_malloced_memory / MiB).toFixed(2)} MiB: compiler zones, parser`);
  let frames = 0, tables = 0;
  for (const s of spaces) {
    frames += s.residentBytes;
    tables += s.pageTableBytes;
  }
  row("  guest storage (frames touched)", frames, `${spaces.size} address space(s)`);
  row("  guest page tables", tables);
  row("  the executable's bytes", statSync(bin).size);
}

await main();
