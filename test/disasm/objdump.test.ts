// The objdump -d layout driver against objdump itself: the whole output for the fixture
// binaries (GNU syntax, stripped and not; Intel syntax) must equal the golden files line for
// line, bytes columns and headers included; plus the --start/--stop header form.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { disassembleGnu, type Label } from "../../src/disasm/objdump.js";
import { openBinary, type GoBinary } from "../../src/gobin/binary.js";
import { FIXTURE_BIN } from "../helpers.js";
import { goldenPath } from "./objdump-golden.js";

function open(name: string): { bin: GoBinary; code: Uint8Array; addr: number; labels: Label[] } {
  const bytes = readFileSync(join(FIXTURE_BIN, name));
  const bin = openBinary(bytes, name);
  const text = bin.elf.section(".text");
  assert.ok(text);
  const code = bin.elf.sectionData(text);
  const labels = bin.sortedSymbols
    .filter((s) => s.value >= text.addr && s.value < text.addr + text.size)
    .map((s) => ({ addr: s.value, name: s.name }));
  return { bin, code, addr: text.addr, labels };
}

function golden(file: string): string[] {
  const lines = gunzipSync(readFileSync(goldenPath(file))).toString("utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function firstDiff(want: string[], got: string[]): string {
  for (let k = 0; k < Math.max(want.length, got.length); k++) {
    if (want[k] !== got[k]) return `line ${k + 1}:\n  objdump: ${JSON.stringify(want[k])}\n  rt0:     ${JSON.stringify(got[k])}`;
  }
  return "";
}

for (const [name, syntax, gold] of [
  ["hello-go1.26", "gnu", "hello-go1.26"],
  ["hello-go1.19", "gnu", "hello-go1.19"],
  ["hello-go1.26-stripped", "gnu", "hello-go1.26-stripped"],
  ["hello-go1.26", "intel", "hello-go1.26.intel"],
] as const) {
  test(`objdump -d ${syntax === "intel" ? "-M intel " : ""}layout of ${name} is byte-identical`, () => {
    const { bin, code, addr, labels } = open(name);
    const stripped = !bin.hasSymtab;
    const got = [...disassembleGnu({
      code, addr, syntax, file: `fixtures/bin/${name}`,
      labels: stripped ? [] : labels, symbolizer: stripped ? undefined : bin,
    })];
    const want = golden(gold);
    assert.equal(firstDiff(want, got), "");
    assert.equal(got.length, want.length);
  });
}

test("start/stop ranges start with a <sym+0xoff> header and continue long instructions", () => {
  const { bin, code, addr, labels } = open("hello-go1.26");
  const got = [...disassembleGnu({ code, addr, labels, symbolizer: bin, start: 0x401004, stop: 0x401026 })];
  assert.deepEqual(got.slice(0, 4), ["", "Disassembly of section .text:", "", "0000000000401004 <internal/abi.BoundsDecode+0x4>:"]);
  assert.equal(got[4], "  401004:\t0f 86 c0 00 00 00    \tjbe    4010ca <internal/abi.BoundsDecode+0xca>");
  assert.ok(got.includes("  40101c:\t48 b8 8f e3 38 8e e3 \tmovabs $0xe38e38e38e38e38f,%rax"));
  assert.ok(got.includes("  401023:\t38 8e e3 "));
  assert.equal(got[got.length - 1], "  401023:\t38 8e e3 ");
});
