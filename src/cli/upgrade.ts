import type { Command } from "commander";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { rollBackStore, XIN_VERSION } from "../app";
import { migrations } from "../runtime/db";
import { usageError, XinError } from "../runtime";
import { loadConfig, parseEnvFile, resolveConfigPath, type Config } from "../runtime/config";
import { lockHolder } from "../runtime/instance-lock";
import { localBaseUrl } from "./client";
import { cliLogger } from "./context";
import { EXIT } from "./output";
import { defaultPaths } from "./systemd/unit";
import { probeBinary, type ProbedBinary } from "./upgrade/probe";
import {
  describeRunner,
  detectRunner,
  restartUnit,
  serveLogPath,
  startProcess,
  startUnit,
  stopProcess,
  stopUnit,
  systemdMainPid,
  systemdRuns,
  waitReady,
  type Runner,
  type Started,
} from "./upgrade/runner";
import { backupBeforeUpgrade, pruneUpgradeBackups, tail, UPGRADE_BACKUPS_KEPT } from "./upgrade/steps";
import { previousPath, restorePrevious, swapBinary } from "./upgrade/swap";

type Flags = { config?: string; binary?: string; timeout: string };
type Env = Record<string, string | undefined>;

/** A compiled xin runs from Bun's embedded file system; `bun src/cli/main.ts` runs as bun itself. */
const runningBinary = (): string | null => (Bun.main.startsWith("/$bunfs/") ? process.execPath : null);

const say = (line: string) => process.stdout.write(`${line}\n`);
const STEPS = 5;
const step = (n: number, line: string) => say(`[${n}/${STEPS}] ${line}`);

/** A systemd install keeps its secrets (admin token, instance key) in the unit's env file: read them as the service does. */
const instanceEnv = (target: string): Env => {
  const envFile = defaultPaths().envFile;
  return systemdRuns(target) && existsSync(envFile)
    ? { ...parseEnvFile(readFileSync(envFile, "utf8")), ...process.env }
    : process.env;
};

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** What a start left to read: the new serve's own log lines, or where to find them. */
type Attempt = { why: string; output: string };

/** Restarts on the swapped binary and waits for /readyz; returns null when the new one serves, else why not. */
const restart = async (
  runner: Runner,
  target: string,
  config: Config,
  configPath: string,
  env: Env,
  timeoutMs: number,
  onStarted: (s: Started) => void,
): Promise<Attempt | null> => {
  const base = localBaseUrl(config.server.host, config.server.port);
  const started = Date.now();
  const ready = (line: string) =>
    step(5, `${line}: /readyz answered 200 after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (runner.kind === "systemd") {
    const before = systemdMainPid(runner.unit);
    restartUnit(runner.unit);
    step(4, `systemctl restart ${runner.unit}`);
    const why = await waitReady(base, timeoutMs);
    if (why) return { why, output: `see: journalctl -u ${runner.unit} -n 50` };
    const pid = systemdMainPid(runner.unit);
    if (!pid || pid === before)
      return {
        why: `the unit's main process did not change (pid ${before})`,
        output: `see: journalctl -u ${runner.unit} -n 50`,
      };
    ready(`${runner.unit}.service runs the new binary (pid ${pid})`);
    return null;
  }
  if (runner.kind === "process") {
    await stopProcess(runner.pid);
    const log = serveLogPath(config.data_dir);
    const offset = existsSync(log) ? statSync(log).size : 0;
    const child = startProcess(target, runner, log);
    onStarted(child);
    step(
      4,
      `stopped pid ${runner.pid}; started ${target} ${runner.args.join(" ")} (pid ${child.pid}), output in ${log}`,
    );
    const output = () => (existsSync(log) ? tail(readFileSync(log, "utf8").slice(offset)) : "");
    const why = await waitReady(base, timeoutMs, child.exited);
    if (why) return { why, output: output() };
    const holder = lockHolder(config.data_dir);
    if (holder?.pid !== child.pid)
      return {
        why: `/readyz answered, but the data dir is held by pid ${holder?.pid ?? "none"}, not the new serve`,
        output: output(),
      };
    ready(`the new xin serve runs (pid ${child.pid})`);
    return null;
  }
  step(4, "no xin serve runs on this data dir: trying the new binary with `xin migrate` (it applies its migrations)");
  const r = spawnSync(target, ["migrate", "--config", configPath], { encoding: "utf8", env, timeout: timeoutMs });
  if (r.error || r.status !== 0)
    return {
      why: `\`xin migrate\` ${r.error ? r.error.message : `exited with code ${r.status}`}`,
      output: tail(r.stderr || r.stdout),
    };
  step(5, `${r.stdout.trim()}; start it: ${target} serve --config ${configPath}`);
  return null;
};

/** Back to the old binary and the backup: stop the new one, swap back, restore the store, start the old one. */
const rollBack = async (
  runner: Runner,
  target: string,
  config: Config,
  backup: string,
  timeoutMs: number,
  child: Started | null,
  old: ProbedBinary,
): Promise<string[]> => {
  const done: string[] = [];
  if (runner.kind === "systemd") {
    stopUnit(runner.unit);
    done.push(`stopped ${runner.unit}.service`);
  } else if (child && !child.exited()) {
    await stopProcess(child.pid, 30_000);
    done.push(`stopped the new xin serve (pid ${child.pid})`);
  }
  if (!restorePrevious(target)) throw new Error(`${previousPath(target)} is missing`);
  done.push(`${target} is xin ${old.version} again`);
  const rolled = await rollBackStore(backup, config.data_dir, cliLogger());
  done.push(
    `store and blobs restored from the backup of ${rolled.manifest.created_at}; the ones the new binary left are kept in ${rolled.replaced}`,
  );
  const base = localBaseUrl(config.server.host, config.server.port);
  if (runner.kind === "systemd") {
    startUnit(runner.unit);
    const why = await waitReady(base, timeoutMs);
    if (why) throw new Error(`the old binary did not come back: ${why}`);
    done.push(`${runner.unit}.service serves again on xin ${old.version}`);
  } else if (runner.kind === "process") {
    const again = startProcess(target, runner, serveLogPath(config.data_dir));
    const why = await waitReady(base, timeoutMs, again.exited);
    if (why) throw new Error(`the old binary did not come back: ${why}`);
    done.push(`xin serve runs again on xin ${old.version} (pid ${again.pid})`);
  }
  return done;
};

export const runUpgrade = async (newBinary: string, flags: Flags): Promise<void> => {
  const target = resolve(flags.binary ?? runningBinary() ?? "");
  if (!flags.binary && !runningBinary())
    throw usageError(
      "xin upgrade replaces the running xin executable, but this is `bun` running the sources",
      "run it from the installed binary, or pass --binary FILE",
    );
  const source = resolve(newBinary);
  if (source === target)
    throw usageError(`${source} is the installed binary itself`, "pass the path of the new build, e.g. ./xin-new");
  const timeoutMs = Number(flags.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw usageError(`--timeout ${flags.timeout} is not a number of seconds`);
  const env = instanceEnv(target);
  const configPath = resolveConfigPath(flags.config, env as NodeJS.ProcessEnv);
  const config = loadConfig({ path: configPath, env });

  // 1. Both binaries run and read this config; the new one is not older than the installed one.
  // This executable answers for itself (it may be the first release with `xin version`); another is asked.
  const old: ProbedBinary =
    target === runningBinary()
      ? {
          path: target,
          version: XIN_VERSION,
          migrations: migrations.map((m) => m.tag),
          latest_migration: migrations.at(-1)?.tag ?? null,
        }
      : probeBinary(target, configPath, env);
  const next = probeBinary(source, configPath, env);
  const missing = old.migrations.filter((m) => !next.migrations.includes(m));
  if (missing.length) {
    throw new XinError(
      "upgrade.older_binary",
      `${source} (xin ${next.version}) lacks the migration(s) ${missing.join(", ")} that the installed xin ${old.version} carries: it is older; nothing was changed`,
      {
        hint: "to go back to an older xin, restore the backup `xin upgrade` took before the newer one (in <data_dir>/backups/upgrade/) with the older binary",
      },
    );
  }
  const runner = detectRunner(config.data_dir, target);
  step(
    1,
    `new binary ${source}: xin ${next.version} (migrations up to ${next.latest_migration ?? "none"}), reads ${configPath}; replacing xin ${old.version} at ${target}, run by ${describeRunner(runner)}`,
  );

  // 2. A backup before anything changes.
  const backup = await backupBeforeUpgrade(config, old.version);
  step(2, `backup: ${backup.path} (${mib(backup.bytes)})`);

  // 3. The swap: atomic, the old binary kept beside it.
  const { previous } = swapBinary(target, source);
  step(3, `${target} is now xin ${next.version}; the old one is kept as ${previous}`);

  // 4–5. Restart and wait; on any failure, back to the old binary and the backup.
  let child: Started | null = null;
  let failure: Attempt | null;
  try {
    failure = await restart(runner, target, config, configPath, env, timeoutMs, (s) => (child = s));
  } catch (e) {
    failure = { why: (e as Error).message, output: "" };
  }
  if (!failure) {
    const pruned = pruneUpgradeBackups(config.data_dir);
    say(
      `upgraded to xin ${next.version}. To undo: stop xin, put ${previous} back at ${target} and restore ${backup.path} (the data as it was)`,
    );
    if (pruned.length)
      say(`(older upgrade backups removed, the newest ${UPGRADE_BACKUPS_KEPT} kept: ${pruned.join(", ")})`);
    return;
  }
  say(`the new binary failed: ${failure.why}${failure.output ? `\n  its output:\n${failure.output}` : ""}`);
  say("rolling back to the old binary and the backup");
  try {
    for (const line of await rollBack(runner, target, config, backup.path, timeoutMs, child, old)) say(`  ${line}`);
  } catch (e) {
    throw new XinError(
      "upgrade.rollback_failed",
      `the upgrade to xin ${next.version} failed (${failure.why}) and so did the rollback: ${(e as Error).message}`,
      {
        exitCode: 3,
        hint: `by hand: stop xin; cp ${previous} ${target}; restore ${backup.path} into an empty folder (\`${previous} restore ${backup.path} --data-dir NEW\`) and serve from it`,
      },
    );
  }
  throw new XinError(
    "upgrade.rolled_back",
    `the upgrade to xin ${next.version} failed (${failure.why}); rolled back to xin ${old.version} and the backup`,
    {
      exitCode: EXIT.error,
      hint: "fix what the new binary's output says (or report it), then run xin upgrade again",
    },
  );
};

export const upgradeCommand = (program: Command) =>
  program
    .command("upgrade")
    .description(
      "replace this xin with a new binary: check it, back up, swap atomically, restart (systemd or xin serve), wait for /readyz; roll back binary and data if it fails",
    )
    .argument("<new_binary>", "the new xin executable")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--binary <file>", "the installed xin to replace (default: this executable)")
    .option("--timeout <seconds>", "how long the new binary has to answer /readyz", "60")
    .action(async (newBinary: string, flags: Flags) => runUpgrade(newBinary, flags));
