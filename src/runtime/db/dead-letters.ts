/**
 * Keeps an inbound provider payload aside that can never be processed (`webhook_dead_letters`), so the
 * sender can be acknowledged: the webhook gateway and the Telegram poller both write here. One row per
 * channel and body; resolves whether this call added it (a duplicate delivery does not).
 */
import { sha256Hex } from "../crypto";
import type { Db, Tx } from "./client";
import { webhookDeadLetters } from "./schema";

export type DeadLetter = { tenant_id: string; channel_id: string; provider: string; reason: string; body: Uint8Array };

export const keepDeadLetter = async (db: Db | Tx, letter: DeadLetter): Promise<boolean> => {
  const inserted = await db
    .insert(webhookDeadLetters)
    .values({ ...letter, body_sha256: sha256Hex(letter.body) })
    .onConflictDoNothing()
    .returning({ id: webhookDeadLetters.id });
  return inserted.length > 0;
};
