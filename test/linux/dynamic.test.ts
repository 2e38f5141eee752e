// Dynamically linked programs under `rt0 run`: the PT_INTERP interpreter (glibc's ld.so) is
// loaded from the guest file system and does the rest. The oracle is the native run: a C program
// built here with gcc, the cgo fixture (fixtures/src/cgohello) of every toolchain, and Debian's
// dynamically linked go command. A missing or broken interpreter is one clear line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { GO_VERSIONS, builtFixture, runCli } from "../helpers.js";
import { pool, runNative, runRt0, type Case } from "../cli/runharness.js";

const haveGcc = spawnSync("gcc", ["--version"]).status === 0;

test("a C program built with gcc (dynamically linked, PIE: threads, printf of doubles, libm, dlopen, fork, system) runs as natively", { skip: !haveGcc && "no gcc" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0-dyn-"));
  try {
    writeFileSync(join(dir, "c.c"), `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include <dlfcn.h>
#include <unistd.h>
#include <sys/wait.h>
static void *work(void *p) { return (void *)(strlen((const char *)p) * 2); }
int main(int argc, char **argv) {
  pthread_t t; void *r;
  pthread_create(&t, NULL, work, argv[0]);
  pthread_join(t, &r);
  char *s = malloc(100000);
  snprintf(s, 100000, "argc=%d last=%s env=%s", argc, argv[argc - 1], getenv("RT0_DYN"));
  puts(s);
  volatile double x = 0.5;
  printf("%f %.17g %e sin=%.15f\\n", 3.14159, strtod("0.1", NULL), 1e300, sin(x));
  void *m = dlopen("libm.so.6", RTLD_NOW);
  double (*cosp)(double) = (double (*)(double))dlsym(m, "cos");
  printf("dlopen: cos=%.15f\\n", cosp(x));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) { printf("forked child\\n"); fflush(stdout); _exit(5); }
  int st;
  waitpid(pid, &st, 0);
  printf("fork: child exited %d\\n", WEXITSTATUS(st));
  fflush(stdout);
  printf("system: %d\\n", WEXITSTATUS(system("echo from sh; exit 3")));
  fprintf(stderr, "thread said %ld\\n", (long)r);
  free(s);
  return 42;
}
`);
    const exe = join(dir, "c");
    const cc = spawnSync("gcc", ["-O1", "-pthread", "-o", exe, join(dir, "c.c"), "-lm", "-ldl"], { encoding: "utf8" });
    assert.equal(cc.status, 0, cc.stderr);
    const c: Case = { name: "c", args: ["one", "two words"], env: { RT0_DYN: "yes" } };
    const [nat, emu] = [await runNative(exe, c), await runRt0(exe, c)];
    assert.deepEqual(emu, nat);
    assert.equal(nat.status, 42);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

const cgo = GO_VERSIONS.map((v) => [v, builtFixture(v, "cgohello")] as const).filter((x): x is [typeof x[0], string] => x[1] !== undefined);

test("the cgo fixture (CGO_ENABLED=1) of every toolchain equals its native run", { skip: cgo.length === 0 && "fixtures/build has no cgohello (tools/build-fixtures.sh, with gcc)" }, async () => {
  const c: Case = { name: "cgohello" };
  const results = await pool(2, cgo.map(([v, bin]) => async () => ({ v, nat: await runNative(bin, c), emu: await runRt0(bin, c) })));
  for (const { v, nat, emu } of results) {
    assert.equal(emu.stdout, nat.stdout, `go${v} stdout`);
    assert.equal(emu.stderr, nat.stderr, `go${v} stderr`);
    assert.equal(emu.status, nat.status, `go${v} status`);
    assert.match(nat.stdout, /getaddrinfo\(localhost\): 127\.0\.0\.1/);
  }
});

test("#! scripts run by a dynamically linked /bin/sh: interpreter, its argument, nesting, as natively", { skip: !existsSync("/bin/sh") && "no /bin/sh" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "rt0-script-"));
  try {
    const s1 = join(dir, "s1"), s2 = join(dir, "s2"), s3 = join(dir, "s3"), run = join(dir, "run.sh");
    writeFileSync(s1, '#!/bin/sh\necho "script: $0 [$1] [$2]"; exit 4\n', { mode: 0o755 });
    writeFileSync(s2, `#!${s1} -opt\n`, { mode: 0o755 });
    writeFileSync(s3, "#!  /bin/echo   one  two  \n", { mode: 0o755 });
    writeFileSync(run, `${s1} a "b c"; echo "rc $?"\n${s2} x; echo "rc $?"\n${s3} x y; echo "rc $?"\n`);
    const c: Case = { name: "sh", args: [run] };
    const [nat, emu] = [await runNative("/bin/sh", c), await runRt0("/bin/sh", c)];
    assert.deepEqual(emu, nat);
    assert.match(nat.stdout, /script: .*s1 \[-opt\] \[.*s2\]\nrc 4\n/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

const GO119 = "/usr/lib/go-1.19/bin/go";
for (const args of [["version"], ["env", "GOROOT"]]) {
  test(`Debian's dynamically linked go command: go ${args.join(" ")} as natively`, { skip: !existsSync(GO119) && `${GO119} is absent` }, async () => {
    const c: Case = { name: "go", args };
    const [nat, emu] = [await runNative(GO119, c), await runRt0(GO119, c)];
    assert.deepEqual(emu, nat);
    assert.equal(nat.status, 0);
  });
}

test("--root without the interpreter, or with a broken one: one clear line, exit 1", { skip: !haveGcc && !existsSync("/bin/true") && "no dynamically linked program" }, () => {
  const root = mkdtempSync(join(tmpdir(), "rt0-dynroot-"));
  try {
    const prog = join(root, "true");
    copyFileSync(["/bin/true", "/usr/bin/true"].find((p) => existsSync(p))!, prog);
    const r = runCli(["run", "--root", root, prog]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `rt0: ${prog}: dynamically linked: interpreter /lib64/ld-linux-x86-64.so.2 not found (with --root, copy it and the libraries into the root)\n`);
    mkdirSync(join(root, "lib64"));
    writeFileSync(join(root, "lib64", "ld-linux-x86-64.so.2"), "not an ELF file\n");
    const b = runCli(["run", "--root", root, prog]);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /^rt0: .*true: dynamically linked: interpreter \/lib64\/ld-linux-x86-64\.so\.2: not an ELF file .*\n$/);
  } finally {
    rmSync(root, { recursive: true });
  }
});
