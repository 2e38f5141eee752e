// The syscall fuzzer's harness: runs the sysfuzz guest (test/testdata/guests/sysfuzz.c) under
// `rt0 run` for one seed, confined to a fresh --root, and lists what went wrong: an internal
// error or JavaScript stack trace from rt0, a run that had to be killed (a hang), a guest that
// did not finish its calls, a file created outside the root. Used by test/linux/sysfuzz.test.ts
// (a bounded run) and tools/sysfuzz.ts (the long run).

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { CLI } from "../helpers.js";
import { FREESTANDING, guest } from "./guests.js";

export function sysfuzzBinary(): string | undefined {
  return guest("sysfuzz", FREESTANDING);
}

export interface FuzzResult {
  seed: number;
  /** The guest's summary line ("sysfuzz: seed S calls N skipped K ..."), if it finished. */
  summary?: string;
  /** Calls made, from the summary (0 when it did not finish). */
  calls: number;
  problems: string[];
  ms: number;
}

export interface FuzzOptions {
  calls: number;
  /** --deterministic (virtual clock, seeded scheduling): a failing seed replays exactly. */
  deterministic?: boolean;
  /** Also format every call with --strace (the formatter is fuzzed too). */
  strace?: boolean;
  /** Kill rt0 after this long (a hang). */
  timeoutMs: number;
  /** Extra rt0 options. */
  extra?: string[];
}

interface Exit {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

function run(args: string[], cwd: string, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    let killed = false;
    const timer = setTimeout(() => { killed = true; child.kill("SIGKILL"); }, timeoutMs);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString("latin1"), stderr: Buffer.concat(err).toString("latin1"), killed });
    });
  });
}

/** Names the guest's path table creates ("sysfuzz-..."), found in a directory. */
function strays(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.startsWith("sysfuzz-")).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

export async function fuzzSeed(bin: string, seed: number, o: FuzzOptions): Promise<FuzzResult> {
  const base = mkdtempSync(join(tmpdir(), "rt0-sysfuzz-"));
  const root = join(base, "root");
  mkdirSync(root);
  const t0 = Date.now();
  const args = [CLI, "run", "--root", root, "--quiet", ...(o.deterministic ? ["--deterministic", "--seed", String(seed)] : [])];
  if (o.strace) args.push("--strace-file", join(base, "strace"));
  args.push(...(o.extra ?? []), bin, String(seed), String(o.calls));
  const problems: string[] = [];
  try {
    const r = await run(args, root, o.timeoutMs);
    const summary = /^sysfuzz: seed .*$/m.exec(r.stdout)?.[0];
    const calls = summary ? Number(/ calls (\d+)/.exec(summary)?.[1] ?? 0) : 0;
    const replay = `replay: rt0 run --root DIR${o.deterministic ? ` --deterministic --seed ${seed}` : ""} ${bin} ${seed} ${o.calls} trace`;
    if (r.killed) problems.push(`hung: killed after ${o.timeoutMs / 1000} s (${replay})`);
    if (/internal error/.test(r.stderr)) problems.push(`internal error: ${r.stderr.trim().split("\n").slice(0, 3).join(" | ")} (${replay})`);
    if (/^\s+at .*[(:]\d+/m.test(r.stderr)) problems.push(`JavaScript stack trace on stderr (${replay})`);
    if (!r.killed && (r.status !== 0 || !summary)) {
      problems.push(`exit status ${r.status ?? r.signal}: ${(r.stdout + r.stderr).trim().split("\n").slice(-2).join(" | ")} (${replay})`);
    }
    if (existsSync(root)) {
      for (const s of [...strays(base), ...strays(dirname(base)), ...strays("/")]) problems.push(`created outside the root: ${s}`);
    }
    return { seed, summary, calls, problems, ms: Date.now() - t0 };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
