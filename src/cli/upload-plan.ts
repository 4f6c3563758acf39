import { statSync } from "node:fs";
import { basename, relative, resolve, sep } from "node:path";
import { detectFormat, uploadNameIssue, walkFiles, type IngestSummary } from "../app";
import { usageError } from "../runtime";

export type PlannedFile = { name: string; path: string; size: number };
export type UploadPlan = { urls: string[]; batches: PlannedFile[][]; failed: IngestSummary["failed"] };

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * What `xin ingest` sends to a server: the local files it names, read here and uploaded (the server
 * never reads this machine's paths), each named by its path within the folder given (`faq/a.md`; a
 * file given alone by its own name), in batches that stay under the upload limit once base64 and
 * JSON are added (4/3 plus a little). A file too large for any batch, or of a type no parser reads,
 * is reported here and not sent.
 */
export const planUpload = (inputs: string[], limitBytes: number): UploadPlan => {
  const budget = Math.floor((limitBytes - 64 * 1024) * 0.74);
  const urls: string[] = [];
  const failed: IngestSummary["failed"] = [];
  const files: PlannedFile[] = [];
  const names = new Map<string, string>();
  for (const input of inputs) {
    if (isUrl(input)) {
      urls.push(input);
      continue;
    }
    const root = resolve(input);
    let found: string[];
    try {
      found = walkFiles(root);
    } catch (e) {
      failed.push({
        source: root,
        reason: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : (e as Error).message,
      });
      continue;
    }
    const single = found.length === 1 && found[0] === root;
    for (const path of found) {
      const name = (single ? basename(path) : relative(root, path)).split(sep).join("/");
      if (!detectFormat(path)) {
        failed.push({ source: name, reason: "unsupported file type" });
        continue;
      }
      const issue = uploadNameIssue(name);
      if (issue) {
        failed.push({ source: name, reason: `cannot be uploaded: its name ${issue}` });
        continue;
      }
      const other = names.get(name);
      if (other)
        throw usageError(
          `two inputs give the upload name "${name}" (${other} and ${path})`,
          "ingest those folders one at a time",
        );
      names.set(name, path);
      const size = statSync(path).size;
      if (size > budget)
        failed.push({
          source: name,
          reason: `larger than the server's upload limit allows (${limitBytes} bytes, server.upload_limit_bytes)`,
        });
      else files.push({ name, path, size });
    }
  }
  const batches: PlannedFile[][] = [];
  let current: PlannedFile[] = [];
  let used = 0;
  for (const file of files) {
    if (current.length > 0 && (used + file.size > budget || current.length >= 1000)) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(file);
    used += file.size;
  }
  if (current.length > 0) batches.push(current);
  return { urls, batches, failed };
};
