// The terminal (issue 19, item 2): a full-screen program in a real terminal, run natively and
// under rt0 in tmux (a real pseudo-terminal, driven with send-keys and read with capture-pane),
// the screens compared step by step. test/testdata/guests/ttyui.go uses the system calls only:
// termios (TCGETS, TCSETSF/TCSETSW: raw mode, cbreak, no echo), the window size and SIGWINCH
// (tmux resize-window), the foreground process group, keys from /dev/tty while stdin is a file
// (fzf's way). Each step waits for the screen to show what the program draws next, never for a
// time.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI } from "../helpers.js";
import { goGuest, scratch } from "./guests.js";

const GO = "1.26";
const haveTmux = spawnSync("tmux", ["-V"]).status === 0;
const { dir: work, done } = scratch("rt0-terminal-");
after(done);
const conf = join(work, "tmux.conf");
// A pane as large as the window (no status line), kept after its program ends (for its status).
writeFileSync(conf, "set -g status off\nset -g remain-on-exit on\n");
const items = join(work, "items.txt");
writeFileSync(items, ["apple", "banana", "cherry", "damson", "elderberry", "fig", "grape"].join("\n") + "\n");

/** A tmux server of this test's own (its socket in the scratch directory), one session running
 *  one command in an 80x24 pane. The command runs under sh, which writes its exit status to a
 *  file (tmux loses it when the terminal closes before the process is reaped); sh's own trap
 *  keeps sh alive through a Ctrl-C, while the program gets SIGINT's default action back. */
let panes = 0;
class Pane {
  private readonly socket = join(work, `tmux-${panes++}`);
  private readonly status = `${this.socket}.status`;
  constructor(command: string) {
    this.tmux("-f", conf, "new-session", "-d", "-x", "80", "-y", "24", "-s", "t", `trap true INT; ${command}; echo "exit $?" >${this.status}`);
  }
  tmux(...args: string[]): string {
    const r = spawnSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8", cwd: work });
    if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }
  /** The screen and the lines scrolled off it, trailing blanks and tmux's own "Pane is dead"
   *  line (which may scroll the screen) left out. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-S", "-", "-t", "t").split("\n").map((l) => l.trimEnd())
      .filter((l) => !l.startsWith("Pane is dead")).join("\n").trimEnd();
  }
  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", "t", ...keys);
  }
  /** How the program ended, once it has ("exit N", N = 128 + the signal that killed it). */
  ended(): string | undefined {
    return existsSync(this.status) ? readFileSync(this.status, "utf8").trim() : undefined;
  }
  /** Wait until the screen satisfies `ok` (the program has drawn the next step); the screen. */
  async until(ok: (screen: string) => boolean, what: string): Promise<string> {
    for (let i = 0; ; i++) {
      const s = this.screen();
      if (ok(s)) return s;
      if (this.ended() !== undefined && !ok(this.screen())) throw new Error(`the program ended before the screen showed ${what}:\n${this.screen()}`);
      await sleep(Math.min(50 * (i + 1), 500));
    }
  }
  close(): void {
    spawnSync("tmux", ["-S", this.socket, "kill-server"]);
  }
}

type Step = { keys: string[] } | { resize: [number, number] } | { see: string | RegExp } | { end: true };

/** Run the command in a pane and play the steps; what the screen showed at each `see` and
 *  `end`, and how the program ended. */
async function play(command: string, steps: Step[]): Promise<string[]> {
  const pane = new Pane(command);
  const shots: string[] = [];
  try {
    for (const s of steps) {
      if ("keys" in s) pane.keys(...s.keys);
      else if ("resize" in s) pane.tmux("resize-window", "-t", "t", "-x", String(s.resize[0]), "-y", String(s.resize[1]));
      else if ("see" in s) {
        const want = s.see;
        shots.push(await pane.until((x) => (typeof want === "string" ? x.includes(want) : want.test(x)), String(want)));
      } else {
        await pane.until(() => pane.ended() !== undefined, "the end");
        shots.push(`${pane.screen()}\n[${pane.ended()}]`);
      }
    }
  } finally {
    pane.close();
  }
  return shots;
}

/** The same steps natively and under rt0: each screen alike. */
async function same(args: string, steps: Step[], redirect = ""): Promise<string[]> {
  const exe = goGuest("ttyui", GO)!;
  const native = await play(`${exe} ${args} ${redirect}`, steps);
  const emu = await play(`${process.execPath} ${CLI} run ${exe} ${args} ${redirect}`, steps);
  assert.deepEqual(emu, native);
  return native;
}

const skip = (!haveTmux && "no tmux") || (goGuest("ttyui", GO) === undefined && `no Go ${GO}`);

test("a full-screen picker reading keys from /dev/tty in raw mode (stdin a file, as fzf): type, move, resize, select, as natively", { skip, timeout: 600_000 }, async () => {
  const shots = await same("pick", [
    { see: "query:" },
    { keys: ["e"] }, { see: "query: e" },
    { keys: ["Down", "Down"] }, { see: "> elderberry" },
    { resize: [60, 20] }, { see: "size 20x60" },
    { keys: ["C-p"] }, { see: "> cherry" },
    { keys: ["Enter"] }, { end: true },
  ], `<${items}`);
  assert.match(shots[0]!, /^7\/7 {2}size 24x80\n> apple\n {2}banana/);
  assert.match(shots[1]!, /4\/7 {2}size 24x80\n> apple\n {2}cherry\n {2}elderberry\n {2}grape\n/);
  assert.match(shots.at(-1)!, /\ncherry\n\[exit 0\]$/);
});

test("raw mode: Ctrl-C is a key (ISIG off), not a signal, as natively", { skip, timeout: 600_000 }, async () => {
  const shots = await same("pick", [{ see: "query:" }, { keys: ["C-c"] }, { end: true }]);
  assert.match(shots.at(-1)!, /\n\[exit 130\]$/);
});

test("cbreak mode: keys one at a time without echo, and Ctrl-C is SIGINT from the terminal, as natively", { skip, timeout: 600_000 }, async () => {
  const shots = await same("keys", [
    { see: "q ends" },
    { keys: ["x"] }, { see: 'key "x"' },
    { keys: ["Up"] }, { see: 'key "\\x1b[A"' },
    { keys: ["C-c"] }, { end: true },
  ]);
  assert.match(shots[0]!, /^cbreak mode, foreground true; q ends$/);
  assert.match(shots.at(-1)!, /key "\\x1b\[A"\n\n?\[exit 130\]$/);
});

test("canonical mode without echo (a password) and with the terminal's own echo and line editing, as natively", { skip, timeout: 600_000 }, async () => {
  const secret = await same("password", [
    { see: "type a line:" },
    { keys: ["s3cret", "Enter"] }, { see: "read 7 bytes" }, { end: true },
  ]);
  assert.doesNotMatch(secret[1]!, /s3cret.*\n.*read/);
  const line = await same("line", [
    { see: "type a line:" },
    { keys: ["hellp", "BSpace", "o", "Enter"] }, { see: "read 6 bytes" }, { end: true },
  ]);
  assert.match(line[1]!, /type a line: hello\n\nread 6 bytes \(<nil>\): "hello\\n"/);
});
