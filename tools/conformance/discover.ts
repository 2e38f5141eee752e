// Finds the `// run` tests of GOROOT/test (top level, ken/, chan/, interface/, typeparam/,
// fixedbugs/): the execution recipe is the first non-empty line that is not a build
// constraint; build constraints before `package` are evaluated for linux/amd64 without cgo.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { excludedBy, isGoBuild, isPlusBuild } from "./constraint.js";
import type { Toolchain } from "./toolchain.js";

export const RUN_DIRS = [".", "ken", "chan", "interface", "typeparam", "fixedbugs"];

export interface RunTest {
  /** Path relative to GOROOT/test, e.g. "fixedbugs/issue1234.go". */
  name: string;
  file: string;
  /** The .out file, when present (else the expected output is empty). */
  outFile: string | undefined;
  /** Set when the test is skipped by its directive (run with arguments, other OS, cgo). */
  skip?: string;
}

/** The execution recipe of a GOROOT/test file ("" when none). */
export function recipe(src: string): string {
  if (src.startsWith("\n")) return "";
  for (const raw of src.split("\n")) {
    if (isGoBuild(raw) || isPlusBuild(raw)) continue;
    const line = raw.trim();
    if (line === "") continue;
    if (!line.startsWith("//")) return "";
    return line.slice(2).trim();
  }
  return "";
}

export function discoverRunTests(tc: Toolchain): RunTest[] {
  if (!tc.testDir) return [];
  const tests: RunTest[] = [];
  for (const dir of RUN_DIRS) {
    const abs = join(tc.testDir, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) {
      if (!f.endsWith(".go")) continue;
      const file = join(abs, f);
      const src = readFileSync(file, "utf8");
      const r = recipe(src);
      const words = r.split(/\s+/);
      if (words[0] !== "run") continue;
      const name = dir === "." ? f : `${dir}/${f}`;
      const out = file.slice(0, -3) + ".out";
      const t: RunTest = { name, file, outFile: existsSync(out) ? out : undefined };
      const cut = src.indexOf("\npackage");
      const header = cut >= 0 ? src.slice(0, cut) : r;
      let why: string | undefined;
      try {
        why = excludedBy(header, tc.tags);
      } catch (e) {
        why = (e as Error).message;
      }
      if (why !== undefined) t.skip = `build constraint: ${why}`;
      else if (words.length > 1) t.skip = `run with arguments: ${r}`;
      tests.push(t);
    }
  }
  return tests;
}
