/**
 * The end of the road for a signed webhook the store can never accept. Without it the request fails
 * with a 500, the provider retries it (Meta for days, Telegram holds every later update of the bot
 * behind it), and each retry fails again. Instead the payload is kept byte for byte in
 * `webhook_dead_letters`, counted, logged as an error (an operator must look), and acknowledged.
 */
import type { Logger } from "../runtime";
import { keepDeadLetter, permanentRefusal, type Db } from "../runtime/db";
import type { Metrics } from "../runtime/metrics";

export type DeadLetterDeps = { db: () => Db; metrics: Metrics; log: Logger };

type Source = { tenant_id: string; id: string; provider: string };

/**
 * Keeps `body` aside when `error` is a permanent refusal of its data and resolves true (answer 200);
 * resolves false for any other error, which the caller lets through (the provider retries).
 */
export const deadLetterIfPermanent = async (
  deps: DeadLetterDeps,
  channel: Source,
  body: Uint8Array,
  error: unknown,
): Promise<boolean> => {
  const reason = permanentRefusal(error);
  if (!reason) return false;
  // A duplicate delivery of the same body is one row (and one count).
  if (
    await keepDeadLetter(deps.db(), {
      tenant_id: channel.tenant_id,
      channel_id: channel.id,
      provider: channel.provider,
      reason,
      body,
    })
  ) {
    deps.metrics.webhookDeadLetters.inc({ provider: channel.provider });
  }
  deps.log.error("webhook dead-lettered", {
    tenant_id: channel.tenant_id,
    channel: channel.provider,
    channel_id: channel.id,
    err_code: reason,
    bytes: body.length,
  });
  return true;
};
