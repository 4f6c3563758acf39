import { sql } from "drizzle-orm";
import { splitForChannel, type ChannelCapabilities, type OutboundContent } from "../channels";
import { newId } from "../runtime";
import { schema, type TxContext } from "../runtime/db";
import type { NewJob } from "../runtime/queue";

export const DELIVER_JOB = "deliver";

export type Reply = {
  tenant_id: string;
  conversation_id: string;
  channel_id: string;
  /** Who wrote it: decides the messaging window (the human-agent allowance never applies to AI text). */
  author: "ai" | "human";
  text: string;
  metadata?: Record<string, unknown>;
};

/**
 * Stores a reply as outbound rows — one per part when the text is longer than the channel's limit, split
 * on paragraph and sentence boundaries — and returns one `deliver` job per part, keyed by conversation so
 * parts go out in order. A retry after a partial failure never repeats a part that already went out.
 */
export const queueReply = async ({ tx }: TxContext, reply: Reply, capabilities: Pick<ChannelCapabilities, "text">): Promise<{ ids: string[]; jobs: NewJob[] }> => {
  const parts = splitForChannel(reply.text, capabilities);
  const rows = parts.map((text, i) => ({
    id: newId("msg"),
    tenant_id: reply.tenant_id,
    conversation_id: reply.conversation_id,
    channel_id: reply.channel_id,
    direction: "out" as const,
    kind: "text",
    body: text,
    metadata: { ...reply.metadata, author: reply.author, content: { kind: "text", text } satisfies OutboundContent, part: i + 1, parts: parts.length },
    status: "queued" as const,
  }));
  // Independent statements sent together (pipelined on the transaction's connection): one round trip.
  await Promise.all([
    tx.insert(schema.messages).values(rows),
    tx.update(schema.conversations).set({ updated_at: sql`now()` }).where(sql`${schema.conversations.id} = ${reply.conversation_id}`),
  ]);
  return {
    ids: rows.map((r) => r.id),
    jobs: rows.map((r) => ({ kind: DELIVER_JOB, tenant_id: reply.tenant_id, key: `conv:${reply.conversation_id}`, payload: { message_id: r.id } })),
  };
};
