import { XinError } from "../errors";

/** JSON response with snake_case bodies as the API speaks them. */
export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });

/**
 * The one error body: `{ "error": { "code", "message", "request_id", "field"? } }`. Only XinErrors
 * speak for themselves; anything else is a 500 `internal` whose detail stays in the log.
 */
export const errorResponse = (e: unknown, requestId: string): Response => {
  if (e instanceof XinError && e.status < 500) {
    const field = typeof e.data?.field === "string" ? { field: e.data.field } : {};
    return json({ error: { code: e.code, message: e.message, request_id: requestId, ...field } }, e.status);
  }
  if (e instanceof XinError && e.status !== 500) {
    return json({ error: { code: e.code, message: e.message, request_id: requestId } }, e.status);
  }
  return json({ error: { code: "internal", message: "internal error", request_id: requestId } }, 500);
};
