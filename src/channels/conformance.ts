/**
 * The shared suite every registered adapter passes (STYLE.md §3). Call `runChannelConformance` from a
 * test with a harness describing how to sign a webhook and where the provider's fake server is; it
 * registers bun:test cases for the contract's guarantees:
 * - static facts: id, capabilities, credentials schema that names missing keys;
 * - verify: a signed request passes, an unsigned or forged one is `webhook.signature_invalid` (401);
 * - parse: every sample body parses deterministically into well-formed events with unique keys, and
 *   malformed bodies are `webhook.payload_invalid` (400);
 * - send: a text reaches the fake once and yields an id; 5xx and hangs are retryable; over-limit text
 *   is refused before any request.
 * Not imported by the product (it imports bun:test); lives here so a new adapter cannot forget it.
 */
import { describe, expect, test } from "bun:test";
import { isChannelError } from "./errors";
import type { Channel, ChannelContext, WebhookRequest } from "./types";

/** The slice of a fake provider server the suite needs (test/support/fakes satisfy it). */
export type ConformanceFake = {
  baseUrl: string;
  requests: unknown[];
  script(reply: { status: number; body?: unknown } | { hang: true }): void;
  reset(): void;
  stop(): Promise<void>;
};

export type ConformanceHarness = {
  /** Raw credentials as `xin channel add` would collect them (before schema parsing). */
  credentials: Record<string, unknown>;
  /** Sample webhook bodies (exact bytes), e.g. every fixture in `<provider>/inbound/`. */
  samples: { name: string; body: Uint8Array }[];
  /** A request for `body` authenticated as the provider would send it. */
  signed(body: Uint8Array, credentials: Record<string, unknown>): WebhookRequest;
  /** The provider's fake server; absent for a channel without a provider API (the web widget). */
  startFake?(credentials: Record<string, unknown>): ConformanceFake;
  /** A conversation id the fake accepts. */
  conversationId: string;
};

const CONTENT_KINDS = new Set([
  "text",
  "media",
  "location",
  "contacts",
  "button_reply",
  "callback_query",
  "reaction",
  "edit",
  "story_reply",
  "referral",
  "unsupported",
]);

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

export const runChannelConformance = (channel: Channel, harness: ConformanceHarness): void => {
  const credentials = channel.credentials.parse(harness.credentials);
  const binding = { channelId: `ch_conformance_${channel.id}`, credentials };

  describe(`conformance: ${channel.id}`, () => {
    test("static facts", () => {
      expect(channel.id).toMatch(/^[a-z][a-z0-9-]*$/);
      const c = channel.capabilities;
      expect(c.text.limit).toBeGreaterThan(0);
      expect(c.buttons.maxCount).toBeGreaterThanOrEqual(0);
      if (c.window.humanAgentHours !== null) expect(c.window.humanAgentHours).toBeGreaterThan(c.window.hours ?? 0);
      if (harness.startFake) expect(channel.defaultBaseUrl).toStartWith("https://");
      const missing = channel.credentials.safeParse({});
      expect(missing.success).toBe(false);
      expect(missing.error?.issues.every((i) => i.path.length > 0)).toBe(true);
    });

    test("verify: signed passes, unsigned and forged are refused with 401", () => {
      const [sample] = harness.samples;
      expect(channel.verify(harness.signed(sample.body, harness.credentials), binding)).toEqual({ kind: "verified" });
      const unsigned: WebhookRequest = {
        method: "POST",
        headers: new Headers(),
        query: new URLSearchParams(),
        body: sample.body,
      };
      expect(thrown(() => channel.verify(unsigned, binding))).toMatchObject({
        code: "webhook.signature_invalid",
        status: 401,
      });
      const forgedCredentials = Object.fromEntries(
        Object.entries(harness.credentials).map(([k, v]) => [
          k,
          typeof v === "string" && /secret/.test(k) ? `${v}x` : v,
        ]),
      );
      expect(thrown(() => channel.verify(harness.signed(sample.body, forgedCredentials), binding))).toMatchObject({
        code: "webhook.signature_invalid",
      });
    });

    test.each(harness.samples.map((s) => [s.name, s] as const))("parse %s: well-formed, deterministic", (_, sample) => {
      const first = channel.parse(sample.body, binding);
      const again = channel.parse(sample.body, binding);
      const total = first.messages.length + first.statuses.length + first.events.length + first.skipped.length;
      expect(total).toBeGreaterThan(0);
      const keys = first.messages.map((m) => m.providerMessageId);
      expect(new Set(keys).size).toBe(keys.length);
      expect(again.messages.map((m) => m.providerMessageId)).toEqual(keys);
      const accountId = channel.accountIdOf(credentials);
      for (const item of [...first.messages, ...first.statuses, ...first.events])
        expect(item.accountId).toBe(accountId);
      for (const m of first.messages) {
        expect(m.channel).toBe(channel.id);
        expect(m.providerMessageId.length).toBeGreaterThan(0);
        expect(m.conversationId.length).toBeGreaterThan(0);
        expect(m.contact.id.length).toBeGreaterThan(0);
        expect(Number.isFinite(m.timestamp) && m.timestamp > 1_000_000_000_000).toBe(true);
        expect(CONTENT_KINDS.has(m.content.kind)).toBe(true);
        expect(m.raw).toBeDefined();
      }
      for (const s of first.statuses) expect(s.providerMessageId.length).toBeGreaterThan(0);
    });

    test.each([
      ["not JSON", "{"],
      ["empty object", "{}"],
      ["a JSON string", '"hello"'],
      ["null", "null"],
    ])("parse %s → webhook.payload_invalid (400)", (_, text) => {
      const error = thrown(() => channel.parse(new TextEncoder().encode(text), binding));
      expect(isChannelError(error)).toBe(true);
      expect(error).toMatchObject({ code: "webhook.payload_invalid", status: 400 });
    });

    const startFake = harness.startFake;
    if (!startFake) {
      test("send without a provider API: fresh ids, an aborted send is retryable, over-limit text is refused", async () => {
        const ctx = (signal = new AbortController().signal): ChannelContext<typeof credentials> => ({
          ...binding,
          baseUrl: "",
          fetch,
          signal,
          deadline: Date.now() + 1000,
        });
        const text = {
          conversationId: harness.conversationId,
          content: { kind: "text" as const, text: "conformance hello" },
        };
        const [a, b] = [await channel.send(text, ctx()), await channel.send(text, ctx())];
        expect(a.providerMessageId.length).toBeGreaterThan(0);
        expect(a.providerMessageId).not.toBe(b.providerMessageId);
        const aborted = new AbortController();
        aborted.abort();
        expect(await channel.send(text, ctx(aborted.signal)).catch((e) => e)).toMatchObject({ retryable: true });
        const long = {
          ...text,
          content: { kind: "text" as const, text: "a".repeat(channel.capabilities.text.limit + 1) },
        };
        expect(await channel.send(long, ctx()).catch((e) => e)).toMatchObject({
          code: "channel.send_rejected",
          reason: "too_long",
        });
        await channel.act({ kind: "typing", conversationId: harness.conversationId }, ctx());
      });
      return;
    }

    test("send: text arrives once with an id; 5xx and hangs are retryable; over-limit text is refused", async () => {
      const fake = startFake(harness.credentials);
      const ctx = (deadlineMs = 5000): ChannelContext<typeof credentials> => ({
        ...binding,
        baseUrl: fake.baseUrl,
        fetch,
        signal: new AbortController().signal,
        deadline: Date.now() + deadlineMs,
      });
      const text = {
        conversationId: harness.conversationId,
        content: { kind: "text" as const, text: "conformance hello" },
      };
      try {
        const sent = await channel.send(text, ctx());
        expect(sent.providerMessageId.length).toBeGreaterThan(0);
        expect(fake.requests).toHaveLength(1);
        fake.script({ status: 503, body: {} });
        expect(await channel.send(text, ctx()).catch((e) => e)).toMatchObject({ retryable: true });
        fake.script({ hang: true });
        expect(await channel.send(text, ctx(200)).catch((e) => e)).toMatchObject({
          retryable: true,
          reason: "timeout",
        });
        fake.reset();
        const long = {
          ...text,
          content: { kind: "text" as const, text: "a".repeat(channel.capabilities.text.limit + 1) },
        };
        expect(await channel.send(long, ctx()).catch((e) => e)).toMatchObject({
          code: "channel.send_rejected",
          reason: "too_long",
        });
        expect(fake.requests).toHaveLength(0);
        await channel.act(
          { kind: "typing", conversationId: harness.conversationId, providerMessageId: sent.providerMessageId },
          ctx(),
        );
      } finally {
        await fake.stop();
      }
    });
  });
};
