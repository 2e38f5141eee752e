// The --root sandbox under attack (issue 17): the symbolic-link race between two guests sharing
// a root, run end to end and against the Vfs directly (with /proc and without), for a bounded
// number of iterations here; RT0_RACE_SECONDS=60 runs the end-to-end race that long as well:
//   RT0_RACE_SECONDS=60 node --test dist/test/linux/sandbox.test.js
// Nothing may be created or read outside the root. Then names that must not be followed (EEXIST
// on a dangling link), against the native run; rmdir("/") and what a guest learns of its host at
// start-up (environment, argv[0], /proc/self/cmdline), against Linux in a chroot. The C programs
// are in test/testdata/sandbox.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CLI, TESTDATA, builtFixture } from "../helpers.js";
import { NodeVfs } from "../../src/host/node.js";
import { O_CREAT, O_RDONLY, O_WRONLY } from "../../src/linux/abi.js";

const haveGcc = spawnSync("gcc", ["--version"]).status === 0;
const noGcc = !haveGcc && "no gcc";
const SRC = join(TESTDATA, "sandbox");
const work = realpathSync(mkdtempSync(join(tmpdir(), "rt0-sandbox-")));
after(() => rmSync(work, { recursive: true, force: true }));

/** test/testdata/sandbox/NAME.c built static (a --root need not hold a C library). */
function cprog(name: string): string {
  const exe = join(work, name);
  if (!existsSync(exe)) {
    const r = spawnSync("gcc", ["-static", "-O1", "-Wall", "-o", exe, join(SRC, `${name}.c`)], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  }
  return exe;
}

interface Out {
  status: number | null;
  stdout: string;
  stderr: string;
}

function rt0Async(args: string[], cwd: string): Promise<Out> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, "run", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    c.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    c.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    c.on("error", reject);
    c.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The depth of race.c's chain of directories. */
const DEPTH = 16;

/** An empty root, and beside it (outside) a directory holding a/a/.../a/secret. */
function raceDirs(): { root: string; outside: string; bottom: string } {
  const base = mkdtempSync(join(work, "race-"));
  const root = join(base, "root"), outside = join(base, "outside"), bottom = join(outside, ...Array<string>(DEPTH).fill("a"));
  mkdirSync(root);
  mkdirSync(bottom, { recursive: true });
  writeFileSync(join(bottom, "secret"), "SECRET\n");
  return { root, outside, bottom };
}

function assertOutsideUntouched(outside: string): void {
  const all = readdirSync(outside, { recursive: true }).map(String).sort();
  const chain = Array.from({ length: DEPTH }, (_, i) => Array<string>(i + 1).fill("a").join("/"));
  assert.deepEqual(all, [...chain, `${chain[DEPTH - 1]}/secret`].sort(), "nothing created outside the root");
  assert.equal(readFileSync(join(outside, chain[DEPTH - 1]!, "secret"), "utf8"), "SECRET\n");
}

/** Two rt0 guests on one root: one flips d, the other opens d/a/.../x in a loop (`count`
 *  iterations, or -seconds). */
async function guestRace(count: number, note: (s: string) => void): Promise<void> {
  const prog = cprog("race");
  const { root, outside } = raceDirs();
  const flipping = rt0Async(["--root", root, prog, "flip", outside], root);
  // The opener makes "stop" when it is done; made here too, should it fail before.
  const opener = await rt0Async(["--root", root, prog, "open", String(count)], root);
  writeFileSync(join(root, "stop"), "");
  const flipper = await flipping;
  assert.equal(opener.stdout, "leaked 0\n", opener.stderr);
  assert.equal(opener.status, 0, opener.stderr);
  assert.match(opener.stderr, /^iterations \d+ created \d+ opened 0 mkdir \d+\n$/);
  assert.deepEqual(flipper, { status: 0, stdout: "flips done\n", stderr: "" });
  assertOutsideUntouched(outside);
  note(`opener: ${opener.stderr.trim()}`);
}

test("the symlink race between two guests on one root: nothing created or read outside (2000 iterations)", { skip: noGcc }, async (t) => {
  await guestRace(2000, (s) => t.diagnostic(s));
});

const raceSeconds = Number(process.env["RT0_RACE_SECONDS"] ?? 0);
test(`the symlink race for RT0_RACE_SECONDS (${raceSeconds || "unset: skipped"})`, { skip: (!raceSeconds && "RT0_RACE_SECONDS is not set") || noGcc, timeout: (raceSeconds + 120) * 1000 }, async (t) => {
  await guestRace(-raceSeconds, (s) => t.diagnostic(s));
});

for (const procFd of [true, false]) {
  test(`the Vfs against race.c's flipper run natively (${procFd ? "/proc/self/fd" : "without /proc"}): 5000 rounds`, { skip: noGcc }, async () => {
    const { root, outside } = raceDirs();
    const flipper = spawn(cprog("race"), ["flip", outside, "20"], { cwd: root, stdio: "ignore" });
    const done = new Promise((resolve) => flipper.on("close", resolve));
    try {
      while (!existsSync(join(root, "started"))) await new Promise((r) => setTimeout(r, 5));
      const v = new NodeVfs(root, { procFd });
      const buf = new Uint8Array(64), bottom = "/d" + "/a".repeat(DEPTH);
      for (let i = 0; i < 5000; i++) {
        const w = v.open(`${bottom}/x`, O_CREAT | O_WRONLY, 0o644);
        if (typeof w !== "number") w.close();
        const r = v.open(`${bottom}/secret`, O_RDONLY, 0);
        if (typeof r !== "number") {
          const n = r.read(buf, 0);
          r.close();
          assert.fail(`opened a file outside the root: ${new TextDecoder().decode(buf.subarray(0, Math.max(n, 0)))}`);
        }
        assert.equal(typeof v.stat(`${bottom}/secret`, true), "number", "stat outside the root");
        if (v.mkdir(`${bottom}/m`, 0o755) === 0) v.rmdir(`${bottom}/m`);
      }
    } finally {
      writeFileSync(join(root, "stop"), "");
      await done;
    }
    assertOutsideUntouched(outside);
  });
}

/** A program run in a fresh empty directory (also its --root when `root`): what it printed and
 *  what it left behind. */
function inEmptyDir(cmd: (dir: string) => string[]): Out & { left: string[] } {
  const dir = mkdtempSync(join(work, "names-"));
  const [exe, ...args] = cmd(dir);
  const r = spawnSync(exe!, args, { cwd: dir, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, left: readdirSync(dir) };
}

test("a dangling symbolic link is a name: O_CREAT|O_EXCL, mknod, mkfifo and mkdir say EEXIST; symlink (88) works; rt0 and rt0 --root as natively", { skip: noGcc }, () => {
  const prog = cprog("names");
  const native = inEmptyDir(() => [prog]);
  assert.match(native.stdout, /open\(dl, O_CREAT\|O_EXCL\) +-1 File exists\nmknod/);
  assert.deepEqual(inEmptyDir(() => [process.execPath, CLI, "run", prog]), native);
  assert.deepEqual(inEmptyDir((dir) => [process.execPath, CLI, "run", "--root", dir, prog]), native);
});

const GOLDEN_ROOT = join(SRC, "rmdir-root.txt");

test('rmdir("/") and the root\'s other names under --root: as Linux in a chroot (EBUSY), the host directory stays', { skip: noGcc }, () => {
  const prog = cprog("names"), root = mkdtempSync(join(work, "emptyroot-"));
  const r = spawnSync(process.execPath, [CLI, "run", "--root", root, prog, "rmdir-root"], { encoding: "utf8" });
  const golden = readFileSync(GOLDEN_ROOT, "utf8");
  assert.deepEqual({ status: r.status, stdout: r.stdout, stderr: r.stderr }, { status: 0, stdout: golden, stderr: "" });
  assert.deepEqual(readdirSync(root), [], "the root is still there, empty");
  // The oracle itself where this host lets us chroot (make-golden.sh recorded it so).
  const jail = mkdtempSync(join(work, "chroot-"));
  copyFileSync(prog, join(jail, "names"));
  const native = spawnSync("chroot", [jail, "/names", "rmdir-root"], { encoding: "utf8" });
  if (native.status === 0) assert.equal(native.stdout, golden);
});

/** rt0 (or anything) run with exactly this environment. */
function runEnv(args: string[], env: Record<string, string>): Out {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8", env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("--root: the guest starts with an empty environment (--env, --inherit-env add to it) and sees no host path in argv[0] or /proc/self/cmdline, as in a chroot", { skip: noGcc }, () => {
  const root = mkdtempSync(join(work, "envroot-"));
  mkdirSync(join(root, "bin"));
  const prog = join(root, "bin", "envargs");
  copyFileSync(cprog("envargs"), prog);
  const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", RT0_SECRET: "s3cret" };
  const rt0 = (...args: string[]): Out => runEnv([process.execPath, CLI, "run", ...args], env);
  const clean = "argv[0] /bin/envargs\ncmdline /bin/envargs x \nexe /bin/envargs\n";
  assert.deepEqual(rt0("--root", root, prog, "x"), { status: 0, stdout: clean, stderr: "" });
  const jail = runEnv(["chroot", root, "/bin/envargs", "x"], {});
  if (jail.status === 0) assert.equal(jail.stdout, clean, "the chroot oracle");
  assert.equal(rt0("--root", root, "--env", "A=1", "--env", "RT0_SECRET", "--env", "RT0_UNSET", prog, "x").stdout,
    "argv[0] /bin/envargs\nenv A=1\nenv RT0_SECRET=s3cret\ncmdline /bin/envargs x \nexe /bin/envargs\n");
  assert.match(rt0("--root", root, "--inherit-env", prog).stdout, /^env RT0_SECRET=s3cret$/m);
  // A binary outside the root is seen at /NAME.
  assert.equal(rt0("--root", root, cprog("envargs")).stdout, "argv[0] /envargs\ncmdline /envargs \nexe /envargs\n");
  // Without --root: rt0's environment and the host path, as a native run shows them.
  assert.deepEqual(rt0(prog, "x"), runEnv([prog, "x"], env));
  assert.equal(rt0("--clear-env", prog).stdout, `argv[0] ${prog}\ncmdline ${prog} \nexe ${prog}\n`);
  assert.deepEqual(rt0("--root", root, "--clear-env", "--inherit-env", prog), { status: 1, stdout: "", stderr: "rt0: --clear-env and --inherit-env contradict each other\n" });
});

const readfile = builtFixture("1.26", "readfile");
test("rt0 boot and rt0 stacks take --root: the guest sees only that directory", { skip: !readfile && "fixtures/build is absent" }, () => {
  const root = mkdtempSync(join(work, "obsroot-"));
  const prog = join(root, "readfile");
  copyFileSync(readfile!, prog);
  writeFileSync(join(root, "in.txt"), "inside");
  const want = 'open /etc/passwd: no such file or directory\n/in.txt: 6 bytes: "inside"\n';
  const stacks = runEnv([process.execPath, CLI, "stacks", "--root", root, "--output", join(work, "stacks.txt"), prog, "/etc/passwd", "/in.txt"], {});
  assert.deepEqual(stacks, { status: 0, stdout: want, stderr: "" });
  const boot = runEnv([process.execPath, CLI, "boot", "--json", "--root", root, prog, "/etc/passwd", "/in.txt"], {});
  assert.equal(boot.status, 0, boot.stderr);
  const out = boot.stdout.split("\n").filter((l) => l.includes('"event":"output"')).map((l) => JSON.parse(l) as { stdout: string });
  assert.deepEqual(out.map((e) => e.stdout), [want]);
});
