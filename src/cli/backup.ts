import type { Command } from "commander";
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { resolve } from "node:path";
import {
  createBackupArchive,
  lastBackup,
  listScheduledBackups,
  readManifest,
  restoreInstance,
  type BackupManifest,
} from "../app";
import { XinError } from "../runtime";
import type { Config } from "../runtime/config";
import { localBaseUrl } from "./client";
import { cliLogger, configFrom } from "./context";
import { report, table } from "./output";
import { viaServerOrStore } from "./with-store";

export const moveFile = (from: string, to: string) => {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    copyFileSync(from, to);
    rmSync(from);
  }
};

/** Downloads the running server's archive to `dest`, kept only when every announced byte arrived. */
export const downloadBackup = async (config: Config, dest: string, includeSecrets: boolean): Promise<void> => {
  const url = `${localBaseUrl(config.server.host, config.server.port)}/api/v1/backup${includeSecrets ? "?include_secrets=true" : ""}`;
  const res = await fetch(url, {
    method: "POST",
    headers: config.admin_token ? { authorization: `Bearer ${config.admin_token}` } : {},
  });
  if (!res.ok || !res.body) {
    const err = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new XinError(
      err?.error?.code ?? "backup.failed",
      err?.error?.message ?? `the server answered ${res.status}`,
      { hint: res.status === 401 ? "check XIN_ADMIN_TOKEN in the instance's xin.env" : undefined },
    );
  }
  const tmp = `${dest}.part`;
  try {
    const writer = Bun.file(tmp).writer({ highWaterMark: 1 << 20 });
    for await (const chunk of res.body) writer.write(chunk);
    await writer.end();
    const expected = Number(res.headers.get("x-xin-backup-bytes"));
    if (statSync(tmp).size !== expected)
      throw new XinError("backup.incomplete", `the download stopped after ${statSync(tmp).size} of ${expected} bytes`, {
        hint: "run `xin backup` again",
      });
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
};

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const backupCommand = (program: Command) => {
  const backup = program
    .command("backup")
    .description(
      "write one consistent archive of the instance (store, blobs, config; secrets only when asked), while it serves",
    )
    .argument("[file]", "archive to write (default: ./xin-backup-<time>.tar.gz)")
    .option("--include-secrets", "also pack xin.env (instance key, admin token): keep the archive as safe as the key")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action(async (file: string | undefined, opts: { includeSecrets?: boolean; config?: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      const dest = resolve(file ?? `xin-backup-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
      if (existsSync(dest))
        throw new XinError("backup.exists", `${dest} already exists`, {
          hint: "choose another file name; xin never overwrites a backup",
        });
      const includeSecrets = opts.includeSecrets ?? false;
      await viaServerOrStore(config, cliLogger(), {
        api: () => downloadBackup(config, dest, includeSecrets),
        store: async (store) =>
          moveFile((await createBackupArchive(store, config.data_dir, { includeSecrets })).path, dest),
      });
      const manifest = readManifest(dest);
      report({ file: dest, bytes: statSync(dest).size, manifest }, opts, (r) =>
        [
          `backup written: ${r.file} (${mib(r.bytes)}; store ${mib(r.manifest.store_bytes)} + ${r.manifest.wal_files} WAL file(s), blobs${r.manifest.includes_config ? ", config" : ""}${r.manifest.includes_secrets ? ", secrets" : ""})`,
          r.manifest.includes_secrets
            ? "it holds the instance key: store it as safely as the key itself"
            : "secrets not included: keep the instance's xin.env (XIN_INSTANCE_KEY) safe, a restore needs it",
        ].join("\n"),
      );
    });
  backup
    .command("list")
    .description("the scheduled backups in <data_dir>/backups/scheduled (backup.schedule, backup.keep), newest first")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action((_opts: unknown, cmd: Command) => {
      // `backup` itself takes --config and --json too: commander hands them to whichever command it meets first.
      const opts = cmd.optsWithGlobals<{ config?: string; json?: boolean }>();
      const config = configFrom(opts.config);
      const list = listScheduledBackups(config.data_dir);
      const last = lastBackup(config.data_dir);
      report(
        { schedule: config.backup.schedule || null, keep: config.backup.keep, last_backup: last, backups: list },
        opts,
        (r) =>
          [
            r.schedule
              ? `scheduled: ${r.schedule} (server time), the newest ${r.keep} kept`
              : 'no scheduled backups (set backup.schedule, e.g. "23 2 * * *")',
            `last backup: ${r.last_backup ? `${r.last_backup.created_at} (${mib(r.last_backup.bytes)})` : "none yet"}`,
            ...(r.backups.length
              ? ["", table(r.backups.map((b) => [b.created_at, `${mib(b.bytes)}  ${b.file}`]))]
              : []),
          ].join("\n"),
      );
    });
  return backup;
};

const restoredText = (r: {
  data_dir: string;
  config: string | null;
  manifest: BackupManifest;
  needs_secrets: boolean;
}) =>
  [
    `restored the backup of ${r.manifest.created_at} (xin ${r.manifest.xin_version}) into ${r.data_dir}; the store opened and replayed to that moment`,
    ...(r.needs_secrets
      ? [
          `the archive holds no secrets: copy the old instance's xin.env into ${r.data_dir}/xin.env (chmod 600) before serving`,
        ]
      : []),
    `next: xin serve --config ${r.config ?? `${r.data_dir}/xin.toml`}`,
  ].join("\n");

export const restoreCommand = (program: Command) =>
  program
    .command("restore")
    .description("restore a `xin backup` archive into a new, empty data dir")
    .argument("<file>", "the archive")
    .requiredOption("--data-dir <dir>", "the new data dir (missing or empty)")
    .option("--json", "print one JSON document")
    .action(async (file: string, opts: { dataDir: string; json?: boolean }) => {
      report(await restoreInstance(resolve(file), opts.dataDir, cliLogger()), opts, restoredText);
    });
