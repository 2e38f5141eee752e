// Builds the web explorer into web/dist/: bundles web/main.ts (page) and web/worker.ts (the
// emulator: src/ for the browser) with esbuild, copies the HTML/CSS and xterm.js's stylesheet,
// and the sample binaries with their list (samples/index.json). The samples are the prebuilt
// binaries committed in fixtures/bin (tools/build-fixtures.sh --commit-set makes them), so the
// build needs neither Go nor the network. `npm ci` runs it (package.json's prepare).
// Usage: node tools/build-web.mjs   (npm run build:web also type-checks web/ first)

import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const out = join(web, "dist");

const SAMPLES = [
  { file: "hello", label: "hello", from: "fixtures/bin/hello-go1.26" },
  { file: "goroutines", label: "goroutines", from: "fixtures/bin/goroutines-go1.26" },
  { file: "stackgrow", label: "stack growth", from: "fixtures/bin/stackgrow-go1.26" },
];
const missing = SAMPLES.filter((s) => !existsSync(join(root, s.from)));
if (missing.length > 0) {
  process.stderr.write(`build-web: missing sample ${missing.map((s) => s.from).join(", ")} (committed in git; restore it with git checkout, or rebuild with bash tools/build-fixtures.sh --commit-set)\n`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "samples"), { recursive: true });

const t0 = Date.now();
await build({
  entryPoints: { main: join(web, "main.ts"), worker: join(web, "worker.ts") },
  outdir: out,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
  // The core must not reach for Node: fail the build if anything imports node:*.
  external: [],
});

for (const f of ["index.html", "style.css"]) copyFileSync(join(web, f), join(out, f));
copyFileSync(join(root, "node_modules", "@xterm", "xterm", "css", "xterm.css"), join(out, "xterm.css"));

const listed = [];
for (const s of SAMPLES) {
  copyFileSync(join(root, s.from), join(out, "samples", s.file));
  listed.push({ file: s.file, label: s.label });
}
writeFileSync(join(out, "samples", "index.json"), JSON.stringify(listed) + "\n");

const size = (f) => (statSync(join(out, f)).size / 1024).toFixed(0) + " KiB";
process.stdout.write(`build-web: web/dist in ${Date.now() - t0} ms: main.js ${size("main.js")}, worker.js ${size("worker.js")}, samples ${listed.map((s) => s.file).join(", ")}\n`);
