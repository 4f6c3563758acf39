/**
 * The widget hub: which visitor sockets this instance holds, and the `xin_widget` LISTEN that tells it
 * a reply was marked sent (by the delivery worker of any instance, in the transaction that committed
 * `sent`), or streams reply pieces, their retraction and typing state (the answering code, see widgetDeltaNotices). On a notice for a visitor connected here it loads the row and pushes a `message` frame; a
 * visitor connected elsewhere is served by that instance; an offline one gets it from history later.
 * A lost LISTEN connection is re-established by postgres.js; replies sent meanwhile reach the browser
 * on its next history load (reconnect), never twice (frames carry the message id, the browser de-duplicates).
 */
import type { ServerWebSocket } from "bun";
import type { Sql } from "postgres";
import { z } from "zod";
import { WIDGET_NOTIFY_CHANNEL } from "../../channels";
import { errorCode, type Logger } from "../../runtime";
import type { Db } from "../../runtime/db";
import type { ServerFrame } from "./protocol";
import type { WidgetSite } from "./settings";
import { presenceOf, sentMessage } from "./store";

/** What each socket carries from its upgrade: the site it belongs to and the verified visitor. */
export type SocketData = { site: WidgetSite; visitorId: string; visitorToken: string; ip: string; history: boolean };
export type WidgetSocket = ServerWebSocket<SocketData>;

const target = { channel_id: z.string(), visitor_id: z.string() };
const noticeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sent"), ...target, provider_message_id: z.string() }),
  z.object({ kind: z.literal("delta"), ...target, message_id: z.string(), text: z.string() }),
  z.object({ kind: z.literal("typing"), ...target, on: z.boolean() }),
  z.object({ kind: z.literal("retract"), ...target, message_id: z.string() }),
  z.object({ kind: z.literal("presence"), ...target }),
]);

const keyOf = (channelId: string, visitorId: string) => `${channelId}\u0000${visitorId}`;

export class WidgetHub {
  private readonly sockets = new Map<string, Set<WidgetSocket>>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: () => Db,
    private readonly log: Logger,
  ) {}

  /** Starts listening on `xin_widget`. Idempotent. */
  async start(sql: Sql): Promise<void> {
    if (this.unlisten) return;
    const sub = await sql.listen(WIDGET_NOTIFY_CHANNEL, (payload) => void this.onNotice(payload));
    this.unlisten = () => sub.unlisten();
  }

  async stop(): Promise<void> {
    await this.unlisten?.().catch((e: unknown) => this.log.warn("widget unlisten failed", { err_code: errorCode(e) }));
    this.unlisten = null;
    for (const set of this.sockets.values()) for (const ws of set) ws.close(1001, "server shutting down");
    this.sockets.clear();
  }

  add(ws: WidgetSocket): void {
    const key = keyOf(ws.data.site.channel.id, ws.data.visitorId);
    const set = this.sockets.get(key) ?? new Set();
    set.add(ws);
    this.sockets.set(key, set);
  }

  remove(ws: WidgetSocket): void {
    const key = keyOf(ws.data.site.channel.id, ws.data.visitorId);
    const set = this.sockets.get(key);
    set?.delete(ws);
    if (set?.size === 0) this.sockets.delete(key);
  }

  /** Sends a frame to every socket of one visitor on this instance (all their open tabs). */
  push(channelId: string, visitorId: string, frame: ServerFrame): number {
    const set = this.sockets.get(keyOf(channelId, visitorId));
    if (!set) return 0;
    const text = JSON.stringify(frame);
    for (const ws of set) ws.send(text);
    return set.size;
  }

  get connections(): number {
    let n = 0;
    for (const set of this.sockets.values()) n += set.size;
    return n;
  }

  private async pushPresence(channelId: string, visitorId: string): Promise<void> {
    this.push(channelId, visitorId, { type: "presence", ...(await presenceOf(this.db(), channelId, visitorId)) });
  }

  private async onNotice(payload: string): Promise<void> {
    let notice: z.output<typeof noticeSchema>;
    try {
      notice = noticeSchema.parse(JSON.parse(payload));
    } catch {
      this.log.warn("widget notice ignored", { err_code: "widget.notice_invalid" });
      return;
    }
    if (!this.sockets.has(keyOf(notice.channel_id, notice.visitor_id))) return;
    if (notice.kind === "delta") {
      this.push(notice.channel_id, notice.visitor_id, {
        type: "delta",
        message_id: notice.message_id,
        text: notice.text,
      });
      return;
    }
    if (notice.kind === "retract") {
      this.push(notice.channel_id, notice.visitor_id, { type: "retract", message_id: notice.message_id });
      return;
    }
    if (notice.kind === "typing") {
      this.push(notice.channel_id, notice.visitor_id, { type: "typing", on: notice.on });
      return;
    }
    try {
      if (notice.kind === "presence") return this.pushPresence(notice.channel_id, notice.visitor_id);
      const message = await sentMessage(this.db(), notice.channel_id, notice.provider_message_id);
      if (!message) return;
      this.push(notice.channel_id, notice.visitor_id, { type: "typing", on: false });
      this.push(notice.channel_id, notice.visitor_id, { type: "message", message });
      // A reply may come with a hand-over (the bot's holding message) or from a person: who answers
      // is read again, so the header never says "right away" while a person is to answer.
      await this.pushPresence(notice.channel_id, notice.visitor_id);
    } catch (e) {
      this.log.warn("widget push failed", { err_code: errorCode(e), channel_id: notice.channel_id });
    }
  }
}
