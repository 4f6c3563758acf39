// A customer message in through the gateway, the respond step, and the reply out through the provider's
// send API (a fake on loopback): retries on 5xx/429, one try on a permanent error, nothing sent twice.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { getChannel, metaSignatureHeader } from "../../src/channels";
import { queueReply } from "../../src/inbox";
import { transaction } from "../../src/runtime/db";
import { forgetChannels } from "../../src/tenancy";
import { DEFAULT_HOLDING_MESSAGE } from "../../src/orchestrator";
import { enqueueJobs, Wake, type QueueRunner } from "../../src/runtime/queue";
import { startTestWorkers } from "../support/workers";
import { EgressGuard } from "../../src/runtime/net";
import { describeStores } from "../support/db";
import { startMetaGraphFake, startTelegramFake, type MetaGraphFake, type TelegramFake } from "../support/fakes";
import { errorFixture, fixtureBytes, replyWith } from "../support/fixtures";
import { setupGateway, TG, WA, type GatewayFixture } from "../support/gateway";

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
const sends = (fake: { requests: Recorded[] }, suffix: string) =>
  fake.requests.filter((r) => r.method === "POST" && r.path.endsWith(suffix));
/** A WhatsApp text send (mark-as-read goes to the same path with `status: "read"`). */
const isTextSend = (r: Recorded) => r.path.endsWith("/messages") && r.body?.type === "text";

describeStores("delivery", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  let wake: Wake;
  beforeAll(async () => {
    gw = await setupGateway(getDb(), { whatsapp: meta.baseUrl, telegram: telegram.url });
    wake = new Wake();
    // The fakes are on loopback: allowed as an operator would (egress.allow_cidrs), not by turning the guard off.
    runner = startTestWorkers(getDb(), wake, { egress: new EgressGuard({ allowCidrs: ["127.0.0.1/32"] }) });
  });
  afterAll(async () => {
    await runner.stop(Date.now() + 2000);
  });
  beforeEach(() => {
    meta.reset();
    telegram.reset();
  });

  const postWhatsapp = (from: string, id: string, text: string) => {
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
    const body = JSON.stringify(raw);
    return gw.fetch(
      new Request(`http://x/webhooks/whatsapp/${gw.channels.whatsapp.id}`, {
        method: "POST",
        headers: {
          "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body),
          "content-type": "application/json",
        },
        body,
      }),
    );
  };
  const waitFor = async (fn: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await fn())) {
      if (Date.now() > deadline) throw new Error("timed out");
      await Bun.sleep(20);
    }
  };
  const outbound = (conversationWaId: string) =>
    getDb()
      .sql`select m.status, m.body, m.provider_message_id, m.error_code, m.send_attempt_id from messages m join conversations c on c.id = m.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = ${conversationWaId} and m.direction = 'out' order by m.created_at`;

  test("a customer message gets the holding reply once, through the provider API, and an escalation", async () => {
    const db = getDb();
    expect((await postWhatsapp("4917000000021", "wamid.d1", "Hello, do you ship to Austria?")).status).toBe(200);
    await waitFor(async () => (await outbound("4917000000021"))[0]?.status === "sent");
    await postWhatsapp("4917000000021", "wamid.d2", "and how long does it take?");
    await waitFor(
      async () => (await db.sql`select count(*)::int as n from jobs where state in ('queued','running')`)[0].n === 0,
    );
    const out = await outbound("4917000000021");
    expect(out.length).toBe(1);
    expect(out[0].provider_message_id).toStartWith("wamid.");
    const sent = meta.requests.filter(isTextSend);
    expect(sent.length).toBe(1);
    const request = (sent[0] as unknown as { body: { to: string; text: { body: string } } }).body;
    expect(request.to).toBe("+4917000000021");
    expect(request.text.body).toBe(DEFAULT_HOLDING_MESSAGE);
    const [esc] =
      await db.sql`select e.reason, e.state, c.status from escalations e join conversations c on c.id = e.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = '4917000000021'`;
    // No knowledge and no LLM in this harness: the question escalates as low_confidence (the answering pipeline).
    expect(esc).toMatchObject({ reason: "low_confidence", state: "open", status: "human" });
    // Each customer message was marked read (WhatsApp's blue ticks), once: the first, which the bot
    // answered, by the typing indicator's call (it marks read too), the second (which came while the
    // conversation was with humans) by a plain receipt.
    const receipts = sends(meta, "/messages").filter((r) => r.body?.status === "read");
    expect(receipts.map((r) => r.body?.message_id).sort()).toEqual(["wamid.d1", "wamid.d2"]);
    expect(receipts.filter((r) => r.body?.typing_indicator).map((r) => r.body?.message_id)).toEqual(["wamid.d1"]);
  });

  test("5xx and 429 are retried with backoff (honouring Retry-After) and the reply arrives exactly once", async () => {
    meta.script(
      [
        { status: 500, body: { error: { message: "oops", type: "OAuthException", code: 1, fbtrace_id: "x" } } },
        { status: 503 },
        replyWith(errorFixture("whatsapp", "130429_throughput.400.json"), { "retry-after": "1" }),
      ],
      isTextSend,
    );
    await postWhatsapp("4917000000022", "wamid.r1", "Is the store open on Sunday?");
    await waitFor(async () => (await outbound("4917000000022"))[0]?.status === "sent");
    const attempts = meta.requests.filter(isTextSend);
    expect(attempts.length).toBe(4); // 500, 503, 429, then success
    const [job] = await getDb().sql`select attempts, state from jobs where kind = 'deliver' order by id desc limit 1`;
    // The provider being down or rate limiting is waited out (workers/provider-pause.ts): no attempt used.
    expect(job).toMatchObject({ attempts: 1, state: "done" });
    expect((await outbound("4917000000022")).length).toBe(1);
  });

  test("a 429 that lasts longer than the attempts allow is waited out at the pace it asks, and the reply arrives once", async () => {
    // Meta's 429 (code 4, as its OpenAPI maps it) saying 1 s, for ~5 s: 4 attempts (this harness's max) used to be gone in 4 s.
    meta.outage([replyWith(errorFixture("whatsapp", "4_app_rate_limit.400.json"), { "retry-after": "1" })], isTextSend);
    const healed = Bun.sleep(5_000).then(() => meta.outage(null));
    await postWhatsapp("4917000000029", "wamid.r2", "Do you have a store in Vienna?");
    await healed;
    await waitFor(async () => (await outbound("4917000000029"))[0]?.status === "sent");
    const attempts = meta.requests.filter(isTextSend);
    expect(attempts.filter((r) => r.status === 200).length).toBe(1);
    expect(attempts.length).toBeGreaterThan(3);
    // Never asked again before the second it was told to wait (the deferral adds up to half a second).
    for (let i = 1; i < attempts.length; i++) expect(attempts[i].at - attempts[i - 1].at).toBeGreaterThanOrEqual(950);
    const [job] = await getDb().sql`select attempts, state from jobs where kind = 'deliver' order by id desc limit 1`;
    expect(job).toMatchObject({ attempts: 1, state: "done" });
    const out = await outbound("4917000000029");
    expect(out.map((m) => m.status)).toEqual(["sent"]);
  }, 30_000);

  test("a permanent error marks the message failed with the provider's code after one try and raises it to agents", async () => {
    meta.script(replyWith(errorFixture("whatsapp", "131047_outside_window.400.json")), isTextSend);
    await postWhatsapp("4917000000023", "wamid.p1", "hi");
    await waitFor(async () => (await outbound("4917000000023"))[0]?.status === "failed");
    const [msg] = await outbound("4917000000023");
    expect(msg.error_code).toBe("131047");
    expect(meta.requests.filter(isTextSend).length).toBe(1);
    const [esc] = await getDb().sql`select e.reason from escalations e join conversations c on c.id = e.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = '4917000000023'`;
    expect(esc.reason).toBe("delivery_failed"); // "hi" is answered with a greeting, whose delivery failed
  });

  test("Telegram: a user who blocked the bot fails permanently (403), no retry", async () => {
    telegram.script(replyWith(errorFixture("telegram", "403_bot_blocked.403.json")), (r) =>
      r.path.endsWith("/sendMessage"),
    );
    const body = fixtureBytes("telegram", "inbound/private_text.json");
    const res = await gw.fetch(
      new Request(`http://x/webhooks/telegram/${gw.channels.telegram.id}`, {
        method: "POST",
        headers: { "x-telegram-bot-api-secret-token": TG.secret_token, "content-type": "application/json" },
        body: body as BodyInit,
      }),
    );
    expect(res.status).toBe(200);
    const chat = JSON.parse(new TextDecoder().decode(body)).message.chat.id;
    await waitFor(async () => (await outbound(String(chat)))[0]?.status === "failed");
    expect(sends(telegram, "/sendMessage").length).toBe(1);
    expect((await outbound(String(chat)))[0].error_code).toBe("403");
  });

  test("an inbound voice note is fetched into the blob store by a durable job after the ack", async () => {
    const db = getDb();
    const body = fixtureBytes("whatsapp", "inbound/audio_voice.json");
    const res = await gw.fetch(
      new Request(`http://x/webhooks/whatsapp/${gw.channels.whatsapp.id}`, {
        method: "POST",
        headers: {
          "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body),
          "content-type": "application/json",
        },
        body: body as BodyInit,
      }),
    );
    expect(res.status).toBe(200);
    await waitFor(
      async () =>
        (
          await db.sql`select attachments from messages where kind = 'media' and channel_id = ${gw.channels.whatsapp.id}`
        )[0]?.attachments?.[0]?.blob !== undefined,
    );
    const [row] =
      await db.sql`select attachments from messages where kind = 'media' and channel_id = ${gw.channels.whatsapp.id}`;
    const blob = row.attachments[0].blob;
    expect(blob.sha256).toBe(
      new Bun.CryptoHasher("sha256").update(`fake-media:${row.attachments[0].id}`).digest("hex"),
    );
    expect(meta.requests.some((r) => r.path.startsWith("/download/"))).toBe(true);
  });

  test("outside WhatsApp's 24 hours a reply needs a template: none configured fails it to the agents; a configured one is sent", async () => {
    const db = getDb();
    await postWhatsapp("4917000000024", "wamid.w1", "hello");
    await waitFor(async () => (await outbound("4917000000024"))[0]?.status === "sent");
    const [conv] =
      await db.sql`select c.id from conversations c join contacts k on k.id = c.contact_id where k.external_id = '4917000000024'`;
    await db.sql`update conversations set last_customer_message_at = now() - interval '25 hours' where id = ${conv.id}`;
    const queue = async (text: string) =>
      transaction(db.db, async (ctx) => {
        const { jobs } = await queueReply(
          ctx,
          {
            tenant_id: gw.tenantId,
            conversation_id: conv.id,
            channel_id: gw.channels.whatsapp.id,
            author: "human",
            text,
          },
          getChannel("whatsapp").capabilities,
        );
        await enqueueJobs(ctx, wake, jobs, 4);
      });
    await queue("late answer");
    await waitFor(async () =>
      (await outbound("4917000000024")).some((m) => m.body === "late answer" && m.status === "failed"),
    );
    const late = (await outbound("4917000000024")).find((m) => m.body === "late answer");
    expect(late?.error_code).toBe("window_closed");
    // Nothing went out: the attempt its read recorded is cleared with the failure, so it is not in doubt.
    expect(late?.send_attempt_id).toBeNull();
    expect(
      meta.requests.some((r) => (r.body as { text?: { body?: string } } | undefined)?.text?.body === "late answer"),
    ).toBe(false);
    await db.sql`update channels set settings = settings || '{"template": {"name": "order_update", "language": "en"}}'::jsonb where id = ${gw.channels.whatsapp.id}`;
    forgetChannels(); // what xin's own channel edits do: workers read the row again
    await queue("templated answer");
    await waitFor(async () =>
      (await outbound("4917000000024")).some((m) => m.body === "templated answer" && m.status === "sent"),
    );
    expect((await outbound("4917000000024")).find((m) => m.body === "templated answer")?.send_attempt_id).toStartWith(
      "att_",
    );
    const template = meta.requests.find((r) => (r.body as { type?: string } | undefined)?.type === "template");
    expect((template?.body as { template: { name: string } }).template.name).toBe("order_update");
  });
});
