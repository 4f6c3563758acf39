import { XinError, errorText, type Logger } from "../runtime";
import { orderCertificate, type OrderRequest } from "./acme-order";
import type { ChallengeStore } from "./challenges";
import {
  certPaths,
  ensureCertDir,
  readPair,
  readState,
  writePrivate,
  writeState,
  type CertPaths,
  type CertState,
} from "./files";
import { backoffAfter, decideRenewal, renewalDueAt } from "./renewal-policy";
import { certInfo, type CertInfo } from "./x509";

export type TlsPair = { cert: string; key: string };
export type RenewalOutcome = {
  outcome: "renewed" | "failed" | "not_due" | "backing_off" | "no_certificate";
  until?: string;
  error?: string;
};

export type CertStatus = {
  present: boolean;
  domains: string[];
  issuer: string | null;
  serial: string | null;
  not_before: string | null;
  not_after: string | null;
  days_left: number | null;
  renewal_due_at: string | null;
  last_attempt_at: string | null;
  last_result: "ok" | "failed" | null;
  last_error: string | null;
  consecutive_failures: number;
  next_attempt_at: string | null;
};

export type CertManagerDeps = {
  dataDir: string;
  challenges: ChallengeStore;
  log: Logger;
  /** `certs.renew_days_before`. */
  renewDaysBefore: number;
  now?: () => Date;
  /** acme-client's polling interval; tests against pebble use a short one. */
  pollMs?: number;
};

/**
 * The instance's certificate: issues it, renews it when due (with backoff after failures), keeps the
 * state `xin certs status` shows, and tells the HTTPS listener when a new pair is in place. One order
 * at a time per process; the files are only replaced after the CA issued.
 */
export class CertManager {
  readonly paths: CertPaths;
  private pair: TlsPair | null;
  private readonly listeners: ((pair: TlsPair) => void | Promise<void>)[] = [];
  private running: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(private readonly deps: CertManagerDeps) {
    this.paths = certPaths(deps.dataDir);
    this.pair = readPair(this.paths);
    this.now = deps.now ?? (() => new Date());
  }

  current(): TlsPair | null {
    return this.pair;
  }

  /** `fn` runs after every new pair is written (the listener swaps its certificate). */
  onChange(fn: (pair: TlsPair) => void | Promise<void>) {
    this.listeners.push(fn);
  }

  /** Issues a certificate for `req.domains` and serves it; the failure is recorded and rethrown. */
  issue(req: OrderRequest): Promise<CertInfo> {
    return this.serialized(() => this.order(req));
  }

  /** The scheduler's check: renews only when due and not backing off after a failure. Never throws. */
  renewIfDue(options: { force?: boolean } = {}): Promise<RenewalOutcome> {
    return this.serialized(async (): Promise<RenewalOutcome> => {
      const state = readState(this.paths);
      const pair = readPair(this.paths);
      if (!state || !pair) return { outcome: "no_certificate" };
      if (!options.force) {
        const decision = decideRenewal(certInfo(pair.cert), state, this.now(), this.deps.renewDaysBefore);
        if (!decision.renew) return { outcome: decision.reason, until: decision.until.toISOString() };
      }
      try {
        await this.order({
          domains: state.domains,
          email: state.email,
          directory: state.directory,
          directoryCa: state.directory_ca,
        });
        return { outcome: "renewed" };
      } catch (e) {
        return { outcome: "failed", error: errorText(e) };
      }
    });
  }

  status(): CertStatus {
    const state = readState(this.paths);
    const pair = readPair(this.paths);
    const info = pair ? certInfo(pair.cert) : null;
    return {
      present: info !== null,
      domains: info?.subjectAltNames ?? state?.domains ?? [],
      issuer: info?.issuer ?? null,
      serial: info?.serial ?? null,
      not_before: info?.notBefore.toISOString() ?? null,
      not_after: info?.notAfter.toISOString() ?? null,
      days_left: info ? Math.floor((info.notAfter.getTime() - this.now().getTime()) / 86_400_000) : null,
      renewal_due_at: info ? renewalDueAt(info, this.deps.renewDaysBefore).toISOString() : null,
      last_attempt_at: state?.last_attempt_at ?? null,
      last_result: state?.last_result ?? null,
      last_error: state?.last_error ?? null,
      consecutive_failures: state?.consecutive_failures ?? 0,
      next_attempt_at: state?.next_attempt_at ?? null,
    };
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.running.then(fn, fn);
    this.running = run.catch(() => {});
    return run;
  }

  private async order(req: OrderRequest): Promise<CertInfo> {
    const previous = readState(this.paths);
    const attemptAt = this.now().toISOString();
    const base: CertState = {
      domains: req.domains,
      email: req.email,
      directory: req.directory,
      directory_ca: req.directoryCa,
      last_attempt_at: attemptAt,
      last_result: null,
      last_error: null,
      last_success_at: previous?.last_success_at ?? null,
      consecutive_failures: 0,
      next_attempt_at: null,
    };
    let pair: TlsPair;
    try {
      pair = await orderCertificate(req, {
        paths: this.paths,
        challenges: this.deps.challenges,
        log: this.deps.log,
        pollMs: this.deps.pollMs,
      });
    } catch (e) {
      const failures = (previous?.consecutive_failures ?? 0) + 1;
      // A first issuance that failed leaves no state behind when there was none: nothing to renew.
      if (previous) {
        writeState(this.paths, {
          ...previous,
          last_attempt_at: attemptAt,
          last_result: "failed",
          last_error: errorText(e),
          consecutive_failures: failures,
          next_attempt_at: new Date(this.now().getTime() + backoffAfter(failures)).toISOString(),
        });
      }
      this.deps.log.warn("certificate order failed", { domains: req.domains, failures, err: errorText(e) });
      throw e;
    }
    const info = certInfo(pair.cert);
    if (info.subjectAltNames.length === 0)
      throw new XinError("certs.pem_invalid", "the CA returned a certificate without names");
    ensureCertDir(this.paths);
    writePrivate(this.paths.key, pair.key);
    writePrivate(this.paths.cert, pair.cert);
    writeState(this.paths, { ...base, last_result: "ok", last_success_at: attemptAt });
    this.pair = pair;
    this.deps.log.info("certificate issued", {
      domains: info.subjectAltNames,
      issuer: info.issuer,
      not_after: info.notAfter.toISOString(),
    });
    for (const fn of this.listeners) await fn(pair);
    return info;
  }
}
