// The conformance harness (issue 6): Go's own `// run` tests and standard-library package tests,
// built per installed toolchain, run natively and under rt0, judged by Go's rules, reported as
// a table per release, a JSON file and known-failures lists. Usage: docs/conformance.md.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rt0Cli } from "../bundle.js";
import { DEFAULT_CACHE, buildPkgTest, buildRunTest, nativeCached, saveNative } from "./build.js";
import { judgePkg, judgeRun } from "./compare.js";
import { discoverRunTests } from "./discover.js";
import { readKnown, writeKnown } from "./known.js";
import { PKG_TESTS } from "./pkgs.js";
import { runCombined, type Outcome } from "./proc.js";
import { table, type Result } from "./report.js";
import { goEnv, installedVersions, loadToolchain, type Toolchain } from "./toolchain.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
export const KNOWN_DIR = join(ROOT, "test", "testdata", "conformance");

interface Options {
  versions: string[];
  run: boolean;
  pkg: boolean;
  jobs: number;
  filter?: RegExp;
  list?: Set<string>;
  timeoutS: number;
  pkgTimeoutS: number;
  rt0: string[];
  /** Run rt0 from a private copy of dist/src, so concurrent rebuilds cannot change it mid-run. */
  snapshot: boolean;
  cache: string;
  json: string;
  knownDir: string;
  updateKnown: boolean;
  verbose: boolean;
  markdown?: string;
}

const USAGE = `usage: npm run conformance -- [--go 1.19,1.26|all] [--suite gotest|pkg|all] [--jobs N]
  [--filter RE] [--list FILE] [--timeout S] [--pkg-timeout S] [--rt0 "CMD ARGS"] [--cache DIR]
  [--json FILE] [--known-dir DIR] [--update-known] [--markdown FILE] [--no-snapshot] [--verbose]`;

/** Copy dist/src to dist/.conformance-PID/src and check that it loads; returns its directory. */
function snapshotRt0(): string {
  const dir = join(ROOT, "dist", `.conformance-${process.pid}`);
  for (let attempt = 0; ; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(ROOT, "dist", "src"), join(dir, "src"), { recursive: true, preserveTimestamps: true });
    const r = spawnSync(process.execPath, [join(dir, "src", "cli", "main.js"), "--help"], { encoding: "utf8" });
    if (r.status === 0) return dir;
    if (attempt === 5) throw new Error(`the rt0 build in dist/src does not load: ${r.stderr.split("\n")[0]}`);
    spawnSync("sleep", ["5"]);
  }
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    versions: ["1.19", "1.26"], run: true, pkg: true, jobs: 2, timeoutS: 60, pkgTimeoutS: 600,
    rt0: [process.execPath, CLI, "run"], snapshot: true, cache: DEFAULT_CACHE, json: "", knownDir: KNOWN_DIR,
    updateKnown: false, verbose: false,
  };
  let goArg = "1.19,1.26";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    switch (a) {
      case "--go": goArg = val(); break;
      case "--suite": {
        const s = val();
        if (!["gotest", "run", "pkg", "all"].includes(s)) throw new Error(`--suite must be gotest, pkg or all\n${USAGE}`);
        o.run = s !== "pkg"; o.pkg = s === "pkg" || s === "all";
        break;
      }
      case "--jobs": o.jobs = Math.max(1, Number(val()) | 0); break;
      case "--filter": o.filter = new RegExp(val()); break;
      case "--list": o.list = new Set(readFileSync(val(), "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean)); break;
      case "--timeout": o.timeoutS = Number(val()); break;
      case "--pkg-timeout": o.pkgTimeoutS = Number(val()); break;
      case "--rt0": o.rt0 = val().split(/\s+/).filter(Boolean); o.snapshot = false; break;
      case "--no-snapshot": o.snapshot = false; break;
      case "--cache": o.cache = val(); break;
      case "--json": o.json = val(); break;
      case "--known-dir": o.knownDir = val(); break;
      case "--update-known": o.updateKnown = true; break;
      case "--markdown": o.markdown = val(); break;
      case "--verbose": case "-v": o.verbose = true; break;
      case "--help": case "-h": console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  const installed = installedVersions();
  o.versions = goArg === "all" ? installed : goArg.split(",").map((v) => v.trim().replace(/^go/, ""));
  for (const v of o.versions) if (!installed.includes(v)) throw new Error(`Go ${v} is not installed (have ${installed.join(", ")})`);
  if (!o.json) o.json = join(o.cache, "results.json");
  return o;
}

let REVISION = "unknown";

/** The rt0 sources the run measured: HEAD, and whether src/ had uncommitted changes. */
function rt0Revision(): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "src"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  return head ? `${head}${dirty ? " + uncommitted changes in src/" : ""}` : "unknown";
}

async function pool<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return results;
}

async function native(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Outcome> {
  const c = nativeCached(bin, args);
  if (c) return c;
  const o = await runCombined(bin, args, { cwd, env, timeoutMs });
  if (!o.timedOut) saveNative(bin, args, o);
  return o;
}

/** Run bin under rt0 with its own warnings in a separate file (--diag-file), so a warning never
 *  changes the output Go's rules compare; the warnings come back as Outcome.diag. */
async function rt0(o: Options, bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "rt0diag-"));
  const diagPath = join(dir, "diag");
  try {
    const r = await runCombined(o.rt0[0]!, [...o.rt0.slice(1), "--diag-file", diagPath, bin, ...args], { cwd, env, timeoutMs });
    if (existsSync(diagPath)) r.diag = readFileSync(diagPath, "latin1");
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runTask(o: Options, tc: Toolchain, name: string, file: string, outFile: string | undefined): () => Promise<Result> {
  return async () => {
    const r: Result = { go: tc.version, suite: "run", name, status: "fail" };
    const b = await buildRunTest(o.cache, tc, name, file);
    if (!b.bin) return { ...r, status: "build-fail", reason: (b.error ?? "").split("\n").slice(0, 2).join(" | ") };
    const want = outFile ? readFileSync(outFile, "latin1") : "";
    const env = goEnv(tc, { PWD: tc.testDir! });
    const nat = await native(b.bin, [], tc.testDir!, env, o.timeoutS * 1000);
    r.nativeMs = nat.ms;
    const nwhy = judgeRun(nat, want);
    if (nwhy !== undefined) return { ...r, status: "native-fail", reason: nwhy };
    const emu = await rt0(o, b.bin, [], tc.testDir!, env, o.timeoutS * 1000);
    r.ms = emu.ms;
    const why = judgeRun(emu, want);
    if (why === undefined) return { ...r, status: "pass" };
    return { ...r, status: emu.timedOut ? "timeout" : "fail", reason: why };
  };
}

function pkgTask(o: Options, tc: Toolchain, pkg: string, tags: string[]): () => Promise<Result> {
  return async () => {
    const r: Result = { go: tc.version, suite: "pkg", name: `pkg:${pkg}`, status: "fail" };
    const b = await buildPkgTest(o.cache, tc, pkg, tags);
    if (!b.bin) return { ...r, status: "build-fail", reason: (b.error ?? "").split("\n").slice(0, 2).join(" | ") };
    const dir = join(tc.goroot, "src", pkg);
    const env = goEnv(tc, { PWD: dir });
    const args = ["-test.short", `-test.timeout=${o.pkgTimeoutS + 60}s`];
    const nat = await native(b.bin, args, dir, env, o.pkgTimeoutS * 1000);
    r.nativeMs = nat.ms;
    const nwhy = judgePkg(nat);
    if (nwhy !== undefined) return { ...r, status: "native-fail", reason: nwhy };
    const emu = await rt0(o, b.bin, args, dir, env, o.pkgTimeoutS * 1000);
    r.ms = emu.ms;
    const why = judgePkg(emu);
    if (why === undefined) return { ...r, status: "pass" };
    return { ...r, status: emu.timedOut ? "timeout" : "fail", reason: why };
  };
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (!existsSync(o.rt0[0]!) && o.rt0[0]!.includes("/")) throw new Error(`--rt0 command not found: ${o.rt0[0]}`);
  if (o.rt0[1] === CLI && !existsSync(CLI)) { console.error(`${CLI} missing: run npx tsc -p . first`); process.exit(2); }
  mkdirSync(o.cache, { recursive: true });
  REVISION = rt0Revision();
  if (o.snapshot) {
    const snap = snapshotRt0();
    // The bundled bin starts about a third faster per run than main.js.
    o.rt0 = [process.execPath, rt0Cli(join(snap, "src")), "run"];
    const clean = (): void => rmSync(snap, { recursive: true, force: true });
    process.on("exit", clean);
  }
  const t0 = Date.now();
  const results: Result[] = [];
  const perVersion: (() => Promise<Result>)[][] = [];
  const known = new Map<string, Map<string, string>>();
  const inScope = (name: string): boolean => (!o.filter || o.filter.test(name)) && (!o.list || o.list.has(name));
  for (const v of o.versions) {
    const tc = loadToolchain(v);
    const tasks: (() => Promise<Result>)[] = [];
    perVersion.push(tasks);
    known.set(v, readKnown(join(o.knownDir, `known-failures-go${v}.txt`)));
    if (o.run) {
      if (!tc.testDir) console.error(`go${v}: no GOROOT/test directory; run tests not available`);
      for (const t of discoverRunTests(tc)) {
        if (!inScope(t.name)) continue;
        if (t.skip) results.push({ go: v, suite: "run", name: t.name, status: "skip", reason: t.skip });
        else tasks.push(runTask(o, tc, t.name, t.file, t.outFile));
      }
    }
    if (o.pkg) for (const p of PKG_TESTS) if (inScope(`pkg:${p.pkg}`)) tasks.push(pkgTask(o, tc, p.pkg, p.tags));
  }
  // Interleave releases so a partial run covers each of them.
  const tasks: (() => Promise<Result>)[] = [];
  for (let i = 0; perVersion.some((t) => i < t.length); i++) for (const t of perVersion) if (i < t.length) tasks.push(t[i]!);
  let done = 0;
  const ran: Result[] = [];
  let stopped = false;
  // SIGINT/SIGTERM: report what finished so far (the rest is counted as not run).
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      if (stopped) process.exit(130);
      stopped = true;
      console.log(`\n${sig}: stopping; reporting ${ran.length} of ${tasks.length} tests`);
      finish(o, [...results, ...ran], known, t0, tasks.length - ran.length);
      process.exit(process.exitCode === 1 ? 1 : 130);
    });
  }
  const total = tasks.length;
  console.error(`conformance: ${total} tests to run (${results.length} skipped by directive), jobs ${o.jobs}, cache ${o.cache}, rt0 ${o.rt0.slice(1).join(" ")}`);
  await pool(o.jobs, tasks.map((t) => async () => {
    if (stopped) return;
    const r = await t();
    ran.push(r);
    const k = known.get(r.go)!.get(r.name);
    if (k !== undefined) r.known = k;
    done++;
    const bad = r.status === "fail" || r.status === "timeout";
    if (o.verbose || (bad && k === undefined)) {
      const sec = r.ms !== undefined ? ` ${(r.ms / 1000).toFixed(1)}s` : "";
      console.log(`[${done}/${total}] go${r.go} ${r.name} ${r.status.toUpperCase()}${k !== undefined && bad ? " (known)" : ""}${sec}${r.reason && r.status !== "pass" ? `: ${r.reason}` : ""}`);
    }
  }));
  finish(o, [...results, ...ran], known, t0, 0);
}

function finish(o: Options, results: Result[], known: Map<string, Map<string, string>>, t0: number, notRun: number): void {
  results.sort((a, b) => a.go.localeCompare(b.go, undefined, { numeric: true }) || a.suite.localeCompare(b.suite) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const regressions = results.filter((r) => (r.status === "fail" || r.status === "timeout") && r.known === undefined);
  const fixed = results.filter((r) => r.status === "pass" && r.known !== undefined);
  console.log("");
  console.log(table(results));
  if (fixed.length) {
    console.log(`\n${fixed.length} listed as known failures now pass (remove them from the known-failures lists):`);
    for (const r of fixed) console.log(`  go${r.go} ${r.name}`);
  }
  const knownFails = results.filter((r) => (r.status === "fail" || r.status === "timeout") && r.known !== undefined).length;
  if (regressions.length) {
    console.log(`\n${regressions.length} failures not in the known-failures lists:`);
    for (const r of regressions) console.log(`  go${r.go} ${r.name}: ${r.status}: ${r.reason}`);
  }
  console.log(`\n${knownFails} known failures;${notRun ? ` ${notRun} tests not run (stopped);` : ""} ${((Date.now() - t0) / 1000).toFixed(0)}s; results in ${o.json}`);
  mkdirSync(dirname(o.json), { recursive: true });
  writeFileSync(o.json, JSON.stringify({
    date: new Date().toISOString(), args: process.argv.slice(2), rt0: REVISION, versions: o.versions, notRun, results,
  }, null, 1) + "\n");
  if (o.markdown) writeFileSync(o.markdown, table(results, true) + "\n");
  if (o.updateKnown) {
    for (const v of o.versions) {
      const m = new Map(known.get(v)!);
      for (const r of results) {
        if (r.go !== v) continue;
        if (r.status === "fail" || r.status === "timeout") m.set(r.name, r.reason ?? r.status);
        else m.delete(r.name);
      }
      mkdirSync(o.knownDir, { recursive: true });
      writeKnown(join(o.knownDir, `known-failures-go${v}.txt`), v, m);
    }
    console.log(`updated known-failures lists in ${o.knownDir}`);
  }
  process.exitCode = regressions.length ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(`conformance: ${(e as Error).message}`);
  process.exit(2);
});
