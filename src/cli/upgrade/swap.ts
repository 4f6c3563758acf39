import { chmodSync, copyFileSync, existsSync, linkSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Where the replaced binary is kept, beside the installed one (`/usr/local/bin/xin.previous`). */
export const previousPath = (target: string) => join(dirname(target), `${basename(target)}.previous`);

/**
 * Puts `source` at `target` atomically: copied beside the target (same file system), made executable,
 * then renamed over it, so `target` is at every moment either the old or the new binary, never half of
 * one. The old one is kept as `<target>.previous` (a hard link, or a copy across odd file systems).
 */
export const swapBinary = (target: string, source: string): { previous: string } => {
  const previous = previousPath(target);
  const tmp = join(dirname(target), `.${basename(target)}.upgrade-tmp`);
  try {
    copyFileSync(source, tmp);
    chmodSync(tmp, 0o755);
    rmSync(previous, { force: true });
    try {
      linkSync(target, previous);
    } catch {
      copyFileSync(target, previous);
      chmodSync(previous, 0o755);
    }
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { previous };
};

/** Puts the kept `.previous` binary back at `target`, atomically (a rename); false when there is none. */
export const restorePrevious = (target: string): boolean => {
  const previous = previousPath(target);
  if (!existsSync(previous)) return false;
  // Keep a link under the old name too: a second `xin upgrade` can still roll back to it.
  const tmp = join(dirname(target), `.${basename(target)}.rollback-tmp`);
  try {
    rmSync(tmp, { force: true });
    try {
      linkSync(previous, tmp);
    } catch {
      copyFileSync(previous, tmp);
      chmodSync(tmp, 0o755);
    }
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
  return true;
};
