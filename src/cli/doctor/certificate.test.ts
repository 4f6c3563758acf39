import { describe, expect, test } from "bun:test";
import type { CertStatus } from "../../app";
import { checkCertificate } from "./certificate";

const status = (over: Partial<CertStatus>): CertStatus => ({
  present: true,
  domains: ["chat.example.com"],
  issuer: "Pebble Intermediate CA",
  serial: "01",
  not_before: "2026-11-01T00:00:00Z",
  not_after: "2027-01-30T00:00:00Z",
  days_left: 58,
  renewal_due_at: "2026-12-31T00:00:00Z",
  last_attempt_at: null,
  last_result: "ok",
  last_error: null,
  consecutive_failures: 0,
  next_attempt_at: null,
  ...over,
});

describe("doctor: certificate", () => {
  test("none issued is skipped; a healthy one is ok with its domains and expiry", () => {
    expect(checkCertificate(status({ present: false })).status).toBe("skip");
    const healthy = checkCertificate(status({}));
    expect(healthy.status).toBe("ok");
    expect(healthy.detail).toContain("chat.example.com");
    expect(healthy.detail).toContain("58 day(s) left");
  });

  test("a failed renewal or two weeks left warns, an expired one fails, each with the fix", () => {
    const failed = checkCertificate(
      status({ last_result: "failed", consecutive_failures: 2, last_error: "challenge failed: connection refused" }),
    );
    expect([failed.status, failed.detail.includes("connection refused")]).toEqual(["warn", true]);
    expect(checkCertificate(status({ days_left: 9 })).status).toBe("warn");
    const expired = checkCertificate(status({ days_left: -1 }));
    expect(expired.status).toBe("fail");
    expect(expired.fix).toContain("port 80");
  });
});
