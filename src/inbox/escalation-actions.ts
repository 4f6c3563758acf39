import { and, eq, inArray, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { getChannel } from "../channels";
import { XinError } from "../runtime";
import { schema, type TxContext } from "../runtime/db";
import type { NewJob } from "../runtime/queue";
import { nameAnswered } from "./escalations";
import { queueFiles, queueReply, type OutboundFile } from "./outbound";

type EscalationRow = typeof schema.escalations.$inferSelect;

/** An audit record as the caller's audit log takes it (the inbox room does not own the log). */
export type ActionAudit = {
  tenant_id: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  before?: unknown;
  after?: unknown;
};

/**
 * Who acts and how their acts are recorded. `tenantId` null is an instance admin; otherwise every
 * lookup is scoped to it, so another tenant's escalation is "not found" (404), never "forbidden".
 */
export type Actor = {
  agent_id: string;
  /** How the audit log names them (`token:<id>`). */
  name: string;
  /** How customers see them on their replies (the token's name), where the channel shows names. */
  display_name?: string;
  tenantId: string | null;
  audit: (tx: TxContext["tx"], entry: ActionAudit) => Promise<void>;
};

export type ActionResult = { escalation: EscalationRow; message_ids: string[]; jobs: NewJob[] };

const notFound = () => new XinError("escalation.not_found", "no such escalation", { status: 404 });

const load = async (tx: TxContext["tx"], id: string, actor: Actor): Promise<EscalationRow> => {
  const scope = actor.tenantId
    ? and(eq(schema.escalations.id, id), eq(schema.escalations.tenant_id, actor.tenantId))
    : eq(schema.escalations.id, id);
  const [row] = await tx.select().from(schema.escalations).where(scope);
  if (!row) throw notFound();
  return row;
};

/** Why a conditional update matched nothing: someone else holds it, or it is already done. */
const conflict = (row: EscalationRow, actor: Actor) =>
  row.state === "claimed" && row.agent_id !== actor.agent_id
    ? new XinError("escalation.claimed", "another agent has claimed this escalation", {
        status: 409,
        data: { agent_id: row.agent_id },
      })
    : new XinError("escalation.done", `this escalation is already ${row.state}`, {
        status: 409,
        data: { state: row.state },
      });

/** Open, or claimed by this agent: the only states in which this agent may act. */
const actionable = (actor: Actor) =>
  or(
    eq(schema.escalations.state, "open"),
    and(eq(schema.escalations.state, "claimed"), eq(schema.escalations.agent_id, actor.agent_id)),
  );

/**
 * Moves an escalation with one conditional UPDATE, so two agents racing on it cannot both win: the
 * loser's UPDATE matches no row (Postgres re-checks the WHERE after the winner commits) and gets 409.
 */
const transition = async (
  tx: TxContext["tx"],
  id: string,
  actor: Actor,
  set: Partial<EscalationRow>,
  extra?: SQL,
): Promise<EscalationRow> => {
  const before = await load(tx, id, actor);
  const [row] = await tx
    .update(schema.escalations)
    .set({ ...set, agent_id: actor.agent_id, updated_at: sql`now()` })
    .where(and(eq(schema.escalations.id, before.id), actionable(actor), extra))
    .returning();
  if (!row) {
    const now = await load(tx, id, actor);
    if (extra && now.state === "claimed" && now.agent_id === actor.agent_id)
      throw new XinError("escalation.no_draft", "the draft was already sent", { status: 409 });
    throw conflict(now, actor);
  }
  return row;
};

const audit = (
  ctx: TxContext,
  actor: Actor,
  action: string,
  before: EscalationRow | null,
  row: EscalationRow,
  after: Record<string, unknown> = {},
) =>
  actor.audit(ctx.tx, {
    tenant_id: row.tenant_id,
    actor: actor.name,
    action: `escalation.${action}`,
    subject_type: "escalation",
    subject_id: row.id,
    before: before ? { state: before.state, agent_id: before.agent_id } : undefined,
    after: { state: row.state, agent_id: row.agent_id, resolution: row.resolution, ...after },
  });

/** Claims an escalation for this agent. Claiming one's own claim again is a no-op; another's is 409. */
export const claimEscalation = async (ctx: TxContext, id: string, actor: Actor): Promise<ActionResult> => {
  const before = await load(ctx.tx, id, actor);
  const row = await transition(ctx.tx, id, actor, { state: "claimed" });
  if (before.state !== "claimed") await audit(ctx, actor, "claim", before, row);
  return { escalation: row, message_ids: [], jobs: [] };
};

export type SendKind = "approve" | "edit" | "reply";

/**
 * Sends text to the customer as a human reply: the AI draft (approve), an edited draft (edit) or the
 * agent's own words (reply). The state change, the outbound rows and the audit record share the
 * caller's transaction; the caller enqueues the returned deliver jobs in it too, so the reply exists
 * exactly when the change commits and a second attempt sends nothing.
 * Normally this resolves the escalation and the bot resumes. When the agent has taken the conversation
 * over, the escalation stays claimed (the conversation stays in their queue, the bot paused) until they
 * hand it back or close it (both resume the bot); approving then consumes the draft, so it can go out only once.
 */
export const sendResolution = async (
  ctx: TxContext,
  id: string,
  actor: Actor,
  kind: SendKind,
  text?: string,
  files: OutboundFile[] = [],
): Promise<ActionResult> => {
  const before = await load(ctx.tx, id, actor);
  const body = kind === "approve" ? before.draft : text;
  if (!body?.trim()) {
    throw kind === "approve"
      ? new XinError("escalation.no_draft", "this escalation has no draft to approve; write a reply", { status: 409 })
      : new XinError("api.invalid", "text is required", { status: 400, data: { field: "text" } });
  }
  const [conversation] = await ctx.tx
    .select()
    .from(schema.conversations)
    .where(eq(schema.conversations.id, before.conversation_id));
  const takenOver = conversation.assigned_agent_id !== null;
  const resolution = kind === "approve" ? "approved" : kind === "edit" ? "edited" : "replied";
  const consumesDraft = kind === "approve" ? isNotNull(schema.escalations.draft) : undefined;
  const row = takenOver
    ? await transition(
        ctx.tx,
        id,
        actor,
        { state: "claimed", ...(kind === "approve" ? { draft: null } : {}) },
        consumesDraft,
      )
    : await transition(ctx.tx, id, actor, { state: "resolved", resolution });
  const [channel] = await ctx.tx.select().from(schema.channels).where(eq(schema.channels.id, conversation.channel_id));
  const metadata = {
    escalation_id: row.id,
    agent_id: actor.agent_id,
    ...(actor.display_name ? { agent_name: actor.display_name } : {}),
  };
  const capabilities = getChannel(channel.provider).capabilities;
  const texts = await queueReply(
    ctx,
    {
      tenant_id: row.tenant_id,
      conversation_id: row.conversation_id,
      channel_id: channel.id,
      author: "human",
      text: body,
      metadata,
      answers: "all_pending",
    },
    capabilities,
  );
  const attached = await queueFiles(
    ctx,
    { tenant_id: row.tenant_id, conversation_id: row.conversation_id, channel_id: channel.id, metadata },
    files,
    capabilities,
  );
  const queued = { ids: [...texts.ids, ...attached.ids], jobs: [...texts.jobs, ...attached.jobs] };
  if (!takenOver) {
    await ctx.tx
      .update(schema.conversations)
      .set({ status: "bot", updated_at: sql`now()` })
      .where(eq(schema.conversations.id, conversation.id));
  }
  await audit(ctx, actor, kind === "approve" ? "approve" : kind === "edit" ? "edit_send" : "reply", before, row, {
    message_ids: queued.ids,
    length: body.length,
    ...(files.length ? { files: files.map((f) => f.url) } : {}),
  });
  return { escalation: row, message_ids: queued.ids, jobs: queued.jobs };
};

/** Takes the conversation over: the bot stays paused and the escalation stays claimed by this agent. */
export const takeOver = async (ctx: TxContext, id: string, actor: Actor): Promise<ActionResult> => {
  const before = await load(ctx.tx, id, actor);
  const row = await transition(ctx.tx, id, actor, { state: "claimed" });
  await ctx.tx
    .update(schema.conversations)
    .set({ status: "human", assigned_agent_id: actor.agent_id, updated_at: sql`now()` })
    .where(eq(schema.conversations.id, row.conversation_id));
  await audit(ctx, actor, "take_over", before, row, { conversation_status: "human" });
  return { escalation: row, message_ids: [], jobs: [] };
};

/** Hands the conversation back to the bot and resolves the escalation (`handed_back`). */
export const handBack = async (ctx: TxContext, id: string, actor: Actor): Promise<ActionResult> => {
  const before = await load(ctx.tx, id, actor);
  const row = await transition(ctx.tx, id, actor, { state: "resolved", resolution: "handed_back" });
  // What the customer said while the agent held the conversation stays answered by this escalation.
  await nameAnswered(ctx.tx, row.conversation_id, row.id, "all_pending");
  await ctx.tx
    .update(schema.conversations)
    .set({ status: "bot", assigned_agent_id: null, updated_at: sql`now()` })
    .where(eq(schema.conversations.id, row.conversation_id));
  await audit(ctx, actor, "hand_back", before, row, { conversation_status: "bot" });
  return { escalation: row, message_ids: [], jobs: [] };
};

/**
 * Closes without a reply (spam, answered elsewhere) and the bot resumes, also after a take-over: the
 * closed escalation was the only handle on the conversation (hand-back and replies need an open or
 * claimed one), so keeping it paused would leave the customer unanswered with nobody able to act.
 */
export const closeEscalation = async (ctx: TxContext, id: string, actor: Actor): Promise<ActionResult> => {
  const before = await load(ctx.tx, id, actor);
  const row = await transition(ctx.tx, id, actor, { state: "closed", resolution: "closed" });
  await nameAnswered(ctx.tx, row.conversation_id, row.id, "all_pending");
  const resumed = await ctx.tx
    .update(schema.conversations)
    .set({ status: "bot", assigned_agent_id: null, updated_at: sql`now()` })
    .where(and(eq(schema.conversations.id, row.conversation_id), inArray(schema.conversations.status, ["human"])))
    .returning({ id: schema.conversations.id });
  await audit(ctx, actor, "close", before, row, resumed.length ? { conversation_status: "bot" } : {});
  return { escalation: row, message_ids: [], jobs: [] };
};
