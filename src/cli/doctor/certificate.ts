import type { CertStatus } from "../../app";
import { fail, ok, skip, warn, type Check } from "./check";

/**
 * The HTTPS certificate `xin certs issue` obtained: none is fine (HTTPS may be a proxy's job); one that
 * expired fails, one within two weeks of expiry or whose last renewal failed warns.
 */
export const checkCertificate = (s: CertStatus): Check => {
  const name = "certificate";
  if (!s.present)
    return skip(name, "none issued (HTTPS from a proxy in front, or `xin certs issue --domain D --email E`)");
  const days = s.days_left ?? 0;
  const detail = `${s.domains.join(", ")} from ${s.issuer ?? "?"}, expires ${s.not_after} (${Math.floor(days)} day(s) left)`;
  const renew =
    "check that port 80 reaches this xin from the internet, then `xin certs issue` again (`xin certs status` shows the last error)";
  if (days <= 0) return fail(name, `${detail}: expired`, renew);
  if (s.last_result === "failed")
    return warn(
      name,
      `${detail}; the last renewal failed ${s.consecutive_failures}× (${s.last_error ?? "unknown error"})`,
      renew,
    );
  if (days < 14) return warn(name, `${detail}: renewal is overdue`, renew);
  return ok(name, detail);
};
