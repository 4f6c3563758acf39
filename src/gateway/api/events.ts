import type { Sql } from "postgres";
import { z } from "zod";
import { isStorableInstant, MAX_INSTANT_MS } from "../../runtime";
import { defineRoute, type ApiRoute } from "./define";
import { ChangeSignal, readChanges, type FeedEvent } from "./event-feed";
import { TenantQuery, tenantScope, type AdminDeps } from "./scope";

export type EventsDeps = { sql: () => Sql; eventPollMs?: number };

const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/events`: server-sent events of what the token may see — `escalation` (opened, claimed,
 * resolved …), `message` (in or out, with its delivery status), `ingestion` (job progress) and
 * `conversation.closed` (a conversation closed, e.g. by the close_idle automation).
 *
 * Event ids are watermarks: the millisecond timestamp of the change. A client reconnecting with
 * `Last-Event-ID` (or `?since=`) gets every change at or after it again, looking back a few seconds for
 * transactions that committed late: delivery is at least once and clients dedupe on (event, id, data).
 * No table of events is kept — the rows themselves are the log, so any instance can serve any client.
 */
export const eventRoutes = (deps: AdminDeps & EventsDeps, closing: AbortSignal): ApiRoute[] => {
  const signal = new ChangeSignal(deps.sql);
  const poll = deps.eventPollMs ?? 2000;
  return [
    defineRoute({
      method: "GET",
      path: "/api/v1/events",
      tag: "events",
      summary:
        "Server-sent events (escalation, message, ingestion, conversation.closed) scoped to the token; resume with Last-Event-ID.",
      stream: true,
      query: z.object({
        ...TenantQuery,
        since: z.coerce
          .number()
          .int()
          .nonnegative()
          .max(MAX_INSTANT_MS)
          .optional()
          .describe("resume point: an event id (epoch ms)"),
      }),
      response: z.string(),
      handle: async ({ ctx, principal, query }) => {
        const scope = tenantScope(principal, query.tenant);
        const resume = Number(ctx.req.headers.get("last-event-id") ?? query.since ?? Date.now());
        // Last-Event-ID is whatever the client sends: an instant outside the storable range starts from now.
        let watermark = new Date(isStorableInstant(resume) ? resume : Date.now());
        const abort = new AbortController();
        ctx.req.signal.addEventListener("abort", () => abort.abort(), { once: true });
        // Streams never finish on their own: the gateway ends them when it stops, so shutdown does not wait out its deadline.
        closing.addEventListener("abort", () => abort.abort(), { once: true });
        const seen = new Map<string, string>();
        const encoder = new TextEncoder();
        const stream = new ReadableStream<Uint8Array>({
          start: async (controller) => {
            const write = (text: string) => {
              try {
                controller.enqueue(encoder.encode(text));
              } catch {
                abort.abort(); // the client went away between two reads
              }
            };
            write(`retry: 2000\n: connected\n\n`);
            let beat = Date.now();
            while (!abort.signal.aborted) {
              const events = await readChanges(deps.db(), scope, watermark).catch((): FeedEvent[] => []);
              for (const ev of events) {
                const key = `${ev.type}:${String(ev.data.id)}`;
                const body = JSON.stringify(ev.data);
                if (seen.get(key) === body) continue;
                if (seen.size > 10_000) seen.clear(); // bounded memory; at worst a repeat, which clients tolerate
                seen.set(key, body);
                if (ev.type !== "ingestion" && ev.at > watermark) watermark = ev.at;
                write(`id: ${watermark.getTime()}\nevent: ${ev.type}\ndata: ${body}\n\n`);
              }
              if (Date.now() - beat > HEARTBEAT_MS) {
                write(`: keep-alive\n\n`);
                beat = Date.now();
              }
              await signal.wait(poll, abort.signal);
            }
            try {
              controller.close();
            } catch {
              // already cancelled by the client
            }
          },
          cancel: () => abort.abort(),
        });
        return new Response(stream, {
          headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
        });
      },
    }),
  ];
};
