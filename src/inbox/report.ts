import type { Sql } from "postgres";

/** One brand over one period: `since` inclusive, `until` exclusive. */
export type ReportScope = { tenant_id: string; brand_id: string; since: Date; until: Date };

/** Percentiles of a duration, in seconds; null when nothing was measured in the period. */
export type Durations = { count: number; p50_seconds: number | null; p90_seconds: number | null };

export type BrandActivity = {
  conversations: number;
  messages_in: number;
  messages_out: number;
  /** Conversations with a customer message in the period that the assistant answered and never handed over. */
  resolved_by_assistant: number;
  handed_over: number;
  handovers_by_reason: Record<string, number>;
  /** From a customer's message to the assistant's reply that names it (the answered link). */
  reply_time: Durations;
  /** From an escalation to the first agent's claim (the audit log's `escalation.claim`). */
  claim_time: Durations;
  /** From an escalation to its resolution or close. */
  resolution_time: Durations;
  delivery_failures_by_error: Record<string, number>;
  llm_tokens: { prompt: number; completion: number; answers: number };
};

type Row = Omit<BrandActivity, "reply_time" | "claim_time" | "resolution_time"> & {
  reply: Durations;
  claim: Durations;
  resolution: Durations;
};

/**
 * A brand's activity in one round trip. Everything is scoped to the brand's conversations
 * (`conversations.brand_id`); a period counts what happened in it (a message by its arrival, an
 * escalation by its opening), so two adjacent periods never count a row twice.
 */
export const brandActivity = async (sql: Sql, scope: ReportScope): Promise<BrandActivity> => {
  const { tenant_id, brand_id } = scope;
  // As text with a cast: postgres.js serialises a Date only where the server infers a timestamp.
  const since = scope.since.toISOString();
  const until = scope.until.toISOString();
  const [row] = await sql<Row[]>`
    with conv as (select id from conversations where tenant_id = ${tenant_id} and brand_id = ${brand_id}),
    msg as (
      select m.* from messages m join conv on conv.id = m.conversation_id
      where m.created_at >= ${since}::timestamptz and m.created_at < ${until}::timestamptz
    ),
    esc as (
      select e.* from escalations e join conv on conv.id = e.conversation_id
      where e.created_at >= ${since}::timestamptz and e.created_at < ${until}::timestamptz
    ),
    active as (select distinct conversation_id from msg where direction = 'in'),
    answered as (select distinct conversation_id from msg where direction = 'out' and metadata ? 'answer'),
    replies as (
      select extract(epoch from (o.created_at - i.created_at))::float8 as s
      from msg i join messages o on o.id = i.answered_by
      where i.direction = 'in' and i.answered_by like 'msg\\_%'
    ),
    claims as (
      select extract(epoch from (min(a.created_at) - e.created_at))::float8 as s
      from esc e join audit_log a on a.subject_type = 'escalation' and a.subject_id = e.id and a.action = 'escalation.claim'
      group by e.id, e.created_at
    ),
    resolutions as (
      select extract(epoch from (e.updated_at - e.created_at))::float8 as s from esc e where e.state in ('resolved', 'closed')
    )
    select
      (select count(*)::int from active) as conversations,
      (select count(*)::int from msg where direction = 'in') as messages_in,
      (select count(*)::int from msg where direction = 'out' and status <> 'draft') as messages_out,
      (select count(*)::int from active a join answered b using (conversation_id)
        where not exists (select 1 from escalations e where e.conversation_id = a.conversation_id and e.created_at >= ${since}::timestamptz and e.created_at < ${until}::timestamptz)) as resolved_by_assistant,
      (select count(distinct conversation_id)::int from esc) as handed_over,
      (select coalesce(jsonb_object_agg(reason, n), '{}'::jsonb) from (select reason, count(*)::int as n from esc group by reason) r) as handovers_by_reason,
      (select jsonb_build_object('count', count(*)::int, 'p50_seconds', percentile_cont(0.5) within group (order by s), 'p90_seconds', percentile_cont(0.9) within group (order by s)) from replies) as reply,
      (select jsonb_build_object('count', count(*)::int, 'p50_seconds', percentile_cont(0.5) within group (order by s), 'p90_seconds', percentile_cont(0.9) within group (order by s)) from claims) as claim,
      (select jsonb_build_object('count', count(*)::int, 'p50_seconds', percentile_cont(0.5) within group (order by s), 'p90_seconds', percentile_cont(0.9) within group (order by s)) from resolutions) as resolution,
      (select coalesce(jsonb_object_agg(code, n), '{}'::jsonb) from (
        select coalesce(error_code, 'unknown') as code, count(*)::int as n from msg where direction = 'out' and status = 'failed' group by 1) f) as delivery_failures_by_error,
      (select jsonb_build_object(
        'prompt', coalesce(sum((metadata #>> '{answer,tokens,prompt}')::bigint), 0)::bigint,
        'completion', coalesce(sum((metadata #>> '{answer,tokens,completion}')::bigint), 0)::bigint,
        'answers', count(*)::int)
        from msg where direction = 'out' and metadata #>> '{answer,mode}' = 'llm' and coalesce((metadata ->> 'part')::int, 1) = 1) as llm_tokens`;
  const { reply, claim, resolution, ...rest } = row;
  return {
    ...rest,
    llm_tokens: {
      prompt: Number(rest.llm_tokens.prompt),
      completion: Number(rest.llm_tokens.completion),
      answers: rest.llm_tokens.answers,
    },
    reply_time: reply,
    claim_time: claim,
    resolution_time: resolution,
  };
};

/** Why an escalation counts as a knowledge gap: the assistant had nothing (good enough) to say. */
export const GAP_REASONS = ["low_confidence", "unsupported_answer", "no_answer"] as const;

export type GapQuestion = { escalation_id: string; reason: string; text: string; at: Date };

/**
 * The customer questions behind gap escalations, newest first: the inbound messages the escalation
 * answered (the answered link names the escalation), so a burst's parts come together.
 */
export const gapQuestions = async (sql: Sql, scope: ReportScope, limit: number): Promise<GapQuestion[]> => {
  const rows = await sql<{ escalation_id: string; reason: string; text: string; at: Date | string }[]>`
    select e.id as escalation_id, e.reason, string_agg(m.body, ' ' order by m.created_at) as text, e.created_at as at
    from escalations e
    join conversations c on c.id = e.conversation_id and c.tenant_id = ${scope.tenant_id} and c.brand_id = ${scope.brand_id}
    join messages m on m.conversation_id = e.conversation_id and m.answered_by = e.id and m.direction = 'in' and m.body is not null
    where e.reason in ${sql([...GAP_REASONS])} and e.created_at >= ${scope.since.toISOString()}::timestamptz and e.created_at < ${scope.until.toISOString()}::timestamptz
    group by e.id, e.reason, e.created_at
    order by e.created_at desc
    limit ${limit}`;
  // A Date whichever way the client is set to parse timestamps (the app's parses none of them).
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
};
