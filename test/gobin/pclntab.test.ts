// pclntab against the Go tools: function names and entries identical to `go tool nm` (text
// symbols), file:line and function for 1,000 fixed-seed PCs identical to `go tool addr2line`,
// on go1.19, go1.22 and go1.26 hello, unstripped and stripped, and with the sections hidden.

import { test } from "node:test";
import assert from "node:assert/strict";
import { openBinary } from "../../src/gobin/binary.js";
import type { GoBinary } from "../../src/gobin/binary.js";
import { PCLN_VERSIONS, addr2lineGolden, helloBinaries, knownDiffs, nmGolden } from "./golden.js";

const known = knownDiffs();

/** Compare funcs with nm; returns [matched, total] after the listed known differences. */
function compareNm(b: GoBinary, v: string): { matched: number; total: number; problems: string[] } {
  const nm = nmGolden(v);
  const problems: string[] = [];
  const byKey = new Map<string, string>();
  for (const f of b.funcs) byKey.set(`${f.entry} ${f.name}`, f.name);
  let matched = 0;
  let total = 0;
  const used = new Set<string>();
  for (const s of nm) {
    if (known.markers.has(s.name)) continue;
    total++;
    let name = s.name;
    for (const suf of known.suffixes) if (name.endsWith(suf)) name = name.slice(0, -suf.length);
    name = known.renames.get(`go${v} ${s.addr} ${s.name}`) ?? name;
    const k = `${s.addr} ${name}`;
    if (byKey.has(k)) {
      matched++;
      used.add(k);
    } else problems.push(`nm ${s.addr.toString(16)} ${s.type} ${s.name}: not in pclntab`);
  }
  for (const k of byKey.keys()) if (!used.has(k)) problems.push(`pclntab ${k}: not in nm`);
  return { matched, total, problems };
}

for (const v of PCLN_VERSIONS) {
  const bins = helloBinaries(v);
  test(`go${v}: golden binaries are available (unstripped or stripped twin)`, () => {
    assert.ok(bins.length >= 1);
  });
  for (const hb of bins) {
    const b = openBinary(hb.bytes, hb.label);

    test(`go${v} ${hb.label}: pclntab names and entries == go tool nm (100%)`, () => {
      const r = compareNm(b, v);
      assert.deepEqual(r.problems, []);
      assert.equal(r.matched, r.total);
      assert.equal(b.funcs.length, r.total);
      assert.ok(r.total > 1000, `only ${r.total} functions`);
      for (let i = 1; i < b.funcs.length; i++) assert.equal(b.funcs[i - 1]!.end, b.funcs[i]!.entry);
    });

    test(`go${v} ${hb.label}: file:line of 1,000 PCs == go tool addr2line (100%)`, () => {
      const g = addr2lineGolden(v);
      assert.equal(g.length, 1000);
      const bad: string[] = [];
      for (const e of g) {
        const f = b.funcAt(e.pc);
        const l = b.lineAt(e.pc);
        const got = `${f?.name ?? "?"}\t${l ? `${l.file}:${l.line}` : "?:0"}`;
        if (got !== `${e.func}\t${e.fileLine}`) bad.push(`0x${e.pc.toString(16)}: got ${got}, want ${e.func}\t${e.fileLine}`);
      }
      assert.deepEqual(bad.slice(0, 10), []);
    });

    if (hb.stripped) {
      test(`go${v} ${hb.label}: without section headers the pclntab and moduledata are found by scanning`, () => {
        const copy = hb.bytes.slice();
        const dv = new DataView(copy.buffer);
        dv.setBigUint64(40, 0n, true); // e_shoff
        dv.setUint16(60, 0, true); // e_shnum
        dv.setUint16(62, 0, true); // e_shstrndx
        const s = openBinary(copy, "noshdr");
        assert.equal(s.elf.sections.length, 0);
        assert.equal(s.pclntabFoundBy, "scan");
        assert.equal(s.pclntabAddr, b.pclntabAddr);
        assert.equal(s.moduledataAddr, b.moduledataAddr);
        assert.notEqual(s.moduledataAddr, undefined);
        assert.equal(s.goVersion, b.goVersion);
        assert.deepEqual(s.funcs, b.funcs);
        for (const e of addr2lineGolden(v).slice(0, 200)) assert.deepEqual(s.lineAt(e.pc), b.lineAt(e.pc));
      });
    }
  }
}

test("symbolize and lookup: symtab when present, pclntab when stripped", () => {
  const [full] = helloBinaries("1.26").filter((x) => !x.stripped);
  const [strip] = helloBinaries("1.26").filter((x) => x.stripped);
  assert.ok(full && strip);
  const a = openBinary(full.bytes, "a");
  const s = openBinary(strip.bytes, "s");
  const e = a.elf.entry;
  assert.deepEqual(a.symbolize(e), { name: "_rt0_amd64_linux", offset: 0 });
  assert.deepEqual(s.symbolize(e + 4), { name: "_rt0_amd64_linux", offset: 4 });
  assert.equal(a.lookup("runtime.rt0_go.abi0"), s.lookup("runtime.rt0_go"));
  assert.equal(a.lookup("main.main"), s.lookup("main.main"));
  // Data symbols come from .symtab only.
  const md = a.lookup("runtime.firstmoduledata");
  assert.equal(md, a.moduledataAddr);
  assert.deepEqual(a.symbolize(md! + 8), { name: "runtime.firstmoduledata", offset: 8 });
  assert.equal(s.lookup("runtime.firstmoduledata"), undefined);
  assert.equal(a.symbolize(0x10), undefined);
  assert.equal(s.funcAt(0x10), undefined);
  assert.equal(s.lineAt(0x10), undefined);
});

test("pcsp: SP deltas of main.main match its prologue (PUSHQ BP at +6, SUBQ $0x38, SP at +10)", () => {
  // go tool objdump -s '^main.main$' fixtures/bin/hello-go1.26: CMPQ(4) JBE(2) PUSHQ BP(1)
  // MOVQ SP, BP(3) SUBQ $0x38, SP(4).
  const [full] = helloBinaries("1.26").filter((x) => !x.stripped);
  const b = openBinary(full!.bytes, "a");
  const m = b.lookup("main.main")!;
  assert.deepEqual([0, 6, 7, 10, 13, 14].map((o) => b.spDeltaAt(m + o)), [0, 0, 8, 8, 8, 0x40]);
  assert.equal(b.spDeltaAt(0x10), undefined);
});
