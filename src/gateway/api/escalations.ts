import { sql } from "drizzle-orm";
import { z } from "zod";
import {
  claimEscalation,
  closeEscalation,
  getEscalationDetail,
  handBack,
  listEscalations,
  sendResolution,
  takeOver,
  type ActionResult,
  type Actor,
} from "../../inbox";
import { widgetPresenceNotice } from "../../channels";
import { transaction, type TxContext } from "../../runtime/db";
import { enqueueJobs } from "../../runtime/queue";
import { defineRoute, type ApiRoute } from "./define";
import { EVENTS_CHANNEL } from "./event-feed";
import { decodeCursor, MessageView, page, pageOf, PageQuery, TimeQuery } from "./page";
import { actorOf, IdParams, notFound, TenantQuery, tenantScope, type AdminDeps } from "./scope";

const States = z.enum(["open", "claimed", "resolved", "closed"]);

const Summary = z.object({
  id: z.string(),
  tenant_id: z.string(),
  conversation_id: z.string(),
  reason: z.string(),
  state: States,
  agent_id: z.string().nullable(),
  resolution: z.string().nullable(),
  draft: z.string().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  brand_id: z.string(),
  brand_name: z.string(),
  channel_id: z.string(),
  channel_name: z.string(),
  provider: z.string(),
  conversation_status: z.enum(["bot", "human", "closed"]),
  contact_name: z.string().nullable(),
  agent_name: z.string().nullable(),
});

export const EscalationDetail = Summary.extend({ sources: z.array(z.unknown()), transcript: z.array(MessageView) });

const ActionAnswer = z.object({ escalation: EscalationDetail, message_ids: z.array(z.string()) });
const FileLink = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .describe("a public http(s) link to the file"),
    media_type: z.enum(["image", "document"]).describe("image (shown inline) or document (a PDF, shown as a link)"),
    filename: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
const TextBody = z.object({ text: z.string().trim().min(1).max(10_000) }).strict();
const ReplyBody = TextBody.extend({
  attachments: z.array(FileLink).max(10).optional().describe("files sent after the text, by link"),
}).strict();

export const escalationRoutes = (deps: AdminDeps): ApiRoute[] => {
  /** Runs an action and enqueues its deliveries in the same transaction, then answers with the fresh detail. */
  const act = async (id: string, actor: Actor, run: (ctx: TxContext, actor: Actor) => Promise<ActionResult>) => {
    const result = await transaction(deps.db(), async (ctx) => {
      const r = await run(ctx, actor);
      await enqueueJobs(ctx, deps.wake, r.jobs, deps.maxAttempts);
      await ctx.tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`); // live views on every instance
      // Who answers may have changed (taken over, handed back): a web-widget visitor's header follows.
      const [who] = await ctx.tx.execute<{ channel_id: string; external_id: string }>(
        sql`select ct.channel_id, ct.external_id from conversations c join contacts ct on ct.id = c.contact_id where c.id = ${r.escalation.conversation_id}`,
      );
      if (who) {
        const notice = widgetPresenceNotice(who.channel_id, who.external_id);
        await ctx.tx.execute(sql`select pg_notify(${notice.channel}, ${notice.payload})`);
      }
      return r;
    });
    return { escalation: await getEscalationDetail(deps.db(), id, actor.tenantId), message_ids: result.message_ids };
  };
  const action = (
    path: string,
    summary: string,
    run: (ctx: TxContext, id: string, actor: Actor) => Promise<ActionResult>,
  ) =>
    defineRoute({
      method: "POST",
      path: `/api/v1/escalations/:id/${path}`,
      tag: "escalations",
      summary,
      resource: "escalation",
      params: IdParams,
      response: ActionAnswer,
      handle: ({ principal, params }) => act(params.id, actorOf(principal), (ctx, actor) => run(ctx, params.id, actor)),
    });
  const textAction = (path: string, summary: string, kind: "edit" | "reply") =>
    defineRoute({
      method: "POST",
      path: `/api/v1/escalations/:id/${path}`,
      tag: "escalations",
      summary,
      resource: "escalation",
      params: IdParams,
      body: ReplyBody,
      response: ActionAnswer,
      handle: ({ principal, params, body }) =>
        act(params.id, actorOf(principal), (ctx, actor) =>
          sendResolution(ctx, params.id, actor, kind, body.text, body.attachments),
        ),
    });

  return [
    defineRoute({
      method: "GET",
      path: "/api/v1/escalations",
      tag: "escalations",
      summary: "List escalations, oldest first (the queue's order). Default: open and claimed.",
      query: z.object({
        ...PageQuery,
        ...TimeQuery,
        ...TenantQuery,
        state: z
          .string()
          .regex(/^(open|claimed|resolved|closed)(,(open|claimed|resolved|closed))*$/)
          .default("open,claimed")
          .describe("comma-separated states"),
      }),
      response: pageOf(Summary),
      handle: async ({ principal, query }) => {
        const rows = await listEscalations(deps.db(), {
          tenantId: tenantScope(principal, query.tenant),
          states: query.state.split(",").map((s) => States.parse(s)),
          since: query.since,
          until: query.until,
          limit: query.limit,
          after: decodeCursor(query.cursor),
        });
        return page(rows, query.limit);
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/v1/escalations/:id",
      tag: "escalations",
      summary: "One escalation: reason, AI draft, sources and the conversation's recent transcript.",
      resource: "escalation",
      params: IdParams,
      response: EscalationDetail,
      handle: async ({ principal, params }) =>
        (await getEscalationDetail(deps.db(), params.id, tenantScope(principal))) ??
        Promise.reject(notFound("escalation")),
    }),
    action("claim", "Claim it: other agents then see it as claimed and cannot act on it (409).", claimEscalation),
    action("approve", "Send the AI draft as it is, as a human reply, and resolve.", (ctx, id, actor) =>
      sendResolution(ctx, id, actor, "approve"),
    ),
    textAction("send", "Send an edited draft and resolve.", "edit"),
    textAction("reply", "Send the agent's own reply and resolve.", "reply"),
    action("take-over", "Take the conversation over: the bot stays paused until handed back.", takeOver),
    action("hand-back", "Hand the conversation back to the bot and resolve.", handBack),
    action("close", "Close without replying.", closeEscalation),
  ];
};
