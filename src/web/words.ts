// The explorer's words: readable names for the boot events' value keys (the JSON keeps its
// keys), values as people read them (64 KiB, not 65536), the short definitions of the runtime's
// terms (g, M, P, TLS, funcval…) shown where each first appears, what "since 2015" refers to,
// and links from file:line to the Go source of the binary's release.

/** Display names for value keys of `rt0 boot --json` that read like identifiers. */
const LABELS: Record<string, string> = {
  e_entry: "ELF entry point (e_entry)",
  entry_symbol: "entry symbol",
  initial_sp: "SP at entry",
  sp_mod_16: "SP mod 16",
  sp_before_and: "SP before ANDQ $~15",
  sp_after_and: "SP after ANDQ $~15",
  lea_displacement: "LEAQ displacement",
  arithmetic: "in the source",
  _cgo_init: "_cgo_init",
  "stack size": "g0's stack size",
};

export function valueLabel(key: string): string {
  return LABELS[key] ?? key;
}

/** A byte count in the units people use: "64 KiB", "64 KiB − 104 B", "2 MiB". */
export function bytesText(n: number): string {
  const a = Math.abs(n), sign = n < 0 ? "−" : "";
  if (a >= 1 << 20 && a % (1 << 20) === 0) return `${sign}${a >> 20} MiB`;
  if (a >= 1024 && a % 1024 === 0) return `${sign}${a / 1024} KiB`;
  const k = Math.ceil(a / 1024);
  if (a > 1024 && k * 1024 - a < 512) return sign ? `${sign}(${k} KiB − ${k * 1024 - a} B)` : `${k} KiB − ${k * 1024 - a} B`;
  return `${sign}${a} B`;
}

/** Keys whose numbers are byte counts. */
const BYTES = new Set(["stack size", "lea_displacement", "physPageSize"]);

/** A value as the explorer shows it; byte counts in KiB with the exact number after. */
export function valueText(key: string, v: string | number | boolean): string {
  if (typeof v === "number" && BYTES.has(key)) return `${bytesText(v)} (${v})`;
  return String(v);
}

/** n and a noun, singular or plural: "1 growth", "3 growths". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

export interface Term {
  /** How it is written in the text (a regular expression source, matched as a word). */
  match: string;
  term: string;
  def: string;
}

/** The runtime's vocabulary, defined once, where a step first uses it. */
export const TERMS: Term[] = [
  { match: "goroutines?", term: "goroutine", def: "a function running concurrently with others, on a small stack of its own that grows as needed; the runtime multiplexes goroutines onto threads." },
  { match: "g0", term: "g0", def: "the scheduling goroutine of an M: the runtime's own code (scheduling, stack growth, system calls) runs on it, on the thread's stack. m0's g0 is the variable runtime.g0." },
  { match: "m0", term: "m0", def: "the M of the process's first thread (the variable runtime.m0); every later thread gets its M from allocm." },
  { match: "g", term: "g", def: "a goroutine's descriptor (runtime.g): its stack bounds and guard, saved registers (sched), status and id. The running one is at %fs:-8, and in R14 inside Go code." },
  { match: "M", term: "M", def: "a machine: an OS thread that runs Go code (runtime.m). It needs a P to run goroutines." },
  { match: "Ps?", term: "P", def: "a processor (runtime.p): the right to run Go code, with a queue of runnable goroutines; there are GOMAXPROCS of them." },
  { match: "TLS", term: "TLS", def: "thread-local storage: memory each thread reaches through its own FS segment base. Go keeps the current g in the slot at %fs:-8." },
  { match: "funcval", term: "funcval", def: "a Go func value in memory: a pointer to a word holding the code address; a closure's captured variables follow that word." },
  { match: "stackguard0", term: "stack guard", def: "the address a function's prologue compares SP with (CMPQ SP, 16(R14)): below it, the function calls morestack to grow the stack. stackguard1 is the same for the C/system stack." },
  { match: "CPUID", term: "CPUID", def: "the x86 instruction that tells a program the CPU's vendor, model and features; EAX selects the leaf (the question)." },
  { match: "auxv|auxiliary vector", term: "auxv", def: "the auxiliary vector: key/value pairs the kernel puts on the stack after envp (page size, random bytes, the vDSO's address…)." },
  { match: "GOMAXPROCS", term: "GOMAXPROCS", def: "how many Ps exist, so how many threads run Go code at once; by default the number of CPUs." },
];

/** The terms a text uses, in TERMS order. */
export function termsIn(text: string): Term[] {
  return TERMS.filter((t) => new RegExp(`(^|[^\\w·.$])(${t.match})(?![\\w(])`).test(text));
}

/** What "since 2015" means, in one line, and the source it compares with. */
export const SINCE_2015 = {
  line: "How Go 1.4/1.5 (2015, the release the well-known walk-throughs of this bootstrap describe) did it differently:",
  url: "https://github.com/golang/go/blob/go1.5/src/runtime/asm_amd64.s",
  linkText: "Go 1.5's asm_amd64.s",
};

/** The Go 1.5 source file a step's "since 2015" note compares with. */
export function since2015Url(stepId: string): string {
  if (stepId === "entry") return "https://github.com/golang/go/blob/go1.5/src/runtime/rt0_linux_amd64.s";
  if (stepId === "newproc") return "https://github.com/golang/go/blob/go1.5/src/runtime/proc1.go";
  return SINCE_2015.url;
}

/** A link to file:line in the Go source of the release that built the binary, for the
 *  standard library's files (a -trimpath path like runtime/asm_amd64.s); undefined otherwise. */
export function sourceUrl(goVersion: string, pos: string): string | undefined {
  const m = /^(.+):(\d+)$/.exec(pos);
  if (!m || !/^go1\.\d+(\.\d+)?$/.test(goVersion)) return undefined;
  const file = m[1]!;
  // Standard library paths have no dot in their first element (module paths do).
  if (file.startsWith("/") || file.split("/")[0]!.includes(".")) return undefined;
  return `https://github.com/golang/go/blob/${goVersion}/src/${file}#L${m[2]}`;
}
