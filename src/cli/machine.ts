// What the commands that run a guest with observers attached (boot, stacks) share: read and
// check the binary, create the Node host, and a machine (createMachine) whose every guest
// thread's CPU gets a per-instruction hook as it is created.

import { UserError } from "../base/assert.js";
import { readBinaryBytes } from "../host/readbin.js";
import { NodeHost } from "../host/node.js";
import { forwardHostSignals } from "../host/signals.js";
import type { Machine, RunResult } from "../machine/machine.js";
import { createMachine } from "../machine/create.js";
import { checkRunnable } from "../linux/loader.js";
import type { Cpu, CpuModel } from "../cpu/api.js";
import type { Host } from "../linux/vfs.js";
import { openBinary, type GoBinary } from "../gobin/binary.js";
import { guestSetup, type GuestCliOptions } from "./guest.js";

/** Read a Go binary and check that rt0 can run it; one-line UserErrors otherwise. `staticOnly`
 *  says why a dynamically linked one will not do. */
export function loadGoProgram(bin: string, staticOnly?: string): { bytes: Uint8Array; gobin: GoBinary } {
  const bytes = readBinaryBytes(bin);
  const gobin = openBinary(bytes, bin);
  try {
    checkRunnable(bytes, staticOnly);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${bin}: ${e.message}`, e.exitCode);
    throw e;
  }
  if (gobin.goVersion === undefined) throw new UserError(`${bin}: no Go build information: this command needs a Go binary`);
  return { bytes, gobin };
}

export interface ObservedRun {
  machine: Machine;
  result: RunResult;
}

/** Run bin under a hook called before every instruction of every thread; the hook returns true
 *  to end the process (exit_group(0)). `wrapHost` may replace stdio. */
export async function runObserved(o: {
  bin: string;
  bytes: Uint8Array;
  args: string[];
  model: CpuModel;
  /** --root, --env, --clear-env, --inherit-env (guest.ts). */
  guest: GuestCliOptions;
  hook: (cpu: Cpu, rip: number) => boolean;
  /** When true, hooks are detached (full speed) for the rest of the run. */
  detached?: () => boolean;
  wrapHost?: (h: NodeHost) => Host;
}): Promise<ObservedRun> {
  const { root, argv0, exePath, cwd, envp, net } = guestSetup(o.bin, o.guest);
  const real = new NodeHost({ root });
  const host = o.wrapHost ? o.wrapHost(real) : real;
  let machine: Machine | undefined = undefined;
  machine = createMachine({
    host, bin: o.bytes, argv: [argv0, ...o.args], envp, exePath, cwd, model: o.model, net,
    onCpu: (c) => c.setCodeHook((rip) => {
      if (o.detached?.()) {
        c.setCodeHook(null);
        return false;
      }
      const stop = o.hook(c, rip);
      if (stop && machine) machine.proc.exitGroup(0);
      return stop;
    }),
    warn: (m) => process.stderr.write(m + "\n"),
  });
  const stopForwarding = forwardHostSignals((sig, group) => machine?.sendSignal(sig, group));
  try {
    return { machine, result: await machine.run() };
  } finally {
    stopForwarding();
    real.close();
  }
}
