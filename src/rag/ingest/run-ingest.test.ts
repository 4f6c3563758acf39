import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBackend } from "../backends/memory";
import { analyzerFor } from "../lexical/analyzer";
import { runIngest } from "./run-ingest";

const scope = { tenant_id: "ten_i", brand_id: "brd_i" };
let site: ReturnType<typeof Bun.serve>;
const pages: Record<string, string> = {
  "/robots.txt": "User-agent: *\nDisallow: /private\n",
  "/": `<html><body><nav>Menu</nav><main><h1>Help</h1><p>Parcels ship in two days.</p><a href="/returns">Returns</a><a href="/private/x">x</a><a href="https://elsewhere.example/">off-site</a></main></body></html>`,
  "/returns": `<html><body><main><h1>Returns</h1><p>Returns are free within thirty days.</p></main></body></html>`,
  "/private/x": `<html><body><main><p>secret</p></main></body></html>`,
};

beforeAll(() => {
  site = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const path = new URL(req.url).pathname;
      const body = pages[path];
      if (!body) return new Response("not found", { status: 404 });
      return new Response(body, { headers: { "content-type": path.endsWith(".txt") ? "text/plain" : "text/html" } });
    },
  });
});
afterAll(() => site.stop(true));

test("folders: added, unchanged on a re-run, changed replaced, failures reported, --prune removes what is gone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ingest-run-"));
  mkdirSync(join(dir, "faq"));
  writeFileSync(join(dir, "faq", "a.md"), "# A\n\nAlpha answers.\n");
  writeFileSync(join(dir, "b.txt"), "Beta answers.");
  writeFileSync(join(dir, "broken.pdf"), "not a pdf at all");
  writeFileSync(join(dir, ".hidden.md"), "# secret\n");
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const first = await runIngest({ backend, scope, inputs: [dir] });
  expect(first.added.sort()).toEqual([join(dir, "b.txt"), join(dir, "faq", "a.md")]);
  expect(first.failed.map((f) => f.source)).toEqual([join(dir, "broken.pdf")]);
  const again = await runIngest({ backend, scope, inputs: [dir] });
  expect(again.added).toEqual([]);
  expect(again.unchanged.length).toBe(2);
  writeFileSync(join(dir, "b.txt"), "Beta answers, revised.");
  rmSync(join(dir, "faq", "a.md"));
  const third = await runIngest({ backend, scope, inputs: [dir], prune: true });
  expect(third.changed).toEqual([join(dir, "b.txt")]);
  expect(third.removed).toEqual([join(dir, "faq", "a.md")]);
  expect((await backend.search({ scope, query: "alpha" })).hits).toEqual([]);
  expect((await backend.search({ scope, query: "revised" })).hits.length).toBe(1);
  const missing = await runIngest({ backend, scope, inputs: [join(dir, "nope")] });
  expect(missing.failed).toEqual([{ source: join(dir, "nope"), reason: "no such file or folder" }]);
});

test("a URL is crawled within its origin, honouring robots.txt, boilerplate stripped", async () => {
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const base = `http://127.0.0.1:${site.port}/`;
  const summary = await runIngest({ backend, scope, inputs: [base], crawl: { maxPages: 10, maxDepth: 2 } });
  expect(summary.added.sort()).toEqual([base, `${base}returns`]);
  const hits = (await backend.search({ scope, query: "returns free thirty days" })).hits;
  expect(hits[0].chunk.url).toBe(`${base}returns`);
  expect((await backend.search({ scope, query: "secret" })).hits).toEqual([]);
  expect((await backend.search({ scope, query: "menu" })).hits).toEqual([]);
});
