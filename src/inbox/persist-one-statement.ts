import { sql } from "drizzle-orm";
import { getChannel, type ParseResult } from "../channels";
import type { Db } from "../runtime/db";
import { WAKE_CHANNEL, type Wake } from "../runtime/queue";
import { CHANNEL_ACT_JOB, MEDIA_FETCH_JOB, RESPOND_JOB, type ChannelRef } from "./persist";
import { messageCtes, messageInputs, statusInputs, statusUpdate } from "./persist-sql";

export type StatementOutcome = { inserted: number; duplicates: number; statuses_applied: number; jobs: number };

/**
 * What `acceptParsed` does — contacts, conversations, messages, statuses and the follow-up jobs with
 * their NOTIFY — as ONE statement with no explicit transaction (a statement is atomic on its own): one
 * round trip and one commit instead of four round trips. For instances with no local runner to hand
 * jobs to (gateway-only), where the acknowledgement time is the whole job; not for events
 * (blocks, deletions), which the transactional path applies.
 *
 * The jobs follow the same rules as `persistParsed`, derived in SQL from what the inserts returned:
 * `media.fetch` for every new message with a file; per conversation that got a new answerable message,
 * `respond` when it is with the bot, and the actions for its newest answerable message (a read receipt,
 * and typing when the bot will answer; WhatsApp's typing call marks read) — in the respond job when the
 * bot answers, else in a `channel.act` job. The equivalence of
 * the two paths is tested on every fixture (`persist-one-statement.test.ts`).
 */
export const acceptInOneStatement = async (db: Db, wake: Wake | null, maxAttempts: number, channel: ChannelRef, parsed: ParseResult): Promise<StatementOutcome> => {
  const input = messageInputs(parsed.messages);
  const statuses = statusInputs(parsed.statuses);
  const caps = getChannel(channel.provider).capabilities;
  const readReceipts = caps.hasReadReceipts;
  const typing = caps.hasTyping;
  const typingMarksRead = caps.typingMarksRead === true;
  const [row] = await db.execute<{ inserted: number; statuses: number; jobs: number }>(sql`
    ${messageCtes(channel, input)},
    fresh as (
      select im.ord, im.ts, im.answerable, im.media, im.external_id, im.provider_message_id, m.id as message_id, v.id as conversation_id, v.status
      from m join im using (provider_message_id) join c using (external_id) join v on v.contact_id = c.id
    ), answer as (
      select conversation_id, min(ord) as ord from fresh where answerable and status = 'bot' group by conversation_id
    ), newest as (
      select distinct on (conversation_id) conversation_id, external_id, provider_message_id from fresh where answerable
      order by conversation_id, ts desc, ord desc
    ), acts as (
      select n.conversation_id, a.conversation_id is not null as answered,
        (case when ${readReceipts} and not (${typing} and a.conversation_id is not null and ${typingMarksRead})
          then jsonb_build_array(jsonb_build_object('kind', 'mark_read', 'conversationId', n.external_id, 'providerMessageId', n.provider_message_id))
          else '[]'::jsonb end)
        || (case when ${typing} and a.conversation_id is not null
          then jsonb_build_array(jsonb_build_object('kind', 'typing', 'conversationId', n.external_id, 'providerMessageId', n.provider_message_id))
          else '[]'::jsonb end) as actions
      from newest n left join answer a using (conversation_id)
    ), wanted as (
      select 1 as grp, ord, ${MEDIA_FETCH_JOB}::text as kind, null::text as key, jsonb_build_object('message_id', message_id, 'channel_id', ${channel.id}::text) as payload
      from fresh where media
      union all
      select 2, 0, ${CHANNEL_ACT_JOB}, null, jsonb_build_object('channel_id', ${channel.id}::text, 'actions', actions) from acts where not answered and jsonb_array_length(actions) > 0
      union all
      -- A conversation the bot answers has its actions run by its respond job.
      select 3, a.ord, ${RESPOND_JOB}, 'conv:' || a.conversation_id, jsonb_build_object('conversation_id', a.conversation_id)
        || coalesce((select jsonb_build_object('channel_id', ${channel.id}::text, 'actions', x.actions) from acts x
                     where x.conversation_id = a.conversation_id and jsonb_array_length(x.actions) > 0), '{}'::jsonb)
      from answer a
    ), j as (
      insert into jobs (kind, payload, tenant_id, key, max_attempts)
      select kind, payload, ${channel.tenant_id}, key, ${maxAttempts} from wanted order by grp, ord
      returning id
    ), woke as (
      select pg_notify(${WAKE_CHANNEL}, '') from (select 1 from j limit 1) any_job
    ), st as (
      ${statuses.length ? statusUpdate(channel, statuses) : sql`select null::text as id where false`}
    )
    select (select count(*) from m)::int as inserted, (select count(*) from st)::int as statuses,
      (select count(*) from j)::int as jobs, (select count(*) from woke)::int as woke`);
  if (row.jobs > 0) wake?.notify();
  return { inserted: row.inserted, duplicates: input.messages.length - row.inserted, statuses_applied: row.statuses, jobs: row.jobs };
};
