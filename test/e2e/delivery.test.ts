// A customer message in through the gateway, the respond step, and the reply out through the provider's
// send API (a fake on loopback): retries on 5xx/429, one try on a permanent error, nothing sent twice.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { metaSignatureHeader } from "../../src/channels";
import { DEFAULT_HOLDING_MESSAGE } from "../../src/orchestrator";
import { BlobStore, silentLogger } from "../../src/runtime";
import { QueueRunner, Wake } from "../../src/runtime/queue";
import { createKnowledgeBackend } from "../../src/app/knowledge";
import { jobHandlers } from "../../src/workers";
import { describeStores } from "../support/db";
import { startMetaGraphFake, startTelegramFake, type MetaGraphFake, type TelegramFake } from "../support/fakes";
import { errorFixture, fixtureBytes, replyWith } from "../support/fixtures";
import { INSTANCE_KEY, setupGateway, TG, WA, type GatewayFixture } from "../support/gateway";

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

const sends = (fake: { requests: { method: string; path: string }[] }, suffix: string) => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith(suffix));

describeStores("delivery", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  let wake: Wake;
  beforeAll(async () => {
    gw = await setupGateway(getDb(), { whatsapp: meta.baseUrl, telegram: telegram.url });
    wake = new Wake();
    const db = getDb();
    const handlers = jobHandlers({
      db: () => db.db,
      sql: db.sql,
      instanceKey: INSTANCE_KEY,
      wake,
      maxAttempts: 4,
      blobs: new BlobStore(mkdtempSync(join(tmpdir(), "xin-blobs-"))),
      retentionDays: 7,
      mediaMaxBytes: 1 << 20,
      knowledge: createKnowledgeBackend(() => db.db),
    });
    runner = new QueueRunner(db.sql, handlers, { concurrency: 4, max_attempts: 4, backoff_base_ms: 50, backoff_max_ms: 200, lease_ms: 30_000, poll_interval_ms: 50 }, wake, silentLogger);
    runner.start();
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
    value.messages[0] = { ...value.messages[0], from, id, text: { body: text }, timestamp: String(Math.floor(Date.now() / 1000)) };
    const body = JSON.stringify(raw);
    return gw.fetch(new Request(`http://x/webhooks/whatsapp/${gw.channels.whatsapp.id}`, {
      method: "POST",
      headers: { "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body), "content-type": "application/json" },
      body,
    }));
  };
  const waitFor = async (fn: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await fn())) {
      if (Date.now() > deadline) throw new Error("timed out");
      await Bun.sleep(20);
    }
  };
  const outbound = (conversationWaId: string) =>
    getDb().sql`select m.status, m.body, m.provider_message_id, m.error_code from messages m join conversations c on c.id = m.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = ${conversationWaId} and m.direction = 'out' order by m.created_at`;

  test("a customer message gets the holding reply once, through the provider API, and an escalation", async () => {
    const db = getDb();
    expect((await postWhatsapp("4917000000021", "wamid.d1", "Hello, do you ship to Austria?")).status).toBe(200);
    await waitFor(async () => (await outbound("4917000000021"))[0]?.status === "sent");
    await postWhatsapp("4917000000021", "wamid.d2", "and how long does it take?");
    await waitFor(async () => (await db.sql`select count(*)::int as n from jobs where state in ('queued','running')`)[0].n === 0);
    const out = await outbound("4917000000021");
    expect(out.length).toBe(1);
    expect(out[0].provider_message_id).toStartWith("wamid.");
    const sent = sends(meta, `/${WA.phone_number_id}/messages`).filter((r) => (r as { body?: { type?: string } }).body?.type === "text");
    expect(sent.length).toBe(1);
    const request = (sent[0] as unknown as { body: { to: string; text: { body: string } } }).body;
    expect(request.to).toBe("+4917000000021");
    expect(request.text.body).toBe(DEFAULT_HOLDING_MESSAGE);
    const [esc] = await db.sql`select e.reason, e.state, c.status from escalations e join conversations c on c.id = e.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = '4917000000021'`;
    // No knowledge and no LLM in this harness: the question escalates as low_confidence (the answering pipeline).
    expect(esc).toMatchObject({ reason: "low_confidence", state: "open", status: "human" });
  });

  test("5xx and 429 are retried with backoff (honouring Retry-After) and the reply arrives exactly once", async () => {
    meta.script([{ status: 500, body: { error: { message: "oops", type: "OAuthException", code: 1, fbtrace_id: "x" } } }, { status: 503 }, replyWith(errorFixture("whatsapp", "130429_throughput.400.json"), { "retry-after": "1" })], (r) => r.path.endsWith("/messages"));
    await postWhatsapp("4917000000022", "wamid.r1", "Is the store open on Sunday?");
    await waitFor(async () => (await outbound("4917000000022"))[0]?.status === "sent");
    const attempts = sends(meta, "/messages");
    expect(attempts.length).toBe(4); // 500, 503, 429, then success
    const [job] = await getDb().sql`select attempts, state from jobs where kind = 'deliver' order by id desc limit 1`;
    expect(job).toMatchObject({ attempts: 4, state: "done" });
    expect((await outbound("4917000000022")).length).toBe(1);
  });

  test("a permanent error marks the message failed with the provider's code after one try and raises it to agents", async () => {
    meta.script(replyWith(errorFixture("whatsapp", "131047_outside_window.400.json")), (r) => r.path.endsWith("/messages"));
    await postWhatsapp("4917000000023", "wamid.p1", "hi");
    await waitFor(async () => (await outbound("4917000000023"))[0]?.status === "failed");
    const [msg] = await outbound("4917000000023");
    expect(msg.error_code).toBe("131047");
    expect(sends(meta, "/messages").length).toBe(1);
    const [esc] = await getDb().sql`select e.reason from escalations e join conversations c on c.id = e.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = '4917000000023'`;
    expect(esc.reason).toBe("delivery_failed"); // "hi" is answered with a greeting, whose delivery failed
  });

  test("Telegram: a user who blocked the bot fails permanently (403), no retry", async () => {
    telegram.script(replyWith(errorFixture("telegram", "403_bot_blocked.403.json")), (r) => r.path.endsWith("/sendMessage"));
    const body = fixtureBytes("telegram", "inbound/private_text.json");
    const res = await gw.fetch(new Request(`http://x/webhooks/telegram/${gw.channels.telegram.id}`, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": TG.secret_token, "content-type": "application/json" },
      body: body as BodyInit,
    }));
    expect(res.status).toBe(200);
    const chat = JSON.parse(new TextDecoder().decode(body)).message.chat.id;
    await waitFor(async () => (await outbound(String(chat)))[0]?.status === "failed");
    expect(sends(telegram, "/sendMessage").length).toBe(1);
    expect((await outbound(String(chat)))[0].error_code).toBe("403");
  });
});
