// The types of rt0's programmatic API (`import { run } from "rt0"`), shared by the Node entry
// (node.ts) and the browser entry (browser.ts): what run() takes, what it resolves with, and the
// two errors it rejects with. Plain types and two Error classes: no Node or DOM built-ins.

/** Bytes for the guest's standard input: all of it at once, or chunks as they come. */
export type StdinSource =
  | string
  | Uint8Array
  | AsyncIterable<Uint8Array | string>
  | { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array | string }>; releaseLock(): void; cancel(reason?: unknown): Promise<void> } };

/** Where guest output goes as it is written: a callback, a Node writable stream (anything with
 *  write()), or a web WritableStream. */
export type OutputSink =
  | ((chunk: Uint8Array) => void)
  | { write(chunk: Uint8Array): unknown }
  | { getWriter(): { write(chunk: Uint8Array): Promise<void>; releaseLock(): void } };

/** An in-memory file system: absolute guest paths (relative ones are under "/") to contents
 *  (a string is written as UTF-8); a path ending in "/" is an empty directory. Directories on
 *  the way are created. The guest may create, change and remove files; RunResult.files holds
 *  the tree after the run. */
export interface MemoryFs {
  files: Record<string, string | Uint8Array>;
}

/** What a guest's TCP and UDP sockets reach: the host's network (Node only), the emulator's
 *  own loopback (the guest's processes talk to each other only), or nothing. */
export type NetPolicy = "host" | "loopback" | "none";

/** Options every platform takes. */
export interface BaseRunOptions {
  /** The program's arguments (argv after argv[0]). */
  args?: readonly string[];
  /** argv[0] (default: the binary's guest path). */
  argv0?: string;
  /** The guest's whole environment. Nothing of the host's is passed unless asked
   *  (Node: `inheritEnv`). */
  env?: Readonly<Record<string, string>>;
  /** Standard input; absent: empty (end of file at once). */
  stdin?: StdinSource;
  /** Standard output as it is written; absent: collected into RunResult.stdout. */
  stdout?: OutputSink;
  /** Standard error as it is written; absent: collected into RunResult.stderr. */
  stderr?: OutputSink;
  /** The guest's working directory (a guest path that must be a directory). */
  cwd?: string;
  /** Aborting ends the guest at once (every process, as SIGKILL would) and run() rejects
   *  with an AbortError. */
  signal?: AbortSignal;
  /** A virtual clock, seeded randomness and fixed scheduling: the same output every run. */
  deterministic?: boolean;
  /** The seed of deterministic mode (default 0). */
  seed?: number;
  /** The guest's memory in bytes: each process's address space (RLIMIT_AS) and all pages
   *  together (default 4 GiB). */
  memoryLimit?: number;
  /** The most threads of all guest processes together (RLIMIT_NPROC, default 256). */
  processLimit?: number;
  /** Stop after this many instructions (RunResult.limitReached, status 124). */
  maxInstructions?: number;
  /** The CPU that CPUID presents (default intel, level 1). */
  cpuVendor?: "intel" | "amd";
  cpuLevel?: 1 | 2 | 3;
  /** rt0's own warnings (an unimplemented system call, SIGILL), one line each; absent:
   *  collected into RunResult.warnings. */
  onWarning?: (line: string) => void;
}

export interface RunResult {
  /** The exit status as a shell sees it: the program's exit code, 128+n when signal n killed
   *  it, 124 when maxInstructions stopped it. */
  status: number;
  /** The name of the signal that killed the program ("SIGSEGV"), or undefined. */
  signal: string | undefined;
  /** Standard output and error as UTF-8 text, when no sink was given ("" otherwise). */
  stdout: string;
  stderr: string;
  /** The same bytes undecoded. */
  stdoutBytes: Uint8Array;
  stderrBytes: Uint8Array;
  /** With an in-memory file system: every regular file after the run, by guest path (sorted). */
  files: Map<string, Uint8Array> | undefined;
  /** rt0's warnings, when no onWarning was given. */
  warnings: string[];
  /** Instructions the guest retired. */
  instructions: number;
  /** maxInstructions stopped the run. */
  limitReached: boolean;
}

/** What is wrong with the binary or an option (not an ELF file, the wrong architecture, a bad
 *  cwd): the same one line `rt0 run` prints after "rt0: ". */
export class Rt0Error extends Error {
  override name = "Rt0Error";
  /** The exit status `rt0 run` gives for it. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The run was aborted through its AbortSignal (the guest has been ended). `cause` is the
 *  signal's reason. Like Node's own AbortError: name "AbortError", code "ABORT_ERR". */
export class AbortError extends Error {
  override name = "AbortError";
  readonly code = "ABORT_ERR";
  constructor(message = "The operation was aborted", options?: { cause?: unknown }) {
    super(message, options);
  }
}
