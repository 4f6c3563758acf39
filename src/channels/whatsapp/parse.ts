/**
 * WhatsApp webhook body → normalized events. One POST may hold many entries, changes, customers,
 * messages and statuses together; every level is iterated and each item keeps its own raw object.
 * Changes for a phone number other than the channel's are returned as `foreign_account` skips; fields
 * other than `messages` (templates, quality, account updates, echoes) are counted as unknown events.
 * Two message types are no customer message: `revoke` (the customer deleted an earlier message) is a
 * `message_deleted` event for the original, and `system` notices (number or security code changed)
 * are skipped as `not_customer`.
 */
import { emptyParseResult } from "../inbound";
import type { ChannelBinding, DeliveryStatus, InboundContact, ParseResult, Referral } from "../types";
import { parseJsonBody, parseShape, secondsToMs, stripUndefined } from "../payload";
import { mapContent } from "./content";
import {
  contentSchemas,
  envelopeSchema,
  messageBaseSchema,
  messagesValueSchema,
  statusSchema,
  type WhatsappMessageBase,
} from "./schema";
import type { WhatsappCredentials } from "./credentials";
import { z } from "zod";

type MessagesValue = z.infer<typeof messagesValueSchema>;

const STATUSES = new Set<DeliveryStatus>(["sent", "delivered", "read", "played", "failed"]);
// `context` of these types names the business message that held the button, not a customer quote.
const BUTTON_HOST_TYPES = new Set(["interactive", "button"]);

const contactFor = (value: MessagesValue, message: WhatsappMessageBase): InboundContact => {
  const contacts = value.contacts ?? [];
  const match =
    contacts.find(
      (c) =>
        (message.from !== undefined && c.wa_id === message.from) ||
        (message.from_user_id !== undefined && c.user_id === message.from_user_id),
    ) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const phone = message.from ?? match?.wa_id;
  const bsuid = message.from_user_id ?? match?.user_id;
  return stripUndefined({
    id: (phone ?? bsuid)!,
    name: match?.profile?.name,
    username: match?.profile?.username,
    phone,
    bsuid,
  });
};

const referralOf = (message: WhatsappMessageBase): Referral | undefined => {
  const r = message.referral;
  if (!r) return undefined;
  return stripUndefined({
    source: r.source_type ?? "unknown",
    sourceId: r.source_id,
    sourceUrl: r.source_url,
    headline: r.headline,
    body: r.body,
    clickId: r.ctwa_clid,
    mediaType: r.media_type,
    mediaUrl: r.image_url ?? r.video_url,
  });
};

const parseMessages = (out: ParseResult, value: MessagesValue, accountId: string, where: string) => {
  (value.messages ?? []).forEach((raw, i) => {
    const message = parseShape(messageBaseSchema, raw, `${where}.messages[${i}]`);
    const contact = contactFor(value, message);
    if (
      notices(
        out,
        message,
        raw as Record<string, unknown>,
        message.group_id ?? contact.id,
        accountId,
        `${where}.messages[${i}]`,
      )
    )
      return;
    const content = mapContent(message.type, raw as Record<string, unknown>, message.errors, `${where}.messages[${i}]`);
    const context = message.context;
    out.messages.push(
      stripUndefined({
        channel: "whatsapp",
        accountId,
        providerMessageId: message.id,
        // Keyed by phone (wa_id) when Meta sends it, else by BSUID; `contact` carries both when known.
        conversationId: message.group_id ?? contact.id,
        isGroup: message.group_id !== undefined,
        isAddressedToUs: true,
        contact,
        timestamp: secondsToMs(message.timestamp),
        content,
        replyTo: context?.id
          ? { providerMessageId: context.id, isButtonHost: BUTTON_HOST_TYPES.has(message.type) }
          : undefined,
        referral: referralOf(message),
        isEcho: false,
        raw,
      }),
    );
  });
};

/**
 * Deletions and system notices, which arrive as messages but are none: true when `message` was one
 * (and was recorded as an event or a skip). A wrong shape is refused like any content object.
 */
const notices = (
  out: ParseResult,
  message: WhatsappMessageBase,
  raw: Record<string, unknown>,
  conversationId: string,
  accountId: string,
  where: string,
): boolean => {
  if (message.type === "revoke") {
    const revoke = parseShape(contentSchemas.revoke, raw.revoke, `${where}.revoke`);
    out.events.push({
      kind: "message_deleted",
      accountId,
      conversationId,
      providerMessageId: revoke.original_message_id,
      timestamp: secondsToMs(message.timestamp),
    });
    return true;
  }
  if (message.type === "system") {
    const system = raw.system === undefined ? {} : parseShape(contentSchemas.system, raw.system, `${where}.system`);
    out.skipped.push({ reason: "not_customer", detail: `whatsapp system ${system.type ?? "notice"}` });
    return true;
  }
  return false;
};

const parseStatuses = (out: ParseResult, value: MessagesValue, accountId: string, where: string) => {
  (value.statuses ?? []).forEach((raw, i) => {
    const status = parseShape(statusSchema, raw, `${where}.statuses[${i}]`);
    if (!STATUSES.has(status.status as DeliveryStatus)) {
      out.skipped.push({ reason: "unknown_event", detail: `whatsapp status ${status.status}` });
      return;
    }
    const error = status.errors?.[0];
    out.statuses.push(
      stripUndefined({
        channel: "whatsapp",
        accountId,
        providerMessageId: status.id,
        status: status.status as DeliveryStatus,
        timestamp: secondsToMs(status.timestamp),
        recipientId: status.recipient_id ?? status.recipient_user_id,
        coversEarlier: false,
        attemptId: status.biz_opaque_callback_data,
        error: error
          ? stripUndefined({
              code: String(error.code),
              title: error.title ?? error.message ?? "failed",
              details: error.error_data?.details,
            })
          : undefined,
        raw,
      }),
    );
  });
};

export const parseWhatsapp = (body: Uint8Array, channel: ChannelBinding<WhatsappCredentials>): ParseResult => {
  const envelope = parseShape(envelopeSchema, parseJsonBody(body));
  const out = emptyParseResult();
  envelope.entry.forEach((entry, e) => {
    entry.changes.forEach((change, c) => {
      const where = `entry[${e}].changes[${c}].value`;
      if (change.field !== "messages") {
        out.skipped.push({ reason: "unknown_event", detail: `whatsapp field ${change.field}` });
        return;
      }
      const value = parseShape(messagesValueSchema, change.value, where);
      const accountId = value.metadata.phone_number_id;
      if (accountId !== channel.credentials.phone_number_id) {
        out.skipped.push({ reason: "foreign_account", detail: `phone_number_id ${accountId}`, accountId });
        return;
      }
      parseMessages(out, value, accountId, where);
      parseStatuses(out, value, accountId, where);
      for (const error of value.errors ?? []) {
        out.events.push(
          stripUndefined({
            kind: "account_error" as const,
            accountId,
            code: String(error.code),
            title: error.title ?? error.message ?? "error",
            details: error.error_data?.details,
          }),
        );
      }
    });
  });
  return out;
};
