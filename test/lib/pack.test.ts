// The package as users get it: `npm pack` of the project (built as `npm run build` builds it),
// installed into an empty project with install scripts disabled and no network, then used from
// there: `import { run } from "rt0"` runs a Go guest with args, env, stdin and an in-memory file
// it writes and the caller reads back, aborts a spinning one, type-checks, and the `rt0` bin runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_BIN, ROOT } from "../helpers.js";
import { goGuest, scratch } from "../linux/guests.js";

const GO = ["1.26", "1.25", "1.24", "1.23", "1.22", "1.21"].find((v) => goGuest("libdemo", v) !== undefined);
const demo = GO === undefined ? undefined : goGuest("libdemo", GO);
const npm = spawnSync("npm", ["--version"], { encoding: "utf8" }).status === 0;
const skip = demo === undefined ? "no Go toolchain to build test/testdata/guests/libdemo.go" : !npm ? "no npm" : false;

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A project directory holding what the repository's build makes (dist/src with the CLI bundle
 *  and the declarations, web/dist) and package.json's other files, to pack without touching
 *  the repository. */
function stage(dir: string): void {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] };
  writeFileSync(join(dir, "package.json"), readFileSync(join(ROOT, "package.json")));
  for (const f of pkg.files) if (f !== "dist/src" && existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  cpSync(join(ROOT, "dist", "src"), join(dir, "dist", "src"), { recursive: true });
  ok(spawnSync(process.execPath, [join(ROOT, "tools", "build-cli.mjs"), "--out", join(dir, "dist", "src", "cli")], { encoding: "utf8", cwd: ROOT }), "build-cli");
  ok(spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.lib.json"), "--outDir", join(dir, "dist")], { encoding: "utf8", cwd: ROOT }), "tsc -p tsconfig.lib.json");
}

const APP = `
import { readFileSync } from "node:fs";
import { run, AbortError } from "rt0";
const demo = process.argv[2];
const r = await run(demo, {
  args: ["one", "two words"], env: { GREETING: "hello from the caller", OUT: "/work/out.txt" },
  stdin: "text for the guest\\n", fs: { files: { "/in/data.txt": "an input file", "/work/": "" } }, cwd: "/work",
});
const ac = new AbortController();
let seen = "";
const aborted = await run(readFileSync(demo), {
  args: ["spin"], signal: ac.signal, fs: { files: {} },
  stdout: (c) => { seen += new TextDecoder().decode(c); if (seen.includes("spinning")) ac.abort(); },
}).then(() => "resolved", (e) => (e instanceof AbortError ? e.name : "other: " + e));
console.log(JSON.stringify({
  status: r.status, stdout: r.stdout, stderr: r.stderr,
  files: Object.fromEntries([...r.files].map(([k, v]) => [k, new TextDecoder().decode(v)])),
  aborted, seen,
}));
`;

const TYPED = `
import { run, Rt0Error, type RunOptions, type RunResult } from "rt0";
const o: RunOptions = { args: ["a"], env: { A: "1" }, stdin: new Uint8Array(1), fs: { files: { "/x": "y" } }, signal: new AbortController().signal };
const r: Promise<RunResult> = run("/bin/prog", o);
void r.then((x) => x.files?.get("/x")?.byteLength, (e: unknown) => e instanceof Rt0Error && e.exitCode);
// @ts-expect-error: args are strings
void run("/bin/prog", { args: [1] });
`;

test("npm pack, installed with --ignore-scripts offline: run() with args, env, stdin, a file written in memory, an abort; types; the bin", { skip, timeout: 900_000 }, () => {
  const s = scratch("rt0-pack-");
  try {
    const proj = join(s.dir, "rt0"), app = join(s.dir, "app");
    mkdirSync(proj);
    mkdirSync(app);
    stage(proj);
    const packed = JSON.parse(ok(spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", s.dir], { cwd: proj, encoding: "utf8" }), "npm pack")) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = new Set(packed[0]!.files.map((f) => f.path));
    for (const f of ["package.json", "README.md", "dist/src/lib/node.js", "dist/src/lib/node.d.ts", "dist/src/lib/api.d.ts", "dist/src/lib/browser.js",
      "dist/src/lib/browser.d.ts", "dist/src/lib/worker.js", "dist/src/cli/rt0.cjs", "dist/src/cli/rt0.bundle.cjs", "web/dist/index.html", "web/dist/worker.js", "fixtures/bin/hello-go1.26"]) {
      assert.ok(files.has(f), `the tarball has ${f}`);
    }
    for (const f of files) assert.ok(!/^(src|test|tools|dist\/test|fixtures\/build|node_modules)\//.test(f), `the tarball leaves out ${f}`);

    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    ok(spawnSync("npm", ["install", "--ignore-scripts", "--offline", "--no-audit", "--no-fund", join(s.dir, packed[0]!.filename)], { cwd: app, encoding: "utf8" }), "npm install");
    assert.ok(!existsSync(join(app, "node_modules", "commander")), "no runtime dependency is installed");

    writeFileSync(join(app, "main.mjs"), APP);
    const out = JSON.parse(ok(spawnSync(process.execPath, ["main.mjs", demo!], { cwd: app, encoding: "utf8", timeout: 600_000 }), "the app")) as Record<string, unknown>;
    assert.deepEqual(out, {
      status: 2,
      stdout: ['args: ["one" "two words"]', 'GREETING="hello from the caller"', 'stdin: "text for the guest\\n"',
        'read back /work/out.txt: "TEXT FOR THE GUEST\\n" <nil>', '/in/data.txt: "an input file"', "cwd: /work", ""].join("\n"),
      stderr: "done\n",
      files: { "/in/data.txt": "an input file", "/work/out.txt": "TEXT FOR THE GUEST\n" },
      aborted: "AbortError",
      seen: "spinning\n",
    });

    // A TypeScript consumer type-checks against the installed declarations.
    writeFileSync(join(app, "typed.ts"), TYPED);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: { noEmit: true, strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], types: [] },
      files: ["typed.ts"],
    }));
    ok(spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."], { cwd: app, encoding: "utf8" }), "tsc typed.ts");

    // The bin.
    const bin = join(app, "node_modules", ".bin", "rt0");
    const hello = spawnSync(bin, ["run", join(FIXTURE_BIN, "hello-go1.26")], { cwd: app, encoding: "utf8", timeout: 120_000 });
    assert.equal(hello.stdout, "hello, world\n");
    assert.equal(hello.status, 0);
    const bad = spawnSync(bin, ["run", "package.json"], { cwd: app, encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^rt0: package.json: not an ELF file/);
  } finally {
    s.done();
  }
});
