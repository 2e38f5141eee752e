// An ESLint rule: no import cycle among the files it checks. It reads the relative imports of
// every TypeScript file under src/ (type-only imports too: a cycle of types is still a cycle a
// reader has to untangle), finds the strongly connected components once per lint run, and
// reports each import that stays inside one, naming the cycle.
import ts from "typescript";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

let graph = null;

function build(root) {
  const files = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) files.push(p);
    }
  };
  walk(join(root, "src"));
  const edges = new Map();
  for (const f of files) {
    const info = ts.preProcessFile(readFileSync(f, "utf8"), true, false);
    edges.set(f, info.importedFiles.filter((i) => i.fileName.startsWith(".")).map((i) => resolve(dirname(f), i.fileName.replace(/\.js$/, ".ts"))));
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const stack = [], on = new Set(), idx = new Map(), low = new Map(), comp = new Map();
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const c = [];
      let w;
      do { w = stack.pop(); on.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1) for (const x of c) comp.set(x, c);
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return { comp, root };
}

export default {
  meta: { type: "problem", docs: { description: "no import cycles between modules" }, schema: [] },
  create(context) {
    const file = resolve(context.filename);
    const root = context.cwd;
    if (graph === null || graph.root !== root) graph = build(root);
    const c = graph.comp.get(file);
    if (c === undefined) return {};
    const check = (node) => {
      const spec = node.source && node.source.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
      if (!c.includes(target)) return;
      const names = c.map((x) => relative(root, x)).sort().join(", ");
      context.report({ node, message: `import cycle: ${relative(root, file)} -> ${relative(root, target)} (the cycle: ${names})` });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
