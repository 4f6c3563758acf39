import { getChannel, isChannelError } from "../channels";
import { XinError } from "../runtime";
import type { Config } from "../runtime/config";
import { transaction, type Db } from "../runtime/db";
import { bindChannel, type ChannelRow, channelView, createChannel, findChannelRow, providerContext } from "../tenancy";
import { resolveBrand } from "./knowledge";

export type AddChannelInput = {
  brand: string;
  tenant?: string | null;
  provider: string;
  credentials: Record<string, unknown>;
  apiBase?: string;
  name?: string;
};

export type ChannelReport = ReturnType<typeof channelView> & {
  webhook_url: string | null;
  /** What telling the provider where to deliver did (Telegram's setWebhook), or null where it has no such call. */
  connect: string | null;
  /** The provider's answer to the credentials ("… accepted the token"), or "not verified: <why>". */
  verified: string;
  /** What the user still has to do for messages to arrive. */
  next: string;
};

/** What is left to do after adding a channel, per provider and mode: the step the user types or clicks next. */
export const nextStepFor = (
  row: Pick<ChannelRow, "id" | "provider" | "brand_id">,
  mode: string | undefined,
  webhookUrl: string | null,
): string => {
  const url = webhookUrl ?? `https://<server.public_url>/webhooks/${row.provider}/${row.id}`;
  switch (row.provider) {
    case "whatsapp":
    case "instagram":
      return `in your Meta app's dashboard (${row.provider === "whatsapp" ? "WhatsApp" : "Instagram"} → Configuration → Webhook): callback URL ${url}, the verify token you gave here, and subscribe to "messages"`;
    case "telegram":
      return mode === "polling"
        ? "nothing: xin serve fetches the bot's updates itself (no public URL needed)"
        : webhookUrl
          ? "nothing: Telegram was told the webhook URL; message the bot to try it"
          : "set server.public_url (the address Telegram can reach), then run `xin channel connect " + row.id + "`";
    case "web":
      return `put the widget on your site: xin widget snippet --brand ${row.brand_id}`;
    default:
      return "send a test message";
  }
};

/** Asks the provider whether the stored credentials work; an unreachable provider is said, never taken as a yes. */
export const verifyCredentials = async (check: () => Promise<string>, providerName: string): Promise<string> => {
  try {
    return await check();
  } catch (e) {
    // The provider answered no (a wrong token): the channel is stored but will not work as given.
    if ((e as { code?: string }).code === "channel.check_failed")
      return `REFUSED by ${providerName}: ${(e as Error).message}; fix the credentials and add the channel again`;
    return `not verified: could not check with ${providerName}: ${(e as Error).message}; \`xin channel test\` retries`;
  }
};

/** The public webhook URL of a channel, when `server.public_url` is set. */
export const webhookUrlOf = (config: Config, row: Pick<ChannelRow, "provider" | "id">): string | null =>
  config.server.public_url
    ? `${config.server.public_url.replace(/\/+$/, "")}/webhooks/${row.provider}/${row.id}`
    : null;

const providerCtx = (row: ChannelRow, instanceKey: string) => {
  const bound = bindChannel(row, instanceKey);
  return {
    adapter: bound.adapter,
    ctx: providerContext(row, bound, { signal: AbortSignal.timeout(20_000), timeoutMs: 20_000 }),
  };
};

/** Tells the provider where to deliver (Telegram setWebhook), where its API allows; null when it has no such call. */
export const connectChannel = async (config: Config, row: ChannelRow): Promise<string | null> => {
  const { adapter, ctx } = providerCtx(row, config.instance_key);
  return adapter.connect ? adapter.connect(ctx, webhookUrlOf(config, row)) : null;
};

/** Checks a channel's credentials against its provider. */
export const testChannel = async (
  config: Config,
  db: Db,
  id: string,
  tenantId: string | null,
): Promise<{ id: string; provider: string; result: string }> => {
  const row = await findChannelRow(db, id, tenantId);
  if (!row) throw new XinError("channel.not_found", `no channel ${id}`, { status: 404 });
  const { adapter, ctx } = providerCtx(row, config.instance_key);
  if (!adapter.check)
    return {
      id: row.id,
      provider: row.provider,
      result: `${adapter.displayName} has no provider API to check; send a message to test it`,
    };
  try {
    return { id: row.id, provider: row.provider, result: await adapter.check(ctx) };
  } catch (e) {
    // Say where xin tried and what to look at: the provider's answer, or that it did not answer.
    const unreachable =
      isChannelError(e) && (e.reason === "network" || e.reason === "timeout" || e.reason === "unavailable");
    throw new XinError(
      unreachable ? "channel.unreachable" : "channel.check_failed",
      `${adapter.displayName} at ${ctx.baseUrl}: ${(e as Error).message}`,
      {
        status: unreachable ? 502 : 400,
        hint: unreachable
          ? `check that this machine reaches ${ctx.baseUrl} (DNS, firewall, proxy)${ctx.baseUrl === adapter.defaultBaseUrl ? "" : "; the channel's settings.api_base points there"}`
          : "check the channel's credentials (token, ids) in the provider's dashboard, then add the channel again",
        cause: e,
      },
    );
  }
};

/**
 * Adds a channel to a brand: credentials validated by the adapter and stored encrypted, then the
 * provider told where to deliver. A failed provider call leaves the channel stored and
 * says so: `xin channel connect` retries it.
 */
export const addChannel = async (
  config: Config,
  db: Db,
  input: AddChannelInput,
  actor: string,
): Promise<ChannelReport> => {
  const adapter = getChannel(input.provider);
  const brand = await resolveBrand(db, input.brand, input.tenant);
  const credentials = input.credentials;
  const row = await transaction(db, ({ tx }) =>
    createChannel(
      tx,
      config.instance_key,
      {
        tenant_id: brand.tenant_id,
        brand_id: brand.id,
        provider: adapter.id,
        name: input.name,
        credentials,
        settings: input.apiBase ? { api_base: input.apiBase } : {},
      },
      actor,
    ),
  );
  let connect: string | null;
  try {
    connect = await connectChannel(config, row);
  } catch (e) {
    connect = `could not reach ${adapter.displayName}: ${(e as Error).message}; run \`xin channel connect ${row.id}\` to retry`;
  }
  const verified = await verifyCredentials(
    async () => (await testChannel(config, db, row.id, row.tenant_id)).result,
    adapter.displayName,
  );
  const webhookUrl = webhookUrlOf(config, row);
  return {
    ...channelView(row),
    webhook_url: webhookUrl,
    connect,
    verified,
    next: nextStepFor(row, modeOf(credentials), webhookUrl),
  };
};

/** Telegram's `mode` credential (webhook or polling); other providers have none. */
export const modeOf = (credentials: Record<string, unknown>): string | undefined =>
  typeof credentials.mode === "string" ? credentials.mode : undefined;
