// Runs one program with stdout and stderr on the same file (the combined output Go's test
// driver compares), stdin from /dev/null, a wall-clock timeout that kills its process group,
// and the exit status a shell would show (128+n when killed by signal n).

import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";

export interface Outcome {
  status: number;
  /** The signal name when the program was killed by one (not by our timeout). */
  signal?: string;
  timedOut: boolean;
  output: string;
  ms: number;
  /** rt0's own diagnostics (its --diag-file), apart from the program's output. */
  diag?: string;
}

export function runCombined(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "rt0conf-"));
  const outPath = join(dir, "out");
  const fd = openSync(outPath, "w");
  const t0 = Date.now();
  return new Promise((resolve) => {
    let timedOut = false;
    let done = false;
    const finish = (status: number, signal: string | undefined, note = ""): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      closeSync(fd);
      // Bytes as latin1 so the comparison is byte-exact, whatever the encoding.
      const output = readFileSync(outPath, "latin1").replace(/\r\n/g, "\n") + note;
      rmSync(dir, { recursive: true, force: true });
      resolve({ status, signal, timedOut, output, ms: Date.now() - t0 });
    };
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", fd, fd], detached: true });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already gone */ }
    }, opts.timeoutMs);
    child.on("error", (e) => finish(127, undefined, `spawn error: ${e.message}\n`));
    child.on("close", (code, signal) => {
      // Reap stragglers the test left in its process group.
      try { process.kill(-child.pid!, "SIGKILL"); } catch { /* none */ }
      if (code !== null) finish(code, undefined);
      else finish(128 + (signal ? constants.signals[signal] : 0), timedOut ? undefined : (signal ?? undefined));
    });
  });
}
