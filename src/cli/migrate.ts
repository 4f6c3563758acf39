import type { Command } from "commander";
import type { InstanceStatus } from "../app";
import type { MigrationStatus } from "../runtime/db";
import { cliLogger, configFrom } from "./context";
import { report } from "./output";
import { viaServerOrStore } from "./with-store";

type MigrateResult = { applied_now: string[]; status: MigrationStatus; via: "server" | "store" };

export const migrateCommand = (program: Command) =>
  program
    .command("migrate")
    .description("apply pending database migrations (xin serve also applies them at start)")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action(async (opts: { config?: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      const result = await viaServerOrStore<MigrateResult>(config, cliLogger(), {
        // A running server applied every migration it knows at its start.
        api: async (client) => ({
          applied_now: [],
          status: (await client.get<InstanceStatus>("/api/v1/status")).store.migrations,
          via: "server",
        }),
        store: async (store) => {
          const applied = await store.migrate();
          return { applied_now: applied, status: await store.migrationStatus(), via: "store" };
        },
      });
      report(result, opts, (r) =>
        r.applied_now.length
          ? `applied ${r.applied_now.length} migration(s): ${r.applied_now.join(", ")}; now at ${r.status.latest}`
          : `up to date: ${r.status.applied} migration(s) applied, latest ${r.status.latest}${r.via === "server" ? " (checked through the running server)" : ""}`,
      );
    });
