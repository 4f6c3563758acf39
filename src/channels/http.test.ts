import { describe, expect, test } from "bun:test";
import { XinError } from "../runtime";
import { ChannelError, sendRejected, sendRetryable } from "./errors";
import { retryAfterHeaderMs } from "./http";

describe("retryAfterHeaderMs", () => {
  const now = Date.parse("2026-11-23T10:00:00Z");
  test.each([
    ["17", 17000],
    ["0", 0],
    ["1.5", 1500],
    ["Mon, 23 Nov 2026 10:00:30 GMT", 30000],
    ["Mon, 23 Nov 2026 09:00:00 GMT", 0],
    ["soon", undefined],
  ])("%p → %p ms", (value, expected) => {
    expect(retryAfterHeaderMs(new Headers({ "retry-after": value }), now)).toBe(expected);
  });

  test("absent header → undefined", () => {
    expect(retryAfterHeaderMs(new Headers(), now)).toBeUndefined();
  });
});

describe("ChannelError", () => {
  test("is a XinError with stable code, status and structured data for logs", () => {
    const retry = sendRetryable("Rate limit hit", {
      reason: "rate_limited",
      providerCode: "130429",
      retryAfterMs: 1000,
    });
    expect(retry).toBeInstanceOf(XinError);
    expect(retry).toBeInstanceOf(ChannelError);
    expect(retry).toMatchObject({
      code: "channel.send_retryable",
      status: 503,
      retryable: true,
      retryAfterMs: 1000,
      providerCode: "130429",
    });
    expect(retry.data).toMatchObject({ reason: "rate_limited", provider_code: "130429", retry_after_ms: 1000 });
    const final = sendRejected("Re-engagement message", { reason: "outside_window", providerCode: "131047" });
    expect(final).toMatchObject({ code: "channel.send_rejected", status: 502, retryable: false });
  });
});
