// A deliberately broken emulator for the harness's own test: runs `rt0 run ARGS...` and
// passes its output on with one bit flipped (byte RT0_CORRUPT_BYTE, default 0, XOR 1), as a
// miscomputing instruction would; the conformance harness must report the differing line.

import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");
const r = spawnSync(process.execPath, [CLI, "run", ...process.argv.slice(2)], {
  stdio: ["inherit", "pipe", "pipe"], maxBuffer: 256 << 20,
});
const out = Buffer.concat([r.stdout, r.stderr]);
const at = Number(process.env.RT0_CORRUPT_BYTE ?? "0");
if (at < out.length) out[at]! ^= 1;
process.stdout.write(out);
process.exitCode = r.status ?? 128;
