// STYLE §2: `xin queue` talks to a server only, so cli/queue may import the admin-API client
// (cli/client.ts) and its own files — never the app, the store or another room.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";

const QUEUE = import.meta.dir;
const CLIENT = resolve(QUEUE, "../client");
const transpiler = { ts: new Bun.Transpiler({ loader: "ts" }), tsx: new Bun.Transpiler({ loader: "tsx" }) };

const queueImportProblem = (file: string, path: string): string | null => {
  if (!path.startsWith(".")) return null;
  const target = resolve(dirname(file), path).replace(/\.tsx?$/, "");
  if (target === CLIENT || target.startsWith(`${QUEUE}/`)) return null;
  return `${relative(QUEUE, file)} imports ${path}: cli/queue may use only cli/client.ts and its own files`;
};

test("cli/queue imports only cli/client.ts and its own files", () => {
  const problems: string[] = [];
  for (const rel of new Glob("**/*.{ts,tsx}").scanSync(QUEUE)) {
    if (/\.test\.tsx?$/.test(rel)) continue;
    const file = join(QUEUE, rel);
    for (const imp of transpiler[rel.endsWith(".tsx") ? "tsx" : "ts"].scanImports(readFileSync(file, "utf8"))) {
      const problem = queueImportProblem(file, imp.path);
      if (problem) problems.push(problem);
    }
  }
  expect(problems).toEqual([]);
  expect(queueImportProblem(join(QUEUE, "app.tsx"), "../../app")).toContain("may use only");
  expect(queueImportProblem(join(QUEUE, "app.tsx"), "../client")).toBeNull();
});
