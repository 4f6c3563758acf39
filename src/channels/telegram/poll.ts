/**
 * getUpdates long polling for servers without public HTTPS. The offset is the caller's: it persists
 * `nextOffset` after storing each yielded update, and passes it back after a restart, so an update is
 * neither repeated nor skipped (Telegram confirms updates below the offset of the next call).
 *
 * Ends quietly when `ctx.signal` aborts. Throws `channel.poll_conflict` when a webhook is active or another
 * poller uses the token, and retryable `ChannelError`s for 429/5xx/network trouble; the caller backs off
 * and starts a new iteration from its persisted offset.
 */
import { z } from "zod";
import type { ChannelContext, PolledUpdate } from "../types";
import { sendRejected } from "../errors";
import { callBotApi, TELEGRAM_ALLOWED_UPDATES } from "./api";
import type { TelegramCredentials } from "./credentials";

const updatesSchema = z.array(z.looseObject({ update_id: z.number().int().nonnegative() }));
const encoder = new TextEncoder();

export type PollOptions = { offset: number; timeoutSeconds?: number; limit?: number; allowedUpdates?: string[] };

export async function* pollTelegram(
  ctx: ChannelContext<TelegramCredentials>,
  options: PollOptions,
): AsyncGenerator<PolledUpdate> {
  const timeout = Math.min(options.timeoutSeconds ?? 30, 50);
  let offset = options.offset;
  while (!ctx.signal.aborted) {
    let result: unknown;
    try {
      // Each long poll gets its own deadline: the server holds it up to `timeout` seconds.
      result = await callBotApi({ ...ctx, deadline: Date.now() + (timeout + 15) * 1000 }, "getUpdates", {
        json: {
          offset,
          limit: options.limit ?? 100,
          timeout,
          allowed_updates: options.allowedUpdates ?? TELEGRAM_ALLOWED_UPDATES,
        },
      });
    } catch (error) {
      if (ctx.signal.aborted) return;
      throw error;
    }
    const parsed = updatesSchema.safeParse(result);
    if (!parsed.success) throw sendRejected("getUpdates answered an unexpected shape", { reason: "unknown" });
    for (const update of [...parsed.data].sort((a, b) => a.update_id - b.update_id)) {
      if (update.update_id < offset) continue;
      // After stop, start no new item: the rest of the batch comes again from the persisted offset.
      if (ctx.signal.aborted) return;
      offset = update.update_id + 1;
      yield { updateId: update.update_id, nextOffset: offset, body: encoder.encode(JSON.stringify(update)) };
    }
  }
}
