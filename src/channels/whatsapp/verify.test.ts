import { describe, expect, test } from "bun:test";
import { fixtureBytes, listFixtures } from "../../../test/support/fixtures";
import { metaSignatureHeader } from "../meta";
import type { WebhookRequest } from "../types";
import { whatsapp } from "./index";

const SECRET = "wa-app-secret";
const channel = {
  channelId: "ch_wa_1",
  credentials: {
    phone_number_id: "106540352242922",
    access_token: "t",
    app_secret: SECRET,
    verify_token: "wa-verify-token",
  },
};
const body = fixtureBytes("whatsapp", "inbound/text.json");

const post = (headers: Record<string, string>, bytes = body): WebhookRequest => ({
  method: "POST",
  headers: new Headers(headers),
  query: new URLSearchParams(),
  body: bytes,
});
const get = (query: string): WebhookRequest => ({
  method: "GET",
  headers: new Headers(),
  query: new URLSearchParams(query),
  body: new Uint8Array(),
});
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe("whatsapp verify: POST signature over the raw bytes", () => {
  test.each(listFixtures("whatsapp", "inbound"))("%s signed with the app secret is verified", (file) => {
    const bytes = fixtureBytes("whatsapp", `inbound/${file}`);
    expect(
      whatsapp.verify(post({ "X-Hub-Signature-256": metaSignatureHeader(SECRET, bytes) }, bytes), channel),
    ).toEqual({ kind: "verified" });
  });

  const reserialized = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(body))));
  test.each([
    ["missing header", {}, body],
    ["wrong secret", { "X-Hub-Signature-256": metaSignatureHeader("other", body) }, body],
    ["sha1 prefix", { "X-Hub-Signature-256": metaSignatureHeader(SECRET, body).replace("sha256", "sha1") }, body],
    ["truncated hex", { "X-Hub-Signature-256": metaSignatureHeader(SECRET, body).slice(0, 40) }, body],
    [
      "body changed by one byte",
      { "X-Hub-Signature-256": metaSignatureHeader(SECRET, body) },
      Uint8Array.from(body, (b, i) => (i === 60 ? b ^ 1 : b)),
    ],
    ["body re-serialized", { "X-Hub-Signature-256": metaSignatureHeader(SECRET, body) }, reserialized],
  ])("%s → webhook.signature_invalid (401)", (_, headers, bytes) => {
    expect(codeOf(() => whatsapp.verify(post(headers, bytes), channel))).toBe("webhook.signature_invalid");
  });

  test("upper-case hex is accepted (Meta documents lower case, proxies may not)", () => {
    const header = `sha256=${metaSignatureHeader(SECRET, body).slice(7).toUpperCase()}`;
    expect(whatsapp.verify(post({ "X-Hub-Signature-256": header }), channel)).toEqual({ kind: "verified" });
  });

  test("a channel without an app secret refuses every POST", () => {
    const open = { ...channel, credentials: { ...channel.credentials, app_secret: "" } };
    expect(codeOf(() => whatsapp.verify(post({ "X-Hub-Signature-256": metaSignatureHeader("", body) }), open))).toBe(
      "webhook.signature_invalid",
    );
  });
});

describe("whatsapp verify: GET hub.challenge handshake", () => {
  test("echoes the challenge verbatim for the right token", () => {
    expect(
      whatsapp.verify(get("hub.mode=subscribe&hub.verify_token=wa-verify-token&hub.challenge=1158201444"), channel),
    ).toEqual({ kind: "challenge", body: "1158201444" });
  });

  test.each([
    ["wrong token", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", "webhook.verify_token_invalid"],
    ["token prefix", "hub.mode=subscribe&hub.verify_token=wa-verify&hub.challenge=1", "webhook.verify_token_invalid"],
    ["missing token", "hub.mode=subscribe&hub.challenge=1", "webhook.verify_token_invalid"],
    [
      "wrong mode",
      "hub.mode=unsubscribe&hub.verify_token=wa-verify-token&hub.challenge=1",
      "webhook.verify_token_invalid",
    ],
    ["missing challenge", "hub.mode=subscribe&hub.verify_token=wa-verify-token", "webhook.payload_invalid"],
  ])("%s → %s", (_, query, code) => {
    expect(codeOf(() => whatsapp.verify(get(query), channel))).toBe(code);
  });

  test("other methods are refused", () => {
    expect(codeOf(() => whatsapp.verify({ ...post({}), method: "PUT" }, channel))).toBe("webhook.method_not_allowed");
  });
});
