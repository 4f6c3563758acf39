// One deletion mechanism for every channel (issue 13): a WhatsApp `revoke` and an Instagram `is_deleted`
// mark the original deleted — no new message —, stop it awaiting a turn, and withdraw what xin had
// prepared for that message alone (a reply not yet sent, an escalation's draft), never what also
// answers other messages. Through the real gateway, on both stores.
import { beforeAll, expect, test } from "bun:test";
import { getChannel, metaSignatureHeader } from "../../src/channels";
import { openEscalation, queueReply, RESPOND_JOB } from "../../src/inbox";
import { transaction, type Db } from "../../src/runtime/db";
import { Wake } from "../../src/runtime/queue";
import { queueSettled } from "../support/answering";
import { describeStores } from "../support/db";
import { fixtureJson } from "../support/fixtures";
import { IG, setupGateway, WA, type GatewayFixture } from "../support/gateway";
import { expectPendingConsistent } from "../support/pending";
import { startTestWorkers } from "../support/workers";

/** The parts of the fixture bodies these tests edit (WhatsApp `changes`, Instagram `messaging`). */
type Json = {
  entry: {
    changes: { value: { messages: Record<string, unknown>[] } }[];
    messaging: { message: Record<string, unknown> }[];
  }[];
};

const post = (gw: GatewayFixture, provider: "whatsapp" | "instagram", body: unknown) => {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const secret = provider === "whatsapp" ? WA.app_secret : IG.app_secret;
  return gw.fetch(
    new Request(`http://x/webhooks/${provider}/${gw.channels[provider].id}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": metaSignatureHeader(secret, bytes) },
      body: bytes,
    }),
  );
};

const waText = (id: string, text: string): Json => {
  const body = fixtureJson<Json>("whatsapp", "inbound/text.json");
  Object.assign(body.entry[0].changes[0].value.messages[0], {
    id,
    timestamp: String(Math.floor(Date.now() / 1000)),
    text: { body: text },
  });
  return body;
};
const waRevoke = (id: string, original: string): Json => {
  const body = fixtureJson<Json>("whatsapp", "inbound/text.json");
  const m = body.entry[0].changes[0].value.messages[0];
  delete m.text;
  Object.assign(m, { id, type: "revoke", revoke: { original_message_id: original } });
  return body;
};
const igText = (mid: string): Json => {
  const body = fixtureJson<Json>("instagram", "inbound/text.json");
  body.entry[0].messaging[0].message.mid = mid;
  return body;
};
const igDeleted = (mid: string): Json => {
  const body = igText(mid);
  body.entry[0].messaging[0].message = { mid, is_deleted: true };
  return body;
};

describeStores("deletion", (getDb) => {
  let gw: GatewayFixture;
  beforeAll(async () => {
    // Nothing here should reach a provider: the read receipts a respond run sends go to a closed port.
    gw = await setupGateway(getDb(), { whatsapp: "http://127.0.0.1:9/v25.0", instagram: "http://127.0.0.1:9/v25.0" });
  });
  const row = async (providerId: string) =>
    (
      await getDb()
        .sql`select id, conversation_id, awaits_turn, answered_by, metadata from messages where provider_message_id = ${providerId} and direction = 'in'`
    )[0];
  const count = async () => (await getDb().sql`select count(*)::int as n from messages`)[0].n as number;

  test.each([
    [
      "whatsapp revoke",
      "whatsapp",
      (id: string) => waText(id, "Do you have size 42?"),
      (id: string) => waRevoke(`${id}.revoke`, id),
    ],
    ["instagram is_deleted", "instagram", igText, igDeleted],
  ] as const)(
    "%s: the original is marked deleted, no message is added, and no turn answers it",
    async (_, provider, original, deletion) => {
      const id = `del-${provider}-${crypto.randomUUID()}`;
      expect((await post(gw, provider, original(id))).status).toBe(200);
      expect((await row(id)).awaits_turn).toBe(true);
      const pendingRow = async () =>
        (await getDb().sql`select count(*)::int as n from pending_messages where message_id = ${(await row(id)).id}`)[0]
          .n;
      expect(await pendingRow()).toBe(1);
      const before = await count();
      expect((await post(gw, provider, deletion(id))).status).toBe(200);
      expect(await count()).toBe(before);
      const deleted = await row(id);
      expect(deleted.metadata.deleted).toBe(true);
      expect(typeof deleted.metadata.deleted_at).toBe("string");
      expect(deleted.awaits_turn).toBe(false);
      // No longer pending: its row left pending_messages with the deletion.
      expect(await pendingRow()).toBe(0);
      await expectPendingConsistent(getDb().sql);
      // The respond job queued with the message finds nothing to answer: no reply, no escalation.
      const runner = startTestWorkers(getDb(), new Wake(), {}, [RESPOND_JOB]);
      try {
        await queueSettled(getDb(), RESPOND_JOB);
      } finally {
        await runner.stop(Date.now() + 2000);
      }
      const turns = await getDb()
        .sql`select (select count(*) from messages where conversation_id = ${deleted.conversation_id} and direction = 'out')::int as replies,
      (select count(*) from escalations where conversation_id = ${deleted.conversation_id})::int as escalations`;
      expect(turns[0]).toEqual({ replies: 0, escalations: 0 });
      // A replayed deletion changes nothing more.
      expect((await post(gw, provider, deletion(id))).status).toBe(200);
      expect(await count()).toBe(before);
    },
  );

  test("a reply not yet sent that answers only the deleted message is withdrawn; one answering others too is kept", async () => {
    const db = getDb();
    const [a, b, c] = ["a", "b", "c"].map((x) => `wamid.withdraw.${x}.${crypto.randomUUID()}`);
    for (const id of [a, b, c]) expect((await post(gw, "whatsapp", waText(id, `question ${id}`))).status).toBe(200);
    const [ra, rb, rc] = [await row(a), await row(b), await row(c)];
    const reply = (answers: string[]) =>
      transaction(db.db as Db, (tx) =>
        queueReply(
          tx,
          {
            tenant_id: gw.tenantId,
            conversation_id: ra.conversation_id,
            channel_id: gw.channels.whatsapp.id,
            author: "ai",
            text: `answer to ${answers.length}`,
            metadata: { answer: { answers } },
            answers,
          },
          getChannel("whatsapp").capabilities,
        ),
      );
    const only = await reply([ra.id]);
    const both = await reply([rb.id, rc.id]);
    expect((await post(gw, "whatsapp", waRevoke(`${a}.revoke`, a))).status).toBe(200);
    expect((await post(gw, "whatsapp", waRevoke(`${b}.revoke`, b))).status).toBe(200);
    const statuses =
      await db.sql`select id, status, error_code from messages where id = any(${[...only.ids, ...both.ids]}) order by id`;
    expect(statuses.find((s) => s.id === only.ids[0])).toMatchObject({ status: "failed", error_code: "withdrawn" });
    expect(statuses.find((s) => s.id === both.ids[0])).toMatchObject({ status: "queued", error_code: null });
    // Deleting a message a turn already named leaves the link: the turn happened.
    expect((await row(a)).answered_by).toBe(only.ids[0]);
    expect((await row(c)).metadata.deleted).toBeUndefined();
    expect(rc.awaits_turn).toBe(true);
  });

  test("an open escalation's draft that answers only the deleted message is withdrawn; the escalation stays open", async () => {
    const db = getDb();
    const id = `m_escalated_${crypto.randomUUID()}`;
    expect((await post(gw, "instagram", igText(id))).status).toBe(200);
    const original = await row(id);
    const escalation = await transaction(db.db as Db, ({ tx }) =>
      openEscalation(tx, {
        tenant_id: gw.tenantId,
        conversation_id: original.conversation_id,
        reason: "low_confidence",
        draft: "Yes, size 42 is in stock.",
        sources: [],
        pauseBot: true,
        answers: [original.id],
      }),
    );
    expect((await post(gw, "instagram", igDeleted(id))).status).toBe(200);
    const [x] = await db.sql`select state, draft from escalations where id = ${escalation.id}`;
    expect(x).toEqual({ state: "open", draft: null });
    expect((await row(id)).metadata.deleted).toBe(true);
  });
});
