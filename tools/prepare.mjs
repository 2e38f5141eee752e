// npm's prepare step (package.json): compiles (tsc, and the library's declarations), bundles the CLI (tools/build-cli.mjs) and
// builds the browser explorer (tools/build-web.mjs) - unless every output is newer than every
// input. `npm ci` in a clone builds everything; the first `npx rt0 …` there installs the clone
// into npx's cache as a link and prepares it again, which this makes instant instead of a
// second full build (~10-25 s of silence before the first output).
// Usage: node tools/prepare.mjs [--force]

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUTPUTS = [
  "dist/src/cli/main.js", "dist/src/lib/node.d.ts", "dist/src/cli/rt0.cjs", "dist/src/cli/rt0.bundle.cjs", "dist/src/cli/rt0.bundle.cjs.cache",
  "web/dist/index.html", "web/dist/main.js", "web/dist/worker.js", "web/dist/samples/index.json",
];
const INPUT_DIRS = ["src", "test", "tools", "bench", "web", "fixtures/bin"];
const INPUT_FILES = ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.lib.json"];

/** The newest modification time under dir (web/dist and other build outputs skipped). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "dist" && e.name !== "node_modules") t = Math.max(t, newest(p));
    } else if (e.isFile()) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function upToDate() {
  if (!OUTPUTS.every((f) => existsSync(join(root, f)))) return false;
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  let input = 0;
  for (const d of INPUT_DIRS) if (existsSync(join(root, d))) input = Math.max(input, newest(join(root, d)));
  for (const f of INPUT_FILES) if (existsSync(join(root, f))) input = Math.max(input, statSync(join(root, f)).mtimeMs);
  return input < built;
}

if (!process.argv.includes("--force") && upToDate()) {
  process.stdout.write("prepare: dist/ and web/dist/ are newer than their sources; nothing to build\n");
  process.exit(0);
}
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
for (const args of [[tsc, "-p", "tsconfig.json"], [tsc, "-p", "tsconfig.lib.json"], [join(root, "tools", "build-cli.mjs")], [join(root, "tools", "build-web.mjs")]]) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
