// `rt0 web`'s static server: serves the built site's files with their types, nothing outside
// it (encoded "..", symbolic links), a one-line error when the site is not built, and that
// npm ci builds it (package.json's prepare) with every sample.
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { serveSite, webCommand } from "../../src/cli/web.js";
import { UserError } from "../../src/base/assert.js";
import { ROOT } from "../helpers.js";

/** GET a raw path (no client-side normalisation of ".."). */
function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => { body += c.toString(); });
      res.on("end", () => ok({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body }));
    });
    req.on("error", fail);
    req.end();
  });
}

test("rt0 web serves the site and nothing outside it", async () => {
  const top = mkdtempSync(join(tmpdir(), "rt0-web-"));
  const site = join(top, "site");
  mkdirSync(join(site, "samples"), { recursive: true });
  writeFileSync(join(site, "index.html"), "<!doctype html><title>x</title>");
  writeFileSync(join(site, "worker.js"), "1;");
  writeFileSync(join(site, "samples", "hello"), "\x7fELF");
  writeFileSync(join(top, "secret.txt"), "secret");
  symlinkSync(join(top, "secret.txt"), join(site, "link.txt"));
  const server = await serveSite(site, 0, "127.0.0.1");
  try {
    const port = (server.address() as AddressInfo).port;
    const index = await get(port, "/");
    assert.equal(index.status, 200);
    assert.match(index.type, /^text\/html/);
    assert.equal((await get(port, "/worker.js")).type, "text/javascript; charset=utf-8");
    assert.equal((await get(port, "/samples/hello")).type, "application/octet-stream");
    for (const bad of ["/../secret.txt", "/..%2fsecret.txt", "/samples/..%2f..%2fsecret.txt", "/link.txt", "/nope.js"]) {
      const r = await get(port, bad);
      assert.equal(r.status, 404, bad);
      assert.ok(!r.body.includes("secret"), bad);
    }
  } finally {
    server.close();
    rmSync(top, { recursive: true, force: true });
  }
});

test("rt0 web without a built site: one clear line", async () => {
  const empty = mkdtempSync(join(tmpdir(), "rt0-web-"));
  try {
    await assert.rejects(webCommand({ port: "0", host: "127.0.0.1", dir: empty }), (e: unknown) => e instanceof UserError && /not built.*npm run build:web/.test(e.message));
    await assert.rejects(webCommand({ port: "99999", host: "127.0.0.1", dir: empty }), (e: unknown) => e instanceof UserError && /--port/.test(e.message));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("npm ci builds the explorer: prepare runs tools/build-web.mjs, web/dist has the page and every sample", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; files: string[] };
  assert.match(pkg.scripts["prepare"]!, /node tools\/prepare\.mjs/);
  assert.match(readFileSync(join(ROOT, "tools", "prepare.mjs"), "utf8"), /build-web\.mjs/);
  assert.ok(pkg.files.includes("web/dist"), "the package ships web/dist");
  const site = join(ROOT, "web", "dist");
  for (const f of ["index.html", "main.js", "worker.js", "style.css", "xterm.css"]) assert.ok(existsSync(join(site, f)), `web/dist/${f} (npm ci builds it)`);
  const samples = JSON.parse(readFileSync(join(site, "samples", "index.json"), "utf8")) as Array<{ file: string }>;
  assert.deepEqual(samples.map((s) => s.file), ["hello", "goroutines", "stackgrow"]);
  for (const s of samples) assert.equal(readFileSync(join(site, "samples", s.file)).subarray(0, 4).toString("latin1"), "\x7fELF", s.file);
});
