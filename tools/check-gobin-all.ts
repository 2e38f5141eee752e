// Exhaustive live check of the pclntab reader (not part of `npm test`): for every binary in
// fixtures/build/go1.NN/, compare functions with `go tool nm` and file:line of N random PCs
// with `go tool addr2line` of the same toolchain. Run: node dist/tools/check-gobin-all.js [N]

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openBinaryFile } from "../src/host/readbin.js";

const ROOT = join(import.meta.dirname ?? ".", "..", "..");
const N = Number(process.argv[2] ?? 1000);
const build = join(ROOT, "fixtures", "build");
let failures = 0;
for (const dir of readdirSync(build).filter((d) => /^go1\.\d+$/.test(d)).sort()) {
  const go = `/usr/lib/go-${dir.slice(2)}/bin/go`;
  if (!existsSync(go)) continue;
  for (const name of readdirSync(join(build, dir)).sort()) {
    const bin = join(build, dir, name);
    // Stripped binaries have no symbols for nm: compare with the unstripped twin.
    const oracle = name.endsWith("-stripped") ? join(build, dir, name.replace(/-stripped$/, "")) : bin;
    const b = openBinaryFile(bin);
    const nm = execFileSync(go, ["tool", "nm", "-n", oracle], { encoding: "utf8", maxBuffer: 1 << 28 })
      .split("\n")
      .map((l) => /^\s*([0-9a-f]+) [Tt] (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[2] !== "runtime.text" && m[2] !== "runtime.etext");
    const byAddr = new Map(b.funcs.map((f) => [f.entry, f.name]));
    let exact = 0;
    let renamed = 0;
    for (const m of nm) {
      const name2 = byAddr.get(parseInt(m[1]!, 16));
      if (name2 === m[2]!.replace(/\.abi0$/, "")) exact++;
      else if (name2 !== undefined) renamed++;
    }
    const missing = nm.length - exact - renamed;
    const lo = b.funcs[0]!.entry;
    const hi = b.funcs[b.funcs.length - 1]!.end;
    const pcs: number[] = [];
    let x = 20260101;
    for (let i = 0; i < N; i++) {
      x = (x * 48271) % 2147483647;
      pcs.push(lo + (x % (hi - lo)));
    }
    const out = execFileSync(go, ["tool", "addr2line", oracle], { input: pcs.map((p) => "0x" + p.toString(16)).join("\n") + "\n", encoding: "utf8", maxBuffer: 1 << 28 }).split("\n");
    let lines = 0;
    pcs.forEach((pc, i) => {
      const l = b.lineAt(pc);
      if (out[2 * i] === b.funcAt(pc)?.name && out[2 * i + 1] === `${l?.file}:${l?.line}`) lines++;
    });
    const ok = missing === 0 && b.funcs.length === nm.length && lines === N;
    if (!ok) failures++;
    console.log(`${ok ? "ok  " : "FAIL"} ${dir}/${name}: nm ${exact}/${nm.length} exact + ${renamed} generated-name differences, ${missing} missing, ${b.funcs.length} pclntab funcs; addr2line ${lines}/${N}`);
  }
}
process.exitCode = failures === 0 ? 0 : 1;
