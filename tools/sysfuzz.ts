// The long run of the syscall fuzzer (the test suite runs a bounded one): many seeds of the
// sysfuzz guest under `rt0 run`, two at a time, and a summary of calls made and problems found.
//   node dist/tools/sysfuzz.js [--seeds N] [--first S] [--calls C] [--jobs J] [--strace]
import { pool } from "../test/cli/runharness.js";
import { fuzzSeed, sysfuzzBinary } from "../test/linux/sysfuzz.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, def: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : def;
  };
  const seeds = opt("--seeds", 100), first = opt("--first", 1000), calls = opt("--calls", 5000), jobs = opt("--jobs", 2);
  const strace = argv.includes("--strace");
  const bin = sysfuzzBinary();
  if (!bin) throw new Error("sysfuzz: gcc is needed to build the guest");
  const t0 = Date.now();
  const results = await pool(jobs, Array.from({ length: seeds }, (_, i) => async () => {
    const seed = first + i;
    const r = await fuzzSeed(bin, seed, { calls, timeoutMs: 600_000, deterministic: seed % 2 === 0, strace });
    console.log(`${r.problems.length ? "FAIL" : "ok  "} ${(r.ms / 1000).toFixed(1).padStart(6)}s ${r.summary ?? `seed ${seed}`}`);
    for (const p of r.problems) console.log(`     ${p}`);
    return r;
  }));
  const total = results.reduce((s, r) => s + r.calls, 0);
  const failed = results.filter((r) => r.problems.length > 0);
  const internal = results.filter((r) => r.problems.some((p) => p.startsWith("internal error"))).length;
  const hung = results.filter((r) => r.problems.some((p) => p.startsWith("hung"))).length;
  console.log(`sysfuzz: ${seeds} seeds (${first}..${first + seeds - 1}), ${total} calls, ${failed.length} failed seeds ` +
    `(${internal} internal errors, ${hung} hangs), ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exitCode = failed.length ? 1 : 0;
}

void main();
