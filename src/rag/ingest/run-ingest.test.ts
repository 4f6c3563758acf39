import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBackend } from "../backends/memory";
import { analyzerFor } from "../lexical/analyzer";
import { EgressGuard } from "../../runtime/net";
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
  const fetch = new EgressGuard({ allowCidrs: ["127.0.0.1/32"] }).fetch;
  const summary = await runIngest({ backend, scope, inputs: [base], crawl: { maxPages: 10, maxDepth: 2 }, fetch });
  expect(summary.added.sort()).toEqual([base, `${base}returns`]);
  const hits = (await backend.search({ scope, query: "returns free thirty days" })).hits;
  expect(hits[0].chunk.url).toBe(`${base}returns`);
  expect((await backend.search({ scope, query: "secret" })).hits).toEqual([]);
  expect((await backend.search({ scope, query: "menu" })).hits).toEqual([]);
});

test("a site the egress guard refuses is that input's failure, with its code; nothing is fetched", async () => {
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const summary = await runIngest({
    backend,
    scope,
    inputs: [`http://127.0.0.1:${site.port}/`, "http://169.254.169.254/latest/meta-data/"],
  });
  expect(summary.failed.map((f) => f.code)).toEqual(["egress.blocked", "egress.blocked"]);
  expect(summary.failed[1].reason).toContain("169.254.169.254");
  expect(summary.added).toEqual([]);
  expect(await backend.listSources(scope)).toEqual([]);
});

test("uploads: named by their relative path; prune removes uploaded sources neither sent nor kept, never server paths", async () => {
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const bytes = (t: string) => () => new TextEncoder().encode(t);
  const dir = mkdtempSync(join(tmpdir(), "ingest-up-"));
  writeFileSync(join(dir, "local.md"), "# Local\n\nFrom the operator's disk.\n");
  await runIngest({ backend, scope, inputs: [dir] });
  const first = await runIngest({
    backend,
    scope,
    inputs: [],
    uploads: [
      { source: "faq/a.md", read: bytes("# A\n\nAlpha.\n") },
      { source: "b.txt", read: bytes("Beta.") },
      { source: "c.md", read: bytes("# C\n\nGamma.\n") },
      { source: "x.exe", read: bytes("MZ") },
      { source: "gone.md", read: () => null },
    ],
  });
  expect(first.added.sort()).toEqual(["b.txt", "c.md", "faq/a.md"]);
  expect(first.failed.map((f) => f.source).sort()).toEqual(["gone.md", "x.exe"]);
  // The second batch of an upload of the folder without c.md: b.txt came in an earlier batch (keep).
  const second = await runIngest({
    backend,
    scope,
    inputs: [],
    uploads: [{ source: "faq/a.md", read: bytes("# A\n\nAlpha.\n") }],
    keep: ["b.txt"],
    prune: true,
  });
  expect(second.unchanged).toEqual(["faq/a.md"]);
  expect(second.removed).toEqual(["c.md"]);
  expect((await backend.listSources(scope)).map((s) => s.source).sort()).toEqual(
    [join(dir, "local.md"), "b.txt", "faq/a.md"].sort(),
  );
  rmSync(dir, { recursive: true, force: true });
});
