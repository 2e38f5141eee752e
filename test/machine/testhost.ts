// An in-memory host for machine tests: no files, captured stdout/stderr, scripted stdin.
import type { Host, HostStream, Vfs } from "../../src/linux/vfs.js";

const ENOENT = 2, EAGAIN = 11, EINVAL = 22;

export class CaptureStream implements HostStream {
  readonly isTTY = false;
  out: number[] = [];
  input: Uint8Array[] = [];
  eof = false;
  read(buf: Uint8Array): number {
    const c = this.input[0];
    if (!c) return this.eof ? 0 : -EAGAIN;
    const k = Math.min(c.length, buf.length);
    buf.set(c.subarray(0, k));
    if (k === c.length) this.input.shift();
    else this.input[0] = c.subarray(k);
    return k;
  }
  write(buf: Uint8Array): number {
    this.out.push(...buf);
    return buf.length;
  }
  readable(): boolean {
    return this.input.length > 0 || this.eof;
  }
  text(): string {
    return new TextDecoder().decode(new Uint8Array(this.out));
  }
}

const noFiles: Vfs = {
  open: () => -ENOENT, stat: () => -ENOENT, readlink: () => -ENOENT, mkdir: () => -ENOENT, unlink: () => -ENOENT,
  rmdir: () => -ENOENT, rename: () => -ENOENT, symlink: () => -ENOENT, chmod: () => -ENOENT, access: () => -ENOENT,
};

export class TestHost implements Host {
  vfs: Vfs = noFiles;
  stdin = new CaptureStream();
  stdout = new CaptureStream();
  stderr = new CaptureStream();
  cpuCount = 2;
  onWake?: () => void;
  private t = 0;
  monotonicNs(): number { return (this.t += 1000); }
  realtimeMs(): number { return 1.7e12; }
  randomFill(buf: Uint8Array): void { buf.fill(7); }
}
void EINVAL;
