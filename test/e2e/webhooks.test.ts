// Every inbound fixture through the real gateway into the store, on both stores: what is written,
// what is refused, and that a provider's retry changes nothing.
import { beforeAll, expect, test } from "bun:test";
import { getChannel, metaSignatureHeader, shouldRespond } from "../../src/channels";
import { describeStores } from "../support/db";
import { fixtureBytes, listFixtures, type Provider } from "../support/fixtures";
import { IG, setupGateway, TG, WA, gatewayHandler, type GatewayFixture } from "../support/gateway";

const SECRETS: Record<Provider, Record<string, string>> = { whatsapp: WA, instagram: IG, telegram: TG };

const signedRequest = (provider: Provider, channelId: string, body: Uint8Array, forge = false) => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (provider === "telegram") headers["x-telegram-bot-api-secret-token"] = forge ? "wrong" : TG.secret_token;
  else
    headers["x-hub-signature-256"] = metaSignatureHeader(forge ? "not-the-secret" : SECRETS[provider].app_secret, body);
  return new Request(`http://x/webhooks/${provider}/${channelId}`, { method: "POST", headers, body: body as BodyInit });
};

describeStores("webhooks", (getDb) => {
  let gw: GatewayFixture;
  beforeAll(async () => {
    gw = await setupGateway(getDb());
  });
  const count = async (table: string) =>
    (await getDb().sql.unsafe(`select count(*)::int as n from ${table}`))[0].n as number;
  const snapshot = async () => ({
    messages: await count("messages"),
    jobs: await count("jobs"),
    contacts: await count("contacts"),
    conversations: await count("conversations"),
  });

  const inboundFixtures = (["whatsapp", "instagram", "telegram"] as Provider[]).flatMap((p) =>
    listFixtures(p, "inbound")
      .filter((f) => !f.includes("get_updates"))
      .map((f) => [p, f] as const),
  );

  test.each(inboundFixtures)(
    "%s %s: stored as the adapter parsed it; a retry is a no-op that answers 200",
    async (provider, file) => {
      const db = getDb();
      const channel = gw.channels[provider];
      const body = fixtureBytes(provider, `inbound/${file}`);
      const adapter = getChannel(provider);
      const parsed = adapter.parse(body, {
        channelId: channel.id,
        credentials: adapter.credentials.parse(SECRETS[provider]),
      });

      const res = await gw.fetch(signedRequest(provider, channel.id, body));
      expect(res.status).toBe(200);
      for (const m of parsed.messages) {
        const rows =
          await db.sql`select m.kind, m.body, m.direction, m.metadata, c.contact_id from messages m join conversations c on c.id = m.conversation_id
        where m.channel_id = ${channel.id} and m.provider_message_id = ${m.providerMessageId}`;
        expect(rows.length).toBe(1);
        expect(rows[0].kind).toBe(m.content.kind);
        expect(rows[0].direction).toBe(m.isEcho ? "out" : "in");
        if (m.content.kind === "text") expect(rows[0].body).toBe(m.content.text); // byte-exact
        if (m.content.kind === "unsupported") expect(rows[0].metadata.unsupported).toBe(true);
        if (m.content.kind === "edit") expect(rows[0].metadata.edit_of).toBe(m.content.originalMessageId);
        const [contact] = await db.sql`select external_id from contacts where id = ${rows[0].contact_id}`;
        expect(contact.external_id).toBe(m.conversationId);
      }
      const respondJobs = await db.sql`select count(*)::int as n from jobs where kind = 'respond'`;
      const before = await snapshot();
      const again = await gw.fetch(signedRequest(provider, channel.id, body));
      expect(again.status).toBe(200);
      expect(await snapshot()).toEqual(before);
      if (parsed.messages.some(shouldRespond)) expect(respondJobs[0].n).toBeGreaterThan(0);
    },
  );

  test("a burst of messages in one POST is one respond job per conversation; echoes and reactions get none", async () => {
    const db = getDb();
    await db.sql`delete from jobs`;
    const body = fixtureBytes("whatsapp", "inbound/text.json");
    const parsed = JSON.parse(new TextDecoder().decode(body));
    const template = parsed.entry[0].changes[0].value.messages[0];
    parsed.entry[0].changes[0].value.messages = [1, 2, 3].map((n) => ({
      ...template,
      id: `wamid.burst.${n}`,
      text: { body: `part ${n}` },
    }));
    const burst = new TextEncoder().encode(JSON.stringify(parsed));
    expect((await gw.fetch(signedRequest("whatsapp", gw.channels.whatsapp.id, burst))).status).toBe(200);
    const jobs = await db.sql`select key from jobs where kind = 'respond'`;
    expect(jobs.length).toBe(1);
    expect(jobs[0].key).toMatch(/^conv:cnv_/);
    await db.sql`delete from jobs`;
    await gw.fetch(
      signedRequest("instagram", gw.channels.instagram.id, fixtureBytes("instagram", "inbound/reaction.json")),
    );
    expect((await db.sql`select count(*)::int as n from jobs where kind = 'respond'`)[0].n).toBe(0);
  });

  test("delivery statuses advance an outbound message and never go back", async () => {
    const db = getDb();
    const wamid = "wamid.HBgNNDkxNzAwMDAwMDAxMRUCABEYEjAwMDAwMDAwMDAwMDAwMDBBMQA=";
    const [conv] = await db.sql`select id from conversations where channel_id = ${gw.channels.whatsapp.id} limit 1`;
    await db.sql`insert into messages (id, tenant_id, conversation_id, channel_id, direction, body, provider_message_id, status)
      values ('msg_out_1', ${gw.tenantId}, ${conv.id}, ${gw.channels.whatsapp.id}, 'out', 'hello', ${wamid}, 'queued')`;
    const post = (file: string) =>
      gw.fetch(signedRequest("whatsapp", gw.channels.whatsapp.id, fixtureBytes("whatsapp", `inbound/${file}`)));
    await post("status_sent.json");
    expect((await db.sql`select status from messages where id = 'msg_out_1'`)[0].status).toBe("sent");
    await post("status_read.json");
    await post("status_delivered.json"); // arrives late
    expect((await db.sql`select status from messages where id = 'msg_out_1'`)[0].status).toBe("read");
  });

  test("forged, malformed, unknown, oversized and unverifiable requests are refused with nothing written", async () => {
    const db = getDb();
    const before = await snapshot();
    const wa = gw.channels.whatsapp;
    const text = fixtureBytes("whatsapp", "inbound/text.json");
    expect((await gw.fetch(signedRequest("whatsapp", wa.id, text, true))).status).toBe(401);
    expect(
      (
        await gw.fetch(
          signedRequest(
            "telegram",
            gw.channels.telegram.id,
            fixtureBytes("telegram", "inbound/private_text.json"),
            true,
          ),
        )
      ).status,
    ).toBe(401);
    const unsigned = new Request(`http://x/webhooks/whatsapp/${wa.id}`, { method: "POST", body: text as BodyInit });
    expect((await gw.fetch(unsigned)).status).toBe(401);
    const malformed = await gw.fetch(signedRequest("whatsapp", wa.id, new TextEncoder().encode("{not json")));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("webhook.payload_invalid");
    const wrongShape = await gw.fetch(
      signedRequest(
        "whatsapp",
        wa.id,
        new TextEncoder().encode(JSON.stringify({ object: "whatsapp_business_account", entry: "nope" })),
      ),
    );
    expect(wrongShape.status).toBe(400);
    expect((await gw.fetch(signedRequest("whatsapp", "chn_unknown", text))).status).toBe(404);
    expect((await gw.fetch(signedRequest("instagram", wa.id, text))).status).toBe(404); // provider mismatch
    const small = gatewayHandler(db, 2048);
    const big = new Uint8Array(4096).fill(32);
    expect((await small(signedRequest("whatsapp", wa.id, big))).status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  test("Meta's GET handshake answers the challenge only with the right verify token", async () => {
    const wa = gw.channels.whatsapp;
    const ok = await gw.fetch(
      new Request(
        `http://x/webhooks/whatsapp/${wa.id}?hub.mode=subscribe&hub.verify_token=${WA.verify_token}&hub.challenge=1158201444`,
      ),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const bad = await gw.fetch(
      new Request(`http://x/webhooks/whatsapp/${wa.id}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`),
    );
    expect(bad.status).toBe(403);
  });

  test("a webhook for an account no channel owns answers 200 and stores nothing", async () => {
    const db = getDb();
    const before = await snapshot();
    const body = new TextDecoder()
      .decode(fixtureBytes("whatsapp", "inbound/text.json"))
      .replaceAll("106540352242922", "999999999999999");
    const res = await gw.fetch(signedRequest("whatsapp", gw.channels.whatsapp.id, new TextEncoder().encode(body)));
    expect(res.status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });
});
