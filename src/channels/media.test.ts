// Inbound media download through each adapter's fetchMedia, against the loopback fakes.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { fixtureBytes } from "../../test/support/fixtures";
import { startMetaGraphFake, startTelegramFake } from "../../test/support/fakes";
import { instagram } from "./instagram";
import { metaMediaUrlIssue } from "./meta";
import { telegram } from "./telegram";
import { whatsapp } from "./whatsapp";

const base = { fetch, signal: new AbortController().signal, channelId: "ch" };
const deadline = () => Date.now() + 5000;

describe("whatsapp fetchMedia", () => {
  const fake = startMetaGraphFake({ accessToken: "wa-token" });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());
  const credentials = {
    phone_number_id: "106540352242922",
    access_token: "wa-token",
    app_secret: "s",
    verify_token: "v",
  };
  const ctx = () => ({ ...base, credentials, baseUrl: fake.baseUrl, deadline: deadline() });

  test("the voice note without url: GET /{media-id}, then the URL with the bearer token", async () => {
    const [message] = whatsapp.parse(fixtureBytes("whatsapp", "inbound/audio_voice.json"), {
      channelId: "ch",
      credentials,
    }).messages;
    if (message.content.kind !== "media") throw new Error("expected media");
    const file = await whatsapp.fetchMedia(message.content.media, ctx());
    expect(new TextDecoder().decode(file.data)).toBe("fake-media:1700000000000103");
    expect(file.mimeType).toBe("audio/ogg; codecs=opus");
    expect(fake.requests.map((r) => [r.path, r.headers.get("authorization")])).toEqual([
      ["/v25.0/1700000000000103", "Bearer wa-token"],
      ["/download/1700000000000103", "Bearer wa-token"],
    ]);
  });

  test("an expired media id is final; a file over maxBytes is refused", async () => {
    fake.script({ status: 400, body: { error: { code: 100, message: "(#100) Invalid parameter" } } });
    expect(await whatsapp.fetchMedia({ mediaType: "image", id: "1" }, ctx()).catch((e) => e)).toMatchObject({
      retryable: false,
      providerCode: "100",
    });
    expect(
      await whatsapp.fetchMedia({ mediaType: "image", id: "1" }, ctx(), { maxBytes: 4 }).catch((e) => e),
    ).toMatchObject({ retryable: false, reason: "payload" });
  });

  test("an expired download URL (404) is retryable", async () => {
    fake.script({ status: 404, body: {} }, (r) => r.path.startsWith("/download/"));
    expect(await whatsapp.fetchMedia({ mediaType: "image", id: "1" }, ctx()).catch((e) => e)).toMatchObject({
      retryable: true,
    });
  });
});

describe("instagram fetchMedia", () => {
  const fake = startMetaGraphFake({ accessToken: "ig-token" });
  afterAll(() => fake.stop());
  const credentials = { ig_user_id: "17841405555555555", access_token: "ig-token", app_secret: "s", verify_token: "v" };
  const ctx = () => ({ ...base, credentials, baseUrl: fake.baseUrl, deadline: deadline() });

  test("downloads the CDN URL from the payload without a token; an expired link is final", async () => {
    const file = await instagram.fetchMedia({ mediaType: "image", url: `${fake.url}/cdn/asset-101` }, ctx());
    expect(new TextDecoder().decode(file.data)).toBe("fake-cdn:asset-101");
    expect(fake.requests.at(-1)?.headers.get("authorization")).toBeNull();
    fake.script({ status: 403, body: {} });
    expect(
      await instagram.fetchMedia({ mediaType: "image", url: `${fake.url}/cdn/old` }, ctx()).catch((e) => e),
    ).toMatchObject({ retryable: false, reason: "undeliverable" });
  });

  test("a payload URL on any host but Meta's CDN (or the configured API root) is refused before a request", async () => {
    const before = fake.requests.length;
    for (const url of [
      "http://127.0.0.1:9/x",
      "http://169.254.169.254/latest/meta-data/",
      "https://lookaside.fbsbx.com.attacker.test/x",
      "http://lookaside.fbsbx.com/x",
      "https://evil.test/fbcdn.net",
      "not a url",
    ]) {
      expect(await instagram.fetchMedia({ mediaType: "image", url }, ctx()).catch((e) => e), url).toMatchObject({
        code: "channel.media_host_refused",
        retryable: false,
      });
    }
    expect(fake.requests.length).toBe(before);
  });
});

describe("Meta media hosts", () => {
  test("Meta's CDN hosts over https and the channel's API root pass; look-alikes do not", () => {
    const root = "http://127.0.0.1:4010/v25.0";
    const ok = [
      "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1",
      "https://scontent-ams2-1.xx.fbcdn.net/v/t1/x.jpg",
      "https://scontent.cdninstagram.com/x",
      "https://mmg.whatsapp.net/d/f/x.enc",
      "http://127.0.0.1:4010/download/1",
    ];
    for (const url of ok) expect(metaMediaUrlIssue(url, root), url).toBeNull();
    const bad = [
      "https://fbcdn.net.attacker.test/x",
      "https://lookaside.fbsbx.com@evil.test/x",
      "http://scontent.xx.fbcdn.net/x",
      "http://127.0.0.1:4011/download/1",
      "https://graph.facebook.com.evil.test/",
    ];
    for (const url of bad) expect(metaMediaUrlIssue(url, root), url).not.toBeNull();
  });
});

describe("telegram fetchMedia", () => {
  const token = "7000000001:AAFakeTokenForTestsOnly";
  const fake = startTelegramFake({ token });
  afterAll(() => fake.stop());
  const ctx = () => ({
    ...base,
    credentials: { bot_token: token, mode: "polling" as const },
    baseUrl: fake.url,
    deadline: deadline(),
  });

  test("getFile, then the file path under /file/bot<token>/", async () => {
    const update = telegram.parse(fixtureBytes("telegram", "inbound/voice.json"), {
      channelId: "ch",
      credentials: ctx().credentials,
    });
    const content = update.messages[0].content;
    if (content.kind !== "media") throw new Error("expected media");
    const file = await telegram.fetchMedia(content.media, ctx());
    expect(new TextDecoder().decode(file.data)).toBe("fake-file:voice/file_1.oga");
    expect(file.mimeType).toBe("audio/ogg");
  });
});
