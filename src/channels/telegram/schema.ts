/**
 * Zod shapes of the Telegram Update fields xin reads (channels.md §3.4). Ids are numbers (≤ 52 bits,
 * exact in a double) and become strings in normalized output.
 */
import { z } from "zod";
import { epochSeconds } from "../../runtime";

// Ids fit 52 bits; a number beyond the safe integers is no Telegram id (and would print as "1e+308").
const id = z.number().int();
// Sizes, offsets and durations are small non-negative integers in every real update.
const count = z.number().int().nonnegative();

export const userSchema = z.object({
  id,
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
export type TelegramUser = z.infer<typeof userSchema>;

export const chatSchema = z.object({
  id,
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});

const entitySchema = z.object({ type: z.string(), offset: count, length: count, user: userSchema.optional() });
const fileSchema = z.object({
  file_id: z.string(),
  file_unique_id: z.string().optional(),
  file_size: count.optional(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
  width: count.optional(),
  height: count.optional(),
  duration: count.optional(),
});
export type TelegramFile = z.infer<typeof fileSchema>;

export const messageSchema = z.object({
  message_id: id,
  date: epochSeconds,
  chat: chatSchema,
  from: userSchema.optional(),
  sender_chat: chatSchema.optional(),
  edit_date: epochSeconds.optional(),
  text: z.string().optional(),
  entities: z.array(entitySchema).optional(),
  caption: z.string().optional(),
  caption_entities: z.array(entitySchema).optional(),
  photo: z.array(fileSchema).optional(),
  document: fileSchema.optional(),
  animation: fileSchema.optional(),
  voice: fileSchema.optional(),
  audio: fileSchema.optional(),
  video: fileSchema.optional(),
  video_note: fileSchema.optional(),
  sticker: fileSchema.optional(),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  venue: z.object({ title: z.string().optional(), address: z.string().optional() }).optional(),
  contact: z
    .object({
      phone_number: z.string(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      user_id: id.optional(),
    })
    .optional(),
  reply_to_message: z.object({ message_id: id, from: userSchema.optional() }).optional(),
});
export type TelegramMessage = z.infer<typeof messageSchema>;

// The inline keyboard of a message the bot sent: rows of buttons; only callback buttons carry data.
export const replyMarkupSchema = z.object({
  inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))).optional(),
});
export type TelegramReplyMarkup = z.infer<typeof replyMarkupSchema>;

export const callbackQuerySchema = z.object({
  id: z.string().min(1),
  from: userSchema,
  message: z.object({ message_id: id, chat: chatSchema, reply_markup: replyMarkupSchema.optional() }).optional(),
  inline_message_id: z.string().optional(),
  data: z.string().optional(),
  game_short_name: z.string().optional(),
});

export const chatMemberUpdatedSchema = z.object({
  chat: chatSchema,
  from: userSchema,
  date: epochSeconds,
  old_chat_member: z.object({ status: z.string() }),
  new_chat_member: z.object({ status: z.string() }),
});

export const messageReactionSchema = z.object({
  chat: chatSchema,
  message_id: id,
  user: userSchema.optional(),
  date: epochSeconds,
  new_reaction: z.array(z.object({ type: z.string(), emoji: z.string().optional() })),
});

export const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });
