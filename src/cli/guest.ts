// What a guest starts with, shared by run, boot and stacks: the --root directory, the binary's
// path as the guest sees it (argv[0], /proc/self/exe and /proc/self/cmdline show no host path
// under --root), the working directory, the environment (rt0's own, or under --root or with
// --clear-env an empty one, plus --env), and what its sockets reach (--net).

import * as fs from "node:fs";
import { basename, isAbsolute, relative, resolve, sep } from "node:path";
import { UserError } from "../base/assert.js";
import type { NetPolicy } from "../linux/kernel.js";

/** The options every guest-running command takes. */
export interface GuestCliOptions {
  env: string[];
  clearEnv?: boolean;
  inheritEnv?: boolean;
  root?: string;
  net?: string;
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
  net: NetPolicy;
}

/** The guest's view of a host path under root: "/rel" inside it, undefined outside. */
function inside(root: string, host: string): string | undefined {
  const rel = relative(root, host);
  if (rel === "") return "/";
  if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return "/" + rel.split(sep).join("/");
}

/**
 * --net: what guest TCP and UDP sockets reach. By default the host's network, as a program run
 * natively (or under qemu-user) has it, since a plain run already shares the host's files and
 * environment; with --root, which sandboxes the guest, and with --deterministic, which the
 * host's network would break, the emulator's own loopback.
 */
export function netPolicy(o: GuestCliOptions, deterministic = false): NetPolicy {
  const v = o.net ?? (o.root !== undefined || deterministic ? "loopback" : "host");
  if (v !== "host" && v !== "loopback" && v !== "none") throw new UserError(`--net wants host, loopback or none (got ${v})`);
  if (v === "host" && deterministic) throw new UserError("--net host and --deterministic contradict each other: the host's network is not deterministic (use --net loopback or none)");
  return v;
}

export function guestSetup(bin: string, o: GuestCliOptions, deterministic = false): GuestSetup {
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
  const net = netPolicy(o, deterministic);
  return { root, argv0: root === undefined ? bin : exePath, exePath, cwd, envp: [...env].map(([k, v]) => `${k}=${v}`), net };
}
