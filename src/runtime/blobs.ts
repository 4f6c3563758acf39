import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "./crypto";

/**
 * Content-addressed files under `<data_dir>/blobs/<aa>/<sha256>`: media customers sent, raw documents
 * ingested. Writing the same bytes twice is a no-op; a file appears whole or not at all (temp + rename).
 */
export class BlobStore {
  constructor(private readonly root: string) {}

  pathOf(sha: string): string {
    return join(this.root, sha.slice(0, 2), sha);
  }

  /** The bytes stored under `sha` (64 hex digits), or null when there are none. */
  read(sha: string): Uint8Array | null {
    if (!/^[0-9a-f]{64}$/.test(sha)) return null;
    try {
      return new Uint8Array(readFileSync(this.pathOf(sha)));
    } catch {
      return null;
    }
  }

  put(data: Uint8Array): { sha256: string; size: number; path: string } {
    const sha256 = sha256Hex(data);
    const path = this.pathOf(sha256);
    if (!existsSync(path)) {
      mkdirSync(join(this.root, sha256.slice(0, 2)), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, data);
      renameSync(tmp, path);
    }
    return { sha256, size: data.byteLength, path };
  }

  /** Deletes the file stored under `sha`; true when there was one. The caller checked nothing names it. */
  remove(sha: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(sha) || !existsSync(this.pathOf(sha))) return false;
    rmSync(this.pathOf(sha), { force: true });
    return true;
  }
}
