// The one-file CLI that tools/build-cli.mjs bundles (the `rt0` bin): it builds, starts by its
// own file name, runs a Go program with its exit status, and reports errors in one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURE_BIN, ROOT } from "../helpers.js";

test("tools/build-cli.mjs bundles a CLI that runs hello and reports errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0-bundle-"));
  try {
    const out = join(dir, "rt0.mjs");
    const b = spawnSync(process.execPath, [join(ROOT, "tools", "build-cli.mjs"), "--out", out], { encoding: "utf8" });
    assert.equal(b.status, 0, b.stderr);
    assert.ok(existsSync(out));
    const r = spawnSync(out, ["run", join(FIXTURE_BIN, "hello-go1.26")], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "hello, world\n");
    assert.equal(r.status, 0);
    const e = spawnSync(process.execPath, [out, "run", join(dir, "missing")], { encoding: "utf8" });
    assert.equal(e.status, 1);
    assert.match(e.stderr, /^rt0: .*missing: no such file\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
