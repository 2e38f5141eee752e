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

test("Intel syntax quirks (objdump -M intel)", async () => {
  const { decodeAt } = await import("../../src/x86/decode.js");
  const { formatIntel } = await import("../../src/disasm/intel.js");
  const cases: [string, string][] = [
    ["48 cb", "retfq"], ["ca 08 00", "retf   0x8"], ["48 98", "cdqe"], ["f3 ab", "rep stos DWORD PTR es:[rdi],eax"],
    ["48 f4", "rex.W hlt"], ["66 90", "xchg   ax,ax"], ["2e 0f 1f 84 00 00 00 00 00", "cs nop DWORD PTR [rax+rax*1+0x0]"],
    ["f2 0f 38 f0 06", "crc32  eax,BYTE PTR [rsi]"], ["ff 14 24", "call   QWORD PTR [rsp]"], ["c8 10 00 00", "enter  0x10,0x0"],
    ["d7", "xlat   BYTE PTR ds:[rbx]"], ["3e 75 00", "ds jne 0x3"], ["f2 e8 00 00 00 00", "bnd call 0x6"],
    ["dc e1", "fsubr  st(1),st"], ["0f ae 00", "fxsave [rax]"], ["48 a1 88 77 66 55 44 33 22 11", "movabs rax,ds:0x1122334455667788"],
    ["d1 e8", "shr    eax,1"], ["64 4c 8b 34 25 f8 ff ff ff", "mov    r14,QWORD PTR fs:0xfffffffffffffff8"],
  ];
  for (const [hex, want] of cases) {
    const b = Uint8Array.from(hex.split(" ").map((x) => parseInt(x, 16)));
    const i = decodeAt(b, 0, 0);
    assert.equal(i.len, b.length, hex);
    assert.equal(formatIntel(i), want, hex);
  }
});
