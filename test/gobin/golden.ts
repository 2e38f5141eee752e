// Test support for the Go-metadata tests: the committed oracle outputs of tools/gen-golden-gobin.sh
// (go tool nm, go tool addr2line) and the binaries they describe, found by content hash so a
// rebuilt fixture that differs is noticed instead of silently compared.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FIXTURE_BIN, FIXTURE_BUILD, TESTDATA } from "../helpers.js";

export const GOBIN_DATA = join(TESTDATA, "gobin");
export const PCLN_VERSIONS = ["1.19", "1.22", "1.26"] as const;

export interface NmSym {
  addr: number;
  type: string;
  name: string;
}

export function readGz(path: string): string {
  return gunzipSync(readFileSync(path)).toString("utf8");
}

/** `go tool nm -n` text symbols (T/t) of go1.V/hello. */
export function nmGolden(v: string): NmSym[] {
  return readGz(join(GOBIN_DATA, `go${v}`, "nm.txt.gz"))
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const m = /^\s*([0-9a-f]+) ([A-Za-z]) (.*)$/.exec(l);
      if (!m) throw new Error(`bad nm line: ${l}`);
      return { addr: parseInt(m[1]!, 16), type: m[2]!, name: m[3]! };
    });
}

export interface A2L {
  pc: number;
  func: string;
  fileLine: string;
}

/** `go tool addr2line` of 1,000 fixed-seed PCs of go1.V/hello. */
export function addr2lineGolden(v: string): A2L[] {
  return readGz(join(GOBIN_DATA, `go${v}`, "addr2line.txt.gz"))
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [pc, func, fileLine] = l.split("\t");
      return { pc: parseInt(pc!, 16), func: func!, fileLine: fileLine! };
    });
}

export function sha256(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

/** The recorded hashes of go1.V/{hello,hello-stripped}. */
export function goldenHashes(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of readFileSync(join(GOBIN_DATA, `go${v}`, "sha256"), "utf8").split("\n")) {
    const [h, name] = l.trim().split(/\s+/);
    if (h && name) out[name] = h;
  }
  return out;
}

export interface HelloBinary {
  label: string;
  stripped: boolean;
  bytes: Uint8Array;
}

/**
 * Every available hello / hello-stripped of go1.V whose hash matches the golden data: the
 * committed ones (fixtures/bin, test/testdata/gobin/*.gz) always, fixtures/build when built
 * by the same toolchain release.
 */
export function helloBinaries(v: string): HelloBinary[] {
  const want = goldenHashes(v);
  const cands: [string, boolean, () => Uint8Array | undefined][] = [
    [`fixtures/bin/hello-go${v}`, false, () => read(join(FIXTURE_BIN, `hello-go${v}`))],
    [`fixtures/bin/hello-go${v}-stripped`, true, () => read(join(FIXTURE_BIN, `hello-go${v}-stripped`))],
    [`testdata/gobin/hello-stripped-go${v}.gz`, true, () => readGzBin(join(GOBIN_DATA, `hello-stripped-go${v}.gz`))],
    [`fixtures/build/go${v}/hello`, false, () => read(join(FIXTURE_BUILD, `go${v}`, "hello"))],
    [`fixtures/build/go${v}/hello-stripped`, true, () => read(join(FIXTURE_BUILD, `go${v}`, "hello-stripped"))],
  ];
  const seen = new Set<string>();
  const out: HelloBinary[] = [];
  for (const [label, stripped, load] of cands) {
    const bytes = load();
    if (!bytes) continue;
    const h = sha256(bytes);
    if (h !== want[stripped ? "hello-stripped" : "hello"]) {
      // A local build by another toolchain patch release is not what the goldens describe:
      // ignore it (tools/check-gobin-all.ts checks such builds live). Committed ones must match.
      if (label.startsWith("fixtures/build/")) continue;
      throw new Error(`${label} differs from the binary the golden data was made from (rerun tools/gen-golden-gobin.sh)`);
    }
    if (seen.has(h)) continue;
    seen.add(h);
    out.push({ label, stripped, bytes });
  }
  return out;
}

function read(p: string): Uint8Array | undefined {
  return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
}

function readGzBin(p: string): Uint8Array | undefined {
  return existsSync(p) ? new Uint8Array(gunzipSync(readFileSync(p))) : undefined;
}

export interface KnownDiffs {
  suffixes: string[];
  markers: Set<string>;
  renames: Map<string, string>; // "go1.V addr nmName" -> pclntab name
}

export function knownDiffs(): KnownDiffs {
  const k: KnownDiffs = { suffixes: [], markers: new Set(), renames: new Map() };
  for (const l of readFileSync(join(GOBIN_DATA, "known-differences.txt"), "utf8").split("\n")) {
    if (l.startsWith("#") || l.trim() === "") continue;
    const f = l.split("\t");
    if (f[0] === "suffix") k.suffixes.push(f[1]!);
    else if (f[0] === "marker") k.markers.add(f[1]!);
    else if (f[0] === "rename") k.renames.set(`${f[1]} ${parseInt(f[2]!, 16)} ${f[3]}`, f[4]!);
    else throw new Error(`bad known-differences line: ${l}`);
  }
  return k;
}
