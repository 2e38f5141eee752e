// Guest programs for the Linux-layer tests, each compared with its native run: C and Go sources
// in test/testdata/guests built once per source version into a cache under the OS temp
// directory (freestanding C ones static, the others ordinary dynamically linked glibc programs),
// small ones built from a test's own source text, and a runner that gives a spawned process
// (native or under rt0) to a test that must signal it, feed it or read it as it goes.

import { createHash } from "node:crypto";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants, tmpdir } from "node:os";
import { CLI, TESTDATA } from "../helpers.js";

export const haveGcc = spawnSync("gcc", ["--version"]).status === 0;

export const FREESTANDING = ["-O2", "-static", "-nostdlib", "-fno-pie", "-no-pie", "-fno-stack-protector", "-ffreestanding"];

/** The path of test/testdata/guests/NAME.c built with these gcc flags (-O1 by default), or
 *  undefined without gcc. A build failure throws with gcc's message. */
export function guest(name: string, flags: string[] = ["-O1"]): string | undefined {
  if (!haveGcc) return undefined;
  const src = join(TESTDATA, "guests", `${name}.c`);
  const text = readFileSync(src);
  const key = createHash("sha256").update(text).update(flags.join(" ")).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "rt0-guests");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-${key}`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  const cc = spawnSync("gcc", [...flags, "-o", tmp, src], { encoding: "utf8" });
  if (cc.status !== 0) throw new Error(`gcc ${name}.c: ${cc.stderr}`);
  renameSync(tmp, out);
  return out;
}

/** A Go toolchain of this version (/usr/lib/go-1.NN), if installed. */
export function goToolchain(version: string): string | undefined {
  const go = `/usr/lib/go-${version}/bin/go`;
  return existsSync(go) ? go : undefined;
}

/** test/testdata/guests/NAME.go built (static, CGO_ENABLED=0) with Go `version`, or undefined
 *  when that toolchain is not installed. */
export function goGuest(name: string, version: string): string | undefined {
  const go = goToolchain(version);
  if (!go) return undefined;
  const src = join(TESTDATA, "guests", `${name}.go`);
  const key = createHash("sha256").update(readFileSync(src)).update(version).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "rt0-guests");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-go${version}-${key}`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  const env = { ...process.env, CGO_ENABLED: "0", GOOS: "linux", GOARCH: "amd64", GOTOOLCHAIN: "local", GOFLAGS: "" };
  const b = spawnSync(go, ["build", "-trimpath", "-o", tmp, src], { encoding: "utf8", env, cwd: dir });
  if (b.status !== 0) throw new Error(`go${version} build ${name}.go: ${b.stderr}`);
  renameSync(tmp, out);
  return out;
}

/** The newest Go toolchain installed (/usr/lib/go-1.NN), or undefined. */
export const goTool: string | undefined = ["1.26", "1.25", "1.24", "1.23", "1.22", "1.21", "1.19"]
  .map((v) => `/usr/lib/go-${v}/bin/go`)
  .find((g) => existsSync(g));

/** A scratch directory, removed by the returned function. */
export function scratch(prefix: string): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Compile a C source into dir/name (gcc -O1, dynamically linked); throws with gcc's errors. */
export function buildC(dir: string, name: string, source: string, extra: string[] = []): string {
  const src = join(dir, `${name}.c`), exe = join(dir, name);
  writeFileSync(src, source);
  const r = spawnSync("gcc", ["-O1", "-o", exe, src, ...extra], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gcc ${name}: ${r.stderr}`);
  return exe;
}

/** Build a one-file Go program (static, CGO_ENABLED=0) into dir/name with `goTool`; env adds
 *  to the build environment (GOAMD64=v3). */
export function buildGo(dir: string, name: string, source: string, env: Record<string, string> = {}): string {
  if (goTool === undefined) throw new Error("no Go toolchain");
  const pkg = join(dir, `${name}-src`), exe = join(dir, name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "go.mod"), `module rt0.example/${name}\n\ngo 1.19\n`);
  writeFileSync(join(pkg, "main.go"), source);
  const r = spawnSync(goTool, ["build", "-trimpath", "-o", exe, "."], {
    cwd: pkg, encoding: "utf8",
    env: { ...process.env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", GOCACHE: join(tmpdir(), "rt0-test-gocache"), ...env },
  });
  if (r.status !== 0) throw new Error(`go build ${name}: ${r.stderr}`);
  return exe;
}

export interface Ran {
  /** The shell's view: the exit code, or 128+n when killed by signal n. */
  status: number;
  stdout: string;
  stderr: string;
}

/** What a started child has written to stdout, and how far waitFor has read it. */
interface Watched {
  seen: string;
  from: number;
  closed: boolean;
  wake: () => void;
}
const watched = new WeakMap<ChildProcess, Watched>();

/** A program started natively (rt0 === undefined) or under `rt0 run` with these options; the
 *  caller talks to it through `child` and awaits `done`. */
export function start(exe: string, args: string[], o: { rt0?: string[]; cwd?: string } = {}): { child: ChildProcess; done: Promise<Ran> } {
  const [cmd, argv] = o.rt0 === undefined ? [exe, args] : [process.execPath, [CLI, "run", ...o.rt0, exe, ...args]];
  const child = spawn(cmd, argv, { cwd: o.cwd ?? tmpdir(), stdio: ["pipe", "pipe", "pipe"] });
  const w: Watched = { seen: "", from: 0, closed: false, wake: () => {} };
  watched.set(child, w);
  const out: Buffer[] = [], err: Buffer[] = [];
  child.stdout!.on("data", (b: Buffer) => {
    out.push(b);
    w.seen += b.toString("latin1");
    w.wake();
  });
  child.stderr!.on("data", (b: Buffer) => err.push(b));
  child.stdin!.on("error", () => {});
  const done = new Promise<Ran>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      w.closed = true;
      w.wake();
      resolve({ status: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
  return { child, done };
}

/** Resolves once the child's stdout, after what earlier waitFor calls consumed, shows `text`
 *  (a program says it is ready); consumes up to the end of it. Rejects if the child ends first. */
export function waitFor(child: ChildProcess, text: string): Promise<void> {
  const w = watched.get(child);
  if (w === undefined) throw new Error("waitFor: the child was not started by start()");
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const i = w.seen.indexOf(text, w.from);
      if (i >= 0) {
        w.from = i + text.length;
        w.wake = () => {};
        resolve();
      } else if (w.closed) {
        w.wake = () => {};
        reject(new Error(`exited before printing ${JSON.stringify(text)}; stdout after the last wait: ${JSON.stringify(w.seen.slice(w.from))}`));
      }
    };
    w.wake = check;
    check();
  });
}
