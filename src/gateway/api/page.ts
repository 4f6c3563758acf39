import { z } from "zod";
import { instantQuery, XinError } from "../../runtime";
import type { Cursor } from "../../runtime/db";
import { textIssue } from "../../runtime/http";

// The SQL side of listings lives in runtime/db (keyset.ts), shared with the inbox's own queries.
export { keysetAfter, keysetBefore, timeWindow, type Cursor } from "../../runtime/db";

/**
 * Keyset pagination shared by every listing: `limit` (1–200, default 50) and an opaque `cursor` taken
 * from the previous page's `next_cursor`. Keyset, not offset, so rows arriving meanwhile neither repeat
 * nor vanish between pages.
 */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("page size (1–200)"),
  cursor: z.string().optional().describe("next_cursor of the previous page"),
};

/** Time filters shared by listings: ISO 8601 instants, `since` exclusive lower and `until` exclusive upper bound. */
export const TimeQuery = {
  since: instantQuery.optional().describe("only items created after this instant (ISO 8601, 1970–9999)"),
  until: instantQuery.optional().describe("only items created before this instant (ISO 8601, 1970–9999)"),
};

/** A message as listings show it (transcripts of escalations and conversations). */
export const MessageView = z.object({
  id: z.string(),
  direction: z.enum(["in", "out"]),
  body: z.string().nullable(),
  status: z.string(),
  author: z.string().nullable().describe("ai or human for replies"),
  files: z
    .array(
      z.object({
        kind: z.string(),
        name: z.string().nullable(),
        mime_type: z.string().nullable(),
        size: z.number().nullable(),
        sha256: z.string().nullable(),
        url: z.string().nullable(),
      }),
    )
    .describe(
      "files the customer sent (download by sha256 from /api/v1/conversations/{id}/files/{sha256}) or a reply linked",
    ),
  created_at: z.iso.datetime(),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

export const encodeCursor = (c: Cursor): string =>
  Buffer.from(JSON.stringify([c.at.toISOString(), c.id])).toString("base64url");

export const decodeCursor = (raw: string | undefined): Cursor | undefined => {
  if (!raw) return undefined;
  let decoded: unknown = null;
  try {
    decoded = JSON.parse(Buffer.from(raw, "base64url").toString());
  } catch {
    decoded = null; // reported below as an invalid cursor
  }
  // The id goes into SQL: a NUL in it would fail the query, so it is refused with the rest.
  const parsed = z
    .tuple([
      z.iso.datetime(),
      z
        .string()
        .max(200)
        .refine((id) => textIssue(id) === null),
    ])
    .safeParse(decoded);
  if (!parsed.success)
    throw new XinError("api.invalid", "cursor: not a cursor this server issued", {
      status: 400,
      data: { field: "cursor" },
    });
  return { at: new Date(parsed.data[0]), id: parsed.data[1] };
};

/** A page answer: `next_cursor` is set only when the page came back full. */
export const page = <T extends { id: string | number; created_at: Date }>(rows: T[], limit: number) => ({
  data: rows,
  next_cursor:
    rows.length === limit
      ? encodeCursor({ at: rows[rows.length - 1].created_at, id: String(rows[rows.length - 1].id) })
      : null,
});
