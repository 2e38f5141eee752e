// Internal invariants. A failed assert is a bug in rt0, never a user error: it throws an
// InternalError that the CLI reports as such. User errors use UserError (one clear line).

export class InternalError extends Error {
  override name = "InternalError";
}

/** A problem with what the user gave us (a bad file, flag or binary): one line, exit 1. */
export class UserError extends Error {
  override name = "UserError";
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new InternalError(msg);
}

export function assertNever(x: never, what = "value"): never {
  throw new InternalError(`unexpected ${what}: ${String(x)}`);
}
