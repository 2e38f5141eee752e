// The browser entry (src/lib/browser.ts) in Chromium: a small page that is not the explorer,
// bundled with esbuild for the browser (any node:* in the entry or its worker fails the build),
// runs the libdemo guest in a Web Worker through run(): output and exit status against the
// native run, an in-memory file written by the guest and read back, an aborted spinning guest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "../helpers.js";
import { goGuest, scratch } from "../linux/guests.js";
import { CHROMIUM, launch, WAIT } from "../web/browser.js";

const GO = ["1.26", "1.25", "1.24", "1.23", "1.22", "1.21"].find((v) => goGuest("libdemo", v) !== undefined);
const demo = GO === undefined ? undefined : goGuest("libdemo", GO);
const skip = demo === undefined ? "no Go toolchain to build test/testdata/guests/libdemo.go" : !existsSync(CHROMIUM) ? `no ${CHROMIUM}` : false;

// The page: what a user of the package writes (rt0/browser is aliased to the built entry).
const PAGE = `
import { run, AbortError } from "rt0/browser";
const dec = new TextDecoder();
const text = (m) => Object.fromEntries([...m].map(([k, v]) => [k, dec.decode(v)]));
async function main() {
  const plain = await run(new URL("/demo", location.href), {
    args: ["x", "y z"], env: { GREETING: "hi from the page" },
    stdin: new Blob(["typed in\\n", "the page\\n"]).stream(),
  });
  let streamed = "";
  const files = await run(new Uint8Array(await (await fetch("/demo")).arrayBuffer()), {
    args: ["m"], env: { OUT: "/out/result.txt" }, stdin: "written by the guest",
    fs: { files: { "/in/data.txt": "given by the page", "/out/": "" } }, cwd: "/in",
    stdout: (c) => { streamed += dec.decode(c); },
  });
  const ac = new AbortController();
  let seen = "";
  const aborted = await run(new URL("/demo", location.href), {
    args: ["spin"], signal: ac.signal,
    stdout: (c) => { seen += dec.decode(c); if (seen.includes("spinning")) ac.abort(); },
  }).then(() => "resolved", (e) => (e instanceof AbortError ? "AbortError" : "other: " + e));
  const bad = await run(new TextEncoder().encode("#!/bin/sh\\n"), { argv0: "script" }).then(() => "resolved", (e) => e.name + ": " + e.message);
  return {
    plain: { status: plain.status, signal: plain.signal ?? null, stdout: plain.stdout, stderr: plain.stderr },
    files: { status: files.status, stdout: streamed, collected: files.stdout, stderr: files.stderr, files: text(files.files) },
    aborted, seen, bad,
  };
}
main().then((r) => { window.rt0Result = r; }, (e) => { window.rt0Result = { error: String(e && e.stack || e) }; });
`;

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".map": "application/json" };

test("the browser entry bundled by esbuild runs a guest in a Web Worker: the native run's output, a file in memory, an abort", { skip, timeout: 600_000 }, async () => {
  const s = scratch("rt0-libpage-");
  let server: Server | undefined;
  try {
    writeFileSync(join(s.dir, "page.js"), PAGE);
    // The page and the worker, as a bundler would make them: the worker next to the page's
    // bundle, where the entry's default `new URL("./worker.js", import.meta.url)` finds it.
    await build({
      entryPoints: { page: join(s.dir, "page.js"), worker: join(ROOT, "dist", "src", "lib", "worker.js") },
      outdir: join(s.dir, "out"), bundle: true, format: "esm", platform: "browser", target: "es2022", logLevel: "silent",
      alias: { "rt0/browser": join(ROOT, "dist", "src", "lib", "browser.js") },
    });
    writeFileSync(join(s.dir, "out", "index.html"), '<!doctype html><link rel="icon" href="data:,"><title>rt0 library page</title><script type="module" src="page.js"></script>');
    server = createServer((req, res) => {
      const path = req.url === "/demo" ? demo! : join(s.dir, "out", req.url === "/" ? "index.html" : req.url!.slice(1));
      if (!existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
    });
    await new Promise<void>((ok) => server!.listen(0, "127.0.0.1", ok));
    const port = (server.address() as { port: number }).port;

    const b = await launch({ width: 800, height: 600 });
    let got: Record<string, unknown>;
    try {
      await b.page.goto(`http://127.0.0.1:${port}/`);
      await b.page.waitForFunction(() => (globalThis as { rt0Result?: unknown }).rt0Result !== undefined, undefined, WAIT);
      got = await b.page.evaluate(() => (globalThis as unknown as { rt0Result: Record<string, unknown> }).rt0Result);
      assert.deepEqual(b.errors, []);
    } finally {
      await b.close();
    }
    assert.equal(got["error"], undefined, String(got["error"]));

    // The oracle: the same program natively, in / with the same arguments, environment and input.
    const n = spawnSync(demo!, ["x", "y z"], { cwd: "/", env: { GREETING: "hi from the page" }, input: "typed in\nthe page\n", encoding: "utf8" });
    assert.deepEqual(got["plain"], { status: n.status, signal: null, stdout: n.stdout, stderr: n.stderr });
    assert.deepEqual(got["files"], {
      status: 1,
      stdout: ['args: ["m"]', 'GREETING=""', 'stdin: "written by the guest"', 'read back /out/result.txt: "WRITTEN BY THE GUEST" <nil>',
        '/in/data.txt: "given by the page"', "cwd: /in", ""].join("\n"),
      collected: "",
      stderr: "done\n",
      files: { "/in/data.txt": "given by the page", "/out/result.txt": "WRITTEN BY THE GUEST" },
    });
    assert.equal(got["aborted"], "AbortError");
    assert.equal(got["seen"], "spinning\n");
    assert.match(String(got["bad"]), /^Rt0Error: script: not an ELF file/);
  } finally {
    server?.close();
    s.done();
  }
});
