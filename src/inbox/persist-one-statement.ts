import { sql } from "drizzle-orm";
import { getChannel, type InboundMessage, type ParseResult } from "../channels";
import type { Db, Tx } from "../runtime/db";
import { currentTraceparent } from "../runtime";
import { WAKE_CHANNEL, type HandOffTaker, type Wake } from "../runtime/queue";
import {
  CHANNEL_ACT_JOB,
  MEDIA_FETCH_JOB,
  messageCtes,
  messageInputs,
  RESPOND_JOB,
  statusInputs,
  statusUpdate,
  type ChannelRef,
} from "./persist-sql";

/** `conversations`: ids of the conversations that got an answerable message the bot answers (a respond job). */
export type StatementOutcome = {
  inserted: number;
  duplicates: number;
  statuses_applied: number;
  jobs: number;
  conversations: string[];
};

/** Slots kept on a local runner: that many of the batch's jobs are written running under its lease. */
type HandOff = { taker: HandOffTaker; slots: number; token: string };

type StartedRow = {
  id: string;
  kind: string;
  key: string | null;
  tenant_id: string | null;
  payload: unknown;
  max_attempts: number;
  lease_token: string;
  trace: string | null;
};

/** The one-running-per-key index: a concurrent writer started a job of the same key first. */
const isKeyRace = (e: unknown): boolean => {
  const pg = (e as { cause?: unknown }).cause ?? e; // drizzle wraps the driver's error
  return (
    (pg as { code?: string }).code === "23505" &&
    (pg as { constraint_name?: string }).constraint_name === "jobs_one_running_per_key"
  );
};

/**
 * Contacts, conversations, messages, statuses and the follow-up jobs with their NOTIFY as ONE statement
 * with no explicit transaction (a statement is atomic on its own): one round trip and one commit — the
 * gateway's path for every batch without events (blocks, deletions). The same statement (`writeInbound`)
 * is what `persistParsed` runs inside a transaction for every other entrance: ONE derivation of the jobs.
 *
 * The jobs are derived in SQL from what the inserts returned:
 * `media.fetch` for every new message with a file; per conversation that got a new answerable message,
 * `respond` when it is with the bot, and the actions for its newest answerable message (a read receipt,
 * and typing when the bot will answer; WhatsApp's typing call marks read) — in the respond job when the
 * bot answers, else in a `channel.act` job; and a `channel.act` job of its own for every acknowledgement
 * an event needs at once (a Telegram button press: `answerCallbackQuery`), started first when slots are kept.
 *
 * Hand-off in the statement: when this process's runner has free slots, they are kept first and that
 * many jobs (answers first; none whose key has a job open) are written running under its lease; the
 * runner adopts the rows returned, the way `enqueueJobs` hands jobs over at COMMIT.
 */
export const acceptInOneStatement = async (
  db: Db,
  wake: Wake | null,
  maxAttempts: number,
  channel: ChannelRef,
  parsed: ParseResult,
  traces?: ReadonlyMap<InboundMessage, string>,
): Promise<StatementOutcome> => {
  // A local runner's free slots, kept for the batch's jobs (at most one respond and one other job per message).
  const reserved = parsed.messages.length
    ? wake?.reserveSlots(RESPOND_JOB, parsed.messages.length + acks(parsed))
    : null;
  const handOff = reserved ? { ...reserved, token: crypto.randomUUID() } : null;
  try {
    const { outcome, started } = await writeInbound(db, maxAttempts, channel, parsed, handOff, traces).catch(
      (e: unknown) => {
        // Another writer started a job of one of these keys between our check and our insert: the whole
        // statement rolled back; written again with every job queued (behind that one).
        if (!handOff || !isKeyRace(e)) throw e;
        return writeInbound(db, maxAttempts, channel, parsed, null, traces);
      },
    );
    for (const r of started) {
      handOff!.taker.adopt({
        id: Number(r.id),
        kind: r.kind,
        key: r.key,
        tenant_id: r.tenant_id,
        payload: r.payload,
        attempts: 1,
        max_attempts: r.max_attempts,
        lease_token: r.lease_token,
        trace: r.trace,
      });
    }
    for (let i = started.length; i < (handOff?.slots ?? 0); i++) handOff!.taker.unreserve();
    if (outcome.jobs > started.length) wake?.notify();
    return outcome;
  } catch (e) {
    for (let i = 0; i < (handOff?.slots ?? 0); i++) handOff!.taker.unreserve();
    throw e;
  }
};

const acks = (parsed: ParseResult): number => parsed.messages.filter((m) => m.content.kind === "callback_query").length;

/** The inbound statement on `db` or inside a transaction (`handOff` null: every job queued, NOTIFY at commit). */
export const writeInbound = async (
  db: Db | Tx,
  maxAttempts: number,
  channel: ChannelRef,
  parsed: ParseResult,
  handOff: HandOff | null,
  traces?: ReadonlyMap<InboundMessage, string>,
): Promise<{ outcome: StatementOutcome; started: StartedRow[] }> => {
  const input = messageInputs(parsed.messages, traces);
  // A message without a trace of its own (no group commit) continues the active span's.
  const activeTrace = currentTraceparent();
  const statuses = statusInputs(parsed.statuses);
  const caps = getChannel(channel.provider).capabilities;
  const readReceipts = caps.hasReadReceipts;
  const typing = caps.hasTyping;
  const typingMarksRead = caps.typingMarksRead === true;
  const slots = handOff?.slots ?? 0;
  const [row] = await db.execute<{
    inserted: number;
    statuses: number;
    jobs: number;
    started: StartedRow[];
    answered: string[];
  }>(sql`
    ${messageCtes(channel, input)},
    fresh as (
      select im.ord, im.ts, im.answerable, im.media, im.ack, im.external_id, im.provider_message_id, im.trace, m.id as message_id, v.id as conversation_id, v.status
      from m join im using (provider_message_id) join c using (external_id) join v on v.contact_id = c.id
    ), answer as (
      select conversation_id, min(ord) as ord from fresh where answerable and status = 'bot' group by conversation_id
    ), newest as (
      select distinct on (conversation_id) conversation_id, external_id, provider_message_id, trace from fresh where answerable
      order by conversation_id, ts desc, ord desc
    ), acts as (
      select n.conversation_id, n.trace, a.conversation_id is not null as answered,
        (case when ${readReceipts} and not (${typing} and a.conversation_id is not null and ${typingMarksRead})
          then jsonb_build_array(jsonb_build_object('kind', 'mark_read', 'conversationId', n.external_id, 'providerMessageId', n.provider_message_id))
          else '[]'::jsonb end)
        || (case when ${typing} and a.conversation_id is not null
          then jsonb_build_array(jsonb_build_object('kind', 'typing', 'conversationId', n.external_id, 'providerMessageId', n.provider_message_id))
          else '[]'::jsonb end) as actions
      from newest n left join answer a using (conversation_id)
    ), wanted as (
      select 1 as grp, ord, ${MEDIA_FETCH_JOB}::text as kind, null::text as key, jsonb_build_object('message_id', message_id, 'channel_id', ${channel.id}::text) as payload, trace
      from fresh where media
      union all
      select 2, 0, ${CHANNEL_ACT_JOB}, null, jsonb_build_object('channel_id', ${channel.id}::text, 'actions', actions), trace from acts where not answered and jsonb_array_length(actions) > 0
      union all
      -- A conversation the bot answers has its actions run by its respond job.
      select 3, a.ord, ${RESPOND_JOB}, 'conv:' || a.conversation_id, jsonb_build_object('conversation_id', a.conversation_id)
        || coalesce((select jsonb_build_object('channel_id', ${channel.id}::text, 'actions', x.actions) from acts x
                     where x.conversation_id = a.conversation_id and jsonb_array_length(x.actions) > 0), '{}'::jsonb),
        (select f.trace from fresh f where f.conversation_id = a.conversation_id and f.ord = a.ord)
      from answer a
      union all
      -- Acknowledgements (a button press) in jobs of their own: the highest group, so a kept slot takes them first.
      select 4, ord, ${CHANNEL_ACT_JOB}, null, jsonb_build_object('channel_id', ${channel.id}::text, 'actions', jsonb_build_array(ack)), trace from fresh where ack is not null
    ), startable as (
      -- Hand-off: a job may start at once when a slot was kept for it and no job of its key is open
      -- (per-key order); answers first, as the customer waits for them.
      select w.*, row_number() over (order by grp, ord) as i,
        ${slots} > 0 and (w.key is null or not exists (select 1 from jobs o where o.key = w.key and o.state in ('queued', 'running'))) as free
      from wanted w
    ), chosen as (
      select s.*, s.free and count(*) filter (where s.free) over (order by s.grp desc, s.ord rows unbounded preceding) <= ${slots} as run_now
      from startable s
    ), j as (
      insert into jobs (kind, payload, tenant_id, key, max_attempts, state, attempts, lease_token, locked_by, locked_until, trace)
      select kind, payload, ${channel.tenant_id}, key, ${maxAttempts},
        case when run_now then 'running' else 'queued' end, case when run_now then 1 else 0 end,
        case when run_now then ${handOff?.token ?? ""} || ':' || i end, case when run_now then ${handOff?.taker.workerId ?? null}::text end,
        case when run_now then now() + ${handOff?.taker.leaseMs ?? 0} * interval '1 millisecond' end,
        coalesce(trace, ${activeTrace}::text)
      from chosen order by grp, ord
      returning id, state, kind, key, tenant_id, payload, max_attempts, lease_token, trace
    ), woke as (
      select pg_notify(${WAKE_CHANNEL}, '') from (select 1 from j where state = 'queued' limit 1) any_queued
    ), st as (
      ${statuses.length ? statusUpdate(channel, statuses) : sql`select null::text as id where false`}
    )
    select (select count(*) from m)::int as inserted, (select count(*) from st)::int as statuses,
      (select count(*) from j)::int as jobs, (select count(*) from woke)::int as woke,
      (select coalesce(jsonb_agg(j) filter (where state = 'running'), '[]'::jsonb) from j) as started,
      (select coalesce(jsonb_agg(conversation_id), '[]'::jsonb) from answer) as answered`);
  const outcome = {
    inserted: row.inserted,
    duplicates: input.messages.length - row.inserted,
    statuses_applied: row.statuses,
    jobs: row.jobs,
    conversations: row.answered,
  };
  return { outcome, started: row.started };
};
