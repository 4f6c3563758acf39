import { z } from "zod";
import { XinError } from "../../runtime";
import { channelIds } from "../../channels";
import { transaction } from "../../runtime/db";
import {
  channelDetail,
  channelView,
  createChannel,
  findChannelRow,
  listChannelRows,
  removeChannel,
} from "../../tenancy";
import { defineRoute, type ApiRoute } from "./define";
import { findBrand } from "./lookup";
import { actorName, IdParams, notFound, TenantQuery, tenantScope, type AdminDeps } from "./scope";

const ChannelView = z.object({
  id: z.string(),
  tenant_id: z.string(),
  brand_id: z.string(),
  provider: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  webhook_path: z.string(),
  settings: z.record(z.string(), z.unknown()),
  created_at: z.iso.datetime(),
});

const ChannelDetail = ChannelView.extend({
  mode: z
    .string()
    .nullable()
    .describe("how it receives messages where the provider offers a choice (Telegram: webhook or polling)"),
});

const NewChannelBody = z
  .object({
    brand: z.string().min(1).describe("brand id or slug"),
    provider: z.string().refine((p) => channelIds().includes(p), { message: `one of ${channelIds().join(", ")}` }),
    credentials: z.record(z.string(), z.unknown()).describe("the provider's credentials; checked by its adapter"),
    settings: z.record(z.string(), z.unknown()).optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Channels of brands. Reading is open to a tenant's agents; connecting and removing needs an admin token. */
export const channelRoutes = (deps: AdminDeps): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/channels",
    tag: "channels",
    summary: "List channels (never their credentials).",
    query: z.object({ ...TenantQuery, brand: z.string().optional().describe("brand id or slug") }),
    response: z.object({ data: z.array(ChannelView), next_cursor: z.null() }),
    handle: async ({ principal, query }) => {
      const scope = tenantScope(principal, query.tenant);
      const brand = query.brand ? await findBrand(deps.db(), query.brand, scope) : null;
      const rows = (await listChannelRows(deps.db(), scope)).filter((r) => !brand || r.brand_id === brand.id);
      return { data: rows.map(channelView), next_cursor: null };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/channels",
    tag: "channels",
    summary: "Connect a channel to a brand; credentials are validated by the provider's adapter and stored encrypted.",
    admin: true,
    body: NewChannelBody,
    status: 201,
    response: ChannelView,
    handle: async ({ principal, body }) => {
      // The API root decides where xin sends the channel's token and messages: an operator setting
      // (tests point it at fakes), never a tenant's, or a tenant admin could aim xin at internal hosts.
      if (body.settings?.api_base !== undefined && principal.tenant_id !== null) {
        throw new XinError("auth.forbidden", "settings.api_base can only be set with an instance admin token", {
          status: 403,
          data: { field: "settings.api_base" },
        });
      }
      const row = await transaction(deps.db(), async ({ tx }) => {
        const brand = await findBrand(tx, body.brand, tenantScope(principal));
        return createChannel(
          tx,
          deps.instanceKey,
          {
            tenant_id: brand.tenant_id,
            brand_id: brand.id,
            provider: body.provider,
            credentials: body.credentials,
            settings: body.settings,
            name: body.name,
          },
          actorName(principal),
        );
      });
      return channelView(row);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/channels/:id",
    tag: "channels",
    summary: "One channel.",
    resource: "channel",
    params: IdParams,
    response: ChannelDetail,
    handle: async ({ principal, params }) => {
      const row = await findChannelRow(deps.db(), params.id, tenantScope(principal));
      if (!row) throw notFound("channel");
      return channelDetail(row, deps.instanceKey);
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/channels/:id",
    tag: "channels",
    summary: "Remove a channel (its conversations go with it).",
    admin: true,
    resource: "channel",
    params: IdParams,
    response: z.object({ removed: z.literal(true), id: z.string() }),
    handle: async ({ principal, params }) => {
      await transaction(deps.db(), async ({ tx }) => {
        const row = await findChannelRow(tx, params.id, tenantScope(principal));
        if (!row) throw notFound("channel");
        await removeChannel(tx, row, actorName(principal));
      });
      return { removed: true, id: params.id };
    },
  }),
];
