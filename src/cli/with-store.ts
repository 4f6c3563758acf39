import { chooseBrand, resolveBrand, type BrandCandidate } from "../app";
import { XinError, type Logger } from "../runtime";
import type { Config } from "../runtime/config";
import { Store } from "../runtime/db";
import { acquireInstanceLock, lockHolder, YIELD_SIGNAL, YIELDING_COMMAND } from "../runtime/instance-lock";
import { ApiClient, localBaseUrl } from "./client";

/**
 * `store` also gets a hand-over (only for `handsOver` commands): `onRequest` is called when a starting
 * `xin serve` asks for the data dir; the command then calls `release()` (closes the store and the lock,
 * once) as soon as nothing of its own uses the store, and goes on through `client`, the server's API.
 */
export type HandOver = { onRequest(listener: () => void): void; release(): Promise<void>; client: ApiClient };
export type Access<T> = {
  api: (client: ApiClient) => Promise<T>;
  store: (store: Store, handOver: HandOver) => Promise<T>;
};

/** A command's `--brand`/`--tenant` flags: resolved in place (to ids) before the command runs. */
export type BrandFlags = {
  brand?: string;
  tenant?: string;
  /** Set with the ids: the brand's name, for display. */ brandName?: string;
};

type Listed<T> = { data: T[] };

/** The brands the server's admin API lists, with their tenants' names, for `chooseBrand`. */
const brandsViaApi = async (client: ApiClient): Promise<BrandCandidate[]> => {
  const [brands, tenants] = await Promise.all([
    client.get<Listed<{ id: string; slug: string; name: string; tenant_id: string; persona: { language: string } }>>(
      "/api/v1/brands",
    ),
    client.get<Listed<{ id: string; name: string }>>("/api/v1/tenants"),
  ]);
  const tenantName = new Map(tenants.data.map((t) => [t.id, t.name]));
  return brands.data.map((b) => ({
    id: b.id,
    slug: b.slug,
    name: b.name,
    tenant_id: b.tenant_id,
    tenant_name: tenantName.get(b.tenant_id) ?? "",
    language: b.persona.language,
  }));
};

/**
 * Sets `flags.brand`/`flags.tenant` to the ids of the brand they name, or of the only brand when
 * `--brand` was left out: every command resolves brands by the same rule, whichever path runs.
 */
const settleBrand = async (flags: BrandFlags, via: { client: ApiClient } | { store: Store }) => {
  const chosen =
    "client" in via
      ? chooseBrand(await brandsViaApi(via.client), flags.brand, flags.tenant)
      : await resolveBrand(via.store.db, flags.brand, flags.tenant);
  flags.brand = chosen.id;
  flags.tenant = chosen.tenant_id;
  flags.brandName = chosen.name;
};

/**
 * Runs a command against the running server's admin API when one runs, else directly on the store
 * (starting the embedded server under the data dir's lock, and stopping it after). With `brand`, the
 * command's brand flags are resolved first, on the same path.
 */
export const viaServerOrStore = async <T>(
  config: Config,
  log: Logger,
  access: Access<T>,
  options: { migrate?: boolean; brand?: BrandFlags; handsOver?: boolean } = {},
): Promise<T> => {
  const client = new ApiClient(localBaseUrl(config.server.host, config.server.port), config.admin_token);
  const viaApi = async () => {
    if (options.brand) await settleBrand(options.brand, { client });
    return access.api(client);
  };
  const holder = config.database.url ? null : lockHolder(config.data_dir);
  if (holder?.command === "serve") return viaApi();
  if (config.database.url) {
    try {
      return await viaApi();
    } catch (e) {
      if (!(e instanceof XinError) || e.code !== "client.unreachable") throw e;
    }
  }
  const embedded = !config.database.url;
  const releaseLock = embedded
    ? acquireInstanceLock(config.data_dir, options.handsOver ? YIELDING_COMMAND : "cli")
    : () => {};
  const store = new Store({ dataDir: config.data_dir, url: config.database.url, poolMax: 2, log });
  let released: Promise<void> | null = null;
  const release = () =>
    (released ??= (async () => {
      await store.close();
      releaseLock();
    })());
  const listeners: (() => void)[] = [];
  const onYield = () => {
    for (const listener of listeners) listener();
  };
  if (options.handsOver && embedded) process.on(YIELD_SIGNAL, onYield);
  try {
    await store.open({ migrate: options.migrate ?? false });
    if (options.brand) await settleBrand(options.brand, { store });
    return await access.store(store, { onRequest: (listener) => void listeners.push(listener), release, client });
  } finally {
    process.off(YIELD_SIGNAL, onYield);
    await release();
  }
};
