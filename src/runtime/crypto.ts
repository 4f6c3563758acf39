import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { XinError } from "./errors";

/** Constant-time comparison of two strings or byte arrays; different lengths compare unequal. */
export const constantTimeEqual = (a: string | Uint8Array, b: string | Uint8Array): boolean => {
  const x = typeof a === "string" ? Buffer.from(a) : Buffer.from(a);
  const y = typeof b === "string" ? Buffer.from(b) : Buffer.from(b);
  if (x.length !== y.length) {
    // Still spend the time of a comparison so the length is not the only thing leaked.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
};

export const hmacSha256Hex = (secret: string | Uint8Array, data: string | Uint8Array): string =>
  createHmac("sha256", secret).update(data).digest("hex");

export const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** A new random instance key: 32 bytes, base64url. */
export const generateInstanceKey = (): string => randomBytes(32).toString("base64url");

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString("base64url");

/**
 * Derives a purpose-bound 32-byte key from the instance key, so the JWT signing key and the
 * credential-encryption key are never the same bytes.
 */
export const deriveKey = (instanceKey: string, purpose: string): Uint8Array =>
  new Uint8Array(createHmac("sha256", instanceKey).update(`xin:${purpose}`).digest());

/**
 * Encrypts a secret at rest (channel credentials) with AES-256-GCM under a key derived from the
 * instance key. Output: `v1.<iv>.<tag>.<ciphertext>` in base64url. Decryption fails loudly on tampering.
 */
export const encryptSecret = (instanceKey: string, plaintext: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(instanceKey, "secrets"), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(
    ".",
  );
};

export const decryptSecret = (instanceKey: string, sealed: string): string => {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) {
    throw new XinError("crypto.sealed_invalid", "stored secret has an unknown format");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(instanceKey, "secrets"), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch (cause) {
    throw new XinError("crypto.decrypt_failed", "stored secret cannot be decrypted with this instance key", {
      hint: "the instance key (XIN_INSTANCE_KEY) differs from the one the secret was stored with",
      cause,
    });
  }
};
