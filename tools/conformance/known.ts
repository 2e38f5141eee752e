// Known-failures lists (test/testdata/conformance/known-failures-go1.NN.txt): one test per
// line, "NAME<TAB>reason"; "#" starts a comment. Run tests are named by their path under
// GOROOT/test, package tests as "pkg:PATH".

import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function readKnown(file: string): Map<string, string> {
  const m = new Map<string, string>();
  if (!existsSync(file)) return m;
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const tab = line.search(/\s/);
    const name = tab < 0 ? line : line.slice(0, tab);
    m.set(name, tab < 0 ? "" : line.slice(tab).trim());
  }
  return m;
}

export function writeKnown(file: string, version: string, entries: Map<string, string>): void {
  const names = [...entries.keys()].sort((a, b) => {
    const pa = a.startsWith("pkg:") ? 1 : 0, pb = b.startsWith("pkg:") ? 1 : 0;
    return pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  });
  const head = [
    `# Conformance tests that fail under rt0 with Go ${version} although they pass natively.`,
    `# One per line: NAME<TAB>reason (first differing line, signal, or rt0's warning).`,
    `# Regenerate: npm run conformance -- --go ${version} --update-known (see docs/conformance.md).`,
  ];
  const body = names.map((n) => `${n}\t${entries.get(n)!.replace(/\s+/g, " ")}`);
  writeFileSync(file, [...head, ...body, ""].join("\n"));
}
