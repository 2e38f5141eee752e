// End-to-end tests of the web explorer in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core), on the site `npm ci` built, served by `rt0 web`:
//  - desktop: hello runs by itself; the timeline and every value equal `rt0 boot --json` of the
//    same run; the pictures exist at their steps, titled, with the run's numbers; Go syntax with
//    file:line; the DevTools keys step (F10 over a call, F11 into one, Shift+F11 out of it, F8
//    runs); the controls stay put (no page jump); Tab reaches every control and leaves the
//    terminal; symbol completion sets a breakpoint; a link reopens the sample at its step; the
//    other CPU vendor, a dropped binary, stdin, a bad file; a stack growth picture;
//  - phone (390×844): nothing scrolls sideways, the output is on the first screen;
//  - the built site served from a sub-path by a plain static server.
// No console errors anywhere. Screenshots go to test-artifacts/web/ (and, with
// RT0_SCREENSHOTS=DIR, the README's ones to DIR: RT0_SCREENSHOTS=docs/web).
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { FIXTURE_BIN, ROOT, builtFixture, runCli } from "../helpers.js";
import { serveSite } from "../../src/cli/web.js";
import type { BootEvent } from "../../src/goruntime/boot.js";
import { valueText } from "../../src/web/words.js";
import { ARTIFACTS, CHROMIUM, WAIT, launch, serve, shot, staleSite, terminalShows, waitState, waitStatus, type El } from "./browser.js";
import { bootAsThePage } from "./pagerun.js";

declare const document: {
  querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El>; body: El; activeElement: El | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare const window: { rt0Metrics: { firstOutputMs: number; stops: number }; scrollY: number; scrollTo(x: number, y: number): void; innerHeight: number };

/** Screenshots the README shows, copied to $RT0_SCREENSHOTS when set. */
const README_SHOTS = process.env["RT0_SCREENSHOTS"];
function publish(name: string): void {
  if (README_SHOTS === undefined) return;
  const dir = resolve(ROOT, README_SHOTS);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ARTIFACTS, name), join(dir, name));
}

async function figure(page: Page, sel: string, name: string, readme = true): Promise<void> {
  await page.locator(sel).screenshot({ path: join(ARTIFACTS, name) });
  if (readme) publish(name);
}

/** The values table of one timeline step, as the page shows it (raw key → shown text). */
async function stepValues(page: Page, id: string): Promise<Record<string, string>> {
  await page.click(`#steps button[data-id="${id}"]`);
  await page.waitForSelector(`#detail .where`, WAIT);
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const tr of document.querySelectorAll("#detail tr[data-key]")) out[tr.dataset["key"]!] = tr.querySelector("td")!.textContent!;
    return out;
  });
}

/** A picture in the detail panel: its title and the values it shows (data-v → data-raw). */
async function picture(page: Page, id: string): Promise<{ title: string; values: Record<string, string> }> {
  await page.waitForSelector(`#detail svg[data-picture="${id}"] > title`, { ...WAIT, state: "attached" });
  return page.evaluate((pid) => {
    const svg = document.querySelector(`#detail svg[data-picture="${pid}"]`)!;
    const values: Record<string, string> = {};
    for (const e of svg.querySelectorAll("[data-v]")) values[e.getAttribute("data-v")!] = e.getAttribute("data-raw")!;
    return { title: svg.querySelector("title")!.textContent!, values };
  }, id);
}

async function regs(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const r of document.querySelectorAll("#regs .reg")) out[r.dataset["reg"]!] = r.querySelector("code")!.textContent!;
    return out;
  });
}

/** Press a key and wait for the next stop; the time it took (reported, never asserted). */
async function keyStop(page: Page, key: string, re: RegExp): Promise<number> {
  const stops = await page.evaluate(() => window.rt0Metrics.stops);
  const t0 = Date.now();
  await page.keyboard.press(key);
  await page.waitForFunction(([n, src]) => window.rt0Metrics.stops > (n as number) && new RegExp(src as string).test(document.querySelector("#status")?.textContent ?? ""), [stops, re.source] as const, WAIT);
  return Date.now() - t0;
}

/** CPU time (ms) used so far by the Chromium started with userDataDir and all its children
 *  (renderer, GPU/utility processes), and by its Web Worker threads (the emulator), from /proc:
 *  what the page costs independently of how busy the machine is. */
function browserCpuMs(userDataDir: string): { total: number; worker: number } {
  const procs = new Map<number, { ppid: number; mine: boolean }>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      procs.set(Number(d), { ppid: Number(f[1]), mine: readFileSync(`/proc/${d}/cmdline`, "utf8").includes(`--user-data-dir=${userDataDir}`) });
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = procs.get(pid), n = 0; p !== undefined && n < 64; p = procs.get(p.ppid), n++) if (p.mine) return true;
    return false;
  };
  let total = 0, worker = 0;
  for (const pid of procs.keys()) {
    if (!inTree(pid)) continue;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100;
        total += ms;
        if (readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").startsWith("DedicatedWorker")) worker += ms;
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return { total: Math.round(total), worker: Math.round(worker) };
}

/** Values that differ between two runs of one binary: the heap's place (Go 1.26 randomizes it),
 *  instruction counts (the scheduler's timing), and the CPU count (the browser's, not the host's). */
const VARIES = new Set(["g (%fs:-8)", "instructions so far (this thread)", "instructions (all threads)", "threads", "ncpu", "GOMAXPROCS"]);

const PICTURES: Array<[string, string[]]> = [
  ["g0_stack", ["stack.lo", "stack.hi", "stackguard0", "stackguard1", "stack size"]],
  ["cpuid", ["vendor (EBX,EDX,ECX)", "leaf 0 max leaf (EAX)"]],
  ["tls", ["FS base after", "%fs:-8 after g0 store", "0x123 readback", "syscall"]],
  ["m0_g0", ["m0.g0", "g0.m"]],
];

function skipWithoutChromium(t: { skip(m: string): void }): boolean {
  if (existsSync(CHROMIUM)) return false;
  t.skip(`${CHROMIUM} is missing and could not be installed (apt-get install -y chromium; .ci/run installs it)`);
  return true;
}

test("web explorer (desktop): hello, timeline and pictures = rt0 boot --json, keys, completion, link, vendor, second binary, stdin, bad file, stack growth", { timeout: 900_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  const stale = staleSite();
  assert.equal(stale, undefined, stale);
  const oracle = bootAsThePage(join(FIXTURE_BIN, "hello-go1.26"));
  const step = (id: string): BootEvent => oracle.find((e) => e.id === id) ?? assert.fail(`rt0 boot --json has no step ${id}`);

  const { url, proc } = await serve();
  const b = await launch({ width: 1480, height: 1000 });
  const { page, userDataDir, errors } = b;
  try {
    const offsite: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith(url)) offsite.push(r.url()); });

    // 1. Page load → hello runs by itself → "hello, world" in the terminal.
    const cpu0 = browserCpuMs(userDataDir);
    const t0 = Date.now();
    await page.goto(url);
    await terminalShows(page, /hello, world/);
    const seen = Date.now() - t0;
    const cpu1 = browserCpuMs(userDataDir);
    const firstOutput = await page.evaluate(() => window.rt0Metrics.firstOutputMs);
    t.diagnostic(`page load to first guest output: ${firstOutput} ms (navigation start → first stdout write); goto → text visible: ${seen} ms; CPU time meanwhile: emulator worker ${cpu1.worker - cpu0.worker} ms, whole browser ${cpu1.total - cpu0.total} ms; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`);
    // Speed is reported, never asserted (the project's rule: no timed assertions in tests).
    await waitState(page, "exited");
    assert.match(await page.textContent("#status") ?? "", /exited with status 0/);
    await shot(page, "desktop.png", false);
    publish("desktop.png");

    // 2. The timeline: the steps of rt0 boot --json on the same run, every value equal, all checks pass.
    const ids = await page.$$eval("#steps li", (lis) => lis.map((li) => (li as unknown as El).dataset["id"]));
    assert.deepEqual(ids, oracle.map((e) => e.id), "timeline steps = rt0 boot --json steps");
    assert.equal(await page.locator("#steps .badge.fail").count(), 0, "no failed check in the timeline");
    assert.equal(await page.locator("#steps li.preview").count(), 0, "every step is this run's");
    for (const e of oracle) {
      const shown = await stepValues(page, e.id);
      assert.deepEqual(Object.keys(shown), Object.keys(e.values), `${e.id}: the same values`);
      for (const [k, v] of Object.entries(e.values)) if (!VARIES.has(k)) assert.equal(shown[k], valueText(k, v), `${e.id}: ${k}`);
    }
    assert.equal((await stepValues(page, "g0_stack"))["stack size"], "64 KiB (65536)");

    // 3. The pictures, at their steps, titled, with the run's numbers.
    for (const [id, keys] of PICTURES) {
      await page.click(`#steps button[data-id="${id}"]`);
      const p = await picture(page, id);
      assert.ok(p.title.length > 20, `${id}: a title`);
      for (const k of keys) assert.equal(p.values[k], String(step(id).values[k]), `${id} picture: ${k}`);
      await figure(page, "#detail figure", `picture-${id}.png`);
    }
    await page.click(`#steps button[data-id="g0_stack"]`);
    assert.match((await picture(page, "g0_stack")).title, new RegExp(`\\[${String(step("g0_stack").values["stack.lo"])}, ${String(step("g0_stack").values["stack.hi"])}\\), 64 KiB, .*both at stack\\.lo`));
    await page.click(`#steps button[data-id="tls"]`);
    assert.match((await picture(page, "tls")).title, /%fs:-8 is m0\.tls\[0\]/);
    assert.equal(await page.locator("#detail svg text:text-is('-8')").count(), 1, "the TLS slot is -8 in the picture");
    assert.equal(await page.locator("#detail svg[data-picture=tls] text", { hasText: "fffffff8" }).count(), 0, "never 2^64-8 in the picture");
    assert.ok(await page.locator("#detail mark.tls", { hasText: "%fs:-8" }).count() >= 2, "%fs:-8 marked in the instructions");
    assert.equal(await page.locator("#detail .pictures, #steps li[data-id=entry] svg").count(), 0);
    // No picture where none belongs.
    await page.click(`#steps button[data-id="osinit"]`);
    assert.equal(await page.locator("#detail svg.pic").count(), 0, "osinit has no picture");

    // 4. Source: Go syntax, file:line linked to the release's source, terms defined, since 2015 explained.
    await page.click(`#steps button[data-id="tls"]`);
    await page.selectOption("#syntax", "go");
    assert.ok(await page.locator("#detail .code .t", { hasText: "MOVQ $0x123, FS:-8" }).count() === 1, "Go syntax with the TLS slot as -8");
    const href = await page.getAttribute("#detail .code a.ln", "href");
    assert.match(href ?? "", /^https:\/\/github\.com\/golang\/go\/blob\/go1\.26\.\d+\/src\/runtime\/asm_amd64\.s#L\d+$/);
    await page.selectOption("#syntax", "gnu");
    await page.click(`#steps button[data-id="g0_stack"]`);
    assert.ok(await page.locator("#detail .terms dt", { hasText: "g0" }).count() === 1, "g0 is defined where it first appears");
    assert.match(await page.textContent("#detail .since") ?? "", /Go 1\.4\/1\.5 \(2015/);
    assert.equal(await page.locator("#structs td.fnote", { hasText: "idle" }).count() >= 1, true, "g0's status decoded");

    // 5. The DevTools keys. F11 after the end restarts paused at step 1; next boot step to
    // runtime·check's step; F10 steps over CLD, then over the CALL (to the next step's first
    // instruction); F11 into runtime·args; Shift+F11 out of it; F8 runs to the end.
    await page.evaluate(() => window.scrollTo(0, 0));
    const times: number[] = [];
    times.push(await keyStop(page, "F11", /paused: bootstrap step 1:/));
    const check = oracle.findIndex((e) => e.id === "check");
    while (!((await page.textContent("#status")) ?? "").startsWith(`paused: bootstrap step ${check + 1}:`)) {
      const stops = await page.evaluate(() => window.rt0Metrics.stops);
      const tn = Date.now();
      await page.click("#next");
      await page.waitForFunction((n) => window.rt0Metrics.stops > n, stops, WAIT);
      times.push(Date.now() - tn);
    }
    assert.equal(await page.evaluate(() => window.scrollY), 0, "stepping never scrolls the page");
    times.push(await keyStop(page, "F10", /stepped one instruction/));
    times.push(await keyStop(page, "F10", /stepped over call/));
    assert.equal((await regs(page))["rip"], step("args").pc, "F10 stepped over CALL runtime·check to the next instruction");
    const argsCall = step("args").instructions.length - 1;
    for (let k = 0; k < argsCall; k++) times.push(await keyStop(page, "F11", /stepped one instruction/));
    times.push(await keyStop(page, "F11", /stepped one instruction/));
    assert.match(await page.textContent("#code .fn") ?? "", /^runtime\.args:/, "F11 stepped into runtime·args");
    times.push(await keyStop(page, "Shift+F11", /stepped out of runtime\.args/));
    assert.equal((await regs(page))["rip"], step("osinit").pc, "Shift+F11 returned to the instruction after the call");
    t.diagnostic(`time per stop (key or button → paused, ms): ${times.join(", ")}; median ${[...times].sort((a, b) => a - b)[times.length >> 1]}`);
    await shot(page, "stepping.png", false);
    publish("stepping.png");
    assert.equal(await page.evaluate(() => window.scrollY), 0, "the controls stayed on screen: no page jump");

    // 6. The link to this step reopens the sample paused at the same step.
    const link = await page.getAttribute("#link", "href");
    assert.equal(link, "?sample=hello&step=osinit");
    await page.keyboard.press("F8");
    await waitState(page, "exited");
    await terminalShows(page, /hello, world/);
    await page.goto(new URL(link!, url).href);
    await waitStatus(page, new RegExp(`^paused: bootstrap step ${oracle.findIndex((e) => e.id === "osinit") + 1}:`));
    assert.equal((await regs(page))["rip"], step("osinit").pc, "the link stops at the step's first instruction");
    assert.equal(await page.getAttribute("#steps li.current", "data-id"), "osinit");

    // 7. Breakpoint by completion: type part of a name, pick it with the arrow keys.
    await page.click("#bp");
    await page.keyboard.type("schedini");
    await page.waitForSelector("#bplist:not([hidden]) li", WAIT);
    assert.equal(await page.textContent("#bplist li:first-child"), "runtime.schedinit");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await waitStatus(page, /^breakpoint at runtime\.schedinit \(0x[0-9a-f]+\)/);
    await page.keyboard.press("F8");
    await waitStatus(page, /paused: breakpoint at runtime\.schedinit/);
    assert.match(await page.textContent("#code .cur") ?? "", /▶/);
    await page.fill("#bp", "nosuchfunction");
    await page.keyboard.press("Enter");
    await waitStatus(page, /^no function nosuchfunction in this binary$/);
    await page.fill("#bp", "");
    await page.keyboard.press("Enter");
    await waitStatus(page, /breakpoint cleared/);

    // 8. Tab reaches every control, the timeline's steps, and leaves the terminal.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator("#terminal textarea").focus();
    await page.keyboard.press("Tab");
    assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute("class")), "xterm-helper-textarea", "Tab leaves the terminal");
    await page.locator("button.sample").first().focus();
    const reached = new Set<string>();
    for (let k = 0; k < 60; k++) {
      await page.keyboard.press("Tab");
      reached.add(await page.evaluate(() => { const a = document.activeElement; return a ? a.getAttribute("id") ?? a.dataset["id"] ?? a.dataset["sample"] ?? a.getAttribute("class") ?? "" : ""; }));
    }
    for (const id of ["file", "run", "over", "step", "out", "next", "bp", "syntax", "vendor", "link", "entry", "tls", "main_main"]) assert.ok(reached.has(id), `Tab reaches ${id} (reached: ${[...reached].join(" ")})`);

    // 9. Restart with the other CPU vendor: the CPUID picture spells AuthenticAMD.
    await page.keyboard.press("F8");
    await waitState(page, "exited");
    await page.click("#vendor");
    await page.waitForFunction(() => document.querySelector("#prog")?.textContent?.includes("AuthenticAMD"), null, WAIT);
    await waitState(page, "exited");
    await terminalShows(page, /hello, world/);
    await page.click(`#steps button[data-id="cpuid"]`);
    assert.equal((await picture(page, "cpuid")).values["vendor (EBX,EDX,ECX)"], "AuthenticAMD");

    // 10. Drop a second binary (go1.19: its g0 stack is 64 KiB - 104).
    await page.setInputFiles("#file", join(FIXTURE_BIN, "hello-go1.19"));
    await page.waitForFunction(() => document.querySelector("#prog")?.textContent?.includes("go1.19"), null, WAIT);
    await waitState(page, "exited");
    await terminalShows(page, /\$ \.\/hello-go1\.19.*hello, world/);
    assert.equal((await stepValues(page, "g0_stack"))["stack size"], "64 KiB − 104 B (65432)");
    assert.match((await picture(page, "g0_stack")).title, /64 KiB − 104 B/);
    assert.equal(await page.getAttribute("#link", "aria-disabled"), "true", "no link to a dropped binary");

    // 11. stdin from the terminal: argsenv reads it to EOF (typed lines, then Ctrl-D).
    const argsenv = builtFixture("1.26", "argsenv");
    if (argsenv === undefined) t.diagnostic("stdin: skipped (fixtures/build/go1.26/argsenv is not built here: bash tools/build-fixtures.sh)");
    else await stdinRoundTrip(page, argsenv);

    // 12. A text file: one clear message in the page, and the page keeps working.
    await page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("these are notes, not a program\n") });
    await page.waitForSelector("#error:not([hidden])", WAIT);
    const msg = (await page.textContent("#error")) ?? "";
    t.diagnostic(`bad file message: ${msg}`);
    assert.match(msg, /^notes\.txt: .*ELF/);

    // 13. Stack growth: the chart with address ranges, and the picture of one growth; sizes as rt0 stacks says.
    await page.click('button[data-sample="stackgrow"]');
    await waitState(page, "exited");
    assert.equal(await page.locator("#error").isHidden(), true, "the error goes away with the next binary");
    const cli = runCli(["stacks", "--json", "--clear-env", join(FIXTURE_BIN, "stackgrow-go1.26")], { timeoutMs: 300_000 });
    assert.equal(cli.status, 0, cli.stderr);
    // (The events go to stderr when stdout is the program's: count them in both.)
    const grows = [...(cli.stdout + cli.stderr).matchAll(/\{"event":"grow",/g)];
    await page.waitForSelector("#growth svg[data-picture=growth] > title", { ...WAIT, state: "attached" });
    const options = await page.$$eval("#growthsel option", (os) => os.map((o) => (o as unknown as El).textContent ?? ""));
    assert.equal(options.filter((o) => / grow /.test(o)).length, grows.length, "as many growths as rt0 stacks reports");
    assert.match(await page.textContent("#stacknote") ?? "", new RegExp(`^${grows.length} growths?, `));
    assert.match(await page.textContent("#growth svg title") ?? "", /stack grows from \[0x[0-9a-f]+, 0x[0-9a-f]+\) \(\d+ [KM]iB\) to \[0x[0-9a-f]+, 0x[0-9a-f]+\) \(\d+ [KM]iB\)$/);
    assert.ok(await page.locator(".sum .rng").count() >= 1, "address ranges in the summary");
    await page.selectOption("#growthsel", "0");
    assert.match(await page.textContent("#growth svg title") ?? "", /\(2 KiB\) to .* \(4 KiB\)$/);
    await figure(page, ".stacks", "stacks.png");

    assert.deepEqual(offsite, [], "no request leaves the served site");
    assert.deepEqual(errors, [], "no uncaught page errors or console errors");
  } finally {
    await b.close();
    proc.kill("SIGTERM");
  }
});

/** stdin from the terminal: argsenv reads it to EOF (typed lines, then Ctrl-D). */
async function stdinRoundTrip(page: Page, argsenv: string): Promise<void> {
  await page.setInputFiles("#file", argsenv);
  await page.waitForFunction(() => document.querySelector("#prog")?.textContent?.includes("argsenv"), null, WAIT);
  await terminalShows(page, /unset var set: false/);
  await page.click("#terminal");
  await page.keyboard.type("first line");
  await page.keyboard.press("Enter");
  await page.keyboard.type("second");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+D");
  await waitState(page, "exited");
  await terminalShows(page, /stdin: 18 bytes, 2 lines, first "first line"/);
  await terminalShows(page, /to stderr/);
}

test("web explorer (phone 390×844): one column, nothing scrolls sideways, the output on the first screen", { timeout: 600_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  const stale = staleSite();
  assert.equal(stale, undefined, stale);
  const { url, proc } = await serve();
  const b = await launch({ width: 390, height: 844 }, { mobile: true });
  const { page, errors } = b;
  const sideways = (): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  try {
    await page.goto(url);
    await terminalShows(page, /hello, world/);
    await waitState(page, "exited");
    assert.equal(await sideways(), 0, "nothing scrolls sideways");
    const row = await page.evaluate(() => {
      for (const r of document.querySelectorAll("#terminal .xterm-rows > div")) if ((r.textContent ?? "").includes("hello, world")) return (r as unknown as { getBoundingClientRect(): { bottom: number } }).getBoundingClientRect().bottom;
      return -1;
    });
    assert.ok(row > 0 && row <= 844, `the output is on the first screen (its bottom at ${row} px of 844)`);
    assert.equal(await page.evaluate(() => window.scrollY), 0);
    await shot(page, "phone.png", false);
    publish("phone.png");
    for (const [id] of PICTURES) {
      await page.click(`#steps button[data-id="${id}"]`);
      await picture(page, id);
      assert.equal(await sideways(), 0, `${id}: nothing scrolls sideways`);
      await figure(page, "#detail figure", `phone-picture-${id}.png`, false);
    }
    // Stepping keeps the controls on screen (they are sticky) and the page where it was.
    await page.click(`#steps button[data-id="tls"]`);
    const y = await page.evaluate(() => window.scrollY);
    await page.click("#next");
    await waitStatus(page, /paused: bootstrap step 1:/);
    assert.equal(await page.evaluate(() => window.scrollY), y, "no page jump on pause");
    const controls = await page.locator("#controls").boundingBox();
    assert.ok(controls !== null && controls.y >= -1 && controls.y < 10, `the controls are on screen (top at ${controls?.y})`);
    await shot(page, "phone-stepping.png", false);
    assert.equal(await sideways(), 0, "stepping: nothing scrolls sideways");
    assert.deepEqual(errors, [], "no uncaught page errors or console errors");
  } finally {
    await b.close();
    proc.kill("SIGTERM");
  }
});

test("web explorer: web/dist works from a static host under any path", { timeout: 300_000 }, async (t) => {
  if (skipWithoutChromium(t)) return;
  // A plain static server whose root is web/, so the site lives under /dist/.
  const server = await serveSite(join(ROOT, "web"), 0, "127.0.0.1");
  const b = await launch({ width: 1200, height: 900 });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dist/`;
    await b.page.goto(url);
    await terminalShows(b.page, /hello, world/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
    server.close();
  }
});
