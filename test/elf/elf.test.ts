// The ELF64 reader against readelf and go tool nm: section and program headers, notes and the
// .symtab text symbols of the committed fixtures; plus the one-line errors for malformed files
// and readVirt's handling of file-backed, bss and unmapped bytes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../src/base/assert.js";
import { PT, SHT, STT, parseElf } from "../../src/elf/elf.js";
import { FIXTURE_BIN, TESTDATA } from "../helpers.js";
import { nmGolden } from "../gobin/golden.js";

const SHT_NAMES: Record<string, number> = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, NOTE: 7, NOBITS: 8 };
const PT_NAMES: Record<string, number> = { LOAD: 1, NOTE: 4, PHDR: 6, TLS: 7, GNU_STACK: 0x6474e551 };

for (const name of readdirSync(FIXTURE_BIN)) {
  test(`${name}: headers, sections, segments and notes == readelf -SlnW`, () => {
    const elf = parseElf(new Uint8Array(readFileSync(join(FIXTURE_BIN, name))));
    const re = readFileSync(join(TESTDATA, "elf", `${name}.readelf.txt`), "utf8");
    const secs = [...re.matchAll(/^\s*\[\s*(\d+)\]\s+(\S+)?\s+([A-Z_]+)\s+([0-9a-f]{16}) ([0-9a-f]{6,}) ([0-9a-f]{6,}) ([0-9a-f]{2}) .{3}\s*(\d+)\s+(\d+)\s+(\d+)$/gm)];
    assert.ok(secs.length > 10);
    assert.equal(elf.sections.length, secs.length);
    for (const m of secs) {
      const s = elf.sections[Number(m[1])]!;
      assert.equal(s.name, m[2] ?? "", `section ${m[1]}`);
      assert.equal(s.type, SHT_NAMES[m[3]!], `${s.name} type`);
      assert.equal(s.addr, parseInt(m[4]!, 16), `${s.name} addr`);
      assert.equal(s.offset, parseInt(m[5]!, 16), `${s.name} offset`);
      assert.equal(s.size, parseInt(m[6]!, 16), `${s.name} size`);
      assert.equal(s.entsize, parseInt(m[7]!, 16));
      assert.equal(s.link, Number(m[8]));
      assert.equal(s.info, Number(m[9]));
      assert.equal(s.addralign, Number(m[10]));
    }
    const phs = [...re.matchAll(/^\s+([A-Z_]+|LOOS\+0x[0-9a-f]+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) 0x([0-9a-f]+)$/gm)];
    assert.equal(elf.phdrs.length, phs.length);
    phs.forEach((m, i) => {
      const p = elf.phdrs[i]!;
      const t = m[1]!.startsWith("LOOS+") ? 0x60000000 + parseInt(m[1]!.slice(5), 16) : PT_NAMES[m[1]!];
      assert.equal(p.type, t, `phdr ${i}`);
      assert.deepEqual([p.offset, p.vaddr, p.paddr, p.filesz, p.memsz, p.align], [2, 3, 4, 5, 6, 8].map((k) => parseInt(m[k]!, 16)));
      const fl = m[7]!;
      assert.equal(p.flags & 7, (fl[0] === "R" ? 4 : 0) | (fl[1] === "W" ? 2 : 0) | (fl[2] === "E" ? 1 : 0));
    });
    const entry = /Entry point 0x([0-9a-f]+)/.exec(re);
    if (entry) assert.equal(elf.entry, parseInt(entry[1]!, 16));
    const goId = /GO BUILDID\s+description data: ([0-9a-f ]+)/.exec(re);
    assert.ok(goId);
    assert.equal(elf.goBuildId(), Buffer.from(goId[1]!.trim().split(" ").map((h) => parseInt(h, 16))).toString());
    const gnu = /Build ID: ([0-9a-f]+)/.exec(re);
    assert.equal(elf.gnuBuildId(), gnu?.[1]);
    assert.equal(elf.interp, undefined);
  });
}

for (const v of ["1.19", "1.26"]) {
  test(`hello-go${v}: every go tool nm text symbol is in .symtab as a function at its address`, () => {
    const elf = parseElf(new Uint8Array(readFileSync(join(FIXTURE_BIN, `hello-go${v}`))));
    const have = new Map<string, number[]>();
    for (const s of elf.symbols) {
      if (s.type !== STT.FUNC) continue;
      have.set(s.name, [...(have.get(s.name) ?? []), s.value]);
    }
    const nm = nmGolden(v);
    let n = 0;
    for (const s of nm) {
      if (s.name === "runtime.text" || s.name === "runtime.etext") continue; // markers: STT_NOTYPE
      assert.ok(have.get(s.name)?.includes(s.addr), `${s.name} at 0x${s.addr.toString(16)}`);
      n++;
    }
    assert.ok(n > 1000);
  });
}

const hello = new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.26-stripped")));

function errorOf(b: Uint8Array): string {
  try {
    parseElf(b);
  } catch (e) {
    assert.ok(e instanceof UserError, `not a UserError: ${String(e)}`);
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  return "no error";
}

function patched(f: (dv: DataView, b: Uint8Array) => void, len = hello.length): Uint8Array {
  const b = hello.slice(0, len);
  f(new DataView(b.buffer), b);
  return b;
}

test("malformed files give one clear UserError line", () => {
  assert.equal(errorOf(new Uint8Array(0)), "empty file (0 bytes): not an ELF file");
  assert.match(errorOf(new TextEncoder().encode("#!/bin/sh\necho hi\n")), /^not an ELF file .*script/);
  assert.match(errorOf(hello.slice(0, 10)), /^truncated ELF: file is 10 bytes, the ELF header needs 64$/);
  assert.match(errorOf(hello.slice(0, 40)), /^truncated ELF: file is 40 bytes/);
  assert.match(errorOf(hello.slice(0, 100)), /^truncated ELF: program header table beyond end of file$/);
  assert.match(errorOf(patched((dv) => dv.setBigUint64(40, 0x7fffffffn, true))), /^truncated ELF: section header table beyond end of file$/);
  assert.match(errorOf(patched((_dv, b) => (b[4] = 1))), /^32-bit ELF \(ELFCLASS32\)/);
  assert.match(errorOf(patched((_dv, b) => (b[5] = 2))), /^big-endian ELF/);
  assert.match(errorOf(patched((_dv, b) => (b[4] = 7))), /^bad ELF class 7/);
  assert.equal(errorOf(patched((dv) => dv.setUint16(18, 183, true))), "ELF for AArch64 (e_machine 183), rt0 runs only x86-64");
  assert.equal(errorOf(patched((dv) => dv.setUint16(18, 9999, true))), "ELF for machine (e_machine 9999), rt0 runs only x86-64");
  assert.match(errorOf(patched((dv) => dv.setUint16(54, 32, true))), /program header entry size 32/);
  assert.match(errorOf(patched((dv) => dv.setUint16(58, 40, true))), /section header entry size 40/);
  assert.match(errorOf(patched((dv) => dv.setUint16(16, 9, true))), /unknown file type e_type 9/);
  assert.match(errorOf(hello.slice(0, 0x10000)), /^truncated ELF: /);
  // PT_LOAD with p_memsz < p_filesz.
  const load = patched(() => undefined);
  const elf = parseElf(load);
  const i = elf.phdrs.findIndex((p) => p.type === PT.LOAD);
  new DataView(load.buffer).setBigUint64(elf.header.phoff + i * 56 + 40, 1n, true);
  assert.match(errorOf(load), /p_memsz < p_filesz/);
});

test("readVirt: file bytes, zeros for bss and unmapped addresses; views when file-backed", () => {
  const elf = parseElf(hello);
  const text = elf.section(".text")!;
  const v = elf.readVirt(text.addr, 16);
  assert.equal(v.buffer, hello.buffer); // a view, no copy
  assert.deepEqual([...v], [...hello.subarray(text.offset, text.offset + 16)]);
  const data = elf.phdrs.find((p) => p.type === PT.LOAD && p.memsz > p.filesz)!;
  const edge = data.vaddr + data.filesz - 4;
  const r = elf.readVirt(edge, 12);
  assert.deepEqual([...r.subarray(0, 4)], [...hello.subarray(data.offset + data.filesz - 4, data.offset + data.filesz)]);
  assert.deepEqual([...r.subarray(4)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...elf.readVirt(0x1000, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(elf.fileOffset(0x1000), -1);
  assert.equal(elf.fileOffset(text.addr), text.offset);
  assert.equal(elf.sectionAt(text.addr + 5)?.name, ".text");
  assert.equal(elf.segmentAt(data.vaddr + data.memsz - 1), data);
  assert.equal(elf.segmentAt(data.vaddr + data.memsz), undefined);
  assert.equal(elf.sections.find((s) => s.type === SHT.SYMTAB), undefined);
});

test("objdump -f flags: EXEC_P/HAS_SYMS/D_PAGED, DYNAMIC for ET_DYN", () => {
  assert.deepEqual(parseElf(hello).bfdFlags(), { value: 0x102, names: ["EXEC_P", "D_PAGED"] });
  const full = new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.26")));
  assert.deepEqual(parseElf(full).bfdFlags(), { value: 0x112, names: ["EXEC_P", "HAS_SYMS", "D_PAGED"] });
  const dyn = readFileSync(join(TESTDATA, "badinput", "c-dynamic"));
  assert.deepEqual(parseElf(new Uint8Array(dyn)).bfdFlags(), { value: 0x150, names: ["HAS_SYMS", "DYNAMIC", "D_PAGED"] });
  assert.equal(parseElf(new Uint8Array(dyn)).interp, "/lib64/ld-linux-x86-64.so.2");
});
