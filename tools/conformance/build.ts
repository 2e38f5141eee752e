// Builds conformance binaries with a toolchain (CGO_ENABLED=0, -trimpath, GOTOOLCHAIN=local),
// cached by content hash (toolchain version, flags, source) under the cache directory, with
// the native outcome cached next to each binary.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { goEnv, type Toolchain } from "./toolchain.js";
import type { Outcome } from "./proc.js";

export const DEFAULT_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "rt0-conformance");

export interface Built {
  bin?: string;
  /** Compiler output when the build failed. */
  error?: string;
}

function hash(parts: (string | Buffer)[]): string {
  const h = createHash("sha256");
  for (const p of parts) { h.update(p); h.update("\0"); }
  return h.digest("hex").slice(0, 24);
}

function goCommand(tc: Toolchain, args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(tc.go, args, { cwd, env: goEnv(tc), stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => chunks.push(b));
    child.stderr.on("data", (b: Buffer) => chunks.push(b));
    child.on("error", (e) => resolve({ status: null, output: e.message }));
    child.on("close", (status) => resolve({ status, output: Buffer.concat(chunks).toString() }));
  });
}

async function buildCached(cache: string, tc: Toolchain, key: string, args: string[], cwd: string): Promise<Built> {
  const bin = join(cache, `go${tc.version}`, key);
  if (existsSync(bin)) return { bin };
  const errFile = bin + ".builderr";
  if (existsSync(errFile)) return { error: readFileSync(errFile, "utf8") };
  mkdirSync(dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp${process.pid}`;
  const r = await goCommand(tc, args.map((a) => (a === "{OUT}" ? tmp : a)), cwd);
  if (r.status !== 0 || !existsSync(tmp)) {
    const error = (r.output || `go exited ${r.status}`).trim();
    writeFileSync(errFile, error + "\n");
    return { error };
  }
  renameSync(tmp, bin);
  return { bin };
}

/** Build a GOROOT/test program (run from GOROOT/test with its relative name, as Go's driver does). */
export function buildRunTest(cache: string, tc: Toolchain, name: string, file: string): Promise<Built> {
  const flags = ["build", "-trimpath"];
  const key = "run-" + hash([tc.fullVersion, flags.join(" "), name, readFileSync(file)]);
  return buildCached(cache, tc, key, [...flags, "-o", "{OUT}", name], tc.testDir!);
}

/** Build a standard-library package's test binary (`go test -c`). */
export function buildPkgTest(cache: string, tc: Toolchain, pkg: string, tags: string[]): Promise<Built> {
  const flags = ["test", "-c", "-trimpath", ...(tags.length ? [`-tags=${tags.join(",")}`] : [])];
  const key = `pkg-${pkg.replace(/\//g, "_")}-` + hash([tc.fullVersion, flags.join(" "), pkg]);
  return buildCached(cache, tc, key, [...flags, "-o", "{OUT}", pkg], tmpdir());
}

/** The cached native outcome of a binary, if any. */
export function nativeCached(bin: string, args: string[]): Outcome | undefined {
  const f = `${bin}.native-${hash([args.join("\0")])}.json`;
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as Outcome) : undefined;
}

export function saveNative(bin: string, args: string[], o: Outcome): void {
  writeFileSync(`${bin}.native-${hash([args.join("\0")])}.json`, JSON.stringify(o));
}
