// Test databases on both stores: the embedded PostgreSQL 18, started exactly the way the binary
// starts it, and an external Debian PostgreSQL 15. Each server starts once per `bun test` process;
// every test file gets fresh databases cloned from a migrated template (CREATE DATABASE … TEMPLATE).
import { afterAll, beforeAll, describe } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres, { type Sql } from "postgres";
import {
  EmbeddedPostgres,
  migrate,
  migrations,
  openClient,
  serviceIds,
  type StoreClient,
  type StoreTarget,
} from "../../src/runtime/db";
import { silentLogger } from "../../src/runtime";
import { startExternalPostgres } from "./external-postgres";

export type StoreKindName = "embedded" | "external";
export const STORE_KINDS: StoreKindName[] = ["embedded", "external"];

type Server = { admin: () => Sql; target: (database: string) => StoreTarget; stop(): Promise<void> };

const servers = new Map<StoreKindName, Promise<Server>>();
let counter = 0;

const startEmbedded = async (): Promise<Server> => {
  const dir = mkdtempSync(join(tmpdir(), "xin-embedded-"));
  chmodSync(dir, 0o755);
  serviceIds({ create: true });
  const pg = new EmbeddedPostgres(dir, silentLogger);
  await pg.start();
  process.on("exit", () => pg.pid && process.kill(pg.pid, "SIGINT"));
  const target = (database: string): StoreTarget => ({ socketDir: pg.layout.sockDir, user: pg.user, database });
  return {
    target,
    admin: () =>
      postgres({
        host: pg.layout.sockDir,
        port: 5432,
        username: pg.user,
        database: "postgres",
        max: 1,
        onnotice: () => {},
      }),
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const startExternal = async (): Promise<Server> => {
  const ext = await startExternalPostgres();
  const target = (database: string): StoreTarget => ({ url: ext.url.replace(/\/postgres$/, `/${database}`) });
  return { target, admin: () => postgres(ext.url, { max: 1, onnotice: () => {} }), stop: ext.stop };
};

/** Stops the run's shared servers (the preload calls it after the last test file; bun test fires no exit handlers). */
export const stopTestServers = async (): Promise<void> => {
  const running = [...servers.values()];
  servers.clear();
  for (const s of running) await (await s.catch(() => null))?.stop().catch(() => {});
};

const TEMPLATE = "xin_template";

const server = (kind: StoreKindName): Promise<Server> => {
  let s = servers.get(kind);
  if (!s) {
    s = (async () => {
      const srv = kind === "embedded" ? await startEmbedded() : await startExternal();
      const admin = srv.admin();
      await admin.unsafe(`create database ${TEMPLATE}`);
      await admin.end();
      const client = openClient(srv.target(TEMPLATE), { max: 1 });
      await migrate(client.sql, migrations);
      await client.close();
      return srv;
    })();
    servers.set(kind, s);
  }
  return s;
};

export type TestDb = StoreClient & { kind: StoreKindName; target: StoreTarget; database: string };

/** A fresh, migrated database on the given store. Closed (and dropped) with `dispose`. */
export const createTestDb = async (
  kind: StoreKindName,
  options: { max?: number } = {},
): Promise<TestDb & { dispose(): Promise<void> }> => {
  const srv = await server(kind);
  const database = `xin_t${process.pid}_${++counter}`;
  const admin = srv.admin();
  await admin.unsafe(`create database ${database} template ${TEMPLATE}`);
  await admin.end();
  const target = srv.target(database);
  const client = openClient(target, { max: options.max ?? 10 });
  return {
    ...client,
    kind,
    target,
    database,
    dispose: async () => {
      await client.close();
      const a = srv.admin();
      await a.unsafe(`drop database if exists ${database} with (force)`).catch(() => {});
      await a.end();
    },
  };
};

/**
 * Declares `suite` once per store kind: `describe("<name> [embedded]")` and `[external]`, each with a
 * fresh database from `getDb()`. Write store-dependent suites once, run them on both.
 */
export const describeStores = (name: string, suite: (getDb: () => TestDb) => void) => {
  for (const kind of STORE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let db: (TestDb & { dispose(): Promise<void> }) | null = null;
      // The first suite of a run starts the server (initdb and all): far beyond the 5 s hook default when loaded.
      beforeAll(async () => {
        db = await createTestDb(kind);
      }, 120_000);
      afterAll(async () => {
        await db?.dispose();
      }, 60_000);
      suite(() => {
        if (!db) throw new Error("test database not ready");
        return db;
      });
    });
  }
};
