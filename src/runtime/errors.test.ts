import { describe, expect, test } from "bun:test";
import { errorCode, errorText, isStoreUnreachable, storeUnavailable, XinError } from "./errors";
import { errorResponse } from "./http/respond";

/** What drizzle throws: the SQL and its parameters in the message, the driver's error as the cause. */
const queryError = (cause: unknown) =>
  Object.assign(new Error("Failed query: insert into messages values ($1)\nparams: +4915111,hello Kim"), { cause });
const pgError = (code: string, message = "boom") => Object.assign(new Error(message), { code });

describe("errors for logs", () => {
  test("a failed query logs the driver's code and message, never the SQL parameters", () => {
    const e = queryError(pgError("23505", "duplicate key value violates unique constraint"));
    expect(errorCode(e)).toBe("pg.23505");
    expect(errorText(e)).toBe("duplicate key value violates unique constraint");
    expect(errorText(e)).not.toContain("4915111");
    expect(errorText(queryError(undefined))).not.toContain("params");
  });
});

describe("store unreachable", () => {
  test.each([["ECONNREFUSED"], ["CONNECTION_CLOSED"], ["CONNECT_TIMEOUT"], ["57P03"], ["08006"]])(
    "%s, bare or wrapped by drizzle, is an outage",
    (code) => {
      expect(isStoreUnreachable(pgError(code))).toBe(true);
      expect(isStoreUnreachable(queryError(pgError(code)))).toBe(true);
    },
  );

  test("a request's own failures are not an outage", () => {
    for (const e of [
      pgError("23505"),
      pgError("22P02"),
      new XinError("webhook.payload_invalid", "bad", { status: 400 }),
      new Error("x"),
      null,
    ]) {
      expect(isStoreUnreachable(e)).toBe(false);
    }
    expect(isStoreUnreachable(storeUnavailable())).toBe(true);
  });

  test("answers 503 with Retry-After and a stable code, not a 500", async () => {
    const res = errorResponse(queryError(pgError("ECONNREFUSED")), "req_1");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("store.unavailable");
    expect(errorResponse(pgError("23505"), "req_2").status).toBe(500);
  });
});
