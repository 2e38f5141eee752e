// Memory and process limits (issue 17, item 10). `rt0 run --memory-limit` is each process's
// RLIMIT_AS and the bound on all guest pages together; `--process-limit` is RLIMIT_NPROC.
// Oracles: Go's own out-of-memory error natively under `ulimit -v` (the same limit); the
// documented defaults; and, where the program is unsafe natively (a fork bomb, pages past the
// limit, the host running out), what Linux does in that case: EAGAIN from fork at the limit,
// the OOM killer's SIGKILL, ENOMEM from fork; and Ctrl-C ending every process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { constants } from "node:os";
import { CLI } from "../helpers.js";
import { runProcess, runRt0, type Case } from "../cli/runharness.js";
import { goGuest, guest, haveGcc } from "./guests.js";

const noGcc = !haveGcc && "no gcc";

test("the documented defaults: RLIMIT_AS 4 GiB and RLIMIT_NPROC 256; --memory-limit and --process-limit set both limits", { skip: noGcc }, async () => {
  const bin = guest("memtouch")!;
  const c: Case = { name: "memtouch", args: ["limits"] };
  const def = await runRt0(bin, c);
  assert.equal(def.stdout, "RLIMIT_AS: 4294967296 4294967296\nRLIMIT_NPROC: 256 256\nRLIMIT_NOFILE: 1024 524288\n", def.stderr);
  const set = await runRt0(bin, c, undefined, ["--memory-limit", "1.5G", "--process-limit", "7"]);
  assert.equal(set.stdout, "RLIMIT_AS: 1610612736 1610612736\nRLIMIT_NPROC: 7 7\nRLIMIT_NOFILE: 1024 524288\n", set.stderr);
  for (const bad of [["--memory-limit", "lots"], ["--memory-limit", "1M"], ["--memory-limit", "2T"], ["--process-limit", "0"]]) {
    const r = await runRt0(bin, c, undefined, bad);
    assert.equal(r.status, 1, bad.join(" "));
    assert.match(r.stderr, /^rt0: --(memory|process)-limit must be .*\n$/);
  }
});

const goVersions = ["1.19", "1.26"].filter((v) => goGuest("memhog", v) !== undefined);

test("Go under --memory-limit sees ENOMEM from mmap and prints its own out-of-memory error, as natively under ulimit -v", { skip: goVersions.length === 0 && "no Go 1.19 or 1.26 in /usr/lib/go-1.NN" }, async () => {
  for (const v of goVersions) {
    const bin = goGuest("memhog", v)!;
    const kib = 1500000;
    const nat = await runProcess("/bin/sh", ["-c", `ulimit -v ${kib} && exec "$0"`, bin], { name: "memhog" }, 120_000);
    const emu = await runRt0(bin, { name: "memhog" }, undefined, ["--memory-limit", `${kib}k`]);
    // Go's "(N in use)" counts its heap: one 64 MiB block more or less where the limit falls
    // near a block boundary (rt0 maps an 8 MiB stack at once, Linux grows it).
    const head = (s: string): string[] => s.split("\n").slice(0, 2).map((l) => l.replace(/\(\d+ in use\)/, "(N in use)"));
    assert.deepEqual(head(emu.stderr), ["runtime: out of memory: cannot allocate 67108864-byte block (N in use)", "fatal error: out of memory"], `go${v}: ${emu.stderr.slice(0, 300)}`);
    assert.deepEqual(head(emu.stderr), head(nat.stderr), `go${v}`);
    assert.equal(emu.status, nat.status, `go${v}`);
    assert.equal(emu.status, 2);
    assert.match(emu.stdout, /allocated \d+ MiB\n$/);
  }
});

test("pages past --memory-limit across processes: the process that needs one is killed (SIGKILL) with one line, the others go on", { skip: noGcc }, async () => {
  const bin = guest("memtouch")!;
  const r = await runRt0(bin, { name: "memtouch", args: ["fork", "4", "64"] }, undefined, ["--deterministic", "--memory-limit", "192M"]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").sort();
  assert.ok(lines.includes("a child was killed by signal 9"), r.stdout);
  assert.ok(lines.includes("a child exited 0"), r.stdout);
  assert.equal(lines.length, 4);
  const killed = lines.filter((l) => l.endsWith("signal 9")).length;
  const said = r.stderr.split("\n").filter((l) => l !== "");
  assert.equal(said.length, killed, r.stderr);
  for (const l of said) assert.match(l, /^rt0: out of memory: killed process \d+ \(the guest's memory reached its limit of 192 MiB; see --memory-limit\)$/);
});

test("fork of a process whose pages would not fit under --memory-limit fails with ENOMEM", { skip: noGcc }, async () => {
  const bin = guest("memtouch")!;
  const r = await runRt0(bin, { name: "memtouch", args: ["forkafter", "100"] }, undefined, ["--memory-limit", "160M"]);
  assert.equal(r.stdout, "fork: Cannot allocate memory\n", r.stderr);
  assert.equal(r.status, 0);
  const ok = await runRt0(bin, { name: "memtouch", args: ["forkafter", "40"] }, undefined, ["--memory-limit", "160M"]);
  assert.equal(ok.stdout, "fork: ok\n", ok.stderr);
});

/** A fresh node's address-space size (VmSize in KiB), to give rt0 a host limit a little above. */
function nodeVmSizeKib(): number | undefined {
  if (!existsSync("/proc/self/status")) return undefined;
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(/VmSize:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1])"], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout) : undefined;
}

test("when the host itself runs out of memory: one line and exit status 71", { skip: (noGcc || nodeVmSizeKib() === undefined) && "needs gcc and /proc" }, async () => {
  const bin = guest("memtouch")!;
  // A fresh node's address space and 640 MiB more: less than the 10 GiB V8 reserves for the
  // guest's WebAssembly.Memory, so rt0 cannot make the address space. (Guest pages past what the
  // host gives once it runs end the same way, but only after a GiB of them: not tested here.)
  const kib = nodeVmSizeKib()! + 640 * 1024;
  const r = await runProcess("/bin/sh", ["-c", `ulimit -v ${kib} && exec "$0" "$1" run --memory-limit 64G "$2" grow 64`, process.execPath, CLI, bin], { name: "memtouch" }, 180_000);
  assert.equal(r.status, 71, r.stderr);
  assert.match(r.stderr, /^rt0: out of host memory: the host refused \d+ bytes for guest memory \(each guest address space is a WebAssembly\.Memory, for which V8 reserves 10 GiB of virtual address space: see ulimit -v\)\n$/);
  assert.equal(r.stdout, "");
});

/** Processes of user nobody now (RLIMIT_NPROC counts them all), or undefined without ps. */
function nobodyTasks(): number | undefined {
  const r = spawnSync("ps", ["-L", "-u", "nobody", "--no-headers"], { encoding: "utf8" });
  return r.status === null || r.error ? undefined : r.stdout.split("\n").filter((l) => l.trim() !== "").length;
}

const canSetpriv = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0 && spawnSync("prlimit", ["--version"]).status === 0 &&
  nobodyTasks() === 0;

test("threads count towards --process-limit: Go's own \"failed to create new OS thread\", as natively under ulimit -u", { skip: (!canSetpriv || goGuest("osthreads", "1.26") === undefined) && "needs root, setpriv, prlimit, no process of user nobody, and Go 1.26" }, async () => {
  const bin = goGuest("osthreads", "1.26")!;
  for (const n of [3, 6]) {
    // RLIMIT_NPROC binds an unprivileged user: run natively as nobody.
    // (prlimit, not a shell's ulimit: bash with a socket for stdin, as node gives it, reads
    // ~/.bashrc, which nobody may not read.)
    const nat = await runProcess("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "prlimit", `--nproc=${n}:${n}`, bin], { name: "osthreads" }, 60_000);
    const emu = await runRt0(bin, { name: "osthreads" }, undefined, ["--process-limit", String(n)]);
    const head = (s: string): string[] => s.split("\n").slice(0, 3);
    assert.match(nat.stderr, /^runtime: failed to create new OS thread \(have \d+ already; errno=11\)\n/, nat.stderr.slice(0, 300));
    assert.deepEqual(head(emu.stderr), head(nat.stderr), `limit ${n}`);
    assert.equal(emu.status, nat.status);
  }
});

/** Run a fork bomb under rt0 until `ready` says so from its output, then Ctrl-C it. */
function bomb(bin: string, args: string[], extra: string[], ready: (out: string) => boolean): Promise<{ out: string; status: number; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "run", ...extra, bin, ...args], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "", sent = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (!sent && ready(out)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ out, err, status: code ?? 128 + (signal ? constants.signals[signal] : 0) });
    });
  });
}

const count = (s: string, line: string): number => s.split("\n").filter((l) => l === line).length;

test("a fork bomb stops at --process-limit (fork: EAGAIN in every process) and Ctrl-C ends every guest process", { skip: noGcc }, async () => {
  const bin = guest("forkbomb")!;
  const r = await bomb(bin, [], ["--process-limit", "24"], (out) => count(out, "EAGAIN") === 24);
  assert.equal(count(r.out, "+"), 24, r.out);
  assert.equal(count(r.out, "EAGAIN"), 24);
  assert.equal(count(r.out, "other"), 0);
  assert.equal(r.status, 130, r.err);
  assert.equal(r.err, "");
});

test("the guest's own setrlimit(RLIMIT_NPROC) bounds its fork bomb the same way", { skip: noGcc }, async () => {
  const bin = guest("forkbomb")!;
  const r = await bomb(bin, ["6"], [], (out) => count(out, "EAGAIN") === 6);
  assert.equal(count(r.out, "+"), 6, r.out);
  assert.equal(r.status, 130, r.err);
});
