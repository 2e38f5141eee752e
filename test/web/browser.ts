// What the explorer's browser tests share: the built site's freshness check, `rt0 web` started
// on a free port, Debian's Chromium driven by playwright-core (no browser download), and the
// few waits every test needs. Screenshots go to test-artifacts/web/.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CLI, ROOT } from "../helpers.js";

// The page-side callbacks run in the browser; these are the few DOM shapes they use (declared
// here rather than adding the DOM library to the Node test build).
export interface El {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  querySelector(s: string): El | null;
  querySelectorAll(s: string): Iterable<El>;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El>; body: El };

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(ROOT, "test-artifacts", "web");
export const WAIT = { timeout: 180_000 };
export const SITE = join(ROOT, "web", "dist");

/** Why the built site cannot be tested (missing, or older than a source it is built from), or
 *  undefined when it is fresh. `npm ci` and `npm test` build it; a lone test file does not. */
export function staleSite(): string | undefined {
  const built = join(SITE, "worker.js");
  if (!existsSync(built) || !existsSync(join(SITE, "main.js"))) return `${SITE} is not built: run npm run build:web (npm ci and npm test build it)`;
  const t = Math.min(statSync(built).mtimeMs, statSync(join(SITE, "main.js")).mtimeMs);
  const newer = (dir: string): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === "dist") continue;
        const n = newer(p);
        if (n !== undefined) return n;
      } else if (/\.(ts|css|html)$/.test(e.name) && statSync(p).mtimeMs > t) return p;
    }
    return undefined;
  };
  const n = newer(join(ROOT, "web")) ?? newer(join(ROOT, "src"));
  return n === undefined ? undefined : `web/dist is older than ${n}: run npm run build:web`;
}

/** Start `rt0 web --port 0` and return its URL. */
export async function serve(): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [CLI, "web", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`rt0 web did not start: ${out}`)), 20_000);
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[0]);
      }
    });
    proc.stderr!.on("data", (c: Buffer) => { out += c.toString(); });
    proc.on("exit", (code) => fail(new Error(`rt0 web exited with ${code}: ${out}`)));
  });
  return { url, proc };
}

export interface Browser {
  ctx: BrowserContext;
  page: Page;
  userDataDir: string;
  /** Uncaught page errors and console errors, as they happened. */
  errors: string[];
  close(): Promise<void>;
}

/** Headless Chromium with one page whose errors (uncaught and console.error) are collected. */
export async function launch(viewport: { width: number; height: number }, opts: { mobile?: boolean } = {}): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), "rt0-chromium-"));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, viewport, isMobile: opts.mobile === true, hasTouch: opts.mobile === true,
    deviceScaleFactor: 1,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console.error: ${m.text()}`); });
  return {
    ctx, page, userDataDir, errors,
    close: async () => {
      await ctx.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Wait until the terminal shows text matching re (xterm.js renders on the next frame). */
export async function terminalShows(page: Page, re: RegExp): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector("#terminal .xterm-rows")?.textContent ?? ""), re.source, WAIT);
}

export async function waitState(page: Page, state: string): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset["state"] === s, state, WAIT);
}

export async function waitStatus(page: Page, re: RegExp): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector("#status")?.textContent ?? ""), re.source, WAIT);
}

export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage });
}
