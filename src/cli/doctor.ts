import type { Command } from "commander";
import { loadConfig, resolveConfigPath, type Config } from "../runtime/config";
import { lockHolder } from "../runtime/instance-lock";
import { cliLogger } from "./context";
import { fail, ok, reason, skip, summarize, renderReport, warn, type Check } from "./doctor/check";
import { checkBackupAge } from "./doctor/backup-age";
import { checkCertificate } from "./doctor/certificate";
import { certStatus } from "../app";
import { checkDisk } from "./doctor/disk";
import { checkClock, checkEndpoint } from "./doctor/endpoints";
import { instanceChecks } from "./doctor/instance";
import { checkPort } from "./doctor/port";
import { EXIT, report } from "./output";
import { isXinError } from "../runtime";

const publicUrlCheck = (config: Config): Check => {
  const url = config.server.public_url;
  if (!url)
    return warn(
      "public url",
      "server.public_url is not set: WhatsApp, Instagram and Telegram webhooks cannot reach xin",
      'set server.public_url = "https://your.domain" in xin.toml',
    );
  if (!url.startsWith("https://"))
    return warn(
      "public url",
      `${url} is not https: Meta and Telegram deliver webhooks only over HTTPS`,
      "serve HTTPS (`xin certs issue`) or put xin behind a TLS proxy, then set an https:// URL",
    );
  return ok("public url", url);
};

/** Every check, in the order an operator fixes things: config first, then the machine, store, providers. */
export const runDoctor = async (configPath: string): Promise<Check[]> => {
  let config: Config;
  try {
    config = loadConfig({ path: configPath });
  } catch (e) {
    const hint = isXinError(e) && e.hint ? e.hint : "fix the config file";
    // Nothing else can be checked without a valid config: say so instead of guessing.
    return [fail("config", isXinError(e) ? e.message : reason(e), hint)];
  }
  const checks: Check[] = [ok("config", `${configPath} is valid`), publicUrlCheck(config)];
  checks.push(checkDisk(config.data_dir));
  const holder = lockHolder(config.data_dir);
  checks.push(
    await checkPort("port", config.server.host, config.server.port, holder?.command === "serve" ? holder.pid : null),
  );
  checks.push(...(await instanceChecks(config, cliLogger())));
  let date: { value: string | null; source: string } | null = null;
  for (const [key, name, endpoint] of [
    ["llm", "llm endpoint", config.llm],
    ["embeddings", "embeddings endpoint", config.embeddings],
  ] as const) {
    if (!endpoint) {
      checks.push(
        skip(
          name,
          key === "llm"
            ? "no LLM configured: answers come from the knowledge base alone"
            : "no embeddings endpoint: retrieval is lexical-only",
        ),
      );
      continue;
    }
    const r = await checkEndpoint(name, key, endpoint);
    checks.push(r.check);
    if (!date && r.date) date = { value: r.date, source: endpoint.base_url };
  }
  checks.push(
    date
      ? checkClock(date.value, date.source)
      : skip("clock", "no LLM or embeddings endpoint answered to compare the time with"),
  );
  checks.push(checkBackupAge(config.data_dir, config.database.url !== undefined));
  checks.push(checkCertificate(certStatus(config)));
  return checks;
};

export const doctorCommand = (program: Command) =>
  program
    .command("doctor")
    .description(
      "check config, store, disk, ports, clock, LLM/embeddings endpoints, channels (credentials, webhook registration), dead letters and backup age; exit 1 when any check fails",
    )
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action(async (opts: { config?: string; json?: boolean }) => {
      const result = summarize(await runDoctor(resolveConfigPath(opts.config)));
      report(result, opts, renderReport);
      if (!result.ok) process.exitCode = EXIT.error;
    });
