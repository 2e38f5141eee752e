// GNU (AT&T) formatter against objdump: the instruction text of every instruction of the
// fixture binaries' .text equals objdump -d's (whitespace-normalized), except the lines listed
// in test/testdata/objdump/known-differences.txt; plus spot checks of objdump quirks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decode, decodeAt } from "../../src/x86/decode.js";
import { Inst } from "../../src/x86/inst.js";
import { formatGnu } from "../../src/disasm/gnu.js";
import { openBinary } from "../../src/gobin/binary.js";
import { FIXTURE_BIN, TESTDATA } from "../helpers.js";
import { normalize, readGolden } from "./objdump-golden.js";

function knownDifferences(): Map<string, string> {
  const m = new Map<string, string>();
  const text = readFileSync(join(TESTDATA, "objdump", "known-differences.txt"), "utf8");
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const [name, addr, ...reason] = line.split(/\s+/);
    m.set(`${name} ${addr}`, reason.join(" "));
  }
  return m;
}

for (const name of ["hello-go1.19", "hello-go1.26", "hello-go1.26-stripped"]) {
  test(`formatGnu equals objdump -d text on all of ${name} .text`, () => {
    const bin = openBinary(readFileSync(join(FIXTURE_BIN, name)), name);
    const sym = bin.hasSymtab ? bin : undefined;
    const known = knownDifferences();
    const g = readGolden(name);
    const inst = new Inst();
    const unexpected: string[] = [];
    let same = 0, listed = 0;
    for (const gi of g.insts) {
      decode(Uint8Array.from(gi.bytes), 0, gi.addr, inst);
      const t = formatGnu(inst, sym);
      const key = `${name} ${gi.addr.toString(16)}`;
      if (normalize(t) === normalize(gi.text)) {
        same++;
        assert.ok(!known.has(key), `${key} is listed as a known difference but matches`);
      } else if (known.has(key)) listed++;
      else unexpected.push(`${gi.addr.toString(16)}: objdump "${gi.text}" rt0 "${t}"`);
    }
    const pct = (100 * same) / g.insts.length;
    console.log(`# ${name}: ${g.insts.length} instructions, ${same} identical (${pct.toFixed(3)}%), ${listed} known differences`);
    assert.deepEqual(unexpected.slice(0, 20), []);
    assert.ok(pct >= 99.9);
  });
}

test("objdump quirks", () => {
  const cases: [string, string][] = [
    ["66 90", "xchg   %ax,%ax"],
    ["41 90", "xchg   %eax,%r8d"],
    ["66 2e 0f 1f 84 00 00 00 00 00", "cs nopw 0x0(%rax,%rax,1)"],
    ["0f 1f 44 00 00", "nopl   0x0(%rax,%rax,1)"],
    ["64 4c 8b 34 25 f8 ff ff ff", "mov    %fs:0xfffffffffffffff8,%r14"],
    ["48 b8 8f e3 38 8e e3 38 8e e3", "movabs $0xe38e38e38e38e38f,%rax"],
    ["48 c7 c0 ff ff ff ff", "mov    $0xffffffffffffffff,%rax"],
    ["d3 60 06", "shll   %cl,0x6(%rax)"],
    ["d1 e0", "shl    %eax"],
    ["f3 48 ab", "rep stos %rax,%es:(%rdi)"],
    ["f3 a6", "repz cmpsb %es:(%rdi),%ds:(%rsi)"],
    ["48 63 c0", "movslq %eax,%rax"],
    ["0f b6 00", "movzbl (%rax),%eax"],
    ["f2 48 0f 2a 00", "cvtsi2sdq (%rax),%xmm0"],
    ["48 98", "cltq"], ["48 99", "cqto"], ["99", "cltd"],
    ["dd 40 08", "fldl   0x8(%rax)"], ["df 68 08", "fildll 0x8(%rax)"],
    ["dc e1", "fsub   %st,%st(1)"],
    ["c8 10 00 00", "enter  $0x10,$0x0"],
    ["ff 50 08", "call   *0x8(%rax)"], ["ff 70 08", "push   0x8(%rax)"],
    ["62 f1 fe 48 6f 4e 01", "vmovdqu64 0x40(%rsi),%zmm1"],
    ["c5 fd 6f 06", "vmovdqa (%rsi),%ymm0"],
    ["f3 c3", "repz ret"],
    ["0f 04", "(bad)"],
  ];
  for (const [hex, want] of cases) {
    const b = Uint8Array.from(hex.split(" ").map((x) => parseInt(x, 16)));
    const i = decodeAt(b, 0, 0);
    assert.equal(i.len, b.length, hex);
    assert.equal(formatGnu(i), want, hex);
  }
});
