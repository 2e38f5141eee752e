// The Node host's file system confined by --root: no path, "..", or symbolic link (absolute or
// relative, direct or chained) reaches outside the root; inside, files behave as on the host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { NodeVfs } from "../../src/host/node.js";
import { joinPath, cleanPath } from "../../src/linux/vfs.js";

const ENOENT = 2, EXDEV = 18, ENOTDIR = 20, ELOOP = 40;

function fixture(): { root: string; outside: string; done: () => void } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "rt0-vfs-")));
  const root = join(base, "root"), outside = join(base, "secret.txt");
  mkdirSync(join(root, "d", "e"), { recursive: true });
  writeFileSync(outside, "secret");
  writeFileSync(join(root, "d", "in.txt"), "inside");
  symlinkSync(outside, join(root, "abs"));
  symlinkSync("../secret.txt", join(root, "rel"));
  symlinkSync("../../../secret.txt", join(root, "d", "e", "deep"));
  symlinkSync("/d/in.txt", join(root, "d", "absin"));
  symlinkSync("e/../in.txt", join(root, "d", "relin"));
  symlinkSync("loop2", join(root, "loop1"));
  symlinkSync("loop1", join(root, "loop2"));
  symlinkSync("/d", join(root, "dirlink"));
  return { root, outside, done: () => rmSync(base, { recursive: true }) };
}

for (const procFd of [true, false]) {
const how = procFd ? "" : " (without /proc)";
test(`paths outside the root are unreachable: /etc/passwd, ../../x, escaping symlinks${how}`, () => {
  const f = fixture();
  try {
    const v = new NodeVfs(f.root, { procFd });
    for (const p of ["/etc/passwd", "/../secret.txt", "/../../x", "/abs", "/rel", "/d/e/deep", "/d/../../secret.txt"]) {
      assert.equal(v.open(p, 0, 0), -ENOENT, p);
      assert.equal(v.stat(p, true), -ENOENT, p);
    }
    assert.equal(typeof v.stat("/../../d/in.txt", true), "object", "/.. is / inside the root");
    assert.equal(v.stat("/abs", true), -ENOENT, "absolute links resolve inside the root, where /tmp does not exist");
    assert.equal(v.readlink("/abs"), f.outside, "readlink shows the link text, as Linux does");
    assert.equal(v.open("/loop1", 0, 0), -ELOOP);
    assert.equal(v.open("/d/in.txt/x", 0, 0), -ENOTDIR);
    assert.equal(v.mkdir("/../escape", 0o755), 0, "creating at /.. creates inside the root");
    assert.equal(v.stat("/escape", true) !== -ENOENT, true);
  } finally {
    f.done();
  }
});

test(`inside the root: files, directories and symlinks work${how}`, () => {
  const f = fixture();
  try {
    const v = new NodeVfs(f.root, { procFd });
    for (const p of ["/d/in.txt", "/d/absin", "/d/relin", "/dirlink/in.txt", "/d/e/../in.txt"]) {
      const h = v.open(p, 0, 0);
      assert.ok(typeof h !== "number", p);
      const buf = new Uint8Array(16);
      assert.equal(h.read(buf, null), 6);
      assert.equal(new TextDecoder().decode(buf.subarray(0, 6)), "inside");
      h.close();
    }
    const d = v.open("/d", 0o200000, 0);
    assert.ok(typeof d !== "number" && d.isDir);
    const names = (d.readdir() as { name: string }[]).map((e) => e.name).sort();
    assert.deepEqual(names, [".", "..", "absin", "e", "in.txt", "relin"]);
    const w = v.open("/d/new.txt", 0o101, 0o644);
    assert.ok(typeof w !== "number");
    assert.equal(w.write(new TextEncoder().encode("abc"), null), 3);
    w.close();
    // Without /proc only one directory is held at a time: EXDEV between two, as across file
    // systems (programs copy then).
    const moved = procFd ? "/d/e/moved.txt" : "/d/moved.txt";
    if (!procFd) {
      assert.equal(v.rename("/d/new.txt", "/d/e/moved.txt"), -EXDEV);
      assert.equal(v.link!("/d/new.txt", "/d/e/linked.txt", false), -EXDEV);
    }
    assert.equal(v.rename("/d/new.txt", moved), 0);
    assert.equal(v.unlink(moved), 0);
    assert.equal(v.unlink(moved), -ENOENT);
  } finally {
    f.done();
  }
});

}

test("guest path helpers", () => {
  assert.equal(joinPath("/a/b", "c/./d"), "/a/b/c/d");
  assert.equal(joinPath("/a", "/x//y/"), "/x/y");
  assert.equal(joinPath("/", "x"), "/x");
  assert.equal(cleanPath("/proc/self/../self/exe"), "/proc/self/exe");
  assert.equal(cleanPath("/../.."), "/");
});
