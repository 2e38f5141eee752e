// `rt0 run [options] BIN [args...]`: run a static linux/amd64 binary under the emulator with
// stdin/stdout/stderr passed through and the exit status Linux would give (128+n when a signal
// kills it). Options: strace, env, root, CPU model, determinism, limits, and --diag-file/--quiet.

import { TierMismatch } from "../cpu/tiercheck.js";
import * as fs from "node:fs";
import { UserError } from "../base/assert.js";
import { readBinaryBytes } from "../host/readbin.js";
import { NodeHost } from "../host/node.js";
import { forwardHostSignals } from "../host/signals.js";
import type { RunResult } from "../machine/machine.js";
import { createMachine } from "../machine/create.js";
import { parseModel } from "./cpumodel.js";
import { checkRunnable } from "../linux/loader.js";
import { readBuildInfo, setting } from "../gobin/buildinfo.js";
import type { ElfFile } from "../elf/elf.js";
import type { CpuModel } from "../cpu/api.js";
import { guestSetup, type GuestCliOptions } from "./guest.js";
import { PAGE_SIZE } from "../mem/api.js";
import { DEFAULT_MEMORY_LIMIT, DEFAULT_PROCESS_LIMIT } from "../linux/rlimit.js";

export interface RunCliOptions extends GuestCliOptions {
  strace?: boolean;
  straceFile?: string;
  cpuVendor: string;
  cpuLevel: string;
  deterministic?: boolean;
  seed?: string;
  maxInstructions?: string;
  statsFile?: string;
  jitThreshold?: string;
  checkJit?: boolean;
  jit?: boolean;
  /** rt0's own warnings (unimplemented syscalls, SIGILL reasons) go to this file, not stderr. */
  diagFile?: string;
  /** Drop rt0's warnings (fatal one-line errors still go to stderr). */
  quiet?: boolean;
  /** The guest's memory limit (a size: 512M, 4G, bytes). */
  memoryLimit?: string;
  /** The most tasks (threads of all guest processes). */
  processLimit?: string;
}

/** A size like "4G", "512MiB", "1.5g" or "1048576" (bytes), as a number of bytes. */
export function parseSize(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(s.trim());
  if (!m) throw new UserError(`${what} must be a size like 512M or 4G (got ${s})`);
  const scale = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  const bytes = Math.floor(Number(m[1]) * scale / PAGE_SIZE) * PAGE_SIZE;
  if (bytes < MIN_MEMORY_LIMIT || bytes > MAX_MEMORY_LIMIT) {
    throw new UserError(`${what} must be between ${MIN_MEMORY_LIMIT >> 20} MiB and ${MAX_MEMORY_LIMIT / 2 ** 40} TiB (got ${s})`);
  }
  return bytes;
}

/** The bounds of --memory-limit: enough for a program's image and stack; no more address space
 *  than the page table represents compactly. */
const MIN_MEMORY_LIMIT = 16 << 20, MAX_MEMORY_LIMIT = 2 ** 40;

/** A one-line hint when a Go program was built for a GOAMD64 level beyond what the CPU model
 *  advertises (Go's start-up check will refuse it with its own message), else undefined. */
export function levelHint(bin: string, elf: ElfFile, model: CpuModel): string | undefined {
  let goamd64: string | undefined;
  try {
    goamd64 = setting(readBuildInfo(elf), "GOAMD64");
  } catch {
    return undefined; // malformed build info: the loader and the guest have their own say
  }
  const want = /^v(\d)$/.exec(goamd64 ?? "");
  const level = want ? Number(want[1]) : 1;
  if (level >= 3) {
    return `rt0: ${bin}: built for GOAMD64=v${level}, which needs AVX, AVX2 and FMA${level > 3 ? " and AVX-512" : ""}: rt0 does not implement them yet (issue 19), so Go's start-up check refuses it; --cpu-level v3 advertises v2 plus BMI1, BMI2, ADX, LZCNT and MOVBE`;
  }
  if (level > model.level) return `rt0: ${bin}: built for GOAMD64=v${level}, more than --cpu-level v${model.level} advertises: run it with --cpu-level v${level}`;
  return undefined;
}

function parseCount(s: string | undefined, what: string): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new UserError(`${what} must be a non-negative integer (got ${s})`);
  return Number(s);
}

/** f(), its UserError (a bad binary or interpreter) prefixed with the binary's name. */
function withBinName<T>(bin: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${bin}: ${e.message}`, e.exitCode);
    throw e;
  }
}

export async function runCommand(bin: string, args: string[], o: RunCliOptions): Promise<void> {
  const model = parseModel(o.cpuVendor, o.cpuLevel);
  const seed = parseCount(o.seed, "--seed") ?? 0;
  const maxInstructions = parseCount(o.maxInstructions, "--max-instructions");
  const jitThreshold = o.jit === false ? undefined : parseCount(o.jitThreshold, "--jit-threshold");
  const memoryLimit = o.memoryLimit === undefined ? DEFAULT_MEMORY_LIMIT : parseSize(o.memoryLimit, "--memory-limit");
  const processLimit = parseCount(o.processLimit, "--process-limit") ?? DEFAULT_PROCESS_LIMIT;
  if (processLimit < 1) throw new UserError("--process-limit must be at least 1");
  const bytes = readBinaryBytes(bin);
  const elf = withBinName(bin, () => checkRunnable(bytes));

  const { root, argv0, exePath, cwd, envp, net } = guestSetup(bin, o, !!o.deterministic);

  let straceFd: number | undefined;
  if (o.straceFile !== undefined) {
    try {
      straceFd = fs.openSync(o.straceFile, "w");
    } catch (e) {
      throw new UserError(`--strace-file ${o.straceFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const straceOut = straceFd ?? 2;
  const strace = o.strace || straceFd !== undefined ? (line: string) => { fs.writeSync(straceOut, line); } : undefined;

  let diagFd: number | undefined;
  if (o.diagFile !== undefined) {
    try {
      diagFd = fs.openSync(o.diagFile, "w");
    } catch (e) {
      throw new UserError(`--diag-file ${o.diagFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const diagOut = diagFd ?? 2;
  const warn = o.quiet && diagFd === undefined ? (): void => {} : (m: string): void => { fs.writeSync(diagOut, m + "\n"); };

  const hint = levelHint(bin, elf, model);
  if (hint !== undefined) warn(hint);

  const host = new NodeHost({ root });
  const machine = withBinName(bin, () => createMachine({
    host, bin: bytes, argv: [argv0, ...args], envp, exePath,
    model, jit: o.jit, jitThreshold, checkJit: o.checkJit,
    deterministic: !!o.deterministic, seed, strace, warn, maxInstructions, cwd, memoryLimit, processLimit, net,
  }));
  const stopForwarding = forwardHostSignals((sig, group) => machine.sendSignal(sig, group));
  let r: RunResult;
  try {
    const t0 = performance.now();
    try {
      r = await machine.run();
    } catch (e) {
      if (e instanceof TierMismatch) throw new UserError(`--check-jit: ${e.message}`, 70);
      throw e;
    }
    if (o.statsFile !== undefined) {
      const seconds = (performance.now() - t0) / 1000;
      try {
        fs.writeFileSync(o.statsFile, JSON.stringify({ instructions: r.instructions, seconds, status: r.status }) + "\n");
      } catch (e) {
        throw new UserError(`--stats-file ${o.statsFile}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    stopForwarding();
    host.close();
    if (straceFd !== undefined) fs.closeSync(straceFd);
    if (diagFd !== undefined) fs.closeSync(diagFd);
  }
  if (r.limitReached) {
    process.stderr.write(`rt0: stopped after ${r.instructions} instructions (--max-instructions ${maxInstructions})\n`);
  }
  process.exitCode = r.status;
}
