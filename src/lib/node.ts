// `import { run } from "rt0"` on Node: run a linux/amd64 binary (a path or its bytes) with
// arguments, an environment, standard input and output of the caller's choosing, on the host's
// files, a --root-confined directory or an in-memory tree; resolves with how it ended.

import { realpathSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, isAbsolute, relative, resolve, sep } from "node:path";
import { readBinaryBytes } from "../host/readbin.js";
import { NodeVfs } from "../host/node.js";
import { NodeNet } from "../host/nodenet.js";
import { S_IFDIR, S_IFMT, type Vfs } from "../linux/vfs.js";
import type { MemVfs } from "../host/web.js";
import { asRt0Error, check, checkCommon, checkStdin, envList, memoryTree, runPlan, type GuestPlan } from "./core.js";
import { Rt0Error, type BaseRunOptions, type MemoryFs, type NetPolicy, type RunResult } from "./api.js";

export { AbortError, Rt0Error } from "./api.js";
export type { BaseRunOptions, MemoryFs, NetPolicy, OutputSink, RunResult, StdinSource } from "./api.js";

/** A host directory as the guest's whole file system, confined as `rt0 run --root` is: no path,
 *  "..", or symbolic link leads out of it. */
export interface RootFs {
  root: string;
}

export interface RunOptions extends BaseRunOptions {
  /** The guest's files: an in-memory tree, a confined host directory, or (absent) the host's
   *  whole file system as `rt0 run` gives it. */
  fs?: MemoryFs | RootFs;
  /** Start from this process's environment (process.env), `env` on top. */
  inheritEnv?: boolean;
  /** What guest sockets reach (default: the host's network with the host's files, the
   *  emulator's loopback with `fs` or `deterministic`, as `rt0 run --net` decides). */
  net?: NetPolicy;
}

/** The guest's view of a host path under root: "/rel" inside it, undefined outside. */
function inside(root: string, host: string): string | undefined {
  const rel = relative(root, host);
  if (rel === "") return "/";
  if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return "/" + rel.split(sep).join("/");
}

function isDir(vfs: Vfs, path: string): boolean {
  const st = vfs.stat(path, true);
  return typeof st !== "number" && (st.mode & S_IFMT) === S_IFDIR;
}

/**
 * Run a static (or, on the host's files, dynamically linked) linux/amd64 program.
 * Rejects with an Rt0Error when the binary or an option is wrong, with an AbortError when
 * `signal` aborts it; otherwise resolves however the program ended (see RunResult.status).
 */
export async function run(binary: string | Uint8Array, options: RunOptions = {}): Promise<RunResult> {
  const o = options;
  checkCommon(o);
  checkStdin(o.stdin);
  check(typeof binary === "string" || binary instanceof Uint8Array, "the binary must be a path or a Uint8Array");
  const bin = typeof binary === "string" ? asRt0Error(() => readBinaryBytes(binary)) : binary;
  const name = typeof binary === "string" ? binary : (o.argv0 ?? "binary");
  const hostExe = typeof binary === "string" ? realpathSync(resolve(binary)) : undefined;
  const progName = hostExe === undefined ? (o.argv0 === undefined ? "prog" : basename(o.argv0) || "prog") : basename(hostExe);

  let vfs: Vfs, memory: MemVfs | undefined, exePath: string, cwd: string, argv0: string;
  const hidden = new Set<string>();
  let sandboxed = true;
  const fs = o.fs;
  if (fs === undefined) {
    vfs = new NodeVfs();
    exePath = hostExe ?? "/" + progName;
    cwd = o.cwd ?? process.cwd();
    argv0 = o.argv0 ?? (typeof binary === "string" ? binary : exePath);
    sandboxed = false;
  } else if (typeof fs === "object" && fs !== null && "root" in fs) {
    check(typeof fs.root === "string", "fs.root must be a directory's path");
    let root: string;
    try {
      root = realpathSync(fs.root);
      if (!statSync(root).isDirectory()) throw new Error("not a directory");
    } catch {
      throw new Rt0Error(`fs.root ${fs.root}: not a directory`);
    }
    vfs = new NodeVfs(root);
    exePath = (hostExe === undefined ? undefined : inside(root, hostExe)) ?? "/" + progName;
    cwd = o.cwd ?? inside(root, process.cwd()) ?? "/";
    argv0 = o.argv0 ?? exePath;
  } else if (typeof fs === "object" && fs !== null && "files" in fs) {
    exePath = "/" + progName;
    const given = Object.keys(fs.files).some((p) => (p.startsWith("/") ? p : "/" + p) === exePath);
    memory = vfs = memoryTree(fs, given ? undefined : { path: exePath, bytes: bin });
    if (!given) hidden.add(exePath);
    cwd = o.cwd ?? "/";
    argv0 = o.argv0 ?? exePath;
  } else {
    throw new Rt0Error("fs must be { files: { path: contents } } or { root: directory }");
  }
  const close = (): void => {
    if (vfs instanceof NodeVfs) vfs.close();
  };
  try {
    check(typeof cwd === "string" && cwd.startsWith("/") && isDir(vfs, cwd), `cwd ${String(cwd)}: not a directory of the guest's file system`);
    const envp = envList({ ...(o.inheritEnv ? definedEnv() : {}), ...(o.env ?? {}) });
    const net = o.net ?? (sandboxed || o.deterministic ? "loopback" : "host");
    check(net === "host" || net === "loopback" || net === "none", `net must be host, loopback or none (got ${String(net)})`);
    check(!(net === "host" && o.deterministic), "net host and deterministic contradict each other: the host's network is not deterministic (use loopback or none)");
    let nodeNet: NodeNet | undefined;
    const plan: GuestPlan = {
      bin, name, argv: [argv0, ...(o.args ?? [])], envp, exePath, cwd, vfs, memory, hidden, net,
      hostNet: net === "host" ? (wake) => (nodeNet = new NodeNet(wake)) : undefined,
      cpuCount: availableParallelism(),
      close: () => nodeNet?.closeAll(),
    };
    return await runPlan(plan, o);
  } finally {
    close();
  }
}

function definedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  return out;
}
