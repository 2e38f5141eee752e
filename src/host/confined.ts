// Race-free path resolution inside a --root directory. Every component is looked up in a
// directory rt0 holds, never by handing the host kernel a path it would walk again: with /proc,
// through /proc/PID/fd/N/NAME of directories opened O_PATH (the kernel takes N to the very
// directory rt0 examined); without /proc, by moving the process's working directory one verified
// component at a time. Symbolic links are read and resolved here, inside the root: the host
// kernel is never asked to follow one, so a link swapped in mid-resolution leads nowhere.

import * as fs from "node:fs";
import { EINVAL, ELOOP, ENOENT, ENOTDIR, EIO } from "../linux/errno.js";
import { O_DIRECTORY, O_NOFOLLOW, O_PATH } from "../linux/abi.js";
import type { Stat } from "../linux/vfs.js";

/** What an operation on the final name answers when that name is a symbolic link that the
 *  caller wants followed: the resolution reads it and goes on. */
export const LINK = Symbol("symbolic link");

/** An operation on the final name: `at` is a host path for it, usable until the operation
 *  returns; `dir` identifies its directory (only without /proc: see Confined.resolve). */
export type FinalOp<T> = (at: string, dir: string | undefined) => T | number | typeof LINK;

export interface ResolveOptions {
  /** The operation follows a final symbolic link (its op answers LINK for one). */
  follow: boolean;
  /** The operation makes or removes the name itself (mkdir, rmdir, unlink, rename, link's new
   *  name, symlink): a trailing "/" goes to the host kernel with the name, which never follows
   *  it for these. Other operations resolve "name/" as the directory "name/.". */
  parentOp: boolean;
}

/** Symbolic links followed in one resolution before ELOOP (Linux: 40). */
const MAX_LINKS = 40;

/** Negative errno of a Node fs error (libuv reports -errno on Linux). */
export function errOf(e: unknown): number {
  const n = (e as { errno?: unknown } | null)?.errno;
  return typeof n === "number" && n < 0 ? n : -EIO;
}

/** stat(2)'s numbers of a Node bigint stat. */
export function toStat(s: fs.BigIntStats): Stat {
  const sec = (ns: bigint): number => Number(ns / 1000000000n);
  const nsec = (ns: bigint): number => Number(ns % 1000000000n);
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
    gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeSec: sec(s.atimeNs), atimeNsec: nsec(s.atimeNs), mtimeSec: sec(s.mtimeNs), mtimeNsec: nsec(s.mtimeNs),
    ctimeSec: sec(s.ctimeNs), ctimeNsec: nsec(s.ctimeNs),
  };
}

/** A directory entered without /proc changed under rt0 (a swap): start the resolution again. */
class Moved extends Error {}

function split(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}

/** The path names a directory to be used as "dir/." (a trailing "/", "/." or ".."). */
function endsAsDir(path: string): boolean {
  const last = path.slice(path.lastIndexOf("/") + 1);
  return (path.length > 1 && last === "") || last === "." || last === "..";
}

export class Confined {
  /** The root held open (O_PATH), with /proc; -1 without. */
  private readonly rootFd: number;
  /** /proc/PID/fd/ when the host has it (and it names rootFd); undefined: the working-directory
   *  method. */
  readonly procFd: string | undefined;
  private readonly rootId: string;
  /** Nesting of resolve (rename and link resolve their second name inside the first's op). */
  private depth = 0;
  private savedCwd: string | undefined;

  constructor(readonly root: string, useProc = true) {
    this.rootId = idOf(fs.statSync(root));
    let fd = -1, proc: string | undefined;
    if (useProc) {
      try {
        fd = fs.openSync(root, O_PATH | O_DIRECTORY);
        const dir = `/proc/${process.pid}/fd/`;
        if (idOf(fs.statSync(dir + fd)) === this.rootId) proc = dir;
      } catch {
        // no /proc (or no O_PATH): the working-directory method
      }
      if (proc === undefined && fd >= 0) {
        fs.closeSync(fd);
        fd = -1;
      }
    }
    this.rootFd = fd;
    this.procFd = proc;
  }

  close(): void {
    if (this.rootFd >= 0) fs.closeSync(this.rootFd);
  }

  /**
   * Resolve a guest path (absolute; "." and ".." may appear, a trailing "/" or "/." means a
   * directory) and run op on its final name; a negative number is an errno. The op's host path
   * names the final entry in a directory that cannot be swapped meanwhile; op must not follow
   * a symbolic link there itself (it answers LINK, when following, to have it resolved here).
   * The root itself is "." in the root. Without /proc `at` is relative to the working directory,
   * which is that directory during op; a nested resolve (a second name) gives the same `dir` when
   * it lands in the same directory, so the first name is still valid.
   */
  resolve<T>(guest: string, o: ResolveOptions, op: FinalOp<T>): Exclude<T, typeof LINK> | number {
    if (this.depth++ === 0 && this.procFd === undefined) {
      try {
        this.savedCwd = process.cwd();
      } catch {
        this.savedCwd = undefined;
      }
    }
    try {
      for (let restarts = 0; ; restarts++) {
        try {
          return this.walk(guest, o, op);
        } catch (e) {
          if (!(e instanceof Moved)) return errOf(e);
          if (restarts >= MAX_LINKS) return -ELOOP;
        }
      }
    } finally {
      if (--this.depth === 0 && this.procFd === undefined && this.savedCwd !== undefined) {
        try {
          process.chdir(this.savedCwd);
        } catch {
          // the working directory rt0 started in is gone: nothing to go back to
        }
      }
    }
  }

  private walk<T>(guest: string, o: ResolveOptions, op: FinalOp<T>): Exclude<T, typeof LINK> | number {
    const stack = new Walk(this);
    try {
      let parts = split(guest);
      const slash = guest.length > 1 && guest.endsWith("/");
      // "name/" for a name operation: the name itself, with the slash (see ResolveOptions); and
      // "dir/.." stays so (the host kernel refuses to make or remove "..", as Linux does).
      let asDir = endsAsDir(guest) && !(o.parentOp && (slash || parts[parts.length - 1] === ".."));
      let links = 0;
      for (;;) {
        while (parts.length > (asDir ? 0 : 1)) {
          const c = parts.shift()!;
          if (c === "..") {
            stack.pop();
            continue;
          }
          const r = stack.enter(c);
          if (r === 0) continue;
          if (r !== LINK) return r;
          if (++links > MAX_LINKS) return -ELOOP;
          const target = stack.readlink(c);
          if (typeof target === "number") {
            parts.unshift(c); // gone or no longer a link: look again
            continue;
          }
          if (target === "") return -ENOENT;
          if (target.startsWith("/")) stack.toRoot();
          parts = [...split(target), ...parts];
        }
        if (parts.length > 0 && parts[0] === ".." && !o.parentOp) {
          stack.pop();
          parts = [];
          asDir = true;
        }
        const name = parts.length > 0 ? parts[0]! : ".";
        const r = op(stack.at(name) + (slash && o.parentOp && name !== "." && name !== ".." ? "/" : ""), stack.id());
        if (r !== LINK) return r as Exclude<T, typeof LINK> | number;
        if (!o.follow) return -EINVAL;
        if (++links > MAX_LINKS) return -ELOOP;
        const target = stack.readlink(name);
        if (typeof target === "number") continue; // gone or replaced: look again
        if (target === "") return -ENOENT;
        if (target.startsWith("/")) stack.toRoot();
        parts = split(target);
        asDir = endsAsDir(target);
      }
    } finally {
      stack.release();
    }
  }

  // ---- the two methods of holding a directory

  /** With /proc: open NAME in directory fd as a directory (O_PATH, not following a link):
   *  the new fd, LINK, or an errno. */
  openDir(fd: number, name: string): number | typeof LINK {
    const at = this.procFd + String(fd) + "/" + name;
    try {
      return fs.openSync(at, O_PATH | O_DIRECTORY | O_NOFOLLOW);
    } catch (e) {
      const err = errOf(e);
      if (err !== -ENOTDIR && err !== -ELOOP) return err;
      return isLink(at);
    }
  }

  /** Without /proc: make the working directory the root. */
  chdirRoot(): void {
    process.chdir(this.root);
    if (idOf(fs.statSync(".")) !== this.rootId) throw Object.assign(new Error("the root directory was replaced"), { errno: -ENOENT });
  }

  get rootFdHeld(): number {
    return this.rootFd;
  }
}

/** One resolution's directories, innermost last: fds (with /proc) or identities of the
 *  directories the working directory moved through (without). */
class Walk {
  private readonly fds: number[];
  private readonly ids: string[] = [];
  constructor(private readonly c: Confined) {
    this.fds = [c.rootFdHeld];
    if (c.procFd === undefined) {
      c.chdirRoot();
      this.ids.push(idOf(fs.statSync(".")));
    }
  }
  private get proc(): boolean {
    return this.c.procFd !== undefined;
  }
  /** Host path of NAME in the innermost directory. */
  at(name: string): string {
    return this.proc ? this.c.procFd + String(this.fds[this.fds.length - 1]) + "/" + name : name;
  }
  /** The innermost directory's identity (without /proc). */
  id(): string | undefined {
    return this.proc ? undefined : this.ids[this.ids.length - 1];
  }
  /** Step into NAME: 0, LINK (not entered) or an errno. */
  enter(name: string): number | typeof LINK {
    if (this.proc) {
      const r = this.c.openDir(this.fds[this.fds.length - 1]!, name);
      if (r === LINK || r < 0) return r;
      this.fds.push(r);
      return 0;
    }
    let st: fs.Stats;
    try {
      st = fs.lstatSync(name);
    } catch (e) {
      return errOf(e);
    }
    if (st.isSymbolicLink()) return LINK;
    if (!st.isDirectory()) return -ENOTDIR;
    process.chdir(name);
    // chdir follows a link swapped in since the lstat: then this is not the directory examined.
    if (idOf(fs.statSync(".")) !== idOf(st)) throw new Moved();
    this.ids.push(idOf(st));
    return 0;
  }
  /** Step back out (".."); the root is its own parent. */
  pop(): void {
    if (this.proc) {
      if (this.fds.length > 1) fs.closeSync(this.fds.pop()!);
      return;
    }
    if (this.ids.length <= 1) return;
    this.ids.pop();
    process.chdir("..");
    if (idOf(fs.statSync(".")) !== this.ids[this.ids.length - 1]) throw new Moved();
  }
  /** Back to the root (an absolute link). */
  toRoot(): void {
    if (this.proc) {
      while (this.fds.length > 1) fs.closeSync(this.fds.pop()!);
      return;
    }
    this.ids.length = 1;
    this.c.chdirRoot();
  }
  /** The text of link NAME in the innermost directory, or an errno (it went away). */
  readlink(name: string): string | number {
    try {
      return fs.readlinkSync(this.at(name));
    } catch (e) {
      return errOf(e);
    }
  }
  release(): void {
    for (let i = 1; i < this.fds.length; i++) fs.closeSync(this.fds[i]!);
    this.fds.length = 1;
  }
}

/** LINK when the name is a symbolic link, else ENOTDIR (an errno when it is gone). */
function isLink(at: string): number | typeof LINK {
  try {
    return fs.lstatSync(at).isSymbolicLink() ? LINK : -ENOTDIR;
  } catch (e) {
    return errOf(e);
  }
}

export function idOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}`;
}
