import type { Command } from "commander";
import { XIN_VERSION } from "../app";
import { migrations } from "../runtime/db";
import { configFrom } from "./context";
import { report } from "./output";

export type VersionInfo = {
  version: string;
  migrations: string[];
  latest_migration: string | null;
  config: string | null;
};

/**
 * `xin version`: what this binary is and which migrations it carries. With `--config`, the config is
 * loaded too (an invalid one is the usual error): `xin upgrade` asks a new binary this before using it.
 */
export const versionCommand = (program: Command) =>
  program
    .command("version")
    .description(
      "this binary's version and the migrations it carries; with --config, also checks it can read that config",
    )
    .option("--config <file>", "also load and validate this config file")
    .option("--json", "print one JSON document")
    .action((opts: { config?: string; json?: boolean }) => {
      const config = opts.config ? (configFrom(opts.config), opts.config) : null;
      const info: VersionInfo = {
        version: XIN_VERSION,
        migrations: migrations.map((m) => m.tag),
        latest_migration: migrations.at(-1)?.tag ?? null,
        config,
      };
      report(
        info,
        opts,
        (i) =>
          `xin ${i.version} (migrations up to ${i.latest_migration ?? "none"})${i.config ? `; ${i.config} is valid` : ""}`,
      );
    });
