import { XinError, type Logger } from "../runtime";
import type { Config } from "../runtime/config";
import { Store } from "../runtime/db";
import { acquireInstanceLock, lockHolder } from "../runtime/instance-lock";
import { ApiClient, localBaseUrl } from "./client";

export type Access<T> = { api: (client: ApiClient) => Promise<T>; store: (store: Store) => Promise<T> };

/**
 * Runs a command against the running server's admin API when one runs, else directly on the store
 * (starting the embedded server under the data dir's lock, and stopping it after).
 */
export const viaServerOrStore = async <T>(config: Config, log: Logger, access: Access<T>, options: { migrate?: boolean } = {}): Promise<T> => {
  const client = new ApiClient(localBaseUrl(config.server.host, config.server.port), config.admin_token);
  const holder = config.database.url ? null : lockHolder(config.data_dir);
  if (holder?.command === "serve") return access.api(client);
  if (config.database.url) {
    try {
      return await access.api(client);
    } catch (e) {
      if (!(e instanceof XinError) || e.code !== "client.unreachable") throw e;
    }
  }
  const release = config.database.url ? () => {} : acquireInstanceLock(config.data_dir, "cli");
  const store = new Store({ dataDir: config.data_dir, url: config.database.url, poolMax: 2, log });
  try {
    await store.open({ migrate: options.migrate ?? false });
    return await access.store(store);
  } finally {
    await store.close();
    release();
  }
};
