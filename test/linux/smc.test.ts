// Self-modifying code inside one basic block (issue 17 item 11): a store that patches a later
// instruction of the block it runs in. The native run is the oracle; rt0 runs it in the
// interpreter, with the compiled tier eager (--jit-threshold 0), and checked (--check-jit).
import { test } from "node:test";
import assert from "node:assert/strict";
import { guest, haveGcc, start } from "./guests.js";

test("a store patching a later instruction of its own block runs the new instruction, as natively", { skip: !haveGcc && "no gcc", timeout: 300_000 }, async () => {
  const exe = guest("smc")!;
  const nat = await start(exe, []).done;
  assert.equal(nat.status, 0, nat.stdout);
  assert.match(nat.stdout, /^ok \d+\n$/);
  for (const flags of [[], ["--jit-threshold", "0"], ["--check-jit"]]) {
    const emu = await start(exe, [], { rt0: flags }).done;
    assert.deepEqual(emu, nat, flags.join(" ") || "default");
  }
});
