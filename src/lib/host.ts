// The host a run() gets, on Node and in a browser's Web Worker alike: the file system it is
// given (a MemVfs tree or Node's confined one), standard input fed by the caller, standard
// output and error handed to callbacks, performance.now() and crypto.getRandomValues. No node:*.

import type { Host, HostStream, Vfs } from "../linux/vfs.js";
import type { HostNet } from "../linux/hostnet.js";
import { PlatformClock, QueueStream, SinkStream } from "../host/web.js";

export interface LibHostOptions {
  vfs: Vfs;
  stdout: (bytes: Uint8Array) => void;
  stderr: (bytes: Uint8Array) => void;
  cpuCount: number;
  net?: HostNet;
}

const SIZE = (): { rows: number; cols: number } => ({ rows: 24, cols: 80 });

export class LibHost extends PlatformClock implements Host {
  readonly vfs: Vfs;
  /** Fed by run(): push() chunks, end() at end of file. Not a terminal (pipes, as a spawned
   *  child's standard streams are). */
  readonly stdin: QueueStream;
  readonly stdout: HostStream;
  readonly stderr: HostStream;
  readonly cpuCount: number;
  readonly net: HostNet | undefined;
  onWake?: () => void;
  constructor(o: LibHostOptions) {
    super();
    this.vfs = o.vfs;
    this.stdin = new QueueStream(() => this.onWake?.(), false, SIZE);
    this.stdout = new SinkStream(o.stdout, false, SIZE);
    this.stderr = new SinkStream(o.stderr, false, SIZE);
    this.cpuCount = o.cpuCount;
    this.net = o.net;
  }
}
