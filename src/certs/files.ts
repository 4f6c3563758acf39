import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { XinError } from "../runtime";

/** The certificate files of an instance, all under `<data_dir>/certs`, readable by its user only. */
export const certPaths = (dataDir: string) => {
  const dir = join(dataDir, "certs");
  return {
    dir,
    accountKey: join(dir, "account.key"),
    account: join(dir, "account.json"),
    cert: join(dir, "fullchain.pem"),
    key: join(dir, "privkey.pem"),
    state: join(dir, "state.json"),
  };
};
export type CertPaths = ReturnType<typeof certPaths>;

/** Writes through a temporary file and a rename, so a reader (or a crash) never sees half a key. */
export const writePrivate = (path: string, content: string | Buffer) => {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600); // the umask may have narrowed it further, never widened; be exact
  renameSync(tmp, path);
};

export const ensureCertDir = (paths: CertPaths) => {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
};

/** What the last issuance or renewal recorded: it drives renewal and `xin certs status`. */
export const certStateSchema = z.object({
  domains: z.array(z.string()).min(1),
  email: z.string(),
  directory: z.string(),
  directory_ca: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_result: z.enum(["ok", "failed"]).nullable(),
  last_error: z.string().nullable(),
  last_success_at: z.string().nullable(),
  consecutive_failures: z.number().int().min(0),
  next_attempt_at: z.string().nullable(),
});
export type CertState = z.infer<typeof certStateSchema>;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export const readState = (paths: CertPaths): CertState | null => {
  if (!existsSync(paths.state)) return null;
  const parsed = certStateSchema.safeParse(parseJson(readFileSync(paths.state, "utf8")));
  if (!parsed.success) {
    throw new XinError("certs.state_invalid", `${paths.state} is not a certificate state file xin wrote`, {
      hint: "run xin certs issue again to rewrite it",
    });
  }
  return parsed.data;
};

export const writeState = (paths: CertPaths, state: CertState) => {
  ensureCertDir(paths);
  writePrivate(paths.state, `${JSON.stringify(state, null, 2)}\n`);
};

/**
 * The served pair, or null when no certificate was issued yet. The two files are replaced one after
 * the other, so a crash in between (or a hand edit) can leave a key that does not fit the certificate:
 * that is one clear error, not a TLS listener failing with OpenSSL's words.
 */
export const readPair = (paths: CertPaths): { cert: string; key: string } | null => {
  if (!existsSync(paths.cert) || !existsSync(paths.key)) return null;
  const pair = { cert: readFileSync(paths.cert, "utf8"), key: readFileSync(paths.key, "utf8") };
  let fits = false;
  try {
    fits = new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key));
  } catch {
    fits = false;
  }
  if (!fits) {
    throw new XinError("certs.pair_invalid", `${paths.key} and ${paths.cert} are not a certificate and its key`, {
      hint: "run xin certs issue again (the account key is kept), or restore both files together",
    });
  }
  return pair;
};
