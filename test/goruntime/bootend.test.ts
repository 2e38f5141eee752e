// rt0 boot of programs that do not end by returning from main.main: a nil dereference (SIGSEGV
// turned into a panic, exit 2), os.Exit(3), and death by SIGKILL. The exit step must say how the
// program ended and rt0 boot must exit with the program's status; the native run is the oracle
// for the status and for what the program printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildGo, goTool, scratch, start } from "../linux/guests.js";
import { builtFixture, runCli } from "../helpers.js";

interface Ev {
  event: string;
  id?: string;
  title?: string;
  story?: string;
  values?: Record<string, string | number | boolean>;
  stdout?: string;
  stderr?: string;
  status?: number;
}

const PROGRAMS: Record<string, string> = {
  nilderef: `package main

import "fmt"

type T struct{ x int }

//go:noinline
func deref(p *T) int { return p.x }

func main() {
	fmt.Println("about to dereference nil")
	fmt.Println(deref(nil))
}
`,
  osexit: `package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred: never printed")
	fmt.Println("exiting with 3")
	os.Exit(3)
}
`,
  sigkill: `package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	fmt.Println("killing myself")
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}
`,
  returns: `package main

import "fmt"

func main() {
	defer func() { fmt.Println("recovered:", recover()) }()
	var p *int
	fmt.Println(*p)
}
`,
};

function boot(exe: string, json: boolean): { status: number | null; stdout: string; stderr: string } {
  return runCli(["boot", ...(json ? ["--json"] : []), exe], { timeoutMs: 300_000 });
}

test("rt0 boot says how a program ended (panic, os.Exit, a signal, main.main returning) and exits with its status", { skip: !goTool && "no Go toolchain" }, async () => {
  const s = scratch("rt0-bootend-");
  try {
    const want: Record<string, { status: number; endedBy: RegExp; story: RegExp; title: RegExp }> = {
      nilderef: {
        status: 2, endedBy: /^panic$/,
        story: /^main\.main did not return: a panic nobody recovered \(panic: runtime error: invalid memory address or nil pointer dereference; \[signal SIGSEGV: segmentation violation .*\]\)\. The runtime printed it with the goroutine trace and called exit\(2\), which is exit_group on Linux: every thread ends\.$/,
        title: /^exit_group\(2\): the process ends$/,
      },
      osexit: {
        status: 3, endedBy: /^os\.Exit\(3\)$/,
        story: /^main\.main called os\.Exit\(3\): exit_group\(3\) ends every thread at once; deferred functions do not run\.$/,
        title: /^exit_group\(3\): the process ends$/,
      },
      sigkill: {
        status: 137, endedBy: /^signal SIGKILL$/,
        story: /^The process was killed by SIGKILL \(signal 9\): no exit_group; a shell sees status 128\+9 = 137\.$/,
        title: /^killed by SIGKILL: the process ends$/,
      },
      returns: {
        status: 0, endedBy: /^main\.main returned$/,
        story: /^main\.main returned; runtime\.main calls exit\(0\), which is exit_group on Linux: every thread ends\.$/,
        title: /^exit_group\(0\): the process ends$/,
      },
    };
    for (const [name, w] of Object.entries(want)) {
      const exe = buildGo(s.dir, name, PROGRAMS[name]!);
      const nat = await start(exe, []).done;
      assert.equal(nat.status, w.status, `${name}: native status`);
      const r = boot(exe, true);
      assert.equal(r.status, nat.status, `${name}: rt0 boot exits with the program's status; stderr ${r.stderr}`);
      const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Ev);
      const out = events.find((e) => e.event === "output")!;
      assert.equal(out.stdout, nat.stdout, `${name}: stdout`);
      // Addresses in a goroutine trace differ between runs (pc=, sp=): compare the first lines.
      assert.equal(out.stderr!.split("\n").slice(0, 2).join("\n"), nat.stderr.split("\n").slice(0, 2).join("\n"), `${name}: stderr`);
      const exit = events.find((e) => e.id === "exit")!;
      assert.match(String(exit.values!["ended by"]), w.endedBy, name);
      assert.equal(exit.values!["exit status"], nat.status, name);
      assert.match(exit.story!, w.story, name);
      assert.match(exit.title!, w.title, name);
      assert.equal(events.at(-1)!.status, nat.status, `${name}: end event`);
      if (name === "nilderef") {
        const text = boot(exe, false);
        assert.equal(text.status, 2);
        assert.match(text.stdout, /^17\. exit_group\(2\): the process ends\n {4}main\.main did not return: a panic nobody recovered/m);
        assert.doesNotMatch(text.stdout, /main\.main returned/);
      }
    }
  } finally {
    s.done();
  }
});

for (const v of ["1.19", "1.26"]) {
  const panic = builtFixture(v, "panic"), exit3 = builtFixture(v, "exit3");
  test(`rt0 boot go${v}: the panic fixture ends by a panic (exit 2), exit3 by os.Exit(3), as natively`, { skip: (!panic || !exit3) && "fixtures not built (tools/build-fixtures.sh)" }, async () => {
    for (const [exe, by] of [[panic!, "panic"], [exit3!, "os.Exit(3)"]] as const) {
      const nat = await start(exe, []).done;
      const r = boot(exe, true);
      assert.equal(r.status, nat.status, exe);
      const exit = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Ev).find((e) => e.id === "exit")!;
      assert.equal(exit.values!["ended by"], by, exe);
    }
  });
}
