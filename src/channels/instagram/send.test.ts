import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { errorFixture, fixtureJson } from "../../../test/support/fixtures";
import { startMetaGraphFake } from "../../../test/support/fakes";
import type { ChannelContext, OutboundContent, OutboundMessage } from "../types";
import { instagram, type InstagramCredentials } from "./index";

const TOKEN = "ig-test-token";
const fake = startMetaGraphFake({ accessToken: TOKEN });
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const ctx = (): ChannelContext<InstagramCredentials> => ({
  channelId: "ch_ig_1",
  credentials: { ig_user_id: "17841405555555555", access_token: TOKEN, app_secret: "s", verify_token: "v" },
  baseUrl: fake.baseUrl,
  fetch,
  signal: new AbortController().signal,
  deadline: Date.now() + 5000,
});
const request = (name: string) => fixtureJson<Record<string, unknown>>("instagram", `send/${name}.request.json`);
const response = (name: string) => fixtureJson<{ message_id: string }>("instagram", `send/${name}.response.json`);

const SEND_CASES: [string, OutboundMessage][] = [
  [
    "text",
    {
      conversationId: "5290000000000001",
      content: { kind: "text", text: "Yes, we ship to Austria. Delivery takes 3-5 business days." },
    },
  ],
  [
    "text_human_agent",
    {
      conversationId: "5290000000000001",
      isHumanAgent: true,
      content: { kind: "text", text: "Hi, this is Mara from the support team. Your refund was approved today." },
    },
  ],
  [
    "image",
    {
      conversationId: "5290000000000001",
      content: { kind: "media", mediaType: "image", source: { url: "https://shop.example.com/media/blue-jacket.jpg" } },
    },
  ],
  [
    "quick_replies",
    {
      conversationId: "5290000000000002",
      content: {
        kind: "buttons",
        text: "What would you like to do?",
        buttons: [
          { id: "TRACK_ORDER", title: "Track my order" },
          { id: "RETURN_ITEM", title: "Return an item" },
          { id: "HUMAN", title: "Talk to a person" },
        ],
      },
    },
  ],
];

describe("instagram send", () => {
  test.each(SEND_CASES)("%s: body equals the fixture, id from the answer", async (name, message) => {
    fake.script({ status: 200, body: response(name) });
    expect(await instagram.send(message, ctx())).toEqual({ providerMessageId: response(name).message_id });
    const [r] = fake.requests;
    expect([r.method, r.path, r.headers.get("authorization")]).toEqual([
      "POST",
      "/v25.0/17841405555555555/messages",
      `Bearer ${TOKEN}`,
    ]);
    expect(r.body).toEqual(request(name));
  });

  test("sender actions: typing_on, mark_seen, react", async () => {
    const mid =
      "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1NTU1NTU1NTU1OjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTY4MDAw00000000000001";
    await instagram.act({ kind: "typing", conversationId: "5290000000000001" }, ctx());
    await instagram.act({ kind: "mark_read", conversationId: "5290000000000001", providerMessageId: mid }, ctx());
    await instagram.act(
      { kind: "react", conversationId: "5290000000000001", providerMessageId: mid, emoji: "❤️" },
      ctx(),
    );
    expect(fake.requests.map((r) => r.body)).toEqual([request("typing_on"), request("mark_seen"), request("react")]);
  });

  test("text over 1000 UTF-8 bytes is refused before sending (500 two-byte letters are 1000 bytes)", async () => {
    const fits = await instagram.send({ conversationId: "1", content: { kind: "text", text: "ä".repeat(500) } }, ctx());
    expect(fits.providerMessageId).toStartWith("aWdfFAKEmid");
    const error = await instagram
      .send({ conversationId: "1", content: { kind: "text", text: "ä".repeat(501) } }, ctx())
      .catch((e) => e);
    expect(error).toMatchObject({ code: "channel.send_rejected", reason: "too_long" });
    expect(fake.requests).toHaveLength(1);
  });

  test.each<[string, OutboundContent]>([
    ["template", { kind: "template", name: "x", language: "en", bodyParams: [] }],
    [
      "upload",
      {
        kind: "media",
        mediaType: "image",
        source: { upload: { data: new Uint8Array([1]), filename: "a.png", mimeType: "image/png" } },
      },
    ],
    ["caption", { kind: "media", mediaType: "image", source: { url: "https://a" }, caption: "c" }],
  ])("%s is unsupported on Instagram, nothing sent", async (_, content) => {
    expect(await instagram.send({ conversationId: "1", content }, ctx()).catch((e) => e)).toMatchObject({
      code: "channel.send_rejected",
      reason: "unsupported",
    });
    expect(fake.requests).toHaveLength(0);
  });

  test.each([
    ["10_outside_window.403.json", false, "outside_window"],
    ["190_token_expired.401.json", false, "auth"],
    ["613_rate_limit.400.json", true, "rate_limited"],
    ["100_invalid_parameter.400.json", false, "payload"],
  ] as const)("%s → retryable=%p %s", async (file, retryable, reason) => {
    const fixture = errorFixture("instagram", file);
    fake.script({ status: fixture.httpStatus, body: fixture.body });
    const error = await instagram
      .send({ conversationId: "1", content: { kind: "text", text: "hi" } }, ctx())
      .catch((e) => e);
    expect(error).toMatchObject({ retryable, reason, providerCode: file.split("_")[0] });
  });
});
