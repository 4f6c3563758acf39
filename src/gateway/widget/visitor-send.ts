import { measureText, VISITOR_TEXT_LIMIT } from "../../channels";
import type { Logger } from "../../runtime";
import { errorFrame, type SendFrame, type ServerFrame, type WireMessage } from "./protocol";
import type { WidgetLimits } from "./rate-limit";
import type { WidgetSite } from "./settings";
import { z } from "zod";
import { storedUpload } from "./files";
import { acceptVisitorMessages, saveVisitorEmail, type StoreDeps } from "./store";

export type SendOutcome =
  | { kind: "stored"; messages: WireMessage[]; willReply: boolean }
  | { kind: "refused"; frame: ServerFrame; status: number };

const refuse = (frame: ServerFrame, status: number): SendOutcome => ({ kind: "refused", frame, status });

/**
 * One visitor message, from the socket or the HTTP fallback: checked (shape, length, rate limits per
 * visitor and per IP) before anything is written, then stored with its `respond` job. The visitor id
 * comes from the verified token, never from the frame.
 */
export const sendAsVisitor = async (
  deps: StoreDeps & { limits: WidgetLimits; log: Logger },
  site: WidgetSite,
  visitorId: string,
  ip: string,
  frame: SendFrame,
): Promise<SendOutcome> => {
  const client = { client_id: frame.id };
  if (frame.text === undefined && !frame.button && !frame.file)
    return refuse(errorFrame("frame_invalid", "a message needs text, a button or a file", client), 400);
  if (frame.text !== undefined && frame.text.trim() === "" && !frame.file)
    return refuse(errorFrame("frame_invalid", "the message is empty", client), 400);
  if (frame.text !== undefined && measureText(frame.text, "code_points") > VISITOR_TEXT_LIMIT) {
    return refuse(
      errorFrame("message_too_long", `messages are limited to ${VISITOR_TEXT_LIMIT} characters`, client),
      413,
    );
  }
  const wait = Math.max(deps.limits.visitor.take(`${site.channel.id}:${visitorId}`), deps.limits.ip.take(ip));
  if (wait > 0) {
    deps.log.debug("widget rate limited", { channel_id: site.channel.id, retry_after_ms: wait });
    return refuse(
      errorFrame("rate_limited", "too many messages; please wait a moment", { ...client, retry_after_ms: wait }),
      429,
    );
  }
  // A file is named by its hash; what it is (size, type) is read again from the stored bytes.
  const file = frame.file
    ? await storedUpload(deps.db(), site.tenantId, frame.file.sha256, frame.file.name)
    : undefined;
  if (file === null)
    return refuse(errorFrame("file_refused", "that file was not uploaded here (upload it again)", client), 400);
  const caption = frame.text?.trim() ? frame.text : undefined;
  const item = file
    ? { id: frame.id, sent_at: Date.now(), file, ...(caption ? { text: caption } : {}) }
    : frame.button
      ? { id: frame.id, sent_at: Date.now(), button: frame.button }
      : { id: frame.id, sent_at: Date.now(), text: frame.text };
  const accepted = await acceptVisitorMessages(deps, site, { visitor_id: visitorId, visitor: {}, messages: [item] });
  deps.log.info("widget message accepted", {
    tenant_id: site.tenantId,
    channel_id: site.channel.id,
    messages: accepted.messages.length,
    will_reply: accepted.willReply,
  });
  return { kind: "stored", ...accepted };
};

const email = z.email();

/** The e-mail a visitor leaves outside business hours: checked, then kept on their contact. */
export const leaveEmail = async (
  deps: StoreDeps,
  site: WidgetSite,
  visitorId: string,
  value: string,
): Promise<{ frame: ServerFrame; status: number }> => {
  const address = value.trim();
  if (!email.safeParse(address).success)
    return {
      frame: errorFrame("email_invalid", "that does not look like an e-mail address (name@example.com)"),
      status: 400,
    };
  if (!(await saveVisitorEmail(deps.db(), site.channel.id, visitorId, address))) {
    return { frame: errorFrame("email_invalid", "send us a message first, then leave your e-mail"), status: 409 };
  }
  return { frame: { type: "email_saved", email: address }, status: 200 };
};
