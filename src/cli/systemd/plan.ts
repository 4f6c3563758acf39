import { dirname } from "node:path";
import { renderUnit, type UnitPaths } from "./unit";

/**
 * One change an install or uninstall makes. Steps are data so `--dry-run` prints exactly what a real
 * run executes, and a test can read the plan without touching the machine.
 */
export type Step =
  | { kind: "run"; argv: string[]; why: string }
  | { kind: "mkdir"; path: string; mode: number; owner: string | null }
  | { kind: "copy"; from: string; to: string; mode: number }
  | { kind: "write"; path: string; text: string; mode: number }
  | { kind: "remove"; path: string; recursive: boolean }
  | { kind: "rmdir-if-empty"; path: string }
  | { kind: "wait-ready"; url: string; timeoutMs: number };

/** What the machine already has: an install changes only what is missing, and never an operator's secrets. */
export type Facts = {
  /** The running executable (the file copied to `paths.binary`). */
  sourceBinary: string;
  userExists: boolean;
  envFileExists: boolean;
  configExists: boolean;
  unitExists: boolean;
  /** HTTP port of the existing config, or null when install creates the instance (on port 80). */
  configuredPort: number | null;
};

export const SERVICE = "xin.service";
/** The port a fresh VPS install listens on: 80 answers ACME HTTP-01 and redirects to HTTPS. */
export const VPS_PORT = 80;

const ENV_TEMPLATE = `# Environment of the xin service, read by systemd (as root) when it starts xin.
# Put secrets here, one KEY=VALUE a line, never in xin.toml; keep this file mode 0600. Examples:
#   XIN_LLM__BASE_URL=https://api.openai.com/v1
#   XIN_LLM__API_KEY=sk-...
#   XIN_EMBEDDINGS__API_KEY=sk-...
# Every key is listed in the README (Configuration): XIN_ + the key path, levels joined by __.
`;

/** Steps of `xin systemd install`: user, folders, binary, env file, instance, unit, start, readiness. */
export const installPlan = (paths: UnitPaths, facts: Facts): Step[] => {
  const steps: Step[] = [];
  if (!facts.userExists) {
    steps.push({
      kind: "run",
      why: `create the system user ${paths.user}`,
      argv: [
        "useradd",
        "--system",
        "--user-group",
        "--home-dir",
        paths.dataDir,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        paths.user,
      ],
    });
  }
  steps.push({ kind: "mkdir", path: paths.dataDir, mode: 0o700, owner: paths.user });
  steps.push({ kind: "mkdir", path: dirname(paths.envFile), mode: 0o755, owner: null });
  if (facts.sourceBinary !== paths.binary)
    steps.push({ kind: "copy", from: facts.sourceBinary, to: paths.binary, mode: 0o755 });
  if (!facts.envFileExists) steps.push({ kind: "write", path: paths.envFile, text: ENV_TEMPLATE, mode: 0o600 });
  if (!facts.configExists) {
    // Created as the service user, so the embedded PostgreSQL's files are its own from the start.
    steps.push({
      kind: "run",
      why: "create the instance (config, secrets, store, first tenant and admin token)",
      argv: [
        "runuser",
        "-u",
        paths.user,
        "--",
        paths.binary,
        "init",
        "--yes",
        "--data-dir",
        paths.dataDir,
        "--config",
        paths.config,
        "--port",
        String(VPS_PORT),
      ],
    });
  }
  steps.push({ kind: "write", path: paths.unitFile, text: renderUnit(paths), mode: 0o644 });
  steps.push({ kind: "run", why: "load the new unit", argv: ["systemctl", "daemon-reload"] });
  steps.push({ kind: "run", why: "start xin at boot", argv: ["systemctl", "enable", SERVICE] });
  // restart, not start: a re-install with a new binary must run it; a stopped service is started.
  steps.push({ kind: "run", why: "(re)start xin now", argv: ["systemctl", "restart", SERVICE] });
  steps.push({
    kind: "wait-ready",
    url: `http://127.0.0.1:${facts.configuredPort ?? VPS_PORT}/readyz`,
    timeoutMs: 60_000,
  });
  return steps;
};

/** Steps of `xin systemd uninstall`: stop and remove the service and binary; `purge` also data, secrets and user. */
export const uninstallPlan = (paths: UnitPaths, facts: Facts, purge: boolean): Step[] => {
  const steps: Step[] = [];
  if (facts.unitExists) {
    steps.push({
      kind: "run",
      why: "stop xin and drop it from boot",
      argv: ["systemctl", "disable", "--now", SERVICE],
    });
    steps.push({ kind: "remove", path: paths.unitFile, recursive: false });
    steps.push({ kind: "run", why: "forget the unit", argv: ["systemctl", "daemon-reload"] });
  }
  steps.push({ kind: "remove", path: paths.binary, recursive: false });
  if (!purge) return steps;
  steps.push({ kind: "remove", path: paths.dataDir, recursive: true });
  steps.push({ kind: "remove", path: paths.envFile, recursive: false });
  steps.push({ kind: "rmdir-if-empty", path: dirname(paths.envFile) });
  if (facts.userExists)
    steps.push({ kind: "run", why: `remove the system user ${paths.user}`, argv: ["userdel", paths.user] });
  return steps;
};

const octal = (mode: number) => mode.toString(8).padStart(4, "0");
const quote = (arg: string) => (/^[A-Za-z0-9._/:=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

/** A step as the shell command that does the same: what `--dry-run` prints. */
export const describeStep = (step: Step): string => {
  switch (step.kind) {
    case "run":
      return `${step.argv.map(quote).join(" ")}    # ${step.why}`;
    case "mkdir":
      return `install -d -m ${octal(step.mode)}${step.owner ? ` -o ${step.owner} -g ${step.owner}` : ""} ${step.path}`;
    case "copy":
      return `install -m ${octal(step.mode)} ${step.from} ${step.to}`;
    case "write":
      return `write ${step.path} (mode ${octal(step.mode)}, ${step.text.split("\n").length - 1} lines)`;
    case "remove":
      return `rm ${step.recursive ? "-rf" : "-f"} ${step.path}`;
    case "rmdir-if-empty":
      return `rmdir --ignore-fail-on-non-empty ${step.path}`;
    case "wait-ready":
      return `wait until ${step.url} answers 200 (up to ${step.timeoutMs / 1000} s)`;
  }
};
