// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, commander too) into
// one ESM file, dist/src/cli/rt0.mjs: the `rt0` bin. One file loads faster than ~60 modules
// (no per-module resolve/fetch/link), which is most of rt0's start-up outside the emulator.
// It sits next to main.js so paths computed from import.meta.url stay the same.
// Usage: npx tsc -p . && node tools/build-cli.mjs [--out FILE]   (npm run build does both)

import { build } from "esbuild";
import { chmodSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "src", "cli", "main.js");
const outAt = process.argv.indexOf("--out");
const out = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]) : join(root, "dist", "src", "cli", "rt0.mjs");

const t0 = Date.now();
await build({
  entryPoints: [entry],
  outfile: out,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // commander is CommonJS: give the bundle a require() for its node:* imports.
  banner: { js: 'import { createRequire as __rt0CreateRequire } from "node:module"; const require = __rt0CreateRequire(import.meta.url);' },
  sourcemap: "linked",
  logLevel: "warning",
});
chmodSync(out, 0o755);
process.stdout.write(`wrote ${relative(process.cwd(), out)}: ${(statSync(out).size / 1024).toFixed(0)} KiB in ${Date.now() - t0} ms\n`);
