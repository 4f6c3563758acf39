// Runs the shared adapter suite against every registered channel; an adapter without a harness fails.
import { describe, expect, test } from "bun:test";
import { fixtureBytes, listFixtures, type Provider } from "../../test/support/fixtures";
import { startMetaGraphFake, startTelegramFake } from "../../test/support/fakes";
import { runChannelConformance, type ConformanceHarness } from "./conformance";
import { metaSignatureHeader } from "./meta";
import { channels } from "./registry";
import { widgetBodySignature, widgetCredentials } from "./widget";

const samples = (provider: Provider) =>
  listFixtures(provider, "inbound")
    .filter((f) => f !== "get_updates.response.json")
    .map((name) => ({ name, body: fixtureBytes(provider, `inbound/${name}`) }));

const metaSigned = (body: Uint8Array, credentials: Record<string, unknown>) => ({
  method: "POST",
  headers: new Headers({ "x-hub-signature-256": metaSignatureHeader(String(credentials.app_secret), body) }),
  query: new URLSearchParams(),
  body,
});

const HARNESSES: Record<string, ConformanceHarness> = {
  whatsapp: {
    credentials: {
      phone_number_id: "106540352242922",
      access_token: "conf-token",
      app_secret: "conf-secret",
      verify_token: "conf-verify",
    },
    samples: samples("whatsapp"),
    signed: metaSigned,
    startFake: (c) => startMetaGraphFake({ accessToken: String(c.access_token) }),
    conversationId: "4917000000011",
  },
  instagram: {
    credentials: {
      ig_user_id: "17841405555555555",
      access_token: "conf-token",
      app_secret: "conf-secret",
      verify_token: "conf-verify",
    },
    samples: samples("instagram"),
    signed: metaSigned,
    startFake: (c) => startMetaGraphFake({ accessToken: String(c.access_token) }),
    conversationId: "5290000000000001",
  },
  telegram: {
    credentials: { bot_token: "7000000001:AAFakeTokenForTestsOnly", secret_token: "conf_secret-1" },
    samples: samples("telegram"),
    signed: (body, c) => ({
      method: "POST",
      headers: new Headers({ "x-telegram-bot-api-secret-token": String(c.secret_token) }),
      query: new URLSearchParams(),
      body,
    }),
    startFake: (c) => {
      const fake = startTelegramFake({ token: String(c.bot_token) });
      return Object.assign(fake, { baseUrl: fake.url });
    },
    conversationId: "551000001",
  },
  web: (() => {
    const credentials = {
      allowed_origins: ["https://shop.example"],
      widget_id: "wgt_conformance_0001",
      session_secret: "conformance-session-secret-0123456789abcdef",
    };
    const visitor = "v_AAAAAAAAAAAAAAAAAAAAAA";
    const body = (messages: unknown[]) =>
      new TextEncoder().encode(JSON.stringify({ visitor_id: visitor, visitor: { language: "de" }, messages }));
    return {
      credentials,
      samples: [
        {
          name: "text",
          body: body([{ id: "c-00000001", sent_at: 1_790_000_000_000, text: "Hallo 👋🏽 — ist das Paket unterwegs?" }]),
        },
        {
          name: "burst with a button",
          body: body([
            { id: "c-00000002", sent_at: 1_790_000_000_001, text: "one" },
            { id: "c-00000003", sent_at: 1_790_000_000_002, button: { id: "track", title: "Track my order" } },
          ]),
        },
      ],
      signed: (b: Uint8Array, c: Record<string, unknown>) => ({
        method: "POST",
        headers: new Headers({ "x-xin-signature": widgetBodySignature(widgetCredentials.parse(c), b) }),
        query: new URLSearchParams(),
        body: b,
      }),
      conversationId: visitor,
    } satisfies ConformanceHarness;
  })(),
};

describe("registry", () => {
  test("ids are unique and every adapter has a conformance harness", () => {
    const ids = channels.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !HARNESSES[id])).toEqual([]);
  });
});

for (const channel of channels) {
  const harness = HARNESSES[channel.id];
  if (harness) runChannelConformance(channel, harness);
}
