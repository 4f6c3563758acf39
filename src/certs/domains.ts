import { XinError } from "../runtime";

// A DNS name of letters, digits and hyphens per label, with at least one dot; no wildcard: HTTP-01
// cannot prove one (RFC 8555 §8.3), and no IP address (the CA validates names).
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The domains of an order, lower-cased and de-duplicated; a bad one is a usage error naming it. */
export const parseDomains = (raw: readonly string[]): string[] => {
  const domains = [...new Set(raw.map((d) => d.trim().toLowerCase().replace(/\.$/, "")))];
  if (domains.length === 0)
    throw new XinError("certs.domain_missing", "name at least one --domain", { exitCode: 2, status: 400 });
  for (const d of domains) {
    const labels = d.split(".");
    if (d.startsWith("*.")) {
      throw new XinError(
        "certs.domain_wildcard",
        `${d}: wildcard certificates need DNS-01, xin validates over HTTP-01`,
        { exitCode: 2, status: 400, hint: "list each name with its own --domain" },
      );
    }
    if (
      d.length > 253 ||
      labels.length < 2 ||
      !labels.every((l) => LABEL.test(l)) ||
      /^\d+$/.test(labels.at(-1) ?? "")
    ) {
      throw new XinError("certs.domain_invalid", `${JSON.stringify(d)} is not a domain name`, {
        exitCode: 2,
        status: 400,
        hint: "e.g. --domain chat.example.com",
      });
    }
  }
  return domains;
};
