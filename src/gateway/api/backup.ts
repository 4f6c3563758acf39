import { rmSync } from "node:fs";
import { z } from "zod";
import { XinError } from "../../runtime";
import { defineRoute, type ApiRoute } from "./define";

/** Makes one backup archive on the server's disk; the app does it (the gateway only authorizes and streams). */
export type BackupApi = { create(options: { includeSecrets: boolean }): Promise<{ path: string; size: number }> };

/** Streams a file and deletes it once it is sent or the client goes away. */
const streamThenDelete = (path: string): ReadableStream<Uint8Array> => {
  const reader = Bun.file(path).stream().getReader();
  const done = () => rmSync(path, { force: true });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader.read();
      if (next.done) {
        done();
        controller.close();
      } else controller.enqueue(next.value);
    },
    cancel() {
      done();
    },
  });
};

/**
 * `POST /api/v1/backup[?include_secrets=true]` — instance admins only (the archive holds every tenant's
 * data). Streams the archive with its size in `x-xin-backup-bytes` (Bun's server sends streamed bodies
 * chunked, without Content-Length), so the client can tell a complete download from a cut one.
 */
export const backupRoutes = (backup: BackupApi): ApiRoute[] => [
  defineRoute({
    method: "POST",
    path: "/api/v1/backup",
    tag: "instance",
    summary: "One consistent archive of the store, blobs and config, streamed as application/gzip (instance admins).",
    admin: true,
    query: z.object({
      include_secrets: z
        .enum(["true", "false"])
        .default("false")
        .describe("add xin.env (instance key, tokens' secret) to the archive"),
    }),
    response: z.string().describe("the archive (application/gzip)"),
    handle: async ({ principal, query }) => {
      if (principal.tenant_id !== null)
        throw new XinError("auth.forbidden", "only an instance admin takes backups: the archive holds every tenant", {
          status: 403,
        });
      const { path, size } = await backup.create({ includeSecrets: query.include_secrets === "true" });
      return new Response(streamThenDelete(path), {
        headers: {
          "content-type": "application/gzip",
          "content-length": String(size),
          "x-xin-backup-bytes": String(size),
        },
      });
    },
  }),
];
