// The Node host's randomness: /dev/urandom bytes (not node:crypto, which costs start-up time),
// any length, different on every call, and still available after close().
import { test } from "node:test";
import assert from "node:assert/strict";
import { NodeHost } from "../../src/host/node.js";

test("NodeHost.randomFill fills any length with fresh random bytes", () => {
  const host = new NodeHost({});
  try {
    const a = new Uint8Array(100_000);
    const b = new Uint8Array(100_000);
    host.randomFill(a);
    host.randomFill(b);
    assert.ok(a.subarray(99_000).some((x) => x !== 0), "filled to the end");
    assert.notDeepEqual(a.subarray(0, 64), b.subarray(0, 64));
    // A byte histogram of 100 KB of random bytes is flat: every value occurs (p of a miss ~ 1e-167).
    const seen = new Set(a);
    assert.equal(seen.size, 256);
    host.close();
    const c = new Uint8Array(16);
    host.randomFill(c);
    assert.ok(c.some((x) => x !== 0));
  } finally {
    host.close();
  }
});
