// `xin ask`: through the running server's ask route, or on the store when none runs; `--json` prints
// exactly outcome, reply, reason, confidence, sources, guardrails.
import { beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingestDocs } from "../../test/support/answering";
import { describeStores } from "../../test/support/db";
import { gatewayHandler, INSTANCE_KEY, setupGateway, type GatewayFixture } from "../../test/support/gateway";
import { createAnswering, createKnowledgeBackend } from "../app";
import { askQuestion } from "../orchestrator";
import { SHOP_DOCS } from "../orchestrator/test-kit";
import { silentLogger } from "../runtime";
import { configSchema } from "../runtime/config";
import { transaction } from "../runtime/db";
import { issueToken } from "../tenancy";
import { renderAsk, runAsk } from "./ask";

const KEYS = ["confidence", "guardrails", "outcome", "reason", "reply", "sources"];

describeStores("xin ask", (getDb) => {
  let gw: GatewayFixture;
  beforeAll(async () => {
    gw = await setupGateway(getDb());
    await ingestDocs(getDb(), { tenant_id: gw.tenantId, brand_id: gw.brandId }, SHOP_DOCS);
  });

  test("POST /api/v1/brands/:brand/ask answers with exactly the ask keys, and needs a token", async () => {
    const db = getDb();
    const config = configSchema.parse({ data_dir: "/tmp/unused", instance_key: INSTANCE_KEY });
    const answering = createAnswering(config, { backend: createKnowledgeBackend(() => db.db), log: silentLogger });
    const fetch = gatewayHandler(db, 1 << 20, {
      ask: { ask: (scope, q, h) => askQuestion({ db: () => db.db, pipeline: answering.pipeline }, scope, q, h) },
    });
    const { token } = await transaction(db.db, ({ tx }) =>
      issueToken(tx, INSTANCE_KEY, { role: "admin", tenant_id: null, name: "t" }, "test"),
    );
    const post = (body: unknown, auth = true) =>
      fetch(
        new Request("http://x/api/v1/brands/shop/ask", {
          method: "POST",
          headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        }),
      );
    expect((await post({ question: "hi" }, false)).status).toBe(401);
    expect((await post({ question: "" })).status).toBe(400);
    const res = await post({ question: "How long does shipping to Austria take?" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(KEYS);
    expect(body).toMatchObject({ outcome: "answer", reason: null, sources: [{ source: "shipping.md" }] });
    expect(body.confidence).toBeGreaterThan(0);
    expect(body.confidence).toBeLessThanOrEqual(1);
  });

  test("on the store when no server runs: an answer and an escalation, both in the --json shape", async () => {
    const target = getDb().target;
    if (!("url" in target)) return; // the embedded test store has no URL to hand the CLI; the API test covers it
    const config = configSchema.parse({
      data_dir: mkdtempSync(join(tmpdir(), "xin-ask-")),
      instance_key: INSTANCE_KEY,
      server: { host: "127.0.0.1", port: 1 },
      database: { url: target.url },
    });
    const answer = await runAsk(config, silentLogger, { brand: "shop" }, "How long does shipping to Austria take?");
    expect(Object.keys(answer).sort()).toEqual(KEYS);
    expect(answer.outcome).toBe("answer");
    expect(answer.reply).toContain("4 to 6 working days");
    expect(answer.sources[0]).toEqual({ source: "shipping.md", chunk_id: expect.stringMatching(/^shipping\.md#\d+$/) });
    expect(answer.guardrails.every((g) => Object.keys(g).sort().join() === "code,passed")).toBe(true);

    const escalation = await runAsk(config, silentLogger, { brand: "shop" }, "I want to speak to a human");
    expect(escalation).toMatchObject({ outcome: "escalation", reason: "human_requested", reply: null });
    expect(renderAsk(escalation)).toContain("✗ human_requested");
  });
});
