// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, commander too) into
// one file and writes the `rt0` bin that starts it with V8's code cache:
//   dist/src/cli/rt0.bundle.cjs        the bundle (CommonJS, so node:vm can compile it with a cache)
//   dist/src/cli/rt0.bundle.cjs.cache  V8's code cache for it, made by running hello once here
//   dist/src/cli/rt0.cjs               the bin: compile the bundle with the cache, run it
//   dist/src/cli/rt0.mjs               the former bin name: starts rt0.cjs
// One file loads faster than ~60 ESM modules (no per-module resolve/link, no live-binding cells
// on the interpreter's paths), and the code cache skips parsing and compiling the functions the
// cached run used. A cache V8 rejects (another Node version, other V8 flags) is rebuilt at exit.
// The files sit next to main.js so paths computed from the module's URL stay the same.
// Usage: npx tsc -p . && node tools/build-cli.mjs [--out DIR]   (npm run build does both)

import { build } from "esbuild";
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { YOUNG_GEN_FLAG } from "../dist/src/cli/v8flags.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "src", "cli", "main.js");
const outAt = process.argv.indexOf("--out");
const dir = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]) : join(root, "dist", "src", "cli");
const bundle = join(dir, "rt0.bundle.cjs");
const cache = bundle + ".cache";
const bin = join(dir, "rt0.cjs");
const esmBin = join(dir, "rt0.mjs");

// node:child_process (with net, dgram and streams under it) costs a start 3-8 ms, and `rt0 run`
// needs it only when a guest runs touch(1)'s fallback; commander and src/host/node.ts import it
// at load. node:tty (streams again, 2-3 ms) is needed only when a standard stream is a character
// device (src/host/node.ts checks with fstat first). The bundle gets stand-ins whose members
// load the real module on first use.
const LAZY = {
  child_process: ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"],
  tty: ["isatty"],
};
const LAZY_NS = "rt0-lazy-builtin";
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    const filter = new RegExp(`^(node:)?(${Object.keys(LAZY).join("|")})$`);
    b.onResolve({ filter }, (args) => {
      const name = args.path.replace(/^node:/, "");
      return args.namespace === LAZY_NS ? { path: `node:${name}`, external: true } : { path: name, namespace: LAZY_NS };
    });
    b.onLoad({ filter: /.*/, namespace: LAZY_NS }, (args) => ({
      loader: "js",
      contents: [
        "let real;",
        `const load = () => (real ??= require("node:${args.path}"));`,
        `for (const name of ${JSON.stringify(LAZY[args.path])}) {`,
        "  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });",
        "}",
      ].join("\n"),
    }));
  },
};

const t0 = Date.now();
await build({
  plugins: [lazyBuiltins],
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // The bundle is CommonJS: its module URL comes from __filename (the launcher passes it).
  define: { "import.meta.url": "__rt0ModuleUrl" },
  banner: { js: 'var __rt0ModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: "linked",
  // Whitespace and syntax only (names stay, so stack traces and --cpu-prof read as the source):
  // the bundle is 1 MB -> 0.67 MB, and without comments it is pure ASCII, which V8 keeps one
  // byte per character; one "≡" in a comment made V8 hold the whole 1M-character source as
  // UTF-16 (2 MiB of large-object space for the whole run).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});
// The bundle is compiled inside a function wrapper: main.js's hashbang line becomes empty (line
// numbers stay, for the source map).
const code = readFileSync(bundle, "utf8");
if (code.startsWith("#!")) writeFileSync(bundle, code.slice(code.indexOf("\n")));
// A character above U+00FF anywhere makes V8 store the whole source string as UTF-16.
const wide = [...code].findIndex((c) => c.codePointAt(0) > 0xff);
if (wide >= 0) process.stderr.write(`build-cli: the bundle has a character above U+00FF at ${wide}: V8 keeps its source at two bytes a character\n`);

const launcher = `#!/usr/bin/env node
"use strict";
// rt0's bin, written by tools/build-cli.mjs: runs the one-file CLI bundle next to it, compiled
// with V8's code cache (rt0.bundle.cjs.cache); when V8 rejects or lacks the cache (another Node
// version or other V8 flags), a fresh one is written at exit, best effort. CommonJS: an ES
// module entry costs Node's ESM loader ~10 ms more before the first line runs.
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { setFlagsFromString } = require("node:v8");
const { Script } = require("node:vm");

// src/cli/v8flags.ts, applied before compiling the bundle so that its code cache is made and
// used under the same flags.
setFlagsFromString("${YOUNG_GEN_FLAG}");
const file = join(__dirname, "rt0.bundle.cjs");
const cacheFile = file + ".cache";
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new Script("(function (exports, require, module, __filename, __dirname) {'use strict';" + readFileSync(file, "utf8") + "\\n})", { filename: file, cachedData });
const fresh = cachedData === undefined || script.cachedDataRejected === true;
cachedData = undefined;
if (fresh) {
  process.once("exit", () => {
    try {
      const tmp = cacheFile + "." + process.pid;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only install: run without a cache
    }
  });
}
const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, require, bundleModule, file, dirname(file));
`;
// The former ES-module bin name, kept for scripts that start it: it loads the CommonJS one.
const esmLauncher = `#!/usr/bin/env node
// Starts rt0.cjs (rt0's bin; written by tools/build-cli.mjs). Starting rt0.cjs directly skips
// Node's ES module loader.
import { createRequire } from "node:module";
createRequire(import.meta.url)("./rt0.cjs");
`;
writeFileSync(bin, launcher);
chmodSync(bin, 0o755);
writeFileSync(esmBin, esmLauncher);
chmodSync(esmBin, 0o755);

// The code cache: one run of hello compiles what \`rt0 run\` needs.
rmSync(cache, { force: true });
const hello = join(root, "fixtures", "bin", "hello-go1.26");
if (existsSync(hello)) {
  const r = spawnSync(process.execPath, [bin, "run", hello], { encoding: "utf8" });
  if (r.status !== 0 || !existsSync(cache)) process.stderr.write(`build-cli: no code cache (hello exited ${r.status}): ${r.stderr}\n`);
}
const size = (f) => (existsSync(f) ? `${(statSync(f).size / 1024).toFixed(0)} KiB` : "none");
process.stdout.write(`wrote ${relative(process.cwd(), bin)} (bundle ${size(bundle)}, code cache ${size(cache)}) in ${Date.now() - t0} ms\n`);
