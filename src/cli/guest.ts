// What a guest starts with, shared by run, boot and stacks: the --root directory, the binary's
// path as the guest sees it (argv[0], /proc/self/exe and /proc/self/cmdline show no host path
// under --root), the working directory, and the environment (rt0's own, or under --root or with
// --clear-env an empty one, plus --env).

import * as fs from "node:fs";
import { basename, isAbsolute, relative, resolve, sep } from "node:path";
import { UserError } from "../base/assert.js";

/** The options every guest-running command takes. */
export interface GuestCliOptions {
  env: string[];
  clearEnv?: boolean;
  inheritEnv?: boolean;
  root?: string;
}

export interface GuestSetup {
  /** The --root directory (real path), when given. */
  root: string | undefined;
  /** argv[0]: the binary as given, or under --root its guest path. */
  argv0: string;
  /** The executable's guest path (/proc/self/exe, AT_EXECFN). */
  exePath: string;
  cwd: string;
  envp: string[];
}

/** The guest's view of a host path under root: "/rel" inside it, undefined outside. */
function inside(root: string, host: string): string | undefined {
  const rel = relative(root, host);
  if (rel === "") return "/";
  if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return "/" + rel.split(sep).join("/");
}

export function guestSetup(bin: string, o: GuestCliOptions): GuestSetup {
  let root: string | undefined;
  if (o.root !== undefined) {
    try {
      root = fs.realpathSync(o.root);
      if (!fs.statSync(root).isDirectory()) throw new Error("not a directory");
    } catch {
      throw new UserError(`--root ${o.root}: not a directory`);
    }
  }
  if (o.clearEnv && o.inheritEnv) throw new UserError("--clear-env and --inherit-env contradict each other");
  const hostExe = fs.realpathSync(resolve(bin));
  const exePath = root === undefined ? hostExe : (inside(root, hostExe) ?? "/" + basename(hostExe));
  const cwd = root === undefined ? process.cwd() : (inside(root, process.cwd()) ?? "/");

  // A sandboxed guest sees none of rt0's environment (tokens, paths of the host) unless asked.
  const env = new Map<string, string>();
  const inherit = o.inheritEnv || (!o.clearEnv && root === undefined);
  if (inherit) for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env.set(k, v);
  for (const kv of o.env) {
    const i = kv.indexOf("=");
    if (i === 0 || kv === "") throw new UserError(`--env wants K=V or K (got ${kv})`);
    if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
    else if (process.env[kv] !== undefined) env.set(kv, process.env[kv]!);
  }
  return { root, argv0: root === undefined ? bin : exePath, exePath, cwd, envp: [...env].map(([k, v]) => `${k}=${v}`) };
}
