import { desc, eq, sql } from "drizzle-orm";
import { estimateTokens } from "../rag";
import { preparedOnce, schema, type Db } from "../runtime/db";
import { parsePolicies } from "./policies";
import { WINDOW_MS, type AnswerWindow } from "./rate-limit";
import type { BrandProfile, Turn } from "./types";

/** How many recent messages are read per respond run: history beyond them never fits the budget anyway. */
const RECENT = 60;

export type RespondContext = {
  brand: BrandProfile;
  conversation: { id: string; tenant_id: string; status: string };
  channel: { id: string; provider: string };
  /** The customer's id on the channel (the widget's visitor id). */
  contactExternalId: string;
  /** The customer's messages since the last reply, oldest first: the burst to answer. */
  unanswered: { id: string; text: string }[];
  /** Earlier turns within the token budget, oldest first. */
  history: Turn[];
  /** Ids of every message read: a customer or agent message not among them arrived meanwhile. */
  seenIds: string[];
  oldestSeenAt: Date | null;
  /**
   * This conversation's answers of the last minute, counted from the messages read (for the per-contact
   * limit without a query of its own), or null when those messages do not reach back a whole minute.
   */
  recentAnswers: AnswerWindow | null;
};

export const answersInLastMinute = (recent: { direction: string; metadata: Record<string, unknown>; created_at: Date }[], now: number): AnswerWindow | null => {
  const coversMinute = recent.length < RECENT || now - (recent.at(-1)?.created_at.getTime() ?? now) >= WINDOW_MS;
  if (!coversMinute) return null;
  const answers = recent.filter((m) => m.direction === "out" && "answer" in m.metadata && now - m.created_at.getTime() < WINDOW_MS);
  return { n: answers.length, ageMs: answers.length ? now - answers.at(-1)!.created_at.getTime() : null };
};

const conversationQuery = preparedOnce((db) =>
  db
    .select({ conversation: schema.conversations, brand: schema.brands, channel: schema.channels, contact: schema.contacts })
    .from(schema.conversations)
    .innerJoin(schema.brands, eq(schema.brands.id, schema.conversations.brand_id))
    .innerJoin(schema.channels, eq(schema.channels.id, schema.conversations.channel_id))
    .innerJoin(schema.contacts, eq(schema.contacts.id, schema.conversations.contact_id))
    .where(eq(schema.conversations.id, sql.placeholder("id")))
    .prepare("respond_conversation"),
);

const recentQuery = preparedOnce((db) =>
  db
    .select({ id: schema.messages.id, direction: schema.messages.direction, body: schema.messages.body, status: schema.messages.status, metadata: schema.messages.metadata, created_at: schema.messages.created_at })
    .from(schema.messages)
    .where(eq(schema.messages.conversation_id, sql.placeholder("id")))
    .orderBy(desc(schema.messages.created_at), desc(schema.messages.id))
    .limit(RECENT)
    .prepare("respond_recent"),
);

/**
 * Reads what the respond step needs for one conversation: brand (persona, policies), channel, the
 * unanswered burst — customer messages after the last outbound message (a reply, a holding message or
 * an agent's) — and the history before it, newest first until `historyTokens` is spent. Messages
 * without text (media, reactions) are skipped; messages not addressed to the brand (group chatter) too.
 */
export const loadRespondContext = async (db: Db, conversationId: string, historyTokens: number): Promise<RespondContext | null> => {
  // Both by conversation id, so sent together: one round trip.
  const [[row], recent] = await Promise.all([conversationQuery(db).execute({ id: conversationId }), recentQuery(db).execute({ id: conversationId })]);
  if (!row) return null;
  const chronological = recent.filter((m) => m.status !== "draft").reverse();
  const lastOut = chronological.findLastIndex((m) => m.direction === "out");
  const isText = (m: (typeof recent)[number]) => typeof m.body === "string" && m.body.trim() !== "" && m.metadata.not_addressed !== true;
  const unanswered = chronological.slice(lastOut + 1).filter((m) => m.direction === "in" && isText(m));

  const history: Turn[] = [];
  let budget = historyTokens;
  for (const m of chronological.slice(0, lastOut + 1).reverse()) {
    if (!isText(m)) continue;
    const cost = estimateTokens(m.body!);
    if (cost > budget) break;
    budget -= cost;
    history.unshift({ role: m.direction === "in" ? "customer" : "assistant", text: m.body! });
  }
  const brand = row.brand;
  return {
    brand: { id: brand.id, tenant_id: brand.tenant_id, name: brand.name, persona: brand.persona, policies: parsePolicies(brand.policies), knowledgeRevision: brand.knowledge_revision },
    conversation: { id: row.conversation.id, tenant_id: row.conversation.tenant_id, status: row.conversation.status },
    channel: { id: row.channel.id, provider: row.channel.provider },
    contactExternalId: row.contact.external_id,
    unanswered: unanswered.map((m) => ({ id: m.id, text: m.body! })),
    history,
    seenIds: recent.map((m) => m.id),
    oldestSeenAt: recent.at(-1)?.created_at ?? null,
    recentAnswers: answersInLastMinute(recent, Date.now()),
  };
};
