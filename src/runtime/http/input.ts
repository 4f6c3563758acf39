/**
 * What every request must be before any handler sees it: a path and query that decode to text the
 * store can hold, and JSON bodies of storable strings at a sane depth.
 *
 * PostgreSQL refuses NUL in text and jsonb, and UTF-16 surrogates without their pair cannot be encoded
 * as UTF-8 at all, so a value carrying either fails deep in a query as a 500, after work was started.
 * Checking once here, at the edge, turns all of them into one 400 `http.request_invalid` naming where
 * the bad text is, and no handler needs its own guard. Deeply nested JSON parses fine but overflows the
 * stack when serialised again (jsonb columns, logs): refused the same way.
 */
import { XinError } from "../errors";

/** Deeper than any payload xin or a provider writes (Meta's webhooks nest about 8 levels). */
export const MAX_JSON_DEPTH = 64;

export const requestInvalid = (where: string, why: string): XinError =>
  new XinError("http.request_invalid", `${where}: ${why}`, { status: 400, data: { field: where } });

/** Why a decoded string cannot be stored, or null when it can. */
export const textIssue = (text: string): string | null => {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000)";
  if (!text.isWellFormed()) return "contains an unpaired UTF-16 surrogate";
  return null;
};

const decodeComponent = (raw: string, where: string): string => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw requestInvalid(where, "invalid percent-encoding");
  }
  const issue = textIssue(decoded);
  if (issue) throw requestInvalid(where, issue);
  return decoded;
};

/**
 * Checks the path and the query of `url` (400 `http.request_invalid` on the first bad part). The
 * common case (nothing percent-encoded) costs two `includes`.
 */
export const checkRequestTarget = (url: URL): void => {
  const { pathname, search } = url;
  if (pathname.includes("%") || pathname.includes("\u0000")) {
    for (const segment of pathname.split("/")) if (segment) decodeComponent(segment, "path");
  }
  if (search.length > 1 && (search.includes("%") || search.includes("\u0000"))) {
    // URLSearchParams would turn a bad escape into U+FFFD silently; decode each part strictly instead.
    for (const pair of search.slice(1).split("&")) {
      const eq = pair.indexOf("=");
      const key = decodeComponent((eq < 0 ? pair : pair.slice(0, eq)).replaceAll("+", " "), "query");
      if (eq >= 0) decodeComponent(pair.slice(eq + 1).replaceAll("+", " "), key ? `query.${key}` : "query");
    }
  }
};

const pathOf = (base: string, key: string | number): string =>
  typeof key === "number" ? `${base}[${key}]` : `${base}.${key}`;

/**
 * The first problem in a parsed JSON value: a string or key that cannot be stored (`strings`), or
 * nesting deeper than `MAX_JSON_DEPTH`. Iterative, so hostile nesting cannot overflow the stack here.
 */
export const jsonIssue = (
  value: unknown,
  options: { strings: boolean; root?: string },
): { where: string; why: string } | null => {
  const stack: { value: unknown; where: string; depth: number }[] = [
    { value, where: options.root ?? "body", depth: 0 },
  ];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === "string") {
      const issue = options.strings ? textIssue(v) : null;
      if (issue) return { where: item.where, why: issue };
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (item.depth >= MAX_JSON_DEPTH) return { where: item.where, why: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++)
        stack.push({ value: v[i], where: pathOf(item.where, i), depth: item.depth + 1 });
      continue;
    }
    for (const [key, child] of Object.entries(v)) {
      const issue = options.strings ? textIssue(key) : null;
      if (issue) return { where: item.where, why: `a key ${issue}` };
      stack.push({ value: child, where: pathOf(item.where, key), depth: item.depth + 1 });
    }
  }
  return null;
};

/** `jsonIssue` as a 400 `http.request_invalid`. */
export const assertStorableJson = (value: unknown, root = "body"): void => {
  const issue = jsonIssue(value, { strings: true, root });
  if (issue) throw requestInvalid(issue.where, issue.why);
};
