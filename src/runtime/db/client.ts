import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres, { type Sql, type TransactionSql } from "postgres";
import * as schema from "./schema";
import { driverFor } from "./driver";
import { withSpan } from "../telemetry";

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Where the store lives: a postgres:// URL (external) or a unix socket folder (embedded). */
export type StoreTarget = { url: string } | { socketDir: string; user: string; database: string };

export type StoreClient = { sql: Sql; db: Db; close(timeoutSeconds?: number): Promise<void> };

/**
 * Opens the one connection pool everything uses. postgres.js reconnects lazily, so a restarted
 * embedded server is picked up by the next query without reopening the client.
 */
/** `onQuery` is called as each statement is sent (tests count the statements a request caused). */
export const openClient = (
  target: StoreTarget,
  options: { max?: number; connectTimeoutSeconds?: number; onQuery?: () => void } = {},
): StoreClient => {
  // postgres.js waits before reconnecting after a failed connection, 3^n/100 s by default and up to 20 s:
  // after a few seconds of outage the pool was still asleep 10–16 s after the server came back. A
  // refused connect costs nothing, so retry soon, at most half a second apart.
  const backoff = (retries: number) => Math.min(0.025 * 2 ** retries, 0.5);
  const common = {
    max: options.max ?? 10,
    onnotice: () => {},
    idle_timeout: 60,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    backoff,
    ...(options.onQuery ? { debug: options.onQuery } : {}),
  } as const;
  const sql =
    "url" in target
      ? postgres(target.url, common)
      : postgres({ ...common, host: target.socketDir, port: 5432, username: target.user, database: target.database });
  const db = drizzle({ client: driverFor(sql), schema });
  return { sql, db, close: (timeout = 5) => sql.end({ timeout }) };
};

/**
 * Runs `fn` in a transaction and calls the hooks it registered only after COMMIT succeeded, or, when
 * it rolled back (an error, or a failed COMMIT), the rollback hooks: in-process promises made inside
 * the transaction (a worker slot kept for a job) are kept or released with it.
 */
export type TxContext = {
  tx: Tx;
  /**
   * The same transaction as postgres.js tagged templates, for the few statements every message runs:
   * building a drizzle query costs more CPU than PostgreSQL spends on such a statement (a fifth of
   * xin's CPU per answer went to query building), a template costs a string join.
   */
  sql: TransactionSql;
  afterCommit(hook: () => void): void;
  afterRollback(hook: () => void): void;
};

/**
 * The postgres.js client under a drizzle handle, for the few statements every answer runs outside a
 * transaction (see `TxContext.sql` for why a template and not a drizzle build).
 */
export const sqlOf = (db: Db): Sql => (db as Db & { $client: Sql }).$client;

/** A NOTIFY issued in `ctx`'s transaction: PostgreSQL delivers it to listeners only if that commits. */
export const notifyInTx = (ctx: TxContext, n: { channel: string; payload: string }) =>
  ctx.sql`select pg_notify(${n.channel}, ${n.payload})`;

/** The postgres.js transaction under a drizzle one (drizzle keeps it as its session's client). */
const clientOf = (tx: Tx): TransactionSql => (tx as unknown as { session: { client: TransactionSql } }).session.client;

export const transaction = <T>(db: Db, fn: (ctx: TxContext) => Promise<T>): Promise<T> =>
  withSpan("db transaction", { kind: "client" }, () => runTransaction(db, fn));

const runTransaction = async <T>(db: Db, fn: (ctx: TxContext) => Promise<T>): Promise<T> => {
  const committed: (() => void)[] = [];
  const rolledBack: (() => void)[] = [];
  let result: T;
  try {
    result = await db.transaction((tx) =>
      fn({
        tx,
        sql: clientOf(tx),
        afterCommit: (hook) => committed.push(hook),
        afterRollback: (hook) => rolledBack.push(hook),
      }),
    );
  } catch (e) {
    for (const hook of rolledBack) hook();
    throw e;
  }
  for (const hook of committed) hook();
  return result;
};
