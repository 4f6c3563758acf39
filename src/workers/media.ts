import { eq, sql } from "drizzle-orm";
import type { InboundMedia } from "../channels";
import { MEDIA_FETCH_JOB } from "../inbox";
import type { BlobStore } from "../runtime";
import { schema, type Db } from "../runtime/db";
import type { JobHandler } from "../runtime/queue";
import { bindChannel, findChannelRow, providerContext } from "../tenancy";

export { MEDIA_FETCH_JOB };

type Payload = { message_id: string; channel_id: string };
type Attachment = InboundMedia & { blob?: { sha256: string; size: number; mime_type?: string } };

/**
 * Downloads the files of an inbound message into the blob store, after the webhook was acknowledged.
 * A provider hiccup throws and the queue retries with backoff, so an attachment is never lost; a file
 * already fetched is skipped, so a retry after a partial success does not fetch it again.
 */
export const mediaFetchHandler = (deps: { db: () => Db; instanceKey: string; blobs: BlobStore; maxBytes: number; fetch?: typeof fetch }): JobHandler =>
  async (job, ctx) => {
    const { message_id, channel_id } = job.payload as Payload;
    const [message] = await deps.db().select().from(schema.messages).where(eq(schema.messages.id, message_id));
    const channelRow = await findChannelRow(deps.db(), channel_id);
    if (!message || !channelRow) return;
    const bound = bindChannel(channelRow, deps.instanceKey);
    const attachments = [...(message.attachments as Attachment[])];
    for (let i = 0; i < attachments.length; i++) {
      if (attachments[i].blob) continue;
      const file = await bound.adapter.fetchMedia(
        attachments[i],
        providerContext(channelRow, bound, { signal: ctx.signal, timeoutMs: 60_000, fetch: deps.fetch }),
        { maxBytes: deps.maxBytes },
      );
      const stored = deps.blobs.put(file.data);
      attachments[i] = { ...attachments[i], blob: { sha256: stored.sha256, size: stored.size, mime_type: file.mimeType ?? attachments[i].mimeType } };
      // Saved after each file, so a failure on the next one keeps this one.
      await deps.db().update(schema.messages).set({ attachments, updated_at: sql`now()` }).where(eq(schema.messages.id, message_id));
    }
    ctx.log.info("media fetched", { message_id, files: attachments.length });
  };
