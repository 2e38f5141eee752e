// The run-both harness: a program run natively and under `rt0 run` with the same arguments,
// environment, stdin and working directory; stdout, stderr and exit status must be identical.
// Used by test/cli/run.test.ts (a subset) and tools/run-matrix.ts (every fixture x toolchain).

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { tmpdir } from "node:os";
import { CLI } from "../helpers.js";

export interface Case {
  /** Fixture program name (fixtures/src/NAME). */
  name: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
}

/** The fixture programs of issue 4 and how to run them. */
export const CASES: Case[] = [
  { name: "println" },
  { name: "hello" },
  { name: "goroutines" },
  { name: "stackgrow" },
  { name: "chanselect" },
  { name: "syncprocs" },
  { name: "maps" },
  { name: "timers" },
  { name: "gcfinal" },
  { name: "faults" },
  { name: "panic" },
  { name: "exit3" },
  { name: "files" },
  { name: "argsenv", args: ["one", "two words", "--flag", "-x"], env: { RT0_TEST_VAR: "hello" }, stdin: "line1\nline2\nlast\n" },
  { name: "preempt" },
  { name: "tcpecho" },
  { name: "forkexec" },
  { name: "zerocopy" },
  { name: "fifo" },
  { name: "fsattr" },
  { name: "unixsock" },
  { name: "netprocs" },
];

export interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run a command; the status is the shell's view (128+n when killed by signal n). */
export function runProcess(cmd: string, args: string[], c: Case, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(c.env ?? {}) };
    const child = spawn(cmd, args, { env, cwd: tmpdir(), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const status = code ?? 128 + (signal ? constants.signals[signal] : 0);
      resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(c.stdin ?? "");
  });
}

export function runNative(bin: string, c: Case, timeoutMs = 60_000): Promise<Outcome> {
  return runProcess(bin, c.args ?? [], c, timeoutMs);
}

export function runRt0(bin: string, c: Case, timeoutMs = 300_000, extra: string[] = []): Promise<Outcome> {
  return runProcess(process.execPath, [CLI, "run", ...extra, bin, ...(c.args ?? [])], c, timeoutMs);
}

/** Run tasks with at most `n` at a time. */
export async function pool<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return results;
}
