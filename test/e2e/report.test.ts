// The owner's report over what the real pipeline writes: customers' WhatsApp questions answered by the
// workers from knowledge (no LLM), one handed over on request, two the knowledge cannot answer; then
// `GET /api/v1/brands/:brand/report` and `/report/gaps` as `xin report` reads them through a server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { parsePeriod, readBrandReport, readKnowledgeGaps } from "../../src/app";
import { RESPOND_JOB } from "../../src/inbox";
import { SHOP_DOCS } from "../../src/orchestrator/test-kit";
import { configSchema } from "../../src/runtime/config";
import { transaction } from "../../src/runtime/db";
import { Wake, type QueueRunner } from "../../src/runtime/queue";
import { createTenant, issueToken } from "../../src/tenancy";
import { ingestDocs, queueSettled, whatsappText } from "../support/answering";
import { describeStores } from "../support/db";
import { gatewayHandler, INSTANCE_KEY, setupGateway, type GatewayFixture } from "../support/gateway";
import { startTestWorkers } from "../support/workers";

describeStores("owner's report over the pipeline's own rows", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  let api: (path: string, token: string) => Promise<Response>;
  let admin = "";
  let otherAgent = "";

  beforeAll(async () => {
    const db = getDb();
    gw = await setupGateway(db);
    await ingestDocs(db, { tenant_id: gw.tenantId, brand_id: gw.brandId }, SHOP_DOCS);
    const config = configSchema.parse({ data_dir: "/tmp/unused", instance_key: INSTANCE_KEY });
    const fetch = gatewayHandler(db, 1 << 20, {
      report: {
        activity: (brand, since, until) => readBrandReport({ sql: db.sql, config }, brand, parsePeriod(since, until)),
        gaps: (brand, since, until, limit) =>
          readKnowledgeGaps({ sql: db.sql, config }, brand, parsePeriod(since, until), limit),
      },
    });
    api = (path, token) => fetch(new Request(`http://x${path}`, { headers: { authorization: `Bearer ${token}` } }));
    ({ admin, otherAgent } = await transaction(db.db, async ({ tx }) => {
      const other = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
      return {
        admin: (await issueToken(tx, INSTANCE_KEY, { role: "admin", tenant_id: null, name: "root" }, "test")).token,
        otherAgent: (await issueToken(tx, INSTANCE_KEY, { role: "agent", tenant_id: other.id, name: "eve" }, "test"))
          .token,
      };
    }));
    // Only answering runs: the replies stay queued for delivery (this test is about what was answered).
    runner = startTestWorkers(db, new Wake(), {}, [RESPOND_JOB]);
    const questions = [
      "How long does shipping to Austria take?",
      "I want to talk to a human",
      "Do you sell surfboards?",
      "Surfboards, do you sell them?",
    ];
    for (const [i, text] of questions.entries())
      expect(
        (await whatsappText(gw, `49170000${i}${Date.now() % 1000}`, `wamid.report-${crypto.randomUUID()}`, text))
          .status,
      ).toBe(200);
    await queueSettled(db, RESPOND_JOB);
  }, 60_000);
  afterAll(() => runner?.stop(Date.now() + 2000));

  test("the period's conversations, resolved alone, hand-overs by reason and reply times", async () => {
    const res = await api(`/api/v1/brands/${gw.brandId}/report?since=1h`, admin);
    expect(res.status).toBe(200);
    const r = (await res.json()) as Record<string, unknown> & {
      handovers_by_reason: Record<string, number>;
      reply_time: { count: number; p50_seconds: number };
    };
    expect(r).toMatchObject({
      conversations: 4,
      messages_in: 4,
      resolved_by_assistant: 1,
      handed_over: 3,
      resolved_share: 0.25,
      llm_cost_estimate: null,
      llm_tokens: { prompt: 0, completion: 0, answers: 0 },
    });
    expect(r.handovers_by_reason.human_requested).toBe(1);
    expect(Object.values(r.handovers_by_reason).reduce((a, b) => a + b, 0)).toBe(3);
    expect(r.reply_time.count).toBe(1);
    expect(r.reply_time.p50_seconds).toBeGreaterThan(0);
  });

  test("knowledge gaps: the two surfboard questions in one group; the request for a person is not a gap", async () => {
    const res = await api(`/api/v1/brands/${gw.brandId}/report/gaps?since=1h`, admin);
    expect(res.status).toBe(200);
    const g = (await res.json()) as {
      questions: number;
      groups: { question: string; count: number; examples: string[] }[];
    };
    expect(g.questions).toBe(2);
    expect(g.groups).toHaveLength(1);
    expect(g.groups[0].count).toBe(2);
    expect([g.groups[0].question, ...g.groups[0].examples].sort()).toEqual([
      "Do you sell surfboards?",
      "Surfboards, do you sell them?",
    ]);
  });

  test("another tenant's agent gets a 404; a bad period is a 400 naming the key", async () => {
    expect((await api(`/api/v1/brands/${gw.brandId}/report`, otherAgent)).status).toBe(404);
    expect((await api(`/api/v1/brands/${gw.brandId}/report/gaps`, otherAgent)).status).toBe(404);
    const bad = await api(`/api/v1/brands/${gw.brandId}/report?since=yesterday`, admin);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "report.invalid_period",
      message: expect.stringContaining("since"),
    });
  });
});
