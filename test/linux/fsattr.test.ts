// The Node host's attribute operations and name rules: hard links, chown, times with exact
// nanoseconds (and one left alone), a trailing "/" or "/." handed on to the host kernel (also
// under --root), descriptors that know their directory's current name, and paths longer than
// PATH_MAX reached in pieces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, realpathSync, statSync, renameSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { NodeVfs } from "../../src/host/node.js";
import { O_DIRECTORY, O_RDONLY } from "../../src/linux/abi.js";

const ENOENT = 2, EEXIST = 17, ENOTDIR = 20, EINVAL = 22;

function tmp(): { dir: string; done: () => void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "rt0-fsattr-")));
  // rm(1), not fs.rmSync: Node's recursive removal fails beyond PATH_MAX.
  return { dir, done: () => execFileSync("rm", ["-rf", dir]) };
}

for (const [rooted, procFd] of [[false, true], [true, true], [true, false]]) {
  const label = rooted ? (procFd ? " (--root)" : " (--root, without /proc)") : "";
  test(`link, chown and exact times${label}`, () => {
    const t = tmp();
    try {
      const v = new NodeVfs(rooted ? t.dir : undefined, { procFd }), g = rooted ? "" : t.dir;
      writeFileSync(join(t.dir, "a"), "x");
      assert.equal(v.link!(`${g}/a`, `${g}/b`, false), 0);
      assert.equal(v.link!(`${g}/a`, `${g}/b`, false), -EEXIST);
      assert.equal(statSync(join(t.dir, "a")).nlink, 2);
      assert.equal(v.chown!(`${g}/a`, true, -1, -1), 0);
      assert.equal(v.chown!(`${g}/nope`, true, -1, -1), -ENOENT);
      assert.equal(v.utimes!(`${g}/a`, true, { sec: 1234567890, nsec: 123456789 }, { sec: 1000000000, nsec: 987654321 }), 0);
      let st = statSync(join(t.dir, "a"), { bigint: true });
      assert.equal(st.atimeNs, 1234567890123456789n);
      assert.equal(st.mtimeNs, 1000000000987654321n);
      assert.equal(v.utimes!(`${g}/a`, true, null, { sec: 5, nsec: 0 }), 0, "atime omitted");
      st = statSync(join(t.dir, "a"), { bigint: true });
      assert.equal(st.atimeNs, 1234567890123456789n);
      assert.equal(st.mtimeNs, 5000000000n);
      assert.equal(v.utimes!(`${g}/nope`, true, { sec: 1, nsec: 1 }, null), -ENOENT);
    } finally {
      t.done();
    }
  });

  test(`a trailing "/" or "/." reaches the host's rules${label}`, () => {
    const t = tmp();
    try {
      const v = new NodeVfs(rooted ? t.dir : undefined, { procFd }), g = rooted ? "" : t.dir;
      writeFileSync(join(t.dir, "f"), "x");
      mkdirSync(join(t.dir, "d"));
      symlinkSync("d", join(t.dir, "ld"));
      assert.equal(v.stat(`${g}/f/`, false), -ENOTDIR);
      assert.equal(v.open(`${g}/f/.`, O_RDONLY, 0), -ENOTDIR);
      assert.equal(v.rmdir(`${g}/d/.`), -EINVAL);
      assert.equal(v.unlink(`${g}/f/`), -ENOTDIR);
      const st = v.stat(`${g}/ld/`, false);
      assert.ok(typeof st !== "number" && (st.mode & 0o170000) === 0o040000, "a trailing slash follows the link");
      assert.equal(v.mkdir(`${g}/m/`, 0o755), 0);
    } finally {
      t.done();
    }
  });
}

test("an open directory reports where it is now (renamed after open)", () => {
  const t = tmp();
  try {
    const v = new NodeVfs(t.dir);
    mkdirSync(join(t.dir, "a"));
    const f = v.open("/a", O_RDONLY | O_DIRECTORY, 0);
    assert.ok(typeof f !== "number");
    assert.equal(f.currentPath!(), "/a");
    renameSync(join(t.dir, "a"), join(t.dir, "b"));
    assert.equal(f.currentPath!(), "/b");
    f.close();
  } finally {
    t.done();
  }
});

test("paths longer than PATH_MAX work (mkdir, open, stat, readdir, rename, unlink)", () => {
  const t = tmp();
  try {
    const v = new NodeVfs();
    const name = "y".repeat(200);
    let p = t.dir;
    for (let i = 0; i < 25; i++) {
      p += "/" + name;
      assert.equal(v.mkdir(p, 0o755), 0, `depth ${i}`);
    }
    assert.ok(p.length > 4096);
    const f = v.open(p + "/file", 0o101 /* O_WRONLY|O_CREAT */, 0o644);
    assert.ok(typeof f !== "number");
    assert.equal(f.write(new TextEncoder().encode("deep"), null), 4);
    f.close();
    const st = v.stat(p + "/file", true);
    assert.ok(typeof st !== "number" && st.size === 4);
    const d = v.open(p, O_RDONLY | O_DIRECTORY, 0);
    assert.ok(typeof d !== "number");
    const names = d.readdir();
    assert.ok(Array.isArray(names) && names.some((e) => e.name === "file"));
    d.close();
    assert.equal(v.rename(p + "/file", p + "/file2"), 0);
    assert.equal(v.unlink(p + "/file2"), 0);
    assert.equal(v.stat(p + "/file2", true), -ENOENT);
  } finally {
    t.done();
  }
});
