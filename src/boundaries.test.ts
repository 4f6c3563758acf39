// Enforces the room boundaries of STYLE.md §2: which room may import which, rooms entered only
// through their index.ts, nothing in src/ importing test/, no import cycles. Imports are read with Bun's
// transpiler (type-only imports are erased by it, so they never count: they cannot form a cycle at run time).
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";

const SRC = import.meta.dir;
const ROOMS = [
  "runtime",
  "channels",
  "llm",
  "certs",
  "tenancy",
  "inbox",
  "rag",
  "orchestrator",
  "workers",
  "gateway",
  "app",
  "cli",
] as const;
type Room = (typeof ROOMS)[number];

/** room → rooms it may import (besides itself). */
const ALLOWED: Record<Room, Room[]> = {
  runtime: [],
  channels: ["runtime"],
  llm: ["runtime"],
  certs: ["runtime"],
  tenancy: ["runtime", "channels"],
  inbox: ["runtime", "channels"],
  rag: ["runtime", "llm"],
  orchestrator: ["runtime", "llm", "rag", "inbox", "tenancy", "channels"],
  workers: ["runtime", "channels", "inbox", "tenancy", "orchestrator", "rag", "certs"],
  gateway: ["runtime", "channels", "inbox", "tenancy", "certs", "rag"],
  app: ["runtime", "channels", "llm", "certs", "tenancy", "inbox", "rag", "orchestrator", "workers", "gateway"],
  cli: ["app", "runtime"],
};

const roomOf = (file: string): Room | null => {
  const top = relative(SRC, file).split("/")[0] as Room;
  return ROOMS.includes(top) ? top : null;
};

const transpilers = { ts: new Bun.Transpiler({ loader: "ts" }), tsx: new Bun.Transpiler({ loader: "tsx" }) };
const files = [...new Glob("**/*.{ts,tsx}").scanSync(SRC)].filter(
  (f) => !/\.test\.tsx?$/.test(f) && !f.startsWith("types/"),
);

/** The problem with `file` importing `path`, or null when the import is allowed. */
const checkImport = (file: string, path: string): string | null => {
  if (!path.startsWith(".")) return null;
  const rel = relative(SRC, file);
  const target = resolve(dirname(file), path);
  if (!target.startsWith(SRC)) return target.includes("/test/") ? `${rel}: imports test code ${path}` : null;
  const from = roomOf(file);
  const to = roomOf(target);
  if (!from || !to || from === to) return null;
  if (!ALLOWED[from].includes(to)) return `${rel}: room ${from} may not import ${to} (${path})`;
  // Another room is entered through its index.ts. runtime is a set of libraries: each top-level module or
  // sub-area (config, db, http, queue, …) is a surface of its own, but nothing deeper (db/embedded).
  const inner = relative(join(SRC, to), target).replace(/\.tsx?$/, "");
  const viaIndex = inner === "" || inner === "index" || (to === "runtime" && !inner.includes("/"));
  return viaIndex ? null : `${rel}: enters ${to} past its public surface (${path})`;
};

test("every import respects the room table, enters rooms through index.ts, and never reaches test/", () => {
  const violations: string[] = [];
  for (const rel of files) {
    const file = join(SRC, rel);
    const source = readFileSync(file, "utf8");
    const imports = transpilers[rel.endsWith(".tsx") ? "tsx" : "ts"].scanImports(source);
    for (const imp of imports) {
      const problem = checkImport(file, imp.path);
      if (problem) violations.push(problem);
    }
  }
  expect(violations).toEqual([]);
});

test("the checker names forbidden rooms, back doors and test imports", () => {
  expect(checkImport(join(SRC, "gateway/webhooks.ts"), "../orchestrator")).toContain(
    "room gateway may not import orchestrator",
  );
  expect(checkImport(join(SRC, "runtime/log.ts"), "../tenancy")).toContain("room runtime may not import tenancy");
  expect(checkImport(join(SRC, "workers/index.ts"), "../tenancy/tokens")).toContain("past its public surface");
  expect(checkImport(join(SRC, "app/x.ts"), "../../test/support/db")).toContain("imports test code");
  expect(checkImport(join(SRC, "workers/index.ts"), "../runtime/queue")).toBeNull();
  expect(checkImport(join(SRC, "cli/serve.ts"), "../app")).toBeNull();
});

/** The file a relative import loads (`./x` → x.ts, x.tsx or x/index.ts), or null for a package. */
const resolveImport = (fromRel: string, path: string): string | null => {
  if (!path.startsWith(".")) return null;
  const base = resolve(dirname(join(SRC, fromRel)), path);
  const found = [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")].find(
    (c) => /\.tsx?$/.test(c) && existsSync(c),
  );
  return found ? relative(SRC, found) : null;
};

/** Every cycle of the import graph, each as the files it joins (strongly connected components of two or more). */
const importCycles = (graph: Map<string, string[]>): string[][] => {
  let next = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    order.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return cycles;
};

test("no import cycles: a module's dependencies load before it", () => {
  const graph = new Map<string, string[]>();
  for (const rel of files) {
    const imports = transpilers[rel.endsWith(".tsx") ? "tsx" : "ts"].scanImports(readFileSync(join(SRC, rel), "utf8"));
    graph.set(
      rel,
      imports.map((imp) => resolveImport(rel, imp.path)).filter((f): f is string => f !== null),
    );
  }
  expect(importCycles(graph)).toEqual([]);
});

test("the cycle finder names the files of a cycle and ignores chains", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts", "d.ts"]],
    ["d.ts", []],
  ]);
  expect(importCycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  expect(
    importCycles(
      new Map([
        ["a.ts", ["b.ts"]],
        ["b.ts", []],
      ]),
    ),
  ).toEqual([]);
});
