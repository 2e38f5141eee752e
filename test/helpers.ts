// Shared test helpers: paths to the repo, fixtures and the built CLI, and a runner for it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from dist/test/..., compiled from test/...). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = join(ROOT, "dist", "src", "cli", "main.js");
export const FIXTURE_BIN = join(ROOT, "fixtures", "bin");
export const FIXTURE_BUILD = join(ROOT, "fixtures", "build");
export const TESTDATA = join(ROOT, "test", "testdata");

/** Go versions rt0 supports, in order. */
export const GO_VERSIONS = ["1.19", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26"] as const;

/** Path of a fixture built by tools/build-fixtures.sh, or undefined when not built here. */
export function builtFixture(goVersion: string, name: string): string | undefined {
  const p = join(FIXTURE_BUILD, `go${goVersion}`, name);
  return existsSync(p) ? p : undefined;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    input: opts.input ?? "",
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
