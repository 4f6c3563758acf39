import { newId } from "../runtime";

/**
 * A send attempt's id carries the id of the message it sends: `att_<message id>.<nonce>`. A status
 * webhook that echoes it (WhatsApp `biz_opaque_callback_data`, at most 512 characters) then finds the
 * row by primary key, so no index over `messages` names the attempt columns and recording an attempt
 * is a HOT update (BENCH.md, "Respond path cost"). The nonce tells one attempt of a message from the next.
 */
export const newAttemptId = (messageId: string): string => `att_${messageId}.${newId("a").slice(2)}`;

/** The message an attempt id names, or null for one xin did not make this way (it matches nothing). */
export const attemptMessageId = (attemptId: string): string | null => {
  if (!attemptId.startsWith("att_")) return null;
  const dot = attemptId.lastIndexOf(".");
  return dot > 4 ? attemptId.slice(4, dot) : null;
};
