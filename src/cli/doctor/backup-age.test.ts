import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkBackupAge } from "./backup-age";

const now = Date.parse("2026-12-03T12:00:00Z");
const withLast = (createdAt: string | null) => {
  const dir = mkdtempSync(join(tmpdir(), "xin-backup-age-"));
  if (createdAt) {
    mkdirSync(join(dir, "backups"));
    writeFileSync(join(dir, "backups/last.json"), JSON.stringify({ created_at: createdAt, bytes: 1 }));
  }
  return dir;
};

test("no backup yet warns with how to make one", () => {
  const c = checkBackupAge(withLast(null), false, now);
  expect(c).toMatchObject({ status: "warn", detail: "no backup of this instance yet" });
  expect(c.fix).toContain("xin backup FILE");
});

test("a backup from this morning is ok; one older than a week warns", () => {
  expect(checkBackupAge(withLast("2026-12-03T06:00:00Z"), false, now)).toMatchObject({
    status: "ok",
    detail: "2026-12-03T06:00:00Z (6 h ago)",
  });
  expect(checkBackupAge(withLast("2026-11-20T12:00:00Z"), false, now)).toMatchObject({
    status: "warn",
    detail: expect.stringContaining("13 day(s) ago"),
  });
});

test("an external store is not xin's to back up", () => {
  expect(checkBackupAge(withLast(null), true, now).status).toBe("skip");
});
