#!/usr/bin/env node
// The rt0 command line: one subcommand per file in this folder, loaded lazily so `rt0 info`
// does not pay for the emulator. Errors become one line on stderr and a non-zero exit, never
// a JavaScript stack trace (set RT0_DEBUG=1 to see one).

import { Command, CommanderError } from "commander";
import { UserError } from "../base/assert.js";
import { applyV8Flags } from "./v8flags.js";
import { VERSION } from "./version.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("rt0")
    .description("Run and x-ray real linux/amd64 Go binaries: an x86-64 user-mode emulator in TypeScript.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .enablePositionalOptions();

  program
    .command("info")
    .description("Show the ELF header facts (like objdump -f) and the Go build facts of a binary")
    .argument("<binary>", "a linux/amd64 Go executable")
    .option("--json", "print one JSON object instead of text")
    .action(async (bin: string, opts: { json?: boolean }) => {
      const { infoCommand } = await import("./info.js");
      await infoCommand(bin, opts);
    });

  program
    .command("disasm")
    .description("Disassemble a binary's code, with Go's function names even when stripped")
    .argument("<binary>", "a linux/amd64 Go executable")
    .option("--syntax <syntax>", "gnu (objdump -d layout), intel, go (go tool objdump layout, real AVX/AVX-512 names) or goobjdump (byte-identical to go tool objdump, its ? lines included)", "gnu")
    .option("--symbol <regex>", "only functions whose name matches this regular expression")
    .option("--start <addr>", "first address to disassemble (hex with 0x, or decimal)")
    .option("--stop <addr>", "address to stop at (exclusive)")
    .option("--source", "interleave file:line from the pclntab")
    .action(async (bin: string, opts: DisasmCliOptions) => {
      const { disasmCommand } = await import("./disasm.js");
      await disasmCommand(bin, opts);
    });

  const run = program
    .command("run")
    .description("Run a static linux/amd64 binary: stdio passed through, exit status as on Linux")
    .argument("<binary>", "a static linux/amd64 executable")
    .argument("[args...]", "arguments for the program (options after the binary are the program's)")
    .option("--strace", "print one line per system call to stderr")
    .option("--strace-file <file>", "write the --strace lines to a file instead");
  guestOptions(run)
    .option("--cpu-vendor <vendor>", "intel or amd (CPUID vendor string)", "intel")
    .option("--cpu-level <level>", "x86-64 level advertised by CPUID: v1, v2 or v3 (v3 is v2 plus BMI1, BMI2, ADX, LZCNT, MOVBE; AVX, AVX2 and FMA are not implemented yet, so GOAMD64=v3 programs are refused)", "v1")
    .option("--deterministic", "virtual clock, seeded randomness, fixed scheduling")
    .option("--seed <n>", "seed for --deterministic")
    .option("--max-instructions <n>", "stop (non-zero exit) after this many instructions")
    .option("--stats-file <file>", "write {instructions, seconds, status} of the run as JSON (for benchmarks)")
    .option("--jit-threshold <n>", "interpreted entries before a block's function is compiled to WebAssembly (default 200; 0 compiles every function at its first entry)")
    .option("--no-jit", "interpret only (no compiled tier)")
    .option("--check-jit", "run every entry into compiled code a second time in the interpreter and stop at the first difference (exit 70)")
    .option("--diag-file <file>", "write rt0's own warnings (unimplemented syscalls, SIGILL) to a file, not stderr")
    .option("--quiet", "drop rt0's warnings (errors that end the run are still printed)")
    .option("--memory-limit <size>", "the guest's memory: each process's address space (RLIMIT_AS) and the pages of all processes together (default 4G)")
    .option("--process-limit <n>", "the most threads of all guest processes together (RLIMIT_NPROC, default 256)")
    .passThroughOptions()
    .action(async (bin: string, args: string[], opts: import("./run.js").RunCliOptions) => {
      const { runCommand } = await import("./run.js");
      await runCommand(bin, args, opts);
    });

  const boot = program
    .command("boot")
    .description("Run a Go binary and narrate the runtime's bootstrap step by step, with live values and checks")
    .argument("[binary]", "a linux/amd64 Go executable (default: the bundled hello sample)")
    .argument("[args...]", "arguments for the program");
  guestOptions(boot)
    .option("--json", "one JSON event per line (see docs/boot-events.md)")
    .option("--cpu-vendor <vendor>", "intel or amd (CPUID vendor string)", "intel")
    .option("--until <symbol>", "stop when this function is entered (e.g. runtime.schedinit)")
    .passThroughOptions()
    .action(async (bin: string | undefined, args: string[], opts: import("./boot.js").BootCliOptions) => {
      const { bootCommand } = await import("./boot.js");
      await bootCommand(bin, args, opts);
    });

  const stacks = program
    .command("stacks")
    .description("Run a Go program and report every goroutine stack growth (morestack → newstack → copystack) and shrink")
    .argument("<binary>", "a linux/amd64 Go executable")
    .argument("[args...]", "arguments for the program");
  guestOptions(stacks)
    .option("--json", "one JSON event per line")
    .option("--output <file>", "write the report to a file instead of stderr")
    .option("--cpu-vendor <vendor>", "intel or amd (CPUID vendor string)", "intel")
    .passThroughOptions()
    .action(async (bin: string, args: string[], opts: import("./stacks.js").StacksCliOptions) => {
      const { stacksCommand } = await import("./stacks.js");
      await stacksCommand(bin, args, opts);
    });

  program
    .command("web")
    .description("Serve the web explorer (run and watch a Go binary boot in the browser) on localhost")
    .option("--port <n>", "TCP port (0 picks a free one)", "8080")
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .action(async (opts: import("./web.js").WebCliOptions) => {
      const { webCommand } = await import("./web.js");
      await webCommand(opts);
    });

  return program;
}

/** The guest's file system and environment (src/cli/guest.ts): run, boot and stacks. */
function guestOptions(cmd: Command): Command {
  return cmd
    .option("--root <dir>", "confine the guest's file system to this directory; the guest then starts with an empty environment (see --env, --inherit-env) and sees the binary by its path inside the root")
    .option("--env <K=V|K>", "set an environment variable, or pass K from rt0's environment (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--clear-env", "start from an empty environment instead of rt0's (the default with --root)")
    .option("--inherit-env", "pass rt0's whole environment to the guest, also with --root")
    .option("--net <policy>", "what the guest's TCP and UDP sockets reach: host (the host's network), loopback (only the guest's own processes, inside rt0) or none (default: host; loopback with --root or --deterministic)");
}

export interface DisasmCliOptions {
  syntax: string;
  symbol?: string;
  start?: string;
  stop?: string;
  source?: boolean;
}

/** Exit status when the host itself runs out of memory (EX_OSERR), as opposed to a bug (70). */
export const EXIT_HOST_MEMORY = 71;

/** The host refused memory: guest storage (HostOutOfMemory) or any ArrayBuffer. */
function hostOutOfMemory(e: unknown): boolean {
  return e instanceof Error && (e.name === "HostOutOfMemory" || (e instanceof RangeError && /Array buffer allocation failed/.test(e.message)));
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message (or the help/version text).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`rt0: ${e.message}\n`);
      return e.exitCode;
    }
    if (hostOutOfMemory(e)) {
      const given = (e as { hint?: unknown }).hint;
      const hint = typeof given === "string" ? given : "a smaller --memory-limit keeps the guest within what the host has";
      process.stderr.write(`rt0: out of host memory: ${e instanceof Error ? e.message : String(e)} (${hint})\n`);
      return EXIT_HOST_MEMORY;
    }
    if (process.env["RT0_DEBUG"]) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`rt0: internal error: ${msg} (this is a bug in rt0; RT0_DEBUG=1 shows the stack)\n`);
    return 70;
  }
}

// Run when executed directly: main.js, the bundle's bin rt0.cjs or rt0.mjs (tools/build-cli.mjs),
// the npm bin link.
const self = process.argv[1] ?? "";
if (/(?:^|[\\/])(?:main\.js|rt0\.[cm]js|rt0)$/.test(self)) {
  applyV8Flags();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`rt0: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
