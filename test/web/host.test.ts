// The browser host (src/host/web.ts) without a browser: its in-memory file system against
// the POSIX behaviour the Linux layer expects, and hello-go1.26 run on the real Machine with
// WebHost as the host (stdout through the callback, /prog in the memory VFS).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_BIN } from "../helpers.js";
import { MemVfs, WebHost } from "../../src/host/web.js";
import { createMachine } from "../../src/machine/create.js";
import type { CpuModel } from "../../src/cpu/api.js";
import { EEXIST, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY } from "../../src/linux/errno.js";
import { O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from "../../src/linux/abi.js";
import { S_IFDIR, S_IFREG, type VfsFile } from "../../src/linux/vfs.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function readAll(f: VfsFile): string {
  const buf = new Uint8Array(100);
  const n = f.read(buf, 0);
  return new TextDecoder().decode(buf.subarray(0, n));
}

test("MemVfs: open/create/truncate/append, errors as negative errno", () => {
  const v = new MemVfs();
  assert.equal(v.open("/nope", O_RDONLY, 0), -ENOENT);
  assert.equal(v.open("/no/dir/file", O_CREAT | O_WRONLY, 0o644), -ENOENT);
  const f = v.open("/tmp/a", O_CREAT | O_RDWR, 0o644);
  assert.ok(typeof f !== "number");
  assert.equal(f.write(enc("hello"), null), 5);
  assert.equal(readAll(f), "hello");
  assert.equal(v.open("/tmp/a", O_CREAT | O_EXCL | O_WRONLY, 0o644), -EEXIST);
  const g = v.open("/tmp/a", O_WRONLY | O_APPEND, 0);
  assert.ok(typeof g !== "number");
  g.write(enc(", world"), null);
  assert.equal(readAll(f), "hello, world");
  // As on Linux, pwrite through an O_APPEND descriptor appends; writeAt (a shared mapping's
  // write-back) writes in place.
  g.write(enc("!"), 0);
  g.writeAt!(enc("H"), 0);
  assert.equal(readAll(f), "Hello, world!");
  v.open("/tmp/a", O_WRONLY | O_TRUNC, 0);
  g.write(enc("hello, world"), null);
  const st = v.stat("/tmp/a");
  assert.ok(typeof st !== "number");
  assert.equal(st.size, 12);
  assert.equal(st.mode & 0o170000, S_IFREG);
  const h = v.open("/tmp/a", O_WRONLY | O_TRUNC, 0);
  assert.ok(typeof h !== "number");
  assert.equal(readAll(f), "");
  assert.equal(f.seek(0, 2), 0);
  assert.equal(v.open("/tmp", O_WRONLY, 0), -EISDIR);
  assert.equal(v.open("/tmp/a", O_DIRECTORY, 0), -ENOTDIR);
});

test("MemVfs: directories, readdir, rename, unlink", () => {
  const v = new MemVfs();
  v.addFile("/prog", enc("\x7fELF"), 0o755);
  assert.equal(v.mkdir("/d", 0o755), 0);
  assert.equal(v.mkdir("/d", 0o755), -EEXIST);
  const d = v.stat("/d");
  assert.ok(typeof d !== "number" && (d.mode & 0o170000) === S_IFDIR);
  v.addFile("/d/x", enc("x"));
  assert.equal(v.rmdir("/d"), -ENOTEMPTY);
  assert.equal(v.rename("/d/x", "/d/y"), 0);
  const dir = v.open("/d", O_RDONLY | O_DIRECTORY, 0);
  assert.ok(typeof dir !== "number");
  const names = (dir.readdir() as { name: string }[]).map((e) => e.name);
  assert.deepEqual(names, [".", "..", "y"]);
  assert.equal(v.unlink("/d/y"), 0);
  assert.equal(v.rmdir("/d"), 0);
  assert.equal(v.access("/prog", 1), 0);
  const root = v.open("/", O_RDONLY | O_DIRECTORY, 0);
  assert.ok(typeof root !== "number");
  assert.ok((root.readdir() as { name: string }[]).some((e) => e.name === "prog"));
});

test("hello-go1.26 runs on the Machine with WebHost (the worker's setup)", { timeout: 120_000 }, async () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.26")));
  const out: Uint8Array[] = [];
  const host = new WebHost({ stdout: (b) => out.push(b), stderr: (b) => out.push(b), cpuCount: 2 });
  host.vfs.addFile("/prog", bytes, 0o755);
  const model: CpuModel = { vendor: "GenuineIntel", level: 1 };
  const m = createMachine({ host, bin: bytes, argv: ["/prog"], envp: ["HOME=/"], exePath: "/prog", model });
  const r = await m.run();
  assert.equal(r.status, 0);
  assert.equal(new TextDecoder().decode(Buffer.concat(out)), "hello, world\n");
  const rnd = new Uint8Array(100_000);
  host.randomFill(rnd);
  assert.ok(rnd.subarray(70_000).some((b) => b !== 0), "randomFill fills past getRandomValues' 64 KiB limit");
  const t = host.monotonicNs();
  assert.ok(t > 0 && host.monotonicNs() >= t);
});
