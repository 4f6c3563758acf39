import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Every ingestible file under `root` (itself when it is a file), hidden files and folders and
 * node_modules skipped, sorted for stable runs. One walk for the local ingest and for `xin ingest`
 * uploading a folder to a server, so both see the same files.
 */
export const walkFiles = (root: string): string[] => {
  const st = statSync(root);
  if (st.isFile()) return [root];
  const out: string[] = [];
  for (const name of readdirSync(root).sort()) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(root, name);
    const s = statSync(path);
    if (s.isDirectory()) out.push(...walkFiles(path));
    else if (s.isFile()) out.push(path);
  }
  return out;
};
