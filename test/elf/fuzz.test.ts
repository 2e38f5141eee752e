// Fuzz: 10,000+ mutated ELFs (bit flips, truncations, random header and table fields from a
// fixed-seed PRNG, starting from real Go binaries) through parseElf, openBinary, every GoBinary
// query, `rt0 info`'s collector and the decoder at the entry: only UserError may escape, no hang.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { UserError } from "../../src/base/assert.js";
import { parseElf } from "../../src/elf/elf.js";
import { openBinary } from "../../src/gobin/binary.js";
import { collectInfo } from "../../src/cli/info.js";
import { decode } from "../../src/x86/decode.js";
import { Inst } from "../../src/x86/inst.js";
import { FIXTURE_BIN, TESTDATA } from "../helpers.js";

const ITERATIONS = Number(process.env["RT0_FUZZ_ITERATIONS"] ?? 10_000);
const SEED = Number(process.env["RT0_FUZZ_SEED"] ?? 0x5eed2026);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** [offset, length] ranges worth mutating: headers, tables, pclntab, buildinfo, moduledata. */
  hot: [number, number][];
}

function makeSeed(name: string, bytes: Uint8Array): Seed {
  const elf = parseElf(bytes);
  const b = elf.interp === undefined ? openBinary(bytes, name) : undefined; // the C seed is dynamic
  const h = elf.header;
  const hot: [number, number][] = [[0, 64], [h.phoff, h.phnum * 56], [h.shoff, h.shnum * 64]];
  for (const s of elf.sections) {
    if (s.name === ".gopclntab") hot.push([s.offset, 128], [s.offset, Math.min(s.size, 65536)]);
    if (s.name === ".go.buildinfo") hot.push([s.offset, Math.min(s.size, 256)]);
    if (s.name.startsWith(".note")) hot.push([s.offset, s.size]);
    if (s.name === ".shstrtab") hot.push([s.offset, s.size]);
    if (s.name === ".symtab") hot.push([s.offset, Math.min(s.size, 4096)]);
  }
  if (b?.moduledataAddr !== undefined) hot.push([elf.fileOffset(b.moduledataAddr), 256]);
  if (b?.pclntabAddr !== undefined) hot.push([elf.fileOffset(b.pclntabAddr), 128]);
  const tab = b?.pclntab;
  if (tab && b?.pclntabAddr !== undefined) {
    // A few _func records and the pctab start.
    const base = elf.fileOffset(b.pclntabAddr);
    for (const i of [0, 1, Math.floor(tab.nfunc / 2), tab.nfunc - 1]) hot.push([base + tab.record(i).off, 48]);
  }
  return { name, bytes, hot: hot.filter(([o, l]) => o >= 0 && l > 0 && o + l <= bytes.length) };
}

/** The binary with its section header table dropped: pclntab and build info found by scanning. */
function noSectionHeaders(b: Uint8Array): Uint8Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setBigUint64(40, 0n, true);
  dv.setUint16(60, 0, true);
  dv.setUint16(62, 0, true);
  return b;
}

const INTERESTING = [0, 1, 2, 7, 8, 0x40, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

test(`fuzz: ${ITERATIONS} mutated ELFs give only UserError and finish quickly`, { timeout: 300_000 }, (t) => {
  const seeds = [
    makeSeed("hello-go1.26-stripped", new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.26-stripped")))),
    makeSeed("hello-stripped-go1.22", new Uint8Array(gunzipSync(readFileSync(join(TESTDATA, "gobin", "hello-stripped-go1.22.gz"))))),
    makeSeed("hello-go1.19", new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.19")))),
    makeSeed("c-dynamic", new Uint8Array(readFileSync(join(TESTDATA, "badinput", "c-dynamic")))),
    makeSeed("no-section-headers", noSectionHeaders(new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.26-stripped"))))),
  ];
  const rnd = mulberry32(SEED);
  const int = (n: number): number => Math.floor(rnd() * n);
  const inst = new Inst();
  let userErrors = 0;
  let opened = 0;
  let decoded = 0;
  let worst = 0;
  const started = performance.now();
  for (let it = 0; it < ITERATIONS; it++) {
    const seed = seeds[it % 13 === 12 ? 4 : it % 7 === 6 ? 2 : it % 11 === 10 ? 3 : it % 2]!;
    const buf = seed.bytes;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const undo: [number, Uint8Array][] = [];
    const save = (off: number, len: number): void => {
      undo.push([off, buf.slice(off, off + len)]);
    };
    const hotOff = (): number => {
      const [o, l] = seed.hot[int(seed.hot.length)]!;
      return o + int(l);
    };
    let len = buf.length;
    const nmut = 1 + int(3);
    const desc: string[] = [];
    for (let m = 0; m < nmut; m++) {
      const kind = int(10);
      if (kind < 4) {
        const off = rnd() < 0.8 ? hotOff() : int(buf.length);
        save(off, 1);
        buf[off]! ^= 1 << int(8);
        desc.push(`flip@${off}`);
      } else if (kind < 8) {
        const size = [1, 2, 4, 8][int(4)]!;
        const off = Math.min(rnd() < 0.9 ? hotOff() : int(buf.length), buf.length - size);
        const v = rnd() < 0.5 ? INTERESTING[int(INTERESTING.length)]! : rnd() < 0.5 ? int(buf.length * 2) : Math.floor(rnd() * 4294967296);
        save(off, size);
        if (size === 1) buf[off] = v & 0xff;
        else if (size === 2) dv.setUint16(off, v & 0xffff, true);
        else if (size === 4) dv.setUint32(off, v >>> 0, true);
        else dv.setBigUint64(off, rnd() < 0.1 ? 0xffffffffffffffffn : BigInt(v), true);
        desc.push(`set${size}@${off}=${v}`);
      } else {
        len = rnd() < 0.3 ? int(4096) : rnd() < 0.5 ? hotOff() : int(len);
        desc.push(`truncate=${len}`);
      }
    }
    const input = buf.subarray(0, len);
    const c0 = process.cpuUsage();
    try {
      const elf = parseElf(input);
      elf.notes();
      elf.goBuildId();
      elf.gnuBuildId();
      elf.bfdFlags();
      void elf.interp;
      const b = openBinary(input, seed.name);
      opened++;
      const info = collectInfo(b, seed.name);
      assert.equal(typeof info.functions, "number");
      const fs = b.funcs;
      for (let k = 0; k < 20 && fs.length > 0; k++) {
        const f = fs[int(fs.length)]!;
        const pc = f.entry + int(Math.max(1, Math.min(f.end - f.entry, 4096)));
        b.funcAt(pc);
        b.lineAt(pc);
        b.symbolize(pc);
      }
      b.lookup("main.main");
      b.lookup("runtime.rt0_go");
      const code = b.readVirt(elf.entry, 300);
      for (let p = 0; p < code.length; p += inst.len) {
        decode(code, p, elf.entry + p, inst);
        assert.ok(inst.len >= 1 && inst.len <= 15, `decode length ${inst.len}`);
        decoded++;
      }
    } catch (e) {
      if (!(e instanceof UserError)) {
        assert.fail(`iteration ${it} (${seed.name}: ${desc.join(" ")}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
      assert.doesNotMatch(e.message, /\n/, `iteration ${it}: multi-line message`);
      userErrors++;
    } finally {
      for (let k = undo.length - 1; k >= 0; k--) buf.set(undo[k]![1], undo[k]![0]);
    }
    // CPU time, not wall time: a loaded machine descheduling this process is no slow input.
    const c = process.cpuUsage(c0);
    worst = Math.max(worst, (c.user + c.system) / 1000);
  }
  const secs = (performance.now() - started) / 1000;
  t.diagnostic(`${ITERATIONS} inputs in ${secs.toFixed(1)}s: ${userErrors} UserError, ${opened} opened, ${decoded} instructions decoded; slowest ${worst.toFixed(0)} ms of CPU`);
  assert.ok(worst < 2000, `an input took ${worst.toFixed(0)} ms of CPU`);
  assert.ok(userErrors > ITERATIONS / 10 && opened > ITERATIONS / 10, "the mutations exercise both the error and the success paths");
});
