// The CLI's shell: help, version, unknown commands and flags give clear messages and exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers.js";

test("--help lists the commands", () => {
  const r = runCli(["--help"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: rt0/);
  assert.match(r.stdout, /info/);
  assert.match(r.stdout, /disasm/);
});

test("an unknown command is one clear error with exit 2", () => {
  const r = runCli(["frobnicate"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});

test("--version prints the version", () => {
  const r = runCli(["--version"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
});
