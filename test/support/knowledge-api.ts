// Tenants, tokens and an in-process gateway plus job runner sharing one blob store: what the knowledge
// API tests need to upload, ingest, wait for the job and search, as a client of the admin API would.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKnowledgeBackend } from "../../src/app/knowledge";
import { BlobStore } from "../../src/runtime";
import { transaction } from "../../src/runtime/db";
import { EgressGuard } from "../../src/runtime/net";
import { Wake, type QueueRunner } from "../../src/runtime/queue";
import { createBrand, createTenant, issueToken } from "../../src/tenancy";
import type { TestDb } from "./db";
import { gatewayHandler, INSTANCE_KEY } from "./gateway";
import { startTestWorkers } from "./workers";

export type KnowledgeTenant = { tenantId: string; brandId: string; admin: string; agent: string };

export const seedKnowledgeTenant = (db: TestDb, label: string): Promise<KnowledgeTenant> =>
  transaction(db.db, async ({ tx }) => {
    const tenant = await createTenant(tx, `${label}-${crypto.randomUUID()}`, "test");
    const brand = await createBrand(tx, tenant.id, `${label} Shop`, "test");
    const admin = await issueToken(
      tx,
      INSTANCE_KEY,
      { role: "admin", tenant_id: tenant.id, name: `${label}-admin` },
      "test",
    );
    const agent = await issueToken(
      tx,
      INSTANCE_KEY,
      { role: "agent", tenant_id: tenant.id, name: `${label}-agent` },
      "test",
    );
    return { tenantId: tenant.id, brandId: brand.id, admin: admin.token, agent: agent.token };
  });

export type KnowledgeApiHarness = {
  blobs: BlobStore;
  blobDir: string;
  /** The gateway's fetch handler (for Bun.serve when a test needs a real URL). */
  fetch: (req: Request) => Promise<Response>;
  call(method: string, path: string, token: string, body?: unknown): Promise<Response>;
  /** Posts multipart/form-data as a browser or curl would. */
  upload(path: string, token: string, form: FormData): Promise<Response>;
  /** Waits for a job to finish; its row as the API shows it. */
  job(
    id: number,
    token: string,
  ): Promise<{
    state: string;
    last_error: string | null;
    progress: { summary?: { added: string[]; failed: { source: string; reason: string; code?: string }[] } } | null;
  }>;
  stop(): Promise<void>;
};

/** A gateway and a runner over one blob store, both with the product's default egress guard (or `egress`). */
export const knowledgeApiHarness = (db: TestDb, egress = new EgressGuard()): KnowledgeApiHarness => {
  const blobDir = mkdtempSync(join(tmpdir(), "xin-blobs-"));
  const blobs = new BlobStore(blobDir);
  const fetch = gatewayHandler(db, 1 << 20, { blobs, egress });
  const runner: QueueRunner = startTestWorkers(db, new Wake(), {
    blobs,
    egress,
    knowledge: createKnowledgeBackend(() => db.db),
  });
  const request = (method: string, path: string, token: string, body?: BodyInit, type?: string) =>
    fetch(
      new Request(`http://x${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(type ? { "content-type": type } : {}) },
        body,
      }),
    );
  return {
    blobs,
    blobDir,
    fetch,
    call: (method, path, token, body) =>
      request(method, path, token, body === undefined ? undefined : JSON.stringify(body), "application/json"),
    upload: async (path, token, form) => {
      const prepared = new Request("http://x/", { method: "POST", body: form });
      // The boundary header first: Bun forgets it once the body was read.
      const type = prepared.headers.get("content-type") ?? undefined;
      return request("POST", path, token, await prepared.arrayBuffer(), type);
    },
    job: async (id, token) => {
      for (const until = Date.now() + 15_000; Date.now() < until; await Bun.sleep(30)) {
        const job = await (await request("GET", `/api/v1/jobs/${id}`, token)).json();
        if (job.state === "done" || job.state === "dead") return job;
      }
      throw new Error(`job ${id} did not finish`);
    },
    stop: () => runner.stop(Date.now() + 2000),
  };
};
