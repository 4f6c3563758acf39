// A customer message with no words is never left in silence: by default it escalates as
// unsupported_content with the holding message, a brand may answer it with its own acknowledgement, and a
// caption is answered as text — each named by the turn that took it (`messages.answered_by`).
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { queueSettled, waitUntil, whatsappTextBody } from "../../test/support/answering";
import { describeStores } from "../../test/support/db";
import { startOpenAIFake, type OpenAIFake } from "../../test/support/fakes/openai";
import { WA } from "../../test/support/gateway";
import { startRespondRig, type RespondRig } from "../../test/support/respond-rig";
import { metaSignatureHeader } from "../channels";
import { RESPOND_JOB } from "../inbox";
import { DEFAULT_HOLDING_MESSAGE } from "./respond";

let llm: OpenAIFake;
beforeAll(() => {
  llm = startOpenAIFake();
});
afterAll(() => llm.stop());

/** A WhatsApp image from `wa`, with or without a caption. */
const image = (wa: string, id: string, caption?: string) => {
  const body = JSON.parse(whatsappTextBody(wa, [{ id, text: "x" }]));
  const { text: _, ...m } = body.entry[0].changes[0].value.messages[0];
  body.entry[0].changes[0].value.messages[0] = {
    ...m,
    type: "image",
    image: { id: "media-1", mime_type: "image/jpeg", sha256: "abc", ...(caption ? { caption } : {}) },
  };
  return JSON.stringify(body);
};

describeStores("turns without words", (getDb) => {
  let rig: RespondRig;
  beforeAll(async () => {
    rig = await startRespondRig(getDb(), llm.baseUrl);
  });
  afterAll(() => rig.stop());
  beforeEach(() => {
    llm.reset();
    llm.setReply("Shipping to Austria takes 4 to 6 working days [1].");
  });
  const post = async (body: string) => {
    const headers = {
      "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body),
      "content-type": "application/json",
    };
    expect(
      (
        await rig.gw.fetch(
          new Request(`http://x/webhooks/whatsapp/${rig.gw.channels.whatsapp.id}`, { method: "POST", headers, body }),
        )
      ).status,
    ).toBe(200);
  };

  test("a photo with no words escalates as unsupported_content with the holding message; the escalation names it", async () => {
    const wa = "4915200000005";
    await post(image(wa, "wamid.p1"));
    await waitUntil(async () => (await rig.escalations(wa)).length === 1);
    await queueSettled(getDb(), RESPOND_JOB);
    const [esc] = await rig.escalations(wa);
    expect(esc).toMatchObject({ reason: "unsupported_content", status: "human" });
    expect((await rig.outbound(wa)).map((m) => m.body)).toEqual([DEFAULT_HOLDING_MESSAGE]);
    const [photo] = await rig.expectAllNamed(wa);
    expect(photo.answered_by).toBe(esc.id);
    expect(llm.chatRequests().length).toBe(0);
  });

  test("a photo with a caption is answered as text, the photo noted with the reply", async () => {
    const wa = "4915200000006";
    await post(image(wa, "wamid.p2", "How long does shipping to Austria take?"));
    await waitUntil(async () => (await rig.outbound(wa)).length === 1);
    const [reply] = await rig.outbound(wa);
    expect(reply.body).toBe("Shipping to Austria takes 4 to 6 working days.");
    expect(reply.metadata.answer.noted).toEqual([{ id: expect.any(String), kind: "media" }]);
    await rig.expectAllNamed(wa);
  });

  test("a brand's non_text policy: its acknowledgement as the reply when it does not escalate", async () => {
    const db = getDb();
    const wa = "4915200000007";
    const policies = {
      non_text: { reply: "Thanks for the picture! Please describe your question in words.", escalate: false },
    };
    await db.sql`update brands set policies = ${JSON.stringify(policies)}::jsonb where id = ${rig.gw.brandId}`;
    try {
      await post(image(wa, "wamid.p3"));
      await waitUntil(async () => (await rig.outbound(wa)).length === 1);
      expect((await rig.outbound(wa))[0].body).toBe(policies.non_text.reply);
      expect((await rig.escalations(wa)).length).toBe(0);
      await rig.expectAllNamed(wa);
    } finally {
      await db.sql`update brands set policies = '{}'::jsonb where id = ${rig.gw.brandId}`;
    }
  });
});
