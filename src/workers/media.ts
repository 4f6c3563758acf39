import { eq, sql } from "drizzle-orm";
import type { InboundMedia } from "../channels";
import { MEDIA_FETCH_JOB } from "../inbox";
import { isXinError, type BlobStore } from "../runtime";
import { schema, type Db } from "../runtime/db";
import type { EgressGuard } from "../runtime/net";
import type { JobHandler } from "../runtime/queue";
import { bindChannel, findChannelRow, providerContext } from "../tenancy";

export { MEDIA_FETCH_JOB };

type Payload = { message_id: string; channel_id: string };
type Attachment = InboundMedia & {
  blob?: { sha256: string; size: number; mime_type?: string };
  refused?: { code: string; reason: string };
};

/** Refusals by policy: the URL's host is not the provider's, or its address is not public. Final. */
const REFUSALS = new Set(["egress.blocked", "channel.media_host_refused"]);

/**
 * Downloads the files of an inbound message into the blob store, after the webhook was acknowledged.
 * A provider hiccup throws and the queue retries with backoff, so an attachment is never lost; a file
 * already fetched is skipped, so a retry after a partial success does not fetch it again. Every
 * request goes through the egress guard; a file refused by policy (a payload naming a foreign host or
 * a private address) is marked `refused` with the code and never fetched again — the message itself
 * is answered as usual (its respond job does not wait for media).
 */
export const mediaFetchHandler =
  (deps: { db: () => Db; instanceKey: string; blobs: BlobStore; maxBytes: number; egress: EgressGuard }): JobHandler =>
  async (job, ctx) => {
    const { message_id, channel_id } = job.payload as Payload;
    const [message] = await deps.db().select().from(schema.messages).where(eq(schema.messages.id, message_id));
    const channelRow = await findChannelRow(deps.db(), channel_id);
    if (!message || !channelRow) return;
    const bound = bindChannel(channelRow, deps.instanceKey);
    const attachments = [...(message.attachments as Attachment[])];
    const save = () =>
      deps
        .db()
        .update(schema.messages)
        .set({ attachments, updated_at: sql`now()` })
        .where(eq(schema.messages.id, message_id));
    for (let i = 0; i < attachments.length; i++) {
      if (attachments[i].blob || attachments[i].refused) continue;
      let file: { data: Uint8Array; mimeType?: string };
      try {
        file = await bound.adapter.fetchMedia(
          attachments[i],
          providerContext(channelRow, bound, { signal: ctx.signal, timeoutMs: 60_000, fetch: deps.egress.asFetch() }),
          { maxBytes: deps.maxBytes },
        );
      } catch (e) {
        if (!isXinError(e) || !REFUSALS.has(e.code)) throw e;
        attachments[i] = { ...attachments[i], refused: { code: e.code, reason: e.message } };
        await save();
        ctx.log.warn("media refused", { message_id, err_code: e.code, host: e.data?.host });
        continue;
      }
      const stored = deps.blobs.put(file.data);
      attachments[i] = {
        ...attachments[i],
        blob: { sha256: stored.sha256, size: stored.size, mime_type: file.mimeType ?? attachments[i].mimeType },
      };
      // Saved after each file, so a failure on the next one keeps this one.
      await save();
    }
    ctx.log.info("media fetched", { message_id, files: attachments.length });
  };
