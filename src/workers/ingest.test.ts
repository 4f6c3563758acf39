// The ingest job trusts nothing in its payload: a server path, in the old `inputs` shape or passed off
// as a URL or an upload name, is refused as final before anything is read or fetched.
import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzerFor, MemoryBackend } from "../rag";
import { BlobStore, silentLogger } from "../runtime";
import type { JobContext } from "../runtime/queue";
import { ingestHandler } from "./ingest";

const scope = { tenant_id: "ten_w", brand_id: "brd_w" };
const job = (payload: unknown) => ({ id: 1, kind: "ingest", key: null, tenant_id: scope.tenant_id, payload, attempts: 1, max_attempts: 3 });

test("payloads naming server paths are refused as final; uploads are read from the blob store", async () => {
  const dir = mkdtempSync(join(tmpdir(), "xin-ingest-job-"));
  writeFileSync(join(dir, "secret.md"), "# Secret\n\nNever ingest me.\n");
  const backend = new MemoryBackend(() => analyzerFor("en"));
  const blobs = new BlobStore(join(dir, "blobs"));
  let fetched = 0;
  const progress: unknown[] = [];
  const ctx = { log: silentLogger, signal: new AbortController().signal, reportProgress: async (p: unknown) => void progress.push(p) } as unknown as JobContext;
  const handler = ingestHandler({ backend, blobs, fetch: async () => (fetched++, new Response("no")) });
  for (const payload of [
    { ...scope, inputs: [dir] },
    { ...scope, urls: [join(dir, "secret.md")] },
    { ...scope, urls: [`file://${dir}/secret.md`] },
    { ...scope, files: [{ name: join(dir, "secret.md"), blob: "0".repeat(64), size: 1 }] },
    { ...scope, files: [{ name: "a.md", blob: "../../secret.md", size: 1 }] },
  ]) {
    const error = await handler(job(payload), ctx).catch((e) => e);
    expect(error, JSON.stringify(payload)).toMatchObject({ code: "ingest.payload_invalid", retryable: false });
  }
  expect(fetched).toBe(0);
  expect(await backend.listSources(scope)).toEqual([]);

  const stored = blobs.put(new TextEncoder().encode("# Kites\n\nKites fly in light wind.\n"));
  await handler(job({ ...scope, files: [{ name: "faq/kites.md", blob: stored.sha256, size: stored.size }] }), ctx);
  expect((await backend.listSources(scope)).map((s) => s.source)).toEqual(["faq/kites.md"]);
  expect(progress.at(-1)).toMatchObject({ phase: "done", summary: { added: ["faq/kites.md"] } });
});
