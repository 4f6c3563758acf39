import { readFileSync } from "node:fs";
import type { IngestSummary } from "../app";
import type { ApiClient } from "./client";
import type { UploadPlan } from "./upload-plan";

export type JobFollower = (client: ApiClient, jobId: number) => Promise<IngestSummary>;

const merge = (a: IngestSummary, b: IngestSummary): IngestSummary => ({
  added: [...a.added, ...b.added],
  changed: [...a.changed, ...b.changed],
  unchanged: [...a.unchanged, ...b.unchanged],
  removed: [...a.removed, ...b.removed],
  failed: [...a.failed, ...b.failed],
  quarantined: [...a.quarantined, ...(b.quarantined ?? [])],
  chunks: a.chunks + b.chunks,
  seconds: a.seconds + b.seconds,
});

/**
 * Sends a plan to the server's ingest route, one request (and one job, run in order per brand) per
 * batch. URLs, prune and `keep` (every name sent before) ride on the last request, so pruning sees
 * the whole upload. Returns one summary for all the jobs, with the plan's local failures.
 */
export const uploadIngest = async (
  client: ApiClient,
  brand: string,
  plan: UploadPlan,
  options: { prune: boolean; crawl: { max_pages: number; max_depth: number }; follow: JobFollower },
): Promise<IngestSummary> => {
  let summary: IngestSummary = {
    added: [],
    changed: [],
    unchanged: [],
    removed: [],
    failed: [...plan.failed],
    quarantined: [],
    chunks: 0,
    seconds: 0,
  };
  const batches = plan.batches.length > 0 ? plan.batches : [[]];
  const sent: string[] = [];
  for (let i = 0; i < batches.length; i++) {
    const last = i === batches.length - 1;
    const files = batches[i].map((f) => ({ name: f.name, content_base64: readFileSync(f.path).toString("base64") }));
    if (files.length === 0 && !(last && plan.urls.length > 0)) continue;
    const body = {
      files,
      inputs: last ? plan.urls : [],
      prune: last && options.prune,
      keep: last && options.prune ? sent : [],
      crawl: options.crawl,
    };
    // Uploads take longer than a plain call: allow a minute per batch.
    const { job_id } = await client.request<{ job_id: number }>(
      "POST",
      `/api/v1/brands/${encodeURIComponent(brand)}/ingest`,
      body,
      60_000,
    );
    sent.push(...files.map((f) => f.name));
    summary = merge(summary, await options.follow(client, job_id));
  }
  return summary;
};
