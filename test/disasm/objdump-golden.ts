// Reads the committed `objdump -d` oracle outputs (test/testdata/objdump/*.d.gz, made by
// tools/gen-golden-objdump.sh) into instruction records: address, bytes, objdump's text.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { TESTDATA } from "../helpers.js";

export interface GoldenInst {
  addr: number;
  bytes: number[];
  /** objdump's instruction text (third column), "" when objdump printed none. */
  text: string;
  /** Name of the enclosing `<symbol>:` block. */
  sym: string;
}

export interface Golden {
  lines: string[];
  insts: GoldenInst[];
}

export function goldenPath(name: string): string {
  return join(TESTDATA, "objdump", `${name}.d.gz`);
}

export function readGolden(name: string): Golden {
  const text = gunzipSync(readFileSync(goldenPath(name))).toString("utf8");
  const lines = text.split("\n");
  const insts: GoldenInst[] = [];
  let sym = "";
  const head = /^[0-9a-f]+ <(.*)>:$/;
  for (const line of lines) {
    const h = head.exec(line);
    if (h) { sym = h[1]!; continue; }
    if (!line.startsWith("  ")) continue;
    const t1 = line.indexOf(":\t");
    if (t1 < 0) continue;
    const addr = parseInt(line.slice(0, t1), 16);
    const rest = line.slice(t1 + 2);
    const t2 = rest.indexOf("\t");
    const byteText = t2 < 0 ? rest : rest.slice(0, t2);
    const bytes = byteText.trim().split(" ").filter((x) => x !== "").map((x) => parseInt(x, 16));
    if (t2 < 0) {
      // Continuation of the previous instruction's bytes.
      const prev = insts[insts.length - 1];
      if (prev) prev.bytes.push(...bytes);
      continue;
    }
    insts.push({ addr, bytes, text: rest.slice(t2 + 1), sym });
  }
  return { lines, insts };
}

/** Collapse runs of whitespace (objdump pads the mnemonic column with spaces). */
export function normalize(s: string): string {
  return s.trim().replace(/\s+/g, " ");
}
