// Reads a binary file for the CLI and maps the host's file errors (ENOENT, EISDIR, EACCES...)
// to one-line UserErrors, then opens it as a Go binary (src/gobin).

import { readFileSync, statSync } from "node:fs";
import { UserError } from "../base/assert.js";
import { openBinary } from "../gobin/binary.js";
import type { GoBinary } from "../gobin/binary.js";

/** The whole file's bytes, or a UserError naming the path and what is wrong. */
export function readBinaryBytes(path: string): Uint8Array {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw fileError(path, e);
  }
  if (st.isDirectory()) throw new UserError(`${path}: is a directory, not a binary`);
  if (!st.isFile()) throw new UserError(`${path}: not a regular file`);
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw fileError(path, e);
  }
}

/** Read and open a Go binary (with `anyElf`, any x86-64 executable); every failure is one
 *  UserError line prefixed with the path. */
export function openBinaryFile(path: string, o: { anyElf?: boolean } = {}): GoBinary {
  const bytes = readBinaryBytes(path);
  try {
    return openBinary(bytes, path, o);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${path}: ${e.message}`, e.exitCode);
    throw e;
  }
}

function fileError(path: string, e: unknown): UserError {
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case "ENOENT":
      return new UserError(`${path}: no such file`);
    case "EISDIR":
      return new UserError(`${path}: is a directory, not a binary`);
    case "EACCES":
    case "EPERM":
      return new UserError(`${path}: permission denied`);
    case "ENOTDIR":
      return new UserError(`${path}: a component of the path is not a directory`);
    case "ELOOP":
      return new UserError(`${path}: too many levels of symbolic links`);
    default:
      return new UserError(`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
