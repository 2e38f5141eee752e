// End-to-end test of the web explorer in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core): serve web/dist with `rt0 web`, run hello and compare the timeline with
// `rt0 boot --json`, restart as AMD, drop a second binary, step through bootstrap steps, stop
// at a breakpoint, drop a text file; and the built site served from a sub-path by a plain static
// server. Screenshots go to test-artifacts/web/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { FIXTURE_BIN, ROOT, builtFixture, runCli } from "../helpers.js";
import { serveSite } from "../../src/cli/web.js";
import { CHROMIUM, WAIT, launch, serve, shot, staleSite, terminalShows, waitState, type El } from "./browser.js";

declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El>; body: El };
declare const window: { rt0Metrics: { firstOutputMs: number } };

interface Ev {
  event: string;
  id?: string;
  pc?: string;
  values?: Record<string, string | number | boolean>;
}

/** The values table of one timeline step, as the page shows it. */
async function stepValues(page: Page, id: string): Promise<Record<string, string>> {
  await page.click(`#steps li[data-id="${id}"]`);
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const tr of document.querySelectorAll("#detail tr[data-key]")) out[tr.dataset["key"]!] = tr.querySelector("td")!.textContent!;
    return out;
  });
}

async function regs(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const r of document.querySelectorAll("#regs .reg")) out[r.dataset["reg"]!] = r.querySelector("code")!.textContent!;
    return out;
  });
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


test("web explorer: hello, timeline = rt0 boot --json, second binary, stepping, breakpoint, bad file", { timeout: 900_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing and could not be installed (apt-get install -y chromium; .ci/run installs it)`);
    return;
  }
  const stale = staleSite();
  assert.equal(stale, undefined, stale);

  const hello = join(FIXTURE_BIN, "hello-go1.26");
  const cli = runCli(["boot", "--json", hello], { timeoutMs: 300_000 });
  assert.equal(cli.status, 0, cli.stderr);
  const cliSteps = cli.stdout.trim().split("\n").map((l) => JSON.parse(l) as Ev).filter((e) => e.event === "step");
  const cliValues = (id: string): Record<string, string> => {
    const e = cliSteps.find((x) => x.id === id);
    assert.ok(e, `rt0 boot --json has step ${id}`);
    return Object.fromEntries(Object.entries(e.values ?? {}).map(([k, v]) => [k, String(v)]));
  };

  const { url, proc } = await serve();
  const b = await launch({ width: 1480, height: 1200 });
  const { page, userDataDir, errors } = b;
  try {
    const offsite: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith(url)) offsite.push(r.url()); });

    // 1. Page load → hello runs by itself → "hello, world" in the terminal.
    const cpu0 = browserCpuMs(userDataDir);
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => (document.querySelector("#terminal .xterm-rows")?.textContent ?? "").includes("hello, world"), null, WAIT);
    const seen = Date.now() - t0;
    const cpu1 = browserCpuMs(userDataDir);
    const firstOutput = await page.evaluate(() => window.rt0Metrics.firstOutputMs);
    const load = loadavg()[0]!, ncpu = cpus().length;
    t.diagnostic(`page load to first guest output: ${firstOutput} ms (navigation start → first stdout write); goto → text visible: ${seen} ms; CPU time meanwhile: emulator worker ${cpu1.worker - cpu0.worker} ms, whole browser ${cpu1.total - cpu0.total} ms; load average ${load.toFixed(1)} on ${ncpu} CPUs`);
    // Speed is reported, never asserted (the project's rule: no timed assertions in tests);
    // the 2 s target is tracked through this diagnostic and the benchmark notes.
    await shot(page, "01-hello.png");
    await waitState(page, "exited");
    assert.match(await page.textContent("#status") ?? "", /exited with status 0/);

    // 2. The timeline: same steps as rt0 boot --json, same host-independent values, all checks pass.
    const ids = await page.$$eval("#steps li", (lis) => lis.map((li) => (li as unknown as El).dataset["id"]));
    assert.deepEqual(ids, cliSteps.map((e) => e.id), "timeline steps = rt0 boot --json steps");
    assert.equal(await page.locator("#steps .badge.fail").count(), 0, "no failed check in the timeline");
    const g0 = await stepValues(page, "g0_stack"), cg0 = cliValues("g0_stack");
    assert.equal(g0["stack size"], cg0["stack size"]);
    assert.equal(g0["stack size"], "65536");
    for (const guard of ["stackguard0", "stackguard1"]) {
      const rel = (v: Record<string, string>): bigint => BigInt(v[guard]!) - BigInt(v["stack.lo"]!);
      assert.equal(rel(g0), rel(cg0), `${guard} - stack.lo`);
    }
    const tls = await stepValues(page, "tls"), ctls = cliValues("tls");
    for (const k of ["syscall", "syscall number (AX)", "addr is", "DI = &runtime.m0.tls", "0x123 readback"]) assert.equal(tls[k], ctls[k], `tls: ${k}`);
    assert.match(tls["syscall"]!, /^arch_prctl\(ARCH_SET_FS, 0x[0-9a-f]+\) = 0$/);
    assert.ok(await page.locator("#detail mark.tls").count() >= 2, "%fs: accesses highlighted in the tls step");
    await shot(page, "02-timeline-tls.png");
    const links = await stepValues(page, "m0_g0"), clinks = cliValues("m0_g0");
    for (const k of ["&m0", "&g0", "m0.g0", "g0.m"]) assert.equal(links[k], clinks[k], `m0_g0: ${k}`);
    const cpuid = await stepValues(page, "cpuid");
    assert.equal(cpuid["vendor (EBX,EDX,ECX)"], cliValues("cpuid")["vendor (EBX,EDX,ECX)"]);
    assert.equal(cpuid["vendor (EBX,EDX,ECX)"], "GenuineIntel");
    assert.ok(await page.locator("#detail .regs .reg").count() >= 18, "a step shows its registers");
    assert.ok(await page.locator("#structs details").count() >= 2, "g0 and m0 are shown");

    // 3. Restart with the other CPU vendor.
    await page.click("#vendor");
    await page.waitForFunction(() => document.querySelector("#prog")?.textContent?.includes("AuthenticAMD"), null, WAIT);
    await waitState(page, "exited");
    await terminalShows(page, /hello, world/);
    assert.equal((await stepValues(page, "cpuid"))["vendor (EBX,EDX,ECX)"], "AuthenticAMD");

    // 4. Drop a second binary (go1.19: its g0 stack is 64 KiB - 104).
    await page.setInputFiles("#file", join(FIXTURE_BIN, "hello-go1.19"));
    await page.waitForFunction(() => document.querySelector("#prog")?.textContent?.includes("go1.19"), null, WAIT);
    await waitState(page, "exited");
    await terminalShows(page, /\$ \.\/hello-go1\.19.*hello, world/);
    assert.equal((await stepValues(page, "g0_stack"))["stack size"], "65432");
    await shot(page, "03-second-binary.png");

    // 5. Step through bootstrap steps: restart paused at step 1, then three "next boot step".
    await page.click("#next");
    await page.waitForFunction(() => /paused: bootstrap step 1:/.test(document.querySelector("#status")?.textContent ?? ""), null, WAIT);
    let before = await regs(page);
    for (const n of [2, 3, 4]) {
      await page.click("#next");
      await page.waitForFunction((k) => (document.querySelector("#status")?.textContent ?? "").startsWith(`paused: bootstrap step ${k}:`), n, WAIT);
      const now = await regs(page);
      assert.notEqual(now["rip"], before["rip"], `step ${n}: rip moved`);
      assert.ok(await page.locator("#regs .reg.changed").count() >= 1, `step ${n}: changed registers are marked`);
      const pc = await page.textContent("#detail .where code");
      assert.equal(now["rip"], pc, `step ${n}: stopped at the step's first instruction`);
      assert.equal(await page.locator("#steps li.current").count(), 1);
      before = now;
    }
    await shot(page, "04-stepping.png");
    await page.click("#step");
    await page.waitForFunction(() => (document.querySelector("#status")?.textContent ?? "").includes("stepped one instruction"), null, WAIT);
    assert.notEqual((await regs(page))["rip"], before["rip"], "one instruction stepped");

    // 6. Breakpoint at a symbol.
    await page.fill("#bp", "runtime.schedinit");
    await page.click("#bpform button");
    await page.waitForFunction(() => (document.querySelector("#status")?.textContent ?? "").startsWith("breakpoint at runtime.schedinit"), null, WAIT);
    await page.click("#run");
    await page.waitForFunction(() => (document.querySelector("#status")?.textContent ?? "").includes("paused: breakpoint at runtime.schedinit"), null, WAIT);
    assert.match(await page.textContent("#code .cur") ?? "", /▶/);
    assert.match(await page.textContent("#code") ?? "", /runtime\.schedinit:/);
    await shot(page, "05-breakpoint.png");
    await page.fill("#bp", "");
    await page.click("#bpform button");
    await page.click("#run");
    await waitState(page, "exited");
    await terminalShows(page, /hello, world/);

    // 7. stdin from the terminal: argsenv reads it to EOF (typed lines, then Ctrl-D).
    const argsenv = builtFixture("1.26", "argsenv");
    if (argsenv === undefined) t.diagnostic("stdin: skipped (fixtures/build/go1.26/argsenv is not built here: bash tools/build-fixtures.sh)");
    else await stdinRoundTrip(page, argsenv);

    // 8. A text file: one clear message in the page, and the page keeps working.
    await page.setInputFiles("#file", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("these are notes, not a program\n") });
    await page.waitForSelector("#error:not([hidden])", WAIT);
    const msg = (await page.textContent("#error")) ?? "";
    t.diagnostic(`bad file message: ${msg}`);
    assert.match(msg, /^notes\.txt: .*ELF/);
    await shot(page, "06-bad-file.png");
    await page.click('button[data-sample="hello"]');
    await page.waitForFunction(() => (document.querySelector("#terminal .xterm-rows")?.textContent ?? "").includes("hello, world"), null, WAIT);
    assert.equal(await page.locator("#error").isHidden(), true, "the error goes away with the next binary");

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

test("web explorer: web/dist works from a static host under any path", { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing`);
    return;
  }
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
