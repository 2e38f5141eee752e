// Tuning aids of the WebAssembly tier, for Node only and off by default: RT0_JIT_STATS=1 prints
// counters at exit (entries, exits by kind and address, instructions the interpreter ran for
// compiled code, compile totals, why each function was compiled (first, a new hot block, a
// forced entry), the main thread's CPU time); RT0_JIT_DUMP=DIR writes every
// batch module to DIR/batchN.wasm (`wasm2wat --enable-tail-call` reads them; functions are named).

import { compileStats } from "./compile.js";

/** Counters printed at exit when RT0_JIT_STATS is set (tuning the tier). */
export interface TierStats { ms: number; enters: number; ran: number; rd: number; wr: number; exits: Map<string, number>; ex: Map<string, number>; contAt: Map<string, number>; compiles: Map<string, number> }
const env = (globalThis as { process?: { env: Record<string, string | undefined>; on(e: string, f: () => void): void; stderr: { write(s: string): void } } }).process;
export const STATS: TierStats | null = env?.env.RT0_JIT_STATS !== undefined ? { ms: 0, enters: 0, ran: 0, rd: 0, wr: 0, exits: new Map(), ex: new Map(), contAt: new Map(), compiles: new Map() } : null;
export function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
if (STATS !== null && env !== undefined) {
  env.on("exit", () => {
    const top = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k}=${v}`).join(" ");
    const c = compileStats;
    /** Compiles by reason, and the functions compiled more than once. */
    const compiles = (m: Map<string, number>): string => {
      const by = new Map<string, number>(), fns = new Map<string, number>();
      for (const [k, v] of m) {
        const i = k.indexOf(":");
        bump(by, k.slice(0, i));
        const fn = k.slice(i + 1, k.lastIndexOf("@"));
        fns.set(fn, (fns.get(fn) ?? 0) + v);
      }
      return `${top(by)}; more than once: ${top(new Map([...fns].filter(([, v]) => v > 1)))}`;
    };
    let mainCpu: string;
    try {
      // The main thread's own CPU time (utime+stime in clock ticks): stable under load, unlike wall time.
      const pid = (globalThis as unknown as { process: { pid: number } }).process.pid;
      const req = (globalThis as unknown as { process: { getBuiltinModule?: (m: string) => { readFileSync(p: string, e: string): string } } }).process.getBuiltinModule;
      const st = req?.("node:fs").readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8") ?? "";
      const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
      mainCpu = ` main thread cpu ${((Number(f[11]) + Number(f[12])) * 10).toFixed(0)} ms`;
    } catch {
      mainCpu = "";
    }
    env.stderr.write(`jit:${mainCpu}, in compiled code ${STATS.ms.toFixed(0)} ms (wall, less compile), enters ${STATS.enters} ran ${STATS.ran} rd ${STATS.rd} wr ${STATS.wr}\n  exits ${top(STATS.exits)}\n  ex ${top(STATS.ex)}\n  cont at ${top(STATS.contAt)}\n  compile units ${c.units} insts ${c.insts} fallback ${c.fallback} bytes ${c.bytes} ms ${c.ms.toFixed(0)} modules ${c.modules}\n  compiles ${compiles(STATS.compiles)}\n`);
  });
}

/** RT0_JIT_DUMP=DIR: every batch module is written to DIR/batchN.wasm (wasm2wat reads them). */
export const DUMP = env?.env.RT0_JIT_DUMP;
export function dumpModule(dir: string, n: number, bytes: Uint8Array): void {
  const fs = (globalThis as unknown as { process: { getBuiltinModule?: (m: string) => { writeFileSync(p: string, b: Uint8Array): void } } }).process.getBuiltinModule?.("node:fs");
  fs?.writeFileSync(`${dir}/batch${n}.wasm`, bytes);
}
