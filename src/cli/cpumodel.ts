// The CPU model flags every command that runs a guest takes (--cpu-vendor, and run's
// --cpu-level), parsed into the CpuModel that createMachine() gets.

import { UserError } from "../base/assert.js";
import type { CpuModel } from "../cpu/api.js";

export function parseVendor(v: string): CpuModel["vendor"] {
  if (v === "intel") return "GenuineIntel";
  if (v === "amd") return "AuthenticAMD";
  throw new UserError(`--cpu-vendor must be intel or amd (got ${v})`);
}

export function parseModel(vendor: string, level = "v1"): CpuModel {
  const m = /^v([123])$/.exec(level);
  if (!m) throw new UserError(`--cpu-level must be v1, v2 or v3 (got ${level})`);
  return { vendor: parseVendor(vendor), level: Number(m[1]) as 1 | 2 | 3 };
}
