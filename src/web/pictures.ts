// The explorer's pictures of the bootstrap, as inline SVG strings drawn from one run's live
// values (the boot events of src/goruntime/boot.ts, and the stack tracer's events): g0's stack
// carved out of the OS stack, FS base → m0.tls → g0, m0 ⇄ g0, CPUID's vendor string, and one
// stack growth. Pure functions of plain data, so Node tests check them without a browser.

import type { BootEvent } from "../goruntime/boot.js";
import type { StackEvent } from "../goruntime/stacks.js";

/** What the pictures need besides a step's values: the run's OS stack mapping and the
 *  release's field offsets ("g.stack.lo", "g.m", "m.g0", "m.tls", …, from its layouts). */
export interface PictureFacts {
  osStack: { lo: number; hi: number };
  offsets: Record<string, number>;
  /** Number of uintptr slots in m.tls. */
  tlsSlots: number;
}

type Value = string | number | boolean | undefined;

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
export const hex = (n: number): string => "0x" + n.toString(16);

/** The address at the start of a value ("0x583400 <runtime.g0>" → 0x583400). */
export function addrOf(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  const m = /^0x([0-9a-f]+)/i.exec(v.trim());
  return m ? parseInt(m[1]!, 16) : undefined;
}

/** A byte count as people say it: 64 KiB, 8 MiB, 64 KiB − 104 B, 48 B. */
export function sizeText(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  const k = Math.ceil(n / 1024);
  if (n > 1024 && k * 1024 - n < 512) return `${k} KiB − ${k * 1024 - n} B`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 10240) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A signed offset as an assembler writes it: -8, +0x80. */
const off = (n: number): string => (n < 0 ? `-${hex(-n)}` : `+${hex(n)}`);

/** One SVG picture: a titled, labelled image; `data` carries the values it was drawn from. */
function svg(id: string, w: number, h: number, title: string, desc: string, body: string[]): string {
  return `<svg class="pic" data-picture="${id}" viewBox="0 0 ${w} ${h}" width="${w}" role="img" aria-labelledby="pic-${id}-t pic-${id}-d" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="pic-${id}-t">${esc(title)}</title><desc id="pic-${id}-d">${esc(desc)}</desc>` +
    `<defs><marker id="ah-${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="ahead"/></marker></defs>` +
    body.join("") + "</svg>";
}

/** A text element; `key` names the boot event value it shows (data-v), `raw` that value exactly. */
function text(x: number, y: number, s: string, cls: string, o: { anchor?: "start" | "middle" | "end"; key?: string; raw?: Value } = {}): string {
  const a = o.anchor && o.anchor !== "start" ? ` text-anchor="${o.anchor}"` : "";
  const k = o.key !== undefined ? ` data-v="${esc(o.key)}" data-raw="${esc(String(o.raw ?? s))}"` : "";
  return `<text x="${x}" y="${y}" class="${cls}"${a}${k}>${esc(s)}</text>`;
}

const arrow = (id: string, d: string, cls = "arrow"): string => `<path d="${d}" class="${cls}" marker-end="url(#ah-${id})"/>`;

// ---- g0's stack ------------------------------------------------------------------------

/** g0's stack carved out of the OS stack: the kernel's part above the entry SP, rt0_go's frame,
 *  g0's [stack.lo, stack.hi) with SP at its top and both guards, and the rest of the mapping.
 *  `entry` and `rt0go` (steps 1 and 3) give the entry SP and the aligned SP when known. */
export function g0StackPicture(ev: BootEvent, facts: PictureFacts, entry?: BootEvent, rt0go?: BootEvent): string | undefined {
  const v = ev.values;
  const lo = addrOf(v["stack.lo"]), hi = addrOf(v["stack.hi"]);
  if (lo === undefined || hi === undefined) return undefined;
  const sg0 = addrOf(v["stackguard0"]), sg1 = addrOf(v["stackguard1"]);
  const init = addrOf(entry?.values["initial_sp"]);
  const aligned = addrOf(rt0go?.values["sp_after_and"]);
  const top = facts.osStack.hi, bottom = facts.osStack.lo;
  const id = "g0_stack";
  const X0 = 46, X1 = 246, LX = 260, W = 480;
  const parts: string[] = [];
  let y = 34;
  const bands: Array<{ from: number; to: number; h: number; cls: string; name: string; size: number }> = [];
  if (init !== undefined && init < top) bands.push({ from: top, to: init, h: 50, cls: "kernel", name: "argv, envp, auxv (the kernel's)", size: top - init });
  if (init !== undefined && init > hi) bands.push({ from: init, to: hi, h: 36, cls: "frame", name: "rt0_go's frame: argc, argv", size: init - hi });
  bands.push({ from: hi, to: lo, h: 150, cls: "g0", name: "g0's stack", size: hi - lo });
  if (lo > bottom) bands.push({ from: lo, to: bottom, h: 66, cls: "rest", name: "the rest of the OS stack", size: lo - bottom });
  const yAt = new Map<number, number>();
  parts.push(text(X0, 16, "OS stack (high addresses at the top)", "cap"));
  for (const b of bands) {
    yAt.set(b.from, y);
    parts.push(`<rect x="${X0}" y="${y}" width="${X1 - X0}" height="${b.h}" class="band ${b.cls}"/>`);
    const mid = y + b.h / 2;
    if (b.cls === "g0") {
      parts.push(text((X0 + X1) / 2, mid - 8, b.name, "bname big", { anchor: "middle" }));
      parts.push(text((X0 + X1) / 2, mid + 12, sizeText(b.size), "bsize big", { anchor: "middle", key: "stack size", raw: v["stack size"] }));
      parts.push(arrow(id, `M ${X0 + 22} ${y + 18} V ${y + b.h - 18}`, "grow"));
      parts.push(text(X0 + 30, y + b.h - 20, "grows down", "dim small"));
    } else {
      parts.push(text((X0 + X1) / 2, mid - 3, b.name, "bname", { anchor: "middle" }));
      parts.push(text((X0 + X1) / 2, mid + 12, sizeText(b.size), "bsize", { anchor: "middle" }));
    }
    y += b.h;
    yAt.set(b.to, y);
  }
  const mark = (addr: number, key: string | undefined, name: string, cls = "", raw?: Value): void => {
    const my = yAt.get(addr);
    if (my === undefined) return;
    parts.push(`<line x1="${X1}" x2="${LX - 4}" y1="${my}" y2="${my}" class="tick ${cls}"/>`);
    parts.push(text(LX, my - 2, hex(addr), `addr ${cls}`, key !== undefined ? { key, raw: raw ?? hex(addr) } : {}));
    parts.push(text(LX, my + 12, name, `mname ${cls}`));
  };
  mark(top, undefined, "top of the OS stack");
  if (init !== undefined && init < top) mark(init, "initial_sp", "SP at the entry point", "", entry?.values["initial_sp"]);
  mark(hi, "stack.hi", aligned === hi ? "g0.stack.hi = SP" : "g0.stack.hi", "hi");
  // The guards: where a function's prologue compares SP (at stack.lo here: rt0_go sets both so).
  const yHi = yAt.get(hi)!, yLo = yAt.get(lo)!;
  const guardY = (g: number): number => (g === lo ? yLo : yHi + ((hi - g) / (hi - lo)) * (yLo - yHi));
  const guards = [["stackguard0", sg0], ["stackguard1", sg1]] as const;
  const atLo = guards.filter(([, g]) => g === lo).map(([n]) => n);
  parts.push(`<line x1="${X0}" x2="${X1}" y1="${yLo}" y2="${yLo}" class="guard"/>`);
  parts.push(text(LX, yLo - 2, hex(lo), "addr lo", { key: "stack.lo", raw: v["stack.lo"] }));
  parts.push(`<line x1="${X1}" x2="${LX - 4}" y1="${yLo}" y2="${yLo}" class="tick"/>`);
  parts.push(text(LX, yLo + 12, "g0.stack.lo", "mname"));
  atLo.forEach((n, k) => parts.push(text(LX, yLo + 26 + 13 * k, `= ${n}`, "mname guardtxt", { key: n, raw: v[n] })));
  for (const [n, g] of guards) {
    if (g === undefined || g === lo) continue;
    const gy = guardY(g);
    parts.push(`<line x1="${X0}" x2="${X1}" y1="${gy}" y2="${gy}" class="guard"/>`);
    parts.push(text(LX, gy - 2, hex(g), "addr", { key: n, raw: v[n] }));
    parts.push(text(LX, gy + 12, n, "mname guardtxt"));
  }
  if (bottom < lo) mark(bottom, undefined, `end of the ${sizeText(top - bottom)} mapping`);
  // SP points at the top of g0's stack.
  parts.push(arrow(id, `M 8 ${yHi} H ${X0 - 3}`, "sp"));
  parts.push(text(8, yHi - 6, "SP", "sptxt"));
  const h = y + 60;
  const title = `g0's stack carved out of the OS stack: [${hex(lo)}, ${hex(hi)}), ${sizeText(hi - lo)}, SP at stack.hi, stackguard0 and stackguard1 ${atLo.length === 2 ? "both at stack.lo" : "marked"}`;
  const desc = `rt0_go gives g0 (${String(v["&g0"] ?? "runtime.g0")}) the ${sizeText(hi - lo)} below SP of the ${sizeText(top - bottom)} OS stack [${hex(bottom)}, ${hex(top)}); cgo is off, so these bounds are never corrected.`;
  return svg(id, W, h, title, desc, parts);
}

// ---- TLS: FS base → m0.tls → g0 ------------------------------------------------------------

/** arch_prctl(ARCH_SET_FS, &m0.tls+8): FS points one slot into m0.tls, so %fs:-8 is m0.tls[0],
 *  which holds &g0 after rt0_go's store. */
export function tlsPicture(ev: BootEvent, facts: PictureFacts): string | undefined {
  const v = ev.values;
  const tls = addrOf(v["DI = &runtime.m0.tls"]);
  const fs = addrOf(v["FS base after"]);
  if (tls === undefined || fs === undefined) return undefined;
  const slot = fs - 8;
  const g = addrOf(v["%fs:-8 after g0 store"]);
  const mtls = facts.offsets["m.tls"];
  const m0 = mtls === undefined ? undefined : tls - mtls;
  const id = "tls";
  const W = 480;
  const parts: string[] = [];
  // m0's TLS slots, addresses growing downwards.
  const CX0 = 150, CX1 = 290, RH = 32, Y0 = 60;
  const n = Math.max(3, Math.min(facts.tlsSlots || 4, 4));
  parts.push(text(CX0, 18, m0 === undefined ? "m0.tls" : `m0 (runtime.m) at ${hex(m0)}`, "cap"));
  parts.push(text(CX0, 34, mtls === undefined ? "m0.tls" : `m0.tls at m0${off(mtls)}; addresses grow ↓`, "dim small"));
  parts.push(text((CX0 + CX1) / 2, Y0 - 6, "⋮", "dim small", { anchor: "middle" }));
  for (let k = 0; k < n; k++) {
    const y = Y0 + k * RH;
    const a = tls + 8 * k;
    const cls = a === slot ? "slot g" : a === fs ? "slot fs" : "slot";
    parts.push(`<rect x="${CX0}" y="${y}" width="${CX1 - CX0}" height="${RH}" class="${cls}"/>`);
    parts.push(text(CX0 + 6, y + 14, `tls[${k}]`, "fname"));
    parts.push(text(CX0 + 6, y + 27, hex(a), "addr small"));
    if (a === slot && g !== undefined) parts.push(text(CX1 - 6, y + 21, hex(g), "val", { anchor: "end", key: "%fs:-8 after g0 store", raw: v["%fs:-8 after g0 store"] }));
  }
  parts.push(text((CX0 + CX1) / 2, Y0 + n * RH + 14, "⋮", "dim small", { anchor: "middle" }));
  const ySlot = Y0 + ((slot - tls) / 8) * RH, yFs = Y0 + ((fs - tls) / 8) * RH;
  // The FS register, pointing at the boundary where tls[1] begins.
  parts.push(`<rect x="8" y="${yFs - 4}" width="104" height="42" rx="6" class="reg"/>`);
  parts.push(text(16, yFs + 12, "FS base", "fname"));
  parts.push(text(16, yFs + 29, hex(fs), "val", { key: "FS base after", raw: v["FS base after"] }));
  parts.push(arrow(id, `M 112 ${yFs + 8} C 126 ${yFs + 8}, 130 ${yFs}, ${CX0 - 2} ${yFs}`));
  // -8(FS) is the slot just above the FS base: tls[0], which holds &g0.
  parts.push(`<path d="M ${CX0 - 6} ${yFs} V ${ySlot} h 4" class="brace"/>`);
  parts.push(text(CX0 - 10, ySlot + 14, "-8", "fstxt", { anchor: "end" }));
  const GX = 350;
  parts.push(`<rect x="${GX}" y="${ySlot - 8}" width="${W - GX - 8}" height="48" rx="6" class="gbox"/>`);
  parts.push(text(GX + 8, ySlot + 10, "g0 (runtime.g)", "fname"));
  parts.push(text(GX + 8, ySlot + 29, g === undefined ? "?" : hex(g), "val"));
  parts.push(arrow(id, `M ${CX1} ${ySlot + RH / 2} H ${GX - 2}`, "arrow gptr"));
  parts.push(text((CX1 + GX) / 2, ySlot + RH / 2 - 6, "%fs:-8", "fstxt", { anchor: "middle" }));
  let ty = Y0 + n * RH + 42;
  const line = (s: string, cls = "note", key?: string, raw?: Value): void => {
    parts.push(text(8, ty, s, cls, key !== undefined ? { key, raw } : {}));
    ty += 18;
  };
  line(`arch_prctl(ARCH_SET_FS, ${hex(fs)}): FS = &m0.tls + 8`, "note", "syscall", v["syscall"]);
  line(`so %fs:-8 = ${hex(slot)} = &m0.tls[0]`, "note");
  const rb = v["0x123 readback"];
  if (rb !== undefined) line(`test: 0x123 stored at %fs:-8 reads back ${String(rb)} from m0.tls[0]`, "note", "0x123 readback", rb);
  line(`then &g0 is stored there: %fs:-8 is the running g`, "note");
  const title = `FS base ${hex(fs)} points at m0.tls[1]; %fs:-8 is m0.tls[0] at ${hex(slot)}, holding ${g === undefined ? "the current g" : `&g0 = ${hex(g)}`}`;
  const desc = "settls adds 8 to &m0.tls before arch_prctl(ARCH_SET_FS), so the slot 8 bytes below the FS base — the instruction's displacement, -8 — is m0.tls[0]. objdump prints that displacement as the unsigned 0xfffffffffffffff8.";
  return svg(id, W, ty, title, desc, parts);
}

// ---- m0 ⇄ g0 ---------------------------------------------------------------------------------

/** m0.g0 = &g0 and g0.m = &m0, as two structures pointing at each other; `g0step` (step 4)
 *  fills in g0's stack bounds and `tlsStep` (step 7) m0.tls[0] (%fs:-8) when known. */
export function linksPicture(ev: BootEvent, facts: PictureFacts, g0step?: BootEvent, tlsStep?: BootEvent): string | undefined {
  const v = ev.values;
  const m0 = addrOf(v["&m0"]), g0 = addrOf(v["&g0"]);
  if (m0 === undefined || g0 === undefined) return undefined;
  const o = facts.offsets;
  const id = "m0_g0";
  const W = 540, BW = 236, MX = 8, GX = W - 8 - BW, Y0 = 40, RH = 22;
  const parts: string[] = [];
  const box = (x: number, title: string, addr: number, rows: Array<{ name: string; off?: number; val?: string; key?: string; raw?: Value; hl?: boolean }>): number[] => {
    parts.push(`<rect x="${x}" y="${Y0 - 26}" width="${BW}" height="${26 + rows.length * RH + 6}" rx="6" class="sbox"/>`);
    parts.push(text(x + 8, Y0 - 9, title, "fname"));
    parts.push(text(x + BW - 8, Y0 - 9, hex(addr), "addr", { anchor: "end" }));
    return rows.map((r, k) => {
      const y = Y0 + k * RH;
      if (r.hl) parts.push(`<rect x="${x + 3}" y="${y + 1}" width="${BW - 6}" height="${RH - 2}" rx="3" class="hlrow"/>`);
      parts.push(text(x + 8, y + 15, r.off === undefined ? "" : `+${hex(r.off)}`, "off small"));
      parts.push(text(x + 46, y + 15, r.name, "fname"));
      parts.push(text(x + BW - 8, y + 15, r.val ?? "", "val", { anchor: "end", ...(r.key !== undefined ? { key: r.key, raw: r.raw } : {}) }));
      return y + RH / 2;
    });
  };
  const gv = g0step?.values ?? {};
  const mRows = [
    { name: "g0", off: o["m.g0"], val: v["m0.g0"] === undefined ? "?" : String(v["m0.g0"]), key: "m0.g0", raw: v["m0.g0"], hl: true },
    ...(o["m.tls"] !== undefined && tlsStep?.values["%fs:-8 after g0 store"] !== undefined ? [{ name: "tls[0]", off: o["m.tls"], val: String(tlsStep.values["%fs:-8 after g0 store"]) }] : []),
  ];
  const gRows = [
    ...(gv["stack.lo"] !== undefined ? [{ name: "stack.lo", off: o["g.stack.lo"], val: String(gv["stack.lo"]) }] : []),
    ...(gv["stack.hi"] !== undefined ? [{ name: "stack.hi", off: o["g.stack.hi"], val: String(gv["stack.hi"]) }] : []),
    { name: "m", off: o["g.m"], val: v["g0.m"] === undefined ? "?" : String(v["g0.m"]), key: "g0.m", raw: v["g0.m"], hl: true },
  ];
  const my = box(MX, "m0 · runtime.m", m0, mRows);
  const gy = box(GX, "g0 · runtime.g", g0, gRows);
  const mg0 = my[0]!, gm = gy[gy.length - 1]!;
  // m0.g0 → g0 (to g0's header), g0.m → m0 (to m0's header).
  parts.push(arrow(id, `M ${MX + BW} ${mg0} C ${MX + BW + 30} ${mg0}, ${GX - 34} ${Y0 - 14}, ${GX - 2} ${Y0 - 14}`, "arrow gptr"));
  parts.push(arrow(id, `M ${GX} ${gm} C ${GX - 40} ${gm}, ${MX + BW + 40} ${Y0 - 20}, ${MX + BW + 2} ${Y0 - 20}`, "arrow mptr"));
  const bottom = Y0 + Math.max(mRows.length, gRows.length) * RH + 28;
  parts.push(text(10, bottom, "MOVQ CX, m_g0(AX) and MOVQ AX, g_m(CX): two stores link them", "note small"));
  const title = `m0 at ${hex(m0)} and g0 at ${hex(g0)} point at each other: m0.g0 = ${String(v["m0.g0"] ?? "?")}, g0.m = ${String(v["g0.m"] ?? "?")}`;
  const desc = "runtime.m0 is the first thread's M; runtime.g0 is the goroutine that runs the scheduler on it. rt0_go links them with two stores.";
  return svg(id, W, bottom + 10, title, desc, parts);
}

// ---- CPUID's vendor string --------------------------------------------------------------------

/** CPUID leaf 0: the 12-byte vendor string is EBX, EDX, ECX in that order, each register's
 *  bytes low byte first (little-endian). */
export function cpuidPicture(ev: BootEvent): string | undefined {
  const vendor = ev.values["vendor (EBX,EDX,ECX)"];
  if (typeof vendor !== "string" || vendor.length !== 12) return undefined;
  const id = "cpuid";
  const W = 480, GX = [10, 166, 322], Y0 = 30, CW = 34;
  const parts: string[] = [];
  const regs = ["EBX", "EDX", "ECX"];
  regs.forEach((r, k) => {
    const chars = vendor.slice(4 * k, 4 * k + 4);
    const bytes = Array.from(chars, (c) => c.charCodeAt(0));
    const value = bytes.reduceRight((acc, b) => acc * 256 + b, 0);
    const x = GX[k]!;
    parts.push(text(x, Y0 - 10, `${r} = ${hex(value)}`, "fname"));
    bytes.forEach((b, j) => {
      // Cells in memory order (low byte first): the order the characters read.
      const cx = x + j * (CW + 3);
      parts.push(`<rect x="${cx}" y="${Y0}" width="${CW}" height="40" rx="3" class="byte"/>`);
      parts.push(text(cx + CW / 2, Y0 + 16, b.toString(16).padStart(2, "0"), "addr", { anchor: "middle" }));
      parts.push(text(cx + CW / 2, Y0 + 33, chars[j]!, "ch", { anchor: "middle" }));
      parts.push(arrow(id, `M ${cx + CW / 2} ${Y0 + 42} V ${Y0 + 70}`, "arrow thin"));
    });
  });
  // The string, each character under its byte.
  parts.push(`<rect x="6" y="${Y0 + 74}" width="${W - 12}" height="34" rx="6" class="vendor" data-v="vendor (EBX,EDX,ECX)" data-raw="${esc(vendor)}"/>`);
  for (let c = 0; c < 12; c++) {
    const k = Math.floor(c / 4), j = c % 4;
    parts.push(text(GX[k]! + j * (CW + 3) + CW / 2, Y0 + 97, vendor[c]!, "vendortxt", { anchor: "middle" }));
  }
  const max = ev.values["leaf 0 max leaf (EAX)"];
  let y = Y0 + 132;
  parts.push(text(10, y, "each register's bytes low byte first (x86 is little-endian): EBX, EDX, ECX", "note small"));
  y += 16;
  if (max !== undefined) parts.push(text(10, y, `EAX = ${String(max)}: the highest standard leaf this CPU answers`, "note small", { key: "leaf 0 max leaf (EAX)", raw: max }));
  const title = `CPUID leaf 0: the vendor string "${vendor}" from EBX, EDX and ECX`;
  const desc = vendor === "GenuineIntel" ? "GenuineIntel sets runtime·isIntel." : "Not GenuineIntel: runtime·isIntel stays false.";
  return svg(id, W, y + 10, title, desc, parts);
}

// ---- one stack growth -------------------------------------------------------------------------

/** One copystack: the old and the new stack ranges, the part in use (to scale) and its copy to
 *  the top of the new one (pointers into the stack move by newHi − oldHi). */
export function growthPicture(e: StackEvent, index: number): string {
  const oldLo = addrOf(e.oldLo)!, oldHi = addrOf(e.oldHi)!, newLo = addrOf(e.newLo)!, newHi = addrOf(e.newHi)!;
  const id = "growth";
  const W = 480, CW = 116, OX = 24, NX = W - 24 - CW, TOP = 52, NH = 190;
  const oh = Math.max(28, Math.round((NH * e.oldSize) / Math.max(e.newSize, e.oldSize)));
  const nh = Math.max(28, Math.round((NH * e.newSize) / Math.max(e.newSize, e.oldSize)));
  const parts: string[] = [];
  // The part in use (old.hi - SP, copystack's `used`), drawn to scale at the top of both stacks.
  const usedH = (h: number, size: number): number => (e.used > 0 ? Math.max(3, Math.round((h * e.used) / size)) : 0);
  const col = (x: number, h: number, lo: number, hi: number, size: number, name: string, cls: string): void => {
    parts.push(text(x + CW / 2, TOP - 28, name, "fname", { anchor: "middle" }));
    parts.push(text(x + CW / 2, TOP - 8, `hi ${hex(hi)}`, "addr small", { anchor: "middle" }));
    parts.push(`<rect x="${x}" y="${TOP}" width="${CW}" height="${h}" class="band ${cls}"/>`);
    const u = usedH(h, size);
    if (u > 0) parts.push(`<rect x="${x}" y="${TOP}" width="${CW}" height="${u}" class="used"/>`);
    parts.push(text(x + CW / 2, TOP + h - 8, sizeText(size), "bsize", { anchor: "middle" }));
    parts.push(text(x + CW / 2, TOP + h + 16, `lo ${hex(lo)}`, "addr small", { anchor: "middle" }));
  };
  col(OX, oh, oldLo, oldHi, e.oldSize, e.event === "grow" ? "old stack (freed)" : "old stack", "old");
  col(NX, nh, newLo, newHi, e.newSize, "new stack", "new");
  const ya = TOP + Math.max(4, Math.min(usedH(oh, e.oldSize), usedH(nh, e.newSize)) / 2);
  parts.push(arrow(id, `M ${OX + CW} ${ya} H ${NX - 2}`));
  const mid = W / 2, delta = newHi - oldHi;
  parts.push(text(mid, ya + 20, "copystack copies the", "note small", { anchor: "middle" }));
  parts.push(text(mid, ya + 34, e.used > 0 ? `${sizeText(e.used)} in use` : "frames in use", "note small", { anchor: "middle", key: "used", raw: e.used }));
  parts.push(text(mid, ya + 54, "pointers into them", "note small", { anchor: "middle" }));
  parts.push(text(mid, ya + 68, `move by ${delta < 0 ? "-" : "+"}${hex(Math.abs(delta))}`, "addr small", { anchor: "middle" }));
  let y = TOP + Math.max(oh, nh) + 42;
  const line = (s: string, cls = "note small"): void => {
    parts.push(text(8, y, s, cls));
    y += 16;
  };
  line(`goroutine ${e.goid}, change #${index + 1}: ${e.event} ${sizeText(e.oldSize)} → ${sizeText(e.newSize)}`, "fname");
  if (e.func) {
    line(`SP fell below the stack guard in ${e.func},`);
    line(`called from ${e.caller}`);
  }
  line(e.path.join(" → "));
  const title = `goroutine ${e.goid}'s stack ${e.event === "grow" ? "grows" : "shrinks"} from [${e.oldLo}, ${e.oldHi}) (${sizeText(e.oldSize)}) to [${e.newLo}, ${e.newHi}) (${sizeText(e.newSize)})`;
  return svg(id, W, y, title, `runtime.copystack allocates the new stack, copies the part in use${e.used > 0 ? ` (${e.used} bytes: old.hi - SP)` : ""} to its top and adjusts the pointers into it, then frees the old one.`, parts);
}
