// The answered link's invariant (src/runtime/db/schema/pending-messages.ts): a `pending_messages` row
// exists exactly for each message that awaits a turn and that no turn named.
import { expect } from "bun:test";
import type { Sql } from "postgres";

export const expectPendingConsistent = async (sql: Sql): Promise<{ pending: number }> => {
  const [row] = await sql<{ missing: number; stale: number; pending: number }[]>`
    select
      (select count(*) from messages m where m.awaits_turn and m.answered_by is null and not exists (
        select 1 from pending_messages p where p.conversation_id = m.conversation_id and p.created_at = m.created_at and p.message_id = m.id))::int as missing,
      (select count(*) from pending_messages p where not exists (
        select 1 from messages m where m.id = p.message_id and m.conversation_id = p.conversation_id and m.created_at = p.created_at
          and m.awaits_turn and m.answered_by is null))::int as stale,
      (select count(*) from pending_messages)::int as pending`;
  expect({ missing: row.missing, stale: row.stale }).toEqual({ missing: 0, stale: 0 });
  return { pending: row.pending };
};
