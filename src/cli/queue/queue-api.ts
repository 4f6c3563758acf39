import { z } from "zod";
import { ApiClient } from "../client";
import { QueueDetail, QueueItem, QueueMe, type Failure, type QueueAction } from "./types";

/**
 * The queue's view of the server. Every call either resolves with parsed data or rejects with a
 * `Failure`, so the screen never handles raw errors. Idempotency lives on the server: a repeated
 * action answers 409, never a second message.
 */
export type QueueApi = {
  me(): Promise<QueueMe>;
  list(): Promise<QueueItem[]>;
  detail(id: string): Promise<QueueDetail>;
  act(id: string, action: QueueAction, text?: string): Promise<QueueDetail>;
  /**
   * Follows the server's event stream (`/api/v1/events`) and calls `onChange` for every event; resolves
   * when the stream ends or fails (the caller reconnects). Polling stays the safety net.
   */
  watch(onChange: () => void, signal: AbortSignal): Promise<void>;
};

const Page = z.object({ data: z.array(QueueItem) });
const Acted = z.object({ escalation: QueueDetail });

export const toFailure = (e: unknown): Failure => {
  const err = e as { code?: string; status?: number; message?: string };
  const message = err.message ?? String(e);
  if (err.code === "client.unreachable" || err.code === "client.http_error" || (err.status ?? 0) >= 500)
    return { kind: "offline", message };
  if (err.status === 401) return { kind: "unauthorized", message };
  if (err.status === 409) return { kind: "conflict", message };
  return { kind: "rejected", message };
};

const call = async <T>(fn: () => Promise<unknown>, schema: z.ZodType<T>): Promise<T> => {
  let raw: unknown;
  try {
    raw = await fn();
  } catch (e) {
    throw toFailure(e);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw {
      kind: "rejected",
      message: "the server answered in an unexpected shape (version mismatch?)",
    } satisfies Failure;
  return parsed.data;
};

export const queueApi = (baseUrl: string, token: string): QueueApi => {
  const client = new ApiClient(baseUrl, token);
  return {
    me: () => call(() => client.get("/api/v1/me"), QueueMe),
    list: () => call(() => client.get("/api/v1/escalations?state=open,claimed&limit=200"), Page).then((p) => p.data),
    detail: (id) => call(() => client.get(`/api/v1/escalations/${encodeURIComponent(id)}`), QueueDetail),
    act: (id, action, text) =>
      call(
        () =>
          client.request(
            "POST",
            `/api/v1/escalations/${encodeURIComponent(id)}/${action}`,
            text === undefined ? undefined : { text },
            10_000,
          ),
        Acted,
      ).then((a) => a.escalation),
    watch: async (onChange, signal) => {
      try {
        const res = await fetch(new URL("/api/v1/events", baseUrl), {
          headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
          signal,
        });
        if (!res.ok || !res.body) return;
        const decoder = new TextDecoder();
        for await (const chunk of res.body) {
          if (decoder.decode(chunk, { stream: true }).includes("\nevent: ")) onChange();
        }
      } catch {
        // The stream is an accelerator: when it breaks, polling notices the outage and the hook reconnects.
      }
    },
  };
};

export const isFailure = (e: unknown): e is Failure =>
  typeof e === "object" && e !== null && "kind" in e && "message" in e;
