// Build info against `go version -m` (version, path, module, every build setting), the
// pre-1.18 pointer layout (synthesized from a real blob), and the blob found without sections.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseElf } from "../../src/elf/elf.js";
import { formatModInfo, parseModInfo, readBuildInfo, setting } from "../../src/gobin/buildinfo.js";
import { FIXTURE_BIN } from "../helpers.js";
import { GOBIN_DATA } from "./golden.js";

for (const name of readdirSync(FIXTURE_BIN)) {
  test(`${name}: build info == go version -m`, () => {
    const elf = parseElf(new Uint8Array(readFileSync(join(FIXTURE_BIN, name))));
    const bi = readBuildInfo(elf);
    assert.ok(bi);
    assert.equal(bi.pointerFormat, false);
    assert.equal(formatModInfo(bi), readFileSync(join(GOBIN_DATA, `${name}.version-m.txt`), "utf8"));
    assert.equal(setting(bi, "GOAMD64"), "v1");
    assert.equal(setting(bi, "CGO_ENABLED"), "0");
    assert.equal(setting(bi, "-trimpath"), "true");
    assert.match(bi.goVersion, /^go1\.\d+\.\d+$/);
  });
}

const SENTINEL_START = "0123456789abcdef"; // any 16 bytes: only the framing length matters
const SENTINEL_END = "fedcba9876543210";

test("pre-1.18 pointer layout: version and modinfo read through Go string headers", () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.26-stripped")));
  const elf0 = parseElf(bytes);
  const sec = elf0.section(".go.buildinfo")!;
  const want = readBuildInfo(elf0)!;
  const b = bytes.slice();
  const dv = new DataView(b.buffer);
  const o = sec.offset;
  const a = sec.addr;
  const vers = "go1.16.15";
  const mod = SENTINEL_START + "path\texample.com/old\nmod\texample.com\t(devel)\t\nbuild\tCGO_ENABLED=0\n" + SENTINEL_END;
  assert.equal(mod[mod.length - 17], "\n");
  b.fill(0, o + 14, o + sec.size);
  b[o + 14] = 8; // ptrSize
  b[o + 15] = 0; // flags: little-endian, pointer format
  // header: versPtr -> string header at +32, modPtr -> string header at +48; data from +64.
  dv.setBigUint64(o + 16, BigInt(a + 32), true);
  dv.setBigUint64(o + 24, BigInt(a + 48), true);
  const enc = new TextEncoder();
  const vb = enc.encode(vers);
  const mb = enc.encode(mod);
  b.set(vb, o + 64);
  b.set(mb, o + 64 + vb.length);
  dv.setBigUint64(o + 32, BigInt(a + 64), true);
  dv.setBigUint64(o + 40, BigInt(vb.length), true);
  dv.setBigUint64(o + 48, BigInt(a + 64 + vb.length), true);
  dv.setBigUint64(o + 56, BigInt(mb.length), true);
  const bi = readBuildInfo(parseElf(b));
  assert.ok(bi);
  assert.equal(bi.pointerFormat, true);
  assert.equal(bi.goVersion, vers);
  assert.equal(bi.path, "example.com/old");
  assert.deepEqual(bi.main, { path: "example.com", version: "(devel)", sum: "" });
  assert.equal(setting(bi, "CGO_ENABLED"), "0");
  assert.notEqual(want.goVersion, vers);
});

test("without section headers the blob is found in the first writable segment", () => {
  const b = new Uint8Array(readFileSync(join(FIXTURE_BIN, "hello-go1.19")));
  const want = readBuildInfo(parseElf(b));
  const dv = new DataView(b.buffer);
  dv.setBigUint64(40, 0n, true);
  dv.setUint16(60, 0, true);
  dv.setUint16(62, 0, true);
  const elf = parseElf(b);
  assert.equal(elf.sections.length, 0);
  assert.deepEqual(readBuildInfo(elf), want);
  assert.equal(want?.goVersion, "go1.19.8");
});

test("module info: deps, replacements and quoted settings", () => {
  const m = parseModInfo(
    'path\tx/cmd\nmod\tx\tv1.0.0\th1:abc\ndep\ty\tv0.1.0\th1:def\n=>\t../y\t\t\nbuild\t-ldflags="-s -w"\nbuild\t"we=ird"=1\n',
  );
  assert.equal(m.path, "x/cmd");
  assert.deepEqual(m.deps, [{ path: "y", version: "v0.1.0", sum: "h1:def", replace: { path: "../y", version: "", sum: "" } }]);
  assert.deepEqual(m.settings, [
    { key: "-ldflags", value: "-s -w" },
    { key: "we=ird", value: "1" },
  ]);
});
