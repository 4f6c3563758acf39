/**
 * Shared first steps of every `parse`: verified bytes → JSON → a zod-checked envelope. Failures become
 * `webhook.payload_invalid` with a short reason naming the path, never echoing payload content.
 */
import type { z } from "zod";
import { jsonIssue } from "../runtime/http";
import { payloadInvalid } from "./errors";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * JSON escapes can spell strings PostgreSQL cannot store in text or jsonb: lone UTF-16 surrogates
 * (`\ud83d` alone) and NUL (`\u0000`). Those code units become U+FFFD; every other string, in any script,
 * stays exactly as sent. Without this one odd message would fail the whole webhook's transaction forever.
 */
const storableString = (_key: string, value: unknown): unknown => {
  if (typeof value !== "string") return value;
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "\ufffd") : wellFormed;
};

export const parseJsonBody = (body: Uint8Array): unknown => {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw payloadInvalid("body is not UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text, storableString);
  } catch {
    throw payloadInvalid("body is not JSON");
  }
  // Nesting no provider sends would overflow the stack when the raw event is serialised for storage.
  const issue = jsonIssue(value, { strings: false });
  if (issue) throw payloadInvalid(`${issue.where}: ${issue.why}`);
  return value;
};

const describePath = (path: readonly PropertyKey[]): string =>
  path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");

/** Parses `value` with `schema` or throws `webhook.payload_invalid` naming the first bad path. */
export const parseShape = <S extends z.ZodType>(schema: S, value: unknown, where = ""): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? describePath(issue.path) : "";
  const full = [where, path].filter((p) => p.length > 0).join(".") || "body";
  // zod's messages name expected and received types, never the received value itself.
  throw payloadInvalid(`${full}: ${(issue?.message ?? "invalid").replace(/^Invalid input: /, "")}`);
};

/** Seconds (number or numeric string) → epoch milliseconds. */
export const secondsToMs = (seconds: string | number): number => Number(seconds) * 1000;

/** Drops `undefined` keys so normalized objects, stored JSON and request bodies stay exact. */
export const stripUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
