// Guest networking (issue 19, item 1), with the native run of the same program as the oracle,
// all on this machine: a guest net/http server answering Node's http client, a guest client
// fetching from a Node server, UDP both ways, Go's own DNS resolver and glibc's (through ld.so)
// asking a stub nameserver the test runs (the guest's /etc/resolv.conf comes from a --root
// directory; the native run is chrooted there), loopback between two guest processes (--net host and --net loopback),
// and --net none as in a network namespace whose loopback is down (unshare -n).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as dgram from "node:dgram";
import { createHash } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CLI, FIXTURE_BIN, GO_VERSIONS, TESTDATA, builtFixture, runCli } from "../helpers.js";
import { runProcess, type Outcome } from "../cli/runharness.js";

// The oldest and newest toolchains; RT0_NET_GO=all runs every one.
const VERSIONS: readonly string[] = process.env["RT0_NET_GO"] === "all" ? GO_VERSIONS : ["1.19", "1.26"];
const work = mkdtempSync(join(tmpdir(), "rt0-net-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The fixture builds of `name` there are, by Go version. */
function builds(name: string): [string, string][] {
  return VERSIONS.flatMap((v) => {
    const b = builtFixture(v, name);
    return b ? [[v, b] as [string, string]] : [];
  });
}
const notBuilt = (name: string): string | false => builds(name).length === 0 && `fixtures/build has no ${name} (tools/build-fixtures.sh)`;

/** How a program is started: natively, or under rt0 run with these options. */
interface Runner {
  name: string;
  argv(bin: string, args: string[]): [string, string[]];
}
const NATIVE: Runner = { name: "native", argv: (bin, args) => [bin, args] };
const rt0 = (...opts: string[]): Runner => ({ name: `rt0 ${opts.join(" ")}`.trim(), argv: (bin, args) => [process.execPath, [CLI, "run", ...opts, bin, ...args]] });

/** A program that prints "listening on ADDR" first: started, with that address. */
interface Server {
  child: ChildProcess;
  addr: string;
  /** The rest of its output and its status, once it has exited. */
  done: Promise<Outcome>;
}

async function startServer(r: Runner, bin: string, args: string[]): Promise<Server> {
  const [cmd, argv] = r.argv(bin, args);
  const child = spawn(cmd, argv, { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  // A server that never answers must not hang the suite.
  const guard = setTimeout(() => child.kill("SIGKILL"), 240_000);
  let out = "", err = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => { out += s; });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => { err += s; });
  const done = new Promise<Outcome>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ status: code ?? (signal ? 128 : 0), stdout: out, stderr: err });
    });
  });
  for (;;) {
    const m = /^listening on (\S+)\n/.exec(out);
    if (m) return { child, addr: m[1]!, done };
    if (child.exitCode !== null || child.signalCode !== null) {
      const o = await done;
      assert.fail(`${r.name} ${bin}: no "listening on" line (status ${o.status}): ${o.stdout}${o.stderr}`);
    }
    await Promise.race([once(child.stdout!, "data"), once(child, "close")]);
  }
}

/** One HTTP exchange as a line: status, the headers that do not vary, the body or its hash. */
function request(url: string, o: { method?: string; body?: Buffer; agent?: http.Agent } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? "GET", agent: o.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        const h = res.headers;
        const shown = body.length <= 80 ? JSON.stringify(body.toString()) : `${body.length} bytes sha256 ${createHash("sha256").update(body).digest("hex").slice(0, 16)}`;
        resolve(`${res.statusCode} type=${h["content-type"]} length=${h["content-length"]} te=${h["transfer-encoding"]} x-body-length=${h["x-body-length"]} ${shown}`);
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

/** The same conversation with a server: keep-alive requests, a large POST, a chunked
 *  response, concurrent requests, then /quit. */
async function talkTo(base: string): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const log: string[] = [];
  try {
    for (let i = 0; i < 3; i++) log.push(await request(`${base}/hello`, { agent }));
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = 97 + (i % 26);
    log.push(await request(`${base}/echo`, { method: "POST", body: big, agent }));
    log.push(await request(`${base}/stream?n=200`, { agent }));
    log.push(...(await Promise.all([1, 2, 3, 4, 5, 6].map((i) => request(`${base}/hello?i=${i}`, { agent })))));
    log.push(await request(`${base}/quit`));
  } finally {
    agent.destroy();
  }
  return log;
}

/** p, or a failure if it has not settled after ms (a lost reply must fail the test, not hang
 *  the suite; never a timing assertion: the bound is minutes). */
function guard<T>(p: Promise<T>, what: string, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const fail = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms / 1000} s`)), ms); });
  return Promise.race([p, fail]).finally(() => clearTimeout(timer));
}

/** An address as a URL host, the port kept apart (it differs between runs). */
function splitAddr(addr: string): { host: string; port: string } {
  const i = addr.lastIndexOf(":");
  return { host: addr.slice(0, i), port: addr.slice(i + 1) };
}

test("a guest net/http server answers the host's requests as the native one does (IPv4, and dual-stack over ::1)", { skip: notBuilt("httpserve") }, async () => {
  for (const [v, bin] of builds("httpserve")) {
    for (const [listen, connectHost] of [["127.0.0.1:0", "127.0.0.1"], [":0", "[::1]"]] as const) {
      const seen: Record<string, { log: string[]; out: Outcome; addr: string }> = {};
      for (const r of [NATIVE, rt0()]) {
        const s = await startServer(r, bin, [listen]);
        const { host, port } = splitAddr(s.addr);
        const log = await guard(talkTo(`http://${connectHost}:${port}`), `${r.name} go${v} ${listen}: the conversation`, 240_000);
        const out = await s.done;
        seen[r.name] = { log, out: { ...out, stdout: out.stdout.replace(`:${port}\n`, ":PORT\n") }, addr: host };
      }
      const [nat, emu] = [seen["native"]!, seen["rt0"]!];
      assert.deepEqual(emu.log, nat.log, `go${v} ${listen}: the responses`);
      assert.deepEqual(emu.out, nat.out, `go${v} ${listen}: the server's output and status`);
      assert.equal(emu.addr, nat.addr);
      assert.match(nat.out.stdout, /served hello 9 times/);
    }
  }
});

test("a guest net/http client fetches from a host server as the native one does (a refused port too)", { skip: notBuilt("httpget") }, async () => {
  const big = Buffer.alloc(1 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 9)) & 0xff;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = req.url ?? "";
      if (u === "/small") res.writeHead(200, { "Content-Type": "text/plain" }).end("small body\n");
      else if (u === "/big") res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(big);
      else if (u === "/echo") res.writeHead(200, { "Content-Type": "application/x-echo" }).end(Buffer.concat(chunks));
      else if (u === "/chunked") {
        res.writeHead(200, { "Content-Type": "text/plain" });
        let i = 0;
        const more = (): void => { if (i < 50) { res.write(`line ${i++}\n`); setImmediate(more); } else res.end(); };
        more();
      } else if (u === "/redirect") res.writeHead(302, { Location: "/small" }).end();
      else res.writeHead(404, { "Content-Type": "text/plain" }).end("no\n");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  // A port with nobody listening: one that was just free.
  const probe = http.createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const urls = ["small", "big", "echo", "chunked", "redirect", "missing"].map((p) => `${base}/${p}`);
    urls.push(`http://127.0.0.1:${closedPort}/refused`);
    for (const [v, bin] of builds("httpget")) {
      const c = { name: "httpget", args: urls };
      const [cmdN, argvN] = NATIVE.argv(bin, urls), [cmdE, argvE] = rt0().argv(bin, urls);
      const nat = await runProcess(cmdN, argvN, c, 120_000);
      const emu = await runProcess(cmdE, argvE, c, 300_000);
      assert.equal(nat.status, 0, nat.stdout + nat.stderr);
      assert.deepEqual(emu, nat, `go${v}`);
      assert.match(nat.stdout, /refused: error \(connection refused: true\)/);
    }
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

test("UDP round trips between the host and a guest (client and server), as natively", { skip: notBuilt("udpecho") }, async () => {
  // The host's echo server, for the guest client.
  const echo = dgram.createSocket("udp4");
  echo.on("message", (m, from) => echo.send(Buffer.from(m.toString("latin1").toUpperCase(), "latin1"), from.port, from.address));
  echo.bind(0, "127.0.0.1");
  await once(echo, "listening");
  const echoAddr = `127.0.0.1:${echo.address().port}`;
  try {
    for (const [v, bin] of builds("udpecho")) {
      const outs: Record<string, Outcome> = {};
      for (const r of [NATIVE, rt0()]) {
        const [cmd, argv] = r.argv(bin, ["client", echoAddr]);
        outs[r.name] = await runProcess(cmd, argv, { name: "udpecho" }, 300_000);
      }
      assert.equal(outs["native"]!.status, 0, outs["native"]!.stdout);
      assert.deepEqual(outs["rt0"], outs["native"], `go${v} client`);

      // The guest's server, for a host client.
      const replies: Record<string, string[]> = {};
      for (const r of [NATIVE, rt0()]) {
        const s = await startServer(r, bin, ["server", "127.0.0.1:0"]);
        const { port } = splitAddr(s.addr);
        const c = dgram.createSocket("udp4");
        c.connect(Number(port), "127.0.0.1");
        await once(c, "connect");
        const got: string[] = [];
        for (const m of ["one", "two two", "x".repeat(8000), "quit"]) {
          c.send(m);
          const [reply] = (await guard(once(c, "message"), `${r.name}: the reply to a ${m.length}-byte datagram`)) as [Buffer];
          got.push(reply.length > 40 ? `${reply.length} bytes, ${reply.toString().slice(0, 4)}` : reply.toString());
        }
        c.close();
        const out = await s.done;
        replies[r.name] = [...got, out.stdout.replace(/:\d+\n/, ":PORT\n"), String(out.status)];
      }
      assert.deepEqual(replies["rt0"], replies["native"], `go${v} server`);
    }
  } finally {
    echo.close();
  }
});

/** A DNS name's labels from a message at `at`, and where the name ends (no compression: the
 *  questions the stub reads are the first name of the message). */
function readName(m: Buffer, at: number): [string, number] {
  const labels: string[] = [];
  while (m[at]! > 0) {
    labels.push(m.subarray(at + 1, at + 1 + m[at]!).toString("latin1"));
    at += 1 + m[at]!;
  }
  return [labels.join(".").toLowerCase() + ".", at + 1];
}

/** The stub nameserver's zone: name -> type (1 A, 28 AAAA, 16 TXT) -> record data. */
const ZONE: Record<string, Record<number, Buffer[]>> = {
  "a.rt0.test.": { 1: [Buffer.from([10, 1, 2, 3])] },
  "v6.rt0.test.": { 28: [Buffer.from("fd000000000000000000000000000001", "hex")] },
  "both.rt0.test.": { 1: [Buffer.from([10, 9, 8, 7]), Buffer.from([10, 9, 8, 6])], 28: [Buffer.from("fd000000000000000000000000000002", "hex")] },
  "txt.rt0.test.": { 16: [Buffer.from("\x05hello\x05world", "latin1")] },
};

/** The answer to one query: the question echoed, the records of the zone, or NXDOMAIN. */
function answer(q: Buffer): Buffer | undefined {
  if (q.length < 12) return undefined;
  const [name, end] = readName(q, 12);
  const qtype = q.readUInt16BE(end);
  const question = q.subarray(12, end + 4);
  const known = ZONE[name];
  const rrs = known?.[qtype] ?? [];
  const head = Buffer.alloc(12);
  q.copy(head, 0, 0, 2);
  head.writeUInt16BE(0x8000 | 0x0400 | (q.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(rrs.length, 6);
  const records = rrs.map((data) => {
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(300, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([head, question, ...records]);
}

/** The stub nameserver, started by the first test that needs it: port 53 (resolv.conf has no
 *  port) on an address of its own in 127/8, counting the queries it answers. Undefined when
 *  port 53 cannot be had (it needs root or CAP_NET_BIND_SERVICE). */
let stub: { ip: string; queries: number; sock: dgram.Socket } | undefined | null = null;
async function nameserver(): Promise<{ ip: string; queries: number } | undefined> {
  if (stub !== null) return stub;
  const ip = `127.53.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const sock = dgram.createSocket("udp4");
  const st = { ip, queries: 0, sock };
  sock.on("message", (m, from) => {
    st.queries++;
    const a = answer(m);
    if (a) sock.send(a, from.port, from.address);
  });
  const bound = await new Promise<boolean>((resolve) => {
    sock.once("error", () => resolve(false));
    sock.bind(53, ip, () => resolve(true));
  });
  stub = bound ? st : undefined;
  if (!bound) sock.close();
  return stub;
}
// At file level: an after() inside a test would close the stub when that test ends.
after(() => stub?.sock.close());
const NO_PORT_53 = "cannot bind the stub nameserver to port 53 (needs root or CAP_NET_BIND_SERVICE)";

/** A --root directory whose /etc/resolv.conf names the stub, holding `files` (guest path ->
 *  host file). */
function resolverRoot(name: string, ip: string, files: Record<string, string>): string {
  const root = join(work, name);
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc", "resolv.conf"), `nameserver ${ip}\noptions timeout:20 attempts:1\n`);
  writeFileSync(join(root, "etc", "hosts"), "127.0.0.1 localhost\n");
  writeFileSync(join(root, "etc", "nsswitch.conf"), "hosts: files dns\n");
  for (const [guest, host] of Object.entries(files)) {
    mkdirSync(join(root, guest, ".."), { recursive: true });
    copyFileSync(host, join(root, guest));
  }
  return root;
}

/** The program run chrooted in root (the oracle), then under rt0 --root root --net host; the
 *  stub must have been asked by the rt0 run. */
async function compareResolver(t: { skip(msg: string): void }, root: string, prog: string, names: string[], label: string): Promise<Outcome | undefined> {
  const st = (await nameserver())!;
  const c = { name: prog };
  const nat = await runProcess("chroot", [root, prog, ...names], c, 60_000);
  if (nat.status !== 0 && /chroot/.test(nat.stderr)) {
    t.skip(`no native oracle: ${nat.stderr.trim()}`);
    return undefined;
  }
  const before = st.queries;
  // rt0's own warnings go to a file: the known gaps a resolver meets are checked apart.
  const diag = join(work, `diag-${label}`);
  const emu = await runProcess(process.execPath, [CLI, "run", "--root", root, "--net", "host", "--diag-file", diag, join(root, prog), ...names], c, 300_000);
  assert.deepEqual(emu, nat, label);
  assert.ok(st.queries > before, `${label}: the guest asked the stub (${before} queries before, ${st.queries} after)`);
  // Nothing the resolvers use is missing (glibc asks netlink for the addresses to sort IPv6 results).
  assert.equal(readFileSync(diag, "utf8"), "", `${label}: rt0's warnings`);
  return nat;
}

test("Go's DNS resolver asks the nameserver of the guest's /etc/resolv.conf (a local stub), as natively", { skip: notBuilt("dnslookup") }, async (t) => {
  const st = await nameserver();
  if (!st) return t.skip(NO_PORT_53);
  const names = ["localhost", "a.rt0.test.", "v6.rt0.test.", "both.rt0.test.", "nosuch.rt0.test.", "-txt", "txt.rt0.test."];
  for (const [v, bin] of builds("dnslookup")) {
    const root = resolverRoot(`dnsroot${v}`, st.ip, { dnslookup: bin });
    const nat = await compareResolver(t, root, "/dnslookup", names, `go${v}`);
    if (!nat) return;
    assert.match(nat.stdout, /^both\.rt0\.test\.: 10\.9\.8\.6 10\.9\.8\.7 fd00::2$/m);
    assert.match(nat.stdout, /^nosuch\.rt0\.test\.: DNS error, not found true/m);
  }
});

const haveGcc = spawnSync("gcc", ["--version"]).status === 0;
const LDSO = "/lib64/ld-linux-x86-64.so.2", LIBC = "/lib/x86_64-linux-gnu/libc.so.6";
const haveGlibc = existsSync(LDSO) && existsSync(LIBC);

test("glibc's resolver through ld.so (getaddrinfo: /etc/hosts, DNS over UDP with sendmmsg, netlink for sorting) against the stub, as natively", { skip: (!haveGcc && "no gcc") || (!haveGlibc && "no glibc at /lib64 and /lib/x86_64-linux-gnu") }, async (t) => {
  const st = await nameserver();
  if (!st) return t.skip(NO_PORT_53);
  const prog = join(work, "getaddrinfo");
  const cc = spawnSync("gcc", ["-O1", "-Wall", "-o", prog, join(TESTDATA, "net", "getaddrinfo.c")], { encoding: "utf8" });
  assert.equal(cc.status, 0, cc.stderr);
  const root = resolverRoot("glibcroot", st.ip, { getaddrinfo: prog, [LDSO]: LDSO, [LIBC]: LIBC });
  const nat = await compareResolver(t, root, "/getaddrinfo", ["localhost", "a.rt0.test", "both.rt0.test", "nosuch.rt0.test"], "getaddrinfo");
  if (nat) assert.match(nat.stdout, /^both\.rt0\.test: 10\.9\.8\.6 10\.9\.8\.7 fd00::2$/m);
});

test("loopback between two guest processes (TCP over IPv4, IPv6 and dual-stack, UDP), with --net host and --net loopback, as natively", { skip: notBuilt("netprocs") }, async () => {
  for (const [v, bin] of builds("netprocs")) {
    const c = { name: "netprocs" };
    const nat = await runProcess(bin, [], c, 60_000);
    assert.equal(nat.status, 0, nat.stdout + nat.stderr);
    for (const net of ["host", "loopback"]) {
      const emu = await runProcess(process.execPath, [CLI, "run", "--net", net, bin], c, 300_000);
      assert.deepEqual(emu, nat, `go${v} --net ${net}`);
    }
  }
});

const haveUnshare = spawnSync("unshare", ["-n", "true"]).status === 0;

test("--net none is a network whose loopback is down, as in unshare -n", { skip: (notBuilt("netprocs") || (!haveUnshare && "unshare -n does not work here")) }, async () => {
  const [[, bin]] = builds("netprocs") as [[string, string]];
  const c = { name: "netprocs" };
  const nat = await runProcess("unshare", ["-n", bin], c, 60_000);
  const emu = await runProcess(process.execPath, [CLI, "run", "--net", "none", bin], c, 300_000);
  assert.deepEqual(emu, nat);
  assert.match(nat.stdout, /cannot assign requested address/);
});

const haveIp = haveUnshare && spawnSync("unshare", ["-n", "sh", "-c", "ip link set lo up"]).status === 0;

test("the interfaces through netlink (Go's net.Interfaces, InterfaceAddrs): the host's under --net host, as natively; lo up under loopback and down under none, as in unshare -n", { skip: notBuilt("netifs") }, async () => {
  for (const [v, bin] of builds("netifs")) {
    const c = { name: "netifs" };
    const nat = await runProcess(bin, [], c, 60_000);
    assert.equal(nat.status, 0, nat.stdout + nat.stderr);
    assert.match(nat.stdout, /^1 lo mtu \d+ flags up\|loopback/m);
    assert.deepEqual(await runProcess(process.execPath, [CLI, "run", bin], c, 300_000), nat, `go${v} --net host`);
    if (!haveIp) continue;
    const natLo = await runProcess("unshare", ["-n", "sh", "-c", `ip link set lo up && exec "${bin}"`], c, 60_000);
    assert.deepEqual(await runProcess(process.execPath, [CLI, "run", "--net", "loopback", bin], c, 300_000), natLo, `go${v} --net loopback`);
    const natNone = await runProcess("unshare", ["-n", bin], c, 60_000);
    assert.deepEqual(await runProcess(process.execPath, [CLI, "run", "--net", "none", bin], c, 300_000), natNone, `go${v} --net none`);
  }
});

test("--net: a bad policy, or host with --deterministic, is one clear line", () => {
  const hello = join(FIXTURE_BIN, "hello-go1.26");
  let r = runCli(["run", "--net", "wifi", hello]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "rt0: --net wants host, loopback or none (got wifi)\n");
  r = runCli(["run", "--net", "host", "--deterministic", hello]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^rt0: --net host and --deterministic contradict each other: .*\n$/);
});
