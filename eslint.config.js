// Lint rules: typescript-eslint's recommended set, no `any` in src/, and imports that point
// downward only (see the README's design section).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
    files: ["src/cpu/**/*.ts", "src/mem/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["../linux/*", "../machine/*", "../cli/*", "../host/*", "../goruntime/*", "node:*"] }] },
  },
);
