// The Go 1.16-1.17 pclntab layout (magic 0xfffffffa): no toolchain for it is installed, so this
// re-lays the go1.19 table out in the 1.16 format (uintptr entries, no textStart word) and
// checks it still answers exactly what go tool nm / addr2line say about the go1.19 binary.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseElf } from "../../src/elf/elf.js";
import { PcLnTab } from "../../src/gobin/pclntab.js";
import { openBinary } from "../../src/gobin/binary.js";
import { FIXTURE_BIN } from "../helpers.js";
import { addr2lineGolden } from "./golden.js";

/** Convert a 1.18/1.20-layout pclntab (textStart known) into the 1.16 layout. */
function to116(src: Uint8Array, textStart: number): Uint8Array {
  const s = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const w = (i: number): number => Number(s.getBigUint64(8 + i * 8, true));
  const nfunc = w(0);
  const nfiles = w(1);
  const pclnOff = w(7);
  const HDR18 = 72;
  const HDR16 = 64;
  const shift = HDR18 - HDR16;
  const REC16 = 44;
  const functabSize = (nfunc * 2 + 1) * 8;
  const out = new Uint8Array(pclnOff - shift + functabSize + nfunc * REC16);
  const d = new DataView(out.buffer);
  d.setUint32(0, 0xfffffffa, true);
  out[6] = src[6]!;
  out[7] = 8;
  d.setBigUint64(8, BigInt(nfunc), true);
  d.setBigUint64(16, BigInt(nfiles), true);
  for (let i = 3; i <= 7; i++) d.setBigUint64(8 + (i - 1) * 8, BigInt(w(i) - shift), true);
  out.set(src.subarray(HDR18, pclnOff), HDR16); // funcnametab, cutab, filetab, pctab
  const ft = pclnOff - shift;
  for (let i = 0; i <= nfunc; i++) {
    const entry = textStart + s.getUint32(pclnOff + i * 8, true);
    d.setBigUint64(ft + i * 16, BigInt(entry), true);
    if (i === nfunc) break;
    const fo = s.getUint32(pclnOff + i * 8 + 4, true);
    const rec = pclnOff + fo;
    const nrec = functabSize + i * REC16;
    d.setBigUint64(ft + i * 16 + 8, BigInt(nrec), true);
    d.setBigUint64(ft + nrec, BigInt(entry), true);
    out.set(src.subarray(rec + 4, rec + 4 + 32), ft + nrec + 8); // nameOff .. cuOffset
    out[ft + nrec + 40] = src[rec + 36]!; // funcID
  }
  return out.subarray(0, ft + functabSize + nfunc * REC16);
}

test("Go 1.16-1.17 layout (0xfffffffa): names, entries and file:line equal the go1.19 oracle", () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.19")));
  const b = openBinary(bytes, "hello-go1.19");
  assert.equal(b.pclntab?.layout, "1.18");
  const elf = parseElf(bytes);
  const sec = elf.section(".gopclntab")!;
  const t16 = new PcLnTab(to116(elf.sectionData(sec), b.pclntab.textStart));
  assert.equal(t16.layout, "1.16");
  assert.equal(t16.magic, 0xfffffffa);
  assert.deepEqual(t16.funcs, b.funcs);
  let same = 0;
  for (const e of addr2lineGolden("1.19")) {
    const i = t16.funcIndex(e.pc);
    const l = t16.lineAt(e.pc);
    assert.equal(t16.funcs[i]?.name, e.func);
    assert.equal(`${l?.file}:${l?.line}`, e.fileLine, `0x${e.pc.toString(16)}`);
    same++;
  }
  assert.equal(same, 1000);
  assert.equal(t16.record(5).funcID, b.pclntab.record(5).funcID);
});

test("pclntab of Go 1.2-1.15 and unknown magics are clear UserErrors", () => {
  const h = new Uint8Array(128);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, 0xfffffffb, true);
  h[6] = 1;
  h[7] = 8;
  assert.throws(() => new PcLnTab(h), /Go 1\.2-1\.15: rt0 supports Go 1\.16 and later/);
  dv.setUint32(0, 0x12345678, true);
  assert.throws(() => new PcLnTab(h), /unknown magic 0x12345678/);
  dv.setUint32(0, 0xfffffff1, true);
  dv.setBigUint64(8, 1n << 40n, true);
  assert.throws(() => new PcLnTab(h), /do not fit/);
});
