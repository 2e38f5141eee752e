// --cpu-level and GOAMD64: what each level advertises through CPUID (read by a C program with
// gcc's __builtin_cpu_supports, and by Go's own start-up check), and the one-line hint rt0 gives
// when a program was built for more than it advertises. The native runs (this host has AVX2)
// are the oracle for the programs that do run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildC, buildGo, goTool, haveGcc, scratch, start } from "../linux/guests.js";

const HELLO = `package main

import "fmt"

func main() { fmt.Println("hello, world") }
`;

const GO_REFUSES = (v: string): string => `This program can only be run on AMD64 processors with ${v} microarchitecture support.\n`;

test("GOAMD64=v2 runs with --cpu-level v2 as natively; with v1, Go refuses it and rt0 names the flag", { skip: !goTool && "no Go toolchain" }, async () => {
  const s = scratch("rt0-cpulevel-");
  try {
    const exe = buildGo(s.dir, "hello-v2", HELLO, { GOAMD64: "v2" });
    const nat = await start(exe, []).done;
    assert.deepEqual(await start(exe, [], { rt0: ["--cpu-level", "v2"] }).done, nat);
    const v1 = await start(exe, [], { rt0: [] }).done;
    assert.equal(v1.status, 1);
    assert.equal(v1.stdout, "");
    assert.match(v1.stderr, /^rt0: .*hello-v2: built for GOAMD64=v2, more than --cpu-level v1 advertises: run it with --cpu-level v2$/m);
    assert.ok(v1.stderr.endsWith(GO_REFUSES("v2")), v1.stderr);
  } finally {
    s.done();
  }
});

test("GOAMD64=v3 is refused by Go's start-up check even with --cpu-level v3 (no AVX2 yet), and rt0 says why", { skip: !goTool && "no Go toolchain" }, async () => {
  const s = scratch("rt0-cpulevel-");
  try {
    const exe = buildGo(s.dir, "hello-v3", HELLO, { GOAMD64: "v3" });
    const nat = await start(exe, []).done;
    assert.equal(nat.stdout, "hello, world\n", "the host runs GOAMD64=v3 (AVX2)");
    for (const level of ["v1", "v2", "v3"]) {
      const r = await start(exe, [], { rt0: ["--cpu-level", level] }).done;
      assert.equal(r.status, 1, level);
      assert.equal(r.stdout, "", level);
      assert.match(r.stderr, /^rt0: .*hello-v3: built for GOAMD64=v3, which needs AVX, AVX2 and FMA: rt0 does not implement them yet \(issue 19\), so Go's start-up check refuses it; --cpu-level v3 advertises v2 plus BMI1, BMI2, ADX, LZCNT and MOVBE$/m, level);
      assert.ok(r.stderr.endsWith(GO_REFUSES("v3")), r.stderr);
    }
    const quiet = await start(exe, [], { rt0: ["--cpu-level", "v3", "--quiet"] }).done;
    assert.equal(quiet.stderr, GO_REFUSES("v3"));
  } finally {
    s.done();
  }
});

test("what each --cpu-level advertises, as a C program's __builtin_cpu_supports sees it", { skip: !haveGcc && "no gcc" }, async () => {
  const s = scratch("rt0-cpulevel-");
  try {
    const exe = buildC(s.dir, "features", `#include <stdio.h>
int main(void) {
  __builtin_cpu_init();
#define F(x) printf("%s=%d ", x, __builtin_cpu_supports(x) != 0)
  F("sse3"); F("ssse3"); F("sse4.1"); F("sse4.2"); F("popcnt"); F("aes"); F("pclmul");
  F("bmi"); F("bmi2"); F("movbe"); F("avx"); F("avx2"); F("fma");
  printf("\\n");
  return 0;
}
`);
    const got: Record<string, string> = {};
    for (const level of ["v1", "v2", "v3"]) got[level] = (await start(exe, [], { rt0: ["--cpu-level", level] }).done).stdout;
    const v2 = "sse3=1 ssse3=1 sse4.1=1 sse4.2=1 popcnt=1 aes=1 pclmul=1";
    assert.deepEqual(got, {
      v1: "sse3=0 ssse3=0 sse4.1=0 sse4.2=0 popcnt=0 aes=0 pclmul=0 bmi=0 bmi2=0 movbe=0 avx=0 avx2=0 fma=0 \n",
      v2: `${v2} bmi=0 bmi2=0 movbe=0 avx=0 avx2=0 fma=0 \n`,
      v3: `${v2} bmi=1 bmi2=1 movbe=1 avx=0 avx2=0 fma=0 \n`,
    });
  } finally {
    s.done();
  }
});
