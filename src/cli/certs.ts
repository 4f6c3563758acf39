import type { Command } from "commander";
import { z } from "zod";
import {
  certStatus,
  issueWithoutServer,
  LETSENCRYPT_PRODUCTION,
  LETSENCRYPT_STAGING,
  parseDomains,
  type CertStatus,
  type OrderRequest,
} from "../app";
import { usageError } from "../runtime";
import { cliLogger, configFrom } from "./context";
import { report, table } from "./output";
import { viaServerOrStore } from "./with-store";

const collect = (value: string, previous: string[]) => [...previous, value];
const email = z.email();

const human = (s: CertStatus): string => {
  if (!s.present)
    return `no certificate yet${s.last_error ? `; last attempt failed: ${s.last_error}` : ""}\n  get one: xin certs issue --domain <name> --email <you@example.com>`;
  return table([
    ["domains", s.domains.join(", ")],
    ["issuer", s.issuer ?? ""],
    ["expires", `${s.not_after} (${s.days_left} days left)`],
    ["renewal due", s.renewal_due_at ?? ""],
    [
      "last result",
      s.last_result ? `${s.last_result} at ${s.last_attempt_at}${s.last_error ? `: ${s.last_error}` : ""}` : "none",
    ],
    ...(s.next_attempt_at
      ? ([["next attempt", `${s.next_attempt_at} (after ${s.consecutive_failures} failure(s))`]] as [string, string][])
      : []),
  ]);
};

/** `xin certs issue|status`: ACME certificates answered over HTTP-01 by xin itself. */
export const certsCommand = (program: Command) => {
  const certs = program.command("certs").description("HTTPS certificates over ACME (Let's Encrypt by default)");
  certs
    .command("issue")
    .description(
      "order a certificate; the CA reaches xin on server.port (80 on a VPS), the running server's or a short-lived listener's",
    )
    .option("--domain <name>", "a name for the certificate (repeat for more)", collect, [])
    .requiredOption("--email <address>", "contact address for the CA's expiry notices")
    .option("--directory <url>", "ACME directory URL (default: Let's Encrypt production)")
    .option("--staging", "use Let's Encrypt staging (untrusted test certificates, generous rate limits)")
    .option(
      "--directory-ca <file>",
      "PEM file of a private CA that signed the directory's TLS certificate (TLS verification is never turned off)",
    )
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action(
      async (opts: {
        domain: string[];
        email: string;
        directory?: string;
        staging?: boolean;
        directoryCa?: string;
        config?: string;
        json?: boolean;
      }) => {
        if (opts.directory && opts.staging) throw usageError("--directory and --staging exclude each other");
        if (!email.safeParse(opts.email).success) throw usageError(`--email ${opts.email}: not an email address`);
        const request: OrderRequest = {
          domains: parseDomains(opts.domain),
          email: opts.email,
          directory: opts.directory ?? (opts.staging ? LETSENCRYPT_STAGING : LETSENCRYPT_PRODUCTION),
          directoryCa: opts.directoryCa ?? null,
        };
        const config = configFrom(opts.config);
        const log = cliLogger();
        const status = await viaServerOrStore<CertStatus>(
          config,
          log,
          {
            api: (client) =>
              client.request<CertStatus>(
                "POST",
                "/api/v1/certs/issue",
                {
                  domains: request.domains,
                  email: request.email,
                  directory: request.directory,
                  directory_ca: request.directoryCa,
                },
                5 * 60_000,
              ),
            store: (store) => issueWithoutServer(config, () => store.db, request, log),
          },
          { migrate: true },
        );
        report(status, opts, (s) => `certificate issued\n${human(s)}`);
      },
    );
  certs
    .command("status")
    .description("the certificate in the data dir: domains, issuer, expiry, last renewal result")
    .option("--config <file>", "config file (default: XIN_CONFIG or <data dir>/xin.toml)")
    .option("--json", "print one JSON document")
    .action((opts: { config?: string; json?: boolean }) => {
      report(certStatus(configFrom(opts.config)), opts, human);
    });
  return certs;
};
