// Standard descriptors are what they are on the host (issue 19, item 2): a regular file with its
// size, inode and offset (seekable, pread, an O_APPEND stdout), /dev/null (a character device
// that seeks to 0), a pipe, a socket, a directory. The oracle is the native run of the same
// guest under the same shell redirections: test/testdata/guests/stdiokind.c reports fstat,
// F_GETFL, lseek, read, pread, poll and pwrite on its stdio; stdinkind.go makes the checks Go
// programs make ("is stdin a terminal, a pipe or a file?") before reading and seeking it.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../helpers.js";
import { goGuest, guest, haveGcc, scratch } from "./guests.js";

const GO = "1.26";
const { dir: work, done } = scratch("rt0-stdiokind-");
after(done);
const input = join(work, "input.txt");
writeFileSync(input, "hello world\n");

/** The redirections each guest runs under: stdin a file, /dev/null, a pipe, a directory, a
 *  read-write file; stdout a file (truncated, or appended to), a pipe or a socket (node's). */
const CASES: Array<{ name: string; sh: string; input?: string; onlyGo?: boolean }> = [
  { name: "stdin a file, stdout a file", sh: `<"$IN" >"$OUT"` },
  { name: "stdin a file opened read-write, stdout appended to a file", sh: `<>"$IN" >>"$OUT"` },
  { name: "stdin /dev/null", sh: "</dev/null" },
  { name: "stdin a pipe", sh: `<&- 0<<EOF\nhello world\nEOF` },
  // (Not for stdiokind.c: lseek(SEEK_END) on a directory answers what the file system says.)
  { name: "stdin a directory", sh: `<"$DIR"`, onlyGo: true },
  { name: "stdin and stdout sockets (node's spawn)", sh: "", input: "hello world\n" },
];

/** Run `cmd REDIRECTIONS` through sh in a fresh copy of the input; returns what it printed,
 *  its report file and the output file. */
function run(cmd: string[], c: { sh: string; input?: string }, tag: string): string {
  const out = join(work, `out-${tag}`), report = join(work, `report-${tag}`), inp = join(work, `in-${tag}`);
  writeFileSync(out, "start\n");
  writeFileSync(inp, readFileSync(input));
  rmSync(report, { force: true });
  const r = spawnSync("sh", ["-c", `exec "$@" ${c.sh}`, "sh", ...cmd.map((a) => a.replace("REPORT", report).replace("INPUT", inp))], {
    encoding: "utf8", input: c.input ?? "", env: { ...process.env, IN: inp, OUT: out, DIR: work },
  });
  assert.equal(r.status, 0, `${cmd.join(" ")} ${c.sh}: ${r.stderr}`);
  let rep = "";
  try {
    rep = readFileSync(report, "utf8");
  } catch {
    // the Go guest writes no report
  }
  return `stdout:\n${r.stdout}\nreport:\n${rep}\noutput file:\n${readFileSync(out, "utf8")}`;
}

test("stdio fstat, F_GETFL, lseek, read, pread, poll and pwrite as natively: a file, /dev/null, a pipe, a directory, sockets (stdiokind.c)", { skip: !haveGcc && "no gcc" }, () => {
  const exe = guest("stdiokind")!;
  for (const [i, c] of CASES.entries()) {
    if (c.onlyGo) continue;
    const native = run([exe, "REPORT", "INPUT"], c, `c${i}n`);
    const emu = run([process.execPath, CLI, "run", exe, "REPORT", "INPUT"], c, `c${i}e`);
    assert.equal(emu.replaceAll(`c${i}e`, `c${i}n`), native, c.name);
  }
  // What the cases show (so that a change in both runs is seen too).
  const file = run([exe, "REPORT", "INPUT"], CASES[0]!, "f");
  assert.match(file, /fd 0: regular file, size 12,/);
  assert.match(file, /stdin is .*: yes/);
  assert.match(file, /pread\(0, 4, 1\) +4\n {2}ello/);
  assert.match(run([exe, "REPORT", "INPUT"], CASES[2]!, "d"), /fd 0: character device, device 1:3/);
});

test("Go's os.Stdin.Stat, io.ReadAll and Seek as natively: a file, /dev/null, a pipe, a directory, sockets (stdinkind.go)", { skip: goGuest("stdinkind", GO) === undefined && `no Go ${GO}`, timeout: 300_000 }, () => {
  const exe = goGuest("stdinkind", GO)!;
  for (const [i, c] of CASES.entries()) {
    const native = run([exe], c, `g${i}n`);
    const emu = run([process.execPath, CLI, "run", exe], c, `g${i}e`);
    assert.equal(emu, native, c.name);
  }
  assert.match(run([exe], CASES[0]!, "gf"), /\/dev\/stdin: mode -rw-r--r--, size 12,[^\n]* regular true\n.*\nread 12 bytes \(<nil>\): "hello world\\n"\nseek to the start: 0, <nil>\nread again 12 bytes/);
});
