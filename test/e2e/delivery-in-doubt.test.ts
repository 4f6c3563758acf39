// Crash windows of delivery, made deterministic: the deliver worker's crash point (after the provider
// accepted the message, before the sent mark commits) throws once, which leaves the store exactly as a
// `kill -9` at that moment does — an attempt recorded, no sent mark — and the job runs again. What
// happens next is each channel's in-doubt policy (capabilities.inDoubt).
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { getChannel, metaSignatureHeader } from "../../src/channels";
import { attemptMessageId, queueReply } from "../../src/inbox";
import { DEFAULT_HOLDING_MESSAGE } from "../../src/orchestrator";
import { newId } from "../../src/runtime";
import { schema, transaction } from "../../src/runtime/db";
import { createMetrics } from "../../src/runtime/metrics";
import { enqueueJobs, Wake, type QueueRunner } from "../../src/runtime/queue";
import { describeStores } from "../support/db";
import { startMetaGraphFake, startTelegramFake, type MetaGraphFake, type TelegramFake } from "../support/fakes";
import { fixtureBytes } from "../support/fixtures";
import { setupGateway, TG, WA, type GatewayFixture } from "../support/gateway";
import { setupWidgetSite } from "../support/widget";
import { startTestWorkers } from "../support/workers";

const IN_DOUBT_WAIT_MS = 3000;

let meta: MetaGraphFake;
let telegram: TelegramFake;
beforeAll(() => {
  meta = startMetaGraphFake({ accessToken: WA.access_token });
  telegram = startTelegramFake({ token: TG.bot_token });
});
afterAll(async () => {
  await meta.stop();
  await telegram.stop();
});

type Recorded = { method: string; path: string; body?: Record<string, unknown> };
const textSends = (fake: { requests: Recorded[] }) =>
  fake.requests.filter((r) => r.path.endsWith("/messages") && r.body?.type === "text");

const waitFor = async (fn: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 30_000;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
};

describeStores("delivery in doubt", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  let wake: Wake;
  const metrics = createMetrics();
  let crashes = 0;
  /** Failures to raise after the attempt is recorded and before the provider is called (the store gone). */
  let failuresBeforeCall = 0;
  /** Per message: the attempt id another connection saw committed once the provider had answered (before the sent mark). */
  const committedAtSend = new Map<string, string | null>();
  beforeAll(async () => {
    gw = await setupGateway(getDb(), { whatsapp: meta.baseUrl, telegram: telegram.url });
    wake = new Wake();
    runner = startTestWorkers(getDb(), wake, {
      metrics,
      delivery: {
        inDoubtWaitMs: IN_DOUBT_WAIT_MS,
        beforeProviderCall: () => {
          if (failuresBeforeCall <= 0) return;
          failuresBeforeCall -= 1;
          throw new Error("simulated store failure after the attempt was recorded, before the provider call");
        },
        afterProviderCall: async (messageId) => {
          const [row] = await getDb().sql`select send_attempt_id from messages where id = ${messageId}`;
          committedAtSend.set(messageId, row?.send_attempt_id ?? null);
          if (crashes <= 0) return;
          crashes -= 1;
          throw new Error("simulated kill between the provider's answer and the sent mark");
        },
      },
    });
  });
  afterAll(async () => {
    await runner.stop(Date.now() + 2000);
  });
  beforeEach(() => {
    meta.reset();
    telegram.reset();
    metrics.deliveryInDoubt.reset();
  });

  const inDoubt = async (provider: string, resolution: string) =>
    (await metrics.deliveryInDoubt.get()).values.find(
      (v) => v.labels.provider === provider && v.labels.resolution === resolution,
    )?.value ?? 0;
  const outbound = (externalId: string) =>
    getDb()
      .sql`select m.id, m.status, m.body, m.provider_message_id, m.send_attempt_id from messages m join conversations c on c.id = m.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = ${externalId} and m.direction = 'out' order by m.created_at`;
  const deliverJob = async (messageId: string) =>
    (
      await getDb()
        .sql`select state, last_error from jobs where kind = 'deliver' and payload->>'message_id' = ${messageId}`
    )[0];
  const signed = (path: string, body: string) =>
    gw.fetch(
      new Request(`http://x${path}`, {
        method: "POST",
        headers: {
          "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body),
          "content-type": "application/json",
        },
        body,
      }),
    );

  const postWhatsappText = (from: string, id: string, text: string) => {
    const raw = JSON.parse(new TextDecoder().decode(fixtureBytes("whatsapp", "inbound/text.json")));
    const value = raw.entry[0].changes[0].value;
    value.contacts[0].wa_id = from;
    value.messages[0] = {
      ...value.messages[0],
      from,
      id,
      text: { body: text },
      timestamp: String(Math.floor(Date.now() / 1000)),
    };
    return signed(`/webhooks/whatsapp/${gw.channels.whatsapp.id}`, JSON.stringify(raw));
  };
  const postWhatsappStatus = (to: string, wamid: string, callbackData: string) => {
    const raw = JSON.parse(new TextDecoder().decode(fixtureBytes("whatsapp", "inbound/status_sent.json")));
    raw.entry[0].changes[0].value.statuses[0] = {
      id: wamid,
      status: "sent",
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipient_id: to,
      biz_opaque_callback_data: callbackData,
    };
    return signed(`/webhooks/whatsapp/${gw.channels.whatsapp.id}`, JSON.stringify(raw));
  };

  test("WhatsApp: a status webhook echoing the attempt id settles the send in doubt — sent with its id, never sent again", async () => {
    const customer = "4917000000031";
    crashes = 1;
    expect((await postWhatsappText(customer, "wamid.c1", "Do you ship to Austria?")).status).toBe(200);
    // The holding message of the escalation went to the provider once, then the worker "died".
    await waitFor(async () => textSends(meta).length === 1 && crashes === 0, "the first send");
    const [holding] = await outbound(customer);
    const callbackData = textSends(meta)[0].body?.biz_opaque_callback_data;
    expect(callbackData).toBe(holding.send_attempt_id);
    expect(holding).toMatchObject({ status: "queued", body: DEFAULT_HOLDING_MESSAGE, provider_message_id: null });
    // The rerun finds the attempt in doubt and waits for a status instead of sending again.
    // The attempt id names its message: the status finds the row by primary key.
    expect(attemptMessageId(String(callbackData))).toBe(holding.id);
    await waitFor(
      async () => String((await deliverJob(holding.id))?.last_error).startsWith("deferred:"),
      "the in-doubt wait",
    );
    // One naming this message but not the attempt it carries (an earlier attempt's) settles nothing.
    expect(
      (await postWhatsappStatus(customer, "wamid.STALE31", `att_${holding.id}.0000000000000000000000`)).status,
    ).toBe(200);
    expect((await outbound(customer))[0]).toMatchObject({ status: "queued", provider_message_id: null });
    expect((await postWhatsappStatus(customer, "wamid.SETTLED31", String(callbackData))).status).toBe(200);
    expect((await outbound(customer))[0]).toMatchObject({ status: "sent", provider_message_id: "wamid.SETTLED31" });
    await waitFor(async () => (await deliverJob(holding.id))?.state === "done", "the deliver job to finish");
    expect(textSends(meta).length).toBe(1);
    expect(await inDoubt("whatsapp", "confirmed")).toBe(1);
    expect(await inDoubt("whatsapp", "resent")).toBe(0);
  });

  test("WhatsApp: the send attempt the provider is handed was committed before the call (seen from another connection)", async () => {
    const customer = "4917000000035";
    expect((await postWhatsappText(customer, "wamid.c5", "Do you ship to Austria?")).status).toBe(200);
    await waitFor(async () => (await outbound(customer))[0]?.status === "sent", "the send");
    const [holding] = await outbound(customer);
    const sends = textSends(meta);
    expect(sends.length).toBe(1);
    expect(String(sends[0].body?.biz_opaque_callback_data)).toStartWith("att_");
    expect(committedAtSend.get(holding.id)).toBe(String(sends[0].body?.biz_opaque_callback_data));
    expect(holding.send_attempt_id).toBe(String(sends[0].body?.biz_opaque_callback_data));
    expect(await inDoubt("whatsapp", "resent")).toBe(0);
  });

  test("WhatsApp: with no status within the wait, the message is sent once more under a new attempt, counted", async () => {
    const customer = "4917000000032";
    crashes = 1;
    await postWhatsappText(customer, "wamid.c2", "Do you ship to Spain?");
    await waitFor(async () => (await outbound(customer))[0]?.status === "sent", "the resend");
    const sends = textSends(meta);
    expect(sends.length).toBe(2);
    const [first, second] = sends.map((s) => String(s.body?.biz_opaque_callback_data));
    expect(first).toStartWith("att_");
    expect(second).toStartWith("att_");
    expect(second).not.toBe(first);
    const [row] = await outbound(customer);
    expect(row.send_attempt_id).toBe(second);
    expect(row.provider_message_id).toStartWith("wamid.FAKE");
    expect(await inDoubt("whatsapp", "resent")).toBe(1);
  });

  test("WhatsApp: a failure after the attempt is recorded and before the provider call leaves nothing in doubt — the retry sends at once, once", async () => {
    const customer = "4917000000036";
    failuresBeforeCall = 1;
    await postWhatsappText(customer, "wamid.c6", "Do you ship to Portugal?");
    await waitFor(async () => (await outbound(customer))[0]?.status === "sent", "the retried send");
    expect(failuresBeforeCall).toBe(0);
    // Before, the retry found the never-sent attempt in doubt and waited out the status wait (a minute by
    // default) for a status webhook that could not come, then resent it counted as a possible duplicate.
    const sends = textSends(meta);
    expect(sends.length).toBe(1);
    const [row] = await outbound(customer);
    expect(row.send_attempt_id).toBe(String(sends[0].body?.biz_opaque_callback_data));
    expect(await inDoubt("whatsapp", "resent")).toBe(0);
    expect(await inDoubt("whatsapp", "confirmed")).toBe(0);
    expect(String((await deliverJob(row.id))?.last_error)).not.toStartWith("deferred:");
  });

  test("WhatsApp: a provider error clears the attempt, so the retry is a plain send, not one in doubt", async () => {
    const customer = "4917000000033";
    meta.script(
      { status: 500, body: { error: { message: "oops", type: "OAuthException", code: 1, fbtrace_id: "x" } } },
      (r) => r.body?.type === "text",
    );
    await postWhatsappText(customer, "wamid.c3", "Is the store open?");
    await waitFor(async () => (await outbound(customer))[0]?.status === "sent", "the retried send");
    expect(textSends(meta).length).toBe(2);
    expect(await inDoubt("whatsapp", "resent")).toBe(0);
    expect(await inDoubt("whatsapp", "confirmed")).toBe(0);
  });

  test("Telegram: no correlation offered — the send in doubt is repeated at once and counted as a possible duplicate", async () => {
    crashes = 1;
    const body = fixtureBytes("telegram", "inbound/private_text.json");
    const res = await gw.fetch(
      new Request(`http://x/webhooks/telegram/${gw.channels.telegram.id}`, {
        method: "POST",
        headers: { "x-telegram-bot-api-secret-token": TG.secret_token, "content-type": "application/json" },
        body: body as BodyInit,
      }),
    );
    expect(res.status).toBe(200);
    const chat = String(JSON.parse(new TextDecoder().decode(body)).message.chat.id);
    await waitFor(async () => (await outbound(chat))[0]?.status === "sent", "the resend");
    expect(telegram.requests.filter((r) => r.path.endsWith("/sendMessage")).length).toBe(2);
    expect(await inDoubt("telegram", "resent")).toBe(1);
    expect((await outbound(chat))[0].send_attempt_id).toStartWith("att_");
  });

  test("widget: no attempt is recorded and a rerun publishes the message once (its NOTIFY commits with the sent mark)", async () => {
    const db = getDb();
    const site = await setupWidgetSite(db, ["https://shop.example"]);
    const visitor = `v_${crypto.randomUUID()}`;
    const conversationId = await transaction(db.db, async ({ tx }) => {
      const contactId = newId("con");
      await tx
        .insert(schema.contacts)
        .values({ id: contactId, tenant_id: site.tenantId, channel_id: site.channel.id, external_id: visitor });
      const id = newId("cnv");
      await tx.insert(schema.conversations).values({
        id,
        tenant_id: site.tenantId,
        brand_id: site.brandId,
        channel_id: site.channel.id,
        contact_id: contactId,
        last_customer_message_at: new Date(),
      });
      return id;
    });
    const notices: string[] = [];
    const listener = await db.sql.listen("xin_widget", (payload) => {
      if (payload.includes(visitor)) notices.push(payload);
    });
    crashes = 1;
    await transaction(db.db, async (ctx) => {
      const reply = {
        tenant_id: site.tenantId,
        conversation_id: conversationId,
        channel_id: site.channel.id,
        author: "ai" as const,
        text: "Hello from the shop",
      };
      const { jobs } = await queueReply(ctx, reply, getChannel("web").capabilities);
      await enqueueJobs(ctx, wake, jobs, 4);
    });
    await waitFor(async () => (await outbound(visitor))[0]?.status === "sent", "the widget reply");
    await waitFor(async () => notices.length >= 1, "the sent notice");
    await Bun.sleep(100); // a second notice, if one were published, would arrive right behind the first
    await listener.unlisten();
    expect(crashes).toBe(0); // the first run did reach the crash point
    expect(notices.filter((n) => n.includes('"kind":"sent"')).length).toBe(1);
    const [row] = await outbound(visitor);
    expect(row.send_attempt_id).toBeNull();
    expect(JSON.parse(notices[0]).provider_message_id).toBe(row.provider_message_id);
    expect(await inDoubt("web", "resent")).toBe(0);
  });
});
