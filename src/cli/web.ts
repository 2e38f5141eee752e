// `rt0 web [--port N]`: serves the built explorer (web/dist: `npm ci` builds it, `npm run
// build:web` rebuilds it) on 127.0.0.1. Static files only: the emulator runs in the browser,
// nothing executes here and no file outside web/dist is ever served.

import * as http from "node:http";
import * as fs from "node:fs";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../base/assert.js";

export interface WebCliOptions {
  port: string;
  host: string;
  /** The site to serve (tests); default: the package's web/dist. */
  dir?: string;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".map": "application/json", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
};

/** The built site: web/dist in the package. */
export function siteDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, "..", "..", "..", "web", "dist");
}

/** Start serving `dir`; resolves with the server once it listens. */
export function serveSite(dir: string, port: number, host: string): Promise<http.Server> {
  const root = fs.realpathSync(dir);
  const server = http.createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad request\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let file = resolve(root, "." + (path.endsWith("/") ? path + "index.html" : path));
    try {
      file = fs.realpathSync(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
        return;
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": data.length, "cache-control": "no-cache", "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : data);
    });
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

export async function webCommand(o: WebCliOptions): Promise<void> {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a number from 0 to 65535 (got ${o.port})`);
  const dir = o.dir ?? siteDir();
  if (!fs.existsSync(join(dir, "index.html")) || !fs.existsSync(join(dir, "worker.js"))) {
    throw new UserError(`the web explorer is not built (no ${join(dir, "index.html")}): npm ci builds it; in a checkout, run npm run build:web`);
  }
  let server: http.Server;
  try {
    server = await serveSite(dir, port, o.host);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UserError(code === "EADDRINUSE" ? `port ${port} is already in use on ${o.host} (try --port 0 for a free one)` : `cannot listen on ${o.host}:${port}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const addr = server.address();
  const actual = typeof addr === "object" && addr !== null ? addr.port : port;
  process.stdout.write(`rt0 web: serving the explorer at http://${o.host}:${actual}/ (Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      server.close(() => done());
      server.closeAllConnections();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
