import { z } from "zod";

// What `xin queue` reads from the admin API, parsed at the edge: a server of another version that
// answers something else fails loudly here rather than rendering nonsense.

export const QueueMessage = z.object({
  id: z.string(),
  direction: z.enum(["in", "out"]),
  body: z.string().nullable(),
  status: z.string(),
  author: z.string().nullable(),
  /** Files the customer sent or a reply linked (downloadable by sha256 through the admin API). */
  files: z
    .array(
      z.object({
        kind: z.string(),
        name: z.string().nullable(),
        size: z.number().nullable(),
        url: z.string().nullable(),
      }),
    )
    .default([]),
  created_at: z.string(),
});

export const QueueItem = z.object({
  id: z.string(),
  reason: z.string(),
  state: z.enum(["open", "claimed", "resolved", "closed"]),
  agent_id: z.string().nullable(),
  draft: z.string().nullable(),
  created_at: z.string(),
  brand_name: z.string(),
  channel_name: z.string(),
  provider: z.string(),
  contact_name: z.string().nullable(),
  agent_name: z.string().nullable().default(null),
  conversation_status: z.enum(["bot", "human", "closed"]),
});

export const QueueDetail = QueueItem.extend({ sources: z.array(z.unknown()), transcript: z.array(QueueMessage) });
export const QueueMe = z.object({
  token_id: z.string(),
  role: z.enum(["admin", "agent"]),
  tenant_id: z.string().nullable(),
  name: z.string(),
});

export type QueueItem = z.infer<typeof QueueItem>;
export type QueueDetail = z.infer<typeof QueueDetail>;
export type QueueMe = z.infer<typeof QueueMe>;
export type QueueMessage = z.infer<typeof QueueMessage>;

/** The escalation actions the queue can take; the path segment of `POST /api/v1/escalations/:id/<action>`. */
export type QueueAction = "claim" | "approve" | "send" | "reply" | "take-over" | "hand-back" | "close";

/** What went wrong talking to the server, as the screen needs to know it. */
export type Failure = { kind: "offline" | "unauthorized" | "conflict" | "rejected"; message: string };
