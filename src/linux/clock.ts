// The process clock: the host's real clocks by default, or a virtual clock (--deterministic)
// that advances with instructions retired and jumps to the next timer when every thread sleeps.

import type { Host } from "./vfs.js";

export interface Clock {
  readonly virtual: boolean;
  /** CLOCK_MONOTONIC in nanoseconds (a number: exact for ~104 days). */
  monotonicNs(): number;
  /** CLOCK_REALTIME as [seconds, nanoseconds]. */
  realtime(): [number, number];
  /** Virtual clocks only: move time forward to `ns` (all threads asleep). */
  advanceTo(ns: number): void;
  /** Virtual clocks only: account for instructions retired. */
  addInstructions(n: number): void;
}

/** Monotonic time starts at a plausible uptime, as on a real machine. */
const BOOT_NS = 1000e9;

export class RealClock implements Clock {
  readonly virtual = false;
  private readonly mono0: number;
  private readonly realMs0: number;
  constructor(private readonly host: Host) {
    this.mono0 = host.monotonicNs();
    this.realMs0 = host.realtimeMs();
  }
  monotonicNs(): number {
    return BOOT_NS + (this.host.monotonicNs() - this.mono0);
  }
  realtime(): [number, number] {
    const sec0 = Math.floor(this.realMs0 / 1000);
    const ns = Math.round((this.realMs0 - sec0 * 1000) * 1e6) + (this.host.monotonicNs() - this.mono0);
    const extra = Math.floor(ns / 1e9);
    return [sec0 + extra, Math.floor(ns - extra * 1e9)];
  }
  advanceTo(_ns: number): void {}
  addInstructions(_n: number): void {}
}

/** Deterministic time: 1 ns per instruction retired, from a fixed epoch (2024-01-01 UTC). */
export class VirtualClock implements Clock {
  readonly virtual = true;
  private ns = BOOT_NS;
  static readonly EPOCH_SEC = 1704067200;
  monotonicNs(): number {
    return this.ns;
  }
  realtime(): [number, number] {
    const d = this.ns - BOOT_NS;
    const s = Math.floor(d / 1e9);
    return [VirtualClock.EPOCH_SEC + s, d - s * 1e9];
  }
  advanceTo(ns: number): void {
    if (ns > this.ns) this.ns = ns;
  }
  addInstructions(n: number): void {
    this.ns += n;
  }
}
