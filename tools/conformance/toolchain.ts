// The installed Go toolchains (/usr/lib/go-1.NN) and what the conformance harness needs from
// each: its go command, GOROOT/test directory, build tags, and the environment it runs with.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { tagSet, type TagSet } from "./constraint.js";

export interface Toolchain {
  /** "1.19" */
  version: string;
  goroot: string;
  go: string;
  /** GOROOT/test (resolved), or undefined when this toolchain ships no tests. */
  testDir: string | undefined;
  /** Full version, e.g. "go1.19.8" (part of build cache keys). */
  fullVersion: string;
  tags: TagSet;
}

/** Environment for the go command and for the test programs, as Go's test driver sets it. */
export function goEnv(tc: Toolchain, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("GO") && k !== "GOCACHE") delete env[k];
  return {
    ...env,
    GOENV: "off",
    GOFLAGS: "",
    GOOS: "linux",
    GOARCH: "amd64",
    CGO_ENABLED: "0",
    GOTOOLCHAIN: "local",
    GOROOT: tc.goroot,
    PATH: `${join(tc.goroot, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    ...extra,
  };
}

export function installedVersions(): string[] {
  const out: string[] = [];
  for (const d of readdirSync("/usr/lib")) {
    const m = /^go-(1\.\d+)$/.exec(d);
    if (m && existsSync(join("/usr/lib", d, "bin", "go"))) out.push(m[1]!);
  }
  return out.sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

export function loadToolchain(version: string): Toolchain {
  const goroot = join("/usr/lib", `go-${version}`);
  const go = join(goroot, "bin", "go");
  if (!existsSync(go)) throw new Error(`Go ${version} is not installed (${go} missing)`);
  let testDir: string | undefined;
  for (const d of [join(goroot, "test"), `/usr/share/go-${version}/test`]) {
    if (existsSync(d)) { testDir = realpathSync(d); break; }
  }
  const partial: Toolchain = { version, goroot, go, testDir, fullVersion: version, tags: tagSet([], []) };
  const r = spawnSync(go, ["list", "-f", "{{join context.ReleaseTags \" \"}}|{{join context.ToolTags \" \"}}", "runtime"], {
    encoding: "utf8", env: goEnv(partial), cwd: goroot,
  });
  if (r.status !== 0) throw new Error(`go list failed for Go ${version}: ${r.stderr}`);
  const [rel, tool] = r.stdout.trim().split("|");
  const v = spawnSync(go, ["env", "GOVERSION"], { encoding: "utf8", env: goEnv(partial) });
  return {
    ...partial,
    fullVersion: v.stdout.trim() || `go${version}`,
    tags: tagSet((rel ?? "").split(" ").filter(Boolean), (tool ?? "").split(" ").filter(Boolean)),
  };
}
