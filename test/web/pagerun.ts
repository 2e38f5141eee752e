// The oracle the explorer's tests compare with: `rt0 boot --json` run as the page's Web Worker
// runs a binary (the program at /prog, argv ["/prog"], HOME=/ PATH=/ TERM=xterm-256color), so
// every address on the stack is the same in both runs.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BootEvent } from "../../src/goruntime/boot.js";
import { runCli } from "../helpers.js";

export function bootAsThePage(path: string, vendor: "intel" | "amd" = "intel"): BootEvent[] {
  const root = mkdtempSync(join(tmpdir(), "rt0-page-"));
  try {
    copyFileSync(path, join(root, "prog"));
    const r = runCli(["boot", "--json", "--cpu-vendor", vendor, "--root", root, "--env", "HOME=/", "--env", "PATH=/", "--env", "TERM=xterm-256color", join(root, "prog")], { timeoutMs: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as BootEvent & { event: string }).filter((e) => e.event === "step");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
