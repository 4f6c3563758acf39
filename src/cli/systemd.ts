import type { Command } from "commander";
import { existsSync } from "node:fs";
import { XinError, usageError } from "../runtime";
import { executePlan } from "./systemd/execute";
import { readFacts } from "./systemd/facts";
import { describeStep, installPlan, uninstallPlan, type Step } from "./systemd/plan";
import { defaultPaths, renderUnit } from "./systemd/unit";

type Flags = { user: string; binary?: string; dryRun?: boolean; purge?: boolean };

/** A compiled xin runs from Bun's embedded file system; `bun src/cli/main.ts` runs as bun itself. */
const runningBinary = (): string | null => (Bun.main.startsWith("/$bunfs/") ? process.execPath : null);

const binaryOf = (flags: Flags): string => {
  const binary = flags.binary ?? runningBinary();
  if (!binary)
    throw usageError(
      "xin systemd install copies the running xin executable, but this is `bun` running the sources",
      "run it from the compiled binary (dist/xin), or pass --binary FILE",
    );
  if (!existsSync(binary)) throw usageError(`no executable at ${binary}`);
  return binary;
};

/** A real run changes the system: it needs root and a systemd that runs (not a container's shell). */
const assertCanApply = () => {
  if (process.getuid?.() !== 0)
    throw new XinError("systemd.not_root", "installing a system service needs root", {
      hint: "run it with sudo, or preview it with --dry-run",
    });
  if (!existsSync("/run/systemd/system")) {
    throw new XinError("systemd.not_running", "systemd is not running on this machine (no /run/systemd/system)", {
      hint: "preview with --dry-run; without systemd, run `xin serve --config FILE` under your own supervisor",
    });
  }
};

const apply = async (title: string, steps: Step[], flags: Flags) => {
  if (flags.dryRun) {
    const lines = steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${describeStep(s)}`);
    process.stdout.write(
      `dry run: ${title} would take these ${steps.length} steps (nothing was changed):\n${lines.join("\n")}\n`,
    );
    return;
  }
  assertCanApply();
  await executePlan(steps, (line, i) => process.stdout.write(`[${i + 1}/${steps.length}] ${line}\n`));
};

export const systemdCommand = (program: Command) => {
  const systemd = program
    .command("systemd")
    .description("run xin as a hardened systemd service (install, uninstall, print the unit)");
  systemd
    .command("unit")
    .description("print the rendered unit file")
    .option("--user <name>", "system user the service runs as", "xin")
    .action((flags: Flags) => {
      process.stdout.write(renderUnit(defaultPaths(flags.user)));
    });
  systemd
    .command("install")
    .description(
      "create the user and folders, place the binary in /usr/local/bin, create the instance, install, enable and start the unit, wait for /readyz",
    )
    .option("--user <name>", "system user the service runs as", "xin")
    .option("--binary <file>", "the xin executable to install (default: this one)")
    .option("--dry-run", "print every step and change nothing")
    .action(async (flags: Flags) => {
      const paths = defaultPaths(flags.user);
      renderUnit(paths);
      const steps = installPlan(paths, readFacts(paths, binaryOf(flags)));
      await apply("xin systemd install", steps, flags);
      if (!flags.dryRun)
        process.stdout.write(
          `xin runs as ${paths.unitFile} (user ${paths.user}); logs: journalctl -u xin -f; secrets: ${paths.envFile}\n`,
        );
    });
  systemd
    .command("uninstall")
    .description("stop and remove the service and the binary; --purge also deletes the data, secrets and user")
    .option("--user <name>", "system user the service runs as", "xin")
    .option("--purge", "also delete /var/lib/xin, the env file and the system user")
    .option("--dry-run", "print every step and change nothing")
    .action(async (flags: Flags) => {
      const paths = defaultPaths(flags.user);
      renderUnit(paths);
      const steps = uninstallPlan(paths, readFacts(paths, paths.binary), flags.purge ?? false);
      await apply(`xin systemd uninstall${flags.purge ? " --purge" : ""}`, steps, flags);
    });
  return systemd;
};
