import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Pending ACME HTTP-01 challenges: the token and its key authorization, written by whichever process
 * runs an issuance and answered by every instance at /.well-known/acme-challenge/<token>, so a CA
 * reaching any instance behind a load balancer (or the short-lived listener of `xin certs issue`) sees it.
 */
export const acmeChallenges = pgTable(
  "acme_challenges",
  {
    token: text("token").primaryKey(),
    tenant_id: text("tenant_id"), // always null: instance-wide
    key_authorization: text("key_authorization").notNull(),
    domain: text("domain").notNull(),
    created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // A crashed issuance leaves its row; expired rows are never served and are deleted on the next write.
    expires_at: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("acme_challenges_expires_idx").on(t.expires_at)],
);
