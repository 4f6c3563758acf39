// An in-process gateway over a test database, with a channel per provider built from the fixtures'
// conventions (README of shared/fixtures/channels): requests go through the real fetch handler.
import { createKnowledgeBackend, knowledgeApi } from "../../src/app/knowledge";
import { createGatewayHandler, type GatewayDeps } from "../../src/gateway";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobStore, silentLogger } from "../../src/runtime";
import { EgressGuard } from "../../src/runtime/net";
import { transaction, type Db } from "../../src/runtime/db";
import { createMetrics } from "../../src/runtime/metrics";
import { Wake } from "../../src/runtime/queue";
import { createBrand, createChannel, createTenant, type ChannelRow } from "../../src/tenancy";
import type { TestDb } from "./db";

export const INSTANCE_KEY = "gateway-test-instance-key-0123456789abcdef";
export const WA = {
  phone_number_id: "106540352242922",
  access_token: "wa-token",
  app_secret: "wa-app-secret",
  verify_token: "wa-verify",
};
export const IG = {
  ig_user_id: "17841405555555555",
  access_token: "ig-token",
  app_secret: "ig-app-secret",
  verify_token: "ig-verify",
};
export const TG = {
  bot_token: "7000000001:AAFakeTokenForTestsOnly",
  mode: "webhook",
  secret_token: "tg-secret_1",
  bot_username: "xin_demo_bot",
};

export type GatewayFixture = {
  db: TestDb;
  tenantId: string;
  brandId: string;
  channels: Record<"whatsapp" | "instagram" | "telegram", ChannelRow>;
  fetch: (req: Request) => Promise<Response>;
};

// One blob folder for every handler of the process (tests build many handlers, each needs a store).
let blobs: BlobStore | null = null;
const testBlobs = () => (blobs ??= new BlobStore(mkdtempSync(join(tmpdir(), "xin-blobs-"))));

export const gatewayHandler = (db: TestDb, bodyLimitBytes = 1 << 20, overrides: Partial<GatewayDeps> = {}) =>
  gatewayApp(db, bodyLimitBytes, overrides).fetch;

/** The whole handler: router (to enumerate routes), widget hub and fetch. */
export const gatewayApp = (db: TestDb, bodyLimitBytes = 1 << 20, overrides: Partial<GatewayDeps> = {}) =>
  createGatewayHandler(gatewayDeps(db, bodyLimitBytes, overrides));

/** The gateway's dependencies over a test database (for `gatewayService`, which also listens). */
export const gatewayDeps = (
  db: TestDb,
  bodyLimitBytes = 1 << 20,
  overrides: Partial<GatewayDeps> = {},
): GatewayDeps => ({
  db: () => db.db,
  sql: () => db.sql,
  wake: new Wake(),
  maxAttempts: 3,
  instanceKey: INSTANCE_KEY,
  host: "127.0.0.1",
  port: 0,
  bodyLimitBytes,
  log: silentLogger,
  metrics: createMetrics(),
  readiness: async () => ({ ready: true }),
  status: async () => ({}),
  knowledge: knowledgeApi(
    () => db.db,
    createKnowledgeBackend(() => db.db),
  ),
  blobs: testBlobs(),
  // The product's default: only public addresses.
  egress: new EgressGuard(),
  uploadLimitBytes: 8 << 20,
  beforeScrape: async () => {},
  ...overrides,
});

type Provider = "whatsapp" | "instagram" | "telegram";

/** A tenant and brand with one channel of each provider, each pointed at its fake API when given. */
export const setupGateway = async (
  db: TestDb,
  apiBases: Partial<Record<Provider, string>> = {},
): Promise<GatewayFixture> => {
  const made = await transaction(db.db as Db, async ({ tx }) => {
    const tenant = await createTenant(tx, `t-${crypto.randomUUID()}`, "test");
    const brand = await createBrand(tx, tenant.id, "Shop", "test");
    const make = (provider: Provider, credentials: Record<string, unknown>) => {
      const base = apiBases[provider];
      return createChannel(
        tx,
        INSTANCE_KEY,
        { tenant_id: tenant.id, brand_id: brand.id, provider, credentials, settings: base ? { api_base: base } : {} },
        "test",
      );
    };
    return {
      tenantId: tenant.id,
      brandId: brand.id,
      channels: {
        whatsapp: await make("whatsapp", WA),
        instagram: await make("instagram", IG),
        telegram: await make("telegram", TG),
      },
    };
  });
  return { ...made, db, fetch: gatewayHandler(db) };
};
