// `rt0 info`: placeholder until the ELF reader lands (issue 2).
import { UserError } from "../base/assert.js";
export async function infoCommand(_bin: string, _opts: { json?: boolean }): Promise<void> {
  throw new UserError("info is not implemented yet");
}
