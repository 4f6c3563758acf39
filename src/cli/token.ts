import type { Command } from "commander";
import { createTokenOnStore, listTokensOnStore, revokeTokenOnStore, type IssuedToken } from "../app";
import { usageError } from "../runtime";
import { cliLogger, configFrom } from "./context";
import { report } from "./output";
import { viaServerOrStore } from "./with-store";

type TokenInfo = Omit<IssuedToken, "token">;

const when = (d: Date | string | null) => (d ? new Date(d).toISOString().replace(/\.\d+Z$/, "Z") : "never");

const line = (t: TokenInfo) =>
  `  ${t.id}  ${t.role.padEnd(5)}  ${(t.tenant_id ?? "(instance)").padEnd(30)}  ${t.name.padEnd(16)}  expires ${when(t.expires_at)}${t.revoked_at ? `  REVOKED ${when(t.revoked_at)}` : ""}`;

type CommonOpts = { config?: string; json?: boolean };

/** `xin token create|list|revoke`: through the running server's API, else on the store. */
export const tokenCommand = (program: Command) => {
  const token = program.command("token").description("API tokens for agents (xin queue) and admins");
  token
    .command("create")
    .description("issue a token; it is printed once and never stored")
    .requiredOption("--role <role>", "agent or admin")
    .option("--tenant <tenant>", "tenant id or name (required for agents)")
    .requiredOption("--name <name>", "who holds it, e.g. the agent's name")
    .option("--ttl <duration>", "expiry, e.g. 30d, 12h (default: never)")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document with `token`")
    .action(async (opts: CommonOpts & { role: string; tenant?: string; name: string; ttl?: string }) => {
      const role: "agent" | "admin" | null = opts.role === "agent" ? "agent" : opts.role === "admin" ? "admin" : null;
      if (!role) throw usageError(`--role ${opts.role}: use agent or admin`);
      if (opts.role === "agent" && !opts.tenant)
        throw usageError(
          "an agent token needs --tenant",
          "xin token create --role agent --tenant <tenant> --name <name>",
        );
      const config = configFrom(opts.config);
      const request = { role, tenant: opts.tenant ?? null, name: opts.name, ttl: opts.ttl };
      const issued = await viaServerOrStore<IssuedToken>(config, cliLogger(), {
        api: (client) => client.request<IssuedToken>("POST", "/api/v1/tokens", request),
        store: (store) => createTokenOnStore(store, config.instance_key, request),
      });
      report(issued, opts, (t) =>
        [
          `token ${t.id} (${t.role}${t.tenant_id ? ` of ${t.tenant_id}` : ""}, expires ${when(t.expires_at)}):`,
          "",
          `  ${t.token}`,
          "",
          "It is shown only now. Use it with: xin queue --token <token>",
        ].join("\n"),
      );
    });
  token
    .command("list")
    .description("list tokens (never the secrets)")
    .option("--tenant <tenant>", "only this tenant's tokens")
    .option("--config <file>", "config file")
    .option("--json", "print one JSON document")
    .action(async (opts: CommonOpts & { tenant?: string }) => {
      const config = configFrom(opts.config);
      const tokens = await viaServerOrStore<TokenInfo[]>(config, cliLogger(), {
        api: async (client) =>
          (
            await client.get<{ data: TokenInfo[] }>(
              `/api/v1/tokens${opts.tenant ? `?tenant=${encodeURIComponent(opts.tenant)}` : ""}`,
            )
          ).data,
        store: (store) => listTokensOnStore(store, opts.tenant ?? null),
      });
      report(tokens, opts, (list) => (list.length ? list.map(line).join("\n") : "no tokens"));
    });
  token
    .command("revoke <id>")
    .description("revoke a token: every later request with it is refused")
    .option("--config <file>", "config file")
    .option("--json", "print one JSON document")
    .action(async (id: string, opts: CommonOpts) => {
      const config = configFrom(opts.config);
      const revoked = await viaServerOrStore<TokenInfo>(config, cliLogger(), {
        api: (client) => client.request<TokenInfo>("DELETE", `/api/v1/tokens/${encodeURIComponent(id)}`),
        store: (store) => revokeTokenOnStore(store, id),
      });
      report(revoked, opts, (t) => `revoked ${t.id} (${t.name})`);
    });
  return token;
};
