import { and, eq, gt, lt } from "drizzle-orm";
import { schema, type Db } from "../runtime/db";

/** Where the CA fetches an HTTP-01 answer (RFC 8555 §8.3). */
export const CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

// Tokens are base64url (RFC 8555 §8.1); anything else is refused without touching the store.
const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;
// Long enough for a CA's retries and multi-perspective checks, short enough that a crashed run's row dies soon.
const CHALLENGE_TTL_MS = 60 * 60_000;

/** HTTP-01 tokens kept in Postgres, so every instance on the store (and a short-lived listener) answers them. */
export class ChallengeStore {
  constructor(private readonly db: () => Db) {}

  async put(token: string, keyAuthorization: string, domain: string): Promise<void> {
    const now = new Date();
    const t = schema.acmeChallenges;
    await this.db().delete(t).where(lt(t.expires_at, now));
    await this.db()
      .insert(t)
      .values({
        token,
        key_authorization: keyAuthorization,
        domain,
        expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS),
      })
      .onConflictDoUpdate({
        target: t.token,
        set: { key_authorization: keyAuthorization, domain, expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS) },
      });
  }

  async get(token: string): Promise<string | null> {
    if (!TOKEN.test(token)) return null;
    const t = schema.acmeChallenges;
    const [row] = await this.db()
      .select({ value: t.key_authorization })
      .from(t)
      .where(and(eq(t.token, token), gt(t.expires_at, new Date())));
    return row?.value ?? null;
  }

  async remove(token: string): Promise<void> {
    await this.db().delete(schema.acmeChallenges).where(eq(schema.acmeChallenges.token, token));
  }
}

/**
 * Answers `GET /.well-known/acme-challenge/<token>` from the store, or null when the request is not
 * for that path (the caller routes it on). Unknown tokens get a 404, like any missing file.
 */
export const answerChallenge = async (store: ChallengeStore, req: Request): Promise<Response | null> => {
  const { pathname } = new URL(req.url);
  if (!pathname.startsWith(CHALLENGE_PREFIX)) return null;
  if (req.method !== "GET" && req.method !== "HEAD") return new Response("method not allowed\n", { status: 405 });
  const keyAuthorization = await store.get(pathname.slice(CHALLENGE_PREFIX.length));
  if (keyAuthorization === null)
    return new Response("no such challenge\n", { status: 404, headers: { "content-type": "text/plain" } });
  return new Response(keyAuthorization, { headers: { "content-type": "application/octet-stream" } });
};
