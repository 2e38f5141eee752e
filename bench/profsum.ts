// Where rt0's time goes, from a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it):
// self time per function, compiled traces (block_*) counted as one entry, and the share of
// each. Used by `npm run bench -- --profile NAME`; also runnable on its own:
//   node dist/bench/profsum.js FILE.cpuprofile [TOP]

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in ms per function name ("compiled traces" for the JIT's block_* functions). */
export function selfTimes(p: Profile): { total: number; rows: [string, number][] } {
  const byNode = new Map<number, number>();
  p.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const t = (byNode.get(n.id) ?? 0) / 1000;
    if (t === 0) continue;
    total += t;
    const f = n.callFrame;
    const file = f.url.split("/").pop() ?? "";
    const name = f.functionName.startsWith("block_") ? "compiled traces (block_*)" : `${f.functionName || "(anonymous)"}${file ? " " + file : ""}`;
    byName.set(name, (byName.get(name) ?? 0) + t);
  }
  return { total, rows: [...byName.entries()].sort((a, b) => b[1] - a[1]) };
}

export function formatSummary(p: Profile, top = 12): string {
  const { total, rows } = selfTimes(p);
  const lines = [`  self time, ${total.toFixed(0)} ms sampled:`];
  for (const [name, t] of rows.slice(0, top)) lines.push(`  ${t.toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`);
  return lines.join("\n") + "\n";
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: node dist/bench/profsum.js FILE.cpuprofile [TOP]\n");
    process.exit(2);
  }
  process.stdout.write(formatSummary(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(process.argv[3] ?? 12)));
}
