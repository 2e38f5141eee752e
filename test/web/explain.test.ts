// The explorer's explanations without a browser (src/web): the pictures carry exactly the values
// of `rt0 boot --json` on the same run (argv, environment and root as the page's worker sets
// them), titled; instructions in Go syntax and their file:line equal go tool objdump's (the
// committed golden listing); g statuses and wait reasons are the runtime's own words (its
// source, where the toolchains are installed); breakpoint names resolve the forgiving way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FIXTURE_BIN, TESTDATA, runCli } from "../helpers.js";
import { bootAsThePage as pageRun } from "./pagerun.js";
import { openBinary } from "../../src/gobin/binary.js";
import type { BootEvent } from "../../src/goruntime/boot.js";
import { STACK_SIZE, STACK_TOP } from "../../src/linux/loader.js";
import { Annotator } from "../../src/web/annotate.js";
import { cpuidPicture, g0StackPicture, growthPicture, linksPicture, sizeText, tlsPicture } from "../../src/web/pictures.js";
import { sourceUrl, termsIn } from "../../src/web/words.js";
import type { StackEvent } from "../../src/goruntime/stacks.js";

const bootAsThePage = (bin: string, vendor: "intel" | "amd" = "intel"): BootEvent[] => pageRun(join(FIXTURE_BIN, bin), vendor);

/** Every tag of an SVG string closes in order (well-formed enough for the HTML parser). */
function wellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)\b[^>]*?(\/?)>/g)) {
    if (m[3] === "/") continue;
    if (m[1] === "/") assert.equal(stack.pop(), m[2], `</${m[2]}> closes <${stack[stack.length] ?? "nothing"}>`);
    else stack.push(m[2]!);
  }
  assert.deepEqual(stack, []);
}

/** The values a picture shows: data-v key → data-raw, and its <title>. */
function shown(svg: string): { title: string; values: Map<string, string> } {
  const values = new Map<string, string>();
  for (const m of svg.matchAll(/data-v="([^"]*)" data-raw="([^"]*)"/g)) values.set(unesc(m[1]!), unesc(m[2]!));
  return { title: unesc(/<title[^>]*>([^<]*)<\/title>/.exec(svg)?.[1] ?? ""), values };
}
const unesc = (s: string): string => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

for (const [bin, vendor] of [["hello-go1.26", "intel"], ["hello-go1.19", "amd"], ["hello-go1.26-stripped", "intel"]] as const) {
  test(`pictures of ${bin} (${vendor}) show the values of rt0 boot --json`, { timeout: 300_000 }, () => {
    const steps = bootAsThePage(bin, vendor);
    const ev = (id: string): BootEvent => steps.find((e) => e.id === id) ?? assert.fail(`no step ${id}`);
    const ann = new Annotator(openBinary(new Uint8Array(readFileSync(join(FIXTURE_BIN, bin))), bin), { lo: STACK_TOP - STACK_SIZE, hi: STACK_TOP });
    const facts = ann.facts();
    assert.equal(facts.offsets["m.tls"] !== undefined && facts.offsets["g.m"] !== undefined, true, "layout offsets");
    const pics: Array<[string, string | undefined, string[]]> = [
      ["g0_stack", g0StackPicture(ev("g0_stack"), facts, ev("entry"), ev("rt0_go")), ["stack.lo", "stack.hi", "stackguard0", "stackguard1", "stack size"]],
      ["cpuid", cpuidPicture(ev("cpuid")), ["vendor (EBX,EDX,ECX)", "leaf 0 max leaf (EAX)"]],
      ["tls", tlsPicture(ev("tls"), facts), ["FS base after", "%fs:-8 after g0 store", "0x123 readback", "syscall"]],
      ["m0_g0", linksPicture(ev("m0_g0"), facts, ev("g0_stack"), ev("tls")), ["m0.g0", "g0.m"]],
    ];
    for (const [id, svg, keys] of pics) {
      assert.ok(svg, `${id}: a picture`);
      wellFormed(svg);
      assert.match(svg, new RegExp(`^<svg class="pic" data-picture="${id}"`));
      const s = shown(svg);
      assert.ok(s.title.length > 20, `${id}: titled`);
      for (const k of keys) assert.equal(s.values.get(k), String(ev(id).values[k]), `${id}: ${k}`);
    }
    // The words of the titles are the run's numbers too.
    const g0 = ev("g0_stack").values;
    assert.match(shown(pics[0]![1]!).title, new RegExp(`\\[${String(g0["stack.lo"])}, ${String(g0["stack.hi"])}\\), ${sizeText(Number(g0["stack size"])).replace(/[()]/g, "\\$&")}`));
    assert.match(shown(pics[0]![1]!).title, /both at stack\.lo/);
    assert.match(shown(pics[1]![1]!).title, vendor === "amd" ? /"AuthenticAMD"/ : /"GenuineIntel"/);
    assert.match(shown(pics[2]![1]!).title, new RegExp(`FS base ${String(ev("tls").values["FS base after"])} .*%fs:-8 is m0\\.tls\\[0\\]`));
    // -8, never 2^64-8, in the picture's own words.
    assert.doesNotMatch(pics[2]![1]!.replace(/<desc[^]*<\/desc>/, ""), /fffffff8/);
  });
}

test("sizes as people say them", () => {
  assert.equal(sizeText(65536), "64 KiB");
  assert.equal(sizeText(65432), "64 KiB − 104 B");
  assert.equal(sizeText(8 << 20), "8 MiB");
  assert.equal(sizeText(48), "48 B");
});

test("a stack growth picture: both ranges, the copy and the pointer shift", () => {
  const e: StackEvent = { event: "grow", goid: 1, func: "main.f", caller: "main.main", path: ["morestack", "newstack", "copystack"], oldSize: 2048, newSize: 4096, oldLo: "0xc000100000", oldHi: "0xc000100800", newLo: "0xc000200000", newHi: "0xc000201000", used: 1208, at: 5 };
  const svg = growthPicture(e, 0);
  wellFormed(svg);
  const t = shown(svg).title;
  assert.equal(t, "goroutine 1's stack grows from [0xc000100000, 0xc000100800) (2 KiB) to [0xc000200000, 0xc000201000) (4 KiB)");
  assert.match(svg, /move by \+0x100800/);
  assert.match(svg, /data-v="used" data-raw="1208">1208 B in use</);
});

test("rt0 stacks: each copy's bytes in use are copystack's own (old.hi - SP): within the stack guard of full when recursion grows it", { timeout: 300_000 }, () => {
  const r = runCli(["stacks", "--json", "--clear-env", join(FIXTURE_BIN, "stackgrow-go1.26")], { timeoutMs: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  // (The events go to stderr when stdout is the program's.)
  const evs = (r.stdout + r.stderr).split("\n").filter((l) => l.startsWith("{\"event\":\"grow\"")).map((l) => JSON.parse(l) as StackEvent);
  assert.ok(evs.length >= 10);
  for (const e of evs) {
    assert.ok(e.used > 0 && e.used <= e.oldSize, `${e.func}: used ${e.used} of ${e.oldSize}`);
    // morestack runs when SP falls below stack.lo + the stack guard (928 bytes on linux/amd64)
    // plus the frame: a recursion's old stack is full to within about that.
    if (e.func === "main.recurse") assert.ok(e.oldSize - e.used <= 1024, `main.recurse: ${e.oldSize - e.used} bytes free of ${e.oldSize}`);
  }
});

/** go tool objdump's instruction lines of one function: address → [file:line, text]. */
function goObjdump(bin: string, fn: string): Map<number, [string, string]> {
  const all = gunzipSync(readFileSync(join(TESTDATA, "goobjdump", `${bin}.txt.gz`))).toString("utf8").split("\n");
  const out = new Map<number, [string, string]>();
  let inFn = false;
  for (const l of all) {
    if (l.startsWith("TEXT ")) inFn = l.startsWith(`TEXT ${fn}(SB)`);
    else if (inFn && l.startsWith("  ")) {
      const f = l.trim().split(/\t+/);
      out.set(parseInt(f[1]!, 16), [f[0]!, f[3]!.trim()]);
    }
  }
  return out;
}

for (const bin of ["hello-go1.26", "hello-go1.19"]) {
  test(`${bin}: the boot steps' instructions in Go syntax with file:line = go tool objdump`, { timeout: 300_000 }, () => {
    const steps = bootAsThePage(bin);
    const ann = new Annotator(openBinary(new Uint8Array(readFileSync(join(FIXTURE_BIN, bin))), bin), { lo: STACK_TOP - STACK_SIZE, hi: STACK_TOP });
    const want = new Map([...goObjdump(bin, "runtime.rt0_go.abi0"), ...goObjdump(bin, "_rt0_amd64_linux"), ...goObjdump(bin, "_rt0_amd64"), ...goObjdump(bin, "runtime.settls.abi0")]);
    let compared = 0;
    for (const e of steps) {
      for (const i of ann.event(e, true).instructions) {
        const w = want.get(Number(i.addr));
        assert.ok(w, `${i.addr} is in go tool objdump's listing`);
        assert.equal(i.go, w[1], `${i.addr}: Go syntax`);
        assert.equal(i.pos.replace(/^.*\//, ""), w[0], `${i.addr}: file:line`);
        compared++;
      }
    }
    assert.ok(compared >= 40, `${compared} instructions compared`);
  });
}

/** A Go source's `var NAME = [...]string{ K: "text", ... }`, in index order of its keys' iota. */
function goStrings(src: string, name: string, consts: string): string[] {
  const body = new RegExp(`var ${name} = \\[\\.\\.\\.\\]string\\{([^}]*)\\}`).exec(src)![1]!;
  // The keys' values: the iota order of their const block.
  const order = new Map<string, number>();
  let k = 0;
  for (const m of consts.matchAll(/^\t(\w+)(?:\s+\w+)?(?:\s*=\s*iota)?\s*(?:\/\/.*)?$/gm)) order.set(m[1]!, k++);
  const out: string[] = [];
  for (const m of body.matchAll(/(\w+):\s*"([^"]*)"/g)) out[order.get(m[1]!)!] = m[2]!;
  return out;
}

for (const [bin, minor] of [["hello-go1.26", 26], ["hello-go1.19", 19]] as const) {
  const runtime = `/usr/lib/go-1.${minor}/src/runtime`;
  test(`${bin}: g statuses and wait reasons are the runtime's own names (its source)`, { skip: existsSync(runtime) ? false : `${runtime} is not installed` }, () => {
    const ann = new Annotator(openBinary(new Uint8Array(readFileSync(join(FIXTURE_BIN, bin))), bin), { lo: 0, hi: 0 });
    const rt2 = readFileSync(join(runtime, "runtime2.go"), "utf8");
    const tb = readFileSync(join(runtime, "traceback.go"), "utf8");
    const block = (at: string): string => /const \(\n([^]*?)\n\)/.exec(rt2.slice(rt2.lastIndexOf("const (", rt2.indexOf(at))))![1]!;
    const gconsts = block("_Gidle = iota");
    const gs = goStrings(tb, "gStatusStrings", gconsts);
    assert.ok(gs.length >= 10);
    gs.forEach((s, n) => { if (s !== undefined) assert.equal(ann.gStatus(n), s, `status ${n}`); });
    assert.equal(ann.gStatus(0x1002), `${gs[2]}, being scanned`);
    const wconsts = block("waitReasonZero ");
    const ws = goStrings(rt2, "waitReasonStrings", wconsts);
    assert.ok(ws.length >= 20);
    ws.forEach((s, n) => { if (n > 0 && s !== undefined && s !== "") assert.equal(ann.waitReason(n), s, `wait reason ${n}`); });
    assert.equal(ann.waitReason(0), "none");
  });
}

test("breakpoints resolve the forgiving way; completion lists functions", () => {
  const bin = openBinary(new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.26"))), "hello");
  const ann = new Annotator(bin, { lo: STACK_TOP - STACK_SIZE, hi: STACK_TOP });
  const at = (n: string): number => bin.funcs.find((f) => f.name === n)!.entry;
  assert.deepEqual(ann.resolve("runtime.schedinit"), { addr: at("runtime.schedinit"), name: "runtime.schedinit" });
  assert.deepEqual(ann.resolve("schedinit"), { addr: at("runtime.schedinit"), name: "runtime.schedinit" });
  assert.deepEqual(ann.resolve("runtime.rt0_go"), { addr: at("runtime.rt0_go"), name: "runtime.rt0_go" });
  assert.deepEqual(ann.resolve(" main.main "), { addr: at("main.main"), name: "main.main" });
  assert.match((ann.resolve("main") as { error: string }).error, /^main is ambiguous: /);
  assert.deepEqual(ann.resolve("nosuchfunction"), { error: "no function nosuchfunction in this binary" });
  assert.equal((ann.resolve(`0x${at("runtime.args").toString(16)}`) as { name: string }).name, "runtime.args");
  const names = ann.functionNames();
  assert.ok(names.includes("runtime.rt0_go") && names.includes("main.main") && !names.some((n) => n.endsWith(".abi0")));
  assert.equal(ann.note(BigInt(bin.lookup("runtime.m0")! + 0x88)), "runtime.m0+0x88");
  assert.equal(ann.note(0x7fffffffe000n), "OS stack");
  assert.equal(ann.note(0x42n), undefined);
});

test("words: source links for the standard library only, terms found as words", () => {
  assert.equal(sourceUrl("go1.26.11", "runtime/asm_amd64.s:159"), "https://github.com/golang/go/blob/go1.26.11/src/runtime/asm_amd64.s#L159");
  assert.equal(sourceUrl("go1.26.11", "rt0.example/fixtures/hello/main.go:7"), undefined);
  assert.equal(sourceUrl("devel go1.27-abc", "runtime/proc.go:1"), undefined);
  const found = (s: string): string[] => termsIn(s).map((t) => t.term);
  assert.deepEqual(found("the slot g(BX) = -8(FS) is m0.tls[0]"), ["m0"]);
  assert.deepEqual(found("%fs:-8 is the current g; each M needs a P"), ["g", "M", "P"]);
  assert.deepEqual(found("runtime·mainPC is a funcval for runtime.main"), ["funcval"]);
});
