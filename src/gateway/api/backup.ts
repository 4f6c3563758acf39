import { rmSync } from "node:fs";
import { XinError } from "../../runtime";
import type { Db } from "../../runtime/db";
import type { Router } from "../../runtime/http";
import { authenticate, requireAdmin } from "../auth";

/** Makes one backup archive on the server's disk; the app does it (the gateway only authorizes and streams). */
export type BackupApi = { create(options: { includeSecrets: boolean }): Promise<{ path: string; size: number }> };

/**
 * `POST /api/v1/backup[?include_secrets=true]` — instance admins only (the archive holds every tenant's
 * data). Streams the archive with its size in `x-xin-backup-bytes` (Bun's server sends streamed bodies chunked,
 * without Content-Length), so the client can tell a complete download from a cut one, and deletes the server's copy once it is sent or the client goes away.
 */
export const registerBackupApi = (router: Router, deps: { db: () => Db; instanceKey: string; backup: BackupApi }) => {
  router.post("/api/v1/backup", async (ctx) => {
    const principal = await authenticate(ctx, deps);
    requireAdmin(principal);
    if (principal.tenant_id !== null) throw new XinError("auth.forbidden", "only an instance admin takes backups: the archive holds every tenant", { status: 403 });
    const { path, size } = await deps.backup.create({ includeSecrets: ctx.url.searchParams.get("include_secrets") === "true" });
    const reader = Bun.file(path).stream().getReader();
    const done = () => rmSync(path, { force: true });
    const body = new ReadableStream<Uint8Array>({
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
    return new Response(body, { headers: { "content-type": "application/gzip", "content-length": String(size), "x-xin-backup-bytes": String(size) } });
  });
};
