// rt0 as a library on Node: run Go programs from JavaScript with arguments, an environment,
// standard input, an in-memory file system and an abort. In a clone: npm run build, npm run
// fixtures (the Go programs), then node examples/node.mjs. Installed: import from "rt0" alike.
/* global console, process, AbortSignal */
import { run } from "rt0";

// Arguments, an environment (nothing of this process's is passed) and standard input; the
// output is collected and the exit status is what a shell would see.
const r = await run("fixtures/build/go1.26/argsenv", {
  args: ["one", "two words"],
  env: { RT0_TEST_VAR: "from JavaScript" },
  stdin: "first line\nsecond line\n",
});
console.log(`status ${r.status}\n${r.stdout}stderr: ${r.stderr}`);

// An in-memory file system: the guest reads the files given and writes others; result.files
// holds the tree afterwards. Output can also go to a callback (or a stream) as it comes.
const files = await run("fixtures/build/go1.26/readfile", {
  args: ["/data/greeting.txt", "/etc/passwd"],
  fs: { files: { "/data/greeting.txt": "hello from memory" } },
  stdout: (chunk) => process.stdout.write(chunk),
});
console.log(`status ${files.status}, files after the run: ${[...files.files.keys()].join(", ")}`);

// Abort: a guest that waits for input forever is ended at once; run() rejects with AbortError.
try {
  await run("fixtures/build/go1.26/argsenv", {
    stdin: (async function* () { yield await new Promise(() => {}); })(),
    signal: AbortSignal.timeout(500),
  });
} catch (e) {
  console.log(`${e.name}: ${e.message}`);
}
