// Signals sent to rt0's own process (a shell's kill, a terminal's Ctrl-C, Ctrl-\ or hang-up, a
// window resize) forwarded to the guest, as the kernel would deliver them to the process rt0
// stands for; rt0 then ends only as the guest does (with 128+n when the default action kills).

import { constants } from "node:os";

/** What a terminal sends to its whole foreground process group (every guest process of rt0's
 *  group gets it); the others go to the first guest process only, as `kill PID` would. */
const GROUP_SIGNALS = ["SIGINT", "SIGQUIT", "SIGHUP", "SIGWINCH"] as const;
const PROCESS_SIGNALS = [
  "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGTRAP", "SIGABRT", "SIGSTKFLT", "SIGCONT", "SIGURG",
  "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGIO", "SIGPWR", "SIGSYS",
] as const;
/** Not forwarded, and why (the README lists them):
 *  SIGKILL, SIGSTOP: cannot be caught; rt0 dies or stops with the guest in it.
 *  SIGTSTP, SIGTTIN, SIGTTOU: left to their default, which stops rt0 and so the whole guest.
 *  SIGSEGV, SIGBUS, SIGFPE, SIGILL: V8 handles them itself (a listener would hide its own faults).
 *  SIGPIPE: Node ignores it; a guest's write to a broken pipe raises its own SIGPIPE.
 *  SIGCHLD: Node's own child processes; SIGPROF: V8's sampling profiler. Real-time signals:
 *  Node cannot listen for them. */
export const FORWARDED_SIGNALS: readonly string[] = [...GROUP_SIGNALS, ...PROCESS_SIGNALS];

/** Forward host signals to `send` (signal number, and whether it goes to the whole process
 *  group); returns the function that stops forwarding (Node's defaults come back). */
export function forwardHostSignals(send: (sig: number, group: boolean) => void): () => void {
  const installed: Array<[NodeJS.Signals, () => void]> = [];
  const add = (name: NodeJS.Signals, group: boolean): void => {
    const n = (constants.signals as Record<string, number | undefined>)[name];
    if (n === undefined) return; // not on this host
    const on = (): void => send(n, group);
    try {
      process.on(name, on);
    } catch {
      return; // this host cannot listen for it
    }
    installed.push([name, on]);
  };
  for (const s of GROUP_SIGNALS) add(s, true);
  for (const s of PROCESS_SIGNALS) add(s, false);
  return () => {
    for (const [name, on] of installed) process.off(name, on);
  };
}
