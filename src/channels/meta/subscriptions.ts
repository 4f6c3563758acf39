import { z } from "zod";
import type { ChannelContext, WebhookRegistration } from "../types";
import { graphCall, type GraphCredentials } from "./client";

// The `subscribed_apps` edge lists one entry per app subscribed to the account's webhooks. WhatsApp
// (`/<WABA_ID>/subscribed_apps`) names each app under `whatsapp_business_api_data`; Instagram and Pages
// (`/me/subscribed_apps`) give `name`/`id` and `subscribed_fields`. Parsed leniently: only the list
// and whatever names and fields it carries matter.
const appSchema = z
  .object({
    name: z.string().optional(),
    id: z.string().optional(),
    subscribed_fields: z.array(z.string()).optional(),
    whatsapp_business_api_data: z
      .object({ name: z.string().optional(), id: z.string().optional() })
      .partial()
      .optional(),
  })
  .passthrough();
const listSchema = z.object({ data: z.array(appSchema) });

/** The apps subscribed to an account's webhooks (Graph `GET /<id>/subscribed_apps`). */
export const subscribedApps = async <C extends GraphCredentials>(
  ctx: ChannelContext<C>,
  accountPath: string,
): Promise<WebhookRegistration["subscriptions"]> => {
  const list = listSchema.parse(await graphCall(ctx, "GET", `/${accountPath}/subscribed_apps`, { none: true }));
  return list.data.map((a) => ({
    app: a.whatsapp_business_api_data?.name ?? a.name ?? a.whatsapp_business_api_data?.id ?? a.id ?? null,
    fields: a.subscribed_fields ?? null,
  }));
};
