/**
 * Files visitors attach. The browser uploads the bytes first (POST /widget/upload), then sends a
 * message naming the file by its SHA-256. The bytes live in `upload_blobs` (in PostgreSQL, so every
 * instance reads them and a restart loses nothing; content-addressed per tenant, so a file sent twice
 * is stored once) and the message's attachment names the blob, so the media-fetch job has nothing to
 * fetch. The type is read from the bytes, never taken from the browser: a renamed program is refused.
 * A visitor reads back only files attached to their own conversation.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { WIDGET_UPLOADS } from "../../channels";
import { XinError } from "../../runtime";
import { shareUploads, type Db } from "../../runtime/db";

export type StoredFile = { sha256: string; size: number; mime_type: string; name: string };

const startsWith = (bytes: Uint8Array, prefix: number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The file's type by its first bytes, among the ones the widget takes; null for anything else. */
export const sniffType = (bytes: Uint8Array): string | null => {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  return null;
};

const MB = 1024 * 1024;

export const fileRefused = (message: string, status: number) =>
  new XinError("widget.file_refused", message, { status });

/** Checks an upload (size, type by content) and stores it; answers what a send frame names. */
export const storeUpload = async (db: Db, tenantId: string, bytes: Uint8Array, name: string): Promise<StoredFile> => {
  if (bytes.length === 0) throw fileRefused("the file is empty", 400);
  if (bytes.length > WIDGET_UPLOADS.maxBytes) {
    throw fileRefused(
      `files are limited to ${WIDGET_UPLOADS.maxBytes / MB} MB; this one is ${(bytes.length / MB).toFixed(1)} MB`,
      413,
    );
  }
  const mime = sniffType(bytes);
  if (!mime) throw fileRefused("only images (PNG, JPEG, GIF, WebP) and PDF files can be sent", 415);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await db.transaction((tx) => shareUploads(tx, tenantId, [{ blob: sha256, bytes }]));
  return { sha256, size: bytes.length, mime_type: mime, name: cleanName(name, mime) };
};

/** A display name without paths or control characters; a type-matching default when none is left. */
const cleanName = (name: string, mime: string): string => {
  const base = name.split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 200);
  return clean || (mime === "application/pdf" ? "document.pdf" : `image.${mime.slice(6)}`);
};

/** A stored upload of this tenant, its size and type read from the stored bytes; null when there is none. */
export const storedUpload = async (
  db: Db,
  tenantId: string,
  sha256: string,
  name: string,
): Promise<StoredFile | null> => {
  const rows = await db.execute<{ size: number; head: Uint8Array }>(
    sql`select octet_length(bytes)::int as size, substring(bytes from 1 for 16) as head from upload_blobs where tenant_id = ${tenantId} and sha256 = ${sha256}`,
  );
  const row = rows[0];
  if (!row) return null;
  const mime = sniffType(new Uint8Array(row.head));
  return mime ? { sha256, size: row.size, mime_type: mime, name: cleanName(name, mime) } : null;
};

/** The bytes and type of a file attached to a message of this visitor's conversation; null otherwise. */
export const visitorFile = async (
  db: Db,
  channelId: string,
  visitorId: string,
  sha256: string,
): Promise<{ bytes: Uint8Array; mime_type: string } | null> => {
  const rows = await db.execute<{ bytes: Uint8Array }>(sql`
    select u.bytes from upload_blobs u
    join contacts ct on ct.channel_id = ${channelId} and ct.external_id = ${visitorId} and ct.tenant_id = u.tenant_id
    join conversations c on c.contact_id = ct.id
    where u.sha256 = ${sha256}
      and exists (select 1 from messages m where m.conversation_id = c.id and m.attachments @> ${JSON.stringify([{ sha256 }])}::jsonb)
    limit 1`);
  const row = rows[0];
  if (!row) return null;
  const bytes = new Uint8Array(row.bytes);
  return { bytes, mime_type: sniffType(bytes) ?? "application/octet-stream" };
};
