/**
 * Instagram webhook body → normalized events. Entries for another account are `foreign_account` skips;
 * `changes` (comments, mentions) and unknown messaging events are counted as unknown.
 *
 * Idempotency keys: `message.mid`; `postback.mid`; reactions `<mid>:reaction:<sender>:<action>:<ts>`
 * (the mid is the reacted-to message); edits `<mid>:edit:<n>`; ad/link referrals `referral:<sender>:<ts>`.
 * Echoes (`is_echo`, or sent by the account itself) are recognised and keyed to the customer's thread.
 */
import { emptyParseResult } from "../inbound";
import type { ChannelBinding, InboundContent, InboundMessage, ParseResult } from "../types";
import { parseJsonBody, parseShape, stripUndefined } from "../payload";
import { messageContents, referralOf } from "./content";
import type { InstagramCredentials } from "./credentials";
import { envelopeSchema, eventSchema, type InstagramEvent } from "./schema";

type Base = Omit<InboundMessage, "providerMessageId" | "content" | "raw">;

const baseOf = (event: InstagramEvent, accountId: string): Base => {
  const isEcho = event.message?.is_echo === true || event.sender.id === accountId;
  const customer = isEcho ? event.recipient.id : event.sender.id;
  return {
    channel: "instagram",
    accountId,
    conversationId: customer,
    isGroup: false,
    isAddressedToUs: true,
    contact: { id: customer },
    timestamp: event.timestamp,
    isEcho,
  };
};

const pushMessage = (
  out: ParseResult,
  base: Base,
  providerMessageId: string,
  content: InboundContent,
  raw: unknown,
  extra: Partial<InboundMessage> = {},
) => {
  out.messages.push(stripUndefined({ ...base, providerMessageId, content, raw, ...extra }));
};

const parseEvent = (out: ParseResult, event: InstagramEvent, raw: unknown, accountId: string) => {
  const base = baseOf(event, accountId);
  const { message, postback, reaction, read, referral, message_edit: edit } = event;
  if (message?.is_deleted) {
    out.events.push({
      kind: "message_deleted",
      accountId,
      conversationId: base.conversationId,
      providerMessageId: message.mid,
      timestamp: event.timestamp,
    });
  } else if (message) {
    const extra = stripUndefined({
      replyTo: message.reply_to?.mid ? { providerMessageId: message.reply_to.mid, isButtonHost: false } : undefined,
      referral: referralOf(message.referral),
    });
    messageContents(message).forEach((content, i) =>
      pushMessage(out, base, i === 0 ? message.mid : `${message.mid}#${i}`, content, raw, extra),
    );
  } else if (postback) {
    const id = postback.mid ?? `postback:${event.sender.id}:${event.timestamp}`;
    pushMessage(
      out,
      base,
      id,
      { kind: "button_reply", source: "postback", id: postback.payload, title: postback.title ?? postback.payload },
      raw,
    );
  } else if (reaction) {
    const content: InboundContent =
      reaction.action === "react"
        ? {
            kind: "reaction",
            targetMessageId: reaction.mid,
            emoji: reaction.emoji ?? reaction.reaction,
            action: "react",
          }
        : { kind: "reaction", targetMessageId: reaction.mid, action: "unreact" };
    pushMessage(
      out,
      base,
      `${reaction.mid}:reaction:${event.sender.id}:${reaction.action}:${event.timestamp}`,
      stripUndefined(content),
      raw,
    );
  } else if (read) {
    out.statuses.push({
      channel: "instagram",
      accountId,
      providerMessageId: read.mid,
      status: "read",
      timestamp: event.timestamp,
      recipientId: event.sender.id,
      coversEarlier: true,
      raw,
    });
  } else if (edit) {
    const content: InboundContent = {
      kind: "edit",
      originalMessageId: edit.mid,
      content: { kind: "text", text: edit.text ?? "" },
    };
    pushMessage(out, base, `${edit.mid}:edit:${edit.num_edit ?? event.timestamp}`, content, raw);
  } else if (referral) {
    pushMessage(
      out,
      base,
      `referral:${event.sender.id}:${event.timestamp}`,
      { kind: "referral", referral: referralOf(referral)! },
      raw,
      { referral: referralOf(referral) },
    );
  } else {
    const keys = Object.keys(raw as object).filter((k) => !["sender", "recipient", "timestamp"].includes(k));
    out.skipped.push({ reason: "unknown_event", detail: `instagram messaging ${keys.join(",") || "empty"}` });
  }
};

export const parseInstagram = (body: Uint8Array, channel: ChannelBinding<InstagramCredentials>): ParseResult => {
  const envelope = parseShape(envelopeSchema, parseJsonBody(body));
  const out = emptyParseResult();
  envelope.entry.forEach((entry, e) => {
    if (entry.id !== channel.credentials.ig_user_id) {
      out.skipped.push({ reason: "foreign_account", detail: `instagram account ${entry.id}`, accountId: entry.id });
      return;
    }
    for (const change of entry.changes ?? [])
      out.skipped.push({ reason: "unknown_event", detail: `instagram field ${change.field}` });
    (entry.messaging ?? []).forEach((raw, m) =>
      parseEvent(out, parseShape(eventSchema, raw, `entry[${e}].messaging[${m}]`), raw, entry.id),
    );
  });
  return out;
};
