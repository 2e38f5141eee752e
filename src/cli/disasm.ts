// `rt0 disasm`: placeholder until the decoder lands (issue 2).
import { UserError } from "../base/assert.js";
import type { DisasmCliOptions } from "./main.js";
export async function disasmCommand(_bin: string, _opts: DisasmCliOptions): Promise<void> {
  throw new UserError("disasm is not implemented yet");
}
