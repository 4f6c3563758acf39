import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDisk, diskVerdict } from "./disk";

const GiB = 1024 ** 3;

test.each<[number, number, "ok" | "warn" | "fail"]>([
  [100 * GiB, 200 * GiB, "ok"],
  [1.5 * GiB, 200 * GiB, "warn"],
  [5 * GiB, 200 * GiB, "warn"],
  [6 * GiB, 100 * GiB, "ok"],
  [300 * 1024 ** 2, 10 * GiB, "fail"],
])("%d bytes free of %d is %s", (free, total, verdict) => {
  expect(diskVerdict(free, total)).toBe(verdict);
});

test("measures the data dir's file system, or its nearest parent before init", () => {
  const dir = mkdtempSync(join(tmpdir(), "xin-disk-"));
  const c = checkDisk(join(dir, "not-yet", "data"));
  expect(c.name).toBe("disk");
  expect(c.detail).toMatch(new RegExp(`free of .* under ${dir}$`));
});
