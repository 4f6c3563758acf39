/**
 * The body of `POST /api/v1/brands/{brand}/ingest`: knowledge arrives as uploaded content (JSON with
 * `text` or `content_base64` per file, or multipart/form-data) or as http(s) URLs to crawl — never as
 * a path on the server, which would let a tenant read another tenant's folder or any file the process
 * can open. Uploaded bytes go to the blob store before the job is queued; the job names blobs, so
 * its payload stays small and it never touches the server's disk outside the blob store.
 */
import { z } from "zod";
import { isHttpUrl, uploadNameIssue } from "../../rag";
import { BlobStore, XinError } from "../../runtime";
import { textIssue, type RequestContext } from "../../runtime/http";
import type { EgressGuard } from "../../runtime/net";

const UploadFile = z
  .object({
    name: z
      .string()
      .min(1)
      .describe("the file's path relative to the folder ingested (faq/returns.md): its source name"),
    text: z.string().optional().describe("the content as UTF-8 text"),
    content_base64: z.string().optional().describe("the content, base64 (binary formats: PDF, DOCX)"),
  })
  .strict()
  .refine((f) => (f.text === undefined) !== (f.content_base64 === undefined), {
    message: "give exactly one of text or content_base64",
  });

export const IngestBody = z
  .object({
    inputs: z
      .array(z.string().min(1).max(4096))
      .max(1000)
      .default([])
      .describe("http(s) URLs to crawl within their site; server paths are refused (upload the files)"),
    files: z
      .array(UploadFile)
      .max(10_000)
      .default([])
      .describe("uploaded files; multipart/form-data parts with a filename are taken the same way"),
    keep: z
      .array(z.string().max(4096))
      .max(100_000)
      .default([])
      .describe("names uploaded by earlier requests of the same batched upload, kept by prune"),
    prune: z
      .boolean()
      .default(false)
      .describe("remove stored sources gone from the given sites, and uploaded sources neither in files nor in keep"),
    crawl: z
      .object({ max_pages: z.number().int().min(1).max(10_000), max_depth: z.number().int().min(0).max(20) })
      .strict()
      .optional()
      .describe("limits for crawled sites"),
  })
  .strict();
export type IngestRequest = z.output<typeof IngestBody>;

/** multipart/form-data → the JSON shape: parts with a filename are files, `inputs`/`keep` repeat, `prune`, `crawl` (JSON). */
const fromMultipart = async (bytes: Uint8Array, contentType: string): Promise<unknown> => {
  let form: FormData;
  try {
    form = await new Response(bytes as BodyInit, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new XinError("http.multipart_invalid", "request body is not valid multipart/form-data", { status: 400 });
  }
  const body: Record<string, unknown> = { inputs: [], files: [], keep: [] };
  for (const [field, value] of form) {
    if (typeof value !== "string") {
      (body.files as unknown[]).push({
        name: value.name,
        content_base64: Buffer.from(await value.arrayBuffer()).toString("base64"),
      });
    } else if (field === "inputs" || field === "keep") (body[field] as string[]).push(value);
    else if (field === "prune") body.prune = value === "true";
    else if (field === "crawl") {
      try {
        body.crawl = JSON.parse(value);
      } catch {
        throw new XinError("api.invalid", 'crawl: must be JSON like {"max_pages":50,"max_depth":2}', {
          status: 400,
          data: { field: "crawl" },
        });
      }
    } else body[field] = value; // unknown fields fail the strict schema, naming them
  }
  return body;
};

/** Reads JSON or multipart under the upload limit (`server.upload_limit_bytes`). */
export const readIngestBody =
  (limitBytes: number) =>
  async (ctx: RequestContext): Promise<unknown> => {
    const bytes = await ctx.body({ bytes: limitBytes, key: "server.upload_limit_bytes" });
    const type = ctx.req.headers.get("content-type") ?? "";
    if (/^multipart\/form-data/i.test(type)) return fromMultipart(bytes, type);
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new XinError("http.json_invalid", "request body is not valid JSON", { status: 400 });
    }
  };

const refused = (field: string, code: string, message: string) =>
  new XinError(code, message, { status: 400, data: { field } });

/** Refuses server paths and bad upload names; decodes the files. Nothing is written yet. */
export const checkIngest = (body: IngestRequest): { name: string; bytes: Uint8Array }[] => {
  if (body.inputs.length + body.files.length + body.keep.length === 0)
    throw refused("body", "knowledge.nothing_to_ingest", "give inputs (http(s) URLs) or files (uploaded content)");
  body.inputs.forEach((input, i) => {
    const unstorable = textIssue(input);
    if (unstorable) throw refused(`inputs.${i}`, "http.request_invalid", `inputs.${i} ${unstorable}`);
    if (!isHttpUrl(input)) {
      throw refused(
        `inputs.${i}`,
        "knowledge.server_path_refused",
        `inputs.${i} is not an http(s) URL: the API never reads paths on the server. Upload the file instead (files[] with text or content_base64, or multipart/form-data); \`xin ingest ./folder\` uploads a local folder for you`,
      );
    }
  });
  // `keep` names travel in the job's payload (jsonb) and are compared with stored source names: the
  // same rule as the files' names, so an unstorable one is a 400 here, not a 500 at the insert.
  body.keep.forEach((name, i) => {
    const issue = uploadNameIssue(name);
    if (issue) throw refused(`keep.${i}`, "knowledge.upload_name_invalid", `keep.${i} ${issue}`);
  });
  const names = new Set<string>();
  return body.files.map((file, i) => {
    const issue = uploadNameIssue(file.name);
    if (issue) throw refused(`files.${i}.name`, "knowledge.upload_name_invalid", `files.${i}.name ${issue}`);
    if (names.has(file.name))
      throw refused(
        `files.${i}.name`,
        "knowledge.upload_name_invalid",
        `files.${i}.name "${file.name}" is given twice`,
      );
    names.add(file.name);
    if (file.text !== undefined) return { name: file.name, bytes: new TextEncoder().encode(file.text) };
    const base64 = file.content_base64 as string;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1)
      throw refused(`files.${i}.content_base64`, "api.invalid", `files.${i}.content_base64 is not base64`);
    return { name: file.name, bytes: new Uint8Array(Buffer.from(base64, "base64")) };
  });
};

/**
 * Refused addresses are answered at once (400 `egress.blocked`, nothing queued). The job checks again
 * when it fetches (DNS may change meanwhile); a name that does not resolve now is left to the job.
 */
export const checkUrls = async (egress: EgressGuard, urls: string[]): Promise<void> => {
  for (const url of urls) {
    try {
      await egress.check(url);
    } catch (e) {
      if (!(e instanceof XinError && e.code === "egress.unresolvable")) throw e;
    }
  }
};

/** Keeps the uploaded bytes in the blob store: what the job payload names. */
export const storeUploads = (blobs: BlobStore, files: { name: string; bytes: Uint8Array }[]) =>
  files.map((f) => {
    const stored = blobs.put(f.bytes);
    return { name: f.name, blob: stored.sha256, size: stored.size };
  });
