import { isStoreUnreachable, XinError } from "../errors";

/** JSON response with snake_case bodies as the API speaks them. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

/**
 * The one error body: `{ "error": { "code", "message", "request_id", "field"? } }`. Only XinErrors
 * speak for themselves; anything else is a 500 `internal` whose detail stays in the log.
 */
export const errorResponse = (e: unknown, requestId: string): Response => {
  if (e instanceof XinError && e.status < 500) {
    const field = typeof e.data?.field === "string" ? { field: e.data.field } : {};
    return json({ error: { code: e.code, message: e.message, request_id: requestId, ...field } }, e.status);
  }
  // The store being down is the server's condition, not a bug: 503 with Retry-After, which providers
  // retry, instead of a 500 (or, behind a stalled pool, a request that hangs).
  if (isStoreUnreachable(e)) {
    return json(
      {
        error: { code: "store.unavailable", message: "the store is unreachable; retry shortly", request_id: requestId },
      },
      503,
      { "retry-after": "1" },
    );
  }
  if (e instanceof XinError && e.status !== 500) {
    return json({ error: { code: e.code, message: e.message, request_id: requestId } }, e.status);
  }
  return json({ error: { code: "internal", message: "internal error", request_id: requestId } }, 500);
};
