/**
 * Zod shapes of Instagram messaging webhooks (channels.md §2.3). Envelope and event identity are strict;
 * attachment details are read leniently so an unknown attachment type becomes `unsupported`, not a 400.
 */
import { z } from "zod";
import { epochMillis } from "../../runtime";

export const envelopeSchema = z.object({
  object: z.literal("instagram"),
  entry: z.array(
    z.object({
      id: z.string(),
      time: z.number().optional(),
      messaging: z.array(z.unknown()).optional(),
      changes: z.array(z.object({ field: z.string() })).optional(),
    }),
  ),
});

const referralSchema = z.object({
  ref: z.string().optional(),
  source: z.string().optional(),
  type: z.string().optional(),
  ad_id: z.string().optional(),
  ads_context_data: z
    .object({ ad_title: z.string().optional(), photo_url: z.string().optional(), video_url: z.string().optional() })
    .optional(),
});
export type InstagramReferral = z.infer<typeof referralSchema>;

export const attachmentSchema = z.object({
  type: z.string(),
  payload: z.object({ url: z.string().optional(), title: z.string().optional() }).optional(),
});

export const eventSchema = z.object({
  sender: z.object({ id: z.string().min(1) }),
  recipient: z.object({ id: z.string().min(1) }),
  timestamp: epochMillis,
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      attachments: z.array(z.unknown()).optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      reply_to: z
        .object({
          mid: z.string().optional(),
          story: z.object({ id: z.string().optional(), url: z.string().optional() }).optional(),
        })
        .optional(),
      referral: referralSchema.optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      is_unsupported: z.boolean().optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string() }).optional(),
  reaction: z
    .object({
      mid: z.string().min(1),
      action: z.enum(["react", "unreact"]),
      reaction: z.string().optional(),
      emoji: z.string().optional(),
    })
    .optional(),
  read: z.object({ mid: z.string().min(1) }).optional(),
  referral: referralSchema.optional(),
  message_edit: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      num_edit: z.number().int().nonnegative().optional(),
    })
    .optional(),
});
export type InstagramEvent = z.infer<typeof eventSchema>;
