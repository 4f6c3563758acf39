/**
 * Where a client command (`xin queue`, and any command talking to a remote server) connects when no
 * flag says so: `XIN_URL` and `XIN_TOKEN`. These two are not config keys (load.ts skips them), so a
 * client on a laptop needs no xin.toml at all.
 */
export const clientEnv = (
  env: Record<string, string | undefined> = process.env,
): { url?: string; token?: string; editor: string } => ({
  url: env.XIN_URL || undefined,
  token: env.XIN_TOKEN || undefined,
  // The user's editor for long replies (`ctrl+o` in xin queue), as every terminal program finds it.
  editor: env.VISUAL || env.EDITOR || "vi",
});
