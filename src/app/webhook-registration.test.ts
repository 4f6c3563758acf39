// The judgement of what a provider says about its webhook registration: the branches the loopback fakes
// in src/cli/doctor/instance.test.ts do not reach (polling mode, no public URL, an old delivery error).
import { describe, expect, test } from "bun:test";
import { judgeRegistration } from "./webhook-registration";

const ours = "https://xin.example.com/webhooks/telegram/chn_1";
const webhook = { expected: ours, polling: false, connect: "xin channel connect chn_1" };
const now = Date.parse("2026-12-04T12:00:00Z");

describe("judgeRegistration", () => {
  test("polling mode wants no webhook: one set blocks getUpdates", () => {
    expect(judgeRegistration({ url: "" }, { ...webhook, polling: true }, now).status).toBe("ok");
    const set = judgeRegistration({ url: ours }, { ...webhook, polling: true }, now);
    expect(set).toMatchObject({ status: "fail", fix: "remove it: xin channel connect chn_1" });
  });

  test("webhook mode: no public URL, no webhook, another URL each fail with the fix", () => {
    expect(judgeRegistration({ url: "" }, { ...webhook, expected: null }, now)).toMatchObject({
      status: "fail",
      fix: "set server.public_url, then xin channel connect chn_1",
    });
    expect(judgeRegistration({ url: "" }, webhook, now)).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("no webhook is set"),
    });
    expect(judgeRegistration({ url: "https://old.example/x" }, webhook, now).status).toBe("fail");
  });

  test("a delivery error within a day warns; an older one is history", () => {
    const recent = judgeRegistration(
      { url: ours, pending: 3, lastError: { message: "Connection timed out", at: "2026-12-04T11:00:00Z" } },
      webhook,
      now,
    );
    expect(recent).toMatchObject({ status: "warn", detail: expect.stringContaining("3 update(s) waiting") });
    const old = judgeRegistration(
      { url: ours, lastError: { message: "Connection timed out", at: "2026-12-01T11:00:00Z" } },
      webhook,
      now,
    );
    expect(old).toMatchObject({ status: "ok", detail: `delivers to ${ours}` });
  });

  test("Meta: subscribed apps without field lists are taken as subscribed; unreadable registrations warn with where to look", () => {
    expect(judgeRegistration({ subscriptions: [{ app: "Shop app", fields: null }] }, webhook, now)).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("Shop app"),
    });
    const unreadable = judgeRegistration(
      { unreadable: "no waba_id", howToSubscribe: "POST /<WABA_ID>/subscribed_apps" },
      webhook,
      now,
    );
    expect(unreadable).toMatchObject({
      status: "warn",
      fix: `check it in the provider's dashboard: callback URL ${ours}; POST /<WABA_ID>/subscribed_apps`,
    });
  });
});
