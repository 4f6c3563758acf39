// What the scale-out run left in the shared store, read after both instances stopped: per customer,
// the inbound messages in stored order, which are still pending, and the replies in order; and the
// scheduled slots with the job each one enqueued.
import postgres from "postgres";

export type CustomerRows = {
  /** Inbound texts in stored order (created_at, then id). */
  inbound: string[];
  /** Inbound messages that await a turn and no turn names (acknowledged, never answered or escalated), in a conversation the bot still handles. */
  pending: number;
  /** The same in a conversation handed to a human: the agent has it (a message that came in while the turn escalating the conversation ran). */
  withAgent: number;
  /** Sent replies (outbound rows marked sent or later) in stored order. */
  replies: string[];
  /** For each inbound message in stored order, the position among the outbound rows of the reply that answered it (-1: an escalation or none). */
  answeredAt: number[];
};

export type SlotRow = { slot: string; fired_by: string | null; jobs: number; done: number; attempts: number };

const SENT = ["sent", "delivered", "read"];

export const readCustomers = async (databaseUrl: string, externalIds: string[]): Promise<Map<string, CustomerRows>> => {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<
      {
        external_id: string;
        conversation_status: string;
        id: string;
        direction: string;
        body: string | null;
        status: string;
        awaits_turn: boolean;
        answered_by: string | null;
      }[]
    >`
      select k.external_id, c.status as conversation_status, m.id, m.direction, m.body, m.status, m.awaits_turn, m.answered_by
      from contacts k join conversations c on c.contact_id = k.id join messages m on m.conversation_id = c.id
      where k.external_id = any(${externalIds})
      order by k.external_id, c.created_at, m.created_at, m.id`;
    const out = new Map<string, CustomerRows>();
    const outboundIds = new Map<string, string[]>();
    const answeredBy = new Map<string, (string | null)[]>();
    for (const r of rows) {
      const c = out.get(r.external_id) ?? { inbound: [], pending: 0, withAgent: 0, replies: [], answeredAt: [] };
      out.set(r.external_id, c);
      if (r.direction === "in") {
        c.inbound.push(r.body ?? "");
        if (r.awaits_turn && r.answered_by === null) {
          if (r.conversation_status === "human") c.withAgent += 1;
          else c.pending += 1;
        }
        answeredBy.set(r.external_id, [...(answeredBy.get(r.external_id) ?? []), r.answered_by]);
      } else {
        outboundIds.set(r.external_id, [...(outboundIds.get(r.external_id) ?? []), r.id]);
        if (SENT.includes(r.status)) c.replies.push(r.body ?? "");
      }
    }
    for (const [id, c] of out) {
      const outs = outboundIds.get(id) ?? [];
      c.answeredAt = (answeredBy.get(id) ?? []).map((a) => (a === null ? -1 : outs.indexOf(a)));
    }
    return out;
  } finally {
    await sql.end();
  }
};

/** Every recorded slot of `schedule` with the jobs whose payload names it. */
export const readSlots = async (databaseUrl: string, schedule: string, kind: string): Promise<SlotRow[]> => {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await sql<SlotRow[]>`
      select to_char(r.slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as slot, r.fired_by,
        count(j.id)::int as jobs, count(j.id) filter (where j.state = 'done')::int as done, coalesce(sum(j.attempts), 0)::int as attempts
      from schedule_runs r left join jobs j on j.kind = ${kind} and j.payload->>'slot' = to_char(r.slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      where r.schedule = ${schedule}
      group by r.slot, r.fired_by order by r.slot`;
  } finally {
    await sql.end();
  }
};

/** Jobs of `kind` whose slot no schedule_runs row records (must be none). */
export const unrecordedJobs = async (databaseUrl: string, schedule: string, kind: string): Promise<number> => {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from jobs j where j.kind = ${kind} and not exists (
        select 1 from schedule_runs r where r.schedule = ${schedule} and to_char(r.slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') = j.payload->>'slot')`;
    return row?.n ?? 0;
  } finally {
    await sql.end();
  }
};
