// The certs room: ACME certificates with acme-client (issue, renewal policy and state), HTTP-01 tokens
// kept in Postgres so any instance answers the CA.
export { LETSENCRYPT_PRODUCTION, LETSENCRYPT_STAGING, type OrderRequest } from "./acme-order";
export { answerChallenge, ChallengeStore, CHALLENGE_PREFIX } from "./challenges";
export { certPaths, type CertState } from "./files";
export { CertManager, type CertManagerDeps, type CertStatus, type RenewalOutcome, type TlsPair } from "./manager";
export { certMetrics } from "./metrics";
export { backoffAfter, decideRenewal, renewalDueAt } from "./renewal-policy";
export { parseDomains } from "./domains";
export { certInfo, type CertInfo } from "./x509";
