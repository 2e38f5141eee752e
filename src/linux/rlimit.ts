// Resource limits (getrlimit/setrlimit/prlimit64) as a process holds them: [soft, hard] per
// RLIMIT_*, inherited by fork and kept across execve. rt0 enforces RLIMIT_AS (every mapping
// counts, as on Linux), RLIMIT_NPROC (tasks of all guest processes, root included) and
// RLIMIT_NOFILE; `rt0 run --memory-limit/--process-limit` set the first process's AS and NPROC.

export const RLIM_INFINITY = 0xffffffffffffffffn;
export const RLIMIT_STACK = 3, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_AS = 9, RLIMIT_NLIMITS = 16;

/** Defaults of `rt0 run`: the guest's memory (address space of each process, and the storage
 *  of all of them together) and its tasks (threads of all processes). */
export const DEFAULT_MEMORY_LIMIT = 4 * 1024 ** 3;
export const DEFAULT_PROCESS_LIMIT = 256;

export type Rlimits = [bigint, bigint][];

/** The first process's limits: Linux's defaults, with AS and NPROC from the options (soft and
 *  hard, so the guest can lower them but not raise them). */
export function initialRlimits(memoryLimit: number | undefined, processLimit: number | undefined): Rlimits {
  const l: Rlimits = [];
  for (let i = 0; i < RLIMIT_NLIMITS; i++) l.push([RLIM_INFINITY, RLIM_INFINITY]);
  l[RLIMIT_STACK] = [8n << 20n, RLIM_INFINITY];
  l[RLIMIT_NOFILE] = [1024n, 524288n];
  if (memoryLimit !== undefined) l[RLIMIT_AS] = [BigInt(memoryLimit), BigInt(memoryLimit)];
  if (processLimit !== undefined) l[RLIMIT_NPROC] = [BigInt(processLimit), BigInt(processLimit)];
  return l;
}

/** A soft limit as a number (Infinity for RLIM_INFINITY or anything past 2^53). */
export function softLimit(l: Rlimits, res: number): number {
  const v = l[res]![0];
  return v >= 1n << 53n ? Infinity : Number(v);
}
