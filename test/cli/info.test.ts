// `rt0 info` against the real tools: the header block byte-identical to `objdump -f` and the Go
// version equal to `go version`, on every fixture binary (committed goldens, live tools when
// present); --json fields; and bad inputs give exit 1 with exactly one line on stderr.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { FIXTURE_BIN, FIXTURE_BUILD, ROOT, TESTDATA, runCli } from "../helpers.js";
import { collectInfo, infoText } from "../../src/cli/info.js";
import { openBinaryFile } from "../../src/host/readbin.js";

interface Row {
  sha: string;
  goVersion: string;
  objdumpF: string;
}

const golden = new Map<string, Row>();
for (const l of readFileSync(join(TESTDATA, "info", "golden.tsv"), "utf8").split("\n")) {
  if (!l) continue;
  const [path, sha, goVersion, od] = l.split("\t");
  golden.set(path!, { sha: sha!, goVersion: goVersion!, objdumpF: Buffer.from(od!, "base64").toString("utf8") });
}

function tool(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return r.status === 0 ? r.stdout : undefined;
}
const haveObjdump = tool("objdump", ["--version"]) !== undefined;
const goTool = ["/usr/lib/go-1.26/bin/go", "go"].find((g) => tool(g, ["version"]) !== undefined);

/** Every fixture binary present here, as repo-relative paths. */
function fixtures(): string[] {
  const out = readdirSync(FIXTURE_BIN).map((f) => `fixtures/bin/${f}`);
  if (existsSync(FIXTURE_BUILD)) {
    for (const d of readdirSync(FIXTURE_BUILD).filter((d) => /^go1\.\d+$/.test(d)).sort()) {
      for (const f of readdirSync(join(FIXTURE_BUILD, d)).sort()) out.push(`fixtures/build/${d}/${f}`);
    }
  }
  return out;
}

/** Expected objdump -f text and go version: golden when the hash matches, else the live tools. */
function expected(rel: string): { objdumpF: string; goVersion: string; source: string } {
  const abs = join(ROOT, rel);
  const sha = createHash("sha256").update(readFileSync(abs)).digest("hex");
  const g = golden.get(rel);
  if (g && g.sha === sha) {
    // The goldens must still be what the installed objdump says (where it is installed).
    if (haveObjdump) assert.equal(spawnSync("objdump", ["-f", rel], { cwd: ROOT, encoding: "utf8" }).stdout, g.objdumpF, `${rel}: live objdump -f`);
    return { objdumpF: g.objdumpF, goVersion: g.goVersion, source: "golden" };
  }
  assert.ok(haveObjdump && goTool, `${rel}: not in test/testdata/info/golden.tsv (or rebuilt) and objdump/go are missing; rerun tools/gen-golden-gobin.sh`);
  const od = spawnSync("objdump", ["-f", rel], { cwd: ROOT, encoding: "utf8" }).stdout;
  const gv = spawnSync(goTool, ["version", rel], { cwd: ROOT, encoding: "utf8" }).stdout.trim().replace(/^.*: /, "");
  return { objdumpF: od, goVersion: gv, source: "live" };
}

test("rt0 info == objdump -f (start address, flags) and go version, on every fixture binary", (t) => {
  const files = fixtures();
  assert.ok(files.length >= 4);
  let stripped = 0;
  let compared = 0;
  for (const rel of files) {
    const want = expected(rel);
    // The CLI itself for the committed set; the same code in-process for the rest (fast).
    const r = rel.startsWith("fixtures/bin/")
      ? spawnSync(process.execPath, [join(ROOT, "dist/src/cli/main.js"), "info", rel], { cwd: ROOT, encoding: "utf8" })
      : { status: 0, stderr: "", stdout: infoText(collectInfo(openBinaryFile(join(ROOT, rel)), rel)) };
    assert.equal(r.status, 0, `${rel}: ${r.stderr}`);
    assert.equal(r.stdout.slice(0, want.objdumpF.length), want.objdumpF, `${rel} (${want.source})`);
    assert.match(want.objdumpF, /start address 0x[0-9a-f]{16}\n/);
    const m = /^Go version:\s+(\S+)$/m.exec(r.stdout);
    assert.equal(m?.[1], want.goVersion, `${rel} (${want.source})`);
    // A cgo binary (externally linked against glibc) starts at crt1.o's _start.
    assert.match(r.stdout, /^CGO_ENABLED:\s+1$/m.test(r.stdout) ? /^entry symbol:\s+_start$/m : /^entry symbol:\s+_rt0_amd64_linux /m, rel);
    if (rel.includes("stripped")) stripped++;
    compared++;
  }
  assert.ok(stripped >= 1, "a stripped binary is included");
  t.diagnostic(`info compared on ${compared} binaries (${stripped} stripped), objdump ${haveObjdump ? "live too" : "golden only"}`);
});

test("rt0 info --json: documented fields", () => {
  const r = runCli(["info", "--json", join(FIXTURE_BIN, "hello-go1.26")]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  const keys = ["file", "format", "architecture", "elfType", "flags", "flagNames", "startAddress", "entrySymbol", "entrySource", "goVersion", "mainPath", "mainModule", "goamd64", "cgoEnabled", "trimpath", "ldflags", "buildSettings", "functions", "pclntab", "moduledata", "hasSymbols", "symbolCount", "hasDwarf", "goBuildId", "gnuBuildId", "interpreter"];
  assert.deepEqual(Object.keys(j).sort(), [...keys].sort());
  assert.equal(j["flags"], 0x112);
  assert.deepEqual(j["flagNames"], ["EXEC_P", "HAS_SYMS", "D_PAGED"]);
  assert.equal(j["entrySymbol"], "_rt0_amd64_linux");
  assert.equal(j["entrySource"], "runtime/rt0_linux_amd64.s:8");
  assert.equal(j["goamd64"], "v1");
  assert.equal(j["cgoEnabled"], false);
  assert.equal(j["trimpath"], true);
  assert.equal(j["hasSymbols"], true);
  assert.equal(j["hasDwarf"], true);
  assert.equal(j["goBuildId"], "rt0fixture");
  assert.equal(j["mainPath"], "rt0.example/fixtures/hello");
  assert.equal((j["pclntab"] as { layout: string }).layout, "1.20");
  const s = JSON.parse(runCli(["info", "--json", join(FIXTURE_BIN, "hello-go1.26-stripped")]).stdout) as Record<string, unknown>;
  assert.equal(s["hasSymbols"], false);
  assert.equal(s["hasDwarf"], false);
  assert.equal(s["flags"], 0x102);
  assert.equal(s["entrySymbol"], "_rt0_amd64_linux");
  assert.equal(s["functions"], j["functions"]);
  const old = JSON.parse(runCli(["info", "--json", join(FIXTURE_BIN, "hello-go1.19")]).stdout) as Record<string, unknown>;
  assert.equal((old["pclntab"] as { layout: string }).layout, "1.18");
  assert.equal(old["goVersion"], "go1.19.8");
});

const BAD = join(TESTDATA, "badinput");
const badCases: [string, string, RegExp][] = [
  ["an empty file", join(BAD, "empty"), /empty file \(0 bytes\): not an ELF file$/],
  ["a text file", join(BAD, "text.txt"), /not an ELF file .*looks like text\)$/],
  ["a truncated ELF", join(BAD, "truncated-amd64"), /truncated ELF: .* beyond end of file$/],
  ["a 32-bit ELF (GOARCH=386)", join(BAD, "go-386"), /32-bit ELF \(ELFCLASS32\): rt0 runs only 64-bit x86-64 binaries$/],
  ["an arm64 ELF", join(BAD, "go-arm64"), /ELF for AArch64 \(e_machine 183\), rt0 runs only x86-64$/],
  ["a directory", BAD, /is a directory, not a binary$/],
  ["a missing path", join(BAD, "no-such-file"), /no such file$/],
];
for (const [what, path, re] of badCases) {
  test(`rt0 info on ${what}: exit 1 and one line on stderr`, () => {
    for (const args of [["info", path], ["info", "--json", path]]) {
      const r = runCli(args);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, "");
      const lines = r.stderr.split("\n");
      assert.equal(lines.length, 2, `expected one line, got: ${r.stderr}`);
      assert.equal(lines[1], "");
      assert.ok(lines[0]!.startsWith(`rt0: ${path}: `), lines[0]);
      assert.match(lines[0]!, re);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    }
  });
}
