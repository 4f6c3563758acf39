import { expect, test } from "bun:test";
import type { CertState } from "./files";
import { backoffAfter, decideRenewal, renewalDueAt } from "./renewal-policy";
import type { CertInfo } from "./x509";

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const cert = (notBefore: string, days: number): CertInfo => ({
  subjectAltNames: ["a.example.com"],
  issuer: "R11",
  serial: "01",
  notBefore: at(notBefore),
  notAfter: new Date(at(notBefore).getTime() + days * DAY),
  chainLength: 2,
});
const state = (over: Partial<CertState> = {}): CertState => ({
  domains: ["a.example.com"],
  email: "ops@example.com",
  directory: "https://acme.example/dir",
  directory_ca: null,
  last_attempt_at: null,
  last_result: "ok",
  last_error: null,
  last_success_at: null,
  consecutive_failures: 0,
  next_attempt_at: null,
  ...over,
});

test("a 90-day certificate is due with 30 days left; short-lived ones after two thirds of their life", () => {
  expect(renewalDueAt(cert("2026-01-01T00:00:00Z", 90), 30).toISOString()).toBe("2026-03-02T00:00:00.000Z");
  // 6 and 45 days: the days rule alone would make them due from birth.
  expect(renewalDueAt(cert("2026-01-01T00:00:00Z", 6), 30).toISOString()).toBe("2026-01-05T00:00:00.000Z");
  expect(renewalDueAt(cert("2026-01-01T00:00:00Z", 45), 30).toISOString()).toBe("2026-01-31T00:00:00.000Z");
  // A year-long certificate: 30 days before its end.
  expect(renewalDueAt(cert("2026-01-01T00:00:00Z", 360), 30).toISOString()).toBe("2026-11-27T00:00:00.000Z");
});

test("before the due date nothing happens; after it, a backoff from a failure is respected", () => {
  const c = cert("2026-01-01T00:00:00Z", 90);
  expect(decideRenewal(c, state(), at("2026-03-01T00:00:00Z"), 30)).toEqual({
    renew: false,
    reason: "not_due",
    until: at("2026-03-02T00:00:00Z"),
  });
  expect(decideRenewal(c, state(), at("2026-03-03T00:00:00Z"), 30)).toEqual({ renew: true });
  const failing = state({
    last_result: "failed",
    consecutive_failures: 2,
    next_attempt_at: "2026-03-03T06:00:00.000Z",
  });
  expect(decideRenewal(c, failing, at("2026-03-03T05:00:00Z"), 30)).toEqual({
    renew: false,
    reason: "backing_off",
    until: at("2026-03-03T06:00:00Z"),
  });
  expect(decideRenewal(c, failing, at("2026-03-03T06:00:00Z"), 30)).toEqual({ renew: true });
});

test("backoff doubles from 15 minutes and stops at a day", () => {
  expect([1, 2, 3, 4].map(backoffAfter)).toEqual([15, 30, 60, 120].map((m) => m * 60_000));
  expect(backoffAfter(30)).toBe(DAY);
});
