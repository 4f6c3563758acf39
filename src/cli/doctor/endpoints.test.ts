import { afterAll, describe, expect, test } from "bun:test";
import { freePort } from "../../../test/support/binary";
import { startOpenAIFake } from "../../../test/support/fakes/openai";
import { checkClock, checkEndpoint } from "./endpoints";

const fake = startOpenAIFake({ apiKey: "sk-right", models: ["gpt-fake", "text-embedding-fake"] });
// A server whose clock is ten minutes behind: Bun.serve keeps a Date header the handler sets.
const lateDate = new Date(Date.now() - 10 * 60_000).toUTCString();
const late = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => Response.json({ data: [{ id: "m" }] }, { headers: { date: lateDate } }),
});
afterAll(async () => {
  await fake.stop();
  late.stop(true);
});

describe("checkEndpoint against an OpenAI-compatible server", () => {
  const base = `${fake.url}/v1`;

  test("ok when the key is accepted and the model is offered, with the server's Date for the clock check", async () => {
    const r = await checkEndpoint("llm endpoint", "llm", { base_url: base, model: "gpt-fake", api_key: "sk-right" });
    expect(r.check).toMatchObject({ status: "ok", detail: `${base} answers with gpt-fake` });
    expect(Date.parse(r.date ?? "")).not.toBeNaN();
    expect(fake.requests.at(-1)?.headers.get("authorization")).toBe("Bearer sk-right");
  });

  test.each([
    ["a wrong key", { model: "gpt-fake", api_key: "sk-wrong" }, "refused the API key (HTTP 401)", "XIN_LLM__API_KEY"],
    [
      "a model it does not offer",
      { model: "gpt-9", api_key: "sk-right" },
      "does not offer the model gpt-9 (offers: gpt-fake, text-embedding-fake)",
      "set llm.model",
    ],
  ])("fails on %s, naming the fix", async (_name, e, detail, fix) => {
    const r = await checkEndpoint("llm endpoint", "llm", { base_url: base, ...e });
    expect(r.check.status).toBe("fail");
    expect(r.check.detail).toContain(detail);
    expect(r.check.fix).toContain(fix);
  });

  test("fails when nothing listens there", async () => {
    const r = await checkEndpoint("embeddings endpoint", "embeddings", {
      base_url: `http://127.0.0.1:${freePort()}/v1`,
      model: "e",
    });
    expect(r.check).toMatchObject({ status: "fail", name: "embeddings endpoint" });
    expect(r.check.fix).toContain("embeddings.base_url");
    expect(r.date).toBeNull();
  });

  test("a wrong API root (no /models) is a warning", async () => {
    const r = await checkEndpoint("llm endpoint", "llm", {
      base_url: fake.url,
      model: "gpt-fake",
      api_key: "sk-right",
    });
    expect(r.check.status).toBe("warn");
    expect(r.check.fix).toContain("/v1");
  });
});

describe("checkClock", () => {
  const now = Date.parse("2026-12-03T12:00:00Z");
  test.each<[string, string, "ok" | "warn" | "fail", string]>([
    ["in sync", "Thu, 03 Dec 2026 12:00:02 GMT", "ok", "2 s behind"],
    ["a minute behind the server", "Thu, 03 Dec 2026 12:01:00 GMT", "warn", "60 s behind http://llm"],
    ["ten minutes ahead", "Thu, 03 Dec 2026 11:50:00 GMT", "fail", "600 s ahead of"],
  ])("%s", (_name, date, status, detail) => {
    const c = checkClock(date, "http://llm", now);
    expect(c.status).toBe(status);
    expect(c.detail).toContain(detail);
  });

  test("a server whose clock is ten minutes off fails the check through its real Date header", async () => {
    const r = await checkEndpoint("llm endpoint", "llm", { base_url: `http://127.0.0.1:${late.port}`, model: "m" });
    expect(r.check.status).toBe("ok");
    expect(checkClock(r.date, "late").status).toBe("fail");
  });

  test("no Date header: a warning, not a guess", () => {
    expect(checkClock(null, "x").status).toBe("warn");
  });
});
