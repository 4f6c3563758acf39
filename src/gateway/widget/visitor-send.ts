import { measureText, VISITOR_TEXT_LIMIT } from "../../channels";
import type { Logger } from "../../runtime";
import { errorFrame, type SendFrame, type ServerFrame, type WireMessage } from "./protocol";
import type { WidgetLimits } from "./rate-limit";
import type { WidgetSite } from "./settings";
import { acceptVisitorMessages, type StoreDeps } from "./store";

export type SendOutcome = { kind: "stored"; messages: WireMessage[]; willReply: boolean } | { kind: "refused"; frame: ServerFrame; status: number };

const refuse = (frame: ServerFrame, status: number): SendOutcome => ({ kind: "refused", frame, status });

/**
 * One visitor message, from the socket or the HTTP fallback: checked (shape, length, rate limits per
 * visitor and per IP) before anything is written, then stored with its `respond` job. The visitor id
 * comes from the verified token, never from the frame.
 */
export const sendAsVisitor = async (deps: StoreDeps & { limits: WidgetLimits; log: Logger }, site: WidgetSite, visitorId: string, ip: string, frame: SendFrame): Promise<SendOutcome> => {
  const client = { client_id: frame.id };
  if (frame.text === undefined && !frame.button) return refuse(errorFrame("frame_invalid", "a message needs text or a button", client), 400);
  if (frame.text !== undefined && frame.text.trim() === "") return refuse(errorFrame("frame_invalid", "the message is empty", client), 400);
  if (frame.text !== undefined && measureText(frame.text, "code_points") > VISITOR_TEXT_LIMIT) {
    return refuse(errorFrame("message_too_long", `messages are limited to ${VISITOR_TEXT_LIMIT} characters`, client), 413);
  }
  const wait = Math.max(deps.limits.visitor.take(`${site.channel.id}:${visitorId}`), deps.limits.ip.take(ip));
  if (wait > 0) {
    deps.log.debug("widget rate limited", { channel_id: site.channel.id, retry_after_ms: wait });
    return refuse(errorFrame("rate_limited", "too many messages; please wait a moment", { ...client, retry_after_ms: wait }), 429);
  }
  const item = frame.button ? { id: frame.id, sent_at: Date.now(), button: frame.button } : { id: frame.id, sent_at: Date.now(), text: frame.text };
  const accepted = await acceptVisitorMessages(deps, site, { visitor_id: visitorId, visitor: {}, messages: [item] });
  deps.log.info("widget message accepted", { tenant_id: site.tenantId, channel_id: site.channel.id, messages: accepted.messages.length, will_reply: accepted.willReply });
  return { kind: "stored", ...accepted };
};
