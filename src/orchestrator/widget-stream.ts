import { sql } from "drizzle-orm";
import { widget, widgetDeltaNotices, widgetRetractNotice, widgetTypingNotice } from "../channels";
import { newId } from "../runtime";
import type { Db } from "../runtime/db";
import type { RespondContext } from "./context";
import type { DraftSink } from "./live-draft";

/**
 * Live updates for the web widget. The typing indicator goes on while an answer is prepared (and off
 * when it is dropped or escalated; a sent reply turns it off in the browser). An LLM draft is shown
 * while it is written (`WidgetDraft`), one sentence at a time and only after the checks that can judge
 * partial text passed it; knowledge-mode replies are streamed as `delta` notices once the guardrails
 * passed, inside the transaction that queues them (NOTIFY is delivered at commit).
 */
export const isWidget = (provider: string): boolean => provider === widget.id;

type Notify = { channel: string; payload: string };

// Best effort: a lost typing indicator or live piece must not fail the answer (the stored reply follows).
const publish = (db: Db, n: Notify) =>
  db.execute(sql`select pg_notify(${n.channel}, ${n.payload})`).then(
    () => {},
    () => {},
  );

export const publishTyping = async (db: Db, c: RespondContext, on: boolean): Promise<void> => {
  await publish(db, widgetTypingNotice(c.channel.id, c.contactExternalId, on));
};

export const widgetDeltas = (c: RespondContext, messageId: string | undefined, text: string) =>
  messageId ? widgetDeltaNotices(c.channel.id, c.contactExternalId, messageId, text) : [];

/**
 * One widget draft shown while it is written, under a provisional id (`stream_id`, stored with the
 * reply so the final `message` frame replaces the bubble). Pieces are published at once, each in its
 * own statement: NOTIFYs of successive commits arrive in order. The end of the story goes in the
 * respond transaction: `finish` (the rest of the stored reply) or `retraction` (escalated), so the
 * visitor's screen changes exactly when the outcome commits; `retract` serves a draft that was dropped.
 */
export class WidgetDraft implements DraftSink {
  readonly streamId = newId("draft");
  private shown = "";

  constructor(
    private readonly db: Db,
    private readonly c: RespondContext,
  ) {}

  async release(text: string): Promise<void> {
    this.shown += text;
    for (const n of widgetDeltas(this.c, this.streamId, text)) await publish(this.db, n);
  }

  async retract(): Promise<void> {
    const notices = this.retraction();
    this.shown = "";
    for (const n of notices) await publish(this.db, n);
  }

  /** Stored in the reply's metadata: names the bubble the reply replaces. */
  get metadata(): { stream_id: string } {
    return { stream_id: this.streamId };
  }

  /**
   * NOTIFYs that complete the bubble with the stored reply: its text after what was shown, or — should
   * the stored text not start with it — the shown pieces taken back and the reply streamed whole.
   */
  finish(reply: string): Notify[] {
    if (reply.startsWith(this.shown)) return widgetDeltas(this.c, this.streamId, reply.slice(this.shown.length));
    return [...this.retraction(), ...widgetDeltas(this.c, this.streamId, reply)];
  }

  /** NOTIFYs that take back what was shown (none when nothing was). */
  retraction(): Notify[] {
    return this.shown ? [widgetRetractNotice(this.c.channel.id, this.c.contactExternalId, this.streamId)] : [];
  }
}
