// A brand with a web widget channel, a real gateway listener on 127.0.0.1:0, and — until the answering
// issue lands — a queue runner with an echo responder and the real deliver worker (adapter.send, then
// markSent and the widget's NOTIFY in one transaction). Test-only: nothing here is product code.
import { sql as dsql } from "drizzle-orm";
import { createKnowledgeBackend, knowledgeApi } from "../../src/app/knowledge";
import { getChannel } from "../../src/channels";
import { gatewayService, type GatewayDeps } from "../../src/gateway";
import { queueReply } from "../../src/inbox";
import { respondHandler, type PipelineDeps } from "../../src/orchestrator";
import { deliverHandler } from "../../src/workers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobStore, silentLogger } from "../../src/runtime";
import { EgressGuard } from "../../src/runtime/net";
import { schema, transaction, type Db } from "../../src/runtime/db";
import { createMetrics } from "../../src/runtime/metrics";
import { enqueueJobs, QueueRunner, Wake, type JobHandler } from "../../src/runtime/queue";
import { createBrand, createChannel, createTenant, type ChannelRow } from "../../src/tenancy";
import type { TestDb } from "./db";
import { INSTANCE_KEY } from "./gateway";

export type WidgetSiteFixture = {
  tenantId: string;
  brandId: string;
  brandSlug: string;
  brandName: string;
  channel: ChannelRow;
};

export const setupWidgetSite = async (
  db: TestDb,
  origins: string[],
  widget: Record<string, unknown> = {},
): Promise<WidgetSiteFixture> =>
  transaction(db.db as Db, async ({ tx }) => {
    const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
    const brand = await createBrand(tx, tenant.id, `Shop ${crypto.randomUUID().slice(0, 6)}`, "test");
    await tx
      .update(schema.brands)
      .set({ widget })
      .where(dsql`${schema.brands.id} = ${brand.id}`);
    const channel = await createChannel(
      tx,
      INSTANCE_KEY,
      { tenant_id: tenant.id, brand_id: brand.id, provider: "web", credentials: { allowed_origins: origins } },
      "test",
    );
    return { tenantId: tenant.id, brandId: brand.id, brandSlug: brand.slug, brandName: brand.name, channel };
  });

export type LiveGateway = { port: number; url: string; wake: Wake; stop(): Promise<void> };

/** `options`: the proxy and rate-limit settings a test wants to see through the real listener, and the
 *  port to listen on (a restart on the port a page knows; default a free one). */
export const startLiveGateway = async (
  db: TestDb,
  wake = new Wake(),
  options: Pick<GatewayDeps, "trustedProxies" | "widgetLimits"> & { port?: number } = {},
): Promise<LiveGateway> => {
  const service = gatewayService({
    db: () => db.db,
    sql: () => db.sql,
    wake,
    maxAttempts: 3,
    instanceKey: INSTANCE_KEY,
    host: "127.0.0.1",
    port: options.port ?? 0,
    bodyLimitBytes: 1 << 20,
    log: silentLogger,
    metrics: createMetrics(),
    readiness: async () => ({ ready: true }),
    status: async () => ({}),
    beforeScrape: async () => {},
    knowledge: knowledgeApi(
      () => db.db,
      createKnowledgeBackend(() => db.db),
    ),
    blobs: new BlobStore(mkdtempSync(join(tmpdir(), "xin-blobs-"))),
    // The product's default: only public addresses.
    egress: new EgressGuard(),
    uploadLimitBytes: 8 << 20,
    ...options,
  });
  await service.start();
  const port = service.port() ?? 0;
  return { port, url: `http://127.0.0.1:${port}`, wake, stop: () => service.stop(Date.now() + 2000) };
};

/** Echoes the conversation's latest customer message as the reply ("You said: …"). */
const echoResponder =
  (db: TestDb, wake: Wake): JobHandler =>
  async (job, ctx) => {
    const { conversation_id } = job.payload as { conversation_id: string };
    const [last] =
      await db.sql`select m.body, c.tenant_id, c.channel_id from messages m join conversations c on c.id = m.conversation_id
    where m.conversation_id = ${conversation_id} and m.direction = 'in' order by m.created_at desc limit 1`;
    await transaction(db.db, async (tx) => {
      if (last) {
        const reply = {
          tenant_id: last.tenant_id,
          conversation_id,
          channel_id: last.channel_id,
          author: "ai" as const,
          text: `You said: ${last.body}`,
        };
        const queued = await queueReply(tx, reply, getChannel("web").capabilities);
        await enqueueJobs(tx, wake, queued.jobs, 3);
      }
      await ctx.completeIn(tx);
    });
  };

export const startEchoWorkers = async (db: TestDb, wake: Wake): Promise<{ stop(): Promise<void> }> => {
  // The real deliver worker; only the respond step is a test echo until the answering pipeline lands.
  const handlers = {
    respond: echoResponder(db, wake),
    deliver: deliverHandler({ db: () => db.db, instanceKey: INSTANCE_KEY }),
  };
  const options = {
    concurrency: 2,
    max_attempts: 3,
    backoff_base_ms: 10,
    backoff_max_ms: 50,
    lease_ms: 30_000,
    poll_interval_ms: 100,
  };
  const runner = new QueueRunner(db.sql, handlers, options, wake, silentLogger);
  runner.start();
  return { stop: () => runner.stop(Date.now() + 2000) };
};

/**
 * The real respond step (pipeline as given: a streaming LLM fake, the brand's knowledge) and the real
 * deliver worker: what `xin serve` runs for a widget, without the rest of the app.
 */
export const startAnsweringWorkers = async (
  db: TestDb,
  wake: Wake,
  pipeline: PipelineDeps,
): Promise<{ stop(): Promise<void> }> => {
  const respond = respondHandler({
    db: () => db.db,
    wake,
    maxAttempts: 3,
    pipeline,
    quietWindowMs: 0,
    historyTokens: 500,
  });
  const handlers = { respond, deliver: deliverHandler({ db: () => db.db, instanceKey: INSTANCE_KEY }) };
  const options = {
    concurrency: 2,
    max_attempts: 3,
    backoff_base_ms: 10,
    backoff_max_ms: 50,
    lease_ms: 30_000,
    poll_interval_ms: 100,
  };
  const runner = new QueueRunner(db.sql, handlers, options, wake, silentLogger);
  runner.start();
  return { stop: () => runner.stop(Date.now() + 2000) };
};
