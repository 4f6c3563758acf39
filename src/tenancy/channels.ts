import { and, asc, eq } from "drizzle-orm";
import { getChannel as adapterFor, type Channel, type ChannelBinding } from "../channels";
import { decryptSecret, encryptSecret, newId, XinError } from "../runtime";
import { schema, type Db, type Tx } from "../runtime/db";
import { recordAudit } from "./audit";
import { forgetChannels } from "./channel-generation";

export type ChannelRow = typeof schema.channels.$inferSelect;
export type ChannelSettings = { api_base?: string } & Record<string, unknown>;

export type NewChannel = {
  tenant_id: string;
  brand_id: string;
  provider: string;
  name?: string;
  credentials: Record<string, unknown>;
  settings?: ChannelSettings;
};

/** Validates credentials with the adapter's own schema; every missing or malformed key is named. */
const parseCredentials = (adapter: Channel, raw: unknown) => {
  const parsed = adapter.credentials.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "credentials"}: ${i.message}`).join("; ");
    throw new XinError(
      "channel.credentials_invalid",
      `${adapter.displayName} credentials are incomplete or malformed: ${problems}`,
      {
        status: 400,
        exitCode: 2,
        data: { field: String(parsed.error.issues[0]?.path[0] ?? "credentials") },
      },
    );
  }
  return parsed.data as Record<string, unknown>;
};

/**
 * Adds a channel to a brand. Credentials are checked by the adapter (fail closed: no app secret, no
 * secret token → refused) and stored encrypted with the instance key; the audit log records the
 * change without the secrets.
 */
export const createChannel = async (
  tx: Tx,
  instanceKey: string,
  input: NewChannel,
  actor: string,
): Promise<ChannelRow> => {
  const adapter = adapterFor(input.provider);
  const [brand] = await tx
    .select()
    .from(schema.brands)
    .where(and(eq(schema.brands.id, input.brand_id), eq(schema.brands.tenant_id, input.tenant_id)));
  if (!brand)
    throw new XinError("brand.not_found", `no brand ${input.brand_id} in this tenant`, {
      status: 404,
      data: { field: "brand" },
    });
  const credentials = parseCredentials(adapter, input.credentials);
  const accountId = adapter.accountIdOf(credentials);
  const [taken] = await tx
    .select({ id: schema.channels.id })
    .from(schema.channels)
    .where(and(eq(schema.channels.provider, adapter.id), eq(schema.channels.external_id, accountId)));
  if (taken) {
    throw new XinError(
      "channel.exists",
      `this ${adapter.displayName} account is already connected (channel ${taken.id})`,
      {
        status: 409,
        hint: "remove that channel first, or use it",
      },
    );
  }
  const [row] = await tx
    .insert(schema.channels)
    .values({
      id: newId("chn"),
      tenant_id: input.tenant_id,
      brand_id: input.brand_id,
      provider: adapter.id,
      name: input.name ?? `${adapter.displayName} of ${brand.name}`,
      external_id: accountId,
      credentials_sealed: encryptSecret(instanceKey, JSON.stringify(credentials)),
      settings: input.settings ?? {},
    })
    .returning();
  await recordAudit(tx, {
    tenant_id: input.tenant_id,
    actor,
    action: "channel.create",
    subject_type: "channel",
    subject_id: row.id,
    after: {
      provider: row.provider,
      brand_id: row.brand_id,
      name: row.name,
      settings: row.settings,
      credential_keys: Object.keys(credentials),
    },
  });
  return row;
};

/** A channel row by id; `tenantId` (when given) scopes the lookup, so another tenant's id is "not found". */
export const findChannelRow = async (db: Db | Tx, id: string, tenantId?: string | null): Promise<ChannelRow | null> => {
  const where = tenantId
    ? and(eq(schema.channels.id, id), eq(schema.channels.tenant_id, tenantId))
    : eq(schema.channels.id, id);
  const [row] = await db.select().from(schema.channels).where(where);
  return row ?? null;
};

export const listChannelRows = (db: Db | Tx, tenantId?: string | null): Promise<ChannelRow[]> =>
  db
    .select()
    .from(schema.channels)
    .where(tenantId ? eq(schema.channels.tenant_id, tenantId) : undefined)
    .orderBy(asc(schema.channels.created_at));

export const removeChannel = async (tx: Tx, row: ChannelRow, actor: string): Promise<void> => {
  await tx.delete(schema.channels).where(eq(schema.channels.id, row.id));
  forgetChannels(); // before COMMIT too: a cache refilled meanwhile holds at most TTL_MS
  await recordAudit(tx, {
    tenant_id: row.tenant_id,
    actor,
    action: "channel.remove",
    subject_type: "channel",
    subject_id: row.id,
    before: { provider: row.provider, name: row.name },
  });
};

/** The adapter and decrypted credentials of a channel row. */
export const bindChannel = (
  row: ChannelRow,
  instanceKey: string,
): { adapter: Channel; binding: ChannelBinding<Record<string, unknown>> } => {
  const adapter = adapterFor(row.provider);
  if (!row.credentials_sealed)
    throw new XinError("channel.credentials_missing", `channel ${row.id} has no credentials`, { status: 409 });
  const credentials = parseCredentials(adapter, JSON.parse(decryptSecret(instanceKey, row.credentials_sealed)));
  return { adapter, binding: { channelId: row.id, credentials } };
};

/** The API root the adapter talks to: the channel's `api_base` setting, else the provider's real one. */
export const apiBaseOf = (row: ChannelRow, adapter: Channel): string =>
  typeof (row.settings as ChannelSettings).api_base === "string"
    ? ((row.settings as ChannelSettings).api_base as string)
    : adapter.defaultBaseUrl;

/** What an adapter's outbound calls take: the binding, the channel's API root, fetch, a signal and a deadline. */
export const providerContext = (
  row: ChannelRow,
  bound: { adapter: Channel; binding: ChannelBinding<Record<string, unknown>> },
  o: { signal: AbortSignal; timeoutMs: number; fetch?: typeof fetch },
) => ({
  ...bound.binding,
  baseUrl: apiBaseOf(row, bound.adapter),
  fetch: o.fetch ?? fetch,
  signal: o.signal,
  deadline: Date.now() + o.timeoutMs,
});

/** Public view of a channel: never the credentials. */
export const channelView = (row: ChannelRow) => ({
  id: row.id,
  tenant_id: row.tenant_id,
  brand_id: row.brand_id,
  provider: row.provider,
  name: row.name,
  enabled: row.enabled,
  webhook_path: `/webhooks/${row.provider}/${row.id}`,
  settings: row.settings,
  created_at: row.created_at,
});

/**
 * `channelView` plus what the credentials say about how the channel receives messages: Telegram's
 * `mode` (webhook or polling); null for providers without one. Read from the sealed credentials, of
 * which nothing else is shown.
 */
export const channelDetail = (row: ChannelRow, instanceKey: string) => {
  let mode: string | null = null;
  try {
    const { credentials } = bindChannel(row, instanceKey).binding;
    mode = typeof credentials.mode === "string" ? credentials.mode : null;
  } catch {
    // credentials that no longer open (another instance key): the view still shows the rest
  }
  return { ...channelView(row), mode };
};
