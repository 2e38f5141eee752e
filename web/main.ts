// The explorer page: picks or receives a binary, hands it to the emulator worker, and renders
// what comes back: the terminal (xterm.js), the bootstrap timeline with each step's picture,
// instructions (GNU or Go syntax, with file:line), values and registers, the live CPU, g0/m0
// and the goroutine stacks; the DevTools keys step it.

import { Terminal } from "@xterm/xterm";
import type { StackEvent } from "../src/goruntime/stacks.js";
import type { WebEvent, WebInst } from "../src/web/annotate.js";
import { cpuidPicture, esc, g0StackPicture, growthPicture, linksPicture, sizeText, tlsPicture, type PictureFacts } from "../src/web/pictures.js";
import { SINCE_2015, TERMS, count, since2015Url, sourceUrl, termsIn, valueLabel, valueText, type Term } from "../src/web/words.js";
import type { Command, DisasmLine, GoStruct, Report, Snapshot, StartInfo, Vendor } from "./protocol.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

interface Sample {
  file: string;
  label: string;
}

type Syntax = "gnu" | "go";

/** localStorage, which a sandboxed frame or a file: page may refuse (then nothing is kept). */
function stored(key: string, value?: string): string | undefined {
  try {
    if (value === undefined) return localStorage.getItem(key) ?? undefined;
    localStorage.setItem(key, value);
  } catch {
    // storage refused: the choice lasts for this page only
  }
  return value;
}

/** What the page knows about the current run. */
const st = {
  name: "",
  /** The sample's file name when the binary is a bundled sample (links can reopen it). */
  sample: undefined as string | undefined,
  bytes: undefined as Uint8Array | undefined,
  vendor: "intel" as Vendor,
  state: "idle" as "idle" | "running" | "paused" | "exited" | "error",
  info: undefined as StartInfo | undefined,
  timeline: [] as WebEvent[],
  selected: "",
  bootIndex: -1,
  snap: undefined as Snapshot | undefined,
  prevRegs: undefined as Record<string, string> | undefined,
  stacks: [] as StackEvent[],
  stackTimes: [] as number[],
  growth: -1,
  instructions: 0,
  firstOutputMs: undefined as number | undefined,
  loadedAt: 0,
  syntax: (stored("rt0.syntax") === "go" ? "go" : "gnu") as Syntax,
};

// Numbers the end-to-end tests read (page load to first guest output, stops seen).
const metrics: { firstOutputMs?: number; runs: number; stops: number } = { runs: 0, stops: 0 };
(window as unknown as { rt0Metrics: typeof metrics }).rt0Metrics = metrics;

/** Started by index.html's inline script, before this bundle loaded. */
const early = (window as unknown as { rt0Early?: { worker: Worker; first: string; bytes?: Promise<Response> } }).rt0Early;
const worker = early?.worker ?? new Worker("worker.js");
const send = (c: Command, transfer: Transferable[] = []): void => worker.postMessage(c, transfer);
const params = new URLSearchParams(location.search);

// ---- terminal -------------------------------------------------------------------------
const phone = (): boolean => window.matchMedia("(max-width: 700px)").matches;
const term = new Terminal({
  convertEol: true, cols: 92, rows: phone() ? 12 : 15, fontSize: 13, cursorBlink: true, scrollback: 5000,
  fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
  theme: { background: "#0d1117", foreground: "#d6deeb", cursor: "#7fdbca", selectionBackground: "#264f78" },
});
term.open($("terminal"));
// Tab leaves the terminal (no focus trap) and the DevTools keys reach the page.
term.attachCustomKeyEventHandler((e) => !(e.key === "Tab" || e.key === "F8" || e.key === "F10" || e.key === "F11" || (e.ctrlKey && (e.key === "\\" || e.key === "'" || e.key === ";" || e.key === ":"))));

/** Size the terminal to its panel (xterm.js without the fit addon: measure one cell). */
function fitTerminal(): void {
  const probe = document.createElement("span");
  probe.style.cssText = `font: 13px ${term.options.fontFamily ?? "monospace"}; position: absolute; visibility: hidden; white-space: pre`;
  probe.textContent = "0".repeat(50);
  document.body.appendChild(probe);
  const cell = probe.getBoundingClientRect().width / 50;
  probe.remove();
  const width = $("terminal").clientWidth - 16;
  const cols = Math.max(20, Math.floor(width / cell) - 1);
  if (cols !== term.cols) {
    term.resize(cols, term.rows);
    send({ type: "resize", rows: term.rows, cols });
  }
}
window.addEventListener("resize", fitTerminal);
let line = "";
term.onData((d) => {
  // A minimal line discipline, as a terminal in canonical mode: echo, backspace, Enter sends
  // the line, Ctrl-D sends a partial line or (on an empty one) end of file, Ctrl-C is SIGINT.
  for (const ch of d) {
    if (ch === "\x04") {
      if (line !== "") send({ type: "stdin", data: new TextEncoder().encode(line) });
      else send({ type: "stdinEnd" });
      line = "";
    } else if (ch === "\x03") {
      term.write("^C\r\n");
      line = "";
      send({ type: "signal", signo: 2 });
    } else if (ch === "\r") {
      term.write("\r\n");
      send({ type: "stdin", data: new TextEncoder().encode(line + "\n") });
      line = "";
    } else if (ch === "\x7f") {
      if (line.length > 0) {
        line = line.slice(0, -1);
        term.write("\b \b");
      }
    } else if (ch >= " ") {
      line += ch;
      term.write(ch);
    }
  }
});
send({ type: "resize", rows: term.rows, cols: term.cols });
fitTerminal();

// ---- loading --------------------------------------------------------------------------
function showError(msg: string): void {
  const e = $("error");
  e.textContent = msg;
  e.hidden = false;
  term.write(`\x1b[31m${msg}\x1b[0m\r\n`);
}

function clearError(): void {
  $("error").hidden = true;
}

function load(name: string, bytes: Uint8Array, vendor: Vendor, o: { paused?: boolean; sample?: string; stopAt?: string } = {}): void {
  keepScroll(() => start(name, bytes, vendor, o));
}

function start(name: string, bytes: Uint8Array, vendor: Vendor, o: { paused?: boolean; sample?: string; stopAt?: string }): void {
  clearError();
  // A restart of the same binary keeps its timeline on screen until the new run's arrives.
  const restart = bytes === st.bytes && vendor === st.vendor;
  st.name = name;
  st.sample = o.sample;
  st.bytes = bytes;
  st.vendor = vendor;
  st.state = "running";
  st.info = undefined;
  st.bootIndex = -1;
  st.snap = undefined;
  st.prevRegs = undefined;
  st.stacks = [];
  st.stackTimes = [];
  st.growth = -1;
  st.loadedAt = performance.now();
  st.firstOutputMs = undefined;
  term.reset();
  if (!restart) {
    st.timeline = [];
    st.selected = "";
    $("tlnote").textContent = "";
  }
  renderTimeline();
  renderDetail();
  for (const id of ["regs", "code", "structs", "reason", "growth"]) $(id).innerHTML = "";
  term.write(`\x1b[2m$ ./${name}${vendor === "amd" ? "   # CPUID: AuthenticAMD" : ""}\x1b[0m\r\n`);
  $("prog").textContent = name;
  $("vendor").textContent = vendor === "intel" ? "Restart as AMD" : "Restart as Intel";
  $("status").textContent = `${o.paused || o.stopAt ? "loading" : "running"} ${name}…`;
  document.querySelectorAll<HTMLButtonElement>("button.sample").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset["sample"] === o.sample)));
  renderStacks();
  setButtons();
  updateLink();
  const copy = bytes.slice();
  send({ type: "load", name, bytes: copy.buffer, vendor, paused: o.paused === true, breakpoint: $<HTMLInputElement>("bp").value, ...(o.stopAt ? { stopAt: o.stopAt } : {}) }, [copy.buffer]);
}

async function loadSample(s: Sample, o: { early?: Promise<Response>; stopAt?: string } = {}): Promise<void> {
  $("status").textContent = `fetching ${s.label}…`;
  const r = await (o.early ?? fetch(`samples/${s.file}`));
  if (!r.ok) {
    showError(`sample ${s.file}: HTTP ${r.status}`);
    return;
  }
  load(s.file, new Uint8Array(await r.arrayBuffer()), "intel", { sample: s.file, ...(o.stopAt ? { stopAt: o.stopAt } : {}) });
}

async function loadFile(f: File): Promise<void> {
  load(f.name, new Uint8Array(await f.arrayBuffer()), "intel");
}

$<HTMLInputElement>("file").addEventListener("change", (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void loadFile(f);
});
document.addEventListener("dragover", (e) => {
  e.preventDefault();
  $("drop").classList.add("over");
});
document.addEventListener("dragleave", () => $("drop").classList.remove("over"));
document.addEventListener("drop", (e) => {
  e.preventDefault();
  $("drop").classList.remove("over");
  const f = e.dataTransfer?.files[0];
  if (f) void loadFile(f);
});

// ---- controls -------------------------------------------------------------------------
function restartPaused(): boolean {
  if (st.state !== "exited" || !st.bytes) return false;
  load(st.name, st.bytes, st.vendor, { paused: true, ...(st.sample ? { sample: st.sample } : {}) });
  return true;
}
const act = {
  run: (): void => {
    if (st.state === "exited" && st.bytes) load(st.name, st.bytes, st.vendor, st.sample ? { sample: st.sample } : {});
    else send({ type: "run" });
  },
  pause: (): void => send({ type: "pause" }),
  toggle: (): void => (st.state === "running" ? act.pause() : act.run()),
  into: (): void => {
    if (!restartPaused()) send({ type: "step" });
  },
  over: (): void => {
    if (!restartPaused()) send({ type: "stepOver" });
  },
  out: (): void => {
    if (st.state === "paused") send({ type: "stepOut" });
  },
  next: (): void => {
    if (!restartPaused()) send({ type: "nextStep" });
  },
};
$("run").addEventListener("click", act.run);
$("pause").addEventListener("click", act.pause);
$("step").addEventListener("click", act.into);
$("over").addEventListener("click", act.over);
$("out").addEventListener("click", act.out);
$("next").addEventListener("click", act.next);
$("vendor").addEventListener("click", () => {
  if (st.bytes) load(st.name, st.bytes, st.vendor === "intel" ? "amd" : "intel", st.sample ? { sample: st.sample } : {});
});
$("bpform").addEventListener("submit", (e) => {
  e.preventDefault();
  closeCompletion();
  send({ type: "breakpoint", symbol: $<HTMLInputElement>("bp").value });
});
$<HTMLSelectElement>("syntax").value = st.syntax;
$<HTMLSelectElement>("syntax").addEventListener("change", (e) => {
  st.syntax = (e.target as HTMLSelectElement).value === "go" ? "go" : "gnu";
  stored("rt0.syntax", st.syntax);
  renderDetail();
  if (st.snap) $("code").innerHTML = codeHtml(st.snap.disasm);
});

// The keys of a browser's DevTools debugger (F8, F10, F11, Shift+F11; the Ctrl forms too).
document.addEventListener("keydown", (e) => {
  const k = e.key;
  let f: (() => void) | undefined;
  if (k === "F8" || (e.ctrlKey && k === "\\")) f = act.toggle;
  else if (k === "F10" || (e.ctrlKey && k === "'")) f = act.over;
  else if ((k === "F11" && e.shiftKey) || (e.ctrlKey && e.shiftKey && (k === ";" || k === ":"))) f = act.out;
  else if (k === "F11" || (e.ctrlKey && k === ";")) f = act.into;
  if (f === undefined) return;
  e.preventDefault();
  if (st.state !== "idle" && st.state !== "error") f();
});

function setButtons(): void {
  const s = st.state;
  $<HTMLButtonElement>("pause").disabled = s !== "running";
  $<HTMLButtonElement>("run").disabled = s === "running" || s === "idle" || s === "error";
  for (const id of ["step", "over", "next"]) $<HTMLButtonElement>(id).disabled = s === "idle" || s === "error";
  $<HTMLButtonElement>("out").disabled = s !== "paused";
  document.body.dataset["state"] = s;
}

/** The link that reopens this sample at the current (or the selected) bootstrap step. */
function updateLink(): void {
  const a = $<HTMLAnchorElement>("link");
  const cur = st.state === "paused" && st.snap?.atStep ? st.timeline[st.bootIndex]?.id : undefined;
  const step = cur ?? (st.selected || undefined);
  if (st.sample === undefined) {
    a.removeAttribute("href");
    a.setAttribute("aria-disabled", "true");
    a.title = "Links reopen the bundled samples only (a dropped binary stays on your machine)";
    return;
  }
  a.removeAttribute("aria-disabled");
  const q = new URLSearchParams({ sample: st.sample });
  if (step) q.set("step", step);
  a.href = `?${q.toString()}`;
  a.title = step ? `Reopens ${st.sample} paused at the bootstrap step ${step}` : `Reopens ${st.sample}`;
}

// ---- breakpoint completion ----------------------------------------------------------------
let completions: string[] = [];
let active = -1;

function matches(q: string): string[] {
  const s = q.trim().toLowerCase();
  if (s === "" || !st.info) return [];
  const scored: Array<[number, string]> = [];
  for (const f of st.info.functions) {
    const l = f.toLowerCase();
    const tail = l.slice(l.lastIndexOf(".") + 1);
    const r = l === s ? 0 : tail === s ? 1 : tail.startsWith(s) ? 2 : l.startsWith(s) ? 3 : l.includes(s) ? 4 : -1;
    if (r >= 0) scored.push([r * 1000 + Math.min(f.length, 999), f]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  return scored.slice(0, 8).map((x) => x[1]);
}

function showCompletion(): void {
  const input = $<HTMLInputElement>("bp");
  completions = matches(input.value);
  active = -1;
  const ul = $("bplist");
  ul.innerHTML = completions.map((f, k) => `<li role="option" id="bpopt-${k}" data-fn="${esc(f)}">${esc(f)}</li>`).join("");
  ul.hidden = completions.length === 0;
  input.setAttribute("aria-expanded", String(completions.length > 0));
  input.removeAttribute("aria-activedescendant");
}

function closeCompletion(): void {
  $("bplist").hidden = true;
  $("bp").setAttribute("aria-expanded", "false");
  $("bp").removeAttribute("aria-activedescendant");
  completions = [];
}

function moveCompletion(d: number): void {
  if (completions.length === 0) return;
  active = (active + d + completions.length) % completions.length;
  document.querySelectorAll("#bplist li").forEach((li, k) => li.setAttribute("aria-selected", String(k === active)));
  $("bp").setAttribute("aria-activedescendant", `bpopt-${active}`);
}

function pickCompletion(f: string): void {
  $<HTMLInputElement>("bp").value = f;
  closeCompletion();
  send({ type: "breakpoint", symbol: f });
}

$("bp").addEventListener("input", showCompletion);
$("bp").addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") moveCompletion(1);
  else if (e.key === "ArrowUp") moveCompletion(-1);
  else if (e.key === "Escape") closeCompletion();
  else if ((e.key === "Enter" || e.key === "Tab") && active >= 0 && completions[active] !== undefined) pickCompletion(completions[active]!);
  else return;
  e.preventDefault();
});
$("bp").addEventListener("blur", () => setTimeout(closeCompletion, 150));
$("bplist").addEventListener("mousedown", (e) => {
  const li = (e.target as HTMLElement).closest("li");
  if (li?.dataset["fn"]) {
    e.preventDefault();
    pickCompletion(li.dataset["fn"]);
  }
});

// ---- worker reports -------------------------------------------------------------------
const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };

/** Run a render that the worker caused (not the reader): the page stays where the reader had it
 *  (no jump when a pause or a new timeline changes what is above or inside the view). */
function keepScroll(f: () => void): void {
  const y = window.scrollY;
  f();
  if (window.scrollY !== y) window.scrollTo(window.scrollX, y);
}

worker.onmessage = (e: MessageEvent<Report>): void => keepScroll(() => onReport(e.data));

function onReport(m: Report): void {
  switch (m.type) {
    case "loaded":
      st.info = m.info;
      $("prog").textContent = `${m.info.name} · ${m.info.goVersion} · ${m.info.cpuVendor} · GOAMD64=${m.info.goamd64} · ${(m.info.size / 1048576).toFixed(1)} MiB`;
      if (st.selected) renderDetail();
      break;
    case "error":
      st.state = st.state === "running" || st.state === "paused" ? st.state : "error";
      if (!m.message.startsWith("internal error")) st.state = "error";
      $("status").textContent = "error";
      showError(m.message);
      break;
    case "output": {
      if (st.firstOutputMs === undefined) {
        st.firstOutputMs = performance.now();
        if (metrics.firstOutputMs === undefined) metrics.firstOutputMs = Math.round(performance.now());
      }
      const text = decoder[m.stream].decode(m.data, { stream: true });
      term.write(m.stream === "stderr" ? `\x1b[33m${text}\x1b[0m` : text);
      break;
    }
    case "running":
      st.state = "running";
      $("status").textContent = `running ${st.name}…`;
      $("reason").textContent = "running";
      break;
    case "paused":
      st.state = "paused";
      metrics.stops++;
      $("status").textContent = `paused: ${m.snap.reason}`;
      showSnapshot(m.snap);
      break;
    case "timeline":
      st.timeline = m.events;
      $("tlnote").textContent = `${count(m.events.length, "step")} · ${countChecks(m.events)}${m.complete ? "" : " so far"}`;
      if (!st.timeline.some((x) => x.id === st.selected)) st.selected = "";
      // Open on the step people come for: %fs:-8 becoming the current goroutine.
      if (st.selected === "" && m.complete) st.selected = "tls";
      renderTimeline();
      renderDetail();
      break;
    case "stacks":
      st.stacks = m.events;
      st.stackTimes = m.times;
      st.instructions = m.instructions;
      renderStacks();
      break;
    case "breakpoint":
      $("status").textContent = m.text;
      $("bp").classList.toggle("bad", !m.ok);
      break;
    case "exit": {
      st.state = "exited";
      metrics.runs++;
      const first = st.firstOutputMs === undefined ? "" : ` · first output ${Math.round(st.firstOutputMs - st.loadedAt)} ms after start`;
      $("status").textContent = `exited with status ${m.status}${m.signal ? ` (signal ${m.signal})` : ""} · ${count(m.instructions, "instruction")} in ${m.ms} ms${first}`;
      showSnapshot(m.snap);
      $("reason").textContent = `exited (status ${m.status})`;
      break;
    }
  }
  setButtons();
  updateLink();
}

worker.onerror = (e: ErrorEvent): void => {
  e.preventDefault();
  st.state = "error";
  $("status").textContent = "error";
  showError(`internal error in the emulator (a bug in rt0): ${e.message}`);
  setButtons();
};

function countChecks(events: WebEvent[]): string {
  let n = 0, ok = 0;
  for (const e of events) for (const c of e.checks) {
    n++;
    if (c.ok) ok++;
  }
  return ok === n ? `${count(n, "check")} passed` : `${n - ok} of ${count(n, "check")} FAILED`;
}

// ---- timeline -------------------------------------------------------------------------
/** Scroll el into view inside its scrolling container only: the page itself never jumps. */
function scrollWithin(container: HTMLElement, el: HTMLElement | null): void {
  if (!el || container.scrollHeight <= container.clientHeight) return;
  const c = container.getBoundingClientRect(), r = el.getBoundingClientRect();
  if (r.top < c.top) container.scrollTop -= c.top - r.top + 8;
  else if (r.bottom > c.bottom) container.scrollTop += r.bottom - c.bottom + 8;
}

function renderTimeline(): void {
  const ol = $("steps");
  const focused = document.activeElement instanceof HTMLElement && ol.contains(document.activeElement) ? document.activeElement.dataset["id"] : undefined;
  ol.innerHTML = st.timeline.length ? "" : `<li class="empty hint">The steps appear when the program has booted (or at once with » Next boot step).</li>`;
  st.timeline.forEach((ev, k) => {
    const li = document.createElement("li");
    li.dataset["id"] = ev.id;
    const current = k === st.bootIndex && st.state === "paused";
    li.className = [k <= st.bootIndex ? "reached" : "", current ? "current" : "", ev.id === st.selected ? "selected" : "", ev.live ? "" : "preview"].join(" ").trim();
    const bad = ev.checks.filter((c) => !c.ok).length;
    const badge = ev.checks.length === 0 ? "" : `<span class="badge ${bad ? "fail" : "ok"}" title="${count(ev.checks.length, "check")}${bad ? `, ${bad} failed` : " passed"}">${bad ? "✗" : "✓"}${ev.checks.length}</span>`;
    const btn = document.createElement("button");
    btn.type = "button";
    btn.dataset["id"] = ev.id;
    btn.setAttribute("aria-pressed", String(ev.id === st.selected));
    if (current) btn.setAttribute("aria-current", "step");
    btn.innerHTML = `<span class="num">${ev.step}</span><span class="ttl">${esc(ev.title)}</span>${badge}<span class="sym">${esc(ev.symbol)}${ev.live ? "" : ` <i title="values from an earlier run of this binary: this run has not finished this step yet">· ahead of this run</i>`}</span>`;
    btn.addEventListener("click", () => {
      st.selected = ev.id;
      renderTimeline();
      renderDetail();
      updateLink();
    });
    li.appendChild(btn);
    ol.appendChild(li);
  });
  if (focused) ol.querySelector<HTMLElement>(`button[data-id="${focused}"]`)?.focus({ preventScroll: true });
}

/** A term's first step in the timeline, so each definition shows once, where it first appears. */
function firstSteps(): Map<string, string> {
  const first = new Map<string, string>();
  for (const ev of st.timeline) for (const t of termsIn(`${ev.title} ${ev.story}`)) if (!first.has(t.term)) first.set(t.term, ev.id);
  return first;
}

/** Text with the runtime's terms marked (a tooltip with the definition on each), in one pass so
 *  a definition's own words are never marked inside another's tooltip. */
const TERM_RE = new RegExp(`(^|[^\\w·.$;&])(${TERMS.map((t) => t.match).join("|")})(?![\\w(])`, "g");
function withTerms(text: string): string {
  return esc(text).replace(TERM_RE, (_m, pre: string, w: string) => {
    const t = TERMS.find((x) => new RegExp(`^(?:${x.match})$`).test(w));
    return t ? `${pre}<span class="gloss" title="${esc(`${t.term}: ${t.def}`)}">${w}</span>` : `${pre}${w}`;
  });
}

/** GNU or Go text of an instruction, with the TLS slot written as -8 (objdump and go tool
 *  objdump print the displacement unsigned; the title keeps their spelling). */
function asmHtml(gnu: string, go: string): string {
  const raw = st.syntax === "go" ? go : gnu;
  return esc(raw)
    .replace(/%fs:0xfffffffffffffff8/g, `<mark class="tls" title="%fs:0xfffffffffffffff8 in objdump: the displacement -8, printed unsigned. The slot 8 bytes below the FS base holds the current g.">%fs:-8</mark>`)
    .replace(/FS:0xfffffff8/g, `<mark class="tls" title="FS:0xfffffff8 in go tool objdump: the displacement -8, printed unsigned. The slot 8 bytes below the FS base holds the current g.">FS:-8</mark>`)
    .replace(/%fs:0x0\b/g, `<mark class="tls">%fs:0x0</mark>`);
}

/** A line number linked to file:line in the Go source of the binary's release. */
function lineHtml(pos: string): string {
  const m = /^(.*):(\d+)$/.exec(pos);
  if (!m) return `<span class="ln"></span>`;
  const url = st.info ? sourceUrl(st.info.goVersion, pos) : undefined;
  const t = `${esc(pos)}${url ? ` in the Go ${esc(st.info!.goVersion)} source` : ""}`;
  return url ? `<a class="ln" href="${esc(url)}" target="_blank" rel="noopener" title="${t}">${m[2]}</a>` : `<span class="ln" title="${t}">${m[2]}</span>`;
}

/** Instructions as rows (marker, address, bytes, text, source line), with a header where the
 *  function or the source file changes. */
function instRows(insts: Array<{ addr: string; bytes: string; text: string; go: string; pos: string; current?: boolean; fn?: string }>): string {
  let file = "", fn = "";
  const out: string[] = [];
  for (const i of insts) {
    if (i.fn !== undefined && i.fn !== fn) {
      out.push(`<div class="fn">${esc(i.fn)}:</div>`);
      fn = i.fn;
      file = "";
    }
    const f = i.pos.replace(/:\d+$/, "");
    if (f !== file && f !== "") {
      out.push(`<div class="src" title="${esc(f)}">${esc(f)}</div>`);
      file = f;
    }
    const bytes = i.bytes.length > 24 ? i.bytes.slice(0, 23) + "…" : i.bytes;
    const hl = /%fs:|FS:/.test(i.text) ? " hl" : "";
    out.push(`<div class="ins${i.current ? " cur" : ""}${hl}"${i.current ? ' aria-current="true"' : ""}><span class="mk">${i.current ? "▶" : ""}</span><span class="a">${esc(i.addr.replace(/^0x/, ""))}</span><span class="b" title="${esc(i.bytes)}">${esc(bytes)}</span><span class="t">${asmHtml(i.text, i.go)}</span>${lineHtml(i.pos)}</div>`);
  }
  return out.join("");
}

function pictureFor(ev: WebEvent, facts: PictureFacts | undefined): string | undefined {
  const byId = (id: string): WebEvent | undefined => st.timeline.find((x) => x.id === id);
  switch (ev.id) {
    case "g0_stack": return facts ? g0StackPicture(ev, facts, byId("entry"), byId("rt0_go")) : undefined;
    case "cpuid": return cpuidPicture(ev);
    case "tls": return facts ? tlsPicture(ev, facts) : undefined;
    case "m0_g0": return facts ? linksPicture(ev, facts, byId("g0_stack"), byId("tls")) : undefined;
    default: return undefined;
  }
}

function renderDetail(): void {
  const k = st.timeline.findIndex((x) => x.id === st.selected);
  const ev = st.timeline[k];
  const d = $("detail");
  if (!ev) {
    d.innerHTML = `<p class="hint">Pick a bootstrap step to see its picture, instructions, values and registers.</p>`;
    return;
  }
  const values = Object.entries(ev.values).map(([key, v]) => `<tr data-key="${esc(key)}"><th scope="row">${esc(valueLabel(key))}</th><td>${esc(valueText(key, v))}</td></tr>`).join("");
  const checks = ev.checks.map((c) => `<li class="${c.ok ? "ok" : "fail"}">${c.ok ? "✓" : "✗"} ${esc(c.name)}${c.ok ? "" : ` — expected ${esc(c.expected)}, got ${esc(c.actual)}`}</li>`).join("");
  const first = firstSteps();
  const newTerms: Term[] = TERMS.filter((t) => first.get(t.term) === ev.id);
  const terms = newTerms.length ? `<dl class="terms">${newTerms.map((t) => `<dt>${esc(t.term)}</dt><dd>${esc(t.def)}</dd>`).join("")}</dl>` : "";
  const pic = pictureFor(ev, st.info?.facts);
  // Registers before the step: this run's, from its trace, or live when stopped right there.
  const snap = st.snap;
  const liveHere = snap !== undefined && st.state === "paused" && snap.atStep && snap.bootIndex === k;
  let regs = "";
  if (ev.live && ev.regs) regs = `<h4>Registers before the step</h4><div class="regs">${regsHtml(ev.regs, ev.regNotes ?? {})}</div>`;
  else if (liveHere) regs = `<h4>Registers now, before the step's first instruction</h4><div class="regs">${regsHtml(snap.regs, snap.regNotes)}</div>`;
  else if (ev.regs) regs = `<h4>Registers before the step</h4><p class="hint">This run has not reached the step yet: they appear when it does.</p>`;
  const insts = ev.instructions as WebInst[];
  d.innerHTML = `
    <div class="head">
      <h3><span class="num">${ev.step}</span> ${esc(ev.title)}</h3>
      <div class="where">${esc(ev.symbol || "—")} <code>${ev.pc}</code>${ev.live ? "" : ` <span class="preview-note" title="This run has not finished this step yet; the values are those of an earlier run of the same binary (the same unless the program reads time or randomness).">values from an earlier run</span>`}</div>
    </div>
    ${pic ? `<figure class="picture">${pic}</figure>` : ""}
    <div class="text">
      <p class="story">${withTerms(ev.story)}</p>
      ${terms}
      ${ev.since2015 ? `<p class="since"><b>Since 2015.</b> <span class="why">${esc(SINCE_2015.line)}</span> ${esc(ev.since2015)} <a href="${esc(since2015Url(ev.id))}" target="_blank" rel="noopener">Go 1.5's source</a></p>` : ""}
      ${values ? `<table class="values"><caption>${ev.live ? "Values read from this run" : "Values read from an earlier run"}</caption>${values}</table>` : ""}
      ${checks ? `<ul class="checks" aria-label="checks">${checks}</ul>` : ""}
    </div>
    <div class="machine">
      ${insts.length ? `<h4>Instructions executed (${insts.length})</h4><div class="code">${instRows(insts)}</div>` : `<h4>Instructions</h4><p class="hint">This step is a function entry: no instructions of its own are traced.</p>`}
      ${regs}
    </div>`;
}

// ---- live CPU, g0/m0 ------------------------------------------------------------------
function regsHtml(regs: Record<string, string>, notes: Record<string, string>, prev?: Record<string, string>): string {
  return Object.entries(regs).map(([k, v]) => {
    const changed = prev !== undefined && prev[k] !== v;
    const n = notes[k];
    return `<div class="reg${changed ? " changed" : ""}" data-reg="${k}"><span class="rn">${k}</span><code>${v}</code>${n ? `<span class="rs" title="${esc(n)}">${esc(n)}</span>` : ""}</div>`;
  }).join("");
}

function codeHtml(lines: DisasmLine[]): string {
  return instRows(lines.map((l) => ({ ...l, fn: l.symbol.replace(/\+0x[0-9a-f]+$/, "").replace(/\.abi0$/, "") })));
}

function structsHtml(structs: GoStruct[]): string {
  return structs.map((s) => `
    <details ${s.title.startsWith("current") ? "" : "open"}>
      <summary>${esc(s.title)} <code>${s.addr}</code></summary>
      <table>${s.fields.map((f) => `<tr title="${esc(f.type)}"><td class="off">+${f.offset}</td><th scope="row">${esc(f.name)}</th><td><code>${f.value}</code></td><td class="fnote">${f.note ? esc(f.note) : ""}</td></tr>`).join("")}</table>
    </details>`).join("");
}

function threadText(s: Snapshot): string {
  const who = s.mainThread ? `main thread (tid ${s.tid})` : `thread ${s.tid}`;
  return `${who} · ${count(s.threads, "thread")} in the process`;
}

function showSnapshot(s: Snapshot): void {
  st.snap = s;
  $("reason").textContent = `${s.reason} · ${threadText(s)} · ${count(s.instructions, "instruction")}`;
  $("regs").innerHTML = regsHtml(s.regs, s.regNotes, st.prevRegs);
  st.prevRegs = s.regs;
  $("code").innerHTML = codeHtml(s.disasm);
  $("structs").innerHTML = structsHtml(s.structs);
  st.bootIndex = s.bootIndex;
  const cur = st.timeline[s.bootIndex];
  if (cur && st.state === "paused") st.selected = cur.id;
  renderTimeline();
  renderDetail();
  scrollWithin($("steps").parentElement!, document.querySelector<HTMLElement>("#steps li.current"));
  scrollWithin($("code"), document.querySelector<HTMLElement>("#code .cur"));
}

// ---- stack chart ----------------------------------------------------------------------
const COLORS = ["#7fdbca", "#f78c6c", "#c792ea", "#ffcb6b", "#82aaff", "#ff5874", "#addb67", "#21c7a8"];

function renderStacks(): void {
  const evs = st.stacks;
  const box = $("stackchart");
  const grows = evs.filter((e) => e.event === "grow").length;
  $("stacknote").textContent = evs.length ? `${count(grows, "growth")}, ${count(evs.length - grows, "shrink")}` : "";
  if (evs.length === 0) {
    box.innerHTML = `<p class="hint">${st.state === "exited" ? "No goroutine stack grew or shrank in this run (every goroutine starts with 2 KiB)." : "Stack growth (morestack → newstack → copystack) shows up here as it happens."}</p>`;
    $("growth").innerHTML = "";
    return;
  }
  const W = 560, H = 200, L = 52, R = 14, T = 12, B = 36;
  const sizes = evs.flatMap((e) => [e.oldSize, e.newSize]);
  const lo = Math.log2(Math.min(...sizes)), hi = Math.max(lo + 1, Math.log2(Math.max(...sizes)));
  // Time axis: instructions retired by all threads (the events' order when no times are known).
  const times = st.stackTimes.length === evs.length ? st.stackTimes : evs.map((_, k) => k + 1);
  const end = Math.max(st.instructions, times[times.length - 1]! * 1.02, 1);
  const x = (t: number): number => L + ((W - L - R) * t) / end;
  const mi = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M` : `${Math.round(n / 1e3)}K`);
  const y = (size: number): number => T + (H - T - B) * (1 - (Math.log2(size) - lo) / (hi - lo));
  const parts: string[] = [];
  for (let p = Math.ceil(lo); p <= hi; p++) {
    const v = 2 ** p;
    parts.push(`<line class="grid" x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}"/><text class="ax" x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1048576 ? `${v / 1048576}M` : `${v / 1024}K`}</text>`);
  }
  if (st.stackTimes.length === evs.length) {
    for (const f of [0, 0.25, 0.5, 0.75, 1]) parts.push(`<text class="ax" x="${x(end * f)}" y="${H - B + 14}" text-anchor="${f === 0 ? "start" : f === 1 ? "end" : "middle"}">${f === 0 ? "0" : mi(end * f)}</text>`);
    parts.push(`<text class="ax" x="${W - R}" y="${H - B + 26}" text-anchor="end">instructions retired</text>`);
  }
  if (st.growth < 0 || st.growth >= evs.length) st.growth = evs.length - 1;
  const goids = [...new Set(evs.map((e) => e.goid))];
  goids.forEach((g, gi) => {
    const color = COLORS[gi % COLORS.length]!;
    let path = "";
    let last: StackEvent | undefined;
    evs.forEach((e, k) => {
      if (e.goid !== g) return;
      if (!last) path += `M ${g === 1 ? x(0) : Math.max(L, x(times[k]!) - 12)} ${y(e.oldSize)} `;
      path += `H ${x(times[k]!)} V ${y(e.newSize)} `;
      last = e;
    });
    if (last) path += `H ${x(end)}`;
    parts.push(`<path d="${path}" stroke="${color}" fill="none" stroke-width="2"/>`);
    evs.forEach((e, k) => {
      if (e.goid !== g) return;
      const sym = e.event === "grow" ? "▲" : "▼";
      const tip = `goroutine ${e.goid}: ${e.event} ${sizeText(e.oldSize)} [${e.oldLo}, ${e.oldHi}) → ${sizeText(e.newSize)} [${e.newLo}, ${e.newHi})${e.func ? ` in ${e.func} (from ${e.caller})` : ""}\n${e.path.join(" → ")}`;
      parts.push(`<text class="mk${k === st.growth ? " sel" : ""}" data-k="${k}" x="${x(times[k]!)}" y="${e.event === "grow" ? y(e.newSize) - 4 : y(e.newSize) + 12}" fill="${color}" text-anchor="middle"><title>${esc(tip)}</title>${sym}</text>`);
    });
  });
  const rows = goids.map((g, gi) => {
    const mine = evs.filter((e) => e.goid === g);
    const a = mine[0]!, z = mine[mine.length - 1]!;
    return `<tr><th scope="row" style="color: ${COLORS[gi % COLORS.length]}">■ goroutine ${g}</th><td>${sizeText(a.oldSize)} → ${sizeText(z.newSize)}</td><td class="rng">[${a.oldLo}, ${a.oldHi}) → [${z.newLo}, ${z.newHi})</td><td>${mine.filter((e) => e.event === "grow").length} ▲ ${mine.filter((e) => e.event === "shrink").length} ▼</td><td class="ty">${esc(mostCommon(mine.map((e) => e.func).filter((f) => f !== "")))}</td></tr>`;
  }).join("");
  const opts = evs.map((e, k) => `<option value="${k}"${k === st.growth ? " selected" : ""}>#${k + 1} goroutine ${e.goid}: ${e.event} ${sizeText(e.oldSize)} → ${sizeText(e.newSize)}${e.func ? ` in ${esc(e.func)}` : ""}</option>`).join("");
  box.innerHTML = `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="goroutine stack sizes over the run"><title>Goroutine stack sizes over the run: ${count(grows, "growth")}, ${count(evs.length - grows, "shrink")}</title>${parts.join("")}</svg>` +
    `<div class="tablewrap"><table class="sum"><caption>Each goroutine's stack: first and last range</caption>${rows}</table></div>` +
    `<label class="pickgrowth">stack change <select id="growthsel">${opts}</select></label>`;
  $<HTMLSelectElement>("growthsel").addEventListener("change", (e) => {
    st.growth = Number((e.target as HTMLSelectElement).value);
    renderStacks();
  });
  box.querySelectorAll<SVGTextElement>("text.mk").forEach((t) => t.addEventListener("click", () => {
    st.growth = Number(t.dataset["k"]);
    renderStacks();
  }));
  const sel = evs[st.growth];
  $("growth").innerHTML = sel ? `<figure class="picture">${growthPicture(sel, st.growth)}</figure>` : "";
}

function mostCommon(xs: string[]): string {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  let best = "", k = 0;
  for (const [x, c] of n) if (c > k) [best, k] = [x, c];
  return best;
}

// ---- start: list the bundled samples and run the first (or the linked one, at its step) ----------
async function init(): Promise<void> {
  setButtons();
  const first = early?.first ?? params.get("sample") ?? "hello";
  const step = params.get("step") ?? undefined;
  let samples: Sample[] = [];
  try {
    samples = (await (await fetch("samples/index.json")).json()) as Sample[];
  } catch {
    showError("samples/index.json is missing: rebuild with npm run build:web");
  }
  const box = $("samples");
  for (const s of samples) {
    const b = document.createElement("button");
    b.className = "sample";
    b.type = "button";
    b.dataset["sample"] = s.file;
    b.textContent = s.label;
    b.addEventListener("click", () => void loadSample(s));
    box.appendChild(b);
  }
  const s = samples.find((x) => x.file === first);
  if (s) await loadSample(s, { ...(early?.bytes ? { early: early.bytes } : {}), ...(step ? { stopAt: step } : {}) });
  else if (first !== "none") showError(`no sample ${first}: pick one above`);
}
renderStacks();
void init();
