// The messages between the explorer page (main.ts) and the emulator's Web Worker (worker.ts).
// Plain data only: everything here crosses postMessage (structured clone).

import type { BootEvent } from "../src/goruntime/boot.js";
import type { StackEvent } from "../src/goruntime/stacks.js";

export type Vendor = "intel" | "amd";

/** Page → worker. */
export type Command =
  | { type: "load"; name: string; bytes: ArrayBuffer; vendor: Vendor; paused: boolean; breakpoint: string }
  | { type: "run" }
  | { type: "pause" }
  | { type: "step" }
  | { type: "nextStep" }
  | { type: "breakpoint"; symbol: string }
  | { type: "stdin"; data: Uint8Array }
  /** Ctrl-D on an empty line: end of file on stdin. */
  | { type: "stdinEnd" }
  /** Ctrl-C: a signal to the process (SIGINT = 2), as the terminal's line discipline sends it. */
  | { type: "signal"; signo: number }
  | { type: "resize"; rows: number; cols: number };

export interface DisasmLine {
  addr: string;
  symbol: string;
  bytes: string;
  text: string;
  current: boolean;
}

export interface FieldValue {
  name: string;
  offset: number;
  type: string;
  value: string;
}

export interface GoStruct {
  title: string;
  addr: string;
  fields: FieldValue[];
}

/** What the page shows when the machine stops. */
export interface Snapshot {
  reason: string;
  tid: number;
  threads: number;
  instructions: number;
  regs: Record<string, string>;
  disasm: DisasmLine[];
  structs: GoStruct[];
  /** Index (0-based) into the timeline of the last bootstrap step reached, -1 before the first. */
  bootIndex: number;
}

export interface StartInfo {
  name: string;
  goVersion: string;
  release: string;
  cpuVendor: string;
  goamd64: string;
  size: number;
}

/** Worker → page. */
export type Report =
  | { type: "loaded"; info: StartInfo }
  | { type: "error"; message: string }
  | { type: "output"; stream: "stdout" | "stderr"; data: Uint8Array }
  | { type: "running" }
  | { type: "paused"; snap: Snapshot }
  | { type: "timeline"; events: BootEvent[]; complete: boolean }
  /** `times[k]`: instructions retired by all threads (to within a slice) when events[k] happened. */
  | { type: "stacks"; events: StackEvent[]; times: number[]; instructions: number }
  | { type: "breakpoint"; ok: boolean; text: string }
  | { type: "exit"; status: number; signal: number; instructions: number; ms: number; snap: Snapshot };
