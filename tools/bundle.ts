// Which rt0 CLI a tool should start: the bundled bin (`npm run build`: tools/build-cli.mjs) when
// it is newer than every compiled file under dist/src, else main.js (a `tsc` after the last
// build leaves a stale bundle). Used by the benchmark and the conformance harness.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The bundled bin under a dist/src-like directory when it is fresh, else undefined. */
export function freshBundle(srcDir: string): string | undefined {
  const cli = join(srcDir, "cli");
  const bundle = join(cli, "rt0.bundle.cjs");
  if (!existsSync(bundle) || !existsSync(join(cli, "rt0.cjs"))) return undefined;
  const built = statSync(bundle).mtimeMs;
  const stale = (dir: string): boolean => readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? stale(join(dir, e.name)) : e.name.endsWith(".js") && statSync(join(dir, e.name)).mtimeMs > built);
  return stale(srcDir) ? undefined : join(cli, "rt0.cjs");
}

/** The CLI to start for dist/src-like srcDir: the fresh bundle, else main.js. */
export function rt0Cli(srcDir: string): string {
  return freshBundle(srcDir) ?? join(srcDir, "cli", "main.js");
}
