// Build-constraint evaluation for GOROOT/test files, as Go's own test driver does it
// (test/run.go shouldTest, cmd/internal/testdir): `//go:build EXPR` and `// +build A,B !C`
// lines before `package`, evaluated for linux/amd64, gc, CGO_ENABLED=0.

/** The tags that are true for one toolchain: GOOS/GOARCH, gc, release and tool tags. */
export interface TagSet {
  has(tag: string): boolean;
}

export function tagSet(releaseTags: string[], toolTags: string[]): TagSet {
  const fixed = new Set(["linux", "amd64", "unix", "gc", "test_run", ...releaseTags, ...toolTags]);
  return { has: (t) => fixed.has(t) };
}

type Tok = string;

function tokenize(expr: string): Tok[] {
  const toks: Tok[] = [];
  const re = /\s*(\(|\)|!|&&|\|\||[A-Za-z0-9_.]+)/y;
  let pos = 0;
  for (;;) {
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (m === null) break;
    toks.push(m[1]!);
    pos = re.lastIndex;
  }
  if (expr.slice(pos).trim() !== "") throw new Error(`bad //go:build expression: ${expr}`);
  if (toks.length === 0) throw new Error(`empty //go:build expression`);
  return toks;
}

/** Evaluate a `//go:build` expression (without the prefix). */
export function evalGoBuild(expr: string, tags: TagSet): boolean {
  const toks = tokenize(expr);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const or = (): boolean => {
    let v = and();
    while (peek() === "||") { i++; const r = and(); v = v || r; }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (peek() === "&&") { i++; const r = not(); v = v && r; }
    return v;
  };
  const not = (): boolean => {
    const t = toks[i++];
    if (t === "!") return !not();
    if (t === "(") {
      const v = or();
      if (toks[i++] !== ")") throw new Error(`missing ) in //go:build ${expr}`);
      return v;
    }
    if (t === undefined || !/^[A-Za-z0-9_.]+$/.test(t)) throw new Error(`bad token ${t} in //go:build ${expr}`);
    return tags.has(t);
  };
  const v = or();
  if (i !== toks.length) throw new Error(`trailing tokens in //go:build ${expr}`);
  return v;
}

/** Evaluate a `// +build` line (without the prefix): space-separated OR of comma-separated AND. */
export function evalPlusBuild(line: string, tags: TagSet): boolean {
  return line.trim().split(/\s+/).some((alt) =>
    alt.split(",").every((t) => (t.startsWith("!") ? !tags.has(t.slice(1)) : tags.has(t))));
}

export function isGoBuild(line: string): boolean {
  return /^\/\/go:build(\s|$)/.test(line);
}

export function isPlusBuild(line: string): boolean {
  return /^\/\/\s*\+build(\s|$)/.test(line);
}

/**
 * Whether the header (source up to "\npackage") allows linux/amd64; returns the first
 * constraint line that excludes it, or undefined. Like Go's driver, every constraint line
 * must hold.
 */
export function excludedBy(header: string, tags: TagSet): string | undefined {
  for (const line of header.split("\n")) {
    if (line.startsWith("package ")) break;
    if (isGoBuild(line)) {
      if (!evalGoBuild(line.slice("//go:build".length), tags)) return line;
    } else if (isPlusBuild(line)) {
      if (!evalPlusBuild(line.replace(/^\/\/\s*\+build/, ""), tags)) return line;
    }
  }
  return undefined;
}
