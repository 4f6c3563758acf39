import { pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { conversations } from "./conversations";

/**
 * The answered link's pending side (DESIGN §10): one row per inbound message that awaits a turn
 * (`messages.awaits_turn`) and that no turn named yet (`messages.answered_by` is null) — inserted by the
 * statement that stores the message, deleted by the transaction that names it (or that the customer's
 * deletion stops from awaiting one). "A message no turn names is still pending" holds because both
 * sides change in the same statement, and is checked by test/e2e/answer-statements.test.ts.
 * A narrow table of its own rather than a partial index over `messages` naming `answered_by`: naming a
 * message is then a HOT update of its row plus a delete here, where it was a new row version with an
 * entry in each index of `messages`. Ordered as a conversation's pending messages are read.
 */
export const pendingMessages = pgTable(
  "pending_messages",
  {
    conversation_id: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    /** The message's `created_at`: the order a turn reads its pending messages in. */
    created_at: timestamp("created_at", { withTimezone: true }).notNull(),
    message_id: text("message_id").notNull(),
  },
  (t) => [primaryKey({ name: "pending_messages_pkey", columns: [t.conversation_id, t.created_at, t.message_id] })],
);
