import { describe, expect, test } from "bun:test";
import { LlmError, safeProviderMessage, withAttempts } from "./errors";

describe("safeProviderMessage", () => {
  test.each([
    [
      "Incorrect API key provided: sk-proj-abc***wxyz. See docs.",
      "Incorrect API key provided: sk-[redacted]. See docs.",
    ],
    ["line one\nline two\r\n\u001b[31mred", "line one line two [31mred"],
    ["contact admin@example.com or +44 20 7946 0958", "contact [email] or [phone]"],
    ["Authorization: Bearer abc.def.ghi", "Authorization: Bearer [redacted]"],
    ["   ", undefined],
    [undefined, undefined],
  ])("%p → %p", (input, expected) => {
    expect(safeProviderMessage(input)).toBe(expected);
  });

  test("is bounded", () => {
    const out = safeProviderMessage("x".repeat(5_000)) ?? "";
    expect(out.length).toBe(240);
    expect(out.endsWith("…")).toBe(true);
  });
});

test("an LlmError is a XinError carrying retryable, status and structured data", () => {
  const e = new LlmError("llm.rate_limited", "LLM endpoint is rate limiting requests", {
    retryable: true,
    retryAfterMs: 1_500,
    providerStatus: 429,
  });
  expect(e).toMatchObject({
    name: "LlmError",
    code: "llm.rate_limited",
    status: 429,
    retryable: true,
    retryAfterMs: 1_500,
  });
  expect(e.data).toMatchObject({ retryable: true, retry_after_ms: 1_500, provider_status: 429 });
  const stamped = withAttempts(e, 3);
  expect(stamped).toMatchObject({ code: "llm.rate_limited", attempts: 3, retryAfterMs: 1_500 });
  expect(withAttempts(stamped, 3)).toBe(stamped);
});
