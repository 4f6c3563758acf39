import { Counter, Gauge, type Registry } from "prom-client";
import type { CertManager, RenewalOutcome } from "./manager";

/**
 * Certificate metrics in the app's registry, read from the manager at scrape time: expiry (alert
 * well before it), consecutive renewal failures, and renewal checks by outcome.
 */
export const certMetrics = (registry: Registry, manager: CertManager) => {
  new Gauge({
    name: "xin_cert_expiry_timestamp_seconds",
    help: "when the served certificate expires (Unix seconds); absent without a certificate",
    registers: [registry],
    collect() {
      this.reset();
      const status = manager.status();
      if (status.not_after) this.set(Math.floor(Date.parse(status.not_after) / 1000));
    },
  });
  new Gauge({
    name: "xin_cert_renewal_failures",
    help: "certificate renewals that failed in a row (0 after a success)",
    registers: [registry],
    collect() {
      this.set(manager.status().consecutive_failures);
    },
  });
  const checks = new Counter({
    name: "xin_cert_renewal_checks_total",
    help: "scheduled certificate renewal checks by outcome (renewed, failed, not_due, backing_off, no_certificate)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  return { observe: (result: RenewalOutcome) => checks.inc({ outcome: result.outcome }) };
};
