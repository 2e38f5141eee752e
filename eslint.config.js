// Lint rules: typescript-eslint's recommended set, no `any` in src/, imports that point
// downward only (see the README's design section), and no import cycles (tools/lint/no-cycle.js)
// in the layers that have none left.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import noCycle from "./tools/lint/no-cycle.js";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "web/dist/**", "fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
      "no-fallthrough": "error",
    },
  },
  {
    files: ["src/base/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["../*"] }] },
  },
  {
    files: ["src/elf/**/*.ts", "src/x86/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["../cpu/*", "../linux/*", "../machine/*", "../cli/*", "../host/*", "../goruntime/*", "node:*"] }] },
  },
  {
    // Cycles left elsewhere: linux (kernel, process, signal, sysapi, fifo, sys/fs, sys/net),
    // goruntime/layouts, cli/main <-> cli/disasm.
    files: ["src/base/**/*.ts", "src/elf/**/*.ts", "src/gobin/**/*.ts", "src/x86/**/*.ts", "src/disasm/**/*.ts", "src/mem/**/*.ts", "src/cpu/**/*.ts", "src/jit/**/*.ts", "src/host/**/*.ts", "src/machine/**/*.ts", "src/web/**/*.ts", "src/lib/**/*.ts"],
    plugins: { rt0: { rules: { "no-cycle": noCycle } } },
    rules: { "rt0/no-cycle": "error" },
  },
  {
    files: ["src/web/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["../cli/*", "../host/*", "../machine/*", "node:*"] }] },
  },
  {
    files: ["src/cpu/**/*.ts", "src/mem/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["../jit/*", "../linux/*", "../machine/*", "../cli/*", "../host/*", "../goruntime/*", "node:*"] }] },
  },
  {
    // The library's platform-free part and its browser entry: nothing of Node, nor the CLI.
    files: ["src/lib/**/*.ts"],
    ignores: ["src/lib/node.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["../cli/*", "../host/node.js", "../host/nodenet.js", "../host/confined.js", "../host/readbin.js", "../host/signals.js", "./node.js", "node:*"] }] },
  },
);
