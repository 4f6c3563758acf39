import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stringify } from "smol-toml";
import { generateInstanceKey, newId, XinError, type Logger } from "../runtime";
import { envFilePath } from "../runtime/config";
import { assertReachable, schema, serviceIds, Store, transaction, type ServiceIds } from "../runtime/db";
import { acquireInstanceLock } from "../runtime/instance-lock";
import { createBrand, createTenant, issueToken, listBrands, listTenants } from "../tenancy";
import { seedDemoKnowledge } from "./demo";
import { createKnowledgeBackend } from "./knowledge";

export type InitOptions = {
  dataDir: string;
  configPath?: string;
  tenant: string;
  brand: string;
  port: number;
  publicUrl?: string;
  databaseUrl?: string;
  force: boolean;
  /** Seed the first brand with the embedded demo knowledge (`npm start`). */
  demo?: boolean;
  log: Logger;
};

export type InitResult = {
  data_dir: string;
  config: string;
  env_file: string;
  store: "embedded" | "external";
  tenant: { id: string; name: string };
  brand: { id: string; name: string };
  admin_token: string;
  service_user: string | null;
  /** Passages of demo knowledge written (0 without `demo`). */
  demo_chunks: number;
};

const writeAside = (path: string, text: string, mode: number) => {
  writeFileSync(`${path}.tmp`, text, { mode });
  chmodSync(`${path}.tmp`, mode);
  return () => renameSync(`${path}.tmp`, path);
};

const checkWritable = (dir: string) => {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (cause) {
    throw new XinError(
      "init.data_dir_unwritable",
      `cannot write to the data dir ${dir} (${(cause as NodeJS.ErrnoException).code ?? "error"})`,
      {
        hint: "choose another folder with --data-dir, or fix its permissions",
        cause,
      },
    );
  }
};

/**
 * Creates an instance: data dir, config, secrets file (0600), store with migrations, first tenant,
 * brand and admin token. Refuses an existing instance unless `force`. Files are written aside and
 * renamed only after the store work committed, so a failure leaves no half-made instance.
 */
export const initInstance = async (o: InitOptions): Promise<InitResult> => {
  const dataDir = resolve(o.dataDir);
  const configPath = resolve(o.configPath ?? join(dataDir, "xin.toml"));
  const envFile = envFilePath(dataDir);
  if (!o.force && (existsSync(configPath) || existsSync(envFile))) {
    throw new XinError("init.exists", `an instance already exists (${existsSync(configPath) ? configPath : envFile})`, {
      hint: "run `xin serve` to use it, or `xin init --force` to write a new config, key and admin token (stored data is kept)",
    });
  }
  const embedded = !o.databaseUrl;
  const ids = embedded ? serviceIds({ create: true }) : null;
  const createdDataDir = !existsSync(dataDir);
  try {
    checkWritable(dataDir);
    if (embedded) assertReachable(dataDir, ids);
    mkdirSync(dirname(configPath), { recursive: true });
    return await createInstance(o, dataDir, configPath, envFile, ids);
  } catch (e) {
    // Nothing half-made: a data dir this run created goes away with the failure.
    if (createdDataDir && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
};

const createInstance = async (
  o: InitOptions,
  dataDir: string,
  configPath: string,
  envFile: string,
  ids: ServiceIds,
): Promise<InitResult> => {
  const embedded = !o.databaseUrl;

  const instanceKey = generateInstanceKey();
  const store = new Store({ dataDir, url: o.databaseUrl, poolMax: 2, log: o.log });
  const release = embedded ? acquireInstanceLock(dataDir, "init") : () => {};
  try {
    await store.open({ migrate: true });
    const result = await transaction(store.db, async ({ tx }) => {
      await tx
        .insert(schema.instanceMeta)
        .values({ key: "instance_id", value: newId("ins") })
        .onConflictDoNothing();
      const tenant =
        (await listTenants(tx)).find((t) => t.name === o.tenant) ?? (await createTenant(tx, o.tenant, "cli:init"));
      const brand =
        (await listBrands(tx, tenant.id)).find((b) => b.name === o.brand) ??
        (await createBrand(tx, tenant.id, o.brand, "cli:init"));
      const { token } = await issueToken(
        tx,
        instanceKey,
        { role: "admin", tenant_id: null, name: "first admin (xin init)" },
        "cli:init",
      );
      return { tenant, brand, token };
    });
    const demoChunks = o.demo
      ? await seedDemoKnowledge(
          createKnowledgeBackend(() => store.db),
          { tenant_id: result.tenant.id, brand_id: result.brand.id },
        )
      : 0;
    const config: Record<string, unknown> = {
      instance_name: "xin",
      data_dir: dataDir,
      server: { port: o.port, ...(o.publicUrl ? { public_url: o.publicUrl } : {}) },
    };
    const toml = `# xin configuration: every key is listed in the README (Configuration). Secrets live in ${envFile}.\n${stringify(config)}\n`;
    const env = [
      "# Secrets of this xin instance. Keep this file private (mode 0600).",
      `XIN_INSTANCE_KEY=${instanceKey}`,
      `XIN_ADMIN_TOKEN=${result.token}`,
      ...(o.databaseUrl ? [`XIN_DATABASE__URL=${o.databaseUrl}`] : []),
      "",
    ].join("\n");
    const commits = [writeAside(configPath, toml, 0o640), writeAside(envFile, env, 0o600)];
    commits.forEach((c) => c());
    if (ids) chownTree(dataDir, ids.uid, ids.gid);
    return {
      data_dir: dataDir,
      config: configPath,
      env_file: envFile,
      store: embedded ? "embedded" : "external",
      tenant: { id: result.tenant.id, name: result.tenant.name },
      brand: { id: result.brand.id, name: result.brand.name },
      admin_token: result.token,
      service_user: ids?.name ?? null,
      demo_chunks: demoChunks,
    };
  } finally {
    await store.close();
    release();
    for (const f of [`${configPath}.tmp`, `${envFile}.tmp`]) rmSync(f, { force: true });
  }
};

/** Gives the service user the data dir and its top-level files (pg/ is its own already; runtime/ stays as unpacked). */
const chownTree = (dir: string, uid: number, gid: number) => {
  chownSync(dir, uid, gid);
  for (const name of readdirSync(dir)) if (name !== "runtime") chownSync(join(dir, name), uid, gid);
};
