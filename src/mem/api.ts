// The guest address space as the Linux layer and the CPU see it. The implementation
// (src/mem/space.ts) is a sparse 47-bit page table over ArrayBuffer storage; this file is the
// contract between the CPU, the Linux layer and the tools.

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

export const PAGE_SIZE = 4096;
/** Top of the user address space (exclusive), as on Linux x86-64 with 4-level paging. */
export const USER_TOP = 0x800000000000;

/** A guest memory access that failed: thrown by the host-side accessors below (never by the
 *  CPU's own loads and stores, which stop the run with a fault instead). */
export class GuestFault extends Error {
  override name = "GuestFault";
  constructor(
    readonly addr: number,
    /** "read", "write" or "exec". */
    readonly access: "read" | "write" | "exec",
    /** true: the page is mapped but the protection forbids the access (SEGV_ACCERR);
     *  false: nothing is mapped there (SEGV_MAPERR). */
    readonly protection: boolean,
  ) {
    super(`guest fault: ${access} at 0x${addr.toString(16)}`);
  }
}

/** The function holding a code address, [start, end), or null when unknown. */
export type FunctionBounds = (addr: number) => { start: number; end: number; name?: string } | null;

/** The guest storage (touched pages) of every address space of one machine together, bounded:
 *  `rt0 run --memory-limit`. Spaces add a page when they give it storage, subtract it when they
 *  drop it (and all of theirs on dispose). */
export class FrameBudget {
  used = 0;
  constructor(readonly limit: number) {}
}

/** Storage for a page would take the machine's guest memory past its FrameBudget: the process
 *  that touched it is killed, as Linux's OOM killer would. */
export class GuestMemoryExhausted extends Error {
  override name = "GuestMemoryExhausted";
  constructor(readonly limit: number) {
    super(`guest memory limit of ${limit} bytes reached`);
  }
}

/** The host refused memory for guest storage (an ArrayBuffer or WebAssembly.Memory allocation
 *  failed); `hint` says what would help, when it is not a smaller --memory-limit. */
export class HostOutOfMemory extends Error {
  override name = "HostOutOfMemory";
  constructor(readonly bytes: number, readonly hint?: string) {
    super(`the host refused ${bytes} bytes for guest memory`);
  }
}

export interface Memory {
  /** The functions of the code mapped here (a Go executable's pclntab, set by the loader): the
   *  compiled tier compiles whole functions when it knows their bounds. */
  functionBounds?: FunctionBounds;
  /** Map [addr, addr+len) (page-aligned, len rounded up) zero-filled with `prot`, replacing
   *  whatever was there. Storage is allocated lazily when a page is first touched. */
  map(addr: number, len: number, prot: number): void;
  /** map() holding a copy of data (data.length <= len; data must not change afterwards), each
   *  page filled when first touched. Optional: without it, map() then write(addr, data, true). */
  mapData?(addr: number, len: number, prot: number, data: Uint8Array): void;
  unmap(addr: number, len: number): void;
  /** A copy of this address space (fork): same mappings, copied contents. Optional: without
   *  it, fork is not available. */
  clone?(): Memory;
  protect(addr: number, len: number, prot: number): void;
  /** Bytes mapped in all (RLIMIT_AS counts them), and in [addr, addr+len); how many separate
   *  mapped ranges there are. Optional: without them no limit is enforced. */
  mappedBytes?(): number;
  mappedIn?(addr: number, len: number): number;
  rangeCount?(): number;
  /** The mapped ranges [start, end) in bytes, ascending (merged regardless of protection). */
  mappedRanges?(): Array<{ start: number; end: number }>;
  /** mremap's move: the pages of [from, from+len) go to the unmapped [to, to+len), contents and
   *  protections kept; the source is left unmapped. Optional: without it mremap cannot move. */
  move?(from: number, to: number, len: number): void;
  /** The address space is no longer used by any process: its storage leaves the budget. */
  dispose?(): void;
  /** Protection of the page holding addr, or -1 when unmapped. */
  protOf(addr: number): number;
  /** Lowest page-aligned address >= hint (or a default base when hint is 0) where len bytes are
   *  all unmapped; below `limit` (default USER_TOP). Returns -1 when none. */
  findFree(len: number, hint: number, limit?: number): number;

  /** Write watching for shared file mappings (optional: without it, every page of a writable
   *  shared mapping counts as dirty). watchWrites: the pages of [addr, addr+len) start clean,
   *  and the first write to one (by the CPU or a host-side write) makes it dirty. */
  watchWrites?(addr: number, len: number): void;
  /** Stop watching [addr, addr+len) (map and unmap also forget the pages they replace). */
  unwatchWrites?(addr: number, len: number): void;
  /** The dirty pages of [addr, addr+len) (page addresses, ascending); they are clean again. */
  takeDirty?(addr: number, len: number): number[];
  /** Whether the page holding addr is watched and dirty. */
  isDirty?(addr: number): boolean;
  /** Watched pages written since they were last taken. */
  readonly dirtyCount?: number;

  /** Host-side accessors (loader, syscalls, signal frames, debugger). They check mappings and
   *  protections with `force` false, and throw GuestFault on failure. With `force` true they
   *  ignore protections (not mappings): a debugger or loader writing read-only pages. */
  read(addr: number, len: number, force?: boolean): Uint8Array;
  write(addr: number, data: Uint8Array, force?: boolean): void;
  readU8(addr: number): number;
  readU16(addr: number): number;
  readU32(addr: number): number;
  /** A 64-bit value as a number: exact for values < 2^53 (pointers, sizes). */
  readU64(addr: number): number;
  readU64Big(addr: number): bigint;
  writeU8(addr: number, v: number): void;
  writeU16(addr: number, v: number): void;
  writeU32(addr: number, v: number): void;
  /** Writes a non-negative integer number (< 2^53) as 64 bits. */
  writeU64(addr: number, v: number): void;
  writeU64Big(addr: number, v: bigint): void;
  /** A NUL-terminated string (UTF-8 decoded), at most max bytes. */
  readCString(addr: number, max?: number): string;
}
