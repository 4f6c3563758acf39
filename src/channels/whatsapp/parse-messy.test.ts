// Real-world shapes the fixtures leave out on purpose: batching, scripts and emoji, quotes, unknown types,
// foreign numbers, edits, and malformed bodies under a valid signature.
import { describe, expect, test } from "bun:test";
import { whatsapp } from "./index";
import { ChannelError } from "../errors";

const PNID = "106540352242922";
const channel = {
  channelId: "ch_wa_1",
  credentials: { phone_number_id: PNID, access_token: "t", app_secret: "s", verify_token: "v" },
};
const parseText = (text: string) => whatsapp.parse(new TextEncoder().encode(text), channel);
const parse = (body: unknown) => parseText(JSON.stringify(body));

const value = (extra: Record<string, unknown>, pnid = PNID) => ({
  messaging_product: "whatsapp",
  metadata: { display_phone_number: "15550199999", phone_number_id: pnid },
  ...extra,
});
const envelope = (...values: Record<string, unknown>[]) => ({
  object: "whatsapp_business_account",
  entry: [{ id: "2200000000000007", changes: values.map((v) => ({ field: "messages", value: v })) }],
});
const text = (from: string, id: string, body: string, extra: Record<string, unknown> = {}) => ({
  from,
  id,
  timestamp: "1764000000",
  type: "text",
  text: { body },
  ...extra,
});
const contact = (wa_id: string, name: string) => ({ wa_id, profile: { name } });

describe("whatsapp parse: batching", () => {
  test("two customers in one change, with a status, across two entries", () => {
    const body = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "w",
          changes: [
            {
              field: "messages",
              value: value({
                contacts: [contact("491", "Anna"), contact("492", "Ben")],
                messages: [text("491", "wamid.A", "one"), text("492", "wamid.B", "two")],
                statuses: [{ id: "wamid.OUT", status: "delivered", timestamp: "1764000001", recipient_id: "491" }],
              }),
            },
          ],
        },
        {
          id: "w",
          changes: [
            {
              field: "messages",
              value: value({ contacts: [contact("493", "Clara")], messages: [text("493", "wamid.C", "three")] }),
            },
          ],
        },
      ],
    };
    const result = parse(body);
    expect(result.messages.map((m) => [m.providerMessageId, m.conversationId, m.contact.name])).toEqual([
      ["wamid.A", "491", "Anna"],
      ["wamid.B", "492", "Ben"],
      ["wamid.C", "493", "Clara"],
    ]);
    expect(result.statuses.map((s) => [s.providerMessageId, s.status])).toEqual([["wamid.OUT", "delivered"]]);
  });

  test("a number no channel owns is skipped as foreign, the channel's own is kept", () => {
    const result = parse(
      envelope(
        value({ messages: [text("491", "wamid.X", "x")] }, "999"),
        value({ messages: [text("491", "wamid.Y", "y")] }),
      ),
    );
    expect(result.messages.map((m) => m.providerMessageId)).toEqual(["wamid.Y"]);
    expect(result.skipped).toEqual([{ reason: "foreign_account", detail: "phone_number_id 999", accountId: "999" }]);
  });

  test("other webhook fields are counted, not parsed", () => {
    const result = parse({
      object: "whatsapp_business_account",
      entry: [{ id: "w", changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }] }],
    });
    expect(result.messages).toEqual([]);
    expect(result.skipped).toEqual([
      { reason: "unknown_event", detail: "whatsapp field message_template_status_update" },
    ]);
  });
});

describe("whatsapp parse: text is byte-exact", () => {
  test.each([
    ["Arabic RTL", "مرحبا، هل المتجر مفتوح؟"],
    ["emoji ZWJ family and flag", "👩‍👩‍👧 🇩🇪 👍🏽"],
    ["CJK and combining marks", "你好 e\u0301 ñ"],
    ["surrounding whitespace and newlines", "  two\n\nparagraphs \t"],
  ])("%s", (_, body) => {
    const escaped = JSON.stringify(envelope(value({ messages: [text("491", "wamid.T", body)] }))).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    expect(parseText(escaped).messages[0].content).toEqual({ kind: "text", text: body });
  });

  test("lone surrogates and NUL, which PostgreSQL cannot store, become U+FFFD; the rest stays", () => {
    const body = JSON.stringify(envelope(value({ messages: [text("491", "wamid.S", "x")] }))).replace(
      '"body":"x"',
      '"body":"a\\ud83d b\\u0000c \\ud83d\\udc4d"',
    );
    expect(parseText(body).messages[0].content).toEqual({ kind: "text", text: "a\ufffd b\ufffdc 👍" });
  });
});

describe("whatsapp parse: context, edits and unknown types", () => {
  test("a quote-reply keeps the quoted id, not marked as a button host", () => {
    const [m] = parse(
      envelope(
        value({ messages: [text("491", "wamid.Q", "this one", { context: { from: "491", id: "wamid.EARLIER" } })] }),
      ),
    ).messages;
    expect(m.replyTo).toEqual({ providerMessageId: "wamid.EARLIER", isButtonHost: false });
  });

  test("an unsupported message is kept, flagged, with its raw payload", () => {
    const raw = {
      from: "491",
      id: "wamid.U",
      timestamp: "1764000000",
      type: "unsupported",
      errors: [
        {
          code: 131051,
          title: "Message type unknown",
          error_data: { details: "Message type is currently not supported." },
        },
      ],
    };
    const [m] = parse(envelope(value({ messages: [raw] }))).messages;
    expect(m.content).toEqual({
      kind: "unsupported",
      providerType: "unsupported",
      reason: "131051: Message type unknown: Message type is currently not supported.",
    });
    expect(m.raw).toEqual(raw);
  });

  test.each([
    ["an unknown type", { type: "hologram", hologram: { x: 1 } }, "hologram"],
    ["an order", { type: "order", order: { catalog_id: "1", product_items: [] } }, "order"],
    ["a known type without its object", { type: "interactive" }, "interactive"],
  ])("%s becomes unsupported, never dropped", (_, extra, providerType) => {
    const [m] = parse(
      envelope(value({ messages: [{ from: "491", id: "wamid.K", timestamp: "1764000000", ...extra }] })),
    ).messages;
    expect(m.content).toMatchObject({ kind: "unsupported", providerType });
  });

  test("an edit points at the original message", () => {
    const raw = {
      from: "491",
      id: "wamid.E2",
      timestamp: "1764000100",
      type: "edit",
      edit: { original_message_id: "wamid.E1", message: { type: "text", text: { body: "size L, not M" } } },
    };
    const [m] = parse(envelope(value({ messages: [raw] }))).messages;
    expect(m.providerMessageId).toBe("wamid.E2");
    expect(m.content).toEqual({
      kind: "edit",
      originalMessageId: "wamid.E1",
      content: { kind: "text", text: "size L, not M" },
    });
  });

  test("a revoke is a deletion of the original, not a new message", () => {
    const out = parse(
      envelope(
        value({
          contacts: [contact("491", "Ana")],
          messages: [
            {
              from: "491",
              id: "wamid.V",
              timestamp: "1764000200",
              type: "revoke",
              revoke: { original_message_id: "wamid.O1" },
            },
          ],
        }),
      ),
    );
    expect(out.messages).toEqual([]);
    expect(out.events).toEqual([
      {
        kind: "message_deleted",
        accountId: PNID,
        conversationId: "491",
        providerMessageId: "wamid.O1",
        timestamp: 1764000200000,
      },
    ]);
  });

  test("system notices (number or security code changed) are skipped as no customer message", () => {
    const out = parse(
      envelope(
        value({
          messages: [
            {
              from: "491",
              id: "wamid.S",
              timestamp: "1",
              type: "system",
              system: { body: "User A changed from 491 to 492", wa_id: "492", type: "user_changed_number" },
            },
          ],
        }),
      ),
    );
    expect(out.messages).toEqual([]);
    expect(out.skipped).toEqual([{ reason: "not_customer", detail: "whatsapp system user_changed_number" }]);
  });

  test("a reaction without emoji is a removal", () => {
    const [m] = parse(
      envelope(
        value({
          messages: [
            { from: "491", id: "wamid.R", timestamp: "1", type: "reaction", reaction: { message_id: "wamid.OUT" } },
          ],
        }),
      ),
    ).messages;
    expect(m.content).toEqual({ kind: "reaction", targetMessageId: "wamid.OUT", action: "unreact" });
  });
});

describe("whatsapp parse: malformed bodies are webhook.payload_invalid", () => {
  test.each([
    ["not JSON", "{nope"],
    ["not UTF-8", new Uint8Array([0x7b, 0xff, 0x7d])],
    ["wrong object", JSON.stringify({ object: "instagram", entry: [] })],
    ["entry not an array", JSON.stringify({ object: "whatsapp_business_account", entry: {} })],
    ["value without metadata", JSON.stringify(envelope({ messages: [] }))],
    [
      "message without id",
      JSON.stringify(
        envelope(value({ messages: [{ from: "491", timestamp: "1", type: "text", text: { body: "x" } }] })),
      ),
    ],
    [
      "message without sender",
      JSON.stringify(
        envelope(value({ messages: [{ id: "wamid.N", timestamp: "1", type: "text", text: { body: "x" } }] })),
      ),
    ],
    [
      "timestamp not numeric",
      JSON.stringify(envelope(value({ messages: [text("491", "wamid.N", "x", { timestamp: "yesterday" })] }))),
    ],
    [
      "timestamp past year 9999",
      JSON.stringify(envelope(value({ messages: [text("491", "wamid.N", "x", { timestamp: "999999999999" })] }))),
    ],
    [
      "timestamp as a huge number",
      JSON.stringify(envelope(value({ messages: [text("491", "wamid.N", "x", { timestamp: 1e300 })] }))),
    ],
    // Issue 13: a signed payload whose content object has the wrong types is refused, not stored as unsupported.
    [
      "text.body a number",
      JSON.stringify(
        envelope(
          value({ messages: [{ from: "491", id: "wamid.N", timestamp: "1", type: "text", text: { body: 5 } }] }),
        ),
      ),
    ],
    [
      "text.body null",
      JSON.stringify(
        envelope(
          value({ messages: [{ from: "491", id: "wamid.N", timestamp: "1", type: "text", text: { body: null } }] }),
        ),
      ),
    ],
    [
      "text.body an array",
      JSON.stringify(
        envelope(
          value({ messages: [{ from: "491", id: "wamid.N", timestamp: "1", type: "text", text: { body: [] } }] }),
        ),
      ),
    ],
    [
      "text an array",
      JSON.stringify(
        envelope(value({ messages: [{ from: "491", id: "wamid.N", timestamp: "1", type: "text", text: [] }] })),
      ),
    ],
    [
      "an image without its id",
      JSON.stringify(
        envelope(
          value({
            messages: [{ from: "491", id: "wamid.N", timestamp: "1", type: "image", image: { caption: "no id" } }],
          }),
        ),
      ),
    ],
    [
      "a latitude beyond 90",
      JSON.stringify(
        envelope(
          value({
            messages: [
              {
                from: "491",
                id: "wamid.N",
                timestamp: "1",
                type: "location",
                location: { latitude: 1e308, longitude: 0 },
              },
            ],
          }),
        ),
      ),
    ],
    [
      "a revoke without the original's id",
      JSON.stringify(
        envelope(value({ messages: [{ from: "491", id: "wamid.N", timestamp: "1", type: "revoke", revoke: {} }] })),
      ),
    ],
    [
      "an edit whose new text has the wrong type",
      JSON.stringify(
        envelope(
          value({
            messages: [
              {
                from: "491",
                id: "wamid.N",
                timestamp: "1",
                type: "edit",
                edit: { original_message_id: "wamid.O", message: { type: "text", text: { body: 5 } } },
              },
            ],
          }),
        ),
      ),
    ],
  ])("%s", (_, body) => {
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    let error: unknown;
    try {
      whatsapp.parse(bytes, channel);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code: "webhook.payload_invalid", status: 400 });
    // Short: the full path to the bad field and the expected type, never the value.
    expect((error as Error).message.length).toBeLessThan(140);
  });
});
