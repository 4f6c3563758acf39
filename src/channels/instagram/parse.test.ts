import { describe, expect, test } from "bun:test";
import { fixtureBytes, fixtureJson, listFixtures } from "../../../test/support/fixtures";
import { instagram } from "./index";

const ACCOUNT = "17841405555555555";
const channel = {
  channelId: "ch_ig_1",
  credentials: { ig_user_id: ACCOUNT, access_token: "t", app_secret: "s", verify_token: "v" },
};
const parseFixture = (name: string) => instagram.parse(fixtureBytes("instagram", `inbound/${name}`), channel);
const parse = (body: unknown) => instagram.parse(new TextEncoder().encode(JSON.stringify(body)), channel);
const MID = (n: string) =>
  `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1NTU1NTU1NTU1OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTY4MDAw000000000${n}`;

const MESSAGE_CASES: [string, Record<string, unknown>][] = [
  [
    "text.json",
    {
      providerMessageId: MID("00001"),
      conversationId: "5290000000000001",
      timestamp: 1764000000000,
      content: { kind: "text", text: "Hi! Do you ship to Austria?" },
    },
  ],
  [
    "image.json",
    {
      providerMessageId: MID("00002"),
      content: {
        kind: "media",
        media: {
          mediaType: "image",
          url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18000000000000101&signature=xinFixtureSignature",
        },
      },
    },
  ],
  [
    "quick_reply.json",
    {
      providerMessageId: MID("00003"),
      conversationId: "5290000000000002",
      content: { kind: "text", text: "Track my order", payload: "TRACK_ORDER" },
    },
  ],
  [
    "postback.json",
    {
      providerMessageId: MID("00004"),
      content: { kind: "button_reply", source: "postback", id: "ICEBREAKER_HOURS", title: "Opening hours" },
    },
  ],
  [
    "reaction.json",
    {
      providerMessageId: `${MID("90001")}:reaction:5290000000000001:react:1764000240000`,
      content: { kind: "reaction", targetMessageId: MID("90001"), emoji: "❤️", action: "react" },
    },
  ],
];

describe("instagram parse: fixtures", () => {
  test.each(MESSAGE_CASES)("%s", (file, expected) => {
    const result = parseFixture(file);
    expect(result.messages).toHaveLength(1);
    expect(result.statuses).toEqual([]);
    const raw = fixtureJson<{ entry: { messaging: unknown[] }[] }>("instagram", `inbound/${file}`).entry[0]
      .messaging[0];
    expect(result.messages[0]).toMatchObject({
      channel: "instagram",
      accountId: ACCOUNT,
      isEcho: false,
      isGroup: false,
      ...expected,
    });
    expect(result.messages[0].raw).toEqual(raw);
    // toMatchObject is a subset check: content and contact must match exactly, with no extra keys.
    expect(result.messages[0].content).toEqual(expected.content as never);
    if (expected.contact) expect(result.messages[0].contact).toEqual(expected.contact as never);
  });

  test("read.json marks xin's message (and earlier ones) read", () => {
    const result = parseFixture("read.json");
    expect(result.messages).toEqual([]);
    expect(result.statuses).toMatchObject([
      {
        providerMessageId: MID("90001"),
        status: "read",
        coversEarlier: true,
        recipientId: "5290000000000001",
        timestamp: 1764000300000,
      },
    ]);
  });

  test("deleted.json is a deletion event, not a message", () => {
    const result = parseFixture("deleted.json");
    expect(result.messages).toEqual([]);
    expect(result.events).toEqual([
      {
        kind: "message_deleted",
        accountId: ACCOUNT,
        conversationId: "5290000000000003",
        providerMessageId: MID("00005"),
        timestamp: 1764000360000,
      },
    ]);
  });

  test("every inbound fixture parses", () => {
    for (const f of listFixtures("instagram", "inbound")) expect(() => parseFixture(f)).not.toThrow();
  });
});

const event = (extra: Record<string, unknown>, sender = "5290000000000001", recipient = ACCOUNT) => ({
  sender: { id: sender },
  recipient: { id: recipient },
  timestamp: 1764000000000,
  ...extra,
});
const envelope = (...events: unknown[]) => ({
  object: "instagram",
  entry: [{ id: ACCOUNT, time: 1764000000400, messaging: events }],
});

describe("instagram parse: shapes the fixtures leave out", () => {
  test("an echo of our own message is recognised and keyed to the customer", () => {
    const [m] = parse(
      envelope(
        event({ message: { mid: "m_echo", text: "We ship in 3 days", is_echo: true } }, ACCOUNT, "5290000000000002"),
      ),
    ).messages;
    expect(m).toMatchObject({ isEcho: true, conversationId: "5290000000000002", providerMessageId: "m_echo" });
  });

  test("is_echo alone marks an echo (Messenger Platform sends it from the Page id)", () => {
    const [m] = parse(
      envelope(
        event({ message: { mid: "m_echo2", text: "Hi", is_echo: true } }, "104000000000001", "5290000000000003"),
      ),
    ).messages;
    expect(m).toMatchObject({ isEcho: true, conversationId: "5290000000000003", contact: { id: "5290000000000003" } });
  });

  test("a story reply keeps the story reference", () => {
    const [m] = parse(
      envelope(
        event({
          message: {
            mid: "m_story",
            text: "Love this jacket!",
            reply_to: { story: { id: "1790000000000001", url: "https://lookaside.fbsbx.com/story/1" } },
          },
        }),
      ),
    ).messages;
    expect(m.content).toEqual({
      kind: "story_reply",
      story: { id: "1790000000000001", url: "https://lookaside.fbsbx.com/story/1" },
      text: "Love this jacket!",
    });
  });

  test("an inline reply keeps the quoted mid", () => {
    const [m] = parse(
      envelope(event({ message: { mid: "m_q", text: "this", reply_to: { mid: "m_earlier" } } })),
    ).messages;
    expect(m.replyTo).toEqual({ providerMessageId: "m_earlier", isButtonHost: false });
  });

  test("an edit is recorded against the original mid", () => {
    const [m] = parse(envelope(event({ message_edit: { mid: "m_orig", text: "size L", num_edit: 1 } }))).messages;
    expect(m).toMatchObject({
      providerMessageId: "m_orig:edit:1",
      content: { kind: "edit", originalMessageId: "m_orig", content: { kind: "text", text: "size L" } },
    });
  });

  test("several attachments become several keyed messages", () => {
    const messages = parse(
      envelope(
        event({
          message: {
            mid: "m_multi",
            attachments: [
              { type: "image", payload: { url: "https://a" } },
              { type: "video", payload: { url: "https://b" } },
            ],
          },
        }),
      ),
    ).messages;
    expect(messages.map((m) => [m.providerMessageId, m.content.kind === "media" && m.content.media.mediaType])).toEqual(
      [
        ["m_multi", "image"],
        ["m_multi#1", "video"],
      ],
    );
  });

  test("unsupported and unknown attachments are kept and flagged", () => {
    const result = parse(
      envelope(
        event({ message: { mid: "m_u", is_unsupported: true } }),
        event({ message: { mid: "m_v", attachments: [{ type: "hologram", payload: {} }] } }),
      ),
    );
    expect(result.messages.map((m) => m.content.kind)).toEqual(["unsupported", "unsupported"]);
  });

  test("ad referral without a message becomes a referral entry", () => {
    const [m] = parse(
      envelope(
        event({
          referral: {
            ref: "summer",
            source: "ADS",
            type: "OPEN_THREAD",
            ad_id: "120",
            ads_context_data: { ad_title: "Summer sale" },
          },
        }),
      ),
    ).messages;
    expect(m.content).toEqual({
      kind: "referral",
      referral: { source: "ADS", ref: "summer", adId: "120", headline: "Summer sale" },
    });
  });

  test("byte-exact text from \\u-escaped bodies (how Meta signs them)", () => {
    const text = "Привет 👋🏾 مرحبا 👨‍👩‍👧‍👦";
    const escaped = JSON.stringify(envelope(event({ message: { mid: "m_t", text } }))).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    expect(instagram.parse(new TextEncoder().encode(escaped), channel).messages[0].content).toEqual({
      kind: "text",
      text,
    });
  });

  test("other accounts are foreign; unknown events and comment changes are counted", () => {
    const result = parse({
      object: "instagram",
      entry: [
        { id: "999", messaging: [event({ message: { mid: "x", text: "x" } })] },
        { id: ACCOUNT, changes: [{ field: "comments" }], messaging: [event({ optin: { ref: "x" } })] },
      ],
    });
    expect(result.messages).toEqual([]);
    expect(result.skipped).toEqual([
      { reason: "foreign_account", detail: "instagram account 999", accountId: "999" },
      { reason: "unknown_event", detail: "instagram field comments" },
      { reason: "unknown_event", detail: "instagram messaging optin" },
    ]);
  });

  test.each([
    ["wrong object", { object: "page", entry: [] }],
    [
      "event without sender",
      {
        object: "instagram",
        entry: [{ id: ACCOUNT, messaging: [{ recipient: { id: ACCOUNT }, timestamp: 1, message: { mid: "x" } }] }],
      },
    ],
    [
      "timestamp as string",
      envelope(event({ message: { mid: "x", text: "y" } }, "1")).entry.map((e) => ({
        object: "instagram",
        entry: [{ ...e, messaging: [{ ...(e.messaging[0] as object), timestamp: "1" }] }],
      }))[0],
    ],
    ["message without mid", envelope(event({ message: { text: "y" } }))],
  ])("%s → webhook.payload_invalid", (_, body) => {
    expect(() => parse(body)).toThrow(expect.objectContaining({ code: "webhook.payload_invalid", status: 400 }));
  });
});
