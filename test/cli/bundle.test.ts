// The one-file CLI that tools/build-cli.mjs bundles (the `rt0` bin): it builds with a V8 code
// cache that the next start accepts, starts by its own file name, runs a Go program with its
// exit status, and reports errors in one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURE_BIN, ROOT } from "../helpers.js";

test("tools/build-cli.mjs bundles a CLI that runs hello with its code cache and reports errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0-bundle-"));
  try {
    const b = spawnSync(process.execPath, [join(ROOT, "tools", "build-cli.mjs"), "--out", dir], { encoding: "utf8" });
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stderr, "");
    const bin = join(dir, "rt0.cjs"), cache = join(dir, "rt0.bundle.cjs.cache");
    assert.ok(existsSync(join(dir, "rt0.bundle.cjs")));
    assert.ok(existsSync(cache), "the build leaves a code cache");
    const before = statSync(cache).mtimeMs;
    const r = spawnSync(bin, ["run", join(FIXTURE_BIN, "hello-go1.26")], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "hello, world\n");
    assert.equal(r.status, 0);
    assert.equal(statSync(cache).mtimeMs, before, "V8 accepted the cache (a rejected one is rewritten at exit)");
    // The former bin name starts the same CLI.
    const m = spawnSync(join(dir, "rt0.mjs"), ["run", join(FIXTURE_BIN, "hello-go1.26")], { encoding: "utf8", timeout: 60_000 });
    assert.equal(m.stdout, "hello, world\n");
    assert.equal(m.status, 0);
    assert.equal(statSync(cache).mtimeMs, before);
    const e = spawnSync(process.execPath, [bin, "run", join(dir, "missing")], { encoding: "utf8" });
    assert.equal(e.status, 1);
    assert.match(e.stderr, /^rt0: .*missing: no such file\n$/);
    // Without its cache the bin still runs, and writes one.
    rmSync(cache);
    const v = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    assert.equal(v.status, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.ok(existsSync(cache));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
