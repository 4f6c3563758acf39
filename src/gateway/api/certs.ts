import { z } from "zod";
import { LETSENCRYPT_PRODUCTION, parseDomains, type CertManager } from "../../certs";
import { XinError } from "../../runtime";
import type { Principal } from "../../tenancy";
import { defineRoute, type ApiRoute } from "./define";

const IssueBody = z
  .object({
    domains: z.array(z.string().min(1).max(253)).min(1).max(100),
    email: z.email(),
    directory: z.url().default(LETSENCRYPT_PRODUCTION),
    directory_ca: z.string().min(1).nullable().default(null),
  })
  .strict();

const instanceAdmin = (principal: Principal) => {
  if (principal.tenant_id !== null)
    throw new XinError("auth.forbidden", "certificates need an instance admin token", { status: 403 });
};

/**
 * The running server's certificate: `xin certs issue` and `status` go through here while `xin serve`
 * runs, so the order runs in the process whose plain-HTTP listener the CA reaches and whose HTTPS
 * listener then swaps the new certificate in.
 */
export const certRoutes = (certs: CertManager): ApiRoute[] => [
  defineRoute({
    method: "GET",
    path: "/api/v1/certs",
    tag: "instance",
    summary: "The served certificate: domains, issuer, expiry, last renewal result (instance admins).",
    admin: true,
    response: z.record(z.string(), z.unknown()),
    handle: async ({ principal }) => {
      instanceAdmin(principal);
      return certs.status();
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/certs/issue",
    tag: "instance",
    summary: "Order a certificate over ACME HTTP-01 and serve it on server.https_port (instance admins).",
    admin: true,
    body: IssueBody,
    response: z.record(z.string(), z.unknown()),
    handle: async ({ principal, body }) => {
      instanceAdmin(principal);
      await certs.issue({
        domains: parseDomains(body.domains),
        email: body.email,
        directory: body.directory,
        directoryCa: body.directory_ca,
      });
      return certs.status();
    },
  }),
];
