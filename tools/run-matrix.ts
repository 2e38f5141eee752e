// Runs every issue-4 fixture program built with every toolchain (fixtures/build/go1.NN) natively
// and under `rt0 run`, and prints one line per pair plus a summary:
//   node dist/tools/run-matrix.js [--jobs N] [--jit-threshold N] [--check-jit] [name...]
// (--jit-threshold 0 compiles every function on its first entry: the compiled tier on everything;
// --check-jit runs every entry into compiled code again in the interpreter and compares)
import { GO_VERSIONS, builtFixture } from "../test/helpers.js";
import { CASES, pool, runNative, runRt0 } from "../test/cli/runharness.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let jobs = 2;
  const names: string[] = [];
  const extra: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--jobs") jobs = Number(argv[++i]);
    else if (argv[i] === "--jit-threshold") extra.push("--jit-threshold", argv[++i]!);
    else if (argv[i] === "--check-jit") extra.push("--check-jit");
    else names.push(argv[i]!);
  }
  const cases = CASES.filter((c) => names.length === 0 || names.includes(c.name));
  const tasks = GO_VERSIONS.flatMap((v) => cases.map((c) => ({ v, c, bin: builtFixture(v, c.name) })));
  const missing = tasks.filter((t) => !t.bin).length;
  const results = await pool(jobs, tasks.filter((t) => t.bin).map((t) => async () => {
    const t0 = Date.now();
    const nat = await runNative(t.bin!, t.c);
    const emu = await runRt0(t.bin!, t.c, 300_000, extra);
    const same = nat.stdout === emu.stdout && nat.stderr === emu.stderr && nat.status === emu.status;
    const what = same ? "identical" : `DIFF status ${nat.status}/${emu.status} stdout ${nat.stdout === emu.stdout ? "=" : "!="} stderr ${nat.stderr === emu.stderr ? "=" : "!="}`;
    console.log(`go${t.v}\t${t.c.name}\t${what}\t${((Date.now() - t0) / 1000).toFixed(1)}s${same ? "" : "\t" + JSON.stringify(emu.stderr.slice(0, 300))}`);
    return same;
  }));
  const ok = results.filter(Boolean).length;
  console.log(`${ok}/${results.length} identical${missing ? ` (${missing} not built)` : ""}`);
  process.exitCode = ok === results.length ? 0 : 1;
}

void main();
