import * as acme from "acme-client";
import { existsSync, readFileSync } from "node:fs";
import { Agent, get } from "node:https";
import { rootCertificates } from "node:tls";
import { XinError, errorText, type Logger } from "../runtime";
import type { ChallengeStore } from "./challenges";
import { ensureCertDir, writePrivate, type CertPaths } from "./files";

export const LETSENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory";
export const LETSENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

export type OrderRequest = {
  domains: string[];
  email: string;
  directory: string;
  /** A PEM file with the CA that signed the directory's own TLS certificate (a private CA, pebble). */
  directoryCa: string | null;
};

/** The account key of this instance: made once, kept 0600, reused for every order and directory. */
const accountKey = async (paths: CertPaths): Promise<Buffer> => {
  if (existsSync(paths.accountKey)) return readFileSync(paths.accountKey);
  const key = await acme.crypto.createPrivateEcdsaKey();
  writePrivate(paths.accountKey, key);
  return key;
};

/**
 * The directory is always reached with TLS verification on. A private CA is added to the public roots
 * (never replacing them); `NODE_EXTRA_CA_CERTS` works too since the runtime reads it itself.
 */
const trust = (directoryCa: string | null) => {
  if (!directoryCa) return new Agent({ keepAlive: false });
  if (!existsSync(directoryCa))
    throw new XinError("certs.directory_ca_missing", `no CA file at ${directoryCa}`, { exitCode: 2 });
  return new Agent({ ca: [...rootCertificates, readFileSync(directoryCa, "utf8")], keepAlive: false });
};

/**
 * One GET of the directory with the same trust before the order: acme-client retries a request that
 * got no answer for over a minute and then loses the cause, while this names it at once (an untrusted
 * CA, a refused connection, a wrong URL).
 */
const probeDirectory = (url: string, agent: Agent): Promise<void> =>
  new Promise((resolve, reject) => {
    const unreachable = (detail: string, cause?: unknown) =>
      new XinError("certs.directory_unreachable", `could not reach the ACME directory ${url}: ${detail}`, {
        hint: "check the URL; for a private CA pass --directory-ca FILE or set NODE_EXTRA_CA_CERTS",
        cause,
      });
    const req = get(url, { agent, timeout: 15_000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(unreachable(`HTTP ${res.statusCode}`));
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 15 s")));
    req.on("error", (e) => reject(unreachable(errorText(e), e)));
  });

const explain = (e: unknown, req: OrderRequest): XinError => {
  const text = errorText(e);
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|certificate|self.signed|CERT_/i.test(text) &&
    !/authorization|challenge/i.test(text)
  ) {
    return new XinError("certs.directory_unreachable", `could not reach the ACME directory ${req.directory}: ${text}`, {
      hint: "check the URL; for a private CA pass --directory-ca FILE or set NODE_EXTRA_CA_CERTS",
      cause: e,
    });
  }
  if (
    /authorization|challenge|key authorization|connection refused|invalid response|Timeout during connect/i.test(text)
  ) {
    return new XinError(
      "certs.challenge_failed",
      `the CA could not validate ${req.domains.join(", ")} over HTTP-01: ${text}`,
      {
        hint: "each domain must resolve to this host and reach server.port (80 on a VPS) from the internet: /.well-known/acme-challenge/ is answered by xin",
        cause: e,
      },
    );
  }
  return new XinError("certs.order_failed", `the certificate order failed: ${text}`, { cause: e });
};

/**
 * Runs one ACME order (RFC 8555) with acme-client: account, order, HTTP-01 per domain with tokens in
 * the store (answered by whichever xin listener the CA reaches), finalize. Returns the PEM chain and
 * its new private key; writing them is the caller's job, so a failed order leaves the served pair alone.
 */
export const orderCertificate = async (
  req: OrderRequest,
  deps: { paths: CertPaths; challenges: ChallengeStore; log: Logger; pollMs?: number },
): Promise<{ cert: string; key: string }> => {
  ensureCertDir(deps.paths);
  const agent = trust(req.directoryCa);
  const previousAgent = acme.axios.defaults.httpsAgent;
  acme.axios.defaults.httpsAgent = agent;
  const tokens: string[] = [];
  try {
    await probeDirectory(req.directory, agent);
    const client = new acme.Client({
      directoryUrl: req.directory,
      accountKey: await accountKey(deps.paths),
      backoffMin: deps.pollMs ?? 1000,
    });
    const [key, csr] = await acme.crypto.createCsr(
      { altNames: req.domains },
      await acme.crypto.createPrivateEcdsaKey(),
    );
    const cert = await client.auto({
      csr,
      email: req.email,
      termsOfServiceAgreed: true,
      challengePriority: ["http-01"],
      // The client's self-check would fetch the domain from here, which NAT or split DNS often gets
      // wrong; the CA's own validation is the one that counts, and its error is reported.
      skipChallengeVerification: true,
      challengeCreateFn: async (authz, challenge, keyAuthorization) => {
        if (challenge.type !== "http-01") throw new Error(`xin answers only http-01 challenges, got ${challenge.type}`);
        tokens.push(challenge.token);
        await deps.challenges.put(challenge.token, keyAuthorization, authz.identifier.value);
        deps.log.info("acme challenge ready", { domain: authz.identifier.value });
      },
      // Called once the CA decided: it validates from several vantage points, so the token stays until then.
      challengeRemoveFn: async (_authz, challenge) => {
        await deps.challenges.remove(challenge.token);
      },
    });
    return { cert, key: key.toString() };
  } catch (e) {
    throw e instanceof XinError ? e : explain(e, req);
  } finally {
    acme.axios.defaults.httpsAgent = previousAgent;
    agent.destroy();
    for (const token of tokens) await deps.challenges.remove(token).catch(() => {});
  }
};
