import { XinError } from "../errors";
import type { Logger } from "../log";
import type { Sql } from "postgres";
import { openClient, type Db, type StoreClient, type StoreTarget } from "./client";
import { EMBEDDED_DATABASE, EmbeddedPostgres } from "./embedded";
import { migrations } from "./embedded.gen";
import { migrate, migrationStatus, type MigrationStatus } from "./migrate";
import { StoreHealth } from "./store-health";

export type StoreKind = "embedded" | "external";
export type StoreOptions = { dataDir: string; url?: string; poolMax: number; log: Logger; onRestart?: () => void };

/**
 * The store: one pool (postgres.js + drizzle) over either the embedded server or an external one.
 * `open` starts the embedded server when there is no URL, connects, and (unless told not to) applies
 * pending migrations; migrating or not, it refuses a database a newer xin migrated
 * (`store.migration_unknown`). `close` ends the pool, then stops the embedded server: in that order,
 * so no query is cut off by the server going away.
 */
export class Store {
  readonly kind: StoreKind;
  private embedded: EmbeddedPostgres | null = null;
  private client: StoreClient | null = null;
  private target: StoreTarget | null = null;
  private storeHealth: StoreHealth | null = null;

  constructor(private readonly options: StoreOptions) {
    this.kind = options.url ? "external" : "embedded";
  }

  get sql() {
    return this.ready().sql;
  }

  get db(): Db {
    return this.ready().db;
  }

  private ready(): StoreClient {
    if (!this.client) throw new XinError("store.not_open", "the store is not open");
    return this.client;
  }

  async open(options: { migrate?: boolean } = {}): Promise<void> {
    const { url, dataDir, poolMax, log } = this.options;
    if (url) {
      this.target = { url };
    } else {
      this.embedded = new EmbeddedPostgres(dataDir, log.child({ room: "store" }), this.options.onRestart);
      await this.embedded.start();
      this.target = { socketDir: this.embedded.layout.sockDir, user: this.embedded.user, database: EMBEDDED_DATABASE };
    }
    // A connection that is not ready within 3 s is given up (a 503 for a webhook, which the provider
    // retries): right after the embedded server restarted, a handshake was seen to stall until
    // postgres.js's 10 s default. A healthy connect, even over TLS to another host, takes milliseconds.
    this.client = openClient(this.target, { max: poolMax, connectTimeoutSeconds: POOL_CONNECT_TIMEOUT_S });
    try {
      await this.client.sql`select 1`;
      if (options.migrate !== false) {
        const applied = await migrate(this.client.sql, migrations);
        if (applied.length) log.info("migrations applied", { room: "store", migrations: applied });
      } else {
        // Not migrating still refuses a database a newer xin migrated: nothing here may read or write it.
        await migrationStatus(this.client.sql, migrations);
      }
    } catch (e) {
      await this.close();
      throw storeError(e, url);
    }
  }

  /**
   * Starts the health probe on a connection of its own (store-health.ts), for `xin serve`; one-shot
   * commands do without. Until then `health` reads as up: nothing has failed yet.
   */
  watchHealth(): void {
    if (this.storeHealth || !this.target) return;
    this.storeHealth = new StoreHealth(
      openClient(this.target, { max: 1, connectTimeoutSeconds: 1 }).sql,
      this.options.log,
    );
    this.storeHealth.start();
  }

  get health(): { readonly isUp: boolean } {
    return this.storeHealth ?? { isUp: true };
  }

  /** A separate one-connection client to the same database, for session state (advisory locks). */
  openSession(): Sql {
    if (!this.target) throw new XinError("store.not_open", "the store is not open");
    return openClient(this.target, { max: 1 }).sql;
  }

  async migrate(): Promise<string[]> {
    return migrate(this.sql, migrations);
  }

  async migrationStatus(): Promise<MigrationStatus> {
    return migrationStatus(this.sql, migrations);
  }

  /** True when a trivial query on the pool answers within the timeout. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    if (!this.client) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ok = await Promise.race([
      this.client.sql`select 1`.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
    clearTimeout(timer);
    return ok;
  }

  get embeddedPid(): number | null {
    return this.embedded?.pid ?? null;
  }

  async close(): Promise<void> {
    await this.storeHealth?.stop();
    this.storeHealth = null;
    const client = this.client;
    this.client = null;
    if (client) await client.close(5).catch(() => {});
    await this.embedded?.stop();
    this.embedded = null;
  }
}

const POOL_CONNECT_TIMEOUT_S = 3;

const storeError = (e: unknown, url?: string): XinError => {
  if (e instanceof XinError) return e;
  const code = (e as { code?: string }).code;
  if (url && (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "CONNECT_TIMEOUT")) {
    return new XinError("store.unreachable", `cannot reach the PostgreSQL at database.url (${code})`, {
      hint: "check that the server runs and database.url (XIN_DATABASE__URL) points at it",
      cause: e,
    });
  }
  return new XinError("store.open_failed", `cannot open the store: ${(e as Error).message}`, { cause: e });
};
