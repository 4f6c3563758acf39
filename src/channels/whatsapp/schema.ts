/**
 * Zod shapes of what Meta POSTs for WhatsApp (channels.md §1.3–1.6). Envelope and identity fields are
 * strict (a wrong shape there is a 400); per-type content objects are checked one message at a time, so
 * one odd message becomes an `unsupported` row instead of failing everyone's messages in the same POST.
 */
import { z } from "zod";
import { isStorableInstant } from "../../runtime";

export const envelopeSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
    }),
  ),
});

const errorItemSchema = z.object({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});
export type WhatsappErrorItem = z.infer<typeof errorItemSchema>;

export const messagesValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z
    .array(
      z.object({
        wa_id: z.string().optional(),
        user_id: z.string().optional(),
        profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(errorItemSchema).optional(),
});

// Meta documents string seconds; accept a bare number too rather than 400 a whole batch over it. Either
// way the instant must be one xin can store (1970–9999), else "Invalid Date" fails the write later.
const numericString = z
  .union([z.string(), z.number()])
  .refine(
    (v) => (typeof v === "number" ? Number.isInteger(v) : /^\d{1,12}$/.test(v)) && isStorableInstant(Number(v) * 1000),
    {
      message: "expected epoch seconds in 1970–9999",
    },
  );

export const messageBaseSchema = z
  .object({
    id: z.string().min(1),
    from: z.string().min(1).optional(),
    from_user_id: z.string().min(1).optional(),
    group_id: z.string().optional(),
    timestamp: numericString,
    type: z.string(),
    context: z
      .object({
        id: z.string().optional(),
        from: z.string().optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
      })
      .optional(),
    referral: z
      .object({
        source_url: z.string().optional(),
        source_id: z.string().optional(),
        source_type: z.string().optional(),
        body: z.string().optional(),
        headline: z.string().optional(),
        media_type: z.string().optional(),
        image_url: z.string().optional(),
        video_url: z.string().optional(),
        ctwa_clid: z.string().optional(),
      })
      .optional(),
    errors: z.array(errorItemSchema).optional(),
  })
  .refine((m) => m.from !== undefined || m.from_user_id !== undefined, {
    message: "from or from_user_id required",
    path: ["from"],
  });
export type WhatsappMessageBase = z.infer<typeof messageBaseSchema>;

export const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: numericString,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(errorItemSchema).optional(),
});

export const mediaSchema = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  url: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});

export const contentSchemas = {
  text: z.object({ body: z.string() }),
  location: z.object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
  contacts: z.array(
    z.object({
      name: z.object({ formatted_name: z.string().optional(), first_name: z.string().optional() }).optional(),
      phones: z
        .array(z.object({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() }))
        .optional(),
      emails: z.array(z.object({ email: z.string().optional() })).optional(),
    }),
  ),
  interactive: z.object({
    type: z.string(),
    button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
  }),
  button: z.object({ payload: z.string(), text: z.string() }),
  reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }),
  edit: z.object({ original_message_id: z.string(), message: z.record(z.string(), z.unknown()) }),
  revoke: z.object({ original_message_id: z.string().min(1) }),
  system: z.object({ type: z.string().optional(), body: z.string().optional() }),
};
