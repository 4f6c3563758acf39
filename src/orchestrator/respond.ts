import { sql } from "drizzle-orm";
import { z } from "zod";
import { getChannel, type ChannelAction } from "../channels";
import { errorCode, type Logger } from "../runtime";
import { openEscalation, startReply } from "../inbox";
import { GroupTransaction, notifyInTx, transaction, type Db, type TxContext } from "../runtime/db";
import { enqueueJobs, type JobHandler, type NewJob, type Wake } from "../runtime/queue";
import { loadRespondContext, type RespondContext } from "./context";
import { answerTurn, type PipelineDeps } from "./decide";
import { escalateAfterLastAttempt } from "./last-resort";
import { holdingTextOf, nonTextOf, nonTextOutcome } from "./non-text";
import { MIN_BURST_GAP_MS } from "./turn";
import { DEFAULT_HOLDING_MESSAGES } from "./holding";
import type { AnswerOutcome } from "./types";
import { rateLimitWait, TenantAnswerCounts, type AnswerLimits } from "./rate-limit";
import { isWidget, publishTyping, WidgetDraft, widgetDeltas } from "./widget-stream";

export const DEFAULT_HOLDING_MESSAGE = DEFAULT_HOLDING_MESSAGES.en;

export type RespondDeps = {
  db: () => Db;
  wake: Wake;
  maxAttempts: number;
  pipeline: PipelineDeps;
  /** Quiet window: the customer must have been silent this long before a burst is answered. */
  quietWindowMs: number;
  historyTokens: number;
  /** Budget protection (LLM answers only); omitted: no limits. */
  limits?: AnswerLimits;
  /** Runs the side actions (read receipt, typing) a respond job carries; omitted: they are skipped. */
  act?: (channelId: string, actions: ChannelAction[], ctx: { signal: AbortSignal; log: Logger }) => Promise<void>;
  /**
   * The group commit the turns' transactions join; shared with the deliveries' (workers/index.ts) so an
   * answer, the attempts and the sent marks written meanwhile commit together. Omitted: one of its own.
   */
  group?: GroupTransaction;
  /** Called once per finished run that produced an outcome (metrics); must not throw. */
  onOutcome?: (tenantId: string, outcome: AnswerOutcome, seconds: number, committed: boolean) => void;
};

const Payload = z.object({
  conversation_id: z.string().min(1),
  deferrals: z.number().int().min(0).default(0),
  rate_deferrals: z.number().int().min(0).default(0),
  // The read receipt and typing for the newest message, when the webhook gave them to this job (inbox/persist.ts).
  channel_id: z.string().min(1).optional(),
  actions: z
    .array(
      z.object({ kind: z.enum(["mark_read", "typing"]), conversationId: z.string(), providerMessageId: z.string() }),
    )
    .optional(),
});
type Payload = z.output<typeof Payload>;

/** After this many waits for the rate limits (~half an hour) the turn goes to a human instead. */
const MAX_RATE_DEFERRALS = 30;
export const RATE_LIMITED = "rate_limited";

/** How many times a run may put itself off for the quiet window: a customer typing non-stop still gets an answer. */
const MAX_DEFERRALS = 5;

/** Milliseconds until the conversation's newest customer message is `quietMs` old (0: quiet already). */
const quietRemaining = async (db: Db, conversationId: string, quietMs: number): Promise<number> => {
  if (quietMs <= 0) return 0;
  const [row] = await db.execute<{ ms: number | null }>(
    sql`select (extract(epoch from (now() - max(created_at))) * 1000)::float8 as ms from messages where conversation_id = ${conversationId} and direction = 'in'`,
  );
  return Math.max(0, Math.ceil(quietMs - Number(row?.ms ?? quietMs)));
};

/**
 * Locks the conversation row and tells whether the draft may still go out: the conversation is in bot
 * mode, no other turn named the turn's messages meanwhile (an agent's reply names all that was pending),
 * the customer did not delete every message the turn answers (a deleted message stops awaiting a turn:
 * `inbox/deletion.ts`),
 * no customer message that joins this burst (pending, unseen, sent within the burst gap of its newest
 * message: it gets a respond job of its own, which answers the burst with it) nor an agent's message
 * arrived since the context was read. A pending message of a later burst does not stop the draft: it gets
 * its own turn. Both statements are sent at once; the check still runs after the lock is held, and reads
 * what committed up to then (each statement of a READ COMMITTED transaction takes its own snapshot when
 * it starts). Templates, not drizzle builds: every answer runs them.
 */
const stillCurrent = async (tx: TxContext, c: RespondContext, burstGapMs: number): Promise<boolean> => {
  const since = c.oldestSeenAt?.toISOString() ?? null; // drizzle set this client's timestamp serializer to take strings
  const joinsBefore = c.turnEndsAt + Math.max(burstGapMs, MIN_BURST_GAP_MS);
  const [[locked], [newer]] = await Promise.all([
    tx.sql<{ status: string }[]>`select status from conversations where id = ${c.conversation.id} for update`,
    // Every lookup names the conversation: a prepared statement keeps the generic plan it made while
    // `messages` was small, and one for `id = any($1)` alone is then a sequential scan of the whole table
    // for as long as the plan lives (one per answer in bench-e2e, BENCH.md); the conversation's index
    // stays the cheaper path at any table size.
    tx.sql<{ newer: boolean }[]>`
      select exists (select 1 from messages where conversation_id = ${c.conversation.id} and id = any(${tx.sql.array(c.turn.map((m) => m.id))}::text[]) and answered_by is not null)
        or not exists (select 1 from messages where conversation_id = ${c.conversation.id} and id = any(${tx.sql.array(c.turn.map((m) => m.id))}::text[]) and awaits_turn)
        or exists (select 1 from messages m where m.conversation_id = ${c.conversation.id}
          and m.id = any(array(select p.message_id from pending_messages p where p.conversation_id = ${c.conversation.id}
            and p.message_id <> all(${tx.sql.array(c.seenIds)}::text[])))
          and coalesce((m.metadata->>'provider_timestamp')::float8, extract(epoch from m.created_at) * 1000) <= ${joinsBefore})
        or exists (select 1 from messages where conversation_id = ${c.conversation.id} and metadata->>'author' = 'human'
          and id <> all(${tx.sql.array(c.seenIds)}::text[]) and (${since}::timestamptz is null or created_at > ${since}::timestamptz)) as newer`,
  ]);
  return locked?.status === "bot" && !newer?.newer;
};

/**
 * The `respond` job (one per conversation at a time: jobs are keyed `conv:<id>`). Waits (in the queue) for
 * the quiet window, answers one turn — the first burst of the messages no turn has named yet, asked as its
 * latest question with the rest as context (`context.ts`, `turn.ts`), through `answerTurn`; a turn with no
 * words by the brand's `non_text` policy — then in ONE transaction — conversation row locked — either
 * queues the reply (confidence, chunk ids and guardrail decisions stored in its metadata) with its
 * `deliver` jobs, or opens an escalation holding the draft and its sources, pausing the bot; the brand's
 * holding message goes out when the escalation is new (once per hand-off, not per message). The draft is
 * dropped, and nothing sent, when a newer customer message of the same burst (its own respond job follows
 * and answers the whole burst) or an agent's reply arrived while it was being written, or the conversation
 * left bot mode. The reply or the escalation names the turn's messages (`messages.answered_by`) in the
 * same transaction; when later bursts are pending, the next turn's job is queued in it too. Replays are
 * harmless: a run that finds nothing pending does nothing. The read receipt and typing indicator the
 * webhook put in the job run alongside the answer, best effort, and are finished before anything commits.
 */
export const respondHandler = (deps: RespondDeps): JobHandler => {
  const tenantCounts = new TenantAnswerCounts();
  // Concurrent answers commit together (one transaction, one fsync, statements pipelined).
  const group = deps.group ?? new GroupTransaction(deps.db);
  return async (job, jobCtx) => {
    const parsed = Payload.safeParse(job.payload);
    // Every line of this turn names its conversation (and channel, when the payload carries it).
    const ids = parsed.success
      ? {
          conversation_id: parsed.data.conversation_id,
          ...(parsed.data.channel_id ? { channel_id: parsed.data.channel_id } : {}),
        }
      : {};
    const ctx = { ...jobCtx, log: jobCtx.log.child(ids) };
    if (!parsed.success) {
      // A malformed job can never succeed: completing it (logged) beats retrying it into the dead-letter state.
      ctx.log.error("respond job invalid", { err_code: "respond.payload_invalid" });
      return;
    }
    const { actions, channel_id, ...data } = parsed.data;
    // The customer sees the read tick and typing while the answer is written: run alongside it, best
    // effort (a lost typing indicator is not worth a retry), and finished before anything commits, so a
    // typing indicator never arrives after the reply.
    const acted =
      actions?.length && channel_id && deps.act
        ? deps
            .act(channel_id, actions, ctx)
            .catch((e: unknown) => ctx.log.warn("channel actions failed", { err_code: errorCode(e) }))
        : undefined;
    try {
      await answer(job, ctx, { data, acted });
    } catch (e) {
      // Retried while attempts remain (as the runner decides); the last one hands the customer to a human rather than to silence.
      const final = (e as { retryable?: boolean }).retryable === false || job.attempts >= job.max_attempts;
      if (ctx.signal.aborted || !final) throw e;
      ctx.log.error("respond failed on its last attempt: escalated", {
        conversation_id: data.conversation_id,
        err_code: errorCode(e),
      });
      await escalateAfterLastAttempt(deps, job, ctx, data.conversation_id, DEFAULT_HOLDING_MESSAGE);
    } finally {
      await acted;
    }
  };

  async function answer(
    job: Parameters<JobHandler>[0],
    ctx: Parameters<JobHandler>[1],
    { data, acted }: { data: Payload; acted?: Promise<void> },
  ) {
    const conversationId = data.conversation_id;
    // The quiet window is waited for in the queue, not in a worker slot: the run puts itself off (a new
    // job of the same key, due when the window ends) and completes, in one transaction.
    const defer = async (delayMs: number, next: Payload) => {
      await acted;
      return transaction(deps.db(), async (tx) => {
        await enqueueJobs(
          tx,
          deps.wake,
          [
            {
              kind: job.kind,
              tenant_id: job.tenant_id,
              key: job.key,
              payload: next,
              run_at: new Date(Date.now() + delayMs),
            },
          ],
          deps.maxAttempts,
        );
        await ctx.completeIn(tx);
      });
    };
    const remaining = await quietRemaining(deps.db(), conversationId, deps.quietWindowMs);
    if (remaining > 0 && data.deferrals < MAX_DEFERRALS)
      return defer(remaining, { ...data, deferrals: data.deferrals + 1 });
    const c = await loadRespondContext(deps.db(), conversationId, deps.historyTokens, deps.quietWindowMs);
    if (!c || c.conversation.status !== "bot" || c.turn.length === 0) return;
    if (!data.channel_id) ctx = { ...ctx, log: ctx.log.child({ channel_id: c.channel.id }) };
    const worded = c.question !== "";
    let limited = false;
    if (worded && deps.limits && deps.pipeline.chat) {
      const wait = await rateLimitWait(
        deps.db(),
        { conversationId, tenantId: c.conversation.tenant_id, recentAnswers: c.recentAnswers },
        deps.limits,
        tenantCounts,
      );
      if (wait > 0 && data.rate_deferrals < MAX_RATE_DEFERRALS) {
        ctx.log.info("answer deferred by rate limit", { conversation_id: conversationId, retrying_in_ms: wait });
        return defer(wait, { ...data, rate_deferrals: data.rate_deferrals + 1 });
      }
      limited = wait > 0;
    }

    const widget = isWidget(c.channel.provider);
    if (widget) await publishTyping(deps.db(), c, true);
    // An LLM draft for the widget is shown while it is written, each sentence once checked (live-draft.ts).
    const live = widget && worded && deps.pipeline.chat && !limited ? new WidgetDraft(deps.db(), c) : undefined;
    const started = performance.now();
    const outcome: AnswerOutcome = !worded
      ? nonTextOutcome(c)
      : limited
        ? {
            outcome: "escalation",
            reply: null,
            reason: RATE_LIMITED,
            confidence: { value: 0, retrieval: 0, grounding: 0, model: 0 },
            sources: [],
            guardrails: [],
            mode: "llm",
            tokens: { prompt: 0, completion: 0 },
          }
        : await answerTurn(deps.pipeline, {
            brand: c.brand,
            question: c.question,
            burst: c.burst !== c.question ? c.burst : undefined,
            history: c.history,
            signal: ctx.signal,
            live,
          });
    const answers = c.turn.map((m) => m.id);

    await acted;
    const committed = await group
      .run(async (tx) => {
        if (!(await stillCurrent(tx, c, deps.quietWindowMs))) {
          await ctx.completeIn(tx);
          return false;
        }
        const adapter = getChannel(c.channel.provider);
        const ref = { tenant_id: c.conversation.tenant_id, conversation_id: conversationId, channel_id: c.channel.id };
        const jobs: NewJob[] = [];
        // Statements not waited for one by one: they go out in call order and run in that order on the
        // transaction's connection, so the reply, its notices, the completion and the deliver jobs travel
        // in one round trip. Completed before the jobs are written — its key is then free, so the deliver
        // jobs can go straight to a local worker.
        const writes: Promise<unknown>[] = [];
        const notify = (n: { channel: string; payload: string }) => writes.push(notifyInTx(tx, n));
        if (outcome.outcome === "answer" && outcome.reply) {
          const reply = startReply(
            tx,
            {
              ...ref,
              author: "ai",
              text: outcome.reply,
              metadata: { ...replyMetadata(outcome, c), ...live?.metadata },
              answers,
            },
            adapter.capabilities,
          );
          writes.push(reply.written);
          jobs.push(...reply.jobs);
          for (const n of live
            ? live.finish(outcome.reply)
            : widget
              ? widgetDeltas(c, reply.ids[0], outcome.reply)
              : [])
            notify(n);
        } else {
          const escalation = await openEscalation(tx.tx, {
            tenant_id: c.conversation.tenant_id,
            conversation_id: conversationId,
            reason: outcome.reason ?? "low_confidence",
            draft: outcome.reply,
            sources: outcome.sources,
            pauseBot: true,
            answers,
          });
          for (const n of live?.retraction() ?? []) notify(n);
          if (escalation.created) {
            const text = holdingTextOf(c, outcome);
            const holding = startReply(
              tx,
              { ...ref, author: "ai", text, metadata: { holding: true, escalation_id: escalation.id } },
              adapter.capabilities,
            );
            writes.push(holding.written);
            jobs.push(...holding.jobs);
          }
        }
        // A later burst is waiting: its turn comes next, after this one's deliveries (same key).
        if (c.morePending)
          jobs.push({
            kind: job.kind,
            tenant_id: job.tenant_id,
            key: job.key,
            payload: { conversation_id: conversationId },
          });
        await Promise.all([...writes, ctx.completeIn(tx), enqueueJobs(tx, deps.wake, jobs, deps.maxAttempts)]);
        return true;
      })
      .catch(async (e: unknown) => {
        // The job is retried (a new draft); the text shown for this one must not stay on screen.
        await live?.retract();
        throw e;
      });
    if (widget && !committed) await publishTyping(deps.db(), c, false);
    if (!committed) await live?.retract();
    if (committed && outcome.outcome === "answer" && outcome.mode === "llm")
      tenantCounts.note(c.conversation.tenant_id);
    deps.onOutcome?.(c.conversation.tenant_id, outcome, (performance.now() - started) / 1000, committed);
    ctx.log.info(committed ? "respond done" : "draft dropped", {
      conversation_id: conversationId,
      outcome: outcome.outcome,
      reason: outcome.reason ?? undefined,
      mode: outcome.mode,
      confidence: outcome.confidence.value,
      burst: c.turn.length,
    });
  }
};

/** Stored with the reply: what it answered, how sure xin was and which chunks it used. */
const replyMetadata = (o: AnswerOutcome, c: RespondContext): Record<string, unknown> => ({
  answer: {
    mode: o.mode,
    confidence: o.confidence,
    chunk_ids: o.sources.map((s) => s.chunk_id),
    sources: o.sources,
    guardrails: o.guardrails.map((g) => ({ code: g.code, passed: g.passed })),
    answers: c.turn.map((m) => m.id),
    question: c.question,
    ...(nonTextOf(c).length ? { noted: nonTextOf(c) } : {}),
    tokens: o.tokens,
  },
});
