// The conformance report: one record per test and the table per release and suite
// (pass / fail / timeout / skipped-by-directive / native-fail / build-fail), as text or markdown.

export type Status = "pass" | "fail" | "timeout" | "skip" | "native-fail" | "build-fail";

export interface Result {
  go: string;
  suite: "run" | "pkg";
  name: string;
  status: Status;
  reason?: string;
  /** The known-failures entry for this test, when listed. */
  known?: string;
  ms?: number;
  nativeMs?: number;
}

const COLS: Status[] = ["pass", "fail", "timeout", "skip", "native-fail", "build-fail"];

export function table(results: Result[], md = false): string {
  const rows: string[][] = [];
  const keys = [...new Set(results.map((r) => `${r.go}\t${r.suite}`))];
  for (const k of keys) {
    const [go, suite] = k.split("\t");
    const rs = results.filter((r) => r.go === go && r.suite === suite);
    const counted = rs.filter((r) => r.status === "pass" || r.status === "fail" || r.status === "timeout").length;
    rows.push([`go${go}`, suite === "run" ? "run tests" : "pkg tests", ...COLS.map((c) => String(rs.filter((r) => r.status === c).length)),
      `${rs.filter((r) => r.status === "pass").length}/${counted}`]);
  }
  const head = ["release", "suite", ...COLS.map((c) => (c === "skip" ? "skipped-by-directive" : c)), "pass/native-pass"];
  if (md) return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i]!)).join("  ")).join("\n");
}

