// The explorer page: picks or receives a binary, hands it to the emulator worker, and renders
// what comes back: the terminal (xterm.js), the bootstrap timeline with each step's
// instructions/values/registers, the live CPU, g0/m0 and the goroutine stack chart.

import { Terminal } from "@xterm/xterm";
import type { BootEvent } from "../src/goruntime/boot.js";
import type { StackEvent } from "../src/goruntime/stacks.js";
import type { Command, DisasmLine, GoStruct, Report, Snapshot, Vendor } from "./protocol.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const kib = (n: number): string => (n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`);

interface Sample {
  file: string;
  label: string;
}

/** What the page knows about the current run. */
const st = {
  name: "",
  bytes: undefined as Uint8Array | undefined,
  vendor: "intel" as Vendor,
  state: "idle" as "idle" | "running" | "paused" | "exited" | "error",
  timeline: [] as BootEvent[],
  selected: "",
  bootIndex: -1,
  prevRegs: undefined as Record<string, string> | undefined,
  stacks: [] as StackEvent[],
  stackTimes: [] as number[],
  instructions: 0,
  firstOutputMs: undefined as number | undefined,
  loadedAt: 0,
};

// Numbers the end-to-end test reads (page load to first guest output).
const metrics: { firstOutputMs?: number; runs: number } = { runs: 0 };
(window as unknown as { rt0Metrics: typeof metrics }).rt0Metrics = metrics;

/** Started by index.html's inline script, before this bundle loaded. */
const early = (window as unknown as { rt0Early?: { worker: Worker; first: string; bytes?: Promise<Response> } }).rt0Early;
const worker = early?.worker ?? new Worker("worker.js");
const send = (c: Command, transfer: Transferable[] = []): void => worker.postMessage(c, transfer);

// ---- terminal -------------------------------------------------------------------------
const term = new Terminal({
  convertEol: true, cols: 92, rows: 15, fontSize: 13, cursorBlink: true, scrollback: 5000,
  fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
  theme: { background: "#0d1117", foreground: "#d6deeb", cursor: "#7fdbca", selectionBackground: "#264f78" },
});
term.open($("terminal"));

/** Size the terminal to its panel (xterm.js without the fit addon: measure one cell). */
function fitTerminal(): void {
  const probe = document.createElement("span");
  probe.style.cssText = `font: 13px ${term.options.fontFamily ?? "monospace"}; position: absolute; visibility: hidden; white-space: pre`;
  probe.textContent = "0".repeat(50);
  document.body.appendChild(probe);
  const cell = probe.getBoundingClientRect().width / 50;
  probe.remove();
  const width = $("terminal").clientWidth - 16;
  const cols = Math.max(40, Math.floor(width / cell) - 1);
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

function load(name: string, bytes: Uint8Array, vendor: Vendor, paused = false): void {
  clearError();
  st.name = name;
  st.bytes = bytes;
  st.vendor = vendor;
  st.state = "running";
  st.bootIndex = -1;
  st.prevRegs = undefined;
  st.stacks = [];
  st.stackTimes = [];
  st.loadedAt = performance.now();
  st.firstOutputMs = undefined;
  term.reset();
  st.timeline = [];
  st.selected = "";
  $("tlnote").textContent = "";
  renderTimeline();
  renderDetail();
  for (const id of ["regs", "code", "structs", "reason"]) $(id).innerHTML = "";
  term.write(`\x1b[2m$ ./${name}${vendor === "amd" ? "   # CPUID: AuthenticAMD" : ""}\x1b[0m\r\n`);
  $("prog").textContent = name;
  $("vendor").textContent = vendor === "intel" ? "Restart as AMD" : "Restart as Intel";
  $("status").textContent = `${paused ? "loading" : "running"} ${name}…`;
  renderStacks();
  setButtons();
  const copy = bytes.slice();
  send({ type: "load", name, bytes: copy.buffer, vendor, paused, breakpoint: $<HTMLInputElement>("bp").value }, [copy.buffer]);
}

async function loadSample(s: Sample, early?: Promise<Response>): Promise<void> {
  $("status").textContent = `fetching ${s.label}…`;
  const r = await (early ?? fetch(`samples/${s.file}`));
  if (!r.ok) {
    showError(`sample ${s.file}: HTTP ${r.status}`);
    return;
  }
  load(s.file, new Uint8Array(await r.arrayBuffer()), "intel");
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
  load(st.name, st.bytes, st.vendor, true);
  return true;
}
$("run").addEventListener("click", () => {
  if (st.state === "exited" && st.bytes) load(st.name, st.bytes, st.vendor);
  else send({ type: "run" });
});
$("pause").addEventListener("click", () => send({ type: "pause" }));
$("step").addEventListener("click", () => {
  if (!restartPaused()) send({ type: "step" });
});
$("next").addEventListener("click", () => {
  if (!restartPaused()) send({ type: "nextStep" });
});
$("vendor").addEventListener("click", () => {
  if (st.bytes) load(st.name, st.bytes, st.vendor === "intel" ? "amd" : "intel");
});
$("bpform").addEventListener("submit", (e) => {
  e.preventDefault();
  send({ type: "breakpoint", symbol: $<HTMLInputElement>("bp").value });
});

function setButtons(): void {
  const s = st.state;
  $<HTMLButtonElement>("pause").disabled = s !== "running";
  $<HTMLButtonElement>("run").disabled = s === "running" || s === "idle" || s === "error";
  for (const id of ["step", "next"]) $<HTMLButtonElement>(id).disabled = s === "idle" || s === "error";
  document.body.dataset["state"] = s;
}

// ---- worker reports -------------------------------------------------------------------
const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };

worker.onmessage = (e: MessageEvent<Report>): void => {
  const m = e.data;
  switch (m.type) {
    case "loaded":
      $("prog").textContent = `${m.info.name} · ${m.info.goVersion} · ${m.info.cpuVendor} · GOAMD64=${m.info.goamd64} · ${(m.info.size / 1048576).toFixed(1)} MiB`;
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
      $("status").textContent = `paused: ${m.snap.reason}`;
      showSnapshot(m.snap);
      break;
    case "timeline":
      st.timeline = m.events;
      $("tlnote").textContent = `${m.events.length} steps · ${countChecks(m.events)}${m.complete ? "" : " so far"}`;
      if (!st.timeline.some((x) => x.id === st.selected)) st.selected = "";
      // Open on the step people come for: %fs:-8 becoming the current goroutine.
      if (st.selected === "" && m.complete) st.selected = "tls";
      renderTimeline();
      if (st.selected) renderDetail();
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
      $("status").textContent = `exited with status ${m.status}${m.signal ? ` (signal ${m.signal})` : ""} · ${m.instructions.toLocaleString("en")} instructions in ${m.ms} ms${first}`;
      showSnapshot(m.snap);
      $("reason").textContent = `exited (status ${m.status})`;
      break;
    }
  }
  setButtons();
};

worker.onerror = (e: ErrorEvent): void => {
  e.preventDefault();
  st.state = "error";
  $("status").textContent = "error";
  showError(`internal error in the emulator (a bug in rt0): ${e.message}`);
  setButtons();
};

function countChecks(events: BootEvent[]): string {
  let n = 0, ok = 0;
  for (const e of events) for (const c of e.checks) {
    n++;
    if (c.ok) ok++;
  }
  return ok === n ? `${n} checks passed` : `${n - ok} of ${n} checks FAILED`;
}

// ---- timeline -------------------------------------------------------------------------
function renderTimeline(): void {
  const ol = $("steps");
  ol.innerHTML = st.timeline.length ? "" : `<li class="empty hint">The steps appear when the program has booted (or at once with » Next boot step).</li>`;
  st.timeline.forEach((ev, k) => {
    const li = document.createElement("li");
    li.dataset["id"] = ev.id;
    li.className = [k <= st.bootIndex ? "reached" : "", k === st.bootIndex && st.state === "paused" ? "current" : "", ev.id === st.selected ? "selected" : ""].join(" ").trim();
    const bad = ev.checks.filter((c) => !c.ok).length;
    const badge = ev.checks.length === 0 ? "" : `<span class="badge ${bad ? "fail" : "ok"}">${bad ? "✗" : "✓"}${ev.checks.length}</span>`;
    li.innerHTML = `<span class="num">${ev.step}</span><span class="ttl">${esc(ev.title)}</span>${badge}<span class="sym">${esc(ev.symbol)}</span>`;
    li.addEventListener("click", () => {
      st.selected = ev.id;
      renderTimeline();
      renderDetail();
    });
    ol.appendChild(li);
  });
}

function tls(text: string): string {
  return esc(text).replace(/%fs:[^,\s]+/g, (m) => `<mark class="tls" title="thread-local storage: %fs:-8 is the current goroutine g">${m}</mark>`);
}

function renderDetail(): void {
  const ev = st.timeline.find((x) => x.id === st.selected);
  const d = $("detail");
  if (!ev) {
    d.innerHTML = `<p class="hint">Click a bootstrap step to see its instructions, values and registers.</p>`;
    return;
  }
  const values = Object.entries(ev.values).map(([k, v]) => `<tr data-key="${esc(k)}"><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`).join("");
  const checks = ev.checks.map((c) => `<li class="${c.ok ? "ok" : "fail"}">${c.ok ? "✓" : "✗"} ${esc(c.name)}${c.ok ? "" : ` — expected ${esc(c.expected)}, got ${esc(c.actual)}`}</li>`).join("");
  const insts = ev.instructions.map((i) => {
    const bytes = i.bytes.length > 20 ? i.bytes.slice(0, 18) + "…" : i.bytes;
    const s = `<span class="a">${i.addr.slice(2).padStart(8)}</span>  <span class="b">${esc(bytes.padEnd(20))}</span> ${tls(i.text)}`;
    return i.text.includes("%fs:") ? `<span class="hl">${s}</span>` : s;
  }).join("\n");
  d.innerHTML = `
    <div class="text">
      <h3><span class="num">${ev.step}</span> ${esc(ev.title)}</h3>
      <div class="where">${esc(ev.symbol || "—")} <code>${ev.pc}</code></div>
      <p class="story">${esc(ev.story)}</p>
      ${ev.since2015 ? `<p class="since"><b>Since 2015:</b> ${esc(ev.since2015)}</p>` : ""}
      ${values ? `<table class="values">${values}</table>` : ""}
      ${checks ? `<ul class="checks">${checks}</ul>` : ""}
    </div>
    <div class="machine">
      ${insts ? `<h4>Instructions executed (${ev.instructions.length})</h4><pre class="code">${insts}</pre>` : `<h4>Instructions</h4><p class="hint">This step is a function entry: no instructions of its own are traced.</p>`}
      ${ev.regs ? `<h4>Registers before the step</h4><div class="regs">${regsHtml(ev.regs)}</div>` : ""}
    </div>`;
}

// ---- live CPU, g0/m0 ------------------------------------------------------------------
function regsHtml(regs: Record<string, string>, prev?: Record<string, string>): string {
  return Object.entries(regs).map(([k, v]) => {
    const changed = prev !== undefined && prev[k] !== v;
    return `<div class="reg${changed ? " changed" : ""}" data-reg="${k}"><span>${k}</span><code>${v}</code></div>`;
  }).join("");
}

function codeHtml(lines: DisasmLine[]): string {
  let fn = "";
  const out: string[] = [];
  for (const l of lines) {
    const f = l.symbol.replace(/\+0x[0-9a-f]+$/, "");
    if (f !== fn) {
      out.push(`<span class="fn">${esc(f)}:</span>`);
      fn = f;
    }
    const bytes = l.bytes.length > 20 ? l.bytes.slice(0, 18) + "…" : l.bytes;
    const s = `${l.current ? "▶" : " "} <span class="a">${l.addr.slice(2)}</span>  <span class="b">${esc(bytes.padEnd(20))}</span> ${tls(l.text)}`;
    out.push(l.current ? `<span class="cur">${s}</span>` : s);
  }
  return out.join("\n");
}

function structsHtml(structs: GoStruct[]): string {
  return structs.map((s) => `
    <details ${s.title.startsWith("current") ? "" : "open"}>
      <summary>${esc(s.title)} <code>${s.addr}</code></summary>
      <table>${s.fields.map((f) => `<tr title="${esc(f.type)}"><td class="off">+${f.offset}</td><th>${esc(f.name)}</th><td><code>${f.value}</code></td></tr>`).join("")}</table>
    </details>`).join("");
}

function showSnapshot(s: Snapshot): void {
  $("reason").textContent = `${s.reason} · thread ${s.tid} of ${s.threads} · ${s.instructions.toLocaleString("en")} instructions`;
  $("regs").innerHTML = regsHtml(s.regs, st.prevRegs);
  st.prevRegs = s.regs;
  $("code").innerHTML = codeHtml(s.disasm);
  $("structs").innerHTML = structsHtml(s.structs);
  st.bootIndex = s.bootIndex;
  const cur = st.timeline[s.bootIndex];
  if (cur && st.state === "paused") st.selected = cur.id;
  renderTimeline();
  if (st.selected) renderDetail();
  document.querySelector("#steps li.current")?.scrollIntoView({ block: "nearest" });
}

// ---- stack chart ----------------------------------------------------------------------
const COLORS = ["#7fdbca", "#f78c6c", "#c792ea", "#ffcb6b", "#82aaff", "#ff5874", "#addb67", "#21c7a8"];

function renderStacks(): void {
  const evs = st.stacks;
  const box = $("stackchart");
  const grows = evs.filter((e) => e.event === "grow").length;
  $("stacknote").textContent = evs.length ? `${grows} growths, ${evs.length - grows} shrinks` : "";
  if (evs.length === 0) {
    box.innerHTML = `<p class="hint">${st.state === "exited" ? "No goroutine stack grew or shrank in this run (every goroutine starts with 2 KiB)." : "Stack growth (morestack → newstack → copystack) shows up here as it happens."}</p>`;
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
      const tip = `goroutine ${e.goid}: ${e.event} ${kib(e.oldSize)} → ${kib(e.newSize)}${e.func ? ` in ${e.func} (from ${e.caller})` : ""}\n${e.path.join(" → ")}`;
      parts.push(`<text class="mk" x="${x(times[k]!)}" y="${e.event === "grow" ? y(e.newSize) - 4 : y(e.newSize) + 12}" fill="${color}" text-anchor="middle"><title>${esc(tip)}</title>${sym}</text>`);
    });
  });
  const rows = goids.map((g, gi) => {
    const mine = evs.filter((e) => e.goid === g);
    return `<tr><th style="color: ${COLORS[gi % COLORS.length]}">■ goroutine ${g}</th><td>${kib(mine[0]!.oldSize)} → ${kib(mine[mine.length - 1]!.newSize)}</td><td>max ${kib(Math.max(...mine.map((e) => e.newSize)))}</td><td>${mine.filter((e) => e.event === "grow").length} ▲ ${mine.filter((e) => e.event === "shrink").length} ▼</td><td class="ty">${esc(mostCommon(mine.map((e) => e.func).filter((f) => f !== "")))}</td></tr>`;
  }).join("");
  box.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="goroutine stack sizes">${parts.join("")}</svg><table class="sum">${rows}</table>`;
}

function mostCommon(xs: string[]): string {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  let best = "", k = 0;
  for (const [x, c] of n) if (c > k) [best, k] = [x, c];
  return best;
}

// ---- start: list the bundled samples and run hello --------------------------------------
async function init(): Promise<void> {
  setButtons();
  const first = early?.first ?? new URLSearchParams(location.search).get("sample") ?? "hello";
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
    b.dataset["sample"] = s.file;
    b.textContent = s.label;
    b.addEventListener("click", () => void loadSample(s));
    box.appendChild(b);
  }
  const s = samples.find((x) => x.file === first);
  if (s) await loadSample(s, early?.bytes);
}
renderStacks();
void init();
