import { sql } from "drizzle-orm";
import { widget, widgetDeltaNotices, widgetTypingNotice } from "../channels";
import type { Db } from "../runtime/db";
import type { RespondContext } from "./context";

/**
 * Live updates for the web widget. The typing indicator goes on while an answer is prepared (and off
 * when it is dropped or escalated; a sent reply turns it off in the browser). The reply's text is
 * streamed as `delta` notices only once the guardrails passed, inside the transaction that queues it
 * (NOTIFY is delivered at commit): streaming tokens as the model writes them would show the visitor a
 * draft that a guardrail may still reject, and a failing draft must never reach a customer.
 */
export const isWidget = (provider: string): boolean => provider === widget.id;

export const publishTyping = async (db: Db, c: RespondContext, on: boolean): Promise<void> => {
  const n = widgetTypingNotice(c.channel.id, c.contactExternalId, on);
  // Best effort: a lost typing indicator must not fail the answer.
  await db.execute(sql`select pg_notify(${n.channel}, ${n.payload})`).catch(() => {});
};

export const widgetDeltas = (c: RespondContext, messageId: string | undefined, text: string) =>
  messageId ? widgetDeltaNotices(c.channel.id, c.contactExternalId, messageId, text) : [];
