import { estimateTokens } from "../rag";
import type { Db } from "../runtime/db";
import { readContextRows, RECENT } from "./context-read";
import { parsePolicies } from "./policies";
import { WINDOW_MS, type AnswerWindow } from "./rate-limit";
import { firstBurst, latestQuestion, type PendingMessage } from "./turn";
import type { BrandProfile, Turn } from "./types";

export type RespondContext = {
  brand: BrandProfile;
  conversation: { id: string; tenant_id: string; status: string };
  channel: { id: string; provider: string };
  /** The customer's id on the channel (the widget's visitor id). */
  contactExternalId: string;
  /**
   * The messages this turn answers (and names, `messages.answered_by`): the first burst of the pending
   * ones, oldest first, with and without words. Empty: nothing pending.
   */
  turn: PendingMessage[];
  /** The question the turn asks (`latestQuestion`): "" when no message of the turn has words. */
  question: string;
  /** All the turn's words, joined (what the guardrails judge): equal to `question` when nothing came before it. */
  burst: string;
  /** Whether pending messages remain after this turn (a later burst): the run queues the next turn. */
  morePending: boolean;
  /** Earlier turns within the token budget, oldest first, then the turn's own earlier messages. */
  history: Turn[];
  /** Ids of every message read: a customer or agent message not among them arrived meanwhile. */
  seenIds: string[];
  oldestSeenAt: Date | null;
  /** When the turn's newest message was sent (ms): a newer pending message within the burst gap joins this turn. */
  turnEndsAt: number;
  /**
   * This conversation's answers of the last minute, counted from the messages read (for the per-contact
   * limit without a query of its own), or null when those messages do not reach back a whole minute.
   */
  recentAnswers: AnswerWindow | null;
};

export const answersInLastMinute = (
  recent: { direction: string; metadata: Record<string, unknown>; created_at: Date }[],
  now: number,
): AnswerWindow | null => {
  const coversMinute = recent.length < RECENT || now - (recent.at(-1)?.created_at.getTime() ?? now) >= WINDOW_MS;
  if (!coversMinute) return null;
  const answers = recent.filter(
    (m) => m.direction === "out" && "answer" in m.metadata && now - m.created_at.getTime() < WINDOW_MS,
  );
  return { n: answers.length, ageMs: answers.length ? now - answers.at(-1)!.created_at.getTime() : null };
};

const hasWords = (body: string | null): body is string => typeof body === "string" && body.trim() !== "";

/**
 * Reads what the respond step needs for one conversation: brand (persona, policies), channel, the turn
 * to answer — the first burst of the messages no turn has named yet (`firstBurst`), its question
 * (`latestQuestion`) — and the history: answered messages and replies, newest first until
 * `historyTokens` is spent, then the turn's own earlier messages. Messages without text (media,
 * reactions) and messages not addressed to the brand (group chatter) stay out of the history.
 */
export const loadRespondContext = async (
  db: Db,
  conversationId: string,
  historyTokens: number,
  burstGapMs = 0,
): Promise<RespondContext | null> => {
  const row = await readContextRows(db, conversationId);
  if (!row) return null;
  const { recent, pending: pendingRows } = row;
  const pending: PendingMessage[] = pendingRows.map((m) => ({
    id: m.id,
    kind: m.kind,
    text: hasWords(m.body) ? m.body : null,
    sentAt: typeof m.metadata.provider_timestamp === "number" ? m.metadata.provider_timestamp : m.created_at.getTime(),
  }));
  // In the order the customer sent them (stable: one webhook's burst keeps its input order on a tie).
  pending.sort((a, b) => a.sentAt - b.sentAt);
  const { turn, rest } = firstBurst(pending, burstGapMs);
  const texts = turn.flatMap((m) => (m.text === null ? [] : [{ id: m.id, text: m.text }]));
  const { question, context } = latestQuestion(texts);

  const pendingIds = new Set(pending.map((m) => m.id));
  const isText = (m: (typeof recent)[number]) => hasWords(m.body) && m.metadata.not_addressed !== true;
  const history: Turn[] = [];
  let budget = historyTokens;
  for (const m of recent) {
    if (m.status === "draft" || pendingIds.has(m.id)) continue;
    if (!isText(m)) continue;
    const cost = estimateTokens(m.body!);
    if (cost > budget) break;
    budget -= cost;
    history.unshift({ role: m.direction === "in" ? "customer" : "assistant", text: m.body! });
  }
  for (const m of context) history.push({ role: "customer", text: m.text });
  const brand = row.brand;
  return {
    brand: {
      id: brand.id,
      tenant_id: brand.tenant_id,
      name: brand.name,
      persona: brand.persona,
      policies: parsePolicies(brand.policies),
      knowledgeRevision: brand.knowledge_revision,
    },
    conversation: row.conversation,
    channel: row.channel,
    contactExternalId: row.contactExternalId,
    turn,
    question,
    burst: texts.map((m) => m.text).join("\n"),
    // A full page read: more may wait beyond it.
    morePending: rest.length > 0 || pendingRows.length === RECENT,
    history,
    seenIds: [...new Set([...recent.map((m) => m.id), ...pending.map((m) => m.id)])],
    oldestSeenAt: recent.at(-1)?.created_at ?? null,
    turnEndsAt: turn.at(-1)?.sentAt ?? 0,
    recentAnswers: answersInLastMinute(recent, Date.now()),
  };
};
