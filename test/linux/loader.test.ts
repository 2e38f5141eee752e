// The ELF loader against the file itself and the kernel ABI: segments hold the file's bytes
// with the PT_LOAD protections, the initial stack is argc/argv/envp/auxv 16-byte aligned, the
// auxv entries point where they should; the vDSO image is what readelf says it is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Space } from "../../src/mem/space.js";
import { loadElf, checkRunnable, InterpError, STACK_TOP, VDSO_ADDR, vdsoAddress } from "../../src/linux/loader.js";
import { parseElf } from "../../src/elf/elf.js";
import { buildVdso, elfHash, VDSO_SIZE } from "../../src/linux/vdso.js";
import { FIXTURE_BIN, TESTDATA } from "../helpers.js";
import { UserError } from "../../src/base/assert.js";

const AT = { PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, ENTRY: 9, UID: 11, EUID: 12, GID: 13, EGID: 14, PLATFORM: 15,
  HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, EXECFN: 31, SYSINFO_EHDR: 33 };

for (const name of ["hello-go1.19", "hello-go1.26"]) {
  test(`loadElf(${name}): segments, stack layout and auxv`, () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURE_BIN, name)));
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    const mem = new Space();
    const random = Uint8Array.from({ length: 16 }, (_, i) => i * 11);
    const L = loadElf(mem, bytes, { argv: ["prog", "arg one"], envp: ["A=1", "B=two"], execfn: "/bin/prog", random, model: { vendor: "GenuineIntel", level: 1 } });

    // ELF header fields read straight from the file (the oracle).
    const entry = Number(dv.getBigUint64(24, true)), phoff = Number(dv.getBigUint64(32, true));
    const phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
    assert.equal(L.entry, entry);
    let loads = 0;
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      if (dv.getUint32(o, true) !== 1) continue;
      loads++;
      const flags = dv.getUint32(o + 4, true), off = Number(dv.getBigUint64(o + 8, true)), vaddr = Number(dv.getBigUint64(o + 16, true));
      const filesz = Number(dv.getBigUint64(o + 32, true)), memsz = Number(dv.getBigUint64(o + 40, true));
      const prot = (flags & 4 ? 1 : 0) | (flags & 2 ? 2 : 0) | (flags & 1 ? 4 : 0);
      assert.equal(mem.protOf(vaddr), prot, `segment at 0x${vaddr.toString(16)} protection`);
      assert.deepEqual(mem.read(vaddr, filesz, true), bytes.subarray(off, off + filesz));
      if (memsz > filesz) assert.ok(mem.read(vaddr + filesz, memsz - filesz, true).every((b) => b === 0), "bss is zero");
    }
    assert.equal(loads, 3, "Go binaries have three PT_LOADs");

    // The initial stack.
    const sp = L.sp;
    assert.equal(sp % 16, 0);
    assert.ok(sp < STACK_TOP && sp > STACK_TOP - 8192);
    assert.equal(mem.readU64(sp), 2);
    assert.equal(mem.readCString(mem.readU64(sp + 8)), "prog");
    assert.equal(mem.readCString(mem.readU64(sp + 16)), "arg one");
    assert.equal(mem.readU64(sp + 24), 0);
    assert.equal(mem.readCString(mem.readU64(sp + 32)), "A=1");
    assert.equal(mem.readCString(mem.readU64(sp + 40)), "B=two");
    assert.equal(mem.readU64(sp + 48), 0);
    const aux = new Map<number, number>();
    for (let p = sp + 56; ; p += 16) {
      const k = mem.readU64(p);
      if (k === 0) break;
      aux.set(k, mem.readU64(p + 8));
    }
    assert.equal(aux.get(AT.PAGESZ), 4096);
    assert.equal(aux.get(AT.PHENT), 56);
    assert.equal(aux.get(AT.PHNUM), phnum);
    assert.equal(aux.get(AT.ENTRY), entry);
    assert.deepEqual(mem.read(aux.get(AT.PHDR)!, phnum * phentsize), bytes.subarray(phoff, phoff + phnum * phentsize), "AT_PHDR");
    assert.deepEqual(mem.read(aux.get(AT.RANDOM)!, 16), random);
    assert.equal(mem.readCString(aux.get(AT.EXECFN)!), "/bin/prog");
    assert.equal(mem.readCString(aux.get(AT.PLATFORM)!), "x86_64");
    for (const k of [AT.UID, AT.EUID, AT.GID, AT.EGID, AT.SECURE]) assert.equal(aux.get(k), 0);
    assert.equal(aux.get(AT.CLKTCK), 100);
    assert.equal(aux.get(AT.HWCAP)! & 0x06000000, 0x06000000, "HWCAP = CPUID.1:EDX has SSE and SSE2");
    const vdso = aux.get(AT.SYSINFO_EHDR)!;
    assert.deepEqual(mem.read(vdso, 4), new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    assert.equal(mem.protOf(vdso), 5);
    assert.ok(vdso + VDSO_SIZE < 0x400000 && mem.protOf(vdso + VDSO_SIZE) === -1, "vDSO below the executable, an unmapped guard page between");
    assert.equal(mem.protOf(STACK_TOP - (8 << 20)), 3, "8 MiB stack mapped");
  });
}

test("vdsoAddress: below a low executable, at Linux's no-ASLR address otherwise", () => {
  assert.equal(vdsoAddress(0x400000), 0x400000 - VDSO_SIZE - 4096);
  assert.equal(vdsoAddress(0x555555554000), VDSO_ADDR, "static PIE");
  assert.equal(vdsoAddress(0x10000), VDSO_ADDR, "no room above mmap_min_addr");
});

test("the vDSO image: readelf sees the four functions under LINUX_2.6 (golden), code is mov/syscall/ret", () => {
  const img = buildVdso();
  assert.deepEqual(img, new Uint8Array(readFileSync(join(TESTDATA, "run", "vdso.so"))), "regenerate with tools/gen-vdso-golden.sh");
  const golden = readFileSync(join(TESTDATA, "run", "vdso.readelf"), "utf8");
  assert.match(golden, /__vdso_clock_gettime@@LINUX_2\.6/);
  assert.match(golden, /__vdso_getcpu@@LINUX_2\.6/);
  const probe = spawnSync("readelf", ["--version"]);
  if (probe.status === 0) {
    const dir = mkdtempSync(join(tmpdir(), "rt0-vdso-"));
    try {
      writeFileSync(join(dir, "vdso.so"), img);
      const r = spawnSync("readelf", ["-W", "--dyn-syms", "-V", "-d", "-l", "-S", "vdso.so"], { cwd: dir, encoding: "utf8" });
      assert.equal(r.stdout, golden);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }
  // __vdso_clock_gettime: mov $228,%eax; syscall; ret
  assert.deepEqual(img.subarray(0x400, 0x408), new Uint8Array([0xb8, 228, 0, 0, 0, 0x0f, 0x05, 0xc3]));
  assert.equal(elfHash("LINUX_2.6"), 0x3ae75f6, "the hash Go's runtime looks for");
});

test("checkRunnable refuses non-executable files, and dynamically linked ones only when asked, with one clear line", () => {
  const dyn = ["/bin/true", "/usr/bin/true"].find((p) => existsSync(p))!;
  const bytes = new Uint8Array(readFileSync(dyn));
  assert.equal(checkRunnable(bytes).interp, "/lib64/ld-linux-x86-64.so.2");
  assert.throws(() => checkRunnable(bytes, "no libc here"), (e: unknown) => e instanceof UserError && /^dynamically linked \(interpreter .*\): no libc here$/.test(e.message));
  assert.throws(() => checkRunnable(new Uint8Array([1, 2, 3])), UserError);
});

test("loadElf of a dynamically linked program: ld.so mapped under 0x7ffff7fff000, AT_BASE, AT_ENTRY, AT_PHDR of the program, start at ld.so's entry", () => {
  const dyn = ["/bin/true", "/usr/bin/true"].find((p) => existsSync(p))!;
  const ldso = "/lib64/ld-linux-x86-64.so.2";
  if (!existsSync(ldso)) return;
  const bytes = new Uint8Array(readFileSync(dyn));
  const interp = new Uint8Array(readFileSync(ldso));
  const mem = new Space();
  const asked: string[] = [];
  const L = loadElf(mem, bytes, {
    argv: ["true"], envp: [], execfn: "/bin/true", random: new Uint8Array(16), model: { vendor: "GenuineIntel", level: 1 },
    readFile: (p) => { asked.push(p); return interp; },
  });
  assert.deepEqual(asked, [ldso]);
  const aux = new Map(L.auxv);
  const base = aux.get(AT.BASE)!;
  assert.ok(L.interp && L.interp.base === base && base > VDSO_ADDR && base < 0x7ffff7fff000, `AT_BASE 0x${base.toString(16)}`);
  const ld = parseElf(interp);
  assert.equal(L.entry, base + ld.header.entry);
  assert.equal(aux.get(AT.ENTRY), L.elf.header.entry + L.loadBias);
  assert.equal(aux.get(AT.PHDR), L.phdrAddr);
  assert.equal(L.loadBias, 0x555555554000, "a PIE program where Linux puts it without ASLR");
  // ld.so's ELF header is mapped at its base.
  assert.deepEqual(mem.read(base, 4), new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
  assert.throws(() => loadElf(new Space(), bytes, {
    argv: ["true"], envp: [], execfn: "/bin/true", random: new Uint8Array(16), model: { vendor: "GenuineIntel", level: 1 }, readFile: () => -2,
  }), (e: unknown) => e instanceof InterpError && e.errno === 2 && /interpreter \/lib64\/ld-linux-x86-64\.so\.2 not found/.test(e.message));
});
