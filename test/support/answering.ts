// Helpers for answering tests: a signed WhatsApp text webhook, knowledge ingested for a brand, and
// waiting for the queue to settle.
import { metaSignatureHeader } from "../../src/channels";
import { analyzerFor, PostgresBackend, prepareSource } from "../../src/rag";
import type { Db } from "../../src/runtime/db";
import type { TestDb } from "./db";
import { fixtureBytes } from "./fixtures";
import { WA, type GatewayFixture } from "./gateway";

/** A WhatsApp webhook body with customer texts (`at`: the provider's send time, seconds; default now). */
export const whatsappTextBody = (from: string, texts: { id: string; text: string; at?: number }[]): string => {
  const raw = JSON.parse(new TextDecoder().decode(fixtureBytes("whatsapp", "inbound/text.json")));
  const value = raw.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  const template = value.messages[0];
  value.messages = texts.map((t) => ({
    ...template,
    from,
    id: t.id,
    text: { body: t.text },
    timestamp: String(t.at ?? Math.floor(Date.now() / 1000)),
  }));
  return JSON.stringify(raw);
};

export const whatsappText = (gw: GatewayFixture, from: string, id: string, text: string): Promise<Response> =>
  whatsappTexts(gw, from, [{ id, text }]);

/** Several customer texts in one signed webhook. */
export const whatsappTexts = (
  gw: GatewayFixture,
  from: string,
  texts: { id: string; text: string; at?: number }[],
): Promise<Response> => {
  const body = whatsappTextBody(from, texts);
  return gw.fetch(
    new Request(`http://x/webhooks/whatsapp/${gw.channels.whatsapp.id}`, {
      method: "POST",
      headers: { "x-hub-signature-256": metaSignatureHeader(WA.app_secret, body), "content-type": "application/json" },
      body,
    }),
  );
};

/** Writes `docs` (source → markdown) into the brand's knowledge through the Postgres backend. */
export const ingestDocs = async (
  db: TestDb,
  scope: { tenant_id: string; brand_id: string },
  docs: Record<string, string>,
): Promise<PostgresBackend> => {
  const backend = new PostgresBackend(
    () => db.db as Db,
    async () => analyzerFor("en"),
  );
  for (const [source, text] of Object.entries(docs)) {
    const p = await prepareSource({ source, bytes: new TextEncoder().encode(text) });
    if (!p.ok) throw new Error(p.reason);
    await backend.upsertSource({
      scope,
      meta: { source, hash: p.hash, format: p.format, title: p.title },
      chunks: p.chunks,
    });
  }
  return backend;
};

export const waitUntil = async (fn: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await Bun.sleep(20);
  }
};

/** Resolves when no job of `kind` is queued or running. */
export const queueSettled = (db: TestDb, kind: string) =>
  waitUntil(
    async () =>
      (await db.sql`select count(*)::int as n from jobs where kind = ${kind} and state in ('queued', 'running')`)[0]
        .n === 0,
  );
