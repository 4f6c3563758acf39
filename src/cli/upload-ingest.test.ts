// `xin ingest ./docs` against a running server: the files are read here and uploaded in batches under
// the upload limit, named by their path within the folder; prune across batches removes what is gone.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStores } from "../../test/support/db";
import { knowledgeApiHarness, seedKnowledgeTenant, type KnowledgeApiHarness } from "../../test/support/knowledge-api";
import { ApiClient } from "./client";
import { followJob } from "./knowledge";
import { uploadIngest } from "./upload-ingest";
import { planUpload } from "./upload-plan";

const pdf = join(import.meta.dir, "../../test/fixtures/knowledge/warranty.pdf");

describeStores("xin ingest through a server uploads the local files", (getDb) => {
  let h: KnowledgeApiHarness;
  let server: ReturnType<typeof Bun.serve>;
  let dir: string;
  beforeAll(() => {
    h = knowledgeApiHarness(getDb());
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => h.fetch(req) });
    dir = mkdtempSync(join(tmpdir(), "xin-upload-"));
    mkdirSync(join(dir, "docs", "faq"), { recursive: true });
    writeFileSync(join(dir, "docs", "faq", "kites.md"), "# Kites\n\nTorn kites are repaired for free.\n");
    writeFileSync(join(dir, "docs", "faq.csv"), "question,answer\nDo you sell gift cards?,Gift cards never expire.\n");
    writeFileSync(join(dir, "docs", ".secret.md"), "# hidden\n");
    writeFileSync(join(dir, "docs", "logo.xyz"), "binary");
    copyFileSync(pdf, join(dir, "docs", "warranty.pdf"));
  });
  afterAll(async () => {
    server.stop(true);
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test("a folder in several batches, searchable by relative names; a re-run with --prune removes the deleted file", async () => {
    const t = await seedKnowledgeTenant(getDb(), "cli");
    const client = new ApiClient(`http://127.0.0.1:${server.port}`, t.admin);
    const crawl = { max_pages: 10, max_depth: 1 };
    // A limit that fits the PDF alone in a batch forces more than one request.
    const limit = Math.ceil(statSync(pdf).size / 0.74) + 64 * 1024 + 16;
    const plan = planUpload([join(dir, "docs")], limit);
    expect(plan.batches.length).toBeGreaterThan(1);
    expect(plan.failed).toEqual([{ source: "logo.xyz", reason: "unsupported file type" }]);
    const first = await uploadIngest(client, t.brandId, plan, { prune: false, crawl, follow: followJob });
    expect(first.added.sort()).toEqual(["faq.csv", "faq/kites.md", "warranty.pdf"]);
    const hits = await (await h.call("GET", `/api/v1/brands/${t.brandId}/search?q=repair+torn+kite`, t.agent)).json();
    expect(hits.hits[0].chunk.source).toBe("faq/kites.md");

    rmSync(join(dir, "docs", "faq.csv"));
    const second = await uploadIngest(client, t.brandId, planUpload([join(dir, "docs")], limit), {
      prune: true,
      crawl,
      follow: followJob,
    });
    expect(second.removed).toEqual(["faq.csv"]);
    expect(second.unchanged.sort()).toEqual(["faq/kites.md", "warranty.pdf"]);
    const sources = await (await h.call("GET", `/api/v1/brands/${t.brandId}/sources`, t.agent)).json();
    expect(sources.data.map((s: { source: string }) => s.source).sort()).toEqual(["faq/kites.md", "warranty.pdf"]);
    // No job ever named a path of this machine: only upload names and blobs.
    const payloads = await getDb().sql`select payload from jobs where tenant_id = ${t.tenantId}`;
    expect(payloads.length).toBeGreaterThan(2);
    for (const { payload } of payloads) {
      expect(payload.urls).toEqual([]);
      expect(JSON.stringify(payload)).not.toContain(dir);
    }
  });

  test("a single file is named by its own name; a file over the limit is reported, not sent", () => {
    expect(planUpload([join(dir, "docs", "faq", "kites.md")], 1 << 20).batches).toEqual([
      [
        {
          name: "kites.md",
          path: join(dir, "docs", "faq", "kites.md"),
          size: statSync(join(dir, "docs", "faq", "kites.md")).size,
        },
      ],
    ]);
    const tight = planUpload([join(dir, "docs", "warranty.pdf")], 64 * 1024 + 100);
    expect(tight.batches).toEqual([]);
    expect(tight.failed[0].reason).toContain("server.upload_limit_bytes");
  });
});
