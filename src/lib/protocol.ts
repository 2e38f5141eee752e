// The messages between the browser entry (browser.ts, in the caller's page) and the Web Worker
// that runs the guest (worker.ts). Plain data only: everything here crosses postMessage.

import type { BaseRunOptions, NetPolicy } from "./api.js";

/** The options that cross to the worker (sinks, stdin streams and the signal stay in the page). */
export type WireOptions = Omit<BaseRunOptions, "stdin" | "stdout" | "stderr" | "signal" | "onWarning"> & {
  files: Record<string, string | Uint8Array> | undefined;
  net: NetPolicy | undefined;
};

/** Page → worker. */
export type ToWorker =
  | { type: "run"; bin: Uint8Array; name: string; options: WireOptions }
  | { type: "stdin"; data: Uint8Array }
  | { type: "stdinEnd" };

export interface WireResult {
  status: number;
  signal: string | undefined;
  files: Map<string, Uint8Array> | undefined;
  instructions: number;
  limitReached: boolean;
}

/** Worker → page. */
export type FromWorker =
  | { type: "stdout" | "stderr"; data: Uint8Array }
  | { type: "warning"; line: string }
  | { type: "done"; result: WireResult }
  /** kind "rt0": an Rt0Error (what the caller gave is wrong); "internal": a bug in rt0. */
  | { type: "error"; kind: "rt0" | "internal"; message: string; exitCode: number };
