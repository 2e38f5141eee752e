// Named pipes (mkfifo / mknod S_IFIFO). The host file system cannot hold one for us (Node has no
// mkfifo, and opening a host FIFO would block the whole event loop), so the guest's FIFOs live
// in the kernel: a placeholder regular file keeps the name in the directory (listing, removal),
// and the kernel's table says it is a FIFO, whose opens share one pipe buffer. Opens follow
// Linux: O_RDONLY waits for a writer and O_WRONLY for a reader unless O_NONBLOCK (then a
// write-only open without a reader is ENXIO); O_RDWR never waits.

import { PipeBuffer, PipeEnd } from "./files.js";
import type { Thread, Wait } from "./process.js";
import { BLOCK } from "./sysapi.js";
import { ENXIO } from "./errno.js";
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from "./abi.js";

export class Fifo {
  p = new PipeBuffer();
  /** Threads parked in an open of this FIFO, with the wait they are in (for readers/writers
   *  that are still on their way in: each unblocks the other side). */
  private readonly waiting = new Map<Thread, { wait: Wait; reader: boolean }>();
  constructor(public mode: number) {
    this.p.readers = 0;
    this.p.writers = 0;
  }

  private waitingFor(reader: boolean): boolean {
    for (const [t, w] of this.waiting) {
      if (t.wait !== w.wait) this.waiting.delete(t); // interrupted or gone
      else if (w.reader === reader) return true;
    }
    return false;
  }

  private end(flags: number): PipeEnd {
    const acc = flags & O_ACCMODE, p = this.p;
    const hupAfter = acc === O_RDONLY && (flags & O_NONBLOCK) && p.writers === 0 ? p.wOpens : -1;
    if (acc !== O_RDONLY) {
      p.writers++;
      p.wOpens++;
    }
    if (acc !== O_WRONLY) p.readers++;
    const e = new PipeEnd(p, acc !== O_WRONLY, flags & (O_ACCMODE | O_NONBLOCK), acc === O_RDWR);
    e.hupAfter = hupAfter;
    p.touch();
    return e;
  }

  /** open(2) of this FIFO: an fd, -errno, or BLOCK (parked until the other side opens). */
  open(t: Thread, flags: number, install: (e: PipeEnd) => number): number {
    const acc = flags & O_ACCMODE, p = this.p;
    if (acc === O_RDWR) return install(this.end(flags));
    const reader = acc === O_RDONLY;
    const ready = (): boolean => (reader ? p.writers > 0 || this.waitingFor(false) : p.readers > 0 || this.waitingFor(true));
    if (ready()) return install(this.end(flags));
    if (flags & O_NONBLOCK) return reader ? install(this.end(flags)) : -ENXIO;
    const wait: Wait = {
      deadline: Infinity,
      interruptible: true,
      onTimeout: () => -ENXIO,
      poll: () => {
        if (!ready()) return undefined;
        this.waiting.delete(t);
        return install(this.end(flags));
      },
    };
    t.proc.park(t, wait);
    this.waiting.set(t, { wait, reader });
    // The other side may be parked already: let the scheduler re-poll it.
    p.touch();
    return BLOCK;
  }
}
