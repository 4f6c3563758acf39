import { describe, expect, test } from "bun:test";
import { createLogger, redactText } from "./log";

describe("log", () => {
  test("writes one JSON object per line with bound fields", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) }).child({ room: "gateway", request_id: "r1" });
    log.info("webhook accepted", { duration_ms: 3 });
    log.debug("not written at info level");
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]);
    expect(record).toMatchObject({
      level: "info",
      msg: "webhook accepted",
      room: "gateway",
      request_id: "r1",
      duration_ms: 3,
    });
    expect(typeof record.ts).toBe("string");
  });

  test("redacts secrets, phone numbers and e-mail addresses", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    log.warn("send failed", {
      api_key: "sk-live-123",
      detail: "customer anna@example.com at +49 170 0000011 said hi",
      auth: "Bearer abc.def.ghi",
      nested: { admin_token: "x", count: 12345 },
    });
    const text = lines[0];
    expect(text).not.toContain("sk-live-123");
    expect(text).not.toContain("anna@example.com");
    expect(text).not.toContain("170 0000011");
    expect(text).not.toContain("abc.def.ghi");
    const record = JSON.parse(text);
    expect(record.nested).toEqual({ admin_token: "[redacted]", count: 12345 });
    expect(record.detail).toBe("customer [email] at [phone] said hi");
  });

  test("keeps short numbers and plain text", () => {
    expect(redactText("order 1234 shipped in 3 days")).toBe("order 1234 shipped in 3 days");
    expect(redactText("at 2026-11-23T10:36:42.272Z")).toBe("at 2026-11-23T10:36:42.272Z");
    expect(redactText("wa_id 4917000000011")).toBe("wa_id [phone]");
  });
});
