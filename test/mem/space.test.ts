// The guest address space: mappings, protections, lazy storage, page-crossing accesses,
// precise faults, code-page write tracking and fork copies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GuestFault, PROT_EXEC, PROT_NONE, PROT_READ, PROT_WRITE } from "../../src/mem/api.js";
import { MEM_FAULT, MMAP_BASE, Space } from "../../src/mem/space.js";
import { RTLB_TAG, WASM_TLB_SIZE, WTLB_TAG } from "../../src/mem/layout.js";

const RW = PROT_READ | PROT_WRITE;

/** Run a CPU-side access; return the fault it raised (or null). */
function cpuFault(m: Space, fn: () => void): { addr: number; access: string; prot: boolean } | null {
  try {
    fn();
  } catch (e) {
    if (e === MEM_FAULT) return { addr: m.faultAddr, access: m.faultAccess, prot: m.faultProtection };
    throw e;
  }
  return null;
}

test("map, host accessors, zero fill and protections", () => {
  const m = new Space();
  m.map(0x400000, 0x3000, RW);
  assert.equal(m.protOf(0x401000), RW);
  assert.equal(m.protOf(0x403000), -1);
  assert.equal(m.readU64(0x400ff8), 0);
  m.writeU64(0x400ffc, 0x123456789abc);
  assert.equal(m.readU64(0x400ffc), 0x123456789abc);
  assert.equal(m.readU32(0x401000), 0x1234);
  m.writeU64Big(0x402000, 0xfedcba9876543210n);
  assert.equal(m.readU64Big(0x402000), 0xfedcba9876543210n);
  m.protect(0x401000, 0x1000, PROT_READ);
  assert.throws(() => m.writeU8(0x401000, 1), (e: unknown) => e instanceof GuestFault && e.protection && e.access === "write");
  m.write(0x401000, Uint8Array.of(9), true);
  assert.equal(m.readU8(0x401000), 9);
  assert.throws(() => m.readU8(0x403000), (e: unknown) => e instanceof GuestFault && !e.protection && e.addr === 0x403000);
  // A failing multi-page write changes nothing.
  assert.throws(() => m.write(0x400ffe, new Uint8Array(4).fill(0xee)));
  assert.equal(m.readU16(0x400ffe), 0x5678);
  assert.equal(m.readU16(0x401000), 0x1209);
  m.write(0x402000, new TextEncoder().encode("hi\0"));
  assert.equal(m.readCString(0x402000), "hi");
});

test("storage is allocated only when touched; PROT_NONE reservations cost nothing", () => {
  const m = new Space();
  m.map(0xc000000000, 64 * 2 ** 30, PROT_NONE);
  m.map(0x7f0000000000, 512 * 2 ** 20, PROT_NONE);
  assert.equal(m.residentBytes, 0);
  m.protect(0xc000000000, 0x400000, RW);
  m.writeU32(0xc000001000, 5);
  assert.equal(m.residentBytes, 4096);
  assert.equal(m.readU32(0xc000001000), 5);
  assert.throws(() => m.readU8(0xc000400000), (e: unknown) => e instanceof GuestFault && e.protection);
  m.unmap(0xc000000000, 0x400000);
  assert.equal(m.residentBytes, 0);
});

test("CPU-side accessors: fast path, page crossing, precise faults", () => {
  const m = new Space();
  m.map(0x10000, 0x2000, RW);
  m.wr64(0x10ffc, 0x11223344, 0x55667788 | 0);
  assert.equal(m.rd32(0x10ffc) >>> 0, 0x11223344);
  assert.equal(m.rd32(0x11000) >>> 0, 0x55667788);
  assert.equal(m.rd64(0x10ffc) >>> 0, 0x11223344);
  assert.equal(m.hi >>> 0, 0x55667788);
  assert.equal(m.rd16(0x10fff), 0x8811);
  m.wr16(0x10fff, 0xabcd);
  assert.equal(m.rd8(0x10fff), 0xcd);
  assert.equal(m.rd8(0x11000), 0xab);
  m.wr32(0x10000, -1);
  assert.equal(m.rd32(0x10000), -1);
  assert.equal(m.rd16(0x10000), 0xffff);
  // Faults: unmapped read, a write crossing into an unmapped page changes nothing.
  assert.deepEqual(cpuFault(m, () => m.rd8(0x20000)), { addr: 0x20000, access: "read", prot: false });
  assert.deepEqual(cpuFault(m, () => m.wr64(0x11ffc, 1, 2)), { addr: 0x12000, access: "write", prot: false });
  assert.equal(m.rd32(0x11ffc), 0);
  m.protect(0x11000, 0x1000, PROT_READ);
  assert.deepEqual(cpuFault(m, () => m.wr8(0x11000, 1)), { addr: 0x11000, access: "write", prot: true });
  m.protect(0x11000, 0x1000, PROT_NONE);
  assert.deepEqual(cpuFault(m, () => m.rd32(0x11000)), { addr: 0x11000, access: "read", prot: true });
  // Exec: fetch needs PROT_EXEC.
  const buf = new Uint8Array(16);
  assert.deepEqual(cpuFault(m, () => m.fetch(0x10000, buf, 15)), { addr: 0x10000, access: "exec", prot: true });
  m.protect(0x10000, 0x1000, PROT_READ | PROT_EXEC);
  assert.equal(m.fetch(0x10ff8, buf, 15), 8);
  assert.deepEqual(Array.from(buf.subarray(4, 8)), [0x44, 0x33, 0x22, 0xcd]);
  // Non-user addresses fault.
  assert.ok(cpuFault(m, () => m.rd8(2 ** 47)));
  assert.ok(cpuFault(m, () => m.rd8(-8)));
});

test("writes to pages holding decoded code notify the code listener once", () => {
  const m = new Space();
  m.map(0x400000, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC);
  const seen: number[] = [];
  m.codeListener = (p) => seen.push(p);
  m.wr32(0x400010, 1); // fills the write TLB before the page holds code
  m.markCode(0x400010);
  m.wr32(0x400020, 2);
  m.wr32(0x400024, 3);
  assert.deepEqual(seen, [0x400]);
  m.markCode(0x401000);
  m.protect(0x401000, 0x1000, PROT_READ);
  assert.deepEqual(seen, [0x400, 0x401]);
  m.markCode(0x400000);
  m.unmap(0x400000, 0x1000);
  assert.deepEqual(seen, [0x400, 0x401, 0x400]);
});

test("write hook sees every CPU write while attached", () => {
  const m = new Space();
  m.map(0x1000, 0x1000, RW);
  const seen: string[] = [];
  m.setWriteHook((a, n) => seen.push(`${a.toString(16)}:${n}`));
  m.wr32(0x1000, 1);
  m.wr64(0x1008, 1, 2);
  m.setWriteHook(null);
  m.wr32(0x1010, 1);
  assert.deepEqual(seen, ["1000:4", "1008:8"]);
});

test("findFree skips mappings and honours hints and limits", () => {
  const m = new Space();
  assert.equal(m.findFree(0x1000, 0), MMAP_BASE);
  m.map(0x10000, 0x1000, RW);
  m.map(0x12000, 0x1000, RW);
  assert.equal(m.findFree(0x1000, 0x10000), 0x11000);
  assert.equal(m.findFree(0x2000, 0x10000), 0x13000);
  assert.equal(m.findFree(0x2000, 0x10000, 0x14000), -1);
  assert.deepEqual(m.mappedRanges(), [{ start: 0x10000, end: 0x11000 }, { start: 0x12000, end: 0x13000 }]);
  m.map(0x11000, 0x1000, PROT_NONE);
  assert.deepEqual(m.mappedRanges(), [{ start: 0x10000, end: 0x13000 }]);
  m.unmap(0x10800 - 0x800, 0x1000);
  assert.deepEqual(m.mappedRanges(), [{ start: 0x11000, end: 0x13000 }]);
});

test("clone copies contents and protections independently", () => {
  const m = new Space();
  m.map(0x1000, 0x3000, RW);
  m.map(0x100000, 0x100000, PROT_NONE);
  m.writeU32(0x2000, 42);
  const c = m.clone();
  c.writeU32(0x2000, 7);
  assert.equal(m.readU32(0x2000), 42);
  assert.equal(c.readU32(0x2000), 7);
  assert.equal(c.protOf(0x100000), PROT_NONE);
  assert.equal(c.residentBytes, 4096);
});

test("page table: untouched reservations are one entry per 4 MiB leaf; arrays only where needed", () => {
  const m = new Space();
  m.map(0xc000000000, 64 * 2 ** 30, PROT_NONE);
  assert.equal(m.pageTableBytes, 0, "a leaf-aligned 64 GiB reservation needs no leaf arrays");
  m.map(0x7f0000001000, 512 * 2 ** 20, PROT_NONE);
  assert.equal(m.pageTableBytes, 2 * 4096, "two partly covered leaves");
  assert.equal(m.protOf(0x7f0000001000), PROT_NONE);
  assert.equal(m.protOf(0x7f0000000000), -1);
  assert.equal(m.protOf(0x7f0020000fff), PROT_NONE);
  assert.equal(m.protOf(0x7f0020001000), -1);
  // Protecting a whole leaf changes its one entry; part of a leaf gets that leaf an array.
  m.protect(0xc000400000, 0x400000, RW);
  assert.equal(m.pageTableBytes, 2 * 4096);
  assert.equal(m.protOf(0xc0007ff000), RW);
  assert.equal(m.protOf(0xc000800000), PROT_NONE);
  m.protect(0xc000800000, 0x1000, PROT_READ);
  assert.equal(m.pageTableBytes, 3 * 4096);
  assert.equal(m.protOf(0xc000800000), PROT_READ);
  assert.equal(m.protOf(0xc000801000), PROT_NONE);
  // Touching a page of a uniform leaf gives it an array; the data is there.
  m.writeU32(0xc000500000, 77);
  assert.equal(m.pageTableBytes, 4 * 4096);
  assert.equal(m.readU32(0xc000500000), 77);
  assert.equal(m.residentBytes, 4096);
  // A fork copies both kinds of leaves.
  const c = m.clone();
  assert.equal(c.readU32(0xc000500000), 77);
  assert.equal(c.protOf(0xc0007ff000), RW);
  assert.equal(c.protOf(0xc000800000), PROT_READ);
  assert.equal(c.protOf(0xc100000000), PROT_NONE);
  assert.equal(c.pageTableBytes, 4 * 4096);
  // Remapping and unmapping whole leaves drops their arrays and frees the storage.
  m.map(0xc000400000, 0x800000, PROT_NONE);
  assert.equal(m.residentBytes, 0);
  assert.equal(m.pageTableBytes, 2 * 4096);
  m.unmap(0xc000000000, 64 * 2 ** 30);
  assert.equal(m.protOf(0xc000400000), -1);
  assert.equal(m.pageTableBytes, 2 * 4096);
  m.unmap(0x7f0000000000, 0x40000000);
  assert.equal(m.mappedRanges().length, 0);
  // Partial unmap inside a uniform leaf.
  m.map(0x10000000, 0x800000, RW);
  m.unmap(0x10001000, 0x1000);
  assert.equal(m.protOf(0x10000000), RW);
  assert.equal(m.protOf(0x10001000), -1);
  assert.equal(m.protOf(0x10002000), RW);
});

test("mapData: a page gets its bytes when first touched, and only then storage", () => {
  const m = new Space();
  const data = Uint8Array.from({ length: 3 * 4096 + 100 }, (_, i) => (i * 7 + 1) & 255);
  m.mapData(0x400000, 5 * 4096, PROT_READ | PROT_EXEC, data);
  assert.equal(m.residentBytes, 0);
  assert.equal(m.readU8(0x401005), data[4096 + 5]);
  assert.equal(m.residentBytes, 4096, "one page touched");
  assert.equal(m.rd32(0x400000) >>> 0, (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0);
  const buf = new Uint8Array(16);
  assert.equal(m.fetch(0x402ff8, buf, 15), 15);
  assert.deepEqual(buf.subarray(0, 15), data.subarray(0x2ff8, 0x2ff8 + 15));
  // The partial last page: data, then zeros; the page after the data: zeros.
  assert.deepEqual(m.read(0x403000, 4096, true), Uint8Array.from({ length: 4096 }, (_, i) => (i < 100 ? data[0x3000 + i]! : 0)));
  assert.ok(m.read(0x404000, 4096).every((b) => b === 0));
  // A forced host write to an untouched page lands on top of its bytes.
  m.protect(0x402000, 4096, RW);
  m.write(0x402001, Uint8Array.of(0xee), true);
  assert.equal(m.readU8(0x402000), data[0x2000]);
  assert.equal(m.readU8(0x402001), 0xee);
  // A fork sees the bytes of pages neither process touched yet.
  const m2 = new Space();
  m2.mapData(0x400000, 2 * 4096, PROT_READ, data.subarray(0, 8192));
  const c = m2.clone();
  assert.equal(c.readU8(0x401fff), data[0x1fff]);
  assert.equal(m2.readU8(0x401fff), data[0x1fff]);
  // Unmapping or remapping forgets the bytes.
  m2.unmap(0x400000, 4096);
  m2.map(0x400000, 4096, PROT_READ);
  assert.equal(m2.readU8(0x400000 + 3), 0);
  const m3 = new Space();
  m3.mapData(0x400000, 4096, PROT_READ, data.subarray(0, 4096));
  m3.map(0x400000, 4096, RW);
  assert.equal(m3.readU8(0x400001), 0);
});

test("fetch follows protection and mapping changes of the page it last fetched from", () => {
  const m = new Space();
  m.mapData(0x400000, 4096, PROT_READ | PROT_EXEC, Uint8Array.of(0x90, 0xc3));
  const buf = new Uint8Array(16);
  assert.equal(m.fetch(0x400000, buf, 2), 2);
  assert.deepEqual([...buf.subarray(0, 2)], [0x90, 0xc3]);
  m.protect(0x400000, 4096, PROT_READ);
  assert.deepEqual(cpuFault(m, () => m.fetch(0x400001, buf, 1)), { addr: 0x400001, access: "exec", prot: true });
  m.map(0x400000, 4096, PROT_READ | PROT_EXEC);
  assert.equal(m.fetch(0x400000, buf, 2), 2);
  assert.deepEqual([...buf.subarray(0, 2)], [0, 0]);
  m.unmap(0x400000, 4096);
  assert.deepEqual(cpuFault(m, () => m.fetch(0x400000, buf, 1)), { addr: 0x400000, access: "exec", prot: false });
  // Stops at a non-executable next page; the bytes written since are seen.
  m.map(0x500000, 4096, RW | PROT_EXEC);
  m.map(0x501000, 4096, RW);
  m.write(0x500ffe, Uint8Array.of(1, 2));
  assert.equal(m.fetch(0x500ffe, buf, 15), 2);
  m.writeU8(0x500fff, 9);
  assert.equal(m.fetch(0x500ffe, buf, 15), 2);
  assert.equal(buf[1], 9);
});

test("frames past the main arena: storage, TLBs (compiled code's tags stay empty) and fork copies", () => {
  const m = new Space(16 * 4096); // a main arena of 16 frames; the rest in 16 MiB arenas
  const base = 0x7f0000000000;
  m.map(base, 64 * 4096, RW);
  for (let p = 0; p < 64; p++) m.wr64(base + p * 4096 + 8, p * 3 + 1, p);
  for (let p = 0; p < 64; p++) {
    assert.equal(m.rd64(base + p * 4096 + 8), p * 3 + 1);
    assert.equal(m.hi, p);
    assert.equal(m.readU32(base + p * 4096 + 8), p * 3 + 1);
    // The page is now in both TLBs: compiled code may use it only when its frame is in the main
    // arena (the first 16 frames touched), where its TLB (in the memory's system area) holds
    // the page number.
    const slot = Math.floor((base + p * 4096) / 4096) % WASM_TLB_SIZE;
    const page = (base + p * 4096) / 4096;
    const rTag = new Int32Array(m.memory.buffer, RTLB_TAG, 2 * WASM_TLB_SIZE);
    const wTag = new Int32Array(m.memory.buffer, WTLB_TAG, 2 * WASM_TLB_SIZE);
    const tagOf = (t: Int32Array): number => (t[2 * slot + 1] >>> 0) * 4294967296 + (t[2 * slot] >>> 0);
    assert.equal(tagOf(rTag) === page, p < 16, `page ${p}`);
    assert.equal(tagOf(wTag) === page, p < 16, `page ${p}`);
  }
  assert.equal(m.residentBytes, 64 * 4096);
  const c = m.clone();
  m.wr64(base + 40 * 4096 + 8, 99, 0);
  for (let p = 0; p < 64; p++) assert.equal(c.rd64(base + p * 4096 + 8), p * 3 + 1);
  assert.equal(m.rd64(base + 40 * 4096 + 8), 99);
});
