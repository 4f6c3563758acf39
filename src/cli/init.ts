import type { Command } from "commander";
import { createInterface } from "node:readline/promises";
import { join } from "node:path";
import { initInstance, type InitResult } from "../app";
import { usageError } from "../runtime";
import { defaultDataDir } from "../runtime/config";
import { cliLogger } from "./context";
import { report } from "./output";

type InitFlags = {
  yes?: boolean;
  dataDir?: string;
  config?: string;
  tenant?: string;
  brand?: string;
  port?: string;
  publicUrl?: string;
  databaseUrl?: string;
  force?: boolean;
  demo?: boolean;
  json?: boolean;
};

const parsePort = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw usageError(`--port must be a number from 1 to 65535, got "${value}"`);
  return n;
};

const checkUrl = (flag: string, value: string | undefined, protocols: string[]) => {
  if (value === undefined) return;
  let ok = false;
  try {
    ok = protocols.includes(new URL(value).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw usageError(`${flag} must be a ${protocols.join(" or ")} URL, got "${value}"`);
};

/** Asks for what the flags did not give, on a TTY; `--yes` (or no TTY) takes the defaults. */
const ask = async (flags: InitFlags): Promise<InitFlags> => {
  if (flags.yes || !process.stdin.isTTY) return flags;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Read through the line iterator, not rl.question: lines typed (or pasted) ahead are kept, not lost.
  const lines = rl[Symbol.asyncIterator]();
  const answer = async (prompt: string): Promise<string> => {
    process.stderr.write(prompt);
    const next = await lines.next();
    if (next.done)
      throw usageError(
        "input ended before every question was answered",
        "answer the questions, or pass --yes with flags",
      );
    return String(next.value).trim();
  };
  const q = async (label: string, current: string | undefined, fallback: string) =>
    current ?? ((await answer(`${label} [${fallback}]: `)) || fallback);
  try {
    const dataDir = await q("data folder", flags.dataDir, defaultDataDir());
    const tenant = await q("tenant (your company or client)", flags.tenant, "default");
    const brand = await q("first brand", flags.brand, "My Brand");
    const port = await q("HTTP port", flags.port, "8080");
    const publicUrl = flags.publicUrl ?? ((await answer("public https URL (blank if none yet): ")) || undefined);
    return { ...flags, dataDir, tenant, brand, port, publicUrl };
  } finally {
    rl.close();
  }
};

const nextSteps = (r: InitResult) =>
  [
    `xin instance created in ${r.data_dir} (${r.store} store${r.service_user ? `, PostgreSQL runs as user ${r.service_user}` : ""})`,
    `  tenant  ${r.tenant.name} (${r.tenant.id})`,
    `  brand   ${r.brand.name} (${r.brand.id})`,
    `  config  ${r.config}`,
    `  secrets ${r.env_file} (mode 0600: instance key and admin token)`,
    ...(r.demo_chunks
      ? [
          `  demo    sample knowledge of a demo shop (${r.demo_chunks} passages); try: xin ask "Is shipping free?" --brand "${r.brand.name}" --config ${r.config}`,
        ]
      : []),
    "",
    "Next:",
    `  xin serve --config ${r.config}`,
    `  xin status --config ${r.config}`,
  ].join("\n");

export const initCommand = (program: Command) =>
  program
    .command("init")
    .description("create an instance: config, secrets, data dir, store, first tenant, brand and admin token")
    .option("-y, --yes", "do not ask; take flags and defaults")
    .option("--data-dir <dir>", "data folder (default: /var/lib/xin as root, else ~/.local/share/xin)")
    .option("--config <file>", "config file to write (default: <data dir>/xin.toml)")
    .option("--tenant <name>", "first tenant", undefined)
    .option("--brand <name>", "first brand", undefined)
    .option("--port <n>", "HTTP port", undefined)
    .option("--public-url <url>", "public https URL providers reach this server at")
    .option("--database-url <url>", "an external PostgreSQL instead of the embedded store")
    .option("--force", "re-initialise an existing instance (new config, key and admin token; stored data is kept)")
    .option("--demo", "give the first brand the sample knowledge of a demo shop (answered with no LLM configured)")
    .option("--json", "print one JSON document")
    .action(async (raw: InitFlags) => {
      const flags = await ask(raw);
      checkUrl("--public-url", flags.publicUrl, ["https:", "http:"]);
      checkUrl("--database-url", flags.databaseUrl, ["postgres:", "postgresql:"]);
      const dataDir = flags.dataDir ?? defaultDataDir();
      const result = await initInstance({
        dataDir,
        configPath: flags.config ?? join(dataDir, "xin.toml"),
        tenant: flags.tenant ?? "default",
        brand: flags.brand ?? "My Brand",
        port: parsePort(flags.port ?? "8080"),
        publicUrl: flags.publicUrl,
        databaseUrl: flags.databaseUrl,
        force: flags.force ?? false,
        demo: flags.demo ?? false,
        log: cliLogger(),
      });
      report(result, flags, nextSteps);
    });
