// Terminals (issue 19, item 2): the tty ioctls (termios modes through TCGETS/TCSETS*, the window
// size, the foreground process group, the controlling terminal) and /dev/tty. Where the host
// has a real terminal (HostTerminal: the Node host's, whose line discipline then does the echo,
// line editing and Ctrl-C), modes are read from it and applied to it; otherwise (the browser's
// page terminal, captured stdio) they are kept here, read back as set but without effect.

import { EINVAL, ENOTTY, ENXIO, EPERM } from "./errno.js";
import { O_ACCMODE, O_APPEND, O_NONBLOCK } from "./abi.js";
import { StreamDesc, type FileDesc } from "./files.js";
import type { Host, HostStream } from "./vfs.js";
import type { Process } from "./process.js";

export type { HostTerminal } from "./vfs.js";

/** The kernel's struct termios: c_iflag, c_oflag, c_cflag, c_lflag (u32 each), c_line, c_cc[19]. */
export const TERMIOS_SIZE = 36;

/** Linux's defaults for a new terminal (tty_std_termios): ICRNL|IXON; OPOST|ONLCR;
 *  B38400|CS8|CREAD|HUPCL; ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, and the control
 *  characters ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z ^R ^O ^W ^V. */
export function defaultTermios(): Uint8Array {
  const t = new Uint8Array(TERMIOS_SIZE), dv = new DataView(t.buffer);
  dv.setUint32(0, 0x500, true); dv.setUint32(4, 0x5, true); dv.setUint32(8, 0xbf, true); dv.setUint32(12, 0x8a3b, true);
  t.set([3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0xf, 0x17, 0x16, 0, 0, 0], 17);
  return t;
}

/** What rt0 keeps of one terminal: the foreground process group, and the modes where the host
 *  does not hold them. */
export class TtyState {
  /** The foreground process group (TIOCGPGRP); undefined until the first process group that
   *  has the terminal as its controlling terminal asks. */
  fgPgrp: number | undefined;
  /** The modes, when the host has no terminal to hold them. */
  termios = defaultTermios();
  /** The window size, when the host stream cannot tell (TIOCSWINSZ sets it). */
  winsize = { rows: 24, cols: 80 };
}

/** The terminal a host stream belongs to: one per HostTerminal (stdin, stdout and /dev/tty on
 *  the same host terminal share it), one for all host streams that are terminals without one
 *  (the browser's page). */
const states = new WeakMap<object, TtyState>();
const pageTerminal = {};
export function ttyOf(s: HostStream): TtyState {
  const key = s.terminal ?? pageTerminal;
  let st = states.get(key);
  if (st === undefined) states.set(key, (st = new TtyState()));
  return st;
}

/** open("/dev/tty"): the controlling terminal, ENXIO when the process has none (after setsid,
 *  or when rt0 itself runs without one). */
export function openControllingTerminal(p: Process, flags: number): FileDesc | number {
  if (!p.hasTty) return -ENXIO;
  const s = p.host.openTerminal ? p.host.openTerminal() : consoleOf(p.host);
  if (typeof s === "number") return s;
  const d = new StreamDesc(s, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
  d.path = "/dev/tty";
  return d;
}

/** A host without its own /dev/tty (the browser): the terminal its stdin and stdout are. */
class ConsoleStream implements HostStream {
  readonly isTTY = true;
  constructor(private readonly i: HostStream, private readonly o: HostStream) {}
  read(buf: Uint8Array): number { return this.i.read(buf); }
  write(buf: Uint8Array): number { return this.o.write(buf); }
  readable(): boolean { return this.i.readable(); }
  winsize(): { rows: number; cols: number } { return this.o.winsize ? this.o.winsize() : { rows: 24, cols: 80 }; }
}
const consoles = new WeakMap<Host, ConsoleStream>();
function consoleOf(h: Host): HostStream | number {
  if (!h.stdin.isTTY || !h.stdout.isTTY) return -ENXIO;
  let c = consoles.get(h);
  if (c === undefined) consoles.set(h, (c = new ConsoleStream(h.stdin, h.stdout)));
  return c;
}

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCXONC = 0x540a,
  TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413,
  TIOCSWINSZ = 0x5414, TIOCNOTTY = 0x5422, TIOCGSID = 0x5429, TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b,
  TCSETSW2 = 0x402c542c, TCSETSF2 = 0x402c542d;

/** The names strace shows. */
export const TTY_IOCTLS: Record<number, string> = {
  [TCGETS]: "TCGETS", [TCSETS]: "TCSETS", [TCSETSW]: "TCSETSW", [TCSETSF]: "TCSETSF", [TCSBRK]: "TCSBRK",
  [TCXONC]: "TCXONC", [TCFLSH]: "TCFLSH", [TIOCSCTTY]: "TIOCSCTTY", [TIOCGPGRP]: "TIOCGPGRP",
  [TIOCSPGRP]: "TIOCSPGRP", [TIOCGWINSZ]: "TIOCGWINSZ", [TIOCSWINSZ]: "TIOCSWINSZ", [TIOCNOTTY]: "TIOCNOTTY",
  [TIOCGSID]: "TIOCGSID", [TCGETS2]: "TCGETS2", [TCSETS2]: "TCSETS2", [TCSETSW2]: "TCSETSW2", [TCSETSF2]: "TCSETSF2",
};

/** Is this ioctl request one of the terminal's? */
export function isTtyIoctl(req: number): boolean {
  return TTY_IOCTLS[req] !== undefined;
}

const CBAUD = 0o10017, BOTHER = 0o10000;
/** Baud rates of the Bnnn codes (the CBAUD bits of c_cflag), for termios2's speeds. */
const BAUD = [0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400];
const BAUDX = [0, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000];
function speedOf(cflag: number): number {
  const c = cflag & CBAUD;
  return c & BOTHER ? BAUDX[c & 0xf] ?? 0 : BAUD[c] ?? 0;
}

/** The tty ioctls on descriptor f (a host stream: ENOTTY unless it is a terminal). */
export function ttyIoctl(p: Process, f: FileDesc, req: number, arg: number): number {
  if (!(f instanceof StreamDesc) || !f.isTTY) return -ENOTTY;
  const s = f.s, tty = ttyOf(s), term = s.terminal, mem = p.mem;
  const getAttr = (): Uint8Array | number => (term ? term.getAttr() : tty.termios.slice());
  // (A bad pointer faults in mem.read or mem.write: the dispatcher answers EFAULT.)
  const setAttr = (when: number): number => {
    const t = mem.read(arg, TERMIOS_SIZE).slice();
    if (!term) {
      tty.termios = t;
      return 0;
    }
    return term.setAttr(t, when);
  };
  // The group asking must have this terminal as its controlling terminal for the job-control
  // requests; rt0's guests have the host's terminal (when it has one) unless they left it.
  tty.fgPgrp ??= p.pgid;
  switch (req) {
    case TCGETS: case TCGETS2: {
      const t = getAttr();
      if (typeof t === "number") return t;
      mem.write(arg, t);
      if (req === TCGETS2) {
        const speed = speedOf(new DataView(t.buffer, t.byteOffset).getUint32(8, true));
        mem.writeU32(arg + 36, speed);
        mem.writeU32(arg + 40, speed);
      }
      return 0;
    }
    case TCSETS: case TCSETS2: return setAttr(0);
    case TCSETSW: case TCSETSW2: return setAttr(1);
    case TCSETSF: case TCSETSF2: return setAttr(2);
    case TIOCGWINSZ: {
      const w = s.winsize ? s.winsize() : tty.winsize;
      mem.writeU16(arg, w.rows); mem.writeU16(arg + 2, w.cols); mem.writeU32(arg + 4, 0);
      return 0;
    }
    case TIOCSWINSZ: {
      const rows = mem.readU16(arg), cols = mem.readU16(arg + 2);
      if (term) return term.setWinsize ? term.setWinsize(rows, cols) : -EPERM;
      tty.winsize = { rows, cols };
      return 0;
    }
    case TIOCGPGRP: {
      if (!p.hasTty) return -ENOTTY;
      mem.writeU32(arg, tty.fgPgrp);
      return 0;
    }
    case TIOCSPGRP: {
      if (!p.hasTty) return -ENOTTY;
      const pgrp = mem.readU32(arg) | 0;
      if (pgrp < 0) return -EINVAL;
      // A process group of the caller's session (rt0's guests are one session).
      if (![...p.kernel.procs.values()].some((x) => x.exitStatus === undefined && x.pgid === pgrp && x.sid === p.sid)) return -EPERM;
      tty.fgPgrp = pgrp;
      return 0;
    }
    case TIOCGSID: {
      if (!p.hasTty) return -ENOTTY;
      mem.writeU32(arg, p.sid);
      return 0;
    }
    case TIOCSCTTY:
      // Only a session leader without a controlling terminal may take one.
      if (p.hasTty) return 0;
      if (p.sid !== p.pid) return -EPERM;
      p.hasTty = true;
      tty.fgPgrp = p.pgid;
      return 0;
    case TIOCNOTTY:
      if (!p.hasTty) return -ENOTTY;
      p.hasTty = false;
      return 0;
    case TCFLSH: {
      // 0: input, 1: output (written already: rt0's writes are synchronous), 2: both.
      if (arg > 2) return -EINVAL;
      if (arg !== 1) term?.flushInput?.();
      return 0;
    }
    case TCSBRK:
      // tcdrain, or a break: rt0's writes are synchronous, there is nothing to wait for.
      return 0;
    case TCXONC:
      // Suspend or restart output or input (tcflow): the host terminal's flow is its own.
      return arg > 3 ? -EINVAL : 0;
    default: return -ENOTTY;
  }
}
