// No silence (DESIGN §10), over real payloads from other projects' suites (shared/fixtures/channels-peers):
// every customer message the corpus holds, posted signed through the gateway and answered by the real
// workers (knowledge mode), ends named by a turn — a reply or an escalation — or covered by an open
// escalation. What is recorded only (a reaction, an edit, group chatter not for the bot) is allowed
// only where the corpus says a careful product may store nothing for it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import {
  metaSignatureHeader,
  newVisitorId,
  WIDGET_SIGNATURE_HEADER,
  widgetBodySignature,
  widgetCredentials,
} from "../../src/channels";
import { MEDIA_FETCH_JOB, RESPOND_JOB } from "../../src/inbox";
import { SHOP_DOCS } from "../../src/orchestrator/test-kit";
import { transaction, type Db } from "../../src/runtime/db";
import { Wake, type QueueRunner } from "../../src/runtime/queue";
import { createBrand, createChannel, createTenant, type ChannelRow } from "../../src/tenancy";
import { ingestDocs, queueSettled } from "../support/answering";
import { describeStores } from "../support/db";
import { sharedRoot } from "../support/fixtures";
import { gatewayHandler, IG, INSTANCE_KEY, TG, WA } from "../support/gateway";
import { startTestWorkers } from "../support/workers";

const root = join(sharedRoot, "fixtures", "channels-peers");
const Expectations = z.object({
  payloads: z.record(
    z.string(),
    z.object({
      provider: z.enum(["whatsapp", "instagram", "telegram"]),
      expect: z.enum(["messages", "statuses", "ignore"]),
      accept: z.array(z.number().int()).optional(),
      route: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    }),
  ),
});
const customerMessages = Object.entries(
  Expectations.parse(JSON.parse(readFileSync(join(root, "expectations.json"), "utf8"))).payloads,
).filter(([, e]) => e.expect === "messages");

/** Kinds that ask nothing and so await no turn: recorded only. */
const RECORDED_ONLY = new Set(["reaction", "edit", "referral"]);

describeStores("no silence over the peers' payloads", (getDb) => {
  let runner: QueueRunner;
  const channels = new Map<string, ChannelRow>();
  let fetch: (req: Request) => Promise<Response>;
  let web: ChannelRow;
  const webCredentials = widgetCredentials.parse({ allowed_origins: ["https://shop.example"] });

  beforeAll(async () => {
    const db = getDb();
    const scope = await transaction(db.db as Db, async ({ tx }) => {
      const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
      const brand = await createBrand(tx, tenant.id, "Shop", "test");
      for (const [file, e] of customerMessages) {
        const route = e.route ?? {};
        const credentials =
          e.provider === "whatsapp"
            ? { ...WA, phone_number_id: String(route.phone_number_id) }
            : e.provider === "instagram"
              ? { ...IG, ig_user_id: String(route.ig_user_id) }
              : { ...TG, bot_token: `${route.bot_id}:AAFakeTokenForTestsOnly` };
        // Deliveries go nowhere (a closed port): the test is about what each message is named by, not sending.
        channels.set(
          file,
          await createChannel(
            tx,
            INSTANCE_KEY,
            {
              tenant_id: tenant.id,
              brand_id: brand.id,
              provider: e.provider,
              credentials,
              settings: { api_base: "http://127.0.0.1:9" },
            },
            "test",
          ),
        );
      }
      web = await createChannel(
        tx,
        INSTANCE_KEY,
        { tenant_id: tenant.id, brand_id: brand.id, provider: "web", credentials: webCredentials },
        "test",
      );
      return { tenant_id: tenant.id, brand_id: brand.id };
    });
    await ingestDocs(db, scope, SHOP_DOCS);
    fetch = gatewayHandler(db);
    runner = startTestWorkers(db, new Wake());
  });
  afterAll(() => runner.stop(Date.now() + 2000));

  const post = (file: string, provider: string, channelId: string) => {
    const body = readFileSync(join(root, file));
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (provider === "telegram") headers["x-telegram-bot-api-secret-token"] = TG.secret_token;
    else
      headers["x-hub-signature-256"] = metaSignatureHeader(
        provider === "whatsapp" ? WA.app_secret : IG.app_secret,
        body,
      );
    return fetch(new Request(`http://x/webhooks/${provider}/${channelId}`, { method: "POST", headers, body }));
  };

  test(`each of the ${customerMessages.length} customer-message payloads ends named by a turn or an open escalation`, async () => {
    const db = getDb();
    for (const [file, e] of customerMessages)
      expect({ file, status: (await post(file, e.provider, channels.get(file)!.id)).status }).toEqual({
        file,
        status: 200,
      });
    await queueSettled(db, RESPOND_JOB);
    const outcomes: Record<string, string> = {};
    for (const [file, e] of customerMessages) {
      const rows = await db.sql`
        select m.kind, m.awaits_turn, m.metadata->>'not_addressed' as not_addressed,
          coalesce(o.id, x.id) as turn, exists (select 1 from escalations open where open.conversation_id = m.conversation_id and open.state in ('open', 'claimed')) as open_escalation,
          coalesce(x.reason, case when o.id is not null then 'reply' end) as outcome
        from messages m
          left join messages o on o.id = m.answered_by and o.direction = 'out'
          left join escalations x on x.id = m.answered_by
        where m.channel_id = ${channels.get(file)!.id} and m.direction = 'in'`;
      const accept = e.accept ?? [1];
      expect({ file, stored: accept.includes(rows.length) }).toEqual({ file, stored: true });
      for (const r of rows) {
        if (!r.awaits_turn) {
          // Recorded only: allowed just where the corpus accepts storing nothing, and only for content that asks nothing.
          expect({
            file,
            optional: accept.includes(0),
            recordedOnly: RECORDED_ONLY.has(r.kind) || r.not_addressed === "true",
          }).toEqual({ file, optional: true, recordedOnly: true });
          outcomes[file] = `recorded (${r.kind})`;
          continue;
        }
        expect({ file, named: r.turn !== null || r.open_escalation }).toEqual({ file, named: true });
        outcomes[file] = r.outcome ?? "open escalation";
      }
    }
    // Not one customer message of the corpus is left in silence; the words-less ones went to a human.
    expect(outcomes["whatsapp/wa_bindambc_image.json"]).toBe("unsupported_content");
    expect(outcomes["whatsapp/wa_bindambc_unsupported_131051.json"]).toBe("unsupported_content");
    expect(outcomes["telegram/tg_docs_voice.json"]).toBe("unsupported_content");
    expect(outcomes["whatsapp/wa_bindambc_reaction.json"]).toBe("recorded (reaction)");
  }, 60_000);

  test("a web-widget visitor's photo without words goes to a human with the acknowledgement, like any channel's", async () => {
    const db = getDb();
    const visitor_id = newVisitorId();
    const file = { sha256: "c".repeat(64), size: 2048, mime_type: "image/jpeg", name: "parcel.jpg" };
    const body = new TextEncoder().encode(
      JSON.stringify({ visitor_id, messages: [{ id: "photo-0001", sent_at: Date.now(), file }] }),
    );
    const res = await fetch(
      new Request(`http://x/webhooks/web/${web.id}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [WIDGET_SIGNATURE_HEADER]: widgetBodySignature(webCredentials, body),
        },
        body,
      }),
    );
    expect(res.status).toBe(200);
    await queueSettled(db, RESPOND_JOB);
    await queueSettled(db, MEDIA_FETCH_JOB);
    const [row] = await db.sql`
      select m.kind, m.awaits_turn, x.reason, (select array_agg(j.state) from jobs j where j.kind = ${MEDIA_FETCH_JOB} and j.payload->>'message_id' = m.id) as fetches
      from messages m left join escalations x on x.id = m.answered_by
      where m.channel_id = ${web.id} and m.direction = 'in'`;
    // The file was stored at upload: its fetch job finds nothing to fetch and is done at once.
    expect(row).toEqual({ kind: "media", awaits_turn: true, reason: "unsupported_content", fetches: ["done"] });
  }, 30_000);
});
