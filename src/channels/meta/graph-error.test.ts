import { describe, expect, test } from "bun:test";
import { errorFixtures } from "../../../test/support/fixtures";
import { classifyGraphFailure } from "./graph-error";
import type { ChannelErrorReason } from "../errors";

// The worker classification column of fixtures/channels/README.md, by file.
const EXPECTED: Record<string, { retryable: boolean; reason: ChannelErrorReason; providerCode: string }> = {
  "131047_outside_window.400.json": { retryable: false, reason: "outside_window", providerCode: "131047" },
  "131026_undeliverable.400.json": { retryable: false, reason: "undeliverable", providerCode: "131026" },
  "130429_throughput.400.json": { retryable: true, reason: "rate_limited", providerCode: "130429" },
  "131056_pair_rate_limit.400.json": { retryable: true, reason: "rate_limited", providerCode: "131056" },
  "131048_spam_rate_limit.400.json": { retryable: false, reason: "policy", providerCode: "131048" },
  "131051_unsupported_type.400.json": { retryable: false, reason: "payload", providerCode: "131051" },
  "100_invalid_parameter.400.json": { retryable: false, reason: "payload", providerCode: "100" },
  "190_token_expired.401.json": { retryable: false, reason: "auth", providerCode: "190" },
  "4_app_rate_limit.400.json": { retryable: true, reason: "rate_limited", providerCode: "4" },
  "80007_waba_rate_limit.400.json": { retryable: true, reason: "rate_limited", providerCode: "80007" },
  "368_policy_blocked.403.json": { retryable: false, reason: "policy", providerCode: "368" },
  "131000_unknown_error.500.json": { retryable: true, reason: "unavailable", providerCode: "131000" },
  "131016_service_unavailable.500.json": { retryable: true, reason: "unavailable", providerCode: "131016" },
  "10_outside_window.403.json": { retryable: false, reason: "outside_window", providerCode: "10" },
  "613_rate_limit.400.json": { retryable: true, reason: "rate_limited", providerCode: "613" },
};

const cases = [...errorFixtures("whatsapp"), ...errorFixtures("instagram")].map((f) => [f.file, f] as const);

describe("Graph error classification by error.code", () => {
  test.each(cases)("%s", (file, fixture) => {
    const expected = EXPECTED[file];
    expect(expected).toBeDefined();
    const error = classifyGraphFailure(fixture.httpStatus, new Headers(), fixture.body);
    expect({ retryable: error.retryable, reason: error.reason, providerCode: error.providerCode }).toEqual(expected);
    expect(error.code).toBe(expected.retryable ? "channel.send_retryable" : "channel.send_rejected");
    expect(error.message.length).toBeGreaterThan(0);
  });

  test("the HTTP status does not change the classification", () => {
    for (const [, fixture] of cases) {
      const a = classifyGraphFailure(fixture.httpStatus, new Headers(), fixture.body);
      const b = classifyGraphFailure(200 === fixture.httpStatus ? 400 : 418, new Headers(), fixture.body);
      expect([b.retryable, b.reason]).toEqual([a.retryable, a.reason]);
    }
  });

  test("token errors never echo the raw message (it can contain dates and ids)", () => {
    const fixture = cases.find(([f]) => f.startsWith("190"))![1];
    expect(classifyGraphFailure(401, new Headers(), fixture.body).message).toBe("access token invalid or expired");
  });

  test.each([
    ["429 without body, Retry-After seconds", 429, { "retry-after": "7" }, undefined, true, 7000],
    ["503 HTML page", 503, {}, "<html>", true, undefined],
    ["404 without Graph body", 404, {}, undefined, false, undefined],
    [
      "BUC header hint",
      400,
      {
        "x-business-use-case-usage": JSON.stringify({
          "1": [{ type: "whatsapp", estimated_time_to_regain_access: 3 }],
        }),
      },
      { error: { code: 80007, message: "(#80007) Rate limit issues" } },
      true,
      180000,
    ],
    ["unknown code on 500", 500, {}, { error: { code: 999999, message: "new" } }, true, undefined],
    ["unknown code on 400", 400, {}, { error: { code: 999999, message: "new" } }, false, undefined],
    ["is_transient", 400, {}, { error: { code: 999999, message: "new", is_transient: true } }, true, undefined],
  ] as const)("%s", (_, status, headers, body, retryable, retryAfterMs) => {
    const error = classifyGraphFailure(status, new Headers(headers), body);
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
  });

  test("pair rate limit hints at least the 6 s per-user pace", () => {
    const fixture = cases.find(([f]) => f.startsWith("131056"))![1];
    expect(classifyGraphFailure(400, new Headers(), fixture.body).retryAfterMs).toBe(6000);
  });

  test("only the pair rate limit is scoped to one recipient (it must not pause the whole number)", () => {
    for (const [file, fixture] of cases) {
      expect([file, classifyGraphFailure(fixture.httpStatus, new Headers(), fixture.body).scope]).toEqual([
        file,
        file.startsWith("131056") ? "recipient" : undefined,
      ]);
    }
  });
});
