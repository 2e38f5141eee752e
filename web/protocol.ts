// The messages between the explorer page (main.ts) and the emulator's Web Worker (worker.ts).
// Plain data only: everything here crosses postMessage (structured clone).

import type { StackEvent } from "../src/goruntime/stacks.js";
import type { WebEvent } from "../src/web/annotate.js";
import type { PictureFacts } from "../src/web/pictures.js";

export type Vendor = "intel" | "amd";

/** Page → worker. */
export type Command =
  /** `stopAt`: a bootstrap step id to run to and pause at (a link to a step). */
  | { type: "load"; name: string; bytes: ArrayBuffer; vendor: Vendor; paused: boolean; breakpoint: string; stopAt?: string }
  | { type: "run" }
  | { type: "pause" }
  /** One instruction (F11). */
  | { type: "step" }
  /** One instruction, or a whole call (F10). */
  | { type: "stepOver" }
  /** Until the current function returns (Shift+F11). */
  | { type: "stepOut" }
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
  /** GNU (objdump) syntax. */
  text: string;
  /** Go assembler syntax. */
  go: string;
  /** file:line, "" when unknown. */
  pos: string;
  current: boolean;
}

export interface FieldValue {
  name: string;
  offset: number;
  type: string;
  value: string;
  /** What the value means: a symbol, a stack, a decoded status. */
  note?: string;
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
  /** The stopped thread is the process's first one (tid = pid). */
  mainThread: boolean;
  threads: number;
  instructions: number;
  regs: Record<string, string>;
  /** What register values point at (symbol, stack), by register. */
  regNotes: Record<string, string>;
  disasm: DisasmLine[];
  structs: GoStruct[];
  /** Index (0-based) into the timeline of the last bootstrap step reached, -1 before the first. */
  bootIndex: number;
  /** The stop is at the first instruction of timeline step bootIndex. */
  atStep: boolean;
}

export interface StartInfo {
  name: string;
  goVersion: string;
  release: string;
  cpuVendor: string;
  goamd64: string;
  size: number;
  /** What the pictures need: the OS stack mapping and the release's field offsets. */
  facts: PictureFacts;
  /** Function names, for breakpoint completion. */
  functions: string[];
}

/** Worker → page. */
export type Report =
  | { type: "loaded"; info: StartInfo }
  | { type: "error"; message: string }
  | { type: "output"; stream: "stdout" | "stderr"; data: Uint8Array }
  | { type: "running" }
  | { type: "paused"; snap: Snapshot }
  /** The bootstrap steps: this run's where it has finished them (live), an earlier run's ahead of it. */
  | { type: "timeline"; events: WebEvent[]; complete: boolean }
  /** `times[k]`: instructions retired by all threads (to within a slice) when events[k] happened. */
  | { type: "stacks"; events: StackEvent[]; times: number[]; instructions: number }
  | { type: "breakpoint"; ok: boolean; text: string }
  | { type: "exit"; status: number; signal: number; instructions: number; ms: number; snap: Snapshot };
