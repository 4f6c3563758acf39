/**
 * One Telegram Update → normalized events (Telegram sends one update per POST; polling feeds each one
 * through here too).
 *
 * Keys: messages `<chat id>:<message id>` (message ids are unique per chat only); edits
 * `<chat>:<message>:edit:<edit_date>` pointing at the original; callback queries `callback:<id>`;
 * reactions `<chat>:<message>:reaction:<user>:<date>`. my_chat_member kicked/left → contact_blocked.
 *
 * Not customer messages, so skipped (counted as ignored by the gateway): `channel_post` and
 * `edited_channel_post` (the channel's own publications, which a bot that administers the channel
 * receives) and service notices (a pin, members joining, a topic opened: `service.ts`).
 */
import { emptyParseResult } from "../inbound";
import type { ChannelBinding, InboundContact, InboundContent, InboundMessage, ParseResult } from "../types";
import { parseJsonBody, parseShape, stripUndefined } from "../payload";
import { buttonTextOf, messageContent } from "./content";
import { serviceKindOf } from "./service";
import { botIdOf, type TelegramCredentials } from "./credentials";
import {
  callbackQuerySchema,
  chatMemberUpdatedSchema,
  messageReactionSchema,
  messageSchema,
  updateSchema,
  type TelegramMessage,
  type TelegramUser,
} from "./schema";

type Binding = ChannelBinding<TelegramCredentials>;

export const messageKey = (chatId: number | string, messageId: number | string): string => `${chatId}:${messageId}`;

const contactOf = (user: TelegramUser | undefined, fallbackChat: TelegramMessage["chat"]): InboundContact =>
  user
    ? stripUndefined({
        id: String(user.id),
        name: [user.first_name, user.last_name].filter(Boolean).join(" ") || undefined,
        username: user.username,
        languageCode: user.language_code,
      })
    : stripUndefined({ id: String(fallbackChat.id), name: fallbackChat.title, username: fallbackChat.username });

/** A customer sharing their own contact card tells us their phone number: keep it on the contact. */
const withOwnPhone = (contact: InboundContact, message: TelegramMessage): InboundContact =>
  message.contact && message.from && message.contact.user_id === message.from.id
    ? { ...contact, phone: message.contact.phone_number }
    : contact;

/** In groups the bot answers only commands, mentions of itself and replies to its own messages. */
const isAddressedToBot = (message: TelegramMessage, content: InboundContent, channel: Binding): boolean => {
  if (message.chat.type === "private") return true;
  const botId = Number(botIdOf(channel.credentials.bot_token));
  if (message.reply_to_message?.from?.id === botId) return true;
  if (content.kind !== "text") return false;
  if (content.command) return true;
  const username = channel.credentials.bot_username;
  // Without a configured username, trust privacy mode: Telegram only forwards what concerns the bot.
  if (!username) return true;
  const handle = `@${username}`.toLowerCase();
  return (
    (content.mentions ?? []).some((m) => m.toLowerCase() === handle) ||
    (message.entities ?? []).some((e) => e.type === "text_mention" && e.user?.id === botId)
  );
};

const messageEvent = (out: ParseResult, raw: unknown, where: string, channel: Binding, isEdit: boolean): void => {
  const message = parseShape(messageSchema, raw, where);
  const service = serviceKindOf(raw as Record<string, unknown>);
  if (service) {
    out.skipped.push({ reason: "not_customer", detail: `telegram ${where} service ${service}` });
    return;
  }
  const original = messageKey(message.chat.id, message.message_id);
  const content = messageContent(message, raw as Record<string, unknown>);
  const event: InboundMessage = stripUndefined({
    channel: "telegram",
    accountId: botIdOf(channel.credentials.bot_token),
    providerMessageId: isEdit ? `${original}:edit:${message.edit_date ?? message.date}` : original,
    conversationId: String(message.chat.id),
    isGroup: message.chat.type !== "private",
    isAddressedToUs: isAddressedToBot(message, content, channel),
    contact: withOwnPhone(contactOf(message.from, message.chat), message),
    timestamp: (isEdit ? (message.edit_date ?? message.date) : message.date) * 1000,
    content: isEdit ? { kind: "edit" as const, originalMessageId: original, content } : content,
    replyTo: message.reply_to_message
      ? { providerMessageId: messageKey(message.chat.id, message.reply_to_message.message_id), isButtonHost: false }
      : undefined,
    isEcho: false,
    raw,
  });
  out.messages.push(event);
};

type Handler = (out: ParseResult, raw: unknown, channel: Binding) => void;

/** What a channel publishes is no customer writing to the business; a malformed one is still refused like any message. */
const channelPost =
  (where: string): Handler =>
  (out, raw) => {
    parseShape(messageSchema, raw, where);
    out.skipped.push({ reason: "not_customer", detail: "telegram channel post" });
  };

const HANDLERS: Record<string, Handler> = {
  message: (out, raw, ch) => messageEvent(out, raw, "message", ch, false),
  edited_message: (out, raw, ch) => messageEvent(out, raw, "edited_message", ch, true),
  channel_post: channelPost("channel_post"),
  edited_channel_post: channelPost("edited_channel_post"),
  callback_query: (out, raw, ch) => {
    const q = parseShape(callbackQuerySchema, raw, "callback_query");
    const chat = q.message?.chat;
    out.messages.push(
      stripUndefined({
        channel: "telegram",
        accountId: botIdOf(ch.credentials.bot_token),
        providerMessageId: `callback:${q.id}`,
        conversationId: String(chat?.id ?? q.from.id),
        isGroup: chat !== undefined && chat.type !== "private",
        isAddressedToUs: true,
        contact: contactOf(q.from, chat ?? { id: q.from.id, type: "private" }),
        // A callback query carries no date of its own: the press is "now".
        timestamp: Date.now(),
        content: stripUndefined({
          kind: "callback_query" as const,
          queryId: q.id,
          data: q.data ?? q.game_short_name ?? "",
          // The label the customer tapped, when the host message (and so its keyboard) is in the update.
          title: q.data === undefined ? undefined : buttonTextOf(q.message?.reply_markup, q.data),
          hostMessageId: q.message ? messageKey(q.message.chat.id, q.message.message_id) : undefined,
        }),
        replyTo: q.message
          ? { providerMessageId: messageKey(q.message.chat.id, q.message.message_id), isButtonHost: true }
          : undefined,
        isEcho: false,
        raw,
      }),
    );
  },
  my_chat_member: (out, raw, ch) => {
    const u = parseShape(chatMemberUpdatedSchema, raw, "my_chat_member");
    const isOut = (s: string) => s === "kicked" || s === "left";
    const [was, now] = [isOut(u.old_chat_member.status), isOut(u.new_chat_member.status)];
    if (was === now) {
      out.skipped.push({
        reason: "unknown_event",
        detail: `telegram my_chat_member ${u.old_chat_member.status}->${u.new_chat_member.status}`,
      });
      return;
    }
    out.events.push({
      kind: now ? "contact_blocked" : "contact_unblocked",
      accountId: botIdOf(ch.credentials.bot_token),
      conversationId: String(u.chat.id),
      timestamp: u.date * 1000,
    });
  },
  message_reaction: (out, raw, ch) => {
    const r = parseShape(messageReactionSchema, raw, "message_reaction");
    const emoji = r.new_reaction.find((x) => x.type === "emoji")?.emoji;
    const target = messageKey(r.chat.id, r.message_id);
    const content: InboundContent = emoji
      ? { kind: "reaction", targetMessageId: target, emoji, action: "react" }
      : { kind: "reaction", targetMessageId: target, action: "unreact" };
    out.messages.push({
      channel: "telegram",
      accountId: botIdOf(ch.credentials.bot_token),
      providerMessageId: `${target}:reaction:${r.user?.id ?? "anonymous"}:${r.date}`,
      conversationId: String(r.chat.id),
      isGroup: r.chat.type !== "private",
      isAddressedToUs: true,
      contact: contactOf(r.user, r.chat),
      timestamp: r.date * 1000,
      content,
      isEcho: false,
      raw,
    });
  },
};

export const parseTelegram = (body: Uint8Array, channel: Binding): ParseResult => {
  const update = parseShape(updateSchema, parseJsonBody(body));
  const out = emptyParseResult();
  const kind = Object.keys(update).find((k) => k !== "update_id");
  const handler = kind === undefined ? undefined : HANDLERS[kind];
  if (!kind || !handler) {
    out.skipped.push({ reason: "unknown_event", detail: `telegram update ${kind ?? "empty"}` });
    return out;
  }
  handler(out, update[kind], channel);
  return out;
};
