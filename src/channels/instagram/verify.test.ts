import { describe, expect, test } from "bun:test";
import { fixtureBytes, listFixtures } from "../../../test/support/fixtures";
import { metaSignatureHeader } from "../meta";
import type { WebhookRequest } from "../types";
import { instagram } from "./index";

const SECRET = "ig-app-secret";
const channel = {
  channelId: "ch_ig_1",
  credentials: { ig_user_id: "17841405555555555", access_token: "t", app_secret: SECRET, verify_token: "ig-verify" },
};
const post = (bytes: Uint8Array, signature?: string): WebhookRequest => ({
  method: "POST",
  headers: new Headers(signature ? { "x-hub-signature-256": signature } : {}),
  query: new URLSearchParams(),
  body: bytes,
});

describe("instagram verify", () => {
  test.each(listFixtures("instagram", "inbound"))("%s signed over its exact bytes is verified", (file) => {
    const bytes = fixtureBytes("instagram", `inbound/${file}`);
    expect(instagram.verify(post(bytes, metaSignatureHeader(SECRET, bytes)), channel)).toEqual({ kind: "verified" });
  });

  test("a signature over the unescaped (re-encoded) emoji does not verify the escaped bytes Meta sent", () => {
    const bytes = fixtureBytes("instagram", "inbound/reaction.json");
    const unescaped = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 2));
    expect(new TextDecoder().decode(bytes)).toContain("\\u2764");
    expect(() => instagram.verify(post(bytes, metaSignatureHeader(SECRET, unescaped)), channel)).toThrow(
      expect.objectContaining({ code: "webhook.signature_invalid", status: 401 }),
    );
  });

  test.each([
    ["no header", undefined],
    ["other secret", metaSignatureHeader("wrong", fixtureBytes("instagram", "inbound/text.json"))],
  ])("%s → 401", (_, signature) => {
    expect(() => instagram.verify(post(fixtureBytes("instagram", "inbound/text.json"), signature), channel)).toThrow(
      expect.objectContaining({ code: "webhook.signature_invalid", status: 401 }),
    );
  });

  test("GET handshake: right token echoes the challenge, wrong token is 403", () => {
    const get = (q: string): WebhookRequest => ({
      method: "GET",
      headers: new Headers(),
      query: new URLSearchParams(q),
      body: new Uint8Array(),
    });
    expect(
      instagram.verify(get("hub.mode=subscribe&hub.verify_token=ig-verify&hub.challenge=abc123"), channel),
    ).toEqual({ kind: "challenge", body: "abc123" });
    expect(() =>
      instagram.verify(get("hub.mode=subscribe&hub.verify_token=ig-verif&hub.challenge=abc123"), channel),
    ).toThrow(expect.objectContaining({ code: "webhook.verify_token_invalid", status: 403 }));
  });
});
