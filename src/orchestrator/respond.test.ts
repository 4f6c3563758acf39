import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { describeStores } from "../../test/support/db";
import { startOpenAIFake, serverError, type OpenAIFake } from "../../test/support/fakes/openai";
import { ingestDocs, queueSettled, waitUntil, whatsappText, whatsappTextBody } from "../../test/support/answering";
import { setupGateway, WA, type GatewayFixture } from "../../test/support/gateway";
import { setupWidgetSite } from "../../test/support/widget";
import { INSTANCE_KEY } from "../../test/support/gateway";
import { metaSignatureHeader, newVisitorId, WIDGET_NOTIFY_CHANNEL } from "../channels";
import { acceptParsed, RESPOND_JOB } from "../inbox";
import { transaction } from "../runtime/db";
import { bindChannel } from "../tenancy";
import { analyzerFor, MemoryBackend } from "../rag";
import { silentLogger } from "../runtime";
import { QueueRunner, Wake } from "../runtime/queue";
import { DEFAULT_HOLDING_MESSAGE, respondHandler, type RespondDeps } from "./respond";
import { pipelineDeps, SHOP_DOCS } from "./test-kit";

let llm: OpenAIFake;
beforeAll(() => {
  llm = startOpenAIFake();
});
afterAll(() => llm.stop());

const GROUNDED = "Shipping to Austria takes 4 to 6 working days [1].";

describeStores("respond job", (getDb) => {
  let gw: GatewayFixture;
  let runner: QueueRunner;
  let deps: RespondDeps;
  // Runs while the answer is being written (after the context was read, before the final transaction).
  let meanwhile: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    const db = getDb();
    gw = await setupGateway(db, { whatsapp: "http://127.0.0.1:9" });
    const backend = await ingestDocs(db, { tenant_id: gw.tenantId, brand_id: gw.brandId }, SHOP_DOCS);
    const base = pipelineDeps(new MemoryBackend(() => analyzerFor("en")), llm.baseUrl, 1);
    const wake = new Wake();
    deps = {
      db: () => db.db,
      wake,
      maxAttempts: 3,
      quietWindowMs: 0,
      historyTokens: 500,
      pipeline: {
        ...base,
        search: async (r) => {
          const hook = meanwhile;
          meanwhile = null;
          await hook?.();
          return backend.search(r);
        },
      },
    };
    runner = new QueueRunner(
      db.sql,
      { [RESPOND_JOB]: respondHandler(deps) },
      {
        concurrency: 4,
        max_attempts: 3,
        backoff_base_ms: 20,
        backoff_max_ms: 50,
        lease_ms: 30_000,
        poll_interval_ms: 50,
      },
      wake,
      silentLogger,
    );
    runner.start();
  });
  afterAll(() => runner.stop(Date.now() + 2000));
  beforeEach(() => {
    llm.reset();
    llm.setReply(GROUNDED);
    deps.quietWindowMs = 0;
    deps.limits = undefined;
    deps.act = undefined;
  });

  const outbound = (wa: string) =>
    getDb().sql`select m.body, m.status, m.metadata from messages m join conversations c on c.id = m.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = ${wa} and m.direction = 'out' order by m.created_at, m.id`;
  const escalations = (wa: string) =>
    getDb()
      .sql`select e.reason, e.draft, e.sources, c.status from escalations e join conversations c on c.id = e.conversation_id
      join contacts k on k.id = c.contact_id where k.external_id = ${wa}`;
  const deliverJobs = async () =>
    (await getDb().sql`select count(*)::int as n from jobs where kind = 'deliver'`)[0].n as number;

  test("an answer is queued for delivery with its confidence, chunk ids and guardrail decisions", async () => {
    const before = await deliverJobs();
    await whatsappText(gw, "4915100000001", "wamid.a1", "How long does shipping to Austria take?");
    await waitUntil(async () => (await outbound("4915100000001")).length === 1);
    const [reply] = await outbound("4915100000001");
    expect(reply.body).toBe("Shipping to Austria takes 4 to 6 working days.");
    expect(reply.status).toBe("queued");
    const answer = reply.metadata.answer;
    expect(answer.confidence.value).toBeGreaterThan(0.45);
    expect(answer.chunk_ids[0]).toStartWith("shipping.md#");
    expect(answer.guardrails.every((g: { passed: boolean }) => g.passed)).toBe(true);
    expect(await deliverJobs()).toBe(before + 1);
  });

  test("the job runs the typing call the webhook gave it before its reply commits; a failing call does not stop the answer", async () => {
    const calls: { channel: string; kinds: string[]; repliesSeen: number }[] = [];
    deps.act = async (channelId, actions) => {
      await Bun.sleep(100); // slower than the answer: the commit must wait for it
      calls.push({
        channel: channelId,
        kinds: actions.map((a) => a.kind),
        repliesSeen: (await outbound("4915100000009")).length,
      });
    };
    await whatsappText(gw, "4915100000009", "wamid.t1", "How long does shipping to Austria take?");
    await waitUntil(async () => (await outbound("4915100000009")).length === 1);
    expect(calls).toEqual([{ channel: gw.channels.whatsapp.id, kinds: ["typing"], repliesSeen: 0 }]);

    deps.act = async () => {
      throw new Error("provider down");
    };
    // Another customer (this runner has no deliver worker: the first reply's job holds its conversation's key).
    await whatsappText(gw, "4915100000010", "wamid.t2", "How long does shipping to Austria take?");
    await waitUntil(async () => (await outbound("4915100000010")).length === 1);
  });

  test("a failing draft is never sent: escalation with the draft, bot paused, holding message once", async () => {
    llm.setReply("Sure, call our manager Anna on +49 170 9876543 [1].");
    await whatsappText(gw, "4915100000002", "wamid.b1", "How long does shipping to Austria take?");
    await waitUntil(async () => (await escalations("4915100000002")).length === 1);
    await queueSettled(getDb(), RESPOND_JOB);
    const [esc] = await escalations("4915100000002");
    expect(esc).toMatchObject({
      reason: "pii_in_answer",
      status: "human",
      draft: "Sure, call our manager Anna on +49 170 9876543.",
    });
    expect(esc.sources[0].source).toBe("shipping.md");
    // A second message while the conversation waits for an agent: no second holding message, no answer.
    await whatsappText(gw, "4915100000002", "wamid.b2", "Hello?? anyone there?");
    await queueSettled(getDb(), RESPOND_JOB);
    const out = await outbound("4915100000002");
    expect(out.map((m) => m.body)).toEqual([DEFAULT_HOLDING_MESSAGE]);
    expect(llm.chatRequests().length).toBe(1);
  });

  test("a burst within the quiet window gets one reply: asked as its latest question, the rest as context", async () => {
    deps.quietWindowMs = 400;
    await whatsappText(gw, "4915100000003", "wamid.c1", "Hi,");
    await whatsappText(gw, "4915100000003", "wamid.c2", "quick question:");
    await whatsappText(gw, "4915100000003", "wamid.c3", "how long does shipping to Austria take?");
    await waitUntil(async () => (await outbound("4915100000003")).length >= 1);
    await queueSettled(getDb(), RESPOND_JOB);
    expect((await outbound("4915100000003")).length).toBe(1);
    expect(llm.chatRequests().length).toBe(1);
    const prompt = (llm.chatRequests()[0].body as { messages: { content: string }[] }).messages[1].content;
    expect(prompt).toContain("customer: Hi,\ncustomer: quick question:\n</transcript>");
    expect(prompt).toContain("<customer_message>\nhow long does shipping to Austria take?\n</customer_message>");
  });

  test("an agent's reply while the draft was written drops the draft", async () => {
    meanwhile = async () => {
      await getDb()
        .sql`insert into messages (id, tenant_id, conversation_id, channel_id, direction, kind, body, metadata, status)
        select 'msg_agent_1', c.tenant_id, c.id, c.channel_id, 'out', 'text', 'Hi, Tom here from the team!', '{"author":"human"}'::jsonb, 'queued'
        from conversations c join contacts k on k.id = c.contact_id where k.external_id = '4915100000004'`;
    };
    await whatsappText(gw, "4915100000004", "wamid.d1", "How long does shipping to Austria take?");
    await queueSettled(getDb(), RESPOND_JOB);
    expect(llm.chatRequests().length).toBe(1);
    expect((await outbound("4915100000004")).map((m) => m.body)).toEqual(["Hi, Tom here from the team!"]);
  });

  test("the customer deleted the message while the draft was written: the draft is dropped, nothing sent, no escalation", async () => {
    meanwhile = async () => {
      const raw = JSON.parse(whatsappTextBody("4915100000011", [{ id: "wamid.del1.revoke", text: "" }]));
      const m = raw.entry[0].changes[0].value.messages[0];
      delete m.text;
      Object.assign(m, { type: "revoke", revoke: { original_message_id: "wamid.del1" } });
      const body = JSON.stringify(raw);
      const res = await gw.fetch(
        new Request(`http://x/webhooks/whatsapp/${gw.channels.whatsapp.id}`, {
          method: "POST",
          headers: {
            "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body),
            "content-type": "application/json",
          },
          body,
        }),
      );
      expect(res.status).toBe(200);
    };
    await whatsappText(gw, "4915100000011", "wamid.del1", "How long does shipping to Austria take?");
    await queueSettled(getDb(), RESPOND_JOB);
    expect(llm.chatRequests().length).toBe(1);
    expect((await outbound("4915100000011")).length).toBe(0);
    expect((await escalations("4915100000011")).length).toBe(0);
  });

  test("a newer customer message while the draft was written: that draft is dropped, one reply answers both", async () => {
    meanwhile = async () => {
      await whatsappText(gw, "4915100000005", "wamid.e2", "And to Switzerland?");
    };
    await whatsappText(gw, "4915100000005", "wamid.e1", "How long does shipping to Austria take?");
    await waitUntil(async () => (await outbound("4915100000005")).length >= 1);
    await queueSettled(getDb(), RESPOND_JOB);
    expect((await outbound("4915100000005")).length).toBe(1);
    expect(llm.chatRequests().length).toBe(2);
    const last = (llm.chatRequests()[1].body as { messages: { content: string }[] }).messages[1].content;
    expect(last).toContain("How long does shipping to Austria take?\nAnd to Switzerland?");
  });

  type Notice = { kind: string; text?: string; on?: boolean; message_id?: string };
  /** A widget brand with the shop's knowledge, and every `xin_widget` notice from now on, in arrival order. */
  const widgetSite = async () => {
    const db = getDb();
    const site = await setupWidgetSite(db, ["https://shop.example"]);
    await ingestDocs(db, { tenant_id: site.tenantId, brand_id: site.brandId }, SHOP_DOCS);
    const notices: Notice[] = [];
    const listeners: ((n: Notice) => void)[] = [];
    const sub = await db.sql.listen(WIDGET_NOTIFY_CHANNEL, (p) => {
      const n = JSON.parse(p) as Notice;
      notices.push(n);
      for (const l of listeners) l(n);
    });
    const visitor = newVisitorId();
    const say = async (clientId: string, text: string) => {
      const { adapter, binding } = bindChannel(site.channel, INSTANCE_KEY);
      const body = new TextEncoder().encode(
        JSON.stringify({ visitor_id: visitor, messages: [{ id: clientId, sent_at: Date.now(), text }] }),
      );
      await transaction(db.db, (tx) =>
        acceptParsed(
          tx,
          deps.wake,
          3,
          { id: site.channel.id, tenant_id: site.tenantId, brand_id: site.brandId, provider: "web" },
          adapter.parse(body, binding),
        ),
      );
    };
    const replies = () =>
      db.sql`select id, body, metadata from messages where direction = 'out' and conversation_id in (select id from conversations where brand_id = ${site.brandId}) order by created_at, id`;
    const escalated = () =>
      db.sql`select e.reason from escalations e join conversations c on c.id = e.conversation_id where c.brand_id = ${site.brandId}`;
    return {
      notices,
      onNotice: (l: (n: Notice) => void) => listeners.push(l),
      say,
      replies,
      escalated,
      stop: () => sub.unlisten(),
    };
  };
  const THREE =
    "Shipping to Austria takes 4 to 6 working days [1]. Orders within Germany arrive in 2 to 3 working days [1]. Shipping is free for orders over 50 euros [1].";

  test("web widget: a one-sentence reply goes out whole with its commit, under the id its stored row names", async () => {
    const w = await widgetSite();
    await w.say("client-msg-0001", "How long does shipping to Austria take?");
    await waitUntil(async () => w.notices.some((n) => n.kind === "delta"));
    await w.stop();
    expect(w.notices.map((n) => n.kind)).toEqual(["typing", "delta"]);
    expect(w.notices[0].on).toBe(true);
    expect(w.notices[1].text).toBe("Shipping to Austria takes 4 to 6 working days.");
    const [row] = await w.replies();
    expect(w.notices[1].message_id).toBe(row.metadata.stream_id);
  });

  test("web widget: an LLM reply is streamed sentence by sentence while it is written; the pieces add up to the stored reply", async () => {
    llm.scriptChat({ reply: THREE, chunkDelayMs: 15 });
    const w = await widgetSite();
    // Whether the reply was stored when the first piece reached the listener.
    const probe: { storedAtFirstPiece?: Promise<number> } = {};
    w.onNotice((n) => {
      if (n.kind === "delta") probe.storedAtFirstPiece ??= w.replies().then((rows) => rows.length);
    });
    await w.say("client-msg-0002", "How long does shipping to Austria take?");
    await waitUntil(async () => {
      const [row] = await w.replies();
      return (
        row !== undefined &&
        w.notices
          .filter((n) => n.kind === "delta")
          .map((n) => n.text)
          .join("") === row.body
      );
    });
    await w.stop();
    const [row] = await w.replies();
    expect(row.body).toBe(
      "Shipping to Austria takes 4 to 6 working days. Orders within Germany arrive in 2 to 3 working days. Shipping is free for orders over 50 euros.",
    );
    expect(w.notices.map((n) => n.kind)).toEqual(["typing", "delta", "delta", "delta"]);
    expect(w.notices.slice(1).map((n) => n.text)).toEqual([
      "Shipping to Austria takes 4 to 6 working days.",
      " Orders within Germany arrive in 2 to 3 working days.",
      " Shipping is free for orders over 50 euros.",
    ]);
    expect(new Set(w.notices.slice(1).map((n) => n.message_id))).toEqual(new Set([row.metadata.stream_id]));
    expect(await probe.storedAtFirstPiece).toBe(0);
  });

  test("web widget: a sentence with personal data is never streamed; what was shown is retracted and the conversation escalates", async () => {
    llm.scriptChat({
      reply: "Shipping to Austria takes 4 to 6 working days [1]. For details call Anna on +49 170 9876543 today. Bye!",
      chunkDelayMs: 5,
    });
    const w = await widgetSite();
    await w.say("client-msg-0003", "How long does shipping to Austria take?");
    await waitUntil(async () => w.notices.some((n) => n.kind === "retract"));
    await w.stop();
    expect(w.notices.map((n) => n.kind)).toEqual(["typing", "delta", "retract"]);
    expect(w.notices[1].text).toBe("Shipping to Austria takes 4 to 6 working days.");
    expect(w.notices[2].message_id).toBe(w.notices[1].message_id);
    expect(JSON.stringify(w.notices)).not.toMatch(/Anna|9876543/);
    expect((await w.escalated()).map((e) => e.reason)).toEqual(["pii_in_answer"]);
    const out = await w.replies();
    expect(out.map((m) => m.body)).toEqual([DEFAULT_HOLDING_MESSAGE]);
    expect(out[0].metadata.stream_id).toBeUndefined();
  });

  test("web widget: a draft dropped for a newer visitor message is retracted; the next draft answers both", async () => {
    llm.scriptChat([{ reply: THREE, chunkDelayMs: 15 }, { reply: THREE }]);
    const w = await widgetSite();
    const probe: { followUp?: Promise<void> } = {};
    w.onNotice((n) => {
      if (n.kind === "delta") probe.followUp ??= w.say("client-msg-0005", "And to Switzerland?");
    });
    await w.say("client-msg-0004", "How long does shipping to Austria take?");
    await waitUntil(async () => (await w.replies()).length === 1);
    await probe.followUp;
    await queueSettled(getDb(), RESPOND_JOB);
    await w.stop();
    const [row] = await w.replies();
    const first = w.notices.find((n) => n.kind === "delta")?.message_id;
    expect(first).toBeDefined();
    expect(first).not.toBe(row.metadata.stream_id);
    expect(w.notices.some((n) => n.kind === "retract" && n.message_id === first)).toBe(true);
    expect(w.notices.findIndex((n) => n.kind === "retract")).toBeLessThan(
      w.notices.findIndex((n) => n.message_id === row.metadata.stream_id),
    );
    expect(llm.chatRequests().length).toBe(2);
  });

  test("rate limits: a second answer within the minute waits in the queue (never dropped); after its waits it escalates as rate_limited", async () => {
    const db = getDb();
    await whatsappText(gw, "4915100000007", "wamid.g1", "How long does shipping to Austria take?");
    await waitUntil(async () => (await outbound("4915100000007")).length === 1);
    deps.limits = { perContact: 1, perTenantLlm: 0 };
    // No deliver worker here: its queued job (same conversation key) would hold back the next respond job.
    await db.sql`update jobs set state = 'done' where kind = 'deliver'`;
    await whatsappText(gw, "4915100000007", "wamid.g2", "And how long does shipping to Switzerland take?");
    await waitUntil(
      async () =>
        (
          await db.sql`select count(*)::int as n from jobs where kind = 'respond' and state = 'queued' and (payload->>'rate_deferrals')::int = 1`
        )[0].n === 1,
    );
    const [deferred] =
      await db.sql`select id, payload, extract(epoch from (run_at - now()))::float8 as wait_s from jobs where kind = 'respond' and state = 'queued'`;
    expect(deferred.wait_s).toBeGreaterThan(30);
    expect((await outbound("4915100000007")).length).toBe(1);
    expect(llm.chatRequests().length).toBe(1);
    // Its turn never comes within the limit: after the last allowed wait the conversation goes to a human.
    await db.sql`update jobs set run_at = now(), payload = jsonb_set(payload, '{rate_deferrals}', '30') where id = ${deferred.id}`;
    deps.wake.notify();
    await waitUntil(async () => (await escalations("4915100000007")).length === 1);
    expect((await escalations("4915100000007"))[0].reason).toBe("rate_limited");
    expect(llm.chatRequests().length).toBe(1);
  });

  test("rate limits: one tenant's LLM answers per minute are capped", async () => {
    deps.limits = { perContact: 0, perTenantLlm: 1 };
    await whatsappText(gw, "4915100000008", "wamid.h1", "How long does shipping to Austria take?");
    await waitUntil(
      async () =>
        (
          await getDb()
            .sql`select count(*)::int as n from jobs where kind = 'respond' and state = 'queued' and (payload->>'rate_deferrals')::int = 1`
        )[0].n === 1,
    );
    expect((await outbound("4915100000008")).length).toBe(0);
    await getDb().sql`delete from jobs where kind = 'respond' and state = 'queued'`;
  });

  test("the LLM failing after its retries escalates as llm_unavailable: never silence", async () => {
    llm.script([serverError(500), serverError(503)]);
    await whatsappText(gw, "4915100000006", "wamid.f1", "How long does shipping to Austria take?");
    await waitUntil(async () => (await escalations("4915100000006")).length === 1);
    expect((await escalations("4915100000006"))[0]).toMatchObject({
      reason: "llm_unavailable",
      draft: null,
      status: "human",
    });
    await queueSettled(getDb(), RESPOND_JOB);
    expect((await outbound("4915100000006")).map((m) => m.body)).toEqual([DEFAULT_HOLDING_MESSAGE]);
  });
});
