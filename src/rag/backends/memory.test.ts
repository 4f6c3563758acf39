import { expect, test } from "bun:test";
import { analyzerFor } from "../lexical/analyzer";
import { retrievalBackendContract } from "./contract";
import { MemoryBackend } from "./memory";
import { quarantineContract } from "./quarantine-contract";

// The shared contract (contract.ts) is the whole specification of a backend; the memory backend
// is its reference implementation.
retrievalBackendContract("MemoryBackend", async (analyzer) => new MemoryBackend(analyzer));

quarantineContract("MemoryBackend", async () => ({
  backend: new MemoryBackend(() => analyzerFor("en")),
  scope: { tenant_id: "ten_q", brand_id: "brd_q" },
  other: { tenant_id: "ten_other", brand_id: "brd_q" },
}));

test("a query word is searched with the others of its group the brand's documents use, and reported with their weights", async () => {
  const { chunkDocument } = await import("../ingest/chunker");
  const b = new MemoryBackend(() => analyzerFor("en"));
  const scope = { tenant_id: "ten_eq", brand_id: "brd_eq" };
  const put = (source: string, text: string) =>
    b.upsertSource({
      scope,
      meta: { source, hash: "h", format: "markdown", title: source },
      chunks: chunkDocument({ sections: [{ kind: "paragraph", text, headingPath: [] }] }, { source }),
    });
  await put("visa.md", "Payment policy: payment upon visa readiness.");
  await put("furniture.md", "How much should you expect to spend on furniture for the visa trip?");
  const r = await b.search({ scope, query: "When do I pay for the visa?", k: 2 });
  expect(r.hits[0]?.chunk.source).toBe("visa.md");
  expect(r.terms?.map((t) => t.term)).toContain("payment");
  const back = await b.search({ scope, query: "Can I take back my visa?", k: 1 });
  expect(back.terms?.map((t) => t.term)).toContain("return");
});
