// Judging one run: Go's rule (exit status 0 and combined output equal to NAME.out, or empty
// without one) and, for a failure, a one-line reason: rt0's own warning, the exit status or
// signal, and the first differing line.

import type { Outcome } from "./proc.js";

const clip = (s: string, n = 100): string => (s.length > n ? s.slice(0, n) + "..." : s);

/** `line K: want "A" got "B"` for the first line where the outputs differ, or undefined. */
export function firstDiff(want: string, got: string): string | undefined {
  if (want === got) return undefined;
  const w = want.split("\n"), g = got.split("\n");
  for (let i = 0; i < Math.max(w.length, g.length); i++) {
    if (w[i] !== g[i]) {
      const show = (s: string | undefined): string => (s === undefined ? "<EOF>" : JSON.stringify(clip(s)));
      return `line ${i + 1}: want ${show(w[i])} got ${show(g[i])}`;
    }
  }
  return "outputs differ";
}

/** rt0's own warnings: the first line of its diagnostics file when there is one, else a line
 *  of the run's output that looks like one ("rt0: SIGILL ...", "syscall ... not implemented"). */
export function rt0Warning(output: string, want = "", diag?: string): string | undefined {
  const d = diag?.split("\n").find((l) => l.trim() !== "");
  if (d !== undefined) return clip(d, 160);
  const expected = new Set(want.split("\n"));
  for (const line of output.split("\n")) {
    if (expected.has(line)) continue;
    if (/^rt0[: ]/.test(line) || /not implemented/.test(line)) return clip(line, 160);
  }
  return undefined;
}

export function statusText(o: Outcome): string {
  if (o.signal) return `signal ${o.signal}`;
  return `exit ${o.status}`;
}

/** Why a run test failed against its expected output, or undefined when it passed. */
export function judgeRun(o: Outcome, want: string): string | undefined {
  if (o.status === 0 && !o.timedOut && o.output === want) return undefined;
  const parts: string[] = [];
  const warn = rt0Warning(o.output, want, o.diag);
  if (warn) parts.push(warn);
  if (o.timedOut) parts.push(`timeout after ${(o.ms / 1000).toFixed(0)}s`);
  else if (o.status !== 0) parts.push(statusText(o));
  const d = firstDiff(want, o.output);
  if (d) parts.push(d);
  return parts.join("; ");
}

/** Why a package test binary failed (non-zero exit), or undefined when it passed. */
export function judgePkg(o: Outcome): string | undefined {
  if (o.status === 0 && !o.timedOut) return undefined;
  const parts: string[] = [];
  const warn = rt0Warning(o.output, "", o.diag);
  if (warn) parts.push(warn);
  parts.push(o.timedOut ? `timeout after ${(o.ms / 1000).toFixed(0)}s` : statusText(o));
  const lines = o.output.split("\n");
  const first = lines.find((l) => /^(--- FAIL|panic:|fatal error:|SIG[A-Z]+:|unexpected fault)/.test(l.trim()));
  const last = [...lines].reverse().find((l) => l.trim() !== "");
  const line = first ?? last;
  if (line) parts.push(JSON.stringify(clip(line.trim())));
  return parts.join("; ");
}
