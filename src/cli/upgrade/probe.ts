import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { z } from "zod";
import { XinError } from "../../runtime";

const versionSchema = z.object({
  version: z.string().min(1),
  migrations: z.array(z.string()),
  latest_migration: z.string().nullable(),
});
export type ProbedBinary = z.infer<typeof versionSchema> & { path: string };

const refused = (message: string, hint: string) =>
  new XinError("upgrade.new_binary_unusable", `${message}; nothing was changed`, { hint });

/**
 * Runs `NEW version --json --config FILE`: the new binary starts on this machine (architecture, libc,
 * not truncated), reads this instance's config, and says which version and migrations it carries.
 */
export const probeBinary = (
  path: string,
  configPath: string,
  env: Record<string, string | undefined>,
): ProbedBinary => {
  if (!existsSync(path) || !statSync(path).isFile())
    throw refused(`no file at ${path}`, "pass the path of the new xin executable");
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw refused(`${path} is not executable`, `chmod +x ${path}`);
  }
  const r = spawnSync(path, ["version", "--json", "--config", configPath], {
    encoding: "utf8",
    timeout: 30_000,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.error)
    throw refused(
      `${path} does not run here: ${r.error.message}`,
      "download the build for this machine's architecture (uname -m) and try again",
    );
  const lastLines = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" / ");
  if (r.status !== 0)
    throw refused(
      `\`${path} version --config ${configPath}\` failed (exit ${r.status}): ${lastLines}`,
      "the new binary cannot read this config or does not run: fix what it says, or use another build",
    );
  let parsed: ReturnType<typeof versionSchema.safeParse>;
  try {
    parsed = versionSchema.safeParse(JSON.parse(r.stdout));
  } catch {
    parsed = versionSchema.safeParse(null);
  }
  if (!parsed.success)
    throw refused(
      `${path} is not a xin that \`xin upgrade\` can use (no version document from \`version --json\`)`,
      "pass a xin executable of this version or newer",
    );
  return { ...parsed.data, path };
};
